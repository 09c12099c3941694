//! Exercise 05-shared-counter, a WRONG solution the tests must reject: a
//! Mutex, locked once to read the count and once more to write it. Between
//! the two, the lock is free, and another thread's update is overwritten.

use std::sync::Mutex;

/// A count of hits that many threads can add to at once.
#[derive(Debug, Default)]
pub struct HitCounter {
    hits: Mutex<u64>,
}

impl HitCounter {
    /// Adds one hit.
    pub fn hit(&self) {
        self.add(1);
    }

    /// Adds `hits` hits.
    pub fn add(&self, hits: u64) {
        let now = self.total();
        *self.hits.lock().unwrap() = now + hits;
    }

    /// The count now.
    pub fn total(&self) -> u64 {
        *self.hits.lock().unwrap()
    }
}
