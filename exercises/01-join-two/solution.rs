//! Exercise 01-join-two: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! Both threads start before either is joined, so the jobs overlap; both
//! are joined before either result is looked at, so no thread outlives the
//! call, even when a job panicked.

use std::thread;

/// Which job panicked.
#[derive(Debug, PartialEq, Eq)]
pub enum Panicked {
    First,
    Second,
}

/// Runs `first` and `second` at the same time, on two threads, and returns
/// both of their values, or which one panicked.
pub fn both<A, B>(
    first: impl FnOnce() -> A + Send + 'static,
    second: impl FnOnce() -> B + Send + 'static,
) -> Result<(A, B), Panicked>
where
    A: Send + 'static,
    B: Send + 'static,
{
    let first = thread::spawn(first);
    let second = thread::spawn(second);
    // join() is Ok(the job's value), or Err if the job panicked.
    match (first.join(), second.join()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(_), _) => Err(Panicked::First),
        (_, Err(_)) => Err(Panicked::Second),
    }
}
