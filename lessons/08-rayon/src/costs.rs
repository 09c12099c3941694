//! What the chunks cost, and so how far they let a run go. Testing a number
//! costs the divisions (remainders) that `is_prime` makes, and those can be
//! counted without being made: an even number takes one, an odd number one
//! for 2 and then one per odd divisor from 3, up to its smallest factor if
//! it has one below its square root, else up to its square root. A sieve
//! finds the smallest factors. The counts do not depend on the machine or
//! on what else it runs, so what the chunks allow is the same on every run,
//! and they choose how many chunks a run gets when `--chunk` is not given.

use std::ops::Range;

use crate::primes::{self, Chunk};

/// The share of the threads that the default chunks must allow: below it,
/// the chunks themselves, not the machine, would hold a run back.
pub const ENOUGH: f64 = 0.97;

/// Numbers sieved at a time, so that memory stays small; the divisions
/// below each multiple of it are kept, so that a chunk of any size costs
/// little more than its two ends to count.
const BLOCK: u64 = 4096;

/// Counts divisions for the numbers below a bound.
pub struct Divisions {
    /// The odd primes whose square is below the bound: an odd number below
    /// it that is not prime has its smallest factor among them.
    primes: Vec<u64>,
    /// `before[i]`: the divisions for all the numbers below `i * BLOCK`.
    before: Vec<u64>,
}

impl Divisions {
    /// Ready to count for any numbers below `bound`, after one pass of the
    /// sieve over them all: a few operations a number, where trial
    /// division makes dozens of divisions a number below 2 million.
    pub fn below(bound: u64) -> Self {
        let largest = bound.saturating_sub(1).isqrt();
        let primes = (3..=largest).step_by(2).filter(|&n| primes::is_prime(n));
        let mut divisions = Self {
            primes: primes.collect(),
            before: vec![0],
        };
        let mut total = 0;
        for block in 0..bound / BLOCK {
            total += divisions.sieved(block * BLOCK..(block + 1) * BLOCK);
            divisions.before.push(total);
        }
        divisions
    }

    /// The divisions `is_prime` makes to test every number in `numbers`.
    pub fn of(&self, numbers: Range<u64>) -> u64 {
        // The whole blocks inside `numbers` are counted already.
        let (first, last) = (numbers.start.div_ceil(BLOCK), numbers.end / BLOCK);
        if first >= last {
            return self.sieved(numbers);
        }
        let whole = self.before[last as usize] - self.before[first as usize];
        self.sieved(numbers.start..first * BLOCK)
            + whole
            + self.sieved(last * BLOCK..numbers.end)
    }

    /// The divisions for `numbers`, [`BLOCK`] numbers at a time.
    fn sieved(&self, numbers: Range<u64>) -> u64 {
        let mut total = 0;
        let mut smallest = Vec::new();
        let mut low = numbers.start;
        while low < numbers.end {
            let high = (low + BLOCK).min(numbers.end);
            // The smallest odd prime factor of each number in low..high
            // that has one at most its square root, else 0.
            smallest.clear();
            smallest.resize((high - low) as usize, 0);
            for &p in self.primes.iter().take_while(|&&p| p * p < high) {
                // Odd multiples only, from p * p (a smaller multiple has a
                // smaller factor) and from `low`.
                let mut multiple = (p * p).max(low.next_multiple_of(p));
                if multiple.is_multiple_of(2) {
                    multiple += p;
                }
                while multiple < high {
                    let factor = &mut smallest[(multiple - low) as usize];
                    if *factor == 0 {
                        *factor = p;
                    }
                    multiple += 2 * p;
                }
            }
            for n in low..high {
                total += match smallest[(n - low) as usize] {
                    _ if n < 2 => 0,
                    _ if n.is_multiple_of(2) => 1,
                    // By 2, then by 3, 5, ... up to the square root.
                    0 => 1 + (n.isqrt() - 1) / 2,
                    // By 2, then by 3, 5, ... up to the smallest factor.
                    factor => 1 + (factor - 1) / 2,
                };
            }
            low = high;
        }
        total
    }

