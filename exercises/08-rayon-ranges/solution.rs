//! Exercise 08-rayon-ranges: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! Two parallel iterators, one inside the other: rayon splits the ranges
//! among its threads, and the numbers of a range among the threads that
//! are free, so the large range is shared. `collect` puts the counts in the
//! order of the ranges, whichever thread finished first.

use std::ops::Range;

use rayon::prelude::*;

/// For each range, how many of its numbers `keep` accepts, in the order of
/// `ranges`, counted on rayon's threads.
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    ranges
        .par_iter()
        .map(|range| range.clone().into_par_iter().filter(|&n| keep(n)).count())
        .collect()
}
