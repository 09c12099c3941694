//! Helpers for the end-to-end tests: build the lesson binaries once, run
//! them as a learner would, and compare what they print with what the
//! notebook cell implies, showing both side by side when they differ.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;
use serde_json::Value;

/// The time scale of the timing tests: sleeps of tens of milliseconds, long
/// enough that sleeping dominates on a busy 2-core machine.
pub const SCALE: f64 = 0.05;

/// How far above the ideal a run may end. A sleep wakes late when the
/// machine is busy (other tests run alongside); 150 ms is several times the
/// worst delay seen, and still small against the gaps the tests look for
/// (lesson 00 against lesson 01 differ by 400 ms at this scale).
pub const TOLERANCE_MS: f64 = 150.0;

/// The folder cargo builds into for this profile (`target/debug`), with the
/// workspace's binaries and examples built, once for all tests. Cargo only
/// tells a test about its own package's binaries, so the lessons are built
/// here the way `cargo build` would.
pub fn target_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // This test binary lives in target/<profile>/deps/.
        let exe = std::env::current_exe().expect("the test binary's path");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary sits in target/<profile>/deps")
            .to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args([
            "build",
            "--workspace",
            "--bins",
            "--examples",
            "--locked",
            "--quiet",
        ]);
        if dir.file_name().is_some_and(|name| name == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the lessons failed");
        // Children that a lesson leaves behind come to this process rather
        // than to PID 1: they stay visible (as zombies, since nothing here
        // reaps them) for the tests that look for leftovers.
        nix::sys::prctl::set_child_subreaper(true).expect("a subreaper");
        dir
    })
}

/// The path of a lesson binary, e.g. `bin("lesson-01-threads")`.
pub fn bin(name: &str) -> PathBuf {
    target_dir().join(name)
}

/// The path of an example, e.g. `example("scoped")`.
pub fn example(name: &str) -> PathBuf {
    target_dir().join("examples").join(name)
}

/// A finished run: its exit code and what it printed.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A command for a program with `args`: stdin closed, stdout and stderr
/// piped, and no time scale inherited from the environment.
pub fn command(program: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("LESSON_TIME_SCALE");
    command
}

/// How long one run of a lesson or an example may take before the test
/// calls it hung: far above any run the tests make (a second or two), far
/// below the minutes a hang would otherwise cost the suite.
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// Runs a program to the end with `args`, within [`RUN_LIMIT`].
pub fn run(program: &Path, args: &[&str]) -> Run {
    run_command(command(program, args))
}

/// Runs `program` with `args`, which hold a bad value: a usage error, as
/// clap gives one, is exit status 2 with a message on stderr that says
/// `says` (the option, its range), no panic, and nothing on stdout: the
/// run never began. Returns the run, for checks of the caller's own.
pub fn usage_error(program: &Path, args: &[&str], says: &str) -> Run {
    let run = run(program, args);
    assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
    assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
    run
}

/// Runs a command to the end, within [`RUN_LIMIT`]; a run that takes
/// longer is killed and fails the test.
pub fn run_command(mut command: Command) -> Run {
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
    wait_within(child, RUN_LIMIT)
        .unwrap_or_else(|| panic!("{program} did not exit within {RUN_LIMIT:?}"))
        .into()
}

/// A lesson still running, read line by line as it prints, so that a test
/// can act (send a signal, look for children) at a known point of the run.
///
/// It runs in a process group of its own, with the children it starts, as
/// a command started from a terminal does, so that a signal can go to the
/// whole group as Ctrl-C in a terminal sends it.
pub struct Running {
    pub child: Child,
    pub pid: u32,
    /// `None` once the test has closed it.
    lines: Option<BufReader<ChildStdout>>,
    /// Where stderr went: a file the test reads, or somewhere it chose.
    stderr: Option<StderrFile>,
}

/// What a lesson printed after it was signalled, and how it ended.
pub struct Interrupted {
    pub rest: Vec<String>,
    pub code: Option<i32>,
    pub stderr: String,
}

impl Running {
    pub fn start(program: &Path, args: &[&str]) -> Self {
        Self::spawn(command(program, args))
    }

    /// Starts `command` (made with [`command`]) as [`Running::start`] does.
    pub fn spawn(mut command: Command) -> Self {
        let file = StderrFile::new();
        command.stderr(file.stdio());
        let mut running = Self::spawn_with_stderr(command);
        running.stderr = Some(file);
        running
    }

    /// Starts a program as [`Running::start`] does, with its stderr going
    /// to `stderr` (`/dev/full`, a pipe nobody reads) instead of a file.
    pub fn start_with_stderr(program: &Path, args: &[&str], stderr: Stdio) -> Self {
        let mut command = command(program, args);
        command.stderr(stderr);
        Self::spawn_with_stderr(command)
    }

