//! Exercise 06-fetch-bounded, a WRONG solution the tests must reject: right
//! in every way but the count, `text.len()`, which counts the bytes of the
//! UTF-8 text; a character such as `ñ` is two of them.

use std::sync::Mutex;
use std::thread;

use exercise_support::http;

/// Fetches every URL, at most `at_most` at a time, and returns the size of
/// each page in bytes, or its error, in the order of `urls`.
pub fn fetch_all(urls: &[String], at_most: usize) -> Vec<Result<usize, String>> {
    let queue = Mutex::new(urls.iter().enumerate());
    let fetched: Vec<(usize, Result<usize, String>)> = thread::scope(|s| {
        let workers: Vec<_> = (0..at_most)
            .map(|_| {
                s.spawn(|| {
                    let mut fetched = Vec::new();
                    loop {
                        let next = queue.lock().unwrap().next();
                        let Some((index, url)) = next else { break };
                        fetched.push((index, http::get(url).map(|text| text.len())));
                    }
                    fetched
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let mut pages: Vec<Result<usize, String>> =
        vec![Err("not fetched".to_owned()); urls.len()];
    for (index, page) in fetched {
        pages[index] = page;
    }
    pages
}
