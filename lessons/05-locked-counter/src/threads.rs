//! One counter, many threads: each function starts `threads` threads that
//! each add 1 to the counter `increments` times, and returns the counter's
//! final value. Three ways are exact; the racy one is safe Rust that still
//! loses updates.
//!
//! Threads start through the kit (`lesson_kit::spawn`, `spawn_scoped`):
//! `thread::spawn` with a thread the system refuses reported as one line.
//! Each function then starts no more and returns `None`.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, OnceLock};
use std::thread;

/// The name of thread `n`, in a message about it.
fn nth(n: u64, threads: u64) -> String {
    format!("thread {n} of {threads}")
}

// ANCHOR: arc_mutex
/// The notebook's locked counter: the counter behind a `Mutex`, the mutex
/// shared through an `Arc` because each spawned thread may outlive `main`'s
/// borrow of it.
pub fn arc_mutex(threads: u64, increments: u64) -> Option<u64> {
    let counter = Arc::new(Mutex::new(0u64));
    // `?`: a thread refused, and the ones started are left to finish alone
    // (each owns its Arc).
    let handles: Vec<_> = (1..=threads)
        .map(|n| {
            // A second owner of the same mutex, moved into the thread.
            let counter = Arc::clone(&counter);
            lesson_kit::spawn(&nth(n, threads), move || {
                for _ in 0..increments {
                    // The guard holds the lock until the end of this statement.
                    *counter.lock().expect("no thread panics holding it") += 1;
                }
            })
        })
        .collect::<Option<_>>()?;
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    Some(*counter.lock().expect("no thread panics holding it"))
}
// ANCHOR_END: arc_mutex

