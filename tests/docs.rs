//! The book against the code: every `{{#include}}` names a file and an
//! anchor that exist, and every lesson's `output.txt` (the run its chapter
//! shows) still has the lines the lesson prints today.

use std::fs;
use std::path::{Path, PathBuf};

use crate::procs::normalise_pids;
use crate::util::{self, Report, bin};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every chapter of the book (`docs/src/*.md`), with its text.
fn chapters() -> Vec<(PathBuf, String)> {
    let src = root().join("docs/src");
    let mut found = Vec::new();
    for entry in fs::read_dir(&src).expect("docs/src") {
        let chapter = entry.expect("an entry").path();
        if chapter.extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(&chapter).expect("a chapter");
            found.push((chapter, text));
        }
    }
    found
}

/// Every `{{#include path}}` or `{{#include path:anchor}}` in `text`.
fn includes_in(text: &str) -> Vec<(String, Option<String>)> {
    let pieces = text.split("{{#include ").skip(1);
    pieces
        .map(|piece| {
            let target = piece.split("}}").next().unwrap_or_default().trim();
            match target.split_once(':') {
                Some((path, anchor)) => (path.to_owned(), Some(anchor.to_owned())),
                None => (target.to_owned(), None),
            }
        })
        .collect()
}

/// Every include in the book, with the chapter it is in.
fn includes() -> Vec<(PathBuf, String, Option<String>)> {
    let mut found = Vec::new();
    for (chapter, text) in chapters() {
        for (path, anchor) in includes_in(&text) {
            found.push((chapter.clone(), path, anchor));
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
/// blank line (the summary follows it). Lines indented by two spaces are
/// figures the lesson showed under its lines (`lesson_kit::show`), which
/// differ from run to run and are not among its JSON `lines`.
fn recorded_lines(text: &str) -> (String, Vec<String>) {
    let mut lines = text.lines();
    let command = lines.next().unwrap_or_default().to_owned();
    let body = lines
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("  "))
        .map(str::to_owned)
        .collect();
    (command, body)
}

/// Every run a chapter shows: `lessons/NN-name/output*.txt`.
fn chapter_runs() -> Vec<(String, PathBuf)> {
    let mut runs = Vec::new();
    for entry in fs::read_dir(root().join("lessons")).expect("lessons/") {
        let folder = entry.expect("an entry").path();
        let name = folder.file_name().and_then(|n| n.to_str()).expect("a name");
        let package = format!("lesson-{name}");
        for file in fs::read_dir(&folder).expect("a lesson folder") {
            let path = file.expect("an entry").path();
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if file_name.starts_with("output") && file_name.ends_with(".txt") {
                runs.push((package.clone(), path));
            }
        }
    }
    runs
}

#[test]
fn every_chapter_run_matches_what_its_lesson_prints_now() {
    let runs = chapter_runs();
    assert!(runs.len() >= 4, "chapter runs found: {runs:?}");
    for (package, path) in runs {
        let text = fs::read_to_string(&path).expect("a chapter run");
        let (command, recorded) = recorded_lines(&text);
        // The command as a learner types it, with the lesson's own arguments.
        let prefix = format!("$ cargo run -p {package}");
        let args = command.strip_prefix(&prefix).unwrap_or_else(|| {
            panic!(
                "{}: starts with {command:?}, not {prefix:?}",
                path.display()
            )
        });
        let args = args.strip_prefix(" --").unwrap_or(args);
        let args: Vec<&str> = args.split_whitespace().collect();
        let mut all = vec!["--json", "--time-scale", "0.02"];
        all.extend(&args);
        let run = util::run(&bin(&package), &all);
        assert_eq!(
            run.code,
            Some(recorded_status(&text)),
            "{}: {all:?}: {}",
            path.display(),
            run.stderr
        );
        let report = Report::parse(&run.stdout);
        check_recorded_summary(&path, &text, &report, 0.02);
        let now: Vec<String> = report.lines().iter().map(|l| normalise(l)).collect();
        // The file holds stderr too (a crash report, say): those lines begin
        // with the lesson's name and are not the lesson's own lines.
        let own = format!("{package}: ");
        let recorded: Vec<String> = recorded
            .into_iter()
            .filter(|l| !l.starts_with(&own))
            .collect();
        // One worker prints in a fixed order; threads and processes may
        // interleave differently from run to run, and the order within each
        // worker is each lesson's own test's business.
        if report.by_worker().len() == 1 {
            util::assert_lines_eq(&now, &recorded);
        } else {
            util::assert_same_lines(&now, &recorded);
        }
    }
}

/// A chapter run shows a learner's run, not the machine it was made on:
/// the repository's path is `<repo>` (docs-output.sh writes it so), and no
/// other absolute path leads into a build folder.
#[test]
fn chapter_runs_show_no_path_of_the_machine_that_made_them() {
    for (_, path) in chapter_runs() {
        let text = fs::read_to_string(&path).expect("a chapter run");
        let built = text.split_whitespace().find(|word| {
            word.starts_with('/')
                && (word.contains("/target/debug/")
                    || word.contains("/target/release/"))
        });
        assert_eq!(
            built,
            None,
            "{}: write it with make docs-output",
            path.display()
        );
    }
}

/// A panic that a chapter run shows names the source line it came from.
/// A comment added above that line moves it, and the saved run, whose
/// stderr lines the test above leaves out, would send the reader to the
/// wrong line: the named line must still be the one that panics.
#[test]
fn every_panic_in_a_chapter_run_names_the_line_that_panics() {
    let mut panics = 0;
    for (_, path) in chapter_runs() {
        let text = fs::read_to_string(&path).expect("a chapter run");
        for line in text.lines() {
            // `... panicked at lessons/03-threadpool/src/main.rs:46:9: ...`
            let Some((_, place)) = line.split_once(" panicked at ") else {
                continue;
            };
            let mut parts = place.splitn(3, ':');
            let (file, number) = (parts.next(), parts.next());
            let (Some(file), Some(Ok(number))) =
                (file, number.map(str::parse::<usize>))
            else {
                panic!("{}: no file and line in {line:?}", path.display());
            };
            let source = fs::read_to_string(root().join(file))
                .unwrap_or_else(|err| panic!("{}: {file}: {err}", path.display()));
            let named = source.lines().nth(number.saturating_sub(1)).unwrap_or("");
            assert!(
                named.contains("panic!("),
                "{}: {line:?} names line {number} of {file}, which is {named:?}: \
                 run `make docs-output` again",
                path.display()
            );
            panics += 1;
        }
    }
    assert!(panics >= 1, "no chapter run shows a panic's place");
}

/// A line as `docs-output.sh` writes it: PIDs and ephemeral ports hidden.
fn normalise(line: &str) -> String {
    let mut out = normalise_pids(line);
    let host = "127.0.0.1:";
    let mut from = 0;
    while let Some(at) = out[from..].find(host).map(|i| i + from + host.len()) {
        let digits = out[at..].chars().take_while(char::is_ascii_digit).count();
        if digits == 5 {
            out.replace_range(at..at + 5, "<port>");
        }
        from = at;
    }
    out
}

#[test]
fn chapter_runs_hide_pids_and_ephemeral_ports_only() {
    assert_eq!(
        normalise(
            "pid 4242 fetched http://127.0.0.1:47806/a and http://127.0.0.1:9/"
        ),
        "pid <pid> fetched http://127.0.0.1:<port>/a and http://127.0.0.1:9/"
    );
}

/// The exit status a chapter run shows: `[exit status N]` at its end, or 0.
fn recorded_status(text: &str) -> i32 {
    text.lines()
        .rev()
        .find_map(|l| {
            l.strip_prefix("[exit status ")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// A figure of the recorded summary in seconds (`elapsed   1.23 s`,
/// `ideal   600 ms   the busiest...`), or a speedup (`speedup  1.80x`).
/// Only the summary's own lines count: an elapsed line ends at its unit,
/// ideal and sequential lines say what they are.
fn figure(text: &str, name: &str) -> Option<f64> {
    let line = text.lines().find(|l| {
        l.starts_with(name)
            && match name {
                "elapsed" => l.split_whitespace().count() == 3,
                "ideal" => l.contains("the busiest"),
                "sequential" => l.contains("every sleep"),
                _ => true,
            }
    })?;
    let mut words = line[name.len()..].split_whitespace();
    let value = words.next()?;
    if let Some(speedup) = value.strip_suffix('x') {
        return speedup.parse().ok();
    }
    let value: f64 = value.parse().ok()?;
    match words.next()? {
        "s" => Some(value),
        "ms" => Some(value / 1e3),
        _ => None,
    }
}

/// The summary a chapter run shows must agree with the lesson's plan now
/// (ideal and sequential, to the 10 ms it is rounded to, and none where
/// the plan has none) and with itself
/// (the speedup is sequential over elapsed; the ideal speedup, sequential
/// over ideal), so that a figure edited by hand or left stale fails.
fn check_recorded_summary(path: &Path, text: &str, now: &Report, scale: f64) {
    let at_full_time =
        |field: &str| now.doc[field].as_f64().map(|ms| ms / scale / 1e3);
    let (ideal, sequential) = (figure(text, "ideal"), figure(text, "sequential"));
    for (name, recorded, planned) in [
        ("ideal", ideal, at_full_time("ideal_ms")),
        ("sequential", sequential, at_full_time("sequential_ms")),
    ] {
        match (recorded, planned) {
            (Some(recorded), Some(planned)) => assert!(
                (recorded - planned).abs() < 0.0051,
                "{}: {name} {recorded} s, the plan says {planned:.2} s",
                path.display()
            ),
            // A figure the plan no longer gives (it has no meaning there).
            (Some(recorded), None) => panic!(
                "{}: shows {name} {recorded} s, but the plan has no {name} time: \
                 run `make docs-output` again",
                path.display()
            ),
            _ => {}
        }
    }
    let (Some(speedup), Some(elapsed), Some(sequential)) =
        (figure(text, "speedup"), figure(text, "elapsed"), sequential)
    else {
        return;
    };
    // Elapsed is rounded to 10 ms, the speedup to 0.01.
    let expected = sequential / elapsed;
    let slack = 0.006 + expected * 0.006 / elapsed;
    assert!(
        (speedup - expected).abs() < slack,
        "{}: speedup {speedup}x, but sequential / elapsed = {expected:.3}",
        path.display()
    );
    if let (Some(ideal), Some(line)) =
        (ideal, text.lines().find(|l| l.starts_with("speedup")))
    {
        let best = line.split("(ideal ").nth(1).and_then(|b| {
            b.trim_end_matches(")")
                .trim_end_matches('x')
                .parse::<f64>()
                .ok()
        });
        if let Some(best) = best {
            assert!(
                (best - sequential / ideal).abs() < 0.006,
                "{}: ideal speedup {best}x, but sequential / ideal = {:.3}",
                path.display(),
                sequential / ideal
            );
        }
    }
}

#[test]
fn chapters_say_what_is_and_chapter_06_stays_short() {
    // The course's own history belongs to bench/README.md, not the book.
    let history = [
        "earlier build",
        "before these changes",
        "did not at first",
        "an earlier version",
    ];
    for (chapter, text) in chapters() {
        let text = text.to_lowercase();
        for words in history {
            assert!(!text.contains(words), "{}: \"{words}\"", chapter.display());
        }
    }
    // Chapter 06 teaches threads; the count's details are an appendix.
    let lines = fs::read_to_string(root().join("docs/src/06-scraper.md"))
        .expect("chapter 06")
        .lines()
        .count();
    assert!(lines < 200, "chapter 06 has {lines} lines");
}

/// mdBook's id for a heading: lower case, spaces to '-', and only letters,
/// digits, '-' and '_' kept.
fn heading_id(heading: &str) -> String {
    let mut id = String::new();
    for c in heading.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            id.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            id.push('-');
        }
    }
    id
}

/// The ids a chapter defines: its headings' and every `id="..."` in it or
/// in a Markdown file it includes (the Measured tables).
fn ids_of(chapter: &Path) -> Vec<String> {
    let text = fs::read_to_string(chapter).unwrap_or_default();
    let mut texts = vec![text.clone()];
    for (path, _) in includes_in(&text) {
        if path.ends_with(".md") {
            let dir = chapter.parent().expect("docs/src");
            texts.push(fs::read_to_string(dir.join(path)).unwrap_or_default());
        }
    }
    let mut ids = Vec::new();
    for text in &texts {
        let headings = text.lines().filter_map(|l| l.strip_prefix('#'));
        ids.extend(headings.map(|h| heading_id(h.trim_start_matches('#'))));
        for piece in text.split("id=\"").skip(1) {
            ids.push(piece.split('"').next().unwrap_or_default().to_owned());
        }
    }
    ids
}

#[test]
fn every_link_to_a_place_in_a_chapter_finds_it() {
    // mdbook-linkcheck checks the files, not the #places in them.
    let src = root().join("docs/src");
    let mut missing = Vec::new();
    for (chapter, text) in chapters() {
        for piece in text.split("](").skip(1) {
            let link = piece.split(')').next().unwrap_or_default();
            let Some((file, place)) = link.split_once('#') else {
                continue;
            };
            if file.contains("://") || !(file.is_empty() || file.ends_with(".md")) {
                continue;
            }
            let target = if file.is_empty() {
                chapter.clone()
            } else {
                src.join(file)
            };
            if !ids_of(&target).iter().any(|id| id == place) {
                let name = chapter.file_name().unwrap_or_default().to_string_lossy();
                missing.push(format!("{name}: {link}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "links to no such place:\n{}",
        missing.join("\n")
    );
}

#[test]
fn heading_ids_are_made_as_mdbook_makes_them() {
    assert_eq!(heading_id(" What to take away"), "what-to-take-away");
    assert_eq!(
        heading_id(" `Mutex` and `Condvar`: a queue"),
        "mutex-and-condvar-a-queue"
    );
}
