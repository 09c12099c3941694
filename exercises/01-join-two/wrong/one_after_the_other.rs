//! Exercise 01-join-two, a WRONG solution the tests must reject: each
//! thread is joined before the next one starts, so the jobs run one after
//! the other (the chapter's "classic mistake").

use std::thread;

/// Which job panicked.
#[derive(Debug, PartialEq, Eq)]
pub enum Panicked {
    First,
    Second,
}

/// Runs `first`, then `second`, each on a thread: never at the same time.
pub fn both<A, B>(
    first: impl FnOnce() -> A + Send + 'static,
    second: impl FnOnce() -> B + Send + 'static,
) -> Result<(A, B), Panicked>
where
    A: Send + 'static,
    B: Send + 'static,
{
    let a = thread::spawn(first).join();
    let b = thread::spawn(second).join();
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(_), _) => Err(Panicked::First),
        (_, Err(_)) => Err(Panicked::Second),
    }
}
