//! Exercise 06-fetch-bounded, a WRONG solution the tests must reject: the
//! queue's lock is taken in the `while let` condition, and its guard lives
//! to the end of the loop body, so each thread holds the lock while it
//! fetches, and the pages come one at a time (lesson 07's bug).

use std::sync::Mutex;
use std::thread;

use exercise_support::http;

/// Fetches every URL, on `at_most` threads that take turns.
pub fn fetch_all(urls: &[String], at_most: usize) -> Vec<Result<usize, String>> {
    let queue = Mutex::new(urls.iter().enumerate());
    let mut pages: Vec<Result<usize, String>> =
        vec![Err("not fetched".to_owned()); urls.len()];
    let fetched: Vec<Vec<(usize, Result<usize, String>)>> = thread::scope(|s| {
        let workers: Vec<_> = (0..at_most)
            .map(|_| {
                s.spawn(|| {
                    let mut fetched = Vec::new();
                    while let Some((index, url)) = queue.lock().unwrap().next() {
                        fetched.push((
                            index,
                            http::get(url).map(|text| text.chars().count()),
                        ));
                    }
                    fetched
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for (index, page) in fetched.into_iter().flatten() {
        pages[index] = page;
    }
    pages
}
