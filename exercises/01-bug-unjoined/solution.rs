//! Exercise 01-bug-unjoined: the reference SOLUTION. Find and fix the bug
//! in src/lib.rs first; compare once its tests pass.
//!
//! The bug: a sleep stood in for the join. It guessed how long the threads
//! would take; a slower test of each number (or a busier machine) made the
//! guess wrong, and the count was read while they were still counting, and
//! left them running. The fix: keep every thread's JoinHandle and join
//! them all. Each thread now hands back its own count through `join`, so
//! nothing is shared but the numbers.

use std::sync::Arc;
use std::thread;

/// Counts the numbers for which `matches` is true, on `workers` threads:
/// the first thread tests the numbers at 0, `workers`, `2 * workers`... of
/// the list, the second those at 1, `workers + 1`..., and so on.
pub fn count_matching(
    numbers: Vec<u64>,
    workers: usize,
    matches: fn(u64) -> bool,
) -> usize {
    let numbers = Arc::new(numbers);
    let mut handles = Vec::new();
    for worker in 0..workers {
        let numbers = Arc::clone(&numbers);
        handles.push(thread::spawn(move || {
            let mine = numbers.iter().skip(worker).step_by(workers);
            mine.filter(|&&number| matches(number)).count()
        }));
    }
    // Every thread has started before the first join: they count at once.
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a counting thread panicked"))
        .sum()
}
