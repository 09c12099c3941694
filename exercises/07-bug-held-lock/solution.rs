//! Exercise 07-bug-held-lock: the reference SOLUTION. Find and fix the bug
//! in src/lib.rs first; compare once its tests pass.
//!
//! The bug: `results.lock().unwrap().push(work(item))` locks the results
//! before it works. A method call evaluates its receiver first
//! (`results.lock().unwrap()`, which takes the lock) and its arguments
//! after (`work(item)`); the guard, a temporary, lives to the end of the
//! statement. So each worker held the results' lock through its work, and
//! the others waited for it. The fix: work first, in a statement of its
//! own, then lock to push.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// Processes every item with `work`, on `workers` threads (at least one)
/// that take the items from one shared queue; returns every result, in the
/// order they were done.
pub fn process_all(
    items: Vec<u64>,
    workers: usize,
    work: fn(u64) -> String,
) -> Vec<String> {
    let (to_queue, queue) = mpsc::channel();
    for item in items {
        to_queue.send(item).expect("the queue's receiver is here");
    }
    drop(to_queue); // closed: once drained, recv() returns Err
    let queue = Arc::new(Mutex::new(queue));
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (queue, results) = (Arc::clone(&queue), Arc::clone(&results));
            thread::spawn(move || {
                loop {
                    // The guard is dropped at the semicolon: the lock is
                    // held to take an item, not while working on it.
                    let next =
                        queue.lock().expect("no worker panics holding it").recv();
                    let Ok(item) = next else { break };
                    // Work with no lock held; lock only to push the result.
                    let result = work(item);
                    results
                        .lock()
                        .expect("no worker panics holding it")
                        .push(result);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a worker panicked");
    }
    let mut results = results.lock().expect("no worker panics holding it");
    std::mem::take(&mut *results)
}
