//! Lesson 07, plain: the notebook's queue cell with std alone, no kit: ten
//! items on a channel, four threads sharing its receiver behind a Mutex,
//! 0.2 s of work each, results back on a second channel. About 0.6 s.
//! Run it: `cargo run -p lesson-07-queue --example plain-07`

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

fn main() {
    let (to_queue, queue) = mpsc::channel();
    for item in 0..10 {
        to_queue.send(item).unwrap();
    }
    drop(to_queue); // closed: once it is drained, recv returns Err
    let queue = Arc::new(Mutex::new(queue));
    let (to_main, results) = mpsc::channel();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (queue, to_main) = (Arc::clone(&queue), to_main.clone());
        workers.push(thread::spawn(move || {
            loop {
                // The guard is dropped at the semicolon: the lock is held
                // only while an item is taken, not while it is processed.
                let next = queue.lock().unwrap().recv();
                let Ok(item) = next else { break };
                thread::sleep(Duration::from_millis(200));
                to_main.send(format!("Processed {item}")).unwrap();
            }
        }));
    }
    drop(to_main); // the workers hold the only senders left
    for line in results {
        println!("{line}");
    }
    for worker in workers {
        worker.join().unwrap();
    }
}
