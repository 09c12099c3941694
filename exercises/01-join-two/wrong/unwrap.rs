//! Exercise 01-join-two, a WRONG solution the tests must reject: `unwrap`
//! on `join` passes a job's panic on to the caller, instead of returning
//! `Err(Panicked::...)`.

use std::thread;

/// Which job panicked.
#[derive(Debug, PartialEq, Eq)]
pub enum Panicked {
    First,
    Second,
}

/// Runs both jobs at once; panics if either did.
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
    Ok((first.join().unwrap(), second.join().unwrap()))
}
