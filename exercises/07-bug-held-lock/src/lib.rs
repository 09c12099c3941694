//! Exercise 07-bug-held-lock (find the bug): the workers of a work queue
//! take turns instead of working at once.
//!
//! Chapter: Lesson 07, "The Rust bug: holding the lock while working".
//!
//! `process_all` is lesson 07's work queue with one change: instead of
//! sending their results back on a channel, the workers push them on a
//! list they share behind a `Mutex`. Every item is processed, once, and the
//! results are right. But it is as slow as one worker: the timeline would
//! show no two items at the same time. And the queue's loop takes each
//! item in a statement of its own, as the chapter says it should.
//!
//! Find the bug and fix it: with `workers` workers, `workers` items must
//! be worked on at the same time.
//!
//! Run the tests: `make exercise EXERCISE=07-bug-held-lock` from the
//! course's folder, or `cargo test` in this one.

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
                    results
                        .lock()
                        .expect("no worker panics holding it")
                        .push(work(item));
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
