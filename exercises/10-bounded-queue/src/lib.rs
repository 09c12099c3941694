//! Exercise 10-bounded-queue: a bounded blocking queue from a `Mutex` and
//! `Condvar`s. `put` waits while the queue is full, `get` waits while it
//! is empty, and `close` wakes every thread that waits.
//!
//! Chapter: Lesson 10, "Part 2: a blocking queue from a Mutex and a
//! Condvar" and "The two classic bugs".
//!
//! Python's `queue.Queue(maxsize=N)` is a deque, a lock, and condition
//! variables to wait on. Write the same in Rust: `new`, `put`, `get` and
//! `close` below.
//!
//! - The fields are given: one `Mutex` around everything the threads
//!   share, and a `Condvar` for each kind of thread that waits. You may
//!   change them.
//! - `put` adds an item at the back, first waiting while the queue holds
//!   `capacity` items; `get` takes the item at the front, first waiting
//!   while it holds none. `condvar.wait(guard)` lets go of the lock while
//!   it sleeps, and takes it again before it returns the guard.
//! - A thread that wakes up has been told that something changed, not
//!   that there is room, or an item, for it: another thread may have been
//!   quicker. And a wait may end for no reason at all.
//! - After `close`, puts fail (`Err(Closed(item))` gives the item back),
//!   and gets hand out what is left, then return `None`, for good. Every
//!   thread that waits, in `put` or in `get`, must hear of it.
//!
//! In a program of your own, use `std::sync::mpsc::sync_channel(N)`: this
//! is how such a queue works inside.
//!
//! Run the tests: `make exercise EXERCISE=10-bounded-queue` from the
//! course's folder, or `cargo test` in this one.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// A queue of at most `capacity` items that many threads share by
/// reference (`&BoundedQueue`, or an `Arc` of it).
#[allow(dead_code)] // until your methods use the fields: then delete this line
pub struct BoundedQueue<T> {
    /// The items, and whether the queue is closed, behind one lock.
    state: Mutex<State<T>>,
    /// Where producers wait for room.
    not_full: Condvar,
    /// Where consumers wait for an item.
    not_empty: Condvar,
    capacity: usize,
}

#[allow(dead_code)] // until your methods use the fields: then delete this line
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// A `put` found the queue closed: the item comes back, not put.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

#[allow(unused_variables)] // until the bodies use them: then delete this line
impl<T> BoundedQueue<T> {
    /// An empty, open queue for at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        todo!("an empty queue, open, with its capacity")
    }

    /// Adds `item` at the back, first waiting while the queue is full.
    /// `Err(Closed(item))` if the queue is closed, before or during the wait.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        todo!("wait for room, then push and wake a consumer")
    }

    /// Takes the item at the front, first waiting while the queue is
    /// empty. `None` once the queue is closed and has nothing left.
    pub fn get(&self) -> Option<T> {
        todo!("wait for an item, then pop and wake a producer")
    }

    /// Closes the queue: puts fail from now on, and gets, once they have
    /// taken what is left, return `None`. Wakes every thread that waits.
    pub fn close(&self) {
        todo!("closed, and every waiting thread told")
    }
}
