//! Exercise 05-bug-lost-update, a WRONG fix the tests must reject: an
//! RwLock, a read lock to read and a write lock to write. Still two steps
//! with the lock free between them, so a view recorded there is lost.

use std::collections::HashMap;
use std::sync::RwLock;

/// How often each page was viewed, recorded by many threads at once.
#[derive(Debug, Default)]
pub struct Views {
    counts: RwLock<HashMap<String, u64>>,
}

impl Views {
    /// Records one view of `page`.
    pub fn record(&self, page: &str) {
        let seen = self.count(page);
        let mut counts = self.counts.write().expect("no thread panics holding it");
        counts.insert(page.to_owned(), seen + 1);
    }

    /// How often `page` was viewed.
    pub fn count(&self, page: &str) -> u64 {
        let counts = self.counts.read().expect("no thread panics holding it");
        counts.get(page).copied().unwrap_or(0)
    }
}
