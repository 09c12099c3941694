//! Exercise 03-map-in-order, a WRONG solution the tests must reject: one
//! channel for every job, read as the results arrive, gives them in the
//! order the tasks finished (as-completed), and a task that panicked
//! leaves no trace.

use std::sync::mpsc;

use threadpool::ThreadPool;

/// Runs `task` on every number on a pool; the results as they come.
pub fn map_on_pool(
    numbers: &[u64],
    workers: usize,
    task: fn(u64) -> String,
) -> Vec<Option<String>> {
    let pool = ThreadPool::new(workers);
    let (results, arrivals) = mpsc::channel();
    for &number in numbers {
        let results = results.clone();
        pool.execute(move || {
            let _ = results.send(task(number));
        });
    }
    drop(results);
    arrivals.iter().map(Some).collect()
}
