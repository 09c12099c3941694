//! Lesson 06: the notebook's scraping cell. Fetching a web page is mostly
//! waiting for the network, so one thread per page fetches them all in
//! about the time of one: I/O-bound work is where threads shine, even in
//! Python with its GIL.
//!
//! Run it: `cargo run -p lesson-06-scraper`. With no URL it starts an
//! embedded web site on 127.0.0.1, whose pages answer after 0.5 s, and
//! scrapes it: no network needed. `cargo run -p lesson-06-scraper --
//! https://www.rust-lang.org/` scrapes real pages instead. Watch the three
//! fetches overlap in the timeline; `--sequential` does them in turn.
//!
//! The count printed is the one Python prints for the same bytes,
//! `len(BeautifulSoup(response.content, 'html.parser').text)`: see
//! `count.rs`, and `--serve` to compare the two side by side.

mod args;

use std::process::ExitCode;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use args::Args;
use lesson_06_scraper::fetch::{Fetcher, Page};
use lesson_06_scraper::site::Site;
use lesson_kit::{Plan, say};
use serde_json::json;

/// The embedded site's simulated network latency, per page.
const LATENCY: Duration = Duration::from_millis(500);

/// One fetch, finished: by which thread, when, and how it went.
struct Fetched {
    url: String,
    worker: String,
    start: Duration,
    end: Duration,
    result: Result<Page, String>,
}

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    let scale = lesson_kit::options().time_scale;
    // The site stands for the network: it starts before the lesson's clock.
    let site = if args.urls.is_empty() {
        match Site::start(args.port, LATENCY.mul_f64(scale)) {
            Ok(site) => Some(site),
            Err(err) => {
                lesson_kit::warn(format!("cannot start the embedded site: {err}"));
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let urls = site.as_ref().map_or_else(|| args.urls.clone(), Site::urls);
    if args.serve {
        return serve(&urls);
    }
    let workers = match (args.sequential, args.workers) {
        (true, _) => 1,
        (false, Some(n)) => usize::from(n).min(urls.len()),
        (false, None) => urls.len(),
    };
    // Only the embedded site's latency is known in advance.
    let plan = match site {
        Some(_) => Plan::pool(workers, vec![LATENCY; urls.len()]),
        None => Plan::new(),
    };
    let max_bytes = usize::try_from(args.max_bytes).unwrap_or(usize::MAX);
    // Building the client (its runtime thread, TLS roots) is setup too.
    let fetcher = match Fetcher::new(args.timeout, max_bytes) {
        Ok(fetcher) => Arc::new(fetcher),
        Err(err) => {
            lesson_kit::warn(err);
            return ExitCode::FAILURE;
        }
    };

    lesson_kit::run!(plan, || {
        // ANCHOR: wait
        // Every result comes through this channel, and so does Ctrl-C: a
        // blocking fetch cannot be cancelled, so after Ctrl-C the lesson
        // stops waiting for the fetches still stuck instead of joining them.
        let (done, results) = mpsc::channel();
        let stop = done.clone();
        lesson_kit::on_stop(move || {
            let _ = stop.send(None);
        });
        if lesson_kit::stopped() {
            return; // Ctrl-C came before the hook was in place
        }
        spawn_fetchers(urls.clone(), workers, fetcher, done);
        let mut pages = Vec::new();
        for _ in 0..urls.len() {
            let Ok(Some(fetched)) = results.recv() else {
                break;
            };
            pages.extend(show(fetched, args.links));
        }
        lesson_kit::fact("pages", pages);
        if !lesson_kit::stopped() {
            say!("All web pages fetched");
        }
        // ANCHOR_END: wait
    })
}

// ANCHOR: spawn
/// Starts `workers` threads that take the URLs in turn, fetch each and
/// send the result to `done`. As many workers as URLs: one thread per URL.
fn spawn_fetchers(
    urls: Vec<String>,
    workers: usize,
    fetcher: Arc<Fetcher>,
    done: Sender<Option<Fetched>>,
) {
    let queue = Arc::new(Mutex::new(urls.into_iter()));
    let refused = done.clone();
    for n in 1..=workers {
        // Each thread owns its handles: `move` takes these clones in.
        let (queue, fetcher, done) =
            (Arc::clone(&queue), Arc::clone(&fetcher), done.clone());
        let worker = format!("thread {n}");
        // `thread::spawn`, with a thread the system refuses reported as one
        // line: the threads already started fetch every URL. If none did,
        // the `None` tells the collector that no result is coming.
        let what = format!("fetching thread {n} of {workers}");
        let spawned = lesson_kit::spawn(&what, move || {
            loop {
                // The lock is let go at the end of this statement, before
                // the fetch: the other threads take URLs meanwhile.
                let next =
                    queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                let Some(url) = next else { break };
                let start = lesson_kit::elapsed();
                let result = fetcher.fetch(&url);
                let end = lesson_kit::elapsed();
                let worker = worker.clone();
                let fetched = Fetched {
                    url,
                    worker,
                    start,
                    end,
                    result,
                };
                if done.send(Some(fetched)).is_err() {
                    break; // the lesson stopped listening
                }
            }
        });
        if spawned.is_none() {
            if n == 1 {
                let _ = refused.send(None);
            }
            break;
        }
    }
}
// ANCHOR_END: spawn

/// Prints a fetch's line (or reports its failure), records its task for
/// the timeline, and returns the page's JSON for the report.
fn show(fetched: Fetched, links: bool) -> Option<serde_json::Value> {
    let Fetched {
        url,
        worker,
        start,
        end,
        result,
    } = fetched;
    let page = match result {
        Ok(page) => page,
        Err(why) => {
            lesson_kit::record_task(&worker, &format!("failed: {url}"), start, end);
            lesson_kit::fail(format!("{url}: {why}"));
            return None;
        }
    };
    let line = format!("Fetched {} characters from {url}", page.chars);
    lesson_kit::record_task(&worker, &line, start, end);
    say!("{line}");
    if let Some(declared) = &page.declared_but_invalid {
        lesson_kit::warn(format!(
            "{url}: declares charset {declared} but is not valid in it; \
             decoded as {}, as BeautifulSoup does",
            page.encoding
        ));
    }
    if links {
        for link in &page.links {
            say!("  link: {link}");
        }
    }
    Some(json!({
        "url": url, "chars": page.chars, "bytes": page.bytes,
        "encoding": page.encoding, "title": page.title, "links": page.links,
        "ms": (end - start).as_secs_f64() * 1000.0,
    }))
}

/// `--serve`: the embedded site alone, until Ctrl-C.
fn serve(urls: &[String]) -> ExitCode {
    lesson_kit::run!(Plan::new(), || {
        for url in urls {
            say!("Serving {url}");
        }
        say!("Press Ctrl-C to stop");
        let (stop, stopped) = mpsc::channel();
        lesson_kit::on_stop(move || {
            let _ = stop.send(());
        });
        if !lesson_kit::stopped() {
            let _ = stopped.recv();
        }
    })
}
