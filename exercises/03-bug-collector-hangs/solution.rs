//! Exercise 03-bug-collector-hangs: the reference SOLUTION. Find and fix
//! the bug in src/lib.rs first; compare once its tests pass.
//!
//! The bug: the collector waited for one message per task, and a task
//! that panics sends none. `recv` then waited for ever, because a Sender
//! was still alive: the collector's own, `results`, which it kept while it
//! listened. The fix: drop that Sender before listening, and read until the
//! channel closes, which it does when the last job's Sender is gone (sent
//! or dropped in a panic). What did not arrive is what failed.

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
            let _ = results.send((number, line));
        });
    }
    // Only the jobs' Senders are left: the loop ends when they are all gone.
    drop(results);
    let lines: Vec<(u64, String)> = arrivals.iter().collect();
    let failed = numbers.len() - lines.len();
    Completed { lines, failed }
}
