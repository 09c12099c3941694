//! A minimal blocking HTTP client, enough for the exercises' local site.
//!
//! Chapter 06 fetches with reqwest; building reqwest (and the TLS library
//! under it) would add a minute or more to the exercises' first build, for
//! pages that come from 127.0.0.1 in plain HTTP. So `get` speaks HTTP/1.0
//! over a `TcpStream` itself: it sends one request, reads the answer to the
//! end (the server closes the connection), and returns the body.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Fetches `url` (`http://host:port/path`) and returns the page's body, or
/// an error that names the URL: cannot connect, no answer within 10 s, or
/// an answer other than `200 OK`. It blocks the calling thread until then.
pub fn get(url: &str) -> Result<String, String> {
    let fail = |why: String| format!("{url}: {why}");
    let (host, path) = split(url)?;
    let mut stream = TcpStream::connect(host)
        .map_err(|err| fail(format!("cannot connect: {err}")))?;
    let limit = Some(Duration::from_secs(10));
    stream
        .set_read_timeout(limit)
        .map_err(|err| fail(err.to_string()))?;
    write!(stream, "{}", request(host, path))
        .map_err(|err| fail(format!("cannot send the request: {err}")))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|err| fail(format!("no complete answer: {err}")))?;
    body(url, &answer)
}

/// The host (`host:port`) and the path (without its first `/`) of an
/// `http://` URL.
pub(crate) fn split(url: &str) -> Result<(&str, &str), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// URLs"))?;
    Ok(rest.split_once('/').unwrap_or((rest, "")))
}

/// The request for `path` on `host`.
pub(crate) fn request(host: &str, path: &str) -> String {
    format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n")
}

/// The body of a whole HTTP answer to `url`, if it says `200 OK`.
pub(crate) fn body(url: &str, answer: &str) -> Result<String, String> {
    let fail = |why: String| format!("{url}: {why}");
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .ok_or_else(|| fail("not an HTTP answer".into()))?;
    let status = head.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(fail(format!("the server answered {status}")));
    }
    Ok(body.to_owned())
}
