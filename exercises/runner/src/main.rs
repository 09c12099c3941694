//! The exercises' runner, behind three make targets:
//!
//! - `make exercises` (`list`): every exercise, its chapter, what to write,
//!   and whether it passes now;
//! - `make exercise EXERCISE=NN` (`run NN`): one exercise's tests against
//!   the learner's code, each failure with what is wrong and a hint, and on
//!   success where the reference solution is;
//! - `make check-exercises` (`check`): for every exercise, the stub
//!   compiles, is clippy-clean and fails its tests, the solution passes
//!   them, and every wrong solution fails them (see `check.rs`).
//!
//! Run it from `exercises/`: `cargo run --locked -q -p exercise-runner --
//! list`. The exercises are found, not listed here: see `catalog.rs`.

mod cargo;
mod catalog;
mod check;
mod testrun;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use catalog::{Catalog, Exercise, Kind};
use testrun::{Until, Verdict};

const USAGE: &str =
    "usage: exercise-runner list | run EXERCISE | check [EXERCISE...]";

/// Whether something has failed: the exit status if stdout closes early.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Prints a line on stdout. A closed stdout (`| head`) ends the runner
/// quietly, with the status it has so far, where `println!` would panic.
macro_rules! say {
    ($($arg:tt)*) => { $crate::write_line(format_args!($($arg)*)) };
}
pub(crate) use say;

fn write_line(line: fmt::Arguments) {
    if writeln!(io::stdout().lock(), "{line}").is_err() {
        std::process::exit(i32::from(FAILED.load(Ordering::Relaxed)));
    }
}

/// Marks the run as failed.
fn failed() {
    FAILED.store(true, Ordering::Relaxed);
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // The runner is in exercises/runner: its parent is the exercises' folder.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."));
    let result = Catalog::load(root)
        .map_err(Stop::Failed)
        .and_then(|catalog| match args.as_slice() {
            ["list"] => list(&catalog),
            ["run", wanted] => run(&catalog, wanted),
            ["check", wanted @ ..] => check::check(&catalog, wanted),
            _ => Err(Stop::Usage(USAGE.to_owned())),
        });
    let (message, status) = match result {
        Ok(()) if !FAILED.load(Ordering::Relaxed) => return ExitCode::SUCCESS,
        Ok(()) => return ExitCode::FAILURE,
        Err(Stop::Usage(message)) => (message, 2),
        Err(Stop::Failed(message)) => (message, 1),
    };
    let _ = writeln!(io::stderr(), "exercise-runner: {message}");
    ExitCode::from(status)
}

/// Why the runner stops early.
pub enum Stop {
    /// It was asked for something that is not there (exit status 2).
    Usage(String),
    /// Something it ran failed (exit status 1).
    Failed(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Failed(message)
    }
}

/// What the learner does in an exercise, in a word or two.
fn task(exercise: &Exercise) -> &'static str {
    match exercise.kind {
        Kind::Write => "write",
        Kind::Bug => "find the bug",
    }
}

/// The exercise in one line: "write: run two jobs at once...".
fn one_line(exercise: &Exercise) -> String {
    let mut description = exercise.description.chars();
    let first = description.next().map(|c| c.to_lowercase().to_string());
    format!(
        "{}: {}{}",
        task(exercise),
        first.unwrap_or_default(),
        description.as_str()
    )
}

