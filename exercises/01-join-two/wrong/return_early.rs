//! Exercise 01-join-two, a WRONG solution the tests must reject: when the
//! first job panics, `?` returns at once, and the second thread is never
//! joined: it is still running after `both` has returned.

use std::thread;

/// Which job panicked.
#[derive(Debug, PartialEq, Eq)]
pub enum Panicked {
    First,
    Second,
}

/// Runs both jobs at once, but gives up on the second if the first failed.
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
    let a = first.join().map_err(|_| Panicked::First)?;
    let b = second.join().map_err(|_| Panicked::Second)?;
    Ok((a, b))
}