    /// Each chunk's cost, in the chunks' order.
    pub fn of_chunks(&self, chunks: &[Chunk]) -> Vec<u64> {
        chunks
            .iter()
            .map(|chunk| self.of(chunk.numbers()))
            .collect()
    }

    /// The chunk size when `--chunk` is not given: the fewest chunks per
    /// thread (1, 2, 3...) that allow [`ENOUGH`] of `threads` handed out the
    /// costliest first; or as many as there can be (one number each, or
    /// `max_chunks`).
    pub fn default_chunk_size(
        &self,
        bound: u64,
        threads: usize,
        max_chunks: u64,
    ) -> u64 {
        let threads = threads.max(1);
        let mut per_thread = 1;
        loop {
            let size = bound.div_ceil(threads as u64 * per_thread).max(1);
            let costs = self.of_chunks(&primes::chunks(bound, size));
            let enough = allowed(&costs, threads)
                .is_none_or(|a| a.costliest_first >= ENOUGH * threads as f64);
            let more = threads as u64 * (per_thread + 1);
            if enough || size == 1 || more > max_chunks {
                return size;
            }
            per_thread += 1;
        }
    }
}

/// The best speedups that some threads can get on chunks of known costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowed {
    /// Handed out first to last, each to the first thread free.
    pub in_order: f64,
    /// Handed out last to first ([`primes::costliest_first`]), the same way.
    pub costliest_first: f64,
    /// In any order at all: no schedule beats the total shared evenly, nor
    /// the costliest chunk alone.
    pub any_order: f64,
}

/// What chunks costing `costs` (in the numbers' order) allow `threads`;
/// `None` if they cost nothing at all.
pub fn allowed(costs: &[u64], threads: usize) -> Option<Allowed> {
    let total: u64 = costs.iter().sum();
    let costliest = costs.iter().copied().max().unwrap_or(0);
    if total == 0 {
        return None;
    }
    let speedup = |end: u64| total as f64 / end as f64;
    Some(Allowed {
        in_order: speedup(finish(costs.iter().copied(), threads)),
        costliest_first: speedup(finish(costs.iter().rev().copied(), threads)),
        any_order: (threads.max(1) as f64).min(speedup(costliest)),
    })
}

// ANCHOR: schedule
/// When the last of `threads` finishes, each taking the next cost as soon
/// as it is free, as the lesson's threads and processes do.
fn finish(costs: impl Iterator<Item = u64>, threads: usize) -> u64 {
    let mut free_at = vec![0; threads.max(1)];
    for cost in costs {
        if let Some(first_free) = free_at.iter_mut().min() {
            *first_free += cost;
        }
    }
    free_at.into_iter().max().unwrap_or(0)
}
// ANCHOR_END: schedule

#[cfg(test)]
mod tests {
    use super::*;

    /// The divisions `is_prime` makes for `n`, counted by doing them: its
    /// loop again, with a counter.
    fn made(n: u64) -> u64 {
        if n < 2 {
            return 0;
        }
        if n.is_multiple_of(2) {
            return 1;
        }
        let (mut count, mut divisor) = (1, 3);
        while divisor * divisor <= n {
            count += 1;
            if n.is_multiple_of(divisor) {
                break;
            }
            divisor += 2;
        }
        count
    }

