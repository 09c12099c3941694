//! Lesson 01, extra: scoped threads borrow local data, no `Arc` needed.
//!
//! `thread::spawn` needs `'static` data, because the new thread may outlive
//! the function that started it. `thread::scope` promises that every thread
//! spawned inside it is joined before the scope ends, so the threads may
//! borrow the caller's local variables, and the compiler checks the
//! borrows: many threads may read, only one may write.
//!
//! Run it: `cargo run -p lesson-01-threads --example scoped`

use std::process::ExitCode;
use std::thread;

use lesson_00_sequential::{LETTERS, NUMBERS, PAUSE, letter_pauses, number_pauses};
use lesson_kit::{Plan, say, sleep};

fn main() -> ExitCode {
    let plan = Plan::new().worker(number_pauses()).worker(letter_pauses());

    lesson_kit::run!(plan, || {
        // ANCHOR: scope
        // Local data, owned by this function: no Arc, no clone.
        let numbers: Vec<u32> = (0..NUMBERS).collect();
        let letters = String::from(LETTERS);
        let mut letters_printed = 0;

        thread::scope(|s| {
            // Borrows `numbers` to read it.
            s.spawn(|| {
                for i in &numbers {
                    sleep(PAUSE);
                    say!("Number : {i}");
                }
            });
            // Borrows `letters` to read and `letters_printed` to write: the
            // only thread that may, so the compiler accepts it.
            s.spawn(|| {
                for letter in letters.chars() {
                    sleep(PAUSE);
                    say!("letter : {letter}");
                    letters_printed += 1;
                }
            });
        }); // Every thread spawned in the scope has been joined here.

        // The borrows have ended: the data is ours again.
        say!(
            "still here: {numbers:?}, {letters:?}, {letters_printed} letters printed"
        );
        // ANCHOR_END: scope
    })
}
