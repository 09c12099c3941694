//! The tests of exercise 09-fetch-limited: `fetch_all` gives each page's
//! characters in the order of the URLs, fetches at most `at_most` pages at
//! once (and that many, when there are enough), gives every fetch a
//! deadline of its own, and reports a failed page as an `Err` without
//! losing the others.

use std::time::{Duration, Instant};

use exercise::fetch_all;
use exercise_support::{SlowSite, within};
use tokio::runtime;

/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// Runs `fetch_all` as a program would, on tokio's current-thread runtime,
/// within the time limit; returns the results and how long it took.
#[track_caller]
fn fetch(
    urls: Vec<String>,
    at_most: usize,
    deadline: Duration,
) -> (Vec<Result<usize, String>>, Duration) {
    within(LIMIT, "fetch_all", move || {
        let runtime = runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let began = Instant::now();
        let pages = runtime.block_on(fetch_all(urls, at_most, deadline));
        (pages, began.elapsed())
    })
}

#[test]
fn characters_in_the_order_of_the_urls() {
    let site = SlowSite::start(Duration::from_millis(100));
    // The first page is the slowest: in the order they finish, it would
    // come last.
    let urls = ["/pages/40?wait=500", "/pages/7", "/pages/12", "/pages/3"]
        .map(|p| site.url(p))
        .to_vec();
    let (got, _) = fetch(urls, 2, Duration::from_secs(2));
    // Every third character of a page is `ñ`, two bytes in UTF-8.
    let bytes = [40 + 13, 7 + 2, 12 + 4, 3 + 1].map(Ok).to_vec();
    assert_ne!(
        got, bytes,
        "these are the pages' sizes in bytes, not their characters.\n\
         hint: text.chars().count() counts characters; text.len() counts bytes."
    );
    assert_eq!(
        got,
        [Ok(40), Ok(7), Ok(12), Ok(3)],
        "each page's characters, in the order of the URLs (the first page is \
         the slowest: in the order the fetches finished, it comes last).\n\
         hint: keep the tasks' JoinHandles in the order of the URLs, and await \
         them in that order; a JoinSet's join_next gives them as they finish."
    );
}

#[test]
fn at_most_that_many_fetches_at_once() {
    let latency = Duration::from_millis(300);
    let site = SlowSite::start(latency);
    let urls = (1..=6).map(|n| site.url(&format!("/pages/{n}"))).collect();
    let (got, took) = fetch(urls, 2, Duration::from_secs(2));
    assert_eq!(
        got,
        (1..=6).map(Ok).collect::<Vec<_>>(),
        "each page's characters, in the order of the URLs.\n\
         hint: await the tasks' JoinHandles in the order of the URLs; a \
         JoinSet's join_next gives them as they finish."
    );
    let at_once = site.most_at_once();
    assert!(
        at_once <= 2,
        "the site was answering {at_once} requests at once, over the limit of 2.\n\
         hint: every task waits for a permit of one Semaphore before it fetches, \
         and keeps it until its fetch is done. A permit goes back when it is \
         dropped: `let _ = semaphore.acquire().await` drops it at once (`_` \
         keeps nothing), `let _permit = ...` keeps it to the end of the block."
    );
    assert!(
        at_once == 2 && took < latency * 5,
        "the site was answering at most {at_once} request(s) at a time, and 6 \
         pages of {:.1} s took {:.2} s: 2 at a time take {:.1} s.\n\
         hint: spawn every task first, then await them. A fetch awaited before \
         the next one is spawned runs alone.",
        latency.as_secs_f64(),
        took.as_secs_f64(),
        (latency * 3).as_secs_f64()
    );
}

#[test]
fn each_fetch_has_a_deadline_of_its_own() {
    let latency = Duration::from_millis(200);
    let deadline = Duration::from_millis(500);
    let site = SlowSite::start(latency);
    let urls = (1..=10).map(|n| site.url(&format!("/pages/{n}"))).collect();
    let (got, took) = fetch(urls, 2, deadline);
    let failed: Vec<&String> = got.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} of the 10 pages failed, though each takes {:.1} s, well within the \
         deadline of {:.1} s. 10 pages, 2 at a time, take {:.1} s, longer than \
         the deadline, but the deadline is each fetch's own, counted from when \
         it starts. The first error: {}\n\
         hint: is the timeout around all the fetches at once, or around the \
         wait for a permit? Put it around each fetch alone, in its task, once \
         it has its permit.",
        failed.len(),
        latency.as_secs_f64(),
        deadline.as_secs_f64(),
        (latency * 5).as_secs_f64(),
        failed[0]
    );
    assert_eq!(got, (1..=10).map(Ok).collect::<Vec<_>>());
    assert!(
        took >= latency * 5,
        "10 pages of {:.1} s took only {:.2} s: more than 2 at a time?",
        latency.as_secs_f64(),
        took.as_secs_f64()
    );
}

#[test]
fn failed_fetches_are_errors_and_the_others_arrive() {
    let site = SlowSite::start(Duration::from_millis(100));
    let slow = site.url("/pages/6?wait=3000");
    let urls = vec![
        site.url("/pages/5"),
        slow.clone(),
        site.url("/missing"),
        // Nothing listens on port 1 of this machine.
        "http://127.0.0.1:1/pages/7".to_owned(),
        site.url("/pages/8"),
    ];
    let deadline = Duration::from_millis(400);
    let (got, took) = fetch(urls, 5, deadline);
    assert_eq!(got.len(), 5, "five URLs, five results: {got:?}");
    assert_eq!(
        (&got[0], &got[4]),
        (&Ok(5), &Ok(8)),
        "the first and the last page answer in 0.1 s, and must arrive (in \
         the order of the URLs), whatever happens to the others: {got:?}\n\
         hint: one timeout around all the fetches ends them all; each fetch \
         needs a deadline of its own."
    );
    assert!(
        got[1].is_err() && took < Duration::from_secs(2),
        "the second page answers after 3 s, past its deadline of {:.1} s: its \
         result must be an Err, and fetch_all must not wait for it. It gave \
         {:?} after {:.2} s.\n\
         hint: tokio::time::timeout(deadline, fetch).await is an Err when the \
         deadline comes first; it drops the fetch, and a dropped future is \
         cancelled.",
        deadline.as_secs_f64(),
        got[1],
        took.as_secs_f64()
    );
    assert!(
        got[1].as_ref().is_err_and(|e| e.contains(&slow)),
        "a fetch past its deadline is an Err that names its URL ({slow}): {:?}",
        got[1]
    );
    assert!(
        got[2].as_ref().is_err_and(|e| e.contains("404")),
        "a page the site does not have is an Err (HTTP 404): {:?}",
        got[2]
    );
    assert!(
        got[3].is_err(),
        "a server that is not there is an Err: {:?}",
        got[3]
    );
}
