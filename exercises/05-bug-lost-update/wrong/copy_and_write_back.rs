//! Exercise 05-bug-lost-update, a WRONG fix the tests must reject: copy the
//! counts under the lock, update the copy, and write the whole copy back
//! under the lock again. A view another thread recorded in between is
//! overwritten with the rest.

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
        let mut counts = self.counts.lock().expect("no thread panics").clone();
        *counts.entry(page.to_owned()).or_insert(0) += 1;
        *self.counts.lock().expect("no thread panics") = counts;
    }

    /// How often `page` was viewed.
    pub fn count(&self, page: &str) -> u64 {
        let counts = self.counts.lock().expect("no thread panics");
        counts.get(page).copied().unwrap_or(0)
    }
}
