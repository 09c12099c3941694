//! Exercise 03-bug-collector-hangs, a WRONG fix the tests must reject: a
//! time limit on each `recv`. It no longer hangs, but every run with a
//! failed task waits the whole limit for a message that cannot come.

use std::sync::mpsc;
use std::time::Duration;

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
    let mut lines = Vec::new();
    while lines.len() < numbers.len() {
        // A second is surely long enough for any task.
        match arrivals.recv_timeout(Duration::from_secs(1)) {
            Ok(arrival) => lines.push(arrival),
            Err(_) => break,
        }
    }
    let failed = numbers.len() - lines.len();
    Completed { lines, failed }
}
