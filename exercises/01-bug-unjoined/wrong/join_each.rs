//! Exercise 01-bug-unjoined, a WRONG fix the tests must reject: each thread
//! is joined right after it starts, so the threads count one after the
//! other (the chapter's "classic mistake").

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Counts the numbers for which `matches` is true, a thread at a time.
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
        let handle = thread::spawn(move || {
            for &number in numbers.iter().skip(worker).step_by(workers) {
                if matches(number) {
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        handle.join().expect("a counting thread panicked");
    }
    count.load(Ordering::SeqCst)
}
