//! Exercise 05-bug-lost-update (find the bug): page views counted under a
//! lock, and still lost.
//!
//! Chapter: Lesson 05, "The idea" (a data race, a race condition) and
//! "Lock granularity".
//!
//! `Views` counts how often each page is viewed, for a web server whose
//! threads each record the views they serve. Every access to the counts
//! goes through the `Mutex`, so there is no data race, and with one thread
//! every view is counted. With several threads recording at once, views go
//! missing.
//!
//! Find the bug and fix it: with any number of threads recording at once,
//! `count` must give every view recorded.
//!
//! Run the tests: `make exercise EXERCISE=05-bug-lost-update` from the
//! course's folder, or `cargo test` in this one.

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
        let seen = self.count(page);
        self.counts
            .lock()
            .expect("no thread panics holding the lock")
            .insert(page.to_owned(), seen + 1);
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
