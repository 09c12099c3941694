//! Exercise 03-map-in-order, a WRONG solution the tests must reject: it
//! waits for each result before it gives the pool the next task, so the
//! pool runs one task at a time.

use std::sync::mpsc;

use threadpool::ThreadPool;

/// Runs `task` on every number on a pool, one after the other.
pub fn map_on_pool(
    numbers: &[u64],
    workers: usize,
    task: fn(u64) -> String,
) -> Vec<Option<String>> {
    let pool = ThreadPool::new(workers);
    let mut lines = Vec::new();
    for &number in numbers {
        let (result, receiver) = mpsc::channel();
        pool.execute(move || {
            let _ = result.send(task(number));
        });
        lines.push(receiver.recv().ok());
    }
    lines
}
