//! The job: counting the primes below a bound by trial division, split in
//! chunks of consecutive numbers. Later chunks cost more (a number's test
//! takes up to its square root in divisions), so the chunks are uneven:
//! that is what makes the order in which they are handed out matter, and
//! why the lesson hands out the costliest first.

use std::ops::Range;

use lesson_04_processpool::protocol::Message;

/// How many numbers a count tests between two looks at Ctrl-C: a few
/// milliseconds of work at most.
const STOP_CHECK_EVERY: usize = 4096;

// ANCHOR: is_prime
/// Whether `n` is prime, by trial division by 2 and the odd numbers up to
/// its square root: deliberately plain, so that the work is all CPU.
pub fn is_prime(n: u64) -> bool {
    if n < 2 || n.is_multiple_of(2) {
        return n == 2; // of the even numbers, only 2
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}
// ANCHOR_END: is_prime

/// The primes in `numbers`. It stops early, with a partial count, once
/// Ctrl-C is pressed: the caller knows from `lesson_kit::stopped()`. It
/// looks before its first number, so that the chunks left after Ctrl-C end
/// at once, however small they are.
pub fn count_primes(numbers: Range<u64>) -> u64 {
    let mut count = 0;
    for (i, n) in numbers.enumerate() {
        if i.is_multiple_of(STOP_CHECK_EVERY) && lesson_kit::stopped() {
            break;
        }
        count += u64::from(is_prime(n));
    }
    count
}

/// A chunk of the numbers: the `index`-th (from 1), `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub index: usize,
    pub start: u64,
    pub end: u64,
}

impl Chunk {
    pub fn numbers(self) -> Range<u64> {
        self.start..self.end
    }
}

/// The numbers below `bound` in chunks of `size` (the last may be shorter).
pub fn chunks(bound: u64, size: u64) -> Vec<Chunk> {
    let size = size.max(1);
    (0..bound.div_ceil(size))
        .map(|i| Chunk {
            index: i as usize + 1,
            start: i * size,
            end: ((i + 1) * size).min(bound),
        })
        .collect()
}

// ANCHOR: costliest_first
/// The chunks from the last to the first: the later the numbers, the longer
/// each test, so this is the costliest first. Whoever is free takes the next
/// one, and the cheap chunks at the end fill the gaps between the workers,
/// where a costly chunk handed out last would run alone.
pub fn costliest_first(chunks: &[Chunk]) -> Vec<Chunk> {
    chunks.iter().rev().copied().collect()
}
// ANCHOR_END: costliest_first

/// A chunk goes to a worker process as `index start end`.
impl Message for Chunk {
    fn encode(&self) -> String {
        format!("{} {} {}", self.index, self.start, self.end)
    }

    fn decode(text: &str) -> Result<Self, String> {
        let bad = || format!("not a chunk: {text:?}");
        let mut words = text.split(' ').map(|w| w.parse::<u64>().map_err(|_| bad()));
        let (Some(index), Some(start), Some(end), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(bad());
        };
        let index = usize::try_from(index?).map_err(|_| bad())?;
        Ok(Self {
            index,
            start: start?,
            end: end?,
        })
    }

    fn describe(&self) -> String {
        format!("numbers {}..{}", self.start, self.end)
    }

    fn label(&self) -> String {
        self.index.to_string()
    }
}

/// What a worker process sends back: the chunk's index and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub index: usize,
    pub primes: u64,
}

impl Message for Counted {
    fn encode(&self) -> String {
        format!("{} {}", self.index, self.primes)
    }

    fn decode(text: &str) -> Result<Self, String> {
        let bad = || format!("not a count: {text:?}");
        let (index, primes) = text.split_once(' ').ok_or_else(bad)?;
        Ok(Self {
            index: index.parse().map_err(|_| bad())?,
            primes: primes.parse().map_err(|_| bad())?,
        })
    }

    fn label(&self) -> String {
        self.index.to_string()
    }
}

/// The work of a worker process: count one chunk.
pub fn count_chunk(chunk: Chunk) -> Counted {
    Counted {
        index: chunk.index,
        primes: count_primes(chunk.numbers()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The primes below `bound` by the sieve of Eratosthenes: a second,
    /// independent way to the same answer.
    fn sieve(bound: u64) -> u64 {
        let bound = bound as usize;
        let mut prime = vec![true; bound];
        let mut count = 0;
        for n in 2..bound {
            if prime[n] {
                count += 1;
                for multiple in (n * n..bound).step_by(n) {
                    prime[multiple] = false;
                }
            }
        }
        count
    }

    #[test]
    fn trial_division_agrees_with_a_sieve() {
        for bound in [0, 1, 2, 3, 4, 5, 9, 10, 11, 97, 98, 1000, 200_000] {
            assert_eq!(count_primes(0..bound), sieve(bound), "below {bound}");
        }
        assert_eq!(count_primes(0..200_000), 17_984);
        let squares_of_primes = [4, 9, 25, 49, 121, 169, 289, 361, 529];
        assert!(squares_of_primes.iter().all(|&n| !is_prime(n)));
    }

    #[test]
    fn chunks_cover_the_numbers_once_in_order() {
        let all = chunks(10, 4);
        let ranges: Vec<_> = all.iter().map(|c| (c.index, c.start, c.end)).collect();
        assert_eq!(ranges, [(1, 0, 4), (2, 4, 8), (3, 8, 10)]);
        assert!(chunks(0, 4).is_empty());
        assert_eq!(chunks(5, 100).len(), 1);
    }

    #[test]
    fn chunks_and_counts_survive_the_pipe() {
        let chunk = Chunk {
            index: 3,
            start: 8,
            end: 10,
        };
        assert_eq!(Chunk::decode(&chunk.encode()), Ok(chunk));
        assert_eq!(chunk.describe(), "numbers 8..10");
        let counted = Counted {
            index: 3,
            primes: 1,
        };
        assert_eq!(Counted::decode(&counted.encode()), Ok(counted));
        for garbage in ["", "1 2", "1 2 3 4", "a 2 3", "1 -2 3"] {
            assert!(Chunk::decode(garbage).is_err(), "{garbage:?}");
        }
        assert!(Counted::decode("3").is_err());
    }

    #[test]
    fn the_costliest_chunks_go_first() {
        let order: Vec<usize> = costliest_first(&chunks(10, 4))
            .iter()
            .map(|c| c.index)
            .collect();
        assert_eq!(order, [3, 2, 1]);
        assert!(costliest_first(&[]).is_empty());
    }
}
