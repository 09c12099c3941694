//! The book against the code: every `{{#include}}` names a file and an
//! anchor that exist, and every lesson's `output.txt` (the run its chapter
//! shows) still has the lines the lesson prints today.

use std::fs;
use std::path::{Path, PathBuf};

use crate::procs::normalise_pids;
use crate::util::{self, bin};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `{{#include path}}` or `{{#include path:anchor}}` in the book.
fn includes() -> Vec<(PathBuf, String, Option<String>)> {
    let src = root().join("docs/src");
    let mut found = Vec::new();
    for entry in fs::read_dir(&src).expect("docs/src") {
        let chapter = entry.expect("an entry").path();
        if chapter.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs::read_to_string(&chapter).expect("a chapter");
        for piece in text.split("{{#include ").skip(1) {
            let target = piece.split("}}").next().unwrap_or_default().trim();
            let (path, anchor) = match target.split_once(':') {
                Some((path, anchor)) => (path, Some(anchor.to_owned())),
                None => (target, None),
            };
            found.push((chapter.clone(), path.to_owned(), anchor));
        }
    }
    found
}

#[test]
fn every_include_names_a_real_file_and_anchor() {
    let includes = includes();
    assert!(
        includes.len() >= 8,
        "expected the chapters' includes, found {includes:?}"
    );
    for (chapter, path, anchor) in includes {
        let file = chapter.parent().expect("docs/src").join(&path);
        let text = fs::read_to_string(&file).unwrap_or_else(|err| {
            panic!("{}: cannot read {path}: {err}", chapter.display())
        });
        if let Some(anchor) = anchor {
            let start = format!("ANCHOR: {anchor}\n");
            let end = format!("ANCHOR_END: {anchor}\n");
            assert!(
                text.contains(&start) && text.contains(&end),
                "{}: {path} has no anchor {anchor}",
                chapter.display()
            );
        }
    }
}

/// The lesson lines of an output.txt: after the command, up to the first
/// blank line (the summary follows it).
fn recorded_lines(text: &str) -> (String, Vec<String>) {
    let mut lines = text.lines();
    let command = lines.next().unwrap_or_default().to_owned();
    let body = lines
        .take_while(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    (command, body)
}

#[test]
fn every_chapter_run_matches_what_its_lesson_prints_now() {
    let mut checked = 0;
    for entry in fs::read_dir(root().join("lessons")).expect("lessons/") {
        let folder = entry.expect("an entry").path();
        let Ok(text) = fs::read_to_string(folder.join("output.txt")) else {
            continue;
        };
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a folder name");
        let package = format!("lesson-{name}");
        let (command, recorded) = recorded_lines(&text);
        assert_eq!(
            command,
            format!("$ cargo run -p {package}"),
            "{name}/output.txt"
        );
        let report = util::report(&bin(&package), &["--time-scale", "0.02"], 0);
        let now: Vec<String> =
            report.lines().iter().map(|l| normalise_pids(l)).collect();
        // Threads and processes may interleave differently from run to run;
        // the order within each worker is each lesson's own test's business.
        util::assert_same_lines(&now, &recorded);
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} output.txt files found");
}
