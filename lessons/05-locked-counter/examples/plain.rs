//! Lesson 05 without the kit: the notebook's locked counter, with threads.
//! Four threads each add 1 to one counter 1000 times; the Mutex lets one
//! thread at a time change it, so none of the 4000 updates is lost.
//!
//! Run it: `cargo run -p lesson-05-locked-counter --example plain-05`

use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..4 {
        // A second owner of the same counter, moved into the thread.
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..1000 {
                // The guard from lock() unlocks at the end of the statement.
                *counter.lock().expect("no thread panicked holding it") += 1;
            }
        }));
    }
    for handle in handles {
        // join() is Err if the thread panicked.
        handle.join().expect("a counting thread panicked");
    }
    let value = *counter.lock().expect("no thread panicked holding it");
    println!("Final value: {value}");
}
