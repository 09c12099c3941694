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

mod serve;
mod show;

use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use lesson_06_scraper::args::Args;
use lesson_06_scraper::fetch::{Fetcher, Page, shown};
use lesson_06_scraper::site::Site;
use lesson_kit::{Plan, say};

/// The embedded site's simulated network latency, per page.
const LATENCY: Duration = Duration::from_millis(500);
/// How often the collector looks up from the channel to see if Ctrl-C came.
const LOOK_UP: Duration = Duration::from_millis(50);

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
        return serve::serve(&urls);
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
        let (done, results) = mpsc::channel();
        // `done` moves into spawn_fetchers, which gives each fetcher a
        // clone and drops the original: only the fetchers hold a Sender.
        spawn_fetchers(urls.clone(), workers, fetcher, done);
        // The collector: each fetch as it ends, until the channel closes.
        let mut pages = Vec::new();
        while !lesson_kit::stopped() {
            match results.recv_timeout(LOOK_UP) {
                Ok(fetched) => pages.extend(show::fetched(fetched, args.links)),
                // Nothing yet: look for Ctrl-C, then wait again.
                Err(RecvTimeoutError::Timeout) => {}
                // The last fetcher is gone: every fetch is over.
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if !lesson_kit::stopped() {
            match pages.len() {
                n if n == urls.len() => say!("All web pages fetched"),
                n => say!("{n} of {} web pages fetched", urls.len()),
            }
        }
        lesson_kit::fact("pages", pages);
        // ANCHOR_END: wait
    })
}

// ANCHOR: spawn
/// Starts `workers` threads that take the URLs in turn, fetch each and
/// send what came of it to `done`. As many workers as URLs: one thread per
/// URL.
fn spawn_fetchers(
    urls: Vec<String>,
    workers: usize,
    fetcher: Arc<Fetcher>,
    done: Sender<Fetched>,
) {
    let queue = Arc::new(Mutex::new(urls.into_iter()));
    for n in 1..=workers {
        // Each thread owns its handles: `move` takes these clones in.
        let (queue, fetcher, done) =
            (Arc::clone(&queue), Arc::clone(&fetcher), done.clone());
        // `thread::spawn`, with a thread the system refuses reported as one
        // line: the threads already started fetch every URL.
        let what = format!("fetching thread {n} of {workers}");
        let spawned = lesson_kit::spawn(&what, move || {
            // After Ctrl-C no new fetch starts.
            while !lesson_kit::stopped() {
                // The lock is let go at the end of this statement, before
                // the fetch: the other threads take URLs meanwhile.
                let next =
                    queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                let Some(url) = next else { break };
                if done.send(fetch_one(&fetcher, &url)).is_err() {
                    break; // the lesson stopped listening
                }
            }
        });
        if spawned.is_none() {
            break;
        }
    }
}
// ANCHOR_END: spawn

// ANCHOR: fetch_one
/// One fetch, over: the page (its URL as shown), how long it took, and
/// what came of it.
struct Fetched {
    url: String,
    took: Duration,
    result: Result<Page, String>,
}

/// Fetches one page on this thread, and draws it in the timeline: a bar
/// from the request to the page counted, cut short if the fetch failed,
/// still open if Ctrl-C came first.
fn fetch_one(fetcher: &Fetcher, url: &str) -> Fetched {
    let name = show::page_name(url);
    lesson_kit::begin(&name);
    let began = Instant::now();
    let result = fetcher.fetch(url);
    let took = began.elapsed();
    match &result {
        Ok(_) => lesson_kit::done(&name),
        Err(_) => lesson_kit::cut_short(),
    }
    let url = shown(url);
    Fetched { url, took, result }
}
// ANCHOR_END: fetch_one
