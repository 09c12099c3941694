//! The scraper part: lesson 06's cell with tasks instead of threads. One
//! task per URL on a multi-thread runtime, at most `--limit` fetches under
//! way at once (a semaphore), each fetch bounded by `--timeout` as a whole
//! (`tokio::time::timeout`: dropping a future cancels it) and by
//! `--max-bytes`; lesson 06's BeautifulSoup-compatible count.

use std::sync::Arc;
use std::time::Duration;

use lesson_06_scraper::count;
use lesson_06_scraper::fetch::{chain, innermost};
use lesson_06_scraper::site::Site;
use lesson_kit::{Plan, say};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Url, redirect};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The embedded site's simulated network latency, per page, as lesson 06's.
pub const LATENCY: Duration = Duration::from_millis(500);

/// The part's plan: the embedded site's pages answer after [`LATENCY`],
/// `limit` at a time; real pages take what they take (no plan).
pub fn plan(site: bool, pages: usize, limit: usize) -> Plan {
    match site {
        true => Plan::pool(limit, vec![LATENCY; pages]),
        false => Plan::new(),
    }
}

/// `pages` addresses on the embedded site: its three pages, then the same
/// again with `?copy=2`, `?copy=3`..., so that every address differs.
pub fn site_urls(site: &Site, pages: usize) -> Vec<String> {
    let own = site.urls();
    (0..pages)
        .map(|n| match n / own.len() {
            0 => own[n].clone(),
            round => format!("{}?copy={}", own[n % own.len()], round + 1),
        })
        .collect()
}

// ANCHOR: scrape
/// One task per URL, at most `limit` of them fetching at once: a task
/// waits for one of the semaphore's `limit` permits before it fetches, and
/// gives it back when its permit is dropped, as the fetch ends. Returns
/// how many pages came.
pub async fn scrape(
    urls: Vec<String>,
    limit: usize,
    fetcher: Arc<Fetcher>,
) -> usize {
    let in_flight = Arc::new(Semaphore::new(limit));
    let mut fetches = JoinSet::new();
    for (n, url) in urls.into_iter().enumerate() {
        let (in_flight, fetcher) = (Arc::clone(&in_flight), Arc::clone(&fetcher));
        let fetch = async move {
            // Err only if the semaphore were closed, which it never is.
            let _permit = in_flight.acquire_owned().await.ok()?;
            lesson_kit::begin(&page_name(&url));
            let result = fetcher.fetch(&url).await;
            show(&url, result)
        };
        fetches.spawn(lesson_kit::task(&format!("fetch {}", n + 1), fetch));
    }
    // The set owns the tasks: if this future is dropped (Ctrl-C), so is
    // the set, and every fetch still under way is cancelled with it.
    let mut pages = Vec::new();
    while let Some(done) = fetches.join_next().await {
        match done {
            Ok(page) => pages.extend(page),
            Err(err) => lesson_kit::fail(format!("a fetch's task failed: {err}")),
        }
    }
    let fetched = pages.len();
    lesson_kit::fact("pages", pages);
    fetched
}
// ANCHOR_END: scrape

/// A page's name for its bar in the timeline: the last part of its path
/// and its query (`threads.html?copy=2`), or its host for a front page.
/// Not the host and port, which every page of the site shares.
fn page_name(url: &str) -> String {
    let Ok(parsed) = Url::parse(url) else {
        return url.to_owned();
    };
    let last = (parsed.path_segments())
        .and_then(|mut parts| parts.rfind(|p| !p.is_empty()));
    let name = last.or(parsed.host_str()).unwrap_or(url);
    match parsed.query() {
        Some(query) => format!("{name}?{query}"),
        None => name.to_owned(),
    }
}

/// Prints a fetch's line, or reports its failure, and ends its task's bar;
/// returns the page's JSON for the report.
fn show(url: &str, result: Result<Fetched, String>) -> Option<Value> {
    match result {
        Ok(page) => {
            // The bar ends labelled with the page's name, not with the line.
            lesson_kit::done(&page_name(url));
            say!("Fetched {} characters from {url}", page.chars);
            Some(json!({"url": url, "chars": page.chars, "bytes": page.bytes}))
        }
        Err(why) => {
            // A failed fetch is not a finished task: its bar ends in `>`.
            lesson_kit::cut_short();
            lesson_kit::fail(format!("{url}: {why}"));
            None
        }
    }
}

