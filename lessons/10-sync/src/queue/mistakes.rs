//! The two classic bugs of a queue built on condition variables, each the
//! lesson's queue with one word changed. They compile, they pass the
//! single-threaded tests, and they work most of the time: the checks in
//! `checks` catch them within a few runs (`cargo test -p lesson-10-sync`).

use super::{BoundedQueue, Closed};

/// The queue with `if` where `while` belongs, in `put` and `get`.
pub struct IfNotWhile<T>(pub BoundedQueue<T>);

impl<T> IfNotWhile<T> {
    // ANCHOR: if_not_while
    /// Bug: waits once, then assumes there is room. Woken because a
    /// consumer took an item, this producer can find that another producer
    /// took the place first, and pushes anyway: one item more than the
    /// capacity. (A spurious wake-up does the same, with no one's help.)
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let queue = &self.0;
        let mut state = queue.lock();
        if state.items.len() == queue.capacity && !state.closed {
            state = queue.wait(&queue.not_full, state);
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        state.peak = state.peak.max(state.items.len());
        queue.not_empty.notify_one();
        Ok(())
    }

    /// Bug: the same `if`. A consumer woken for an item that another
    /// consumer took first finds the queue empty, and reads that as the
    /// end: it stops while the producers are still putting.
    pub fn get(&self) -> Option<T> {
        let queue = &self.0;
        let mut state = queue.lock();
        if state.items.is_empty() && !state.closed {
            state = queue.wait(&queue.not_empty, state);
        }
        let item = state.items.pop_front()?;
        queue.not_full.notify_one();
        Some(item)
    }
    // ANCHOR_END: if_not_while
}

/// The queue whose `close` wakes one waiting thread of each kind.
pub struct CloseWakesOne<T>(pub BoundedQueue<T>);

impl<T> CloseWakesOne<T> {
    // ANCHOR: close_wakes_one
    /// Bug: `notify_one` where every waiter must hear the news. One
    /// consumer wakes, sees the queue closed and ends; the others sleep on,
    /// and whoever joins them waits for ever.
    pub fn close(&self) {
        let queue = &self.0;
        queue.lock().closed = true;
        queue.not_empty.notify_one();
        queue.not_full.notify_one();
    }
    // ANCHOR_END: close_wakes_one
}
