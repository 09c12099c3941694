//! The tests of exercise 08-rayon-ranges: `count_per_range` gives the
//! sequential counts in the order of the ranges, works on rayon's threads
//! (several of them, none of its own), and shares the large range among
//! them.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use exercise::count_per_range;
use exercise_support::within;

/// The ranges: the first one large, the other three small. Counted one
/// range at a time, the first one finishes last.
const RANGES: [Range<u64>; 4] = [
    0..240_000,
    240_000..250_000,
    250_000..260_000,
    260_000..270_000,
];
/// The threads of the rayon pool the tests run `count_per_range` in.
const THREADS: usize = 4;
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(20);
/// The bit for a number checked outside the tests' rayon pool.
const OUTSIDE: u64 = 1 << 63;

/// For each range, a bit for each thread of the pool that checked one of
/// its numbers (bit i: the pool's thread i), and `OUTSIDE`.
static CHECKED_BY: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

/// Whether `n` is prime, by trial division: a few microseconds of work.
fn is_prime(n: u64) -> bool {
    if n < 2 || n.is_multiple_of(2) {
        return n == 2;
    }
    (3..)
        .step_by(2)
        .take_while(|d| d * d <= n)
        .all(|d| !n.is_multiple_of(d))
}

/// The tests' `keep`: `is_prime`, noting which thread checked `n`.
fn keep(n: u64) -> bool {
    let range = RANGES
        .iter()
        .position(|r| r.contains(&n))
        .expect("a tests' number");
    let thread = rayon::current_thread_index().map_or(OUTSIDE, |i| 1 << i);
    CHECKED_BY[range].fetch_or(thread, Ordering::Relaxed);
    is_prime(n)
}

/// Runs `count_per_range` on the tests' ranges, in a rayon pool of
/// `THREADS` threads; returns the counts and, for each range, the bits of
/// the threads that checked it.
fn count_in_a_pool() -> (Vec<usize>, [u64; 4]) {
    within(LIMIT, "count_per_range", || {
        for bits in &CHECKED_BY {
            bits.store(0, Ordering::Relaxed);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(THREADS)
            .build()
            .expect("a rayon pool");
        let counts = pool.install(|| count_per_range(&RANGES, keep));
        (
            counts,
            CHECKED_BY
                .each_ref()
                .map(|bits| bits.load(Ordering::Relaxed)),
        )
    })
}

#[test]
fn the_sequential_counts_in_the_order_of_the_ranges() {
    let expected: Vec<usize> = RANGES
        .iter()
        .map(|range| range.clone().filter(|&n| is_prime(n)).count())
        .collect();
    let (got, _) = count_in_a_pool();
    let (mut got_sorted, mut expected_sorted) = (got.clone(), expected.clone());
    got_sorted.sort();
    expected_sorted.sort();
    assert!(
        got == expected || got_sorted != expected_sorted,
        "the right counts, {got:?}, in the order the ranges finished: the first \
         range is the largest, and its count must still come first, \
         {expected:?}.\n\
         hint: map(...).collect() on a parallel iterator keeps the order; \
         pushing on a shared list as each range finishes does not."
    );
    assert_eq!(
        got, expected,
        "the primes in each range, as one thread counts them"
    );
}

#[test]
fn the_work_is_done_on_rayons_threads() {
    let (_, checked_by) = count_in_a_pool();
    let all = checked_by.iter().fold(0, |all, bits| all | bits);
    assert!(
        all & OUTSIDE == 0,
        "some numbers were checked on threads that are not rayon's.\n\
         hint: start no threads of your own: par_iter() and into_par_iter() \
         run on rayon's pool."
    );
    let threads = all.count_ones();
    assert!(
        threads >= 2,
        "all the numbers were checked by {threads} thread of the pool of \
         {THREADS}: the work was not shared.\n\
         hint: ranges.par_iter() instead of ranges.iter() (chapter 08, \"The \
         plain version\")."
    );
}

#[test]
fn the_large_range_is_shared_among_threads() {
    let (_, checked_by) = count_in_a_pool();
    let sharing = (checked_by[0] & !OUTSIDE).count_ones();
    assert!(
        sharing >= 2,
        "all of the large range {:?} was checked by {sharing} of the pool's threads, while the \
         other threads of the pool soon had nothing left to do.\n\
         hint: make each range's numbers a parallel iterator too: \
         range.clone().into_par_iter() (chapter 08, \"What chunk size and \
         order really do\").",
        RANGES[0]
    );
}
