//! A small web site on 127.0.0.1 that answers slowly, as a distant server
//! would, and counts how many requests it was answering at once.
//!
//! Pages: `/pages/N` is a page of N characters (some of them two bytes
//! long in UTF-8), after the site's delay; `/pages/N?wait=MS` waits MS
//! milliseconds instead. Any other path answers `404 Not Found`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::Probe;

/// The site; it stops when dropped. One thread per connection.
pub struct SlowSite {
    address: SocketAddr,
    probe: Arc<Probe>,
    stopping: Arc<AtomicBool>,
    listener: Option<JoinHandle<()>>,
}

impl SlowSite {
    /// Starts the site on a free port of 127.0.0.1; each page waits `delay`.
    pub fn start(delay: Duration) -> SlowSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
        let address = listener.local_addr().expect("its address");
        let probe = Arc::new(Probe::new());
        let stopping = Arc::new(AtomicBool::new(false));
        let (serving, stop) = (Arc::clone(&probe), Arc::clone(&stopping));
        let listener = thread::Builder::new()
            .name("site".to_owned())
            .spawn(move || {
                for (number, stream) in (0..).zip(listener.incoming()) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let probe = Arc::clone(&serving);
                    let _ = thread::Builder::new()
                        .spawn(move || answer(stream, &probe, number, delay));
                }
            })
            .expect("the test cannot start a thread");
        SlowSite {
            address,
            probe,
            stopping,
            listener: Some(listener),
        }
    }

    /// The full URL of `path` (which starts with `/`) on this site.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The most requests the site was answering at the same moment.
    pub fn most_at_once(&self) -> usize {
        self.probe.most_at_once()
    }

    /// How many requests the site has begun to answer.
    pub fn requests(&self) -> usize {
        self.probe.started()
    }
}

impl Drop for SlowSite {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the listener, which waits in accept().
        let _ = TcpStream::connect(self.address);
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }
}

/// Reads one request from `stream`, waits, answers and closes.
fn answer(stream: TcpStream, probe: &Probe, number: u64, delay: Duration) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut request = BufReader::new(&stream);
    let mut first = String::new();
    if request.read_line(&mut first).is_err() {
        return;
    }
    // The rest of the head, up to its empty line.
    let mut line = String::new();
    while request.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = first.split_whitespace().nth(1).unwrap_or_default();
    let (page, wait) = match path.split_once("?wait=") {
        Some((page, ms)) => (page, ms.parse().map_or(delay, Duration::from_millis)),
        None => (path, delay),
    };
    let running = probe.enter(number);
    thread::sleep(wait);
    let head = match page.strip_prefix("/pages/").map(str::parse::<usize>) {
        Some(Ok(chars)) => {
            let body = text_of(chars);
            format!(
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        }
        _ => "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_owned(),
    };
    let _ = (&stream).write_all(head.as_bytes());
    // Counted out before the connection closes: the client, which reads to
    // the end, cannot start its next request while this one still counts.
    drop(running);
}

/// `chars` characters, every third one `ñ` (two bytes in UTF-8).
fn text_of(chars: usize) -> String {
    (0..chars)
        .map(|i| if i % 3 == 2 { 'ñ' } else { 'a' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http;
    use std::time::Instant;

    #[test]
    fn answers_pages_slowly_and_counts_them() {
        let site = SlowSite::start(Duration::from_millis(300));
        let began = Instant::now();
        let pages = thread::scope(|s| {
            let fetches: Vec<_> = ["/pages/5", "/pages/3?wait=10", "/nothing"]
                .map(|path| site.url(path))
                .map(|url| s.spawn(move || http::get(&url)))
                .into_iter()
                .collect();
            fetches
                .into_iter()
                .map(|f| f.join().expect("fetch"))
                .collect::<Vec<_>>()
        });
        assert!(began.elapsed() >= Duration::from_millis(300));
        assert_eq!(pages[0].as_deref(), Ok("aañaa"));
        assert_eq!(pages[1].as_deref(), Ok("aañ"));
        let missing = pages[2].as_ref().expect_err("404");
        assert!(missing.ends_with("the server answered HTTP/1.0 404 Not Found"));
        assert_eq!(site.requests(), 3);
        assert_eq!(site.most_at_once(), 3);
    }

    #[test]
    fn nothing_listens_after_the_site_stops() {
        let url = SlowSite::start(Duration::ZERO).url("/pages/1");
        let refused = http::get(&url).expect_err("the site has stopped");
        assert!(refused.contains("cannot connect"), "{refused}");
    }
}
