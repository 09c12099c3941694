//! Exercise 07-bug-held-lock, a WRONG fix the tests must reject: the work
//! is out of the results' lock now, but the loop was rewritten to `match`
//! on `queue.lock().unwrap().recv()`, and the queue's guard, a temporary
//! of the matched expression, lives through the whole `match`: the queue's
//! lock is held while working.

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
                    match queue.lock().expect("no worker panics holding it").recv() {
                        Ok(item) => {
                            let result = work(item);
                            results
                                .lock()
                                .expect("no worker panics holding it")
                                .push(result);
                        }
                        Err(_) => break,
                    }
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
