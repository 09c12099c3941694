//! The scraper's parse + count rate on large pages: lesson 06's
//! BeautifulSoup-compatible count against BeautifulSoup itself (with
//! html.parser, and lxml when installed), on the same pages, in
//! alternation; the counts must agree.
//!
//! The large pages are lesson 06's own site pages, each repeated to about
//! a megabyte, written under the target folder for the Python side to read.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use lesson_06_scraper::count::bytes_text_len;

use crate::Setup;
use crate::child;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure, Target};

/// About how large each page is made.
const PAGE_BYTES: usize = 1_000_000;

/// The rows: Rust's rate, BeautifulSoup's with each parser.
pub fn measure(setup: &Setup, quick: bool) -> Vec<Measure> {
    let (rust, python, lxml) = match run(setup, quick) {
        Ok(figures) => figures,
        Err(why) => (Err(why.clone()), Err(why.clone()), Err(why)),
    };
    let group = "parse + count, large pages (lesson 06)";
    vec![
        Measure::new(
            "scraper-rust",
            group,
            "lesson 06's count (html5ever's tokenizer)",
            Lang::Rust,
            Unit::MbPerSecond,
            rust,
        )
        .target(Target::TimesOther(10.0, "scraper-bs4")),
        Measure::new(
            "scraper-bs4",
            group,
            "BeautifulSoup, html.parser",
            Lang::Python,
            Unit::MbPerSecond,
            python,
        ),
        Measure::new(
            "scraper-lxml",
            group,
            "BeautifulSoup, lxml",
            Lang::Python,
            Unit::MbPerSecond,
            lxml,
        ),
    ]
}

type Figure = Result<Spread, String>;

fn run(setup: &Setup, quick: bool) -> Result<(Figure, Figure, Figure), String> {
    let pages = large_pages(setup, if quick { 20_000 } else { PAGE_BYTES })?;
    let bytes: Vec<Vec<u8>> = (pages.iter())
        .map(|p| {
            fs::read(p).map_err(|err| format!("cannot read {}: {err}", p.display()))
        })
        .collect::<Result<_, _>>()?;
    let counts: Vec<usize> = bytes.iter().map(|b| bytes_text_len(b)).collect();
    let repeat = if quick { 1 } else { 3 };
    let (mut rust, mut python, mut lxml) = (Vec::new(), Vec::new(), Vec::new());
    let mut python_err = None;
    for round in 1..=setup.counts.rounds.min(3) {
        let began = Instant::now();
        for _ in 0..repeat {
            for page in &bytes {
                black_box(bytes_text_len(black_box(page)));
            }
        }
        let total: usize = bytes.iter().map(Vec::len).sum::<usize>() * repeat;
        let rate = total as f64 / 1e6 / began.elapsed().as_secs_f64();
        crate::progress(&format!(
            "scraper round {round}: Rust: {}",
            Unit::MbPerSecond.show(rate)
        ));
        rust.push(rate);
        let Ok(python_bin) = &setup.python else {
            continue;
        };
        match python_round(setup, python_bin, &pages, repeat, &counts) {
            Ok((parser, with_lxml)) => {
                crate::progress(&format!(
                    "scraper round {round}: Python: {}",
                    Unit::MbPerSecond.show(parser)
                ));
                python.push(parser);
                lxml.extend(with_lxml);
            }
            Err(err) => {
                crate::progress(&format!("scraper round {round}: Python: {err}"));
                python_err = Some(err);
            }
        }
    }
    let why = match (&setup.python, python_err) {
        (Err(why), _) => why.clone(),
        (_, Some(err)) => err,
        _ => "no sample".to_owned(),
    };
    let spread = |samples: &[f64], why: &str| {
        Spread::of(samples).ok_or_else(|| why.to_owned())
    };
    let lxml_why = if python.is_empty() {
        why.clone()
    } else {
        "lxml is not installed: `make bench-venv`".to_owned()
    };
    Ok((
        spread(&rust, "no sample"),
        spread(&python, &why),
        spread(&lxml, &lxml_why),
    ))
}

/// Lesson 06's site pages, each repeated to about `size` bytes, written
/// beside the release binaries.
fn large_pages(setup: &Setup, size: usize) -> Result<Vec<PathBuf>, String> {
    let site =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/06-scraper/site");
    let out = setup.bin_dir.join("bench-pages");
    fs::create_dir_all(&out)
        .map_err(|err| format!("cannot create {}: {err}", out.display()))?;
    let mut entries: Vec<PathBuf> = fs::read_dir(&site)
        .map_err(|err| format!("cannot read {}: {err}", site.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    entries.sort();
    let mut pages = Vec::new();
    for page in entries {
        let text = fs::read(&page)
            .map_err(|err| format!("cannot read {}: {err}", page.display()))?;
        let path = out.join(page.file_name().unwrap_or_default());
        fs::write(&path, enlarge(&text, size))
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        pages.push(path);
    }
    if pages.is_empty() {
        return Err(format!("no pages in {}", site.display()));
    }
    Ok(pages)
}

/// One page of about `size` bytes: the body's content repeated inside one
/// document (a page of many documents would be no page a scraper meets).
fn enlarge(page: &[u8], size: usize) -> Vec<u8> {
    let find = |needle: &[u8], from: usize| {
        (page.get(from..)?.windows(needle.len()))
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|at| at + from)
    };
    let body = find(b"<body", 0)
        .and_then(|at| find(b">", at))
        .map(|at| at + 1);
    let (Some(start), Some(end)) = (body, find(b"</body", 0)) else {
        return page.repeat(size.div_ceil(page.len().max(1)));
    };
    let inner = &page[start..end.max(start)];
    let times = size.div_ceil(inner.len().max(1));
    [
        &page[..start],
        &inner.repeat(times),
        &page[end.max(start)..],
    ]
    .concat()
}

/// One round of parse_rate.py: html.parser's rate, and lxml's if there.
fn python_round(
    setup: &Setup,
    python: &Path,
    pages: &[PathBuf],
    repeat: usize,
    counts: &[usize],
) -> Result<(f64, Option<f64>), String> {
    let mut command = Command::new(python);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    command.arg(setup.python_dir.join("parse_rate.py"));
    command.args(["--repeat", &repeat.to_string()]).args(pages);
    let doc = child::json_report(&child::run(command, Duration::from_secs(600))?)?;
    let theirs: Vec<usize> = (doc["counts"].as_array().into_iter().flatten())
        .filter_map(|c| c.as_u64().map(|c| c as usize))
        .collect();
    if theirs != counts {
        return Err(format!(
            "the counts differ: BeautifulSoup {theirs:?}, lesson 06 {counts:?}"
        ));
    }
    let rate = doc["bs4-html-parser-mb-per-s"]
        .as_f64()
        .ok_or("parse_rate.py gave no rate")?;
    Ok((rate, doc["bs4-lxml-mb-per-s"].as_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_grows_by_its_body_inside_one_document() {
        let page = b"<html><head><title>t</title></head><BODY class=x><p>a</p></body></html>";
        let big = enlarge(page, 30);
        let text = String::from_utf8(big).expect("text");
        assert_eq!(text.matches("<p>a</p>").count(), 4, "{text}");
        assert_eq!(text.matches("<html>").count(), 1, "{text}");
        assert!(text.ends_with("</body></html>"), "{text}");
        // No body: the whole page, repeated.
        assert_eq!(enlarge(b"<p>a</p>", 16), b"<p>a</p><p>a</p>");
    }
}
