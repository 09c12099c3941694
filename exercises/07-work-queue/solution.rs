//! Exercise 07-work-queue: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! The queue is a closed channel; the workers share its receiver behind a
//! Mutex, locked for one statement per item. A free worker takes the next
//! item, whoever was slow. The collector drops its own Sender, so its loop
//! ends when the last worker has ended.

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
    let (to_collector, results) = mpsc::channel();
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (queue, to_collector) = (Arc::clone(&queue), to_collector.clone());
            thread::spawn(move || {
                loop {
                    // The guard is dropped at the semicolon: the lock is
                    // held to take an item, not while working on it.
                    let next =
                        queue.lock().expect("no worker panics holding it").recv();
                    let Ok(item) = next else { break };
                    let _ = to_collector.send(work(item));
                }
            })
        })
        .collect();
    drop(to_collector); // the workers hold the only Senders left
    let done: Vec<String> = results.iter().collect();
    for handle in handles {
        handle.join().expect("a worker panicked");
    }
    done
}
