//! Exercise 09-fetch-limited, a WRONG solution the tests must reject: the
//! limit and the deadlines are right, but the results are collected from
//! a JoinSet with `join_next`, which gives each task as it finishes: in
//! the order the pages finished, not the order of the URLs.

use std::sync::Arc;
use std::time::Duration;

use exercise_support::async_http;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::timeout;

/// Fetches every URL, each in a task of its own, at most `at_most` (at
/// least 1) at a time and each within `deadline`; returns each page's
/// number of characters, or its error, in the order of `urls`.
pub async fn fetch_all(
    urls: Vec<String>,
    at_most: usize,
    deadline: Duration,
) -> Vec<Result<usize, String>> {
    let in_flight = Arc::new(Semaphore::new(at_most));
    let mut tasks = JoinSet::new();
    for url in urls {
        let in_flight = Arc::clone(&in_flight);
        tasks.spawn(async move {
            let _permit = in_flight.acquire().await.map_err(|e| e.to_string())?;
            match timeout(deadline, async_http::get(&url)).await {
                Ok(page) => page.map(|text| text.chars().count()),
                Err(_) => Err(format!("{url}: no answer in time")),
            }
        });
    }
    let mut pages = Vec::new();
    while let Some(done) = tasks.join_next().await {
        pages.push(done.unwrap_or_else(|err| Err(err.to_string())));
    }
    pages
}
