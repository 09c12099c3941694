//! The tests of exercise 07-work-queue: `process_all` processes every item
//! once, on `workers` threads working at the same time, a free worker
//! taking the next item whoever is slow, ends at once on an empty queue,
//! and leaves no thread running.

use std::thread;
use std::time::{Duration, Instant};

use exercise::process_all;
use exercise_support::{Probe, threads_back_to, threads_now, within};

/// How long the tests' work takes per item (item 0 can be made slower).
const ITEM: Duration = Duration::from_millis(200);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(3);

/// What the tests' work saw: how many items were worked on at once, and by
/// how many threads.
static PROBE: Probe = Probe::new();

/// The tests' work: "Processed N", after `ITEM`.
fn process(item: u64) -> String {
    let _working = PROBE.enter(item);
    thread::sleep(ITEM);
    format!("Processed {item}")
}

/// The same, but item 0 takes 1.2 s and the others 0.1 s.
fn process_item_0_slowly(item: u64) -> String {
    let _working = PROBE.enter(item);
    let ms = if item == 0 { 1200 } else { 100 };
    thread::sleep(Duration::from_millis(ms));
    format!("Processed {item}")
}

/// The lines `process_all` should give for `items`, sorted.
fn processed(items: impl Iterator<Item = u64>) -> Vec<String> {
    let mut lines: Vec<String> =
        items.map(|item| format!("Processed {item}")).collect();
    lines.sort();
    lines
}

#[test]
fn every_item_is_processed_once() {
    PROBE.reset();
    let mut got = within(LIMIT, "process_all", || {
        process_all((0..10).collect(), 4, process)
    });
    got.sort();
    assert_eq!(
        got,
        processed(0..10),
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
    let (at_once, threads) = (PROBE.most_at_once(), PROBE.threads());
    assert!(
        threads <= 4,
        "the items were worked on by {threads} threads, for 4 workers."
    );
    assert!(
        at_once == 4 && took < ITEM * 6,
        "at most {at_once} item(s) were worked on at a time, by 4 workers, and \
         10 items of {:.1} s took {:.2} s: 4 workers take 3 rounds, {:.1} s.\n\
         hint: is the queue's lock held while an item is worked on? The guard \
         of `while let Ok(item) = queue.lock().unwrap().recv()` lives to the end \
         of the loop's body; `let next = queue.lock().unwrap().recv();` drops it \
         at the semicolon (chapter 07, \"The Rust bug\").",
        ITEM.as_secs_f64(),
        took.as_secs_f64(),
        (ITEM * 3).as_secs_f64()
    );
}

#[test]
fn a_free_worker_takes_the_next_item() {
    PROBE.reset();
    let began = Instant::now();
    let mut got = within(LIMIT, "process_all", || {
        process_all((0..13).collect(), 2, process_item_0_slowly)
    });
    let took = began.elapsed();
    got.sort();
    assert_eq!(got, processed(0..13));
    assert!(
        took < Duration::from_millis(1500),
        "item 0 takes 1.2 s and the 12 others 0.1 s each: two workers that \
         share one queue finish in about 1.2 s (one works on item 0 while the \
         other does the rest), and this took {:.2} s.\n\
         hint: were the items dealt out before the work began? With a queue, \
         each worker takes its next item only when it is free.",
        took.as_secs_f64()
    );
}

#[test]
fn an_empty_queue_ends_at_once() {
    let got = within(LIMIT / 5, "process_all", || {
        process_all(Vec::new(), 3, process)
    });
    assert!(got.is_empty(), "no items, no results: {got:?}");
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
