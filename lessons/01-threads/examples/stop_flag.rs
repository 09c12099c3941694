//! Lesson 01, extra: stopping a thread yourself. Nothing in std kills a
//! thread from outside: you ask it to stop, and it checks. Here the ask is a
//! shared `AtomicBool` that the worker reads between two steps of its work.
//! The lesson kit does the same for every lesson (its `sleep` returns
//! `false` once Ctrl-C has been pressed), and wakes the sleepers as well.
//!
//! Run it: `cargo run -p lesson-01-threads --example stop_flag`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// One step of the worker's work: a sleep standing for a download.
const STEP: Duration = Duration::from_millis(100);

// ANCHOR: flag
fn main() {
    let stop = Arc::new(AtomicBool::new(false));
    // `Arc::clone`: the worker owns a handle on the same flag as main.
    let flag = Arc::clone(&stop);
    let start = Instant::now();
    let worker = thread::spawn(move || {
        let mut steps = 0;
        // The flag is read between steps, so a step under way is finished.
        // Relaxed is enough: the flag guards no other data, and join below
        // makes everything the worker did visible to main.
        while !flag.load(Ordering::Relaxed) {
            thread::sleep(STEP);
            steps += 1;
            println!("worker: step {steps} done");
        }
        steps
    });

    thread::sleep(STEP * 5 / 2); // main has seen enough after two and a half
    stop.store(true, Ordering::Relaxed);
    println!("main: asked the worker to stop");
    match worker.join() {
        Ok(steps) => println!(
            "main: the worker stopped after {steps} steps, {} ms in",
            start.elapsed().as_millis()
        ),
        Err(_) => println!("main: the worker panicked"),
    }
}
// ANCHOR_END: flag
