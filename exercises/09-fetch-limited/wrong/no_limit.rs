//! Exercise 09-fetch-limited, a WRONG solution the tests must reject: a
//! task per URL, each fetch with its own deadline, the results in order,
//! but no limit: every fetch starts at once.

use std::time::Duration;

use exercise_support::async_http;
use tokio::time::timeout;

/// Fetches every URL, each in a task of its own, at most `at_most` (at
/// least 1) at a time and each within `deadline`; returns each page's
/// number of characters, or its error, in the order of `urls`.
pub async fn fetch_all(
    urls: Vec<String>,
    _at_most: usize,
    deadline: Duration,
) -> Vec<Result<usize, String>> {
    let tasks: Vec<_> = urls
        .into_iter()
        .map(|url| {
            tokio::spawn(async move {
                match timeout(deadline, async_http::get(&url)).await {
                    Ok(page) => page.map(|text| text.chars().count()),
                    Err(_) => Err(format!("{url}: no answer in time")),
                }
            })
        })
        .collect();
    let mut pages = Vec::new();
    for task in tasks {
        pages.push(task.await.unwrap_or_else(|err| Err(err.to_string())));
    }
    pages
}
