//! Exercise 09-fetch-limited, a WRONG solution the tests must reject: the
//! tasks and the semaphore are right, but one timeout is around all the
//! fetches together. When the pages together take longer than one
//! deadline, the ones not yet done fail, though each was quick.

use std::sync::Arc;
use std::time::Duration;

use exercise_support::async_http;
use tokio::sync::Semaphore;
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
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| {
            let (in_flight, url) = (Arc::clone(&in_flight), url.clone());
            tokio::spawn(async move {
                let _permit =
                    in_flight.acquire().await.map_err(|e| e.to_string())?;
                async_http::get(&url).await.map(|text| text.chars().count())
            })
        })
        .collect();
    let mut pages = Vec::new();
    let all = async {
        for task in tasks {
            pages.push(task.await.unwrap_or_else(|err| Err(err.to_string())));
        }
    };
    if timeout(deadline, all).await.is_err() {
        // The pages not fetched by the deadline failed.
        for url in &urls[pages.len()..] {
            pages.push(Err(format!("{url}: no answer in time")));
        }
    }
    pages
}
