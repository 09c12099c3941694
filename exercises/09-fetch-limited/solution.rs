//! Exercise 09-fetch-limited: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! A task per URL, all spawned at once. Each waits for a permit of one
//! semaphore, and holds it (`_permit`) until its fetch is done or past its
//! deadline; the deadline is around the fetch alone, so the wait for a
//! permit does not count. The JoinHandles are awaited in the order of the
//! URLs, which is the order of the results, whatever order they finish in.

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
        .into_iter()
        .map(|url| {
            let in_flight = Arc::clone(&in_flight);
            tokio::spawn(async move {
                // Held to the end of the task: one fetch, one permit.
                let _permit =
                    in_flight.acquire().await.map_err(|e| e.to_string())?;
                match timeout(deadline, async_http::get(&url)).await {
                    Ok(page) => page.map(|text| text.chars().count()),
                    Err(_elapsed) => Err(format!(
                        "{url}: no answer within {:.1} s",
                        deadline.as_secs_f64()
                    )),
                }
            })
        })
        .collect();
    let mut pages = Vec::new();
    for task in tasks {
        // Err only if the task panicked.
        pages.push(task.await.unwrap_or_else(|err| Err(err.to_string())));
    }
    pages
}
