//! Lesson 00: the baseline. Two functions that wait, called one after the
//! other, as in the notebook's first cell: 4 numbers, then 5 letters, each
//! after a 2 s sleep, so 18 s in all.
//!
//! Run it: `cargo run -p lesson-00-sequential` (add `-- --time-scale 0.1`
//! for a 1.8 s run). Watch the timeline: one row, nine bars end to end.
//! While a function sleeps, nothing else happens: that idle time is what
//! lesson 01 puts to use.

use std::process::ExitCode;

use lesson_00_sequential::{
    letter_pauses, number_pauses, print_letters, print_numbers,
};
use lesson_kit::Plan;

fn main() -> ExitCode {
    // One worker, the main thread, makes every sleep: the ideal is the sum.
    let plan =
        Plan::new().worker(number_pauses().into_iter().chain(letter_pauses()));

    lesson_kit::run!(plan, || {
        // ANCHOR: calls
        print_numbers(); // returns after 4 x 2 s
        print_letters(); // starts only then: 5 x 2 s more
        // ANCHOR_END: calls
    })
}
