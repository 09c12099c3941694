//! The notebook's Lock cell: five threads each print 0 to 9. A pause before
//! each line (scaled by `--time-scale`) gives the threads time to overlap,
//! which the notebook's instant prints rarely do.
//!
//! Without the lock the lines of the five threads interleave; with the lock
//! held around each thread's whole loop, one thread prints its ten lines
//! while the others wait, and the run takes five times as long.

use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use lesson_kit::{Plan, say};

use crate::args::PrintDemo;

/// How many threads print.
const THREADS: u32 = 5;
/// How many lines each prints: 0 to 9.
const LINES: u32 = 10;
/// The pause before each line.
const PAUSE: Duration = Duration::from_millis(100);

/// Runs the demo, with the lock or without it.
pub fn run(how: PrintDemo) -> ExitCode {
    // The plan is the same either way: five threads of ten pauses, an ideal
    // of 1 s. With the lock the run takes 5 s: the lock makes them take turns.
    let plan = (0..THREADS).fold(Plan::new(), |plan, _| {
        plan.worker(vec![PAUSE; LINES as usize])
    });
    lesson_kit::run!(plan, || match how {
        PrintDemo::WithoutLock => without_lock(),
        PrintDemo::WithLock => with_lock(),
    })
}

// ANCHOR: without_lock
fn without_lock() {
    thread::scope(|scope| {
        for n in 1..=THREADS {
            // `move`: each thread takes its own copy of its number `n`.
            scope.spawn(move || print_numbers(n));
        }
    });
}
// ANCHOR_END: without_lock

// ANCHOR: with_lock
fn with_lock() {
    // A Mutex of nothing: it guards no value, only the right to print.
    let lock = Mutex::new(());
    thread::scope(|scope| {
        for n in 1..=THREADS {
            let lock = &lock; // `move` below moves this borrow, not the lock
            scope.spawn(move || {
                // Held for the whole loop, as the notebook's `with lock:`.
                let _turn = lock.lock().expect("no thread panics holding it");
                print_numbers(n);
            }); // `_turn` is dropped as the thread ends: the next one may print
        }
    });
}
// ANCHOR_END: with_lock

/// One thread's work: a pause, then a line, ten times.
fn print_numbers(n: u32) {
    for i in 0..LINES {
        if !lesson_kit::sleep(PAUSE) {
            return; // Ctrl-C
        }
        say!("thread {n}: {i}");
    }
}
