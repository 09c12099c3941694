//! Exercise 07-work-queue, a WRONG solution the tests must reject: the
//! workers take items in a `while let`, whose guard lives to the end of the
//! loop's body, so each holds the lock while it works, and they take
//! turns (the chapter's "Rust bug").

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// Processes every item with `work`, on `workers` threads that take turns.
pub fn process_all(
    items: Vec<u64>,
    workers: usize,
    work: fn(u64) -> String,
) -> Vec<String> {
    let (to_queue, queue) = mpsc::channel();
    for item in items {
        to_queue.send(item).unwrap();
    }
    drop(to_queue);
    let queue = Arc::new(Mutex::new(queue));
    let (to_collector, results) = mpsc::channel();
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (queue, to_collector) = (Arc::clone(&queue), to_collector.clone());
            thread::spawn(move || {
                while let Ok(item) = queue.lock().unwrap().recv() {
                    to_collector.send(work(item)).unwrap();
                }
            })
        })
        .collect();
    drop(to_collector);
    let done: Vec<String> = results.iter().collect();
    for handle in handles {
        handle.join().unwrap();
    }
    done
}
