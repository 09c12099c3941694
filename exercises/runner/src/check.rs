//! `make check-exercises`: proves that every exercise works as a learner
//! meets it, and that its tests cannot be fooled:
//!
//! - its files are where every tool looks, marked for what they are, and
//!   the book links it (its chapter's "Exercises" section, the exercises
//!   page);
//! - the code is formatted, and clippy-clean (the stubs and tests as
//!   shipped, the solutions);
//! - the stub compiles and fails its tests, the reference solution passes
//!   them, and every wrong solution (`wrong/*.rs`) compiles and fails them.
//!
//! The learner's files are never edited: each stub, solution and wrong
//! solution goes in a copy of its crate, under the target folder
//! (`exercise-check/variants/`), in a workspace of copies that one cargo
//! command builds, with the exercises' own Cargo.lock.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cargo::{self, Built, Errors};
use crate::catalog::{Catalog, Exercise, Kind};
use crate::testrun::{self, Outcome, Until, Verdict};
use crate::{Stop, failed, say};

/// One version of an exercise's `src/lib.rs`.
struct Variant<'a> {
    exercise: &'a Exercise,
    /// "stub", "solution" or "wrong/NAME.rs".
    label: String,
    /// The file that becomes `src/lib.rs` in the copy.
    source: PathBuf,
    /// The copy's folder (and the package's name in it).
    dir: PathBuf,
    package: String,
}

impl Variant<'_> {
    /// What its tests must say.
    fn must_pass(&self) -> bool {
        self.label == "solution"
    }
}

/// Checks the exercises whose names begin with one of `wanted` (all of
/// them if `wanted` is empty): `check 03` checks lesson 03's.
pub fn check(catalog: &Catalog, wanted: &[&str]) -> Result<(), Stop> {
    let began = Instant::now();
    let exercises = select(catalog, wanted)?;
    let mut problems = Vec::new();
    for exercise in &exercises {
        layout(catalog, exercise, &mut problems);
    }
    if !problems.is_empty() {
        report(&problems, began);
        return Ok(());
    }
    let variants = variants(catalog, &exercises)?;
    let step = |what: &str| say!("== {what} (at {} s)", began.elapsed().as_secs());

    step("formatting and clippy");
    lint(catalog, &variants, &mut problems)?;

    step("the runner's and the tests' helpers' own tests");
    let own = [
        "test",
        "--quiet",
        "--locked",
        "-p",
        "exercise-runner",
        "-p",
        "exercise-support",
    ];
    run_step(catalog, &catalog.root, &own, &mut problems)?;

    step("every stub, solution and wrong solution, each in a copy of its crate");
    let built = build(catalog, &variants, &mut problems)?;

    step("their tests");
    let mut current = "";
    for variant in &variants {
        if variant.exercise.name != current {
            current = &variant.exercise.name;
            say!("{current}");
        }
        judge(variant, &built, &mut problems)?;
    }
    report(&problems, began);
    Ok(())
}

/// The exercises whose names begin with one of `wanted`, or all of them.
fn select<'a>(
    catalog: &'a Catalog,
    wanted: &[&str],
) -> Result<Vec<&'a Exercise>, Stop> {
    for name in wanted {
        if !catalog.exercises.iter().any(|e| e.name.starts_with(name)) {
            // Its message lists the exercises there are.
            catalog.find(name).map_err(Stop::Usage)?;
        }
    }
    let chosen = |e: &&Exercise| {
        wanted.is_empty() || wanted.iter().any(|w| e.name.starts_with(w))
    };
    let exercises: Vec<&Exercise> =
        catalog.exercises.iter().filter(chosen).collect();
    if exercises.is_empty() {
        let root = catalog.root.display();
        return Err(Stop::Failed(format!("no exercises found in {root}")));
    }
    Ok(exercises)
}

/// Formatting (cargo fmt for the workspace, rustfmt for the solutions and
/// wrong solutions, which no crate includes), and clippy with warnings
/// denied: the workspace (stubs and tests as shipped, support, runner).
/// The solutions are linted in their copies (see `build`).
fn lint(
    catalog: &Catalog,
    variants: &[Variant],
    problems: &mut Vec<String>,
) -> Result<(), Stop> {
    run_step(
        catalog,
        &catalog.root,
        &["fmt", "--all", "--check"],
        problems,
    )?;
    let mut rustfmt = vec!["--check", "--edition", "2024"];
    let loose: Vec<String> = variants
        .iter()
        .filter(|v| v.label != "stub")
        .map(|v| v.source.display().to_string())
        .collect();
    rustfmt.extend(loose.iter().map(String::as_str));
    run_program(catalog, "rustfmt", &catalog.root, &rustfmt, problems)?;
    let clippy = "clippy --quiet --locked --workspace --all-targets -- -D warnings";
    let clippy: Vec<&str> = clippy.split(' ').collect();
    run_step(catalog, &catalog.root, &clippy, problems)?;
    Ok(())
}

