//! Runs one program (a lesson, a Python twin) to its end, within a time
//! limit, and keeps what it printed: the benchmark must never hang on a
//! lesson that does, nor leave one running.

use std::io::{self, Read};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Runs `command` with no stdin, waits at most `limit`, and returns its
/// stdout if it exited with status 0; otherwise why not, with the last line
/// of its stderr.
pub fn run(mut command: Command, limit: Duration) -> Result<String, String> {
    let label = name(&command);
    end_with_this_thread(&mut command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {label}: {err}"))?;
    // A reader per pipe, so that a program filling one pipe never blocks
    // while the other is read.
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let status = wait_within(&mut child, limit);
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    match status {
        Some(status) if status.success() => Ok(stdout),
        // The project's programs name themselves in their last message.
        Some(status) => Err(match stderr.lines().rfind(|l| !l.trim().is_empty()) {
            Some(last) => last.trim().to_owned(),
            None => format!("{label} exited with {status}"),
        }),
        None => Err(format!(
            "{label} did not finish within {} s, and was killed",
            limit.as_secs()
        )),
    }
}

/// Makes Linux kill the program when the thread that starts it ends: a
/// benchmark stopped or killed in the middle of a run leaves no lesson or
/// Python twin running. Every run starts from the benchmark's main thread,
/// which lives as long as the benchmark.
#[allow(unsafe_code)] // the benchmark's one `unsafe`: code run before exec
fn end_with_this_thread(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::{prctl, signal::Signal};
        use std::os::unix::process::CommandExt;
        // SAFETY: the closure runs in the child between fork and exec, where
        // only async-signal-safe calls are allowed: it makes one system call
        // (prctl) and allocates nothing.
        unsafe {
            command.pre_exec(|| {
                prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from)
            });
        }
    }
}

/// The program a command runs, for a message: the script for a Python.
fn name(command: &Command) -> String {
    let script = (command.get_args()).find(|a| a.to_string_lossy().ends_with(".py"));
    let path = std::path::Path::new(script.unwrap_or(command.get_program()));
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// The exit status, or `None` after killing (and reaping) a program still
/// running at the limit. Polls every few milliseconds: the figures are the
/// programs' own clocks, so this wait's resolution does not enter them.
fn wait_within(
    child: &mut Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The JSON report a program printed: its whole stdout (a lesson's
/// `--json`, pretty-printed), or else its last line (a twin prints its
/// lines first, then the report).
pub fn json_report(stdout: &str) -> Result<serde_json::Value, String> {
    if let Ok(doc) = serde_json::from_str(stdout) {
        return Ok(doc);
    }
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty());
    serde_json::from_str(last.unwrap_or_default())
        .map_err(|err| format!("printed no JSON report: {err}"))
}
