//! Exercise 03-bug-collector-hangs, a WRONG fix the tests must reject: the
//! collector drops its Sender, but still counts on one message per task,
//! so the `recv` after the last message is `Err`, and `expect` panics.

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
        let results = results.clone();
        pool.execute(move || {
            let line = task(number);
            let _ = results.send((number, line));
        });
    }
    drop(results);
    let mut lines = Vec::new();
    while lines.len() < numbers.len() {
        let (number, line) = arrivals.recv().expect("a task's result");
        lines.push((number, line));
    }
    let failed = numbers.len() - lines.len();
    Completed { lines, failed }
}
