//! The scraper part: lesson 06's cell with tasks instead of threads. One
//! task per URL on a multi-thread runtime, at most `--limit` fetches under
//! way at once (a semaphore), each fetch bounded by `--timeout` as a whole
//! (`tokio::time::timeout`: dropping a future cancels it) and by
//! `--max-bytes`; lesson 06's BeautifulSoup-compatible count. By default
//! 50 fetches at once, fewer where memory or open files would run short.

use std::sync::Arc;
use std::time::Duration;

use lesson_06_scraper::count;
use lesson_06_scraper::fetch::{cause, chain, check_answer, shown};
use lesson_06_scraper::site::Site;
use lesson_kit::{Plan, say};
use reqwest::{Client, Url, redirect};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::procfs::FileLimits;

/// The embedded site's simulated network latency, per page, as lesson 06's.
pub const LATENCY: Duration = Duration::from_millis(500);

/// Fetches under way at once without `--limit`: enough to show the site's
/// rounds, few enough for the usual `ulimit -n 1024`.
pub const DEFAULT_LIMIT: usize = 50;
/// What the bodies under way may add up to without `--limit`, at
/// `--max-bytes` each: 50 of the default 10 MB.
pub const BODIES_BUDGET: u64 = 500_000_000;
/// Open files kept for the rest of the process: the runtime's, the
/// resolver's, the site's listening socket.
const SPARE_FILES: u64 = 64;

/// Open files one fetch holds in this process: its socket, and on the
/// embedded site the site's end too, which tiny_http holds twice (one
/// for reading, one for writing).
fn files_per_fetch(on_site: bool) -> u64 {
    if on_site { 3 } else { 1 }
}

/// The fetches at once: `--limit` if given, else [`DEFAULT_LIMIT`] or
/// fewer if the bodies or the open files would not fit; never more than
/// the pages. `Err` if even that many cannot have their sockets under
/// `ulimit -n`: every fetch past it would fail with "Too many open files",
/// and the site with them.
pub fn limit(
    asked: Option<u32>,
    pages: usize,
    max_bytes: u64,
    on_site: bool,
    files: FileLimits,
) -> Result<usize, String> {
    let room = files.room().saturating_sub(SPARE_FILES) / files_per_fetch(on_site);
    let room = usize::try_from(room).unwrap_or(usize::MAX);
    let by_memory =
        usize::try_from(BODIES_BUDGET / max_bytes.max(1)).unwrap_or(usize::MAX);
    let limit = match asked {
        Some(k) => k as usize,
        None => DEFAULT_LIMIT.min(by_memory).min(room),
    }
    .clamp(1, pages.max(1));
    if limit <= room {
        return Ok(limit);
    }
    let needed = limit as u64 * files_per_fetch(on_site) + SPARE_FILES + files.open;
    let max = files.max.unwrap_or(u64::MAX);
    let fix = match room {
        0 => "raise ulimit -n".to_owned(),
        room => format!("give --limit {room} or less, or raise ulimit -n"),
    };
    Err(format!(
        "{limit} fetches at once (--limit) need about {needed} open files, and \
         ulimit -n allows {max}: {fix}"
    ))
}

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
            // `shown`: a password in a URL is never printed.
            let url = shown(url);
            say!("Fetched {} characters from {url}", page.chars);
            Some(json!({"url": url, "chars": page.chars, "bytes": page.bytes}))
        }
        Err(why) => {
            // A failed fetch is not a finished task: its bar ends in `>`.
            lesson_kit::cut_short();
            lesson_kit::fail(format!("{}: {why}", shown(url)));
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
    /// Whether the pages are the embedded site's, which may have stopped.
    on_site: bool,
}

impl Fetcher {
    pub fn new(
        timeout: Duration,
        max_bytes: usize,
        on_site: bool,
    ) -> Result<Self, String> {
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
            on_site,
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
        // clap has refused any URL that is not http or https.
        let parsed =
            Url::parse(url).map_err(|err| format!("malformed URL: {err}"))?;
        let mut response = (self.client.get(parsed).send().await)
            .map_err(|err| describe(&err, self.on_site))?;
        // The same checks as lesson 06's: success, and an HTML page.
        check_answer(response.status(), response.headers())?;
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

/// Lesson 06's sentence for each cause, but for the embedded site
/// refusing: it listened, so it has stopped.
fn describe(err: &reqwest::Error, on_site: bool) -> String {
    if on_site && chain(err).contains("Connection refused") {
        // tiny_http stops listening at its first failed accept, as when
        // the process has no open file left.
        "connection refused: the embedded site has stopped listening (out of \
         open files? see ulimit -n and --limit)"
            .to_owned()
    } else {
        cause(err)
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, TcpListener};

    use super::*;

    fn files(max: u64, open: u64) -> FileLimits {
        FileLimits {
            max: Some(max),
            open,
        }
    }

    #[test]
    fn the_default_limit_fits_the_pages_memory_and_open_files() {
        let ten_mb = 10_000_000;
        // The usual ulimit -n 1024: 50 fetches of the site hold 150 files.
        assert_eq!(limit(None, 1000, ten_mb, true, files(1024, 10)), Ok(50));
        assert_eq!(limit(None, 3, ten_mb, true, files(1024, 10)), Ok(3));
        // Bodies of up to 100 MB: five at once make 500 MB.
        assert_eq!(
            limit(None, 1000, 10 * ten_mb, false, files(1024, 10)),
            Ok(5)
        );
        // ulimit -n 200: (200 - 10 - 64) / 3 fetches of the site.
        assert_eq!(limit(None, 1000, ten_mb, true, files(200, 10)), Ok(42));
        let unlimited = FileLimits {
            max: None,
            open: 10,
        };
        assert_eq!(limit(None, 1000, ten_mb, true, unlimited), Ok(50));
    }

    #[test]
    fn a_limit_the_open_files_cannot_hold_is_one_line_naming_the_fix() {
        // (1024 - 10 - 64) / 3 = 316 fetches of the site fit, 950 of others.
        assert_eq!(limit(Some(316), 1000, 1, true, files(1024, 10)), Ok(316));
        assert_eq!(limit(Some(950), 1000, 1, false, files(1024, 10)), Ok(950));
        assert_eq!(limit(Some(5000), 30, 1, true, files(1024, 10)), Ok(30));
        let refused = limit(Some(1000), 1000, 1, true, files(1024, 10));
        assert_eq!(
            refused,
            Err(
                "1000 fetches at once (--limit) need about 3074 open files, and \
                 ulimit -n allows 1024: give --limit 316 or less, or raise \
                 ulimit -n"
                    .to_owned()
            )
        );
        let none = limit(None, 3, 1, true, files(70, 10));
        assert!(none.is_err_and(|why| why.ends_with(": raise ulimit -n")));
    }

    #[test]
    fn a_refusal_from_the_embedded_site_says_that_it_has_stopped() {
        let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port");
        let url = format!("http://{closed}/");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let why = |on_site| {
            let fetcher = Fetcher::new(Duration::from_secs(5), 1000, on_site);
            let fetcher = fetcher.expect("a client");
            runtime
                .block_on(fetcher.fetch(&url))
                .err()
                .expect("refused")
        };
        assert!(why(true).contains("the embedded site has stopped listening"));
        assert_eq!(
            why(false),
            "connection refused: nothing listens on that port"
        );
    }

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
