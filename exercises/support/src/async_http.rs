//! A minimal async HTTP client, enough for the tests' local site
//! ([`SlowSite`](crate::SlowSite)): what exercise 09-fetch-limited calls to
//! fetch a page, so that the learner writes the concurrency, not HTTP.
//!
//! Chapter 09 fetches with reqwest's async client; building reqwest would
//! add a minute or more to the exercises' first build (see [`crate::http`]).
//! So [`get`] speaks HTTP/1.0 over tokio's `TcpStream` itself, as
//! `http::get` does over std's. Each step is an `.await`: while the server
//! keeps it waiting, its task gives the thread back to the runtime. It has
//! no time limit of its own: a server that never answers keeps it waiting
//! for ever, and a deadline is the caller's to add.
//!
//! Built only with the crate's `async-http` feature, so that only the
//! exercises that use it build tokio.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::http::{body, request, split};

/// Fetches `url` (`http://host:port/path`) and returns the page's body, or
/// an error that names the URL: cannot connect, or an answer other than
/// `200 OK`. Waits for the server as long as it takes.
pub async fn get(url: &str) -> Result<String, String> {
    let fail = |why: String| format!("{url}: {why}");
    let (host, path) = split(url)?;
    let mut stream = TcpStream::connect(host)
        .await
        .map_err(|err| fail(format!("cannot connect: {err}")))?;
    stream
        .write_all(request(host, path).as_bytes())
        .await
        .map_err(|err| fail(format!("cannot send the request: {err}")))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|err| fail(format!("no complete answer: {err}")))?;
    body(url, &String::from_utf8_lossy(&answer))
}
