//! The tests of exercise 06-fetch-bounded: `fetch_all` gives each page's
//! characters in the order of the URLs, fetches at most `at_most` pages at
//! once (and that many, when there are enough), reports a failed page as
//! an `Err` without losing the others, and leaves no thread running.

use std::time::{Duration, Instant};

use exercise::fetch_all;
use exercise_support::{SlowSite, threads_back_to, threads_now, within};

/// How long the tests' site takes to answer a page.
const LATENCY: Duration = Duration::from_millis(300);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn characters_in_the_order_of_the_urls() {
    let site = SlowSite::start(Duration::from_millis(200));
    // The first page is the slowest: in the order they finish, it would
    // not come first.
    let urls = ["/pages/40?wait=600", "/pages/7", "/pages/12", "/pages/3"]
        .map(|p| site.url(p));
    let got = within(LIMIT, "fetch_all", move || fetch_all(&urls, 2));
    // Every third character of a page is `ñ`, two bytes in UTF-8.
    let bytes = [40 + 13, 7 + 2, 12 + 4, 3 + 1].map(Ok).to_vec();
    assert_ne!(
        got, bytes,
        "these are the pages' sizes in bytes, not their characters.\n\
         hint: text.chars().count() counts characters, as Python's len() does; \
         text.len() counts bytes (chapter 06, \"Rust notes\")."
    );
    assert_eq!(
        got,
        [Ok(40), Ok(7), Ok(12), Ok(3)],
        "each page's characters, in the order of the URLs (the first page is \
         the slowest).\nhint: keep each URL's index with its result, and put \
         every result at its place."
    );
}

#[test]
fn at_most_that_many_fetches_at_once() {
    let site = SlowSite::start(LATENCY);
    let urls: Vec<String> =
        (1..=6).map(|n| site.url(&format!("/pages/{n}"))).collect();
    let began = Instant::now();
    let got = within(LIMIT, "fetch_all", move || fetch_all(&urls, 2));
    let took = began.elapsed();
    assert_eq!(got, (1..=6).map(Ok).collect::<Vec<_>>());
    let at_once = site.most_at_once();
    assert!(
        at_once <= 2,
        "the site was answering {at_once} requests at once, over the limit of 2.\n\
         hint: start at_most threads, which take the URLs from one queue; not \
         a thread per URL."
    );
    assert!(
        at_once == 2 && took < LATENCY * 5,
        "the site was answering at most {at_once} request(s) at a time, and 6 \
         pages of {:.1} s took {:.2} s: 2 at a time take {:.1} s.\n\
         hint: is the queue's lock held while a page is fetched? A guard made in \
         a `while let` condition lives to the end of the loop's body; \
         `let next = queue.lock().unwrap().next();` drops it at the semicolon.",
        LATENCY.as_secs_f64(),
        took.as_secs_f64(),
        (LATENCY * 3).as_secs_f64()
    );
}

#[test]
fn a_failed_page_is_an_error_and_the_others_arrive() {
    let site = SlowSite::start(Duration::from_millis(100));
    let urls = vec![
        site.url("/pages/5"),
        site.url("/missing"),
        site.url("/pages/6"),
        // Nothing listens on port 1 of this machine.
        "http://127.0.0.1:1/pages/7".to_owned(),
    ];
    let got = within(LIMIT, "fetch_all", move || fetch_all(&urls, 2));
    assert_eq!(got.len(), 4, "four URLs, four results: {got:?}");
    assert_eq!(
        (&got[0], &got[2]),
        (&Ok(5), &Ok(6)),
        "the pages that exist: {got:?}"
    );
    assert!(
        got[1].as_ref().is_err_and(|e| e.contains("404")),
        "a page the site does not have is an Err (HTTP 404): {:?}",
        got[1]
    );
    assert!(
        got[3].is_err(),
        "a server that is not there is an Err: {:?}",
        got[3]
    );
}

#[test]
fn no_thread_is_left_running() {
    let site = SlowSite::start(Duration::from_millis(100));
    let urls: Vec<String> =
        (1..=5).map(|n| site.url(&format!("/pages/{n}"))).collect();
    let (before, after) = within(LIMIT, "fetch_all", move || {
        let before = threads_now();
        fetch_all(&urls, 3);
        (before, threads_back_to(before, LIMIT / 5))
    });
    assert!(
        after <= before,
        "{} thread(s) more than before the call were still running a second \
         after fetch_all returned (in /proc/self/task).\n\
         hint: join every thread you start.",
        after - before
    );
}
