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
/// them if `wanted` is empty).
pub fn check(catalog: &Catalog, wanted: &[&str]) -> Result<(), Stop> {
    let began = Instant::now();
    // Every exercise whose name begins with one of `wanted`: `check 03`
    // checks lesson 03's.
    let mut exercises: Vec<&Exercise> = Vec::new();
    for name in wanted {
        if !catalog.exercises.iter().any(|e| e.name.starts_with(name)) {
            catalog.find(name).map_err(Stop::Usage)?;
        }
    }
    for exercise in &catalog.exercises {
        if wanted.is_empty()
            || wanted.iter().any(|name| exercise.name.starts_with(name))
        {
            exercises.push(exercise);
        }
    }
    if exercises.is_empty() {
        let root = catalog.root.display();
        return Err(Stop::Failed(format!("no exercises found in {root}")));
    }
    let mut problems = Vec::new();
    for exercise in &exercises {
        layout(catalog, exercise, &mut problems);
    }
    if !problems.is_empty() {
        report(&problems, began);
        return Ok(());
    }
    let variants = variants(catalog, &exercises)?;

    say!("== formatting and clippy");
    run_step(
        catalog,
        &catalog.root,
        &["fmt", "--all", "--check"],
        &mut problems,
    )?;
    let mut rustfmt = vec!["--check", "--edition", "2024"];
    let loose: Vec<String> = variants
        .iter()
        .filter(|v| v.label != "stub")
        .map(|v| v.source.display().to_string())
        .collect();
    rustfmt.extend(loose.iter().map(String::as_str));
    run_program(catalog, "rustfmt", &catalog.root, &rustfmt, &mut problems)?;
    let clippy = [
        "clippy",
        "--quiet",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    run_step(catalog, &catalog.root, &clippy, &mut problems)?;

    say!("== the runner's and the tests' helpers' own tests");
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

    say!("== every stub, solution and wrong solution, each in a copy of its crate");
    let copies = write_copies(catalog, &variants)?;
    run_step(
        catalog,
        &catalog.root,
        &["fetch", "--quiet", "--locked"],
        &mut problems,
    )?;
    let mut solutions = vec!["clippy", "--quiet", "--offline", "--lib"];
    for variant in variants.iter().filter(|v| v.must_pass()) {
        solutions.extend(["-p", variant.package.as_str()]);
    }
    solutions.extend(["--", "-D", "warnings"]);
    run_step(catalog, &copies, &solutions, &mut problems)?;
    say!(
        "$ cargo build --tests --offline --workspace (in {})",
        catalog.shown(&copies)
    );
    let build = ["--offline", "--workspace"];
    let built = cargo::build_tests(&copies, &catalog.target, &build, Errors::Shown)?;
    say!("== their tests");
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

/// Writes the workspace of copies, and returns its folder.
fn write_copies(catalog: &Catalog, variants: &[Variant]) -> Result<PathBuf, String> {
    let copies = copies_dir(catalog);
    let io = |what: &str, err: std::io::Error| format!("{what}: {err}");
    if copies.exists() {
        fs::remove_dir_all(&copies)
            .map_err(|e| io("cannot empty the copies' folder", e))?;
    }
    // The exercises' workspace, with the copies as its members, and the
    // tests' support crate where it is. (A copy of it at the same place in
    // its workspace, `support`, would share its build's file names in the
    // target folder with the original's, and the two builds would
    // overwrite each other.)
    let manifest = fs::read_to_string(catalog.root.join("Cargo.toml"))
        .map_err(|e| io("cannot read exercises/Cargo.toml", e))?;
    let line = |start: &str| {
        let found = manifest.lines().find(|line| line.starts_with(start));
        found.ok_or(format!("exercises/Cargo.toml has no line `{start}...`"))
    };
    let support = catalog.root.join("support");
    let manifest = manifest
        .replace(line("members = ")?, r#"members = ["variants/*"]"#)
        .replace(
            line("exercise-support = ")?,
            &format!(
                "exercise-support = {{ path = {:?} }}",
                support.display().to_string()
            ),
        );
    fs::create_dir_all(&copies)
        .map_err(|e| io("cannot make the copies' folder", e))?;
    fs::write(copies.join("Cargo.toml"), manifest)
        .map_err(|e| io("cannot write", e))?;
    fs::copy(catalog.root.join("Cargo.lock"), copies.join("Cargo.lock"))
        .map_err(|e| io("cannot copy Cargo.lock", e))?;
    for variant in variants {
        let exercise = variant.exercise;
        copy_dir(&exercise.dir, &variant.dir)?;
        fs::copy(&variant.source, variant.dir.join("src/lib.rs")).map_err(|e| {
            io(&format!("cannot copy {}", variant.source.display()), e)
        })?;
        let manifest_path = variant.dir.join("Cargo.toml");
        let manifest =
            fs::read_to_string(&manifest_path).map_err(|e| io("cannot read", e))?;
        let name = format!("name = \"{}\"", exercise.package);
        if !manifest.contains(&name) {
            return Err(format!("{}/Cargo.toml has no line {name}", exercise.name));
        }
        let renamed =
            manifest.replacen(&name, &format!("name = \"{}\"", variant.package), 1);
        fs::write(&manifest_path, renamed).map_err(|e| io("cannot write", e))?;
    }
    Ok(copies)
}

/// Copies a crate's folder: everything but its reference and wrong
/// solutions (the copy has one of them as its src/lib.rs) and build output.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let io = |err: std::io::Error| format!("cannot copy {}: {err}", from.display());
    fs::create_dir_all(to).map_err(io)?;
    for entry in fs::read_dir(from).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if ["solution.rs", "wrong", "target"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let (source, copy) = (entry.path(), to.join(&name));
        if entry.file_type().map_err(io)?.is_dir() {
            copy_dir(&source, &copy)?;
        } else {
            fs::copy(&source, &copy).map_err(io)?;
        }
    }
    Ok(())
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
    let mut problem = |what: &str| {
        say!("  {label:<34} PROBLEM: {what}");
        problems.push(format!("{} {label}: {what}", variant.exercise.name));
    };
    let exes = built.tests_of(&variant.dir);
    if exes.is_empty() {
        problem("does not compile (the compiler's messages are above)");
        return Ok(());
    }
    let until = if variant.must_pass() {
        Until::End
    } else {
        Until::FirstFailure
    };
    let outcomes = testrun::run(exes, &variant.dir, until)?;
    let failure = outcomes.iter().find(|o| o.verdict != Verdict::Pass);
    match (variant.must_pass(), failure) {
        (_, _) if outcomes.is_empty() => problem("has no tests"),
        (true, None) => say!(
            "  {label:<34} passes all {} tests, as it must",
            outcomes.len()
        ),
        (true, Some(failure)) => problem(&format!("fails {}", summary(failure))),
        (false, Some(failure)) => {
            say!("  {label:<34} fails, as it must: {}", summary(failure))
        }
        (false, None) => problem(&format!(
            "passes all {} tests: the tests do not catch it",
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
