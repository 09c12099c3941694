//! Exercise 07-work-queue, a WRONG solution the tests must reject: the
//! collector keeps its own Sender of the results channel while it reads,
//! so the channel never closes, and its loop waits for ever after the last
//! result.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// Processes every item with `work`, on `workers` threads; never returns.
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
    for _ in 0..workers {
        let (queue, to_collector) = (Arc::clone(&queue), to_collector.clone());
        thread::spawn(move || {
            loop {
                let next = queue.lock().unwrap().recv();
                let Ok(item) = next else { break };
                to_collector.send(work(item)).unwrap();
            }
        });
    }
    results.iter().collect()
}
