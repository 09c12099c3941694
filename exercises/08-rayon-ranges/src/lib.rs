//! Exercise 08-rayon-ranges: count in parallel with rayon, and get the
//! sequential answer, in the same order.
//!
//! Chapter: Lesson 08, "The plain version" (`into_par_iter`) and "What
//! chunk size and order really do".
//!
//! Write `count_per_range`: for each range of numbers, how many of its
//! numbers `keep` accepts, the counts in the order of `ranges`. Exactly
//! what this gives, on one thread:
//!
//! ```text
//! ranges.iter().map(|range| range.clone().filter(|&n| keep(n)).count()).collect()
//! ```
//!
//! but on rayon's threads (`use rayon::prelude::*;`):
//!
//! - the ranges in parallel: `ranges.par_iter()`, whose `map(...)` and
//!   `collect()` keep the order of the ranges, as `iter()`'s do;
//! - and the numbers within each range too: `range.clone().into_par_iter()`.
//!   The ranges are uneven, the first far larger than the others. Split by
//!   range alone, the thread that takes the large one counts it alone,
//!   while the other threads have nothing left to do; split by number as
//!   well, rayon shares it among the threads that are free.
//!
//! Start no threads of your own: rayon's pool has them (the tests run your
//! code in a pool of 4 threads).
//!
//! Run the tests: `make exercise EXERCISE=08-rayon-ranges` from the course's
//! folder, or `cargo test` in this one.

use std::ops::Range;

/// For each range, how many of its numbers `keep` accepts, in the order of
/// `ranges`, counted on rayon's threads.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    todo!("the ranges, and the numbers in each, as rayon parallel iterators")
}
