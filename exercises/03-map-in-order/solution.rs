//! Exercise 03-map-in-order: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! One channel per task: each job owns its `Sender`, so each `Receiver`
//! answers for one task only. Reading them in input order gives the input
//! order, and a task that panicked is an `Err` at its own place.

use std::sync::mpsc::{self, Receiver};

use threadpool::ThreadPool;

/// Runs `task` on every number, on a pool of `workers` threads (at least
/// one), and returns the results in the order of `numbers`: `None` for a
/// task that panicked.
pub fn map_on_pool(
    numbers: &[u64],
    workers: usize,
    task: fn(u64) -> String,
) -> Vec<Option<String>> {
    let pool = ThreadPool::new(workers);
    let receivers: Vec<Receiver<String>> = numbers
        .iter()
        .map(|&number| {
            let (result, receiver) = mpsc::channel();
            // `move`: the job owns its number and its Sender.
            pool.execute(move || {
                let _ = result.send(task(number));
            });
            receiver
        })
        .collect();
    // Err: the job ended without sending, so its task panicked.
    receivers
        .iter()
        .map(|receiver| receiver.recv().ok())
        .collect()
}
