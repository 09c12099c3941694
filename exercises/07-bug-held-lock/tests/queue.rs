//! The tests of exercise 07-bug-held-lock: `process_all` processes every
//! item once, with its workers working at the same time, and leaves no
//! thread running.

use std::thread;
use std::time::{Duration, Instant};

use exercise::process_all;
use exercise_support::{Probe, threads_back_to, threads_now, within};

/// How long the tests' work takes per item.
const ITEM: Duration = Duration::from_millis(100);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// What the tests' work saw: how many items were worked on at once.
static PROBE: Probe = Probe::new();

/// The tests' work: "Processed N", after `ITEM`.
fn process(item: u64) -> String {
    let _working = PROBE.enter(item);
    thread::sleep(ITEM);
    format!("Processed {item}")
}

#[test]
fn every_item_is_processed_once() {
    PROBE.reset();
    let mut got = within(LIMIT, "process_all", || {
        process_all((0..6).collect(), 3, process)
    });
    got.sort();
    let expected: Vec<String> =
        (0..6).map(|item| format!("Processed {item}")).collect();
    assert_eq!(
        got, expected,
        "every item's result, once (in any order; sorted here)"
    );
}

#[test]
fn the_workers_work_at_the_same_time() {
    PROBE.reset();
    let began = Instant::now();
    within(LIMIT, "process_all", || {
        process_all((0..10).collect(), 4, process)
    });
    let took = began.elapsed();
    let at_once = PROBE.most_at_once();
    assert!(
        at_once == 4 && took < ITEM * 6,
        "at most {at_once} item(s) were worked on at a time, by 4 workers, and \
         10 items of {:.1} s took {:.2} s: 4 workers working at once take 3 \
         rounds, {:.1} s.\n\
         hint: the workers take turns, so each holds something the others \
         need while it works. Which lock is held while `work` runs, and until \
         when does its guard live? (chapter 07, \"The Rust bug: holding the \
         lock while working\")",
        ITEM.as_secs_f64(),
        took.as_secs_f64(),
        (ITEM * 3).as_secs_f64()
    );
}

#[test]
fn no_thread_is_left_running() {
    PROBE.reset();
    let (before, after) = within(LIMIT, "process_all", || {
        let before = threads_now();
        process_all((0..6).collect(), 3, process);
        (before, threads_back_to(before, LIMIT / 5))
    });
    assert!(
        after <= before,
        "{} thread(s) more than before the call were still running a second \
         after process_all returned (in /proc/self/task).\n\
         hint: join the workers before you return.",
        after - before
    );
}
