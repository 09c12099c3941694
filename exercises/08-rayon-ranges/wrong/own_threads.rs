//! Exercise 08-rayon-ranges, a WRONG solution the tests must reject: a
//! scoped thread per range, not rayon, so the large range is counted by
//! one thread alone, outside rayon's pool and its share of the cores.

use std::ops::Range;
use std::thread;

/// For each range, how many of its numbers `keep` accepts, a thread each.
pub fn count_per_range(ranges: &[Range<u64>], keep: fn(u64) -> bool) -> Vec<usize> {
    thread::scope(|s| {
        let counting: Vec<_> = ranges
            .iter()
            .map(|range| s.spawn(move || range.clone().filter(|&n| keep(n)).count()))
            .collect();
        counting.into_iter().map(|c| c.join().unwrap()).collect()
    })
}
