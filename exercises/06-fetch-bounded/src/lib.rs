//! Exercise 06-fetch-bounded: fetch pages at the same time, at most
//! `at_most` at a time, and return the results in the order of the URLs.
//!
//! Chapter: Lesson 06, "The lesson, with its instruments" (threads that
//! take URLs from a shared queue; `--workers`) and "Rust notes"
//! (`chars().count()`).
//!
//! Fetching a page is mostly waiting for the server, so fetches overlap
//! well on threads. But a scraper that opens a thousand connections at
//! once overloads the server, and itself. Write `fetch_all`:
//!
//! - start `at_most` threads. Each takes the next URL from a queue they
//!   share, fetches it, and takes the next, until none is left. The
//!   chapter's lesson shares an iterator of the URLs in a `Mutex`, locked
//!   only to take the next one: `let next = queue.lock().unwrap().next();`
//!   as a statement of its own, so that the lock is not held while the page
//!   is fetched. (`urls.iter().enumerate()` gives each URL with its index.)
//! - fetch a page with `exercise_support::http::get(url)`: it returns the
//!   page's text, or an error message. (It is a minimal HTTP client for the
//!   tests' local site; the chapter uses reqwest.)
//! - return, for each URL in the order of `urls`, the number of characters
//!   of its page (`text.chars().count()`, as Python's `len` counts;
//!   `text.len()` counts bytes) or its error. The pages do not finish in
//!   order: keep each result's index with it.
//!
//! Join every thread before you return. `thread::scope` (chapter 01) lets
//! the threads borrow `urls` and the queue, and joins them at its end;
//! with `thread::spawn`, they must own what they use (`Arc`, `move`).
//!
//! Run the tests: `make exercise EXERCISE=06-fetch-bounded` from the
//! course's folder, or `cargo test` in this one.

/// Fetches every URL, at most `at_most` (at least 1) at a time, and returns
/// each page's number of characters, or its error, in the order of `urls`.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn fetch_all(urls: &[String], at_most: usize) -> Vec<Result<usize, String>> {
    todo!("at_most threads share a queue of the URLs; results in URL order")
}
