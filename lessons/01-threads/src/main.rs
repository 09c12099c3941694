//! Lesson 01: the functions of lesson 00, unchanged, each on its own thread.
//! While one thread sleeps the other runs, so the 18 s of lesson 00 become
//! 10 s: the time of the longer function alone.
//!
//! Run it: `cargo run -p lesson-01-threads` (add `-- --time-scale 0.1` for a
//! 1 s run). Watch two things: the lines of the two threads interleave, and
//! in the timeline the two rows overlap. The order within each thread never
//! changes; the order between them, at the same instant, can.
//!
//! Four more runs in `examples/`: `join_value` (a thread hands back a
//! value), `scoped` (threads that borrow local data), `stop_flag` (asking a
//! thread to stop) and `join_in_loop` (the classic mistake that makes
//! threads run one after another).

use std::process::ExitCode;
use std::thread;

use lesson_00_sequential::{
    letter_pauses, number_pauses, print_letters, print_numbers,
};
use lesson_kit::Plan;

fn main() -> ExitCode {
    // Two workers: the ideal is the busier one, 5 x 2 s.
    let plan = Plan::new().worker(number_pauses()).worker(letter_pauses());

    lesson_kit::run!(plan, || {
        // ANCHOR: spawn
        // spawn starts the function on a new thread and returns at once.
        let numbers = thread::spawn(print_numbers);
        let letters = thread::spawn(print_letters);
        // ANCHOR_END: spawn

        // ANCHOR: join
        // join waits for a thread to finish. It returns a Result: Err if the
        // thread panicked, so a crash in one thread is a value we must handle.
        for (name, handle) in [("numbers", numbers), ("letters", letters)] {
            if handle.join().is_err() {
                lesson_kit::fail(format!("the {name} thread panicked"));
            }
        }
        // ANCHOR_END: join
    })
}
