//! The tests of exercise 05-shared-counter: a `HitCounter` counts what one
//! thread adds, and loses nothing when four threads hit it at once, round
//! after round.

use std::panic::resume_unwind;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use exercise::HitCounter;
use exercise_support::within;

/// How long the threads of each round hit the counter, all at once.
const BURST: Duration = Duration::from_millis(150);
/// How many rounds: a race may let one round through, rarely three.
const ROUNDS: usize = 3;
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// `threads` threads call `update` on one shared counter as often as they
/// can for `BURST`, all starting together; returns the counter's total,
/// and what the threads added, each counting its own.
fn hammer(threads: usize, update: fn(&HitCounter) -> u64) -> (u64, u64) {
    let counter = HitCounter::default();
    let start = Barrier::new(threads);
    let added = thread::scope(|s| {
        let hitters: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    let end = Instant::now() + BURST;
                    let mut added = 0;
                    while Instant::now() < end {
                        for _ in 0..100 {
                            added += update(&counter);
                        }
                    }
                    added
                })
            })
            .collect();
        hitters
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| resume_unwind(panic)))
            .sum()
    });
    (counter.total(), added)
}

#[test]
fn counts_what_one_thread_adds() {
    let total = within(LIMIT, "HitCounter", || {
        let counter = HitCounter::default();
        assert_eq!(counter.total(), 0, "a new counter is at 0");
        counter.hit();
        counter.hit();
        counter.add(5);
        counter.total()
    });
    assert_eq!(total, 7, "two hits and add(5) make 7");
}

#[test]
fn no_hit_is_lost_when_threads_hit_at_once() {
    for round in 1..=ROUNDS {
        let (total, hits) = within(LIMIT, "hit", || {
            hammer(4, |counter| {
                counter.hit();
                1
            })
        });
        assert_eq!(
            total,
            hits,
            "round {round}: four threads hit the counter {hits} times at once, \
             and it counted {total}: {} hit(s) lost.\n\
             hint: read, add, write back, and another thread's hit can come \
             between your read and your write, and be overwritten. Make it one \
             step: AtomicU64::fetch_add, or a Mutex locked for the whole \
             update (chapter 05).",
            hits.saturating_sub(total)
        );
    }
}

#[test]
fn add_loses_nothing_either() {
    for round in 1..=ROUNDS {
        let (total, added) = within(LIMIT, "add", || {
            hammer(4, |counter| {
                counter.add(3);
                3
            })
        });
        assert_eq!(
            total,
            added,
            "round {round}: four threads added {added} at once with add(3), and \
             the counter says {total}: {} lost.\n\
             hint: add(n) must be one step too (fetch_add(n, ...)).",
            added.saturating_sub(total)
        );
    }
}