    fn spawn_with_stderr(mut command: Command) -> Self {
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = command
            .process_group(0)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let pid = child.id();
        let lines = Some(BufReader::new(stdout));
        Self {
            child,
            pid,
            lines,
            stderr: None,
        }
    }

    /// The next line printed, or `None` at the end of the output. A lesson
    /// that prints nothing for [`RUN_LIMIT`] is killed, with its group, and
    /// fails the test: a test waiting for a line never hangs the suite.
    pub fn next_line(&mut self) -> Option<String> {
        let reader = self.lines.as_mut()?;
        if reader.buffer().is_empty()
            && !readable_within(reader.get_ref(), RUN_LIMIT)
        {
            let _ = signal::killpg(self.group(), Signal::SIGKILL);
            panic!("{} printed no line within {RUN_LIMIT:?}", self.pid);
        }
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                if line.ends_with('\n') {
                    line.pop();
                }
                Some(line)
            }
        }
    }

    /// Reads the output to its end and waits at most `limit` for the exit.
    pub fn finish_within(self, limit: Duration) -> Run {
        let stopped = self.wait_within(limit, "running to the end");
        Run {
            code: stopped.code,
            stdout: stopped.rest.join("\n"),
            stderr: stopped.stderr,
        }
    }

    /// Closes the lesson's stdout, as `| head` does once it has enough,
    /// and waits at most `limit` for the lesson to exit.
    pub fn close_stdout_and_wait(mut self, limit: Duration) -> Run {
        self.lines = None;
        self.finish_within(limit)
    }

    /// Sends `signal` to the lesson alone (its children do not get it) and
    /// waits at most `limit` for it to exit; panics if it does not.
    pub fn signal_and_wait(self, signal: Signal, limit: Duration) -> Interrupted {
        signal::kill(self.group(), signal).expect("the signal is sent");
        self.wait_within(limit, &format!("{signal}"))
    }

    /// Sends `signal` to the lesson and its children, as a terminal sends
    /// Ctrl-C (SIGINT) to the whole foreground job, and waits at most
    /// `limit` for the lesson to exit; panics if it does not.
    pub fn signal_group_and_wait(
        self,
        signal: Signal,
        limit: Duration,
    ) -> Interrupted {
        signal::killpg(self.group(), signal).expect("the signal is sent");
        self.wait_within(limit, &format!("{signal} to its group"))
    }

    /// The lesson's PID, which is also its process group's id.
    fn group(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.pid).expect("a pid fits in i32"))
    }

    /// Reads stdout on another thread (so that the lesson never blocks on
    /// a full pipe) while waiting for the exit.
    fn wait_within(self, limit: Duration, after: &str) -> Interrupted {
        let lines = self.lines;
        let reader = std::thread::spawn(move || {
            lines.map_or_else(Vec::new, |lines| {
                lines.lines().map_while(Result::ok).collect()
            })
        });
        let out = wait_within(self.child, limit)
            .unwrap_or_else(|| panic!("no exit within {limit:?} after {after}"));
        let rest = reader.join().expect("the stdout reader");
        Interrupted {
            rest,
            code: out.status.code(),
            stderr: self
                .stderr
                .as_ref()
                .map(StderrFile::read)
                .unwrap_or_default(),
        }
    }
}

/// A file that takes a lesson's stderr. Through a pipe, the test would wait
/// for every process that holds it, children included, so that a child
/// left behind would hang the test instead of failing it.
struct StderrFile {
    path: PathBuf,
}

impl StderrFile {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("lesson-tests-{}-{n}.stderr", std::process::id());
        Self {
            path: std::env::temp_dir().join(name),
        }
    }

    fn stdio(&self) -> Stdio {
        let file = File::create(&self.path).expect("a file for stderr");
        Stdio::from(file)
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }
}

impl Drop for StderrFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs a program with `--json` and returns its report, after checking that
/// it exited with `code`.
pub fn report(program: &Path, args: &[&str], code: i32) -> Report {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = run(program, &all);
    assert_eq!(
        run.code,
        Some(code),
        "exit code of {}\nstderr:\n{}",
        program.display(),
        run.stderr
    );
    Report::parse(&run.stdout)
}

/// The JSON document a lesson prints with `--json`.
#[derive(Debug, Clone)]
pub struct Report {
    pub doc: Value,
}

impl Report {
    pub fn parse(text: &str) -> Self {
        let doc = serde_json::from_str(text)
            .unwrap_or_else(|err| panic!("not one JSON document ({err}):\n{text}"));
        Self { doc }
    }

