//! What the collector does with each fetch that is over: prints its line,
//! or reports its failure, and keeps the page's facts for `--json`.

use lesson_06_scraper::fetch::shown;
use lesson_kit::say;
use reqwest::Url;
use serde_json::{Value, json};

use crate::Fetched;

/// Prints a fetch's line (or reports its failure with `lesson_kit::fail`,
/// which makes the exit status 1), and returns the page's JSON.
pub fn fetched(fetched: Fetched, links: bool) -> Option<Value> {
    let Fetched { url, took, result } = fetched;
    let page = match result {
        Ok(page) => page,
        Err(why) => {
            lesson_kit::fail(format!("{url}: {why}"));
            return None;
        }
    };
    say!("Fetched {} characters from {url}", page.chars);
    if let Some(declared) = &page.declared_but_invalid {
        lesson_kit::warn(format!(
            "{url}: declares charset {declared} but is not valid in it; \
             decoded as {}, as BeautifulSoup does",
            page.encoding
        ));
    }
    // A link may carry a password too: shown without it, as the URLs are.
    let links_shown: Vec<String> = page.links.iter().map(|l| shown(l)).collect();
    if links {
        for link in &links_shown {
            say!("  link: {link}");
        }
    }
    Some(json!({
        "url": url, "chars": page.chars, "bytes": page.bytes,
        "encoding": page.encoding, "title": page.title, "links": links_shown,
        "ms": took.as_secs_f64() * 1000.0,
    }))
}

/// A short name for a page, for its bar in the timeline: the last part of
/// its path (`pools.html`), or its host for a site's front page.
pub fn page_name(url: &str) -> String {
    let Ok(url) = Url::parse(url) else {
        return url.to_owned();
    };
    let last = url
        .path_segments()
        .and_then(|mut parts| parts.rfind(|part| !part.is_empty()));
    match (last, url.host_str()) {
        (Some(last), _) => last.to_owned(),
        (None, Some(host)) => host.to_owned(),
        (None, None) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_named_by_its_last_part_or_its_host() {
        assert_eq!(page_name("http://127.0.0.1:8/a/pools.html"), "pools.html");
        assert_eq!(page_name("http://127.0.0.1:8/a/"), "a");
        assert_eq!(page_name("https://www.rust-lang.org/"), "www.rust-lang.org");
        assert_eq!(page_name("https://www.rust-lang.org"), "www.rust-lang.org");
    }
}
