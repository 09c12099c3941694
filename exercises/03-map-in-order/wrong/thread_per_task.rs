//! Exercise 03-map-in-order, a WRONG solution the tests must reject: a
//! thread per task instead of a pool, so every task runs at once, however
//! many `workers` were asked for.

use std::thread;

/// Runs `task` on every number, each on a thread of its own.
pub fn map_on_pool(
    numbers: &[u64],
    _workers: usize,
    task: fn(u64) -> String,
) -> Vec<Option<String>> {
    let handles: Vec<_> = numbers
        .iter()
        .map(|&number| thread::spawn(move || task(number)))
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().ok())
        .collect()
}
