//! Exercise 07-work-queue, a WRONG solution the tests must reject: the
//! items are dealt out to the workers before the work begins, each worker
//! its share, so a worker that finishes its share early sits idle while
//! another still has a slow item and a queue of its own behind it.

use std::thread;

/// Processes every item with `work`, on `workers` threads, each with its
/// own share of the items.
pub fn process_all(
    items: Vec<u64>,
    workers: usize,
    work: fn(u64) -> String,
) -> Vec<String> {
    let share = items.len().div_ceil(workers).max(1);
    let handles: Vec<_> = items
        .chunks(share)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            thread::spawn(move || {
                chunk.into_iter().map(work).collect::<Vec<String>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}