// ANCHOR: atomic
/// No lock at all: `fetch_add` reads, adds and writes in one indivisible
/// step of the processor, so no other thread's update can fall in between.
pub fn atomic(threads: u64, increments: u64) -> Option<u64> {
    let counter = AtomicU64::new(0);
    // `all` stops at the first thread refused; the scope joins the others.
    let all_started = thread::scope(|scope| {
        (1..=threads).all(|n| {
            let counting = lesson_kit::spawn_scoped(scope, &nth(n, threads), || {
                for _ in 0..increments {
                    // Relaxed: only the count matters, no other memory is
                    // published with it; the scope's join makes it visible.
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
            counting.is_some()
        })
    });
    all_started.then(|| counter.into_inner())
}
// ANCHOR_END: atomic

// ANCHOR: scoped
/// A `Mutex` and no `Arc`: the scope joins every thread before it returns,
/// so the threads may borrow the counter from this function's stack.
pub fn scoped_mutex(threads: u64, increments: u64) -> Option<u64> {
    let counter = Mutex::new(0u64);
    let all_started = thread::scope(|scope| {
        (1..=threads).all(|n| {
            // No `move`: each thread borrows `counter`, which outlives the scope.
            let counting = lesson_kit::spawn_scoped(scope, &nth(n, threads), || {
                for _ in 0..increments {
                    *counter.lock().expect("no thread panics holding it") += 1;
                }
            });
            counting.is_some()
        })
    });
    let count = counter.into_inner().expect("no thread panics holding it");
    all_started.then_some(count)
}
// ANCHOR_END: scoped

// ANCHOR: racy
/// Safe Rust, and still wrong: each step is atomic, but the read and the
/// write are two steps. Another thread's updates between them are
/// overwritten: a race condition, though not a data race.
pub fn racy(threads: u64, increments: u64) -> Option<u64> {
    let counter = AtomicU64::new(0);
    // Every thread waits at the barrier until all have started, so that
    // they count at the same time rather than one after another. It is
    // made once they have: for as many as did, should the system refuse
    // one (a barrier for more would keep them waiting for ever).
    let start = OnceLock::<Barrier>::new();
    let started = thread::scope(|scope| {
        let mut started = 0;
        for n in 1..=threads {
            let counting = lesson_kit::spawn_scoped(scope, &nth(n, threads), || {
                // Until the barrier is made, then until all are there.
                start.wait().wait();
                for _ in 0..increments {
                    let seen = counter.load(Ordering::Relaxed);
                    // Another thread may store here, and its update is lost.
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            });
            if counting.is_none() {
                break;
            }
            started += 1;
        }
        start.get_or_init(|| Barrier::new(started));
        started
    });
    (started == threads as usize).then(|| counter.into_inner())
}
// ANCHOR_END: racy

// ANCHOR: granularity
/// Lock granularity: the same exact count, taking the lock once per `batch`
/// increments instead of once per increment. Fewer lock operations, but
/// each thread keeps the others waiting for a whole batch.
pub fn batched_mutex(threads: u64, increments: u64, batch: u64) -> Option<u64> {
    let counter = Mutex::new(0u64);
    // Made once the threads have started, as in `racy`.
    let start = OnceLock::<Barrier>::new();
    let started = thread::scope(|scope| {
        let mut started = 0;
        for n in 1..=threads {
            let counting = lesson_kit::spawn_scoped(scope, &nth(n, threads), || {
                start.wait().wait();
                let mut left = increments;
                while left > 0 {
                    let now = left.min(batch);
                    // One lock for `now` increments, all made while holding it.
                    let mut count =
                        counter.lock().expect("no thread panics holding it");
                    for _ in 0..now {
                        // black_box: an addition made every time round. The
                        // optimiser would otherwise fold the loop into one
                        // `+= now`, and a batch would cost one addition.
                        *count = black_box(*count + 1);
                    }
                    drop(count); // unlocked here: the others may take their turn
                    left -= now;
                }
            });
            if counting.is_none() {
                break;
            }
            started += 1;
        }
        start.get_or_init(|| Barrier::new(started));
        started
    });
    let count = counter.into_inner().expect("no thread panics holding it");
    (started == threads as usize).then_some(count)
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
            let expected = Some(threads * increments);
            assert_eq!(arc_mutex(threads, increments), expected);
            assert_eq!(atomic(threads, increments), expected);
            assert_eq!(scoped_mutex(threads, increments), expected);
            for batch in [1, 3, 100, 5000] {
                assert_eq!(batched_mutex(threads, increments, batch), expected);
            }
        }
    }

    /// Set in the process the test below starts: it is the one refused.
    const REFUSED: &str = "LESSON_05_TEST_REFUSED_THREADS";

    /// A thread the system refuses part way through: the ways that start
    /// their threads together give up, instead of leaving the threads
    /// already started waiting at a barrier for ever. The refusal is real:
    /// the test runs again in a process of its own, under a limit on its
    /// address space with each thread's stack made 256 MiB, so that a few
    /// threads start and the next cannot.
    #[test]
    fn a_refused_thread_leaves_no_one_waiting_at_the_barrier() {
        use std::process::{Command, Stdio};
        use std::time::{Duration, Instant};

        let name =
            "threads::tests::a_refused_thread_leaves_no_one_waiting_at_the_barrier";
        if std::env::var_os(REFUSED).is_some() {
            assert_eq!(racy(64, 1000), None);
            assert_eq!(batched_mutex(64, 1000, 100), None);
            return;
        }
        let stack: u64 = 256 << 20;
        // Room for the test program and six stacks; 64 never fit.
        let limit_kib = ((160 << 20) + 6 * stack) >> 10;
        let exe = std::env::current_exe().expect("the test binary");
        let mut refused = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
            .arg(exe)
            .args(["--exact", name, "--test-threads=1"])
            .env(REFUSED, "1")
            .env("RUST_MIN_STACK", stack.to_string())
            .env("MALLOC_ARENA_MAX", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh starts");
        let began = Instant::now();
        let status = loop {
            if let Some(status) = refused.try_wait().expect("a status") {
                break status;
            }
            if began.elapsed() > Duration::from_secs(30) {
                let _ = refused.kill();
                let _ = refused.wait();
                panic!("threads still waiting 30 s after a refusal");
            }
            thread::sleep(Duration::from_millis(10));
        };
        assert!(status.success(), "the refused run: {status}");
    }

    #[test]
    fn the_racy_way_never_counts_more_than_it_was_given() {
        for (threads, increments) in [(1, 1000), (4, 10_000)] {
            let counted = racy(threads, increments).expect("every thread started");
            assert!(counted <= threads * increments);
        }
        // One thread alone has no one to race with.
        assert_eq!(racy(1, 5000), Some(5000));
    }
}
