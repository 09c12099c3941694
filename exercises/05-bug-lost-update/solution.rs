//! Exercise 05-bug-lost-update: the reference SOLUTION. Find and fix the
//! bug in src/lib.rs first; compare once its tests pass.
//!
//! The bug: `record` read the count under the lock, let the lock go, then
//! took it again to write the count plus one. Between the two, another
//! thread could record a view of the same page, and the write put back a
//! count that did not have it: a race condition, though each access was
//! locked. The fix: one lock for the whole read, add and write.

use std::collections::HashMap;
use std::sync::Mutex;

/// How often each page was viewed, recorded by many threads at once.
#[derive(Debug, Default)]
pub struct Views {
    counts: Mutex<HashMap<String, u64>>,
}

impl Views {
    /// Records one view of `page`.
    pub fn record(&self, page: &str) {
        // The guard lives to the end of the statement: read, add and write
        // happen under one lock.
        *self
            .counts
            .lock()
            .expect("no thread panics holding the lock")
            .entry(page.to_owned())
            .or_insert(0) += 1;
    }

    /// How often `page` was viewed.
    pub fn count(&self, page: &str) -> u64 {
        let counts = self
            .counts
            .lock()
            .expect("no thread panics holding the lock");
        counts.get(page).copied().unwrap_or(0)
    }
}
