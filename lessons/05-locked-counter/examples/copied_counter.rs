//! The surprise that compiles: `move` gives each thread its own copy of
//! the counter. A `u64` is `Copy`, so moving it into a closure copies it;
//! every thread counts to 1000 in its copy, and main's counter stays 0.
//!
//! Run it: `cargo run -p lesson-05-locked-counter --example copied_counter`

use std::thread;

fn main() {
    let mut counter = 0u64;
    let adders: Vec<_> = (1..=4)
        .map(|n| {
            // `move` copies `counter` into the closure: a new u64, not a borrow.
            thread::spawn(move || {
                for _ in 0..1000 {
                    counter += 1;
                }
                println!("thread {n}: its own copy is {counter}");
            })
        })
        .collect();
    for adder in adders {
        adder.join().expect("a thread panicked");
    }
    // Every `counter += 1` changed a copy: this one is still 0.
    println!("main: counter = {counter}");
}