    pub fn lines(&self) -> Vec<String> {
        strings(&self.doc["lines"])
    }

    pub fn ms(&self, field: &str) -> f64 {
        self.doc[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field} is not a number"))
    }

    /// Each task's (worker, label, start_ms, end_ms), in the order recorded.
    pub fn tasks(&self) -> Vec<(String, String, f64, f64)> {
        let tasks = self.doc["tasks"].as_array().expect("tasks is an array");
        tasks
            .iter()
            .map(|t| {
                let text = |k: &str| t[k].as_str().expect("a string").to_owned();
                let num = |k: &str| t[k].as_f64().expect("a number");
                (
                    text("worker"),
                    text("label"),
                    num("start_ms"),
                    num("end_ms"),
                )
            })
            .collect()
    }

    /// Each worker's task labels, in the order they finished.
    pub fn by_worker(&self) -> BTreeMap<String, Vec<String>> {
        let mut tasks = self.tasks();
        tasks.sort_by(|a, b| a.3.total_cmp(&b.3));
        let mut workers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (worker, label, _, _) in tasks {
            workers.entry(worker).or_default().push(label);
        }
        workers
    }

    /// Checks the plan's figures against the ones the test worked out:
    /// `ideal` and `sequential`, in milliseconds at the test's time scale.
    pub fn assert_plan(&self, ideal: f64, sequential: f64) {
        for (field, expected) in [("ideal_ms", ideal), ("sequential_ms", sequential)]
        {
            let got = self.ms(field);
            assert!(
                (got - expected).abs() < 1e-6,
                "{field}: {got}, expected {expected}"
            );
        }
    }

    /// Checks elapsed against the ideal: never below, at most
    /// [`TOLERANCE_MS`] above.
    pub fn assert_near_ideal(&self) {
        let (elapsed, ideal) = (self.ms("elapsed_ms"), self.ms("ideal_ms"));
        assert!(
            elapsed >= ideal,
            "elapsed {elapsed} ms is below the ideal {ideal} ms"
        );
        assert!(
            elapsed <= ideal + TOLERANCE_MS,
            "elapsed {elapsed} ms is more than {TOLERANCE_MS} ms over the ideal {ideal} ms"
        );
    }
}

pub fn strings(value: &Value) -> Vec<String> {
    let items = value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"));
    items
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

/// Asserts two lists of lines are equal, showing them side by side if not.
pub fn assert_lines_eq(expected: &[String], got: &[String]) {
    if expected == got {
        return;
    }
    let width = expected.iter().map(String::len).max().unwrap_or(0).max(8);
    let mut table = format!("{:<width$} | got\n", "expected");
    for i in 0..expected.len().max(got.len()) {
        let left = expected.get(i).map_or("", String::as_str);
        let right = got.get(i).map_or("", String::as_str);
        let mark = if left == right { ' ' } else { '*' };
        table.push_str(&format!("{left:<width$} |{mark}{right}\n"));
    }
    panic!("lines differ:\n{table}");
}

/// Asserts two lists hold the same lines, in any order.
pub fn assert_same_lines(expected: &[String], got: &[String]) {
    let (mut expected, mut got) = (expected.to_vec(), got.to_vec());
    expected.sort();
    got.sort();
    assert_lines_eq(&expected, &got);
}

/// "Number : 0" .. "Number : 3", as the notebook's first function prints.
pub fn number_lines() -> Vec<String> {
    (0..4).map(|i| format!("Number : {i}")).collect()
}

/// "letter : a" .. "letter : e", as the notebook's second function prints.
pub fn letter_lines() -> Vec<String> {
    "abcde".chars().map(|c| format!("letter : {c}")).collect()
}

/// Whether `pipe` has something to read (or has ended) within `limit`.
fn readable_within(pipe: &ChildStdout, limit: Duration) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let timeout = PollTimeout::try_from(limit).unwrap_or(PollTimeout::MAX);
    loop {
        let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Err(nix::errno::Errno::EINTR) => continue,
            Ok(ready) => return ready > 0,
            Err(_) => return true, // let the read report it
        }
    }
}

/// Waits for a child to exit, for at most `limit`; `None` if it did not.
/// A thread does the blocking wait so the test can give up on time.
pub fn wait_within(child: Child, limit: Duration) -> Option<Output> {
    let (done, exited) = mpsc::channel();
    let id = child.id();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match exited.recv_timeout(limit) {
        Ok(out) => Some(out.expect("waiting for the child")),
        Err(_) => {
            // Do not leave it running behind the failed test.
            let pid = Pid::from_raw(i32::try_from(id).expect("a pid fits in i32"));
            let _ = signal::kill(pid, Signal::SIGKILL);
            None
        }
    }
}
