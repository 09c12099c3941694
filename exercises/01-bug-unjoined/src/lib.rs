//! Exercise 01-bug-unjoined (find the bug): a count shared among threads
//! comes back too low.
//!
//! Chapter: Lesson 01, "Threads die when `main` returns" and "What Rust
//! adds" (a thread hands back a value through `join`).
//!
//! `count_matching` counts how many numbers pass a test (`matches`), with
//! the numbers shared among `workers` threads. Its author tried it on a few
//! numbers with a quick test, and it counted right. The tests here give it
//! a test that takes a while per number, and it comes back with too few.
//!
//! Find the bug and fix it: `count_matching` must return the whole count,
//! as soon as the threads are done (no sooner, and not much later), with
//! no thread still running. Keep the work on `workers` threads.
//!
//! Two things in it that the chapter did not show in this form:
//! `Arc::new(numbers)` lets every thread own a handle on the same numbers
//! (`Arc::clone` makes one more; the chapter's stop flag shares an
//! `AtomicBool` the same way), and `count.fetch_add(1, ...)` adds 1 to a
//! count that several threads change at once, without losing any (lesson
//! 05 explains how).
//!
//! Run the tests: `make exercise EXERCISE=01-bug-unjoined` from the course's
//! folder, or `cargo test` in this one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// Counts the numbers for which `matches` is true, on `workers` threads:
/// the first thread tests the numbers at 0, `workers`, `2 * workers`... of
/// the list, the second those at 1, `workers + 1`..., and so on.
pub fn count_matching(
    numbers: Vec<u64>,
    workers: usize,
    matches: fn(u64) -> bool,
) -> usize {
    let numbers = Arc::new(numbers);
    let count = Arc::new(AtomicUsize::new(0));
    for worker in 0..workers {
        let numbers = Arc::clone(&numbers);
        let count = Arc::clone(&count);
        thread::spawn(move || {
            for &number in numbers.iter().skip(worker).step_by(workers) {
                if matches(number) {
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    // Testing a number is quick: the threads are done well within this.
    thread::sleep(Duration::from_millis(50));
    count.load(Ordering::SeqCst)
}
