//! Lesson 07, the other choice: a channel with many receivers, from the
//! crossbeam-channel crate. Its receiver can be cloned, so each worker owns
//! one and takes items from it directly: no Mutex, so no lock to hold too
//! long. The rest is the plain version's, `LESSON_TIME_SCALE` and the
//! time it took included.
//!
//! Run it: `cargo run -p lesson-07-queue --example crossbeam`

use std::error::Error;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use std::{env, thread};

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let work = Duration::try_from_secs_f64(0.2 * scale)?;
    let start = Instant::now();
    // ANCHOR: queue
    let (to_queue, queue) = crossbeam_channel::unbounded();
    for item in 0..10 {
        to_queue.send(item)?;
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
                thread::sleep(work);
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
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
