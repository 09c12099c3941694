//! The compiler errors the chapters show. Every
//! `lessons/NN-name/compile_fail/NAME.rs` (a whole program) is compiled with
//! the very command that wrote `NAME.stderr` beside it (`make
//! compile-fail-output`):
//!
//! ```console
//! $ cd lessons/NN-name/compile_fail
//! $ rustc --edition 2024 --crate-type bin --emit metadata --out-dir /tmp/cf NAME.rs 2> NAME.stderr
//! ```
//!
//! and must fail, printing that stderr exactly. A new compiler that words
//! an error differently fails this test: rerun the make target and read the
//! chapter again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::util;

/// How long one rustc run may take: a few hundred milliseconds alone, but
/// the tests build and run lessons on the same two cores.
const LIMIT: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `lessons/*/compile_fail/*.rs`, in order.
fn snippets() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for lesson in fs::read_dir(root().join("lessons")).expect("lessons/") {
        let folder = lesson.expect("an entry").path().join("compile_fail");
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A folder of its own for one rustc run's output, removed when dropped.
struct OutDir(PathBuf);

impl OutDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("lesson-tests-cf-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("a temporary folder");
        Self(path)
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Compiles one snippet as `make compile-fail-output` does; `Err` says how
/// it differs from what its chapter shows.
fn check(source: &Path) -> Result<(), String> {
    let folder = source.parent().expect("a compile_fail folder");
    let file = source.file_name().expect("a file name");
    let shown = source.with_extension("stderr");
    let expected = fs::read_to_string(&shown)
        .map_err(|err| format!("{}: {err}", shown.display()))?;
    let out = OutDir::new();
    let child = Command::new("rustc")
        .current_dir(folder)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--emit",
            "metadata",
        ])
        .arg("--out-dir")
        .arg(&out.0)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run rustc: {err}"))?;
    let output = util::wait_within(child, LIMIT)
        .ok_or_else(|| format!("{}: rustc took over {LIMIT:?}", source.display()))?;
    if output.status.success() {
        return Err(format!("{}: compiles, but should not", source.display()));
    }
    let got = String::from_utf8_lossy(&output.stderr);
    if got != expected {
        return Err(format!(
            "{}: rustc's stderr differs from {} (- shown, + now):\n{}",
            source.display(),
            shown.display(),
            diff(&expected, &got)
        ));
    }
    Ok(())
}

/// A line diff: `-` for lines only in `old`, `+` for lines only in `new`.
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    // common[i][j]: the longest common subsequence of a[i..] and b[j..];
    // on a tie the old line is shown first.
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < b.len()
            && (i == a.len() || common[i][j + 1] > common[i + 1][j])
        {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    if a == b {
        out.push_str(
            "(the lines agree: the line endings or the last newline differ)\n",
        );
    }
    out
}

#[test]
fn every_compile_fail_snippet_fails_with_the_error_its_chapter_shows() {
    let snippets = snippets();
    assert!(!snippets.is_empty(), "no lessons/*/compile_fail/*.rs found");
    let failures: Vec<String> =
        snippets.iter().filter_map(|s| check(s).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A chapter shows each snippet and its error through `{{#include}}`.
#[test]
fn every_compile_fail_snippet_and_its_error_are_in_a_chapter() {
    let mut book = String::new();
    for entry in fs::read_dir(root().join("docs/src")).expect("docs/src") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            book.push_str(&fs::read_to_string(&path).expect("a chapter"));
        }
    }
    for source in snippets() {
        let relative = source.strip_prefix(root()).expect("under the root");
        for file in [relative.to_path_buf(), relative.with_extension("stderr")] {
            let include = format!("{{{{#include ../../{}}}}}", file.display());
            assert!(book.contains(&include), "no chapter has {include}");
        }
    }
}

#[test]
fn the_diff_marks_what_changed() {
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
    assert!(diff("a\n", "a").contains("the last newline"));
}
