//! Exercise 08-rayon-ranges, a WRONG solution the tests must reject: the
//! right counts, in the right order, on one thread.

use std::ops::Range;

/// For each range, how many of its numbers `keep` accepts, on one thread.
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    ranges
        .iter()
        .map(|range| range.clone().filter(|&n| keep(n)).count())
        .collect()
}
