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
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{StatusCode, Url, redirect};
use scraper::Selector;

use crate::count::{self, Decoded};
use crate::parse;

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

    /// Fetches `url` within `--timeout`, then counts its text and picks
    /// out its title and links; `Err` says why not.
    pub fn fetch(&self, url: &str) -> Result<Page, String> {
        let body = self.download(url)?;
        scrape(url, &body)
    }

    // ANCHOR: deadline
    /// Downloads the body of `url` within `--timeout`; `Err` says why not.
    fn download(&self, url: &str) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + self.timeout;
        // A read that stalls can wait a whole client timeout by itself, so
        // the download runs on a thread of its own, and this one waits for
        // it until the deadline, not a moment longer. A download given up
        // on is left to end on its own timeout; nothing waits for it.
        let (done, result) = mpsc::channel();
        let (fetcher, owned) = (self.clone(), url.to_owned());
        thread::Builder::new()
            .name("fetch".to_owned())
            .spawn(move || {
                let _ = done.send(fetcher.download_until(&owned, deadline));
            })
            .map_err(|err| format!("cannot start a thread to fetch it: {err}"))?;
        match result.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(downloaded) => downloaded,
            Err(RecvTimeoutError::Timeout) => Err(self.too_slow()),
            Err(RecvTimeoutError::Disconnected) => {
                Err("the fetch failed unexpectedly (its thread panicked)".to_owned())
            }
        }
    }
    // ANCHOR_END: deadline

    fn download_until(
        &self,
        url: &str,
        deadline: Instant,
    ) -> Result<Vec<u8>, String> {
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
            .get(parsed)
            .send()
            // The line that reports it names the URL already.
            .map_err(|err| self.describe(&err.without_url()))?;
        check_answer(response.status(), response.headers())?;
        if response
            .content_length()
            .is_some_and(|len| len > self.max_bytes as u64)
        {
            return Err(self.too_large());
        }
        self.read_body(&mut response, deadline)
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
            // Grown as a Vec grows, doubling, but never past the limit: a
            // body near a large --max-bytes fits in about that much memory.
            if body.capacity() - body.len() < read {
                let wanted =
                    (body.capacity() * 2).clamp(body.len() + read, self.max_bytes);
                body.reserve_exact(wanted - body.len());
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

    /// Why a request failed: past the deadline, or its [`cause`].
    fn describe(&self, err: &reqwest::Error) -> String {
        if err.is_timeout() {
            self.too_slow()
        } else {
            cause(err)
        }
    }
}

/// `Err` unless the server answered with success and an HTML page (or
/// did not say what it sent).
pub fn check_answer(status: StatusCode, headers: &HeaderMap) -> Result<(), String> {
    if !status.is_success() {
        return Err(format!("the server answered HTTP {status}"));
    }
    if let Some(kind) = headers.get(CONTENT_TYPE) {
        let kind = String::from_utf8_lossy(kind.as_bytes()).to_ascii_lowercase();
        let essence = kind.split(';').next().unwrap_or_default().trim();
        if !matches!(essence, "text/html" | "application/xhtml+xml") {
            return Err(format!("not an HTML page: its content type is {kind:?}"));
        }
    }
    Ok(())
}

/// A failed request's cause in one sentence. reqwest's errors say "error
/// sending request": the cause is further down the chain.
pub fn cause(err: &reqwest::Error) -> String {
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

/// Decodes and counts a page's `body`, fetched from `url`, and picks its
/// title and links out of it with CSS selectors: what a scraper is for.
/// `Err` if the page nests its elements too deeply to parse.
pub fn scrape(url: &str, body: &[u8]) -> Result<Page, String> {
    let Decoded {
        text,
        encoding,
        declared_but_invalid,
    } = count::decode(body);
    let chars = count::text_len(&text);
    let base = Url::parse(url).map_err(|err| format!("malformed URL: {err}"))?;
    // ANCHOR: select
    // The tree a browser builds (scraper's `Html`), from html5ever.
    let document = parse::document(&text)?;
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
    Ok(Page {
        url: url.to_owned(),
        chars,
        bytes: body.len(),
        encoding,
        declared_but_invalid,
        title,
        links,
    })
}

/// `url` as the lesson shows it: a password in it is hidden
/// (`http://user:***@host/`), since a terminal or a log is no place for one.
pub fn shown(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only a URL that cannot have a password refuses one.
            let _ = parsed.set_password(Some("***"));
            parsed.into()
        }
        _ => url.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fetcher(max_bytes: usize) -> Fetcher {
        Fetcher::new(Duration::from_secs(10), max_bytes).expect("a client")
    }

    /// A deadline no test here comes near.
    fn far() -> Instant {
        Instant::now() + Duration::from_secs(600)
    }

    #[test]
    fn a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
        let body = vec![b'a'; 100_000];
        let read = fetcher(100_000).read_body(&mut &body[..], far());
        assert_eq!(read.map(|b| b.len()), Ok(100_000));
        let over = fetcher(99_999).read_body(&mut &body[..], far());
        assert_eq!(
            over,
            Err("the body is larger than 99999 bytes (--max-bytes)".to_owned())
        );
    }

    #[test]
    fn a_body_at_the_limit_takes_no_more_memory_than_the_limit() {
        // Doubling from 16 KiB, as a Vec grows, would end at 4 MiB for
        // these 3 MB.
        let max = 3_000_000;
        let body = vec![b'a'; max];
        let read = fetcher(max).read_body(&mut &body[..], far());
        let read = read.expect("within the limit");
        assert_eq!(read.len(), max);
        assert!(read.capacity() <= max, "capacity {}", read.capacity());
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            shown("http://user:s3cret@127.0.0.1:8/a?b"),
            "http://user:***@127.0.0.1:8/a?b"
        );
        // Nothing to hide: the URL as it was typed.
        for plain in ["http://user@host/", "HTTP://Host/", "http://host"] {
            assert_eq!(shown(plain), plain);
        }
    }
}
