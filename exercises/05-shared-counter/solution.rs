//! Exercise 05-shared-counter: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! An `AtomicU64`: `fetch_add` reads, adds and writes as one step, so no
//! other thread's update can fall in between, and it needs no lock. A
//! `Mutex<u64>` locked for each whole update is just as exact, and slower.

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
        // Relaxed: only the count matters, not what other memory it orders.
        self.hits.fetch_add(hits, Ordering::Relaxed);
    }

    /// The count now.
    pub fn total(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
}
