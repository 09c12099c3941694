//! Exercise 08-rayon-ranges, a WRONG solution the tests must reject: each
//! count is pushed on a shared list as its range is done, so the counts
//! come in the order the ranges finished, not the order of the ranges.

use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

/// For each range, how many of its numbers `keep` accepts, as they finish.
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    let counts = Mutex::new(Vec::new());
    ranges.par_iter().for_each(|range| {
        let count = range.clone().into_par_iter().filter(|&n| keep(n)).count();
        counts.lock().unwrap().push(count);
    });
    counts.into_inner().unwrap()
}
