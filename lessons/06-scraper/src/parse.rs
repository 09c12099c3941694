//! A page parsed into the tree a browser builds (scraper's `Html`, from
//! html5ever), with a bound on how deeply its elements may nest.
//!
//! At many start tags html5ever's tree builder looks down its stack of
//! open elements (is a `<p>` open, and in which scope?), so its work per
//! tag grows with the nesting, and the whole parse with its square: a page
//! of 100 000 nested `<div>`s, half a megabyte, takes tens of seconds,
//! 200 000 take minutes. No real page nests that deep, and Chromium's own
//! parser nests no deeper than 512. So the page is fed to html5ever a
//! slice at a time, and the parse stops as soon as more than
//! [`MAX_DEPTH`] elements are open: the cost stays linear in the page.

use std::cell::Cell;

use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{Tracer, TreeSink};
use scraper::{Html, HtmlTreeSink};

/// The most elements a page may hold open, one inside another.
pub const MAX_DEPTH: usize = 512;

/// How much text html5ever gets between two looks at the depth. A tag
/// takes at least 3 bytes (`<a>`), so one slice opens at most about 170
/// elements: a page is refused by the time it nests about 680 deep, and a
/// look costs one step per open element, a small part of a slice's parse.
const SLICE: usize = 512;

/// Parses `html` as scraper's `Html::parse_document` does, or gives up,
/// with the reason, once more than [`MAX_DEPTH`] elements are open at the
/// end of a slice.
pub fn document(html: &str) -> Result<Html, String> {
    let sink = HtmlTreeSink::new(Html::new_document());
    let mut parser = driver::parse_document(sink, ParseOpts::default());
    let mut rest = html;
    while !rest.is_empty() {
        let (slice, after) = rest.split_at(rest.floor_char_boundary(SLICE));
        parser.process(StrTendril::from_slice(slice));
        let open = OpenElements::default();
        parser.tokenizer.sink.trace_handles(&open);
        if open.0.get() > MAX_DEPTH {
            return Err(format!(
                "too deeply nested: more than {MAX_DEPTH} elements inside one \
                 another"
            ));
        }
        rest = after;
    }
    Ok(parser.finish())
}

/// Counts what html5ever's tree builder holds: the document, its stack of
/// open elements, and the formatting elements (`<b>`, `<a>`...) it may
/// reopen. Its `trace_handles` lists them, for garbage-collected trees;
/// here the count is what matters.
#[derive(Default)]
struct OpenElements(Cell<usize>);

impl Tracer for OpenElements {
    type Handle = <HtmlTreeSink as TreeSink>::Handle;

    fn trace_handle(&self, _: &Self::Handle) {
        self.0.set(self.0.get() + 1);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    use super::*;
    use crate::site::PAGES;

    fn nested(tag: &str, depth: usize) -> String {
        format!(
            "<html><body>{}x{}</body></html>",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn gives_the_tree_scraper_gives() {
        // The site's pages, and one where many slices end inside a tag,
        // a reference or a multi-byte character.
        let long = "<p class=\"a\">caf&eacute; – 線程</p>\n".repeat(2_000);
        let pages = PAGES.iter().map(|(_, page)| page.to_string());
        for page in pages.chain([format!("<html><body>{long}</body></html>")]) {
            let ours = document(&page).expect("parsed");
            assert_eq!(ours.html(), Html::parse_document(&page).html());
        }
    }

    #[test]
    fn a_page_nested_below_the_bound_parses() {
        let page = nested("div", 400);
        let tree = document(&page).expect("400 deep is fine");
        assert_eq!(tree.html(), Html::parse_document(&page).html());
    }

    #[test]
    fn a_page_nested_past_the_bound_is_refused() {
        // Past MAX_DEPTH plus what one slice can open.
        let err = document(&nested("div", 700)).expect_err("700 deep");
        assert!(err.starts_with("too deeply nested"), "{err}");
    }

    #[test]
    fn a_very_deep_page_is_refused_at_once() {
        // 200 000 nested divs: minutes for html5ever alone. Every slice is
        // looked at, so the parse stops within its first few slices. On a
        // thread of its own, so that a parse that does not stop fails the
        // test in seconds rather than running for minutes.
        let page = nested("div", 200_000);
        let (done, refused) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(document(&page).is_err());
        });
        assert_eq!(refused.recv_timeout(Duration::from_secs(5)), Ok(true));
    }

    #[test]
    fn formatting_elements_count_too() {
        // html5ever keeps every one of these open, and reopens some.
        let page = format!("<p>{}x</p>", "<b><i><u><s>".repeat(200));
        // 800 of them open at once.
        assert!(document(&page).is_err());
    }
}
