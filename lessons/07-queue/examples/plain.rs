//! Lesson 07, plain: the notebook's queue cell with std alone, no kit: ten
//! items on a channel, four threads sharing its receiver behind a Mutex,
//! 0.2 s of work each, results back on a second channel. About 0.6 s.
//! Run it: `cargo run -p lesson-07-queue --example plain-07`

use std::error::Error;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use std::{env, thread};

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let work = Duration::try_from_secs_f64(0.2 * scale)?;
    let start = Instant::now();
    let (to_queue, queue) = mpsc::channel();
    for item in 0..10 {
        to_queue.send(item)?;
    }
    drop(to_queue); // closed: once it is drained, recv returns Err
    let queue = Arc::new(Mutex::new(queue));
    let (to_main, results) = mpsc::channel();
    for _ in 0..4 {
        let (queue, to_main) = (Arc::clone(&queue), to_main.clone());
        thread::spawn(move || {
            loop {
                // The guard is dropped at the semicolon: the lock is held
                // only while an item is taken, not while it is processed.
                let next = queue.lock().unwrap().recv();
                let Ok(item) = next else { break };
                thread::sleep(work);
                to_main.send(format!("Processed {item}")).unwrap();
            }
        });
    }
    drop(to_main); // the workers hold the only senders left
    // Ends when every worker has dropped its sender: all work is done.
    for line in results {
        println!("{line}");
    }
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
