//! Helpers for the tests of lessons that start child processes: run a
//! lesson while knowing its PID, find the processes it started, and check
//! that none is left running.
//!
//! Every child a lesson starts carries `LESSON_PARENT_PID=<lesson's pid>` in
//! its environment, which finds it even after it has been re-parented. A
//! dead orphan is a zombie on these machines (PID 1 does not reap), and
//! counts as gone.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::util::{Report, Running};

/// The state letter of a process (`R`, `S`, `Z`...) from `/proc/PID/stat`,
/// or `None` if there is no such process.
pub fn state(pid: u32) -> Option<char> {
    stat_after_name(pid)?.trim_start().chars().next()
}

/// Every process's PID, from `/proc`.
pub fn all_pids() -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// The PID of a process's parent, from `/proc/PID/stat`.
pub fn parent(pid: u32) -> Option<u32> {
    stat_after_name(pid)?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `/proc/PID/stat` after the command name: "STATE PPID ...". The name, in
/// parentheses, may hold spaces: the rest follows the last ')'.
fn stat_after_name(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after) = stat.rsplit_once(')')?;
    Some(after.to_owned())
}

/// Whether a process is running: it exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    state(pid).is_some_and(|state| state != 'Z' && state != 'X')
}

/// Live processes started by the lesson with PID `parent`.
pub fn started_by(parent: u32) -> Vec<u32> {
    let marker = format!("LESSON_PARENT_PID={parent}");
    all_pids()
        .into_iter()
        .filter(|&pid| {
            fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                environ
                    .split(|&byte| byte == 0)
                    .any(|var| var == marker.as_bytes())
            })
        })
        .filter(|&pid| alive(pid))
        .collect()
}

/// Asserts that the lesson `parent` left nothing behind: each of `pids` is
/// gone entirely, reaped by the lesson (a zombie means the lesson exited
/// without waiting for it), and no other process it started still runs.
pub fn assert_none_left(parent: u32, pids: &[u32]) {
    let left: Vec<(u32, char)> = pids
        .iter()
        .filter_map(|&pid| Some((pid, state(pid)?)))
        .collect();
    assert!(
        left.is_empty(),
        "children left behind (pid, state): {left:?}"
    );
    let strays = started_by(parent);
    assert!(
        strays.is_empty(),
        "children of {parent} still running: {strays:?}"
    );
}

/// Sends `signal` to the lesson and its children at once, as a terminal
/// does (Ctrl-C is SIGINT; closing the terminal, SIGHUP; `timeout`, SIGTERM),
/// and checks that the lesson stops as the kit promises: within a second,
/// with status 130, saying it was interrupted, with no child reported lost
/// or failed (a child must leave the stopping to its parent), and with none
/// of its `children` left behind.
pub fn assert_stops_cleanly(lesson: Running, children: &[u32], signal: Signal) {
    let pid = lesson.pid;
    let stopped = lesson.signal_group_and_wait(signal, Duration::from_secs(1));
    let stderr = stopped.stderr;
    assert_eq!(stopped.code, Some(130), "after {signal}: {stderr}");
    let rest = stopped.rest;
    assert!(
        rest.iter().any(|l| l.contains("interrupted")),
        "after {signal}: {rest:?}"
    );
    for word in ["lost", "failed"] {
        assert!(!stderr.contains(word), "after {signal}: {stderr}");
    }
    assert_none_left(pid, children);
}

/// Waits until none of `pids` is running, for at most `limit`; returns
/// whether they all stopped. For a death the kernel delivers on its own
/// time (a parent-death signal), checked every few milliseconds.
pub fn all_stop_within(pids: &[u32], limit: Duration) -> bool {
    let began = Instant::now();
    while pids.iter().any(|&pid| alive(pid)) {
        if began.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// Runs a lesson with `--json` and `args` to the end; returns its PID, its
/// report and its stderr, after checking its exit code.
pub fn report_with_pid(
    program: &Path,
    args: &[&str],
    code: i32,
) -> (u32, Report, String) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let lesson = Running::start(program, &all);
    let pid = lesson.pid;
    let run = lesson.finish_within(Duration::from_secs(60));
    assert_eq!(run.code, Some(code), "exit code\nstderr:\n{}", run.stderr);
    (pid, Report::parse(&run.stdout), run.stderr)
}

/// Replaces every `pid <digits>` with `pid <pid>`, as the docs' outputs do.
pub fn normalise_pids(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("pid ") {
        let (before, after) = rest.split_at(at + "pid ".len());
        out.push_str(before);
        let digits = after.len()
            - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str("<pid>");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The numbers that follow `pid ` in `line`, in order.
pub fn pids_in(line: &str) -> Vec<u32> {
    line.match_indices("pid ")
        .filter_map(|(at, word)| {
            let after = &line[at + word.len()..];
            let end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            after[..end].parse().ok()
        })
        .collect()
}

#[test]
fn pids_are_found_and_normalised() {
    let line = "squares: pid 4242, parent pid 4240";
    assert_eq!(pids_in(line), [4242, 4240]);
    assert_eq!(normalise_pids(line), "squares: pid <pid>, parent pid <pid>");
    assert_eq!(normalise_pids("no pid here"), "no pid here");
}
