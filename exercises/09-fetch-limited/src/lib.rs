//! Exercise 09-fetch-limited: fetch pages as async tasks, at most
//! `at_most` at a time, each within a deadline of its own, and return the
//! results in the order of the URLs.
//!
//! Chapter: Lesson 09, "The scraper, with tasks" (a task per URL, a
//! `Semaphore`, `tokio::time::timeout`) and "Rust notes" (`tokio::spawn`,
//! awaiting a `JoinHandle`).
//!
//! Exercise 06-fetch-bounded did this with `at_most` threads. Here every
//! URL gets a task of its own: tasks are cheap, so a thousand URLs can be
//! a thousand tasks. What keeps them from opening a thousand connections
//! at once is a limit you set. Write `fetch_all`:
//!
//! - spawn a task per URL with `tokio::spawn`. Before it fetches, a task
//!   waits for a permit of a `tokio::sync::Semaphore` of `at_most`
//!   permits, which the tasks share (`Arc`). A permit goes back to the
//!   semaphore when it is dropped.
//! - fetch a page with `exercise_support::async_http::get(&url).await`
//!   (given: a minimal async HTTP client for the tests' local site; the
//!   chapter uses reqwest). It returns the page's text, or an error
//!   message.
//! - give each fetch `deadline`, counted from when it starts (not while it
//!   waits for its turn): `tokio::time::timeout(deadline, fetch).await` is
//!   an `Err` if the deadline comes first. A fetch past its deadline is an
//!   `Err` that names its URL; the others go on.
//! - return, for each URL in the order of `urls`, the number of characters
//!   of its page (`text.chars().count()`) or its error. The pages do not
//!   finish in order.
//!
//! The tests run it on tokio's current-thread runtime
//! (`runtime.block_on(fetch_all(...))`): every task on one OS thread.
//!
//! Run the tests: `make exercise EXERCISE=09-fetch-limited` from the
//! course's folder, or `cargo test` in this one.

use std::time::Duration;

/// Fetches every URL, each in a task of its own, at most `at_most` (at
/// least 1) at a time and each within `deadline`; returns each page's
/// number of characters, or its error, in the order of `urls`.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub async fn fetch_all(
    urls: Vec<String>,
    at_most: usize,
    deadline: Duration,
) -> Vec<Result<usize, String>> {
    todo!("a task per URL, at most at_most fetching, each within deadline")
}
