//! The tests of exercise 05-bug-lost-update: `Views` counts every view,
//! from one thread, and from four threads recording at once, round after
//! round.

use std::panic::resume_unwind;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use exercise::Views;
use exercise_support::within;

/// How long the threads of each round record views, all at once.
const BURST: Duration = Duration::from_millis(150);
/// How many rounds: a race may let one round through, rarely three.
const ROUNDS: usize = 3;
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);
/// The pages the threads view, in turn.
const PAGES: [&str; 2] = ["/", "/about"];

#[test]
fn counts_the_views_of_one_thread() {
    let counts = within(LIMIT, "Views", || {
        let views = Views::default();
        for page in ["/", "/about", "/", "/"] {
            views.record(page);
        }
        (
            views.count("/"),
            views.count("/about"),
            views.count("/never"),
        )
    });
    assert_eq!(
        counts,
        (3, 1, 0),
        "the counts of \"/\", \"/about\" and an unseen page"
    );
}

#[test]
fn no_view_is_lost_when_threads_record_at_once() {
    for round in 1..=ROUNDS {
        let (counted, recorded) = within(LIMIT, "record", || {
            let views = Views::default();
            let start = Barrier::new(4);
            // Each thread records views of both pages for BURST, and counts
            // how many it recorded.
            let recorded: u64 = thread::scope(|s| {
                let servers: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            let end = Instant::now() + BURST;
                            let mut recorded = 0;
                            while Instant::now() < end {
                                views.record(PAGES[recorded % 2]);
                                recorded += 1;
                            }
                            recorded as u64
                        })
                    })
                    .collect();
                servers
                    .into_iter()
                    .map(|s| s.join().unwrap_or_else(|panic| resume_unwind(panic)))
                    .sum()
            });
            (
                PAGES.map(|page| views.count(page)).iter().sum::<u64>(),
                recorded,
            )
        });
        assert_eq!(
            counted,
            recorded,
            "round {round}: four threads recorded {recorded} views at once, and \
             the counts add up to {counted}: {} view(s) lost.\n\
             hint: every access is locked, but is every update? Between two \
             locks, another thread can change the count you read (chapter 05, \
             \"The idea\": a race condition is not a data race).",
            recorded.saturating_sub(counted)
        );
    }
}
