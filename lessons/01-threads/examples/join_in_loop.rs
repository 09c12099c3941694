//! Lesson 01, extra: the classic mistake. Joining each thread right after
//! spawning it waits for it to finish before the next one starts, so the
//! threads run one after another: 18 s, like lesson 00, not 10 s.
//!
//! Run it: `cargo run -p lesson-01-threads --example join_in_loop` and
//! compare its timeline with the lesson's: no two bars overlap.

use std::process::ExitCode;
use std::thread;

use lesson_00_sequential::{
    letter_pauses, number_pauses, print_letters, print_numbers,
};
use lesson_kit::Plan;

fn main() -> ExitCode {
    // The plan is the same as the lesson's: the ideal is still 10 s, and
    // the summary shows how far from it this run falls.
    let plan = Plan::new().worker(number_pauses()).worker(letter_pauses());

    lesson_kit::run!(plan, || {
        // ANCHOR: mistake
        for work in [print_numbers, print_letters] {
            let handle = thread::spawn(work);
            // Mistake: this waits for the thread before the loop can spawn
            // the next one. Collect the handles, then join them all.
            if handle.join().is_err() {
                lesson_kit::fail("a thread panicked");
            }
        }
        // ANCHOR_END: mistake
    })
}