/// Writes the copies, lints the solutions' copies, and builds the tests of
/// `variants` in one cargo command.
fn build(
    catalog: &Catalog,
    variants: &[Variant],
    problems: &mut Vec<String>,
) -> Result<Built, Stop> {
    // Every exercise's copies are kept, the ones not checked now as well,
    // so that the next check finds them built.
    let all: Vec<&Exercise> = catalog.exercises.iter().collect();
    let copies = write_copies(catalog, &self::variants(catalog, &all)?)?;
    // --offline from here: the copies use the exercises' Cargo.lock, whose
    // crates this fetches, and cargo adds the copies to it, nothing more.
    run_step(
        catalog,
        &catalog.root,
        &["fetch", "--quiet", "--locked"],
        problems,
    )?;
    let mut clippy = vec!["clippy", "--quiet", "--offline", "--lib"];
    for variant in variants.iter().filter(|v| v.must_pass()) {
        clippy.extend(["-p", variant.package.as_str()]);
    }
    clippy.extend(["--", "-D", "warnings"]);
    run_step(catalog, &copies, &clippy, problems)?;
    let mut build = vec!["--offline"];
    for variant in variants {
        build.extend(["-p", variant.package.as_str()]);
    }
    let shown = catalog.shown(&copies);
    say!("$ cargo build --tests --offline -p ... (each copy, in {shown})");
    Ok(cargo::build_tests(
        &copies,
        &catalog.target,
        &build,
        Errors::Shown,
    )?)
}

/// Says what went wrong, if anything, and how long the check took.
fn report(problems: &[String], began: Instant) {
    let took = began.elapsed().as_secs();
    say!("");
    if problems.is_empty() {
        say!("check-exercises: every check passed ({took} s)");
    } else {
        failed();
        say!("check-exercises: {} problem(s) ({took} s):", problems.len());
        for problem in problems {
            say!("  - {problem}");
        }
    }
}