/// `make exercises`: every exercise, and whether it passes now.
fn list(catalog: &Catalog) -> Result<(), Stop> {
    say!("Building the exercises' tests (the first time takes a minute or two)...");
    let packages = [
        "--locked",
        "--workspace",
        "--exclude",
        "exercise-runner",
        "--exclude",
        "exercise-support",
    ];
    let built = cargo::build_tests(
        &catalog.root,
        &catalog.target,
        &packages,
        cargo::Errors::Hidden,
    )?;
    say!("");
    say!("{:<24} {:<16} {}", "exercise", "now", "chapter");
    let mut passing = 0;
    let mut next = None;
    for exercise in &catalog.exercises {
        let exes = built.tests_of(&exercise.dir);
        let status = if exes.is_empty() {
            "does not compile"
        } else {
            let outcomes = testrun::run(exes, &exercise.dir, Until::FirstFailure)?;
            match outcomes.iter().find(|o| o.verdict != Verdict::Pass) {
                None => {
                    passing += 1;
                    "passes"
                }
                // The stub's todo!() is still there.
                Some(outcome) if outcome.verdict.says_not_written() => "not started",
                Some(_) => "fails",
            }
        };
        if status != "passes" && next.is_none() {
            next = Some(exercise.name.clone());
        }
        let chapter = catalog.chapter_title(exercise);
        say!("{:<24} {status:<16} {chapter}", exercise.name);
        say!("    {}", one_line(exercise));
    }
    say!("");
    say!("{passing} of {} exercises pass.", catalog.exercises.len());
    match next {
        Some(name) => say!("Next: make exercise EXERCISE={name}"),
        None => say!("All done: compare yours with each exercise's solution.rs."),
    }
    Ok(())
}

/// `make exercise EXERCISE=NN`: one exercise's tests, and what they said.
fn run(catalog: &Catalog, wanted: &str) -> Result<(), Stop> {
    let exercise = catalog.find(wanted).map_err(Stop::Usage)?;
    let stub = catalog.shown(&exercise.dir.join("src/lib.rs"));
    say!("Exercise {}: {}", exercise.name, one_line(exercise));
    say!(
        "Taught in: {}, section \"{}\" (docs/src/{}.md)",
        catalog.chapter_title(exercise),
        exercise.section,
        exercise.chapter
    );
    say!("Your code: {stub}");
    say!("");
    let packages = ["--locked", "-p", exercise.package.as_str()];
    let built = cargo::build_tests(
        &catalog.root,
        &catalog.target,
        &packages,
        cargo::Errors::Shown,
    )?;
    let again = format!("make exercise EXERCISE={}", exercise.name);
    let exes = built.tests_of(&exercise.dir);
    if exes.is_empty() {
        failed();
        say!("It does not compile: the compiler's messages are above.");
        say!("Fix {stub}, then run `{again}` again.");
        return Ok(());
    }
    let outcomes = testrun::run(exes, &exercise.dir, Until::End)?;
    for outcome in &outcomes {
        match &outcome.verdict {
            Verdict::Pass => say!("  pass  {}", outcome.test),
            Verdict::NotRun => {
                say!("  ----  {} (not run: fix the hang first)", outcome.test)
            }
            Verdict::Fail(message) => {
                say!("  FAIL  {}", outcome.test);
                for line in message.lines() {
                    // "(at 01-join-two/tests/both.rs:40:15)": a path from
                    // the exercises' folder, shown from the course's.
                    match line.strip_prefix("(at ").and_then(|l| l.strip_suffix(')'))
                    {
                        Some(place) => {
                            let place = catalog.shown(&catalog.root.join(place));
                            say!("          (at {place})");
                        }
                        None => say!("          {line}"),
                    }
                }
            }
        }
    }
    let count = |verdict: fn(&Verdict) -> bool| {
        outcomes.iter().filter(|o| verdict(&o.verdict)).count()
    };
    let failing = count(|v| matches!(v, Verdict::Fail(_)));
    let not_run = count(|v| *v == Verdict::NotRun);
    say!("");
    if outcomes.is_empty() {
        failed();
        say!("No tests were found for {}.", exercise.name);
    } else if failing + not_run == 0 {
        let solution = catalog.shown(&exercise.dir.join("solution.rs"));
        say!("All {} tests pass. Well done!", outcomes.len());
        say!("The reference solution, to compare with yours: {solution}");
    } else {
        failed();
        let tests = catalog.shown(&exercise.dir.join("tests"));
        let not_run = match not_run {
            0 => String::new(),
            n => format!(" ({n} not run)"),
        };
        say!(
            "{failing} of {} tests fail{not_run}: what each says is above ({tests}/ has them).",
            outcomes.len()
        );
        say!("Edit {stub}, then run `{again}` again.");
    }
    Ok(())
}
