//! Exercise 10-bounded-queue, a WRONG solution the tests must reject: each
//! wait is in an `if`, not a `while`. A thread that wakes goes on as if
//! there were room (or an item) for it; when another thread was quicker,
//! a producer pushes past the capacity, and a consumer finds the queue
//! empty and takes that for the end.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A queue of at most `capacity` items that many threads share by
/// reference (`&BoundedQueue`, or an `Arc` of it).
pub struct BoundedQueue<T> {
    /// The items, and whether the queue is closed, behind one lock.
    state: Mutex<State<T>>,
    /// Where producers wait for room.
    not_full: Condvar,
    /// Where consumers wait for an item.
    not_empty: Condvar,
    capacity: usize,
}

struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// A `put` found the queue closed: the item comes back, not put.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> BoundedQueue<T> {
    /// An empty, open queue for at most `capacity` items (at least 1).
    pub fn new(capacity: usize) -> Self {
        BoundedQueue {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    /// Adds `item` at the back, first waiting while the queue is full.
    /// `Err(Closed(item))` if the queue is closed, before or during the wait.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        if state.items.len() == self.capacity && !state.closed {
            state = wait(&self.not_full, state);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        // One item: one consumer can use it.
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the item at the front, first waiting while the queue is
    /// empty. `None` once the queue is closed and has nothing left.
    pub fn get(&self) -> Option<T> {
        let mut state = self.lock();
        if state.items.is_empty() && !state.closed {
            state = wait(&self.not_empty, state);
        }
        let item = state.items.pop_front()?;
        // One place: one producer can use it.
        self.not_full.notify_one();
        Some(item)
    }

    /// Closes the queue: puts fail from now on, and gets, once they have
    /// taken what is left, return `None`. Wakes every thread that waits.
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// The lock. Every change above leaves the queue whole between two
    /// statements, so a lock poisoned by a panicking thread still holds a
    /// good queue: take it and go on.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Waits on `condvar`, letting go of the lock meanwhile.
fn wait<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, State<T>>,
) -> MutexGuard<'a, State<T>> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}
