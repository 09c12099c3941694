//! Exercise 08-rayon-ranges, a WRONG solution the tests must reject: the
//! ranges in parallel, but each range's numbers on one thread, so the one
//! that takes the large range counts it alone while the others sit idle.

use std::ops::Range;

use rayon::prelude::*;

/// For each range, how many of its numbers `keep` accepts, a range per
/// rayon task.
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    ranges
        .par_iter()
        .map(|range| range.clone().filter(|&n| keep(n)).count())
        .collect()
}