/// The files every tool looks for, marked for what they are, and the book's
/// links to the exercise.
fn layout(catalog: &Catalog, exercise: &Exercise, problems: &mut Vec<String>) {
    let name = &exercise.name;
    let mut problem = |what: String| problems.push(format!("{name}: {what}"));
    let dir = &exercise.dir;
    match fs::read_to_string(dir.join("src/lib.rs")) {
        Err(_) => problem("no stub in src/lib.rs".into()),
        Ok(stub) if exercise.kind == Kind::Write && !stub.contains("todo!(") => {
            problem(
                "the stub (src/lib.rs) has no todo!() where the learner's code goes"
                    .into(),
            );
        }
        Ok(_) => {}
    }
    match fs::read_to_string(dir.join("solution.rs")) {
        Err(_) => problem("no reference solution in solution.rs".into()),
        Ok(text) if !first_line(&text).contains("SOLUTION") => {
            problem("solution.rs must say SOLUTION on its first line".into());
        }
        Ok(_) => {}
    }
    if rust_files(&dir.join("tests")).is_empty() {
        problem("no tests in tests/".into());
    }
    let wrong = rust_files(&dir.join("wrong"));
    if wrong.is_empty() {
        problem("no wrong solution in wrong/*.rs".into());
    }
    for file in wrong {
        let text = fs::read_to_string(&file).unwrap_or_default();
        if !first_line(&text).contains("WRONG") {
            let file = catalog.shown(&file);
            problem(format!("{file} must say WRONG on its first line"));
        }
    }
    // The book: the chapter's closing "Exercises" section links the
    // exercise's heading on the exercises page (mdbook-linkcheck does not
    // check a link's #fragment).
    let link = format!("(exercises.md#{name})");
    let chapter = catalog.chapter_file(exercise);
    match fs::read_to_string(&chapter) {
        Err(_) => problem(format!(
            "its chapter {} does not exist",
            catalog.shown(&chapter)
        )),
        Ok(text) => {
            let section = text.rsplit("\n## Exercises\n").next().unwrap_or_default();
            if !text.contains("\n## Exercises\n") || !section.contains(&link) {
                let chapter = catalog.shown(&chapter);
                problem(format!(
                    "{chapter} ends with no \"## Exercises\" section linking {link}"
                ));
            }
        }
    }
    let page = catalog.course().join("docs/src/exercises.md");
    let heading = format!("\n### {name}\n");
    if !fs::read_to_string(&page).is_ok_and(|text| text.contains(&heading)) {
        problem(format!(
            "{} has no heading `### {name}`",
            catalog.shown(&page)
        ));
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The `.rs` files of a folder, sorted; none if it does not exist.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The stub, the solution and each wrong solution of every exercise.
fn variants<'a>(
    catalog: &Catalog,
    exercises: &[&'a Exercise],
) -> Result<Vec<Variant<'a>>, String> {
    let copies = copies_dir(catalog).join("variants");
    let mut variants = Vec::new();
    for &exercise in exercises {
        let dir = &exercise.dir;
        let mut sources = vec![
            ("stub".to_owned(), dir.join("src/lib.rs")),
            ("solution".to_owned(), dir.join("solution.rs")),
        ];
        for file in rust_files(&dir.join("wrong")) {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            sources.push((format!("wrong/{name}"), file.clone()));
        }
        for (label, source) in sources {
            let suffix = label.trim_end_matches(".rs").replace(['/', '_'], "-");
            variants.push(Variant {
                exercise,
                dir: copies.join(format!("{}--{suffix}", exercise.name)),
                package: format!("{}--{suffix}", exercise.package),
                label,
                source,
            });
        }
    }
    Ok(variants)
}

fn copies_dir(catalog: &Catalog) -> PathBuf {
    catalog.target.join("exercise-check")
}

/// Writes the workspace of copies, and returns its folder. A file whose
/// content is already there is left alone, so that cargo rebuilds only the
/// copies that changed since the last check.
fn write_copies(catalog: &Catalog, variants: &[Variant]) -> Result<PathBuf, String> {
    let copies = copies_dir(catalog);
    let read = |path: &Path| {
        fs::read(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))
    };
    // The exercises' workspace, with the copies as its members, and the
    // tests' support crate where it is. (A copy of it at the same place in
    // its workspace, `support`, would share its build's file names in the
    // target folder with the original's, and the two builds would
    // overwrite each other.)
    let manifest = String::from_utf8_lossy(&read(&catalog.root.join("Cargo.toml"))?)
        .into_owned();
    let line = |start: &str| {
        let found = manifest.lines().find(|line| line.starts_with(start));
        found.ok_or(format!("exercises/Cargo.toml has no line `{start}...`"))
    };
    let support = catalog.root.join("support").display().to_string();
    let workspace = manifest
        .replace(line("members = ")?, r#"members = ["variants/*"]"#)
        .replace(
            line("exercise-support = ")?,
            &format!("exercise-support = {{ path = {support:?} }}"),
        );
    let mut files = BTreeMap::new();
    files.insert(copies.join("Cargo.toml"), workspace.into_bytes());
    files.insert(
        copies.join("Cargo.lock"),
        read(&catalog.root.join("Cargo.lock"))?,
    );
    for variant in variants {
        let exercise = variant.exercise;
        let crate_files = files_of(&exercise.dir)?;
        for (path, content) in crate_files {
            let relative = path.strip_prefix(&exercise.dir).unwrap_or(&path);
            files.insert(variant.dir.join(relative), content);
        }
        files.insert(variant.dir.join("src/lib.rs"), read(&variant.source)?);
        let manifest =
            String::from_utf8_lossy(&read(&exercise.dir.join("Cargo.toml"))?)
                .into_owned();
        let name = format!("name = \"{}\"", exercise.package);
        if !manifest.contains(&name) {
            return Err(format!("{}/Cargo.toml has no line {name}", exercise.name));
        }
        let renamed =
            manifest.replacen(&name, &format!("name = \"{}\"", variant.package), 1);
        files.insert(variant.dir.join("Cargo.toml"), renamed.into_bytes());
    }
    // Whatever is there and should not be: the copies of variants that are
    // gone, and files gone from a variant.
    let gone = |err: std::io::Error| format!("cannot remove a stale copy: {err}");
    for entry in fs::read_dir(copies.join("variants")).into_iter().flatten() {
        let dir = entry.map_err(gone)?.path();
        if !variants.iter().any(|variant| variant.dir == dir) {
            fs::remove_dir_all(&dir).map_err(gone)?;
        }
    }
    for stale in files_of(&copies)?
        .into_keys()
        .filter(|path| !files.contains_key(path))
    {
        fs::remove_file(&stale).map_err(gone)?;
    }
    for (path, content) in &files {
        if fs::read(path).is_ok_and(|there| there == *content) {
            continue;
        }
        let write = |path: &Path| -> std::io::Result<()> {
            fs::create_dir_all(path.parent().unwrap_or(path))?;
            fs::write(path, content)
        };
        write(path)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    Ok(copies)
}

/// Every file under `dir` with its content, but for an exercise's
/// reference and wrong solutions (a copy has one of them as its
/// src/lib.rs) and build output. None if `dir` does not exist.
fn files_of(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(files);
    };
    let io = |err: std::io::Error| format!("cannot read {}: {err}", dir.display());
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if ["solution.rs", "wrong", "target"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let path = entry.path();
        if entry.file_type().map_err(io)?.is_dir() {
            files.extend(files_of(&path)?);
        } else {
            files.insert(path.clone(), fs::read(&path).map_err(io)?);
        }
    }
    Ok(files)
}

/// Runs `cargo ARGS` in `dir`, showing the command; a failure is a problem.
fn run_step(
    catalog: &Catalog,
    dir: &Path,
    args: &[&str],
    problems: &mut Vec<String>,
) -> Result<(), String> {
    run_program(catalog, "cargo", dir, args, problems)
}

/// Runs `program ARGS` in `dir` with the exercises' target folder (the
/// copies' folder is outside exercises/, whose .cargo/config.toml says it).
fn run_program(
    catalog: &Catalog,
    program: &str,
    dir: &Path,
    args: &[&str],
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let shown = format!("{program} {}", args.join(" "));
    say!("$ {shown}");
    let executable = match program {
        "cargo" => cargo::program(),
        other => other.into(),
    };
    let status = Command::new(executable)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &catalog.target)
        .env("CARGO_INCREMENTAL", "0")
        .stdin(Stdio::null())
        .status()
        .map_err(|err| format!("cannot run {shown}: {err}"))?;
    if !status.success() {
        problems.push(format!("`{shown}` failed ({status})"));
    }
    Ok(())
}

