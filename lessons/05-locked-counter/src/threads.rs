//! One counter, many threads: each function starts `threads` threads that
//! each add 1 to the counter `increments` times, and returns the counter's
//! final value. Three ways are exact; the racy one is safe Rust that still
//! loses updates.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

// ANCHOR: arc_mutex
/// The notebook's locked counter: the counter behind a `Mutex`, the mutex
/// shared through an `Arc` because each spawned thread may outlive `main`'s
/// borrow of it.
pub fn arc_mutex(threads: u64, increments: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            // A second owner of the same mutex, moved into the thread.
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..increments {
                    // The guard holds the lock until the end of this statement.
                    *counter.lock().expect("no thread panics holding it") += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    *counter.lock().expect("no thread panics holding it")
}
// ANCHOR_END: arc_mutex

// ANCHOR: atomic
/// No lock at all: `fetch_add` reads, adds and writes in one indivisible
/// step of the processor, so no other thread's update can fall in between.
pub fn atomic(threads: u64, increments: u64) -> u64 {
    let counter = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..increments {
                    // Relaxed: only the count matters, no other memory is
                    // published with it; the scope's join makes it visible.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: atomic

// ANCHOR: scoped
/// A `Mutex` and no `Arc`: the scope joins every thread before it returns,
/// so the threads may borrow the counter from this function's stack.
pub fn scoped_mutex(threads: u64, increments: u64) -> u64 {
    let counter = Mutex::new(0u64);
    thread::scope(|scope| {
        for _ in 0..threads {
            // No `move`: each thread borrows `counter`, which outlives the scope.
            scope.spawn(|| {
                for _ in 0..increments {
                    *counter.lock().expect("no thread panics holding it") += 1;
                }
            });
        }
    });
    counter.into_inner().expect("no thread panics holding it")
}
// ANCHOR_END: scoped

// ANCHOR: racy
/// Safe Rust, and still wrong: each step is atomic, but the read and the
/// write are two steps. Another thread's updates between them are
/// overwritten: a race condition, though not a data race.
pub fn racy(threads: u64, increments: u64) -> u64 {
    let counter = AtomicU64::new(0);
    // Every thread waits here until all have started, so that they count
    // at the same time rather than one after another.
    let start = Barrier::new(threads as usize);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                start.wait();
                for _ in 0..increments {
                    let seen = counter.load(Ordering::Relaxed);
                    // Another thread may store here, and its update is lost.
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: racy

// ANCHOR: granularity
/// Lock granularity: the same exact count, taking the lock once per `batch`
/// increments instead of once per increment. Fewer lock operations, but
/// each thread keeps the others waiting for a whole batch.
pub fn batched_mutex(threads: u64, increments: u64, batch: u64) -> u64 {
    let counter = Mutex::new(0u64);
    let start = Barrier::new(threads as usize);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                start.wait();
                let mut left = increments;
                while left > 0 {
                    let now = left.min(batch);
                    // One lock for `now` increments, all made while holding it.
                    let mut count =
                        counter.lock().expect("no thread panics holding it");
                    for _ in 0..now {
                        *count += 1;
                    }
                    drop(count); // unlocked here: the others may take their turn
                    left -= now;
                }
            });
        }
    });
    counter.into_inner().expect("no thread panics holding it")
}
// ANCHOR_END: granularity

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exact_ways_count_every_increment() {
        // The last case is long enough for a race to show if there were one:
        // 4 x 1000 alone would hide most (see the chapter's figures).
        let cases = [(1, 1), (1, 1000), (3, 7), (8, 250), (4, 1_000_000)];
        for (threads, increments) in cases {
            let expected = threads * increments;
            assert_eq!(arc_mutex(threads, increments), expected);
            assert_eq!(atomic(threads, increments), expected);
            assert_eq!(scoped_mutex(threads, increments), expected);
            for batch in [1, 3, 100, 5000] {
                assert_eq!(batched_mutex(threads, increments, batch), expected);
            }
        }
    }

    #[test]
    fn the_racy_way_never_counts_more_than_it_was_given() {
        for (threads, increments) in [(1, 1000), (4, 10_000)] {
            assert!(racy(threads, increments) <= threads * increments);
        }
        // One thread alone has no one to race with.
        assert_eq!(racy(1, 5000), 5000);
    }
}
