//! Exercise 01-bug-unjoined, a WRONG fix the tests must reject: a longer
//! sleep. The count is right as long as the guess is long enough, and the
//! caller always waits the whole guess, however quick the work.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// Counts the numbers for which `matches` is true, on `workers` threads.
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
    // Surely long enough now.
    thread::sleep(Duration::from_secs(1));
    count.load(Ordering::SeqCst)
}