/// Runs a variant's tests and compares what they said with what they must.
fn judge(
    variant: &Variant,
    built: &Built,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let label = &variant.label;
    let exes = built.tests_of(&variant.dir);
    let began = Instant::now();
    let outcomes = if exes.is_empty() {
        Vec::new()
    } else {
        let until = if variant.must_pass() {
            Until::End
        } else {
            Until::FirstFailure
        };
        testrun::run(exes, &variant.dir, until)?
    };
    // Each line: the variant, how long its tests took, and what they said.
    let head = format!("  {label:<30} {:>5.1} s ", began.elapsed().as_secs_f64());
    let mut problem = |what: &str| {
        say!("{head} PROBLEM: {what}");
        problems.push(format!("{} {label}: {what}", variant.exercise.name));
    };
    let failure = outcomes.iter().find(|o| o.verdict != Verdict::Pass);
    match (variant.must_pass(), failure) {
        _ if exes.is_empty() => {
            problem("does not compile (the compiler's messages are above)")
        }
        _ if outcomes.is_empty() => problem("has no tests"),
        (true, None) => {
            say!("{head} passes all {} tests, as it must", outcomes.len())
        }
        (true, Some(failure)) => problem(&format!("fails {}", summary(failure))),
        (false, Some(failure)) => {
            say!("{head} fails, as it must: {}", summary(failure))
        }
        (false, None) if variant.label == "stub" => problem(&format!(
            "passes all {} tests: a stub must fail them (or was it solved in \
             this tree? check a clean checkout)",
            outcomes.len()
        )),
        (false, None) => problem(&format!(
            "passes all {} tests: the tests do not catch this wrong solution",
            outcomes.len()
        )),
    }
    Ok(())
}

/// A failed test in one line: its name and the first line of its message.
fn summary(outcome: &Outcome) -> String {
    let message = match &outcome.verdict {
        Verdict::Fail(message) => message.lines().next().unwrap_or_default(),
        Verdict::Pass => "passed",
        Verdict::NotRun => "not run",
    };
    format!("{}: {message}", outcome.test)
}