    #[test]
    fn counted_divisions_are_the_ones_trial_division_makes() {
        let below = |bound: u64| Divisions::below(bound);
        // Around primes, squares of primes and a window's edge.
        for bound in [0, 1, 2, 3, 4, 9, 10, 25, 26, 49, 50, 4096, 4097, 70_001] {
            let by_hand: u64 = (0..bound).map(made).sum();
            assert_eq!(below(bound).of(0..bound), by_hand, "below {bound}");
        }
        // Any range: inside a block, across one edge or several, on edges.
        let divisions = below(200_000);
        let ranges = [
            97..98,
            4090..4100,
            4096..8192,
            4095..12_289,
            99_999..200_000,
        ];
        for range in ranges {
            let by_hand: u64 = range.clone().map(made).sum();
            assert_eq!(divisions.of(range.clone()), by_hand, "{range:?}");
        }
        // The chapter's figures: the first and last of 8 chunks below 2
        // million, and 9 = 3 * 3 takes two divisions (by 2, by 3).
        let divisions = below(2_000_000);
        assert_eq!(divisions.of(9..10), 2);
        let eighths = divisions.of_chunks(&primes::chunks(2_000_000, 250_000));
        assert_eq!(eighths.len(), 8);
        assert!((5_000_000..5_100_000).contains(&eighths[0]), "{eighths:?}");
        assert!(
            (15_500_000..15_600_000).contains(&eighths[7]),
            "{eighths:?}"
        );
    }

    #[test]
    fn uneven_chunks_in_order_cannot_reach_the_thread_count() {
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // Two threads, chunks of 1, 1 and 2: in order, the 2 comes last and
        // runs alone (3 units, 4/3x); the 2 first, the two 1s run beside it
        // (2 units, 2x), as in the best of any order.
        let best = allowed(&[1, 1, 2], 2).expect("a schedule");
        assert!(near(best.in_order, 4.0 / 3.0), "{best:?}");
        assert!(near(best.costliest_first, 2.0), "{best:?}");
        assert!(near(best.any_order, 2.0), "{best:?}");
        // Last to first is not always the best: 3, 3, 2, 2, 2 on two
        // threads end at 7 taken from the back (2, 2, 2, 3, 3), and at 6
        // split best (3 + 3, 2 + 2 + 2).
        let best = allowed(&[3, 3, 2, 2, 2], 2).expect("a schedule");
        assert!(near(best.costliest_first, 12.0 / 7.0), "{best:?}");
        assert!(near(best.any_order, 2.0), "{best:?}");
        // One costly chunk caps every order, whatever the threads.
        let best = allowed(&[1, 1, 8], 4).expect("a schedule");
        assert!(near(best.any_order, 10.0 / 8.0), "{best:?}");
        assert_eq!(allowed(&[], 2), None);
        assert_eq!(allowed(&[0, 0], 2), None);
    }

    #[test]
    fn the_default_chunks_allow_enough_of_the_threads() {
        let bound = 2_000_000;
        let divisions = Divisions::below(bound);
        for threads in [1, 2, 3, 8, 64] {
            let size = divisions.default_chunk_size(bound, threads, 10_000);
            let chunks = primes::chunks(bound, size);
            let costs = divisions.of_chunks(&chunks);
            let best = allowed(&costs, threads).expect("a schedule");
            let wanted = ENOUGH * threads as f64;
            assert!(best.costliest_first >= wanted, "{threads}: {best:?}");
            // The fewest per thread: one fewer per thread would not do.
            let per_thread = chunks.len().div_ceil(threads) as u64;
            if per_thread > 1 {
                let fewer = bound.div_ceil(threads as u64 * (per_thread - 1));
                let costs = divisions.of_chunks(&primes::chunks(bound, fewer));
                let best = allowed(&costs, threads).expect("a schedule");
                assert!(best.costliest_first < wanted, "{threads}: {best:?}");
            }
        }
        // One thread needs one chunk; 2 numbers cannot make 8 chunks; and the
        // cap on chunks holds.
        assert_eq!(divisions.default_chunk_size(bound, 1, 10_000), bound);
        assert_eq!(Divisions::below(2).default_chunk_size(2, 8, 10_000), 1);
        assert_eq!(Divisions::below(1000).default_chunk_size(1000, 64, 64), 16);
    }
}
