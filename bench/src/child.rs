//! Runs the programs the benchmark measures (a lesson, a Python twin, a
//! version check, a start-and-exit timed many times), each within a time
//! limit: the benchmark must never hang on a program that does, nor leave
//! one running.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;

/// What a program printed, and how it ended.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` with no stdin and waits at most `limit` for it: `Err` if
/// it cannot start, or if it is still running at the limit (it is then
/// killed and reaped).
pub fn finish(mut command: Command, limit: Duration) -> Result<Finished, String> {
    let label = name(&command);
    end_with_this_thread(&mut command);
    let deadline = Instant::now() + limit;
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
    let status = wait_until(&mut child, deadline);
    // A process that escaped the kill may still hold a pipe open: what it
    // printed is given up on a second after the limit.
    let given_up = deadline.max(Instant::now()) + Duration::from_secs(1);
    let printed = |pipe: mpsc::Receiver<String>| {
        let left = given_up.saturating_duration_since(Instant::now());
        pipe.recv_timeout(left).unwrap_or_default()
    };
    let (stdout, stderr) = (printed(stdout), printed(stderr));
    match status {
        Some(status) => Ok(Finished {
            status,
            stdout,
            stderr,
        }),
        None => Err(late(&label, limit)),
    }
}

/// [`finish`], for a program that must succeed: its stdout, or why not,
/// with the last line of its stderr.
pub fn run(command: Command, limit: Duration) -> Result<String, String> {
    let label = name(&command);
    let done = finish(command, limit)?;
    if done.status.success() {
        return Ok(done.stdout);
    }
    // The project's programs name themselves in their last message.
    Err(match done.stderr.lines().rfind(|l| !l.trim().is_empty()) {
        Some(last) => last.trim().to_owned(),
        None => format!("{label} exited with {}", done.status),
    })
}

fn late(label: &str, limit: Duration) -> String {
    format!(
        "{label} did not finish within {} s, and was killed",
        limit.as_secs_f64()
    )
}

/// Runs `command` to its end `count` times, one after the other, and
/// returns how long that took. Each exit is waited for as `status()` does,
/// without polling, so that the wait adds nothing to the start and exit it
/// times; a watchdog thread kills the run in progress once `limit` has
/// passed, and the batch fails.
pub fn time_runs(
    command: &mut Command,
    count: usize,
    limit: Duration,
) -> Result<Duration, String> {
    let label = name(command);
    // The PID being waited for, and whether the time is up: one lock, so
    // that a run either starts before the watchdog looks (and is killed)
    // or sees that the time is up (and is killed at once).
    let state: Mutex<(Option<Pid>, bool)> = Mutex::new((None, false));
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    thread::scope(|scope| {
        // The sender is dropped when the batch ends, however it ends, and
        // that wakes the watchdog before its time.
        let (_batch, over) = mpsc::channel::<()>();
        let watchdog = move || {
            if let Err(RecvTimeoutError::Timeout) = over.recv_timeout(limit) {
                let mut state = lock();
                state.1 = true;
                if let Some(pid) = state.0 {
                    let _ = kill(pid, Signal::SIGKILL);
                }
            }
        };
        thread::Builder::new()
            .spawn_scoped(scope, watchdog)
            .map_err(|err| format!("cannot start a watchdog thread: {err}"))?;
        let began = Instant::now();
        for _ in 0..count {
            let mut child = command
                .spawn()
                .map_err(|err| format!("cannot start {label}: {err}"))?;
            let pid = Pid::from_raw(child.id() as i32);
            {
                let mut state = lock();
                if state.1 {
                    let _ = child.kill();
                }
                state.0 = Some(pid);
            }
            // Until it is reaped below, the PID stays this program's, even
            // once it has exited: the watchdog cannot signal another.
            while let Err(Errno::EINTR) =
                waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
            {
            }
            let expired = {
                let mut state = lock();
                state.0 = None;
                state.1
            };
            let status = child
                .wait()
                .map_err(|err| format!("cannot wait for {label}: {err}"))?;
            if expired {
                return Err(late(&label, limit));
            }
            if !status.success() {
                return Err(format!("{label} failed: {status}"));
            }
        }
        Ok(began.elapsed())
    })
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
/// running at `deadline`, with every process it started. Polls every few
/// milliseconds: the figures are the programs' own clocks, so this wait's
/// resolution does not enter them.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5))
            }
            _ => {
                // Its children first, while they are still known as its
                // own: a shell script's hung command holds the pipes too.
                for pid in descendants(child.id()) {
                    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// The processes descended from `pid`, from /proc: its children, theirs...
fn descendants(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(|p| Some((p, parent(p)?)))
        .collect();
    let mut found = vec![pid];
    let mut next = 0;
    while let Some(&of) = found.get(next) {
        found.extend(parents.iter().filter(|(_, pp)| *pp == of).map(|(p, _)| *p));
        next += 1;
    }
    found.split_off(1)
}

/// The parent of process `pid`, from `/proc/PID/stat`: "PID (NAME) STATE
/// PPID ...", where NAME may hold spaces and parentheses.
fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// What comes through `pipe`, read to its end on a thread of its own.
fn read_all(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (text, received) = mpsc::channel();
    let reader = move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = text.send(String::from_utf8_lossy(&bytes).into_owned());
    };
    // Refused a thread, the pipe is closed unread: the program's next write
    // fails, and so does the run, with a message.
    let _ = thread::Builder::new().spawn(reader);
    received
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_runs_end_at_their_limit() {
        let second = Duration::from_secs(1);
        let took = time_runs(&mut Command::new("true"), 5, second).expect("runs");
        assert!(took < second, "{took:?}");
        let failed = time_runs(&mut Command::new("false"), 5, second);
        assert!(failed.is_err_and(|e| e.contains("false failed")));
        // The second run hangs: killed at the limit, and the batch fails.
        let mut hangs = Command::new("sleep");
        hangs.arg("30");
        let began = Instant::now();
        let hung = time_runs(&mut hangs, 2, Duration::from_millis(300));
        let message = hung.expect_err("killed");
        assert!(
            message.contains("sleep did not finish within 0.3 s"),
            "{message}"
        );
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "{:?}",
            began.elapsed()
        );
    }

    #[test]
    fn a_finished_program_s_output_and_a_late_one_s_end() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 4"]);
        let done = finish(command, Duration::from_secs(5)).expect("it ran");
        assert_eq!(
            (done.stdout.as_str(), done.stderr.as_str()),
            ("out\n", "err\n")
        );
        assert_eq!(done.status.code(), Some(4));
        let mut late = Command::new("sleep");
        late.arg("30");
        let began = Instant::now();
        let err = finish(late, Duration::from_millis(200)).err();
        assert_eq!(
            err.as_deref(),
            Some("sleep did not finish within 0.2 s, and was killed")
        );
        assert!(began.elapsed() < Duration::from_secs(5));
    }
}