/// What a fetch brings back: the count and the size of the body.
pub struct Fetched {
    pub chars: usize,
    pub bytes: usize,
}

/// An async client and the limits each fetch keeps.
pub struct Fetcher {
    client: Client,
    timeout: Duration,
    max_bytes: usize,
}

impl Fetcher {
    pub fn new(timeout: Duration, max_bytes: usize) -> Result<Self, String> {
        let client = Client::builder()
            .redirect(redirect::Policy::limited(10))
            // A connection per fetch, as lesson 06 does: the embedded
            // site's tiny_http can leave a new connection queued behind an
            // idle kept-alive one.
            .pool_max_idle_per_host(0)
            .user_agent("lesson-09-async (a Rust course)")
            .build()
            .map_err(|err| {
                format!("cannot build the HTTP client: {}", chain(&err))
            })?;
        Ok(Self {
            client,
            timeout,
            max_bytes,
        })
    }

    // ANCHOR: timeout
    /// Fetches `url` and counts its text, all within `--timeout`.
    pub async fn fetch(&self, url: &str) -> Result<Fetched, String> {
        // The whole fetch is one future. If the deadline comes first,
        // `timeout` drops it, and a dropped future is cancelled: its
        // connection, its wait for headers, its half-read body, all of it.
        match tokio::time::timeout(self.timeout, self.fetch_page(url)).await {
            Ok(fetched) => fetched,
            Err(_elapsed) => Err(format!(
                "no complete answer within {} s (--timeout)",
                self.timeout.as_secs_f64()
            )),
        }
    }
    // ANCHOR_END: timeout

    async fn fetch_page(&self, url: &str) -> Result<Fetched, String> {
        let parsed =
            Url::parse(url).map_err(|err| format!("malformed URL: {err}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "unsupported scheme {:?}: only http and https",
                parsed.scheme()
            ));
        }
        let mut response =
            (self.client.get(parsed).send().await).map_err(|err| describe(&err))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the server answered HTTP {status}"));
        }
        if let Some(kind) = response.headers().get(CONTENT_TYPE) {
            let kind = String::from_utf8_lossy(kind.as_bytes()).to_ascii_lowercase();
            let essence = kind.split(';').next().unwrap_or_default().trim();
            if !matches!(essence, "text/html" | "application/xhtml+xml") {
                return Err(format!(
                    "not an HTML page: its content type is {kind:?}"
                ));
            }
        }
        let too_large = || {
            format!(
                "the body is larger than {} bytes (--max-bytes)",
                self.max_bytes
            )
        };
        if (response.content_length()).is_some_and(|len| len > self.max_bytes as u64)
        {
            return Err(too_large());
        }
        // The body as it comes, counted: one chunk past the limit is enough
        // to stop. `timeout` above bounds the whole loop, trickle or not.
        let mut body = Vec::new();
        while let Some(chunk) = (response.chunk().await)
            .map_err(|err| format!("the body broke off: {}", chain(&err)))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        // A fraction of a millisecond for pages like these: short enough
        // to count inside the task (a large page's count belongs on rayon,
        // as the blocking part shows).
        let chars = count::text_len(&count::decode(&body).text);
        Ok(Fetched {
            chars,
            bytes: body.len(),
        })
    }
}

/// reqwest's errors say "error sending request": the cause is further
/// down the chain. The same sentences as lesson 06's for the same causes.
fn describe(err: &reqwest::Error) -> String {
    let causes = chain(err);
    if err.is_redirect() {
        "too many redirects (a redirect loop?)".to_owned()
    } else if causes.contains("dns error") {
        format!("cannot resolve the host name: {}", innermost(err))
    } else if causes.contains("Connection refused") {
        "connection refused: nothing listens on that port".to_owned()
    } else {
        causes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_named_by_its_last_part_and_query_or_its_host() {
        assert_eq!(
            page_name("http://127.0.0.1:41234/threads.html"),
            "threads.html"
        );
        assert_eq!(
            page_name("http://127.0.0.1:41234/pools.html?copy=2"),
            "pools.html?copy=2"
        );
        assert_eq!(page_name("https://www.rust-lang.org/"), "www.rust-lang.org");
        assert_eq!(page_name("not-a-url"), "not-a-url");
    }
}
