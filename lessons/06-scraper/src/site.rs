//! The embedded web site: three pages about the course, served on
//! 127.0.0.1 by this same process, each answered after a simulated network
//! latency. It makes the lesson work offline, and the same every time.
//!
//! Each request gets a thread of its own, so that, as on a real server,
//! several requests wait out their latency side by side.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use tiny_http::{Header, Response, Server};

/// The pages, by path: written for the course, with non-ASCII text,
/// entities, scripts and comments, so that counting them is not trivial.
pub const PAGES: [(&str, &str); 3] = [
    ("threads.html", include_str!("../site/threads.html")),
    ("processes.html", include_str!("../site/processes.html")),
    ("pools.html", include_str!("../site/pools.html")),
];

/// The site while it runs. Dropping it stops taking requests; the process
/// ending takes the rest with it (it is all threads of this process).
pub struct Site {
    server: Arc<Server>,
    addr: SocketAddr,
}

impl Site {
    /// Starts serving on 127.0.0.1:`port` (0: a free port the system picks),
    /// answering each page after `latency`.
    pub fn start(port: u16, latency: Duration) -> io::Result<Self> {
        let server =
            Server::http((Ipv4Addr::LOCALHOST, port)).map_err(io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the site has no IP address"))?;
        let server = Arc::new(server);
        // `Arc::clone`: the accepting thread shares the server with `Site`,
        // which unblocks it when dropped.
        let accepting = Arc::clone(&server);
        thread::Builder::new()
            .name("site".to_owned())
            .spawn(move || serve(&accepting, latency))?;
        Ok(Self { server, addr })
    }

    /// The address of every page, in the order of [`PAGES`].
    pub fn urls(&self) -> Vec<String> {
        PAGES
            .iter()
            .map(|(path, _)| format!("http://{}/{path}", self.addr))
            .collect()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn serve(server: &Server, latency: Duration) {
    for request in server.incoming_requests() {
        // One thread per request: a sleeping answer holds up no other.
        let answering = thread::Builder::new()
            .name("site request".to_owned())
            .spawn(move || {
                thread::sleep(latency);
                // "pools.html?copy=2" is pools.html: lesson 09 asks for many.
                let url = request.url().trim_start_matches('/');
                let path = url.split('?').next().unwrap_or_default().to_owned();
                let html =
                    Header::from_bytes("Content-Type", "text/html; charset=utf-8")
                        .expect("a valid header");
                let response = match PAGES.iter().find(|(name, _)| *name == path) {
                    Some((_, page)) => {
                        Response::from_string(*page).with_header(html)
                    }
                    None => {
                        Response::from_string("no such page").with_status_code(404)
                    }
                };
                // A client that went away is no concern of the site's.
                let _ = request.respond(response);
            });
        if answering.is_err() {
            // No thread for it: the request is dropped, the client sees the
            // connection close. The site keeps serving the others.
            continue;
        }
    }
}
