//! Runs an exercise's tests one at a time, each in a process of its own
//! with a time limit, and reads what a failing test said.
//!
//! One process per test keeps a test that hung (its thread left behind)
//! from disturbing the next one, which counts threads.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Longer than any test's own time limit: a test process still running
/// then is stuck outside them, and is killed.
const LIMIT: Duration = Duration::from_secs(60);

/// How one test went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The test failed; what it said.
    Fail(String),
    /// Not run, because an earlier test hung.
    NotRun,
}

impl Verdict {
    /// Whether the test failed on a `todo!()` (see the support's `within`).
    pub fn says_not_written(&self) -> bool {
        matches!(self, Verdict::Fail(message) if message.starts_with("not written yet"))
    }

    /// Whether the test failed because the code under test hung.
    fn says_hung(&self) -> bool {
        matches!(self, Verdict::Fail(message) if message.starts_with("hung:"))
    }
}

/// A test and how it went.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub test: String,
    pub verdict: Verdict,
}

/// Whether to go on after a failing test.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Until {
    FirstFailure,
    End,
}

/// Runs the tests of each executable in `exes`, in the order they list
/// them, in the package folder `dir` (where `cargo test` runs them).
///
/// After a test that hung, the others are not run: each would most likely
/// wait out its time limit too, for the same reason.
pub fn run(
    exes: &[impl AsRef<Path>],
    dir: &Path,
    until: Until,
) -> Result<Vec<Outcome>, String> {
    let mut outcomes = Vec::new();
    let mut hung = false;
    for exe in exes {
        for test in list(exe.as_ref())? {
            if hung {
                outcomes.push(Outcome {
                    test,
                    verdict: Verdict::NotRun,
                });
                continue;
            }
            let verdict = run_one(exe.as_ref(), &test, dir)?;
            let failed = verdict != Verdict::Pass;
            hung = verdict.says_hung();
            outcomes.push(Outcome { test, verdict });
            if failed && until == Until::FirstFailure {
                return Ok(outcomes);
            }
        }
    }
    Ok(outcomes)
}

/// The names of the tests in `exe`.
fn list(exe: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(exe)
        .args(["--list", "--format", "terse"])
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run {}: {err}", exe.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs the one test `test` of `exe`.
fn run_one(exe: &Path, test: &str, dir: &Path) -> Result<Verdict, String> {
    let mut child = Command::new(exe)
        .args(["--exact", test, "--test-threads=1"])
        .current_dir(dir)
        // The failure's message is the point; a backtrace would bury it.
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run {}: {err}", exe.display()))?;
    let stdout = read_on_a_thread(child.stdout.take());
    let stderr = read_on_a_thread(child.stderr.take());
    let finished = wait_at_most(&mut child, LIMIT);
    let text =
        stdout.join().unwrap_or_default() + &stderr.join().unwrap_or_default();
    Ok(match finished {
        Some(true) => Verdict::Pass,
        Some(false) => Verdict::Fail(failure_message(&text, test)),
        None => Verdict::Fail(format!(
            "hung: the test was still running after {} s, and was stopped.",
            LIMIT.as_secs()
        )),
    })
}

/// Whether `child` succeeded; `None` if it was still running after
/// `limit`, when it is killed (and reaped).
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<bool> {
    let began = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status.success()),
            Ok(None) if began.elapsed() < limit => {
                thread::sleep(Duration::from_millis(10))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Reads a pipe to its end on a thread, so that neither of a child's two
/// pipes can fill up while the other is read.
fn read_on_a_thread(
    pipe: Option<impl Read + Send + 'static>,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// What the failing test `test` said: its panic's message, without the
/// lines around it (libtest's own, and the panics of tasks that the test
/// made fail on purpose), and where in the test it failed.
fn failure_message(output: &str, test: &str) -> String {
    // "thread 'NAME' panicked at FILE:LINE:COL:" (with " (TID)" after the
    // name from Rust 1.92 on), then the message.
    let header = format!("thread '{test}'");
    let panics: Vec<usize> = output
        .match_indices("panicked at ")
        .map(|(at, _)| output[..at].rfind('\n').map_or(0, |start| start + 1))
        .collect();
    let own = panics
        .iter()
        .rev()
        .find(|&&start| output[start..].starts_with(&header));
    let Some(&start) = own.or(panics.last()) else {
        let last: Vec<&str> = output.lines().rev().take(5).collect();
        let last: Vec<&str> = last.into_iter().rev().collect();
        return format!("failed without a panic message:\n{}", last.join("\n"));
    };
    // The test's captured output ends where libtest lists the failures.
    let panic = &output[start..];
    let panic = panic.split("\n\nfailures:\n").next().unwrap_or(panic);
    let (location, rest) = panic.split_once(":\n").unwrap_or((panic, ""));
    let location = location.rsplit("panicked at ").next().unwrap_or_default();
    let message: Vec<&str> = rest
        .lines()
        .take_while(|line| !line.starts_with("note: run with `RUST_BACKTRACE"))
        .take_while(|line| !line.starts_with("stack backtrace:"))
        .take_while(|line| {
            !(line.starts_with("thread '") && line.contains(" panicked at "))
        })
        .collect();
    let message = message.join("\n");
    format!("{}\n(at {location})", message.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_tests_own_message_and_where() {
        let output = "\nrunning 1 test\ntest works ... FAILED\n\nfailures:\n\n\
---- works stdout ----\n\n\
thread 'works' (7) panicked at tests/t.rs:20:5:\nthe results came back in completion order\nhint: read in input order\n\
thread '<unnamed>' (8) panicked at tests/t.rs:9:5:\na task fails, on purpose\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\n\
failures:\n    works\n\ntest result: FAILED. 0 passed; 1 failed\n";
        assert_eq!(
            failure_message(output, "works"),
            "the results came back in completion order\nhint: read in input order\n\
             (at tests/t.rs:20:5)"
        );
    }

    #[test]
    fn says_when_there_is_no_message() {
        let said = failure_message("error: test failed\nexit 101", "works");
        assert!(said.starts_with("failed without a panic message"), "{said}");
        assert!(said.ends_with("exit 101"), "{said}");
    }

    #[test]
    fn a_process_past_its_limit_is_stopped() {
        let mut child = Command::new("sleep").arg("5").spawn().expect("sleep");
        let began = Instant::now();
        assert_eq!(wait_at_most(&mut child, Duration::from_millis(100)), None);
        assert!(began.elapsed() < Duration::from_secs(4));
        assert!(
            child.try_wait().is_ok_and(|status| status.is_some()),
            "reaped"
        );
        let mut quick = Command::new("true").spawn().expect("true");
        assert_eq!(wait_at_most(&mut quick, Duration::from_secs(5)), Some(true));
    }
}
