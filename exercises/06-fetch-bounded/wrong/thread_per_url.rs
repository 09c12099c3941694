//! Exercise 06-fetch-bounded, a WRONG solution the tests must reject: a
//! thread per URL (the notebook's and the plain version's way), so every
//! page is fetched at once, whatever `at_most` says.

use std::thread;

use exercise_support::http;

/// Fetches every URL at once, each on a thread of its own.
pub fn fetch_all(urls: &[String], _at_most: usize) -> Vec<Result<usize, String>> {
    let handles: Vec<_> = urls
        .iter()
        .cloned()
        .map(|url| {
            thread::spawn(move || http::get(&url).map(|text| text.chars().count()))
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().unwrap_or_else(|_| Err("panicked".to_owned())))
        .collect()
}
