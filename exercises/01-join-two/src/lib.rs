//! Exercise 01-join-two: run two jobs at once, each on a thread of its own,
//! and return both results.
//!
//! Chapter: Lesson 01, "The code" (`thread::spawn`, `join`) and "What Rust
//! adds" (a thread hands back a value: `join` returns it).
//!
//! Write `both`. It gets two jobs, closures that each compute a value, and:
//!
//! 1. starts `first` and `second`, each on a thread of its own
//!    (`std::thread::spawn(first)` takes the closure as it is);
//! 2. joins both threads, and returns `Ok((first's value, second's value))`.
//!
//! Two jobs that each wait 0.4 s then take 0.4 s together, not 0.8 s: start
//! both threads before you join either.
//!
//! A job may panic. `join` tells you: it returns `Err` for a thread that
//! panicked. Do not let that panic reach your caller: return
//! `Err(Panicked::First)` if the first job panicked, else
//! `Err(Panicked::Second)` if the second did. And even then, join the other
//! thread before you return: a thread still running after `both` has
//! returned is work that nobody waits for, or sees the end of (the chapter's
//! "Threads die when `main` returns").
//!
//! Run the tests: `make exercise EXERCISE=01-join-two` from the course's
//! folder, or `cargo test` in this one.

/// Which job panicked.
#[derive(Debug, PartialEq, Eq)]
pub enum Panicked {
    First,
    Second,
}

/// Runs `first` and `second` at the same time, on two threads, and returns
/// both of their values, or which one panicked.
///
/// The bounds are `thread::spawn`'s: each job must own what it uses
/// (`'static`) and be allowed to move to another thread (`Send`), and so
/// must the value it hands back.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn both<A, B>(
    first: impl FnOnce() -> A + Send + 'static,
    second: impl FnOnce() -> B + Send + 'static,
) -> Result<(A, B), Panicked>
where
    A: Send + 'static,
    B: Send + 'static,
{
    todo!("start both jobs on threads of their own, then join both")
}
