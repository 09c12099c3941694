//! Exercise 03-bug-collector-hangs (find the bug): results as they
//! complete, until a task panics; then the collector never returns.
//!
//! Chapter: Lesson 03, "One channel per task, or one for all" and "The
//! collector that waits for ever".
//!
//! `as_completed` runs a task on every number, on a pool of `workers`
//! threads, and returns each result with its number in the order the
//! tasks finished (Python's `as_completed`), and how many tasks failed: a
//! task that panics sends nothing. With tasks that all succeed, it works.
//! Let one task panic, and it never returns.
//!
//! Find the bug and fix it: `as_completed` must return as soon as every
//! task has either sent its result or failed, with the failed ones
//! counted, and no later.
//!
//! Run the tests: `make exercise EXERCISE=03-bug-collector-hangs` from the
//! course's folder, or `cargo test` in this one.

use std::sync::mpsc;

use threadpool::ThreadPool;

/// The results, in the order the tasks finished, and how many failed.
#[derive(Debug, PartialEq, Eq)]
pub struct Completed {
    /// Each finished task's number and result.
    pub lines: Vec<(u64, String)>,
    /// How many tasks panicked, and so sent nothing.
    pub failed: usize,
}

/// Runs `task` on every number on a pool of `workers` threads, and returns
/// the results as they complete.
pub fn as_completed(
    numbers: &[u64],
    workers: usize,
    task: fn(u64) -> String,
) -> Completed {
    let pool = ThreadPool::new(workers);
    let (results, arrivals) = mpsc::channel();
    for &number in numbers {
        // Every job sends on the same channel, with its own Sender.
        let results = results.clone();
        pool.execute(move || {
            let line = task(number);
            results.send((number, line)).expect("the collector listens");
        });
    }
    // One message per task, in the order they come.
    let mut lines = Vec::new();
    while lines.len() < numbers.len() {
        let (number, line) = arrivals.recv().expect("a task's result");
        lines.push((number, line));
    }
    let failed = numbers.len() - lines.len();
    Completed { lines, failed }
}
