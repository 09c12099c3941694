//! Exercise 09-fetch-limited, a WRONG solution the tests must reject: each
//! fetch has its deadline and the results are in order, but each fetch is
//! awaited before the next one starts: one at a time, as a loop of
//! blocking calls would be.

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
    let mut pages = Vec::new();
    for url in urls {
        let page = match timeout(deadline, async_http::get(&url)).await {
            Ok(page) => page.map(|text| text.chars().count()),
            Err(_) => Err(format!("{url}: no answer in time")),
        };
        pages.push(page);
    }
    pages
}
