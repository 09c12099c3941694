//! A bounded blocking queue from a `Mutex` and two `Condvar`s: what
//! Python's `queue.Queue(maxsize=N)` and `multiprocessing.Queue(N)` do
//! inside. `put` waits while the queue holds `capacity` items, `get` waits
//! while it holds none, and `close` wakes every thread that waits, so that
//! producers and consumers can all end.
//!
//! In a program of your own, use `std::sync::mpsc::sync_channel(N)`: the
//! same behaviour, tested by many. This is how such a queue works, and
//! where its two classic bugs hide (`mistakes`, which the tests reject).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

#[cfg(test)]
mod checks;
#[cfg(test)]
mod mistakes;

// ANCHOR: queue
/// A queue of at most `capacity` items that many threads share by
/// reference (`&BoundedQueue`, or an `Arc` of it).
pub struct BoundedQueue<T> {
    /// Everything the threads share, behind one lock.
    state: Mutex<State<T>>,
    /// Signalled when an item is taken: a producer waiting for room may go on.
    not_full: Condvar,
    /// Signalled when an item is put: a consumer waiting for one may go on.
    not_empty: Condvar,
    capacity: usize,
}

struct State<T> {
    items: VecDeque<T>,
    /// Set by `close`: no more puts; gets drain what is left, then end.
    closed: bool,
    /// The most items the queue has held at once.
    peak: usize,
}
// ANCHOR_END: queue

/// `put` found the queue closed: the item comes back, not put.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> BoundedQueue<T> {
    /// An empty queue for at most `capacity` items (at least 1: this queue
    /// has no hand-to-hand mode, as `sync_channel(0)` has).
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
                peak: 0,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            capacity: capacity.max(1),
        }
    }

    // ANCHOR: put
    /// Adds `item` at the back, first waiting for room while the queue is
    /// full. `Err` gives the item back if the queue is closed, before or
    /// during the wait.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        // A loop, not an `if`: waking up is no proof that there is room.
        // Another producer may have filled it first, and a wait may also
        // end for no reason at all (a spurious wake-up).
        while state.items.len() == self.capacity && !state.closed {
            // Lets go of the lock while asleep, takes it again to return.
            state = self.wait(&self.not_full, state);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        state.peak = state.peak.max(state.items.len());
        // One item, so one consumer can use it: wake one.
        self.not_empty.notify_one();
        Ok(())
    }
    // ANCHOR_END: put

    // ANCHOR: get
    /// Takes the item at the front, first waiting for one while the queue
    /// is empty. `None` once the queue is closed and drained: the end.
    pub fn get(&self) -> Option<T> {
        let mut state = self.lock();
        while state.items.is_empty() && !state.closed {
            state = self.wait(&self.not_empty, state);
        }
        // Empty here means closed and drained.
        let item = state.items.pop_front()?;
        // One place freed, so one producer can use it: wake one.
        self.not_full.notify_one();
        Some(item)
    }
    // ANCHOR_END: get

    // ANCHOR: close
    /// Closes the queue: puts fail from now on, gets take what is left and
    /// then return `None`. Every waiting thread must hear it, or it waits
    /// for ever: wake them all.
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
    // ANCHOR_END: close

    /// The most items the queue has held at once, never above its capacity.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// How many items the queue may hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The lock. A thread that panicked while holding it poisons it, but
    /// every change above leaves the queue whole between two statements, so
    /// the state is still good: take it (as `into_inner` does) and go on.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits on `condvar`, giving up the lock meanwhile, as [`Self::lock`]
    /// takes it.
    fn wait<'a>(
        &self,
        condvar: &Condvar,
        guard: MutexGuard<'a, State<T>>,
    ) -> MutexGuard<'a, State<T>> {
        condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_out_in_the_order_they_went_in() {
        let queue = BoundedQueue::new(3);
        for item in [7, 8, 9] {
            assert_eq!(queue.put(item), Ok(()));
        }
        assert_eq!((queue.get(), queue.get()), (Some(7), Some(8)));
        assert_eq!(queue.put(10), Ok(()));
        assert_eq!((queue.get(), queue.get()), (Some(9), Some(10)));
        assert_eq!(queue.peak(), 3);
    }

    #[test]
    fn a_closed_queue_refuses_puts_and_drains_before_it_ends() {
        let queue = BoundedQueue::new(2);
        assert_eq!(queue.put("a"), Ok(()));
        queue.close();
        assert_eq!(queue.put("b"), Err(Closed("b")));
        assert_eq!(queue.get(), Some("a"));
        assert_eq!(queue.get(), None);
        assert_eq!(queue.get(), None, "the end is for good");
    }

    #[test]
    fn a_capacity_of_zero_is_taken_as_one() {
        let queue = BoundedQueue::new(0);
        assert_eq!(queue.capacity(), 1);
        assert_eq!(queue.put(1), Ok(()));
        assert_eq!(queue.get(), Some(1));
    }
}
