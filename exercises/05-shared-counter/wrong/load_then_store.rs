//! Exercise 05-shared-counter, a WRONG solution the tests must reject: an
//! atomic, but read with one operation and written with another. Each
//! access is atomic (no data race, safe Rust), yet another thread's update
//! between the two is overwritten: a race condition that loses hits.

use std::sync::atomic::{AtomicU64, Ordering};

/// A count of hits that many threads can add to at once.
#[derive(Debug, Default)]
pub struct HitCounter {
    hits: AtomicU64,
}

impl HitCounter {
    /// Adds one hit.
    pub fn hit(&self) {
        self.add(1);
    }

    /// Adds `hits` hits.
    pub fn add(&self, hits: u64) {
        let now = self.hits.load(Ordering::SeqCst);
        self.hits.store(now + hits, Ordering::SeqCst);
    }

    /// The count now.
    pub fn total(&self) -> u64 {
        self.hits.load(Ordering::SeqCst)
    }
}
