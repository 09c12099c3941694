//! Lesson 07, the other choice: a channel with many receivers, from the
//! crossbeam-channel crate. Its receiver can be cloned, so each worker owns
//! one and takes items from it directly: no Mutex, so no lock to hold too
//! long. The rest is the plain version's.
//!
//! Run it: `cargo run -p lesson-07-queue --example crossbeam`

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    // ANCHOR: queue
    let (to_queue, queue) = crossbeam_channel::unbounded();
    for item in 0..10 {
        to_queue.send(item).unwrap();
    }
    drop(to_queue);
    // ANCHOR_END: queue

    let (to_main, results) = mpsc::channel();
    let mut workers = Vec::new();
    // ANCHOR: workers
    for _ in 0..4 {
        // New: a clone of the receiver per worker, instead of Arc<Mutex<_>>.
        let (queue, to_main) = (queue.clone(), to_main.clone());
        workers.push(thread::spawn(move || {
            // The loop ends once the queue is closed and drained.
            for item in queue {
                thread::sleep(Duration::from_millis(200));
                to_main.send(format!("Processed {item}")).unwrap();
            }
        }));
    }
    // ANCHOR_END: workers
    drop(to_main);
    for line in results {
        println!("{line}");
    }
    for worker in workers {
        worker.join().unwrap();
    }
}
