//! Lesson 01, extra: a thread hands back a value through `join`.
//!
//! Python's `Thread.join()` returns `None`; to get a result out you share a
//! list or a queue. In Rust the closure's return value travels back through
//! the `JoinHandle`: `join()` gives `Ok(value)`, or `Err` if the thread
//! panicked.
//!
//! Run it: `cargo run -p lesson-01-threads --example join_value`

use std::process::ExitCode;
use std::thread;

use lesson_00_sequential::{LETTERS, NUMBERS, PAUSE, letter_pauses, number_pauses};
use lesson_kit::{Plan, say, sleep};

fn main() -> ExitCode {
    let plan = Plan::new().worker(number_pauses()).worker(letter_pauses());

    lesson_kit::run!(plan, || {
        // ANCHOR: spawn
        // Each closure returns a value: the JoinHandle's type says which.
        let numbers: thread::JoinHandle<u32> = thread::spawn(|| {
            let mut sum = 0;
            for i in 0..NUMBERS {
                sleep(PAUSE);
                say!("Number : {i}");
                sum += i;
            }
            sum
        });
        let letters: thread::JoinHandle<String> = thread::spawn(|| {
            let mut seen = String::new();
            for letter in LETTERS.chars() {
                sleep(PAUSE);
                say!("letter : {letter}");
                seen.push(letter);
            }
            seen
        });
        // ANCHOR_END: spawn

        // ANCHOR: join
        // join() is Ok(the closure's value) or Err(the panic's payload).
        match (numbers.join(), letters.join()) {
            (Ok(sum), Ok(seen)) => say!("the threads returned {sum} and {seen:?}"),
            _ => lesson_kit::fail("a thread panicked"),
        }
        // ANCHOR_END: join
    })
}
