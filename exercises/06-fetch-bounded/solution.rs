//! Exercise 06-fetch-bounded: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! `at_most` scoped threads share one queue of (index, URL) pairs; each
//! locks it for one statement, to take the next pair, and fetches with the
//! lock free. Each thread hands back its (index, result) pairs through
//! `join`, and every result goes to its URL's place.

use std::sync::Mutex;
use std::thread;

use exercise_support::http;

/// Fetches every URL, at most `at_most` (at least 1) at a time, and returns
/// each page's number of characters, or its error, in the order of `urls`.
pub fn fetch_all(urls: &[String], at_most: usize) -> Vec<Result<usize, String>> {
    let queue = Mutex::new(urls.iter().enumerate());
    let fetched: Vec<(usize, Result<usize, String>)> = thread::scope(|s| {
        let workers: Vec<_> = (0..at_most)
            .map(|_| {
                s.spawn(|| {
                    let mut fetched = Vec::new();
                    loop {
                        // The guard is dropped at the semicolon: the lock is
                        // held to take a URL, not while fetching it.
                        let next = queue
                            .lock()
                            .expect("no thread panics holding it")
                            .next();
                        let Some((index, url)) = next else { break };
                        let page = http::get(url).map(|text| text.chars().count());
                        fetched.push((index, page));
                    }
                    fetched
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a fetching thread panicked"))
            .collect()
    });
    let mut pages: Vec<Result<usize, String>> =
        vec![Err("not fetched".to_owned()); urls.len()];
    for (index, page) in fetched {
        pages[index] = page;
    }
    pages
}
