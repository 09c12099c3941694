//! Fetching one page, with limits that hold against a hostile server:
//! `--timeout` bounds the whole fetch, headers and body, and `--max-bytes`
//! stops reading a body that is too large. Every failure becomes one
//! sentence that names its cause.

use std::error::Error;
use std::io::Read;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Url, redirect};
use scraper::{Html, Selector};

use crate::count::{self, Decoded};

/// What was fetched, counted and picked out of one page.
#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    /// `len(BeautifulSoup(body, 'html.parser').text)`.
    pub chars: usize,
    pub bytes: usize,
    pub encoding: &'static str,
    /// The charset the page declared, when it is not valid in it.
    pub declared_but_invalid: Option<String>,
    pub title: Option<String>,
    pub links: Vec<String>,
}

/// A client and the limits each fetch keeps. Cloning it shares the client.
#[derive(Clone)]
pub struct Fetcher {
    client: Client,
    timeout: Duration,
    max_bytes: usize,
}

impl Fetcher {
    pub fn new(timeout: Duration, max_bytes: usize) -> Result<Self, String> {
        let client = Client::builder()
            // Bounds the wait for the headers and each read of the body;
            // `fetch` keeps a deadline across the reads.
            .timeout(timeout)
            .redirect(redirect::Policy::limited(10))
            // A connection per fetch, closed after it. Kept open, an idle
            // connection holds one of tiny_http's threads, and tiny_http
            // 0.12 can leave a new connection queued behind it (its pool
            // loses a wake-up when connections arrive together): the
            // fetch would then wait for its timeout.
            .pool_max_idle_per_host(0)
            .user_agent("lesson-06-scraper (a Rust course)")
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

    // ANCHOR: deadline
    /// Fetches `url` and counts its text within `--timeout`; `Err` says
    /// why not.
    pub fn fetch(&self, url: &str) -> Result<Page, String> {
        let deadline = Instant::now() + self.timeout;
        // A read that stalls can wait a whole client timeout by itself, so
        // the fetch runs on a thread of its own, and this one waits for it
        // until the deadline, not a moment longer. A fetch given up on is
        // left to end on its own timeout; nothing waits for it.
        let (done, result) = mpsc::channel();
        let (fetcher, owned) = (self.clone(), url.to_owned());
        thread::Builder::new()
            .name("fetch".to_owned())
            .spawn(move || {
                let _ = done.send(fetcher.fetch_until(&owned, deadline));
            })
            .map_err(|err| format!("cannot start a thread to fetch it: {err}"))?;
        match result.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(fetched) => fetched,
            Err(RecvTimeoutError::Timeout) => Err(self.too_slow()),
            Err(RecvTimeoutError::Disconnected) => {
                Err("the fetch failed unexpectedly (its thread panicked)".to_owned())
            }
        }
    }
    // ANCHOR_END: deadline

    fn fetch_until(&self, url: &str, deadline: Instant) -> Result<Page, String> {
        let parsed =
            Url::parse(url).map_err(|err| format!("malformed URL: {err}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "unsupported scheme {:?}: only http and https",
                parsed.scheme()
            ));
        }
        let mut response = self
            .client
            .get(parsed.clone())
            .send()
            .map_err(|err| self.describe(&err))?;
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
        if response
            .content_length()
            .is_some_and(|len| len > self.max_bytes as u64)
        {
            return Err(self.too_large());
        }
        let body = self.read_body(&mut response, deadline)?;
        Ok(scrape(url, &parsed, &body))
    }

    // ANCHOR: body
    /// Reads the body until its end, the byte limit, or the deadline.
    fn read_body(
        &self,
        response: &mut impl Read,
        deadline: Instant,
    ) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        let mut chunk = [0; 16 * 1024];
        loop {
            let read = response.read(&mut chunk).map_err(|err| {
                if Instant::now() >= deadline {
                    self.too_slow()
                } else {
                    format!("the body broke off: {}", chain(&err))
                }
            })?;
            if read == 0 {
                return Ok(body);
            }
            // One byte over the limit is enough to know: stop reading.
            if body.len() + read > self.max_bytes {
                return Err(self.too_large());
            }
            body.extend_from_slice(&chunk[..read]);
            // A server that trickles a byte at a time never makes a single
            // read wait long: only this deadline catches it.
            if Instant::now() >= deadline {
                return Err(self.too_slow());
            }
        }
    }
    // ANCHOR_END: body

    fn too_slow(&self) -> String {
        format!(
            "no complete answer within {} (--timeout)",
            seconds(self.timeout)
        )
    }

    fn too_large(&self) -> String {
        format!(
            "the body is larger than {} bytes (--max-bytes)",
            self.max_bytes
        )
    }

    /// reqwest's errors say "error sending request": the cause is further
    /// down the chain.
    fn describe(&self, err: &reqwest::Error) -> String {
        let causes = chain(err);
        if err.is_timeout() {
            self.too_slow()
        } else if err.is_redirect() {
            "too many redirects (a redirect loop?)".to_owned()
        } else if causes.contains("dns error") {
            format!("cannot resolve the host name: {}", innermost(err))
        } else if causes.contains("Connection refused") {
            "connection refused: nothing listens on that port".to_owned()
        } else {
            causes
        }
    }
}

/// Decodes and counts the page, and picks its title and links out of it
/// with CSS selectors: what a scraper is for.
fn scrape(url: &str, base: &Url, body: &[u8]) -> Page {
    let Decoded {
        text,
        encoding,
        declared_but_invalid,
    } = count::decode(body);
    let chars = count::text_len(&text);
    // ANCHOR: select
    let document = Html::parse_document(&text);
    let title = Selector::parse("title").expect("a valid selector");
    let link = Selector::parse("a[href]").expect("a valid selector");
    let title = document
        .select(&title)
        .next()
        .map(|t| t.text().collect::<String>().trim().to_owned());
    let links = document
        .select(&link)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| base.join(href).ok())
        .map(String::from)
        .collect();
    // ANCHOR_END: select
    Page {
        url: url.to_owned(),
        chars,
        bytes: body.len(),
        encoding,
        declared_but_invalid,
        title,
        links,
    }
}

/// An error and its causes, "outer: inner: innermost", without repeats.
pub fn chain(err: &dyn Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// The last cause in an error's chain: the one that says what went wrong.
pub fn innermost(err: &dyn Error) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}
