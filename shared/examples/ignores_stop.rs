//! Why a second Ctrl-C quits at once: this "lesson" waits with
//! `std::thread::sleep`, which the kit cannot cut short, and never asks
//! `lesson_kit::stopped()`. The first Ctrl-C raises the flag and the kit
//! says it is stopping; the work goes on regardless. The second press ends
//! it.
//!
//! Run it: `cargo run -p lesson-kit --example ignores_stop`, press Ctrl-C,
//! watch it carry on, press Ctrl-C again.

use std::thread;
use std::time::Duration;

use lesson_kit::Plan;

fn main() -> std::process::ExitCode {
    lesson_kit::run!(Plan::new(), || {
        for second in 1..=30 {
            // A sleep the kit does not know about: deaf to the stop.
            thread::sleep(Duration::from_secs(1));
            let stopped = lesson_kit::stopped();
            // println!, not say!: say! prints nothing once a stop has come.
            println!("{second} s of work done; stop requested: {stopped}");
        }
    })
}
