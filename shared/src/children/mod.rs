//! Child processes, for the lessons that start them (02, 04, 05 and 11).
//!
//! A lesson's child is the lesson's own binary started again with a role
//! argument: no second program to build, no shell. This module holds what
//! both sides need so that the lessons show only the concurrency:
//!
//! - both sides speak in lines over the pipes: [`write_line`] sends one,
//!   [`read_lines`] hears them;
//! - the parent builds the command with [`command_for_self`] (the time scale
//!   travels with it) and keeps each child in a [`Child`], which kills and
//!   reaps it when dropped: on a normal end, an error or a panic;
//! - the first Ctrl-C kills every live child, and so do the kit's own exits
//!   (a closed stdout, a second Ctrl-C), which skip destructors: a child
//!   still being started too, even one stopped before its `exec`;
//! - the child calls [`start_child`] first: it blocks the stop signals
//!   (Ctrl-C, SIGTERM, SIGHUP: its parent stops it) and dies with its
//!   parent;
//! - a child whose lines and tasks the parent should show runs its role in
//!   [`run_child`], and the parent starts it with [`Child::spawn_relayed`]:
//!   the child's `say!` and `sleep` then travel back over its stdout
//!   ([`relay`]), and the child's row in the timeline fills in by itself;
//! - a child stopped from outside (`kill -STOP`) would keep its parent
//!   waiting for ever: [`Child::give_up_when_stopped`] has the kit kill it
//!   after a second, and its wait report why.
//!
//! Run by hand, a child role ignores Ctrl-C (it leaves stopping to its
//! parent) and ends when its stdin closes: give it a terminal, or press
//! Ctrl-D.

pub mod relay;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt, parent_id};
use std::path::PathBuf;
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use nix::sys::signal::{self, SigSet, Signal};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;

use crate::stop::Stop;

/// The environment variable that tells a child its parent's PID, so that it
/// can tell whether its parent died before it was ready to notice.
pub const PARENT_PID_ENV: &str = "LESSON_PARENT_PID";

/// The children not reaped yet, for the kill on Ctrl-C and on the kit's
/// own exits, and the starts under way.
static LIVE: Mutex<Kept> = Mutex::new(Kept {
    pids: Vec::new(),
    starting: 0,
    closed: false,
});

/// Signalled whenever a start ends, for the kit's exit, which waits for the
/// starts under way.
static STARTED: Condvar = Condvar::new();

/// What the kill list keeps.
struct Kept {
    /// PIDs of the children not reaped yet. A child is reaped only while
    /// the list is locked (see [`Child::wait`]), so every PID here is still
    /// ours: alive, or a zombie that no other process can be given.
    pids: Vec<u32>,
    /// How many children are being started: in the kernel already, maybe,
    /// but their PIDs not known yet (see [`Child::spawn`]).
    starting: usize,
    /// Set by the kit's exit: no child may start any more.
    closed: bool,
}

/// How long the kit's exit waits for the starts under way to end.
const START_LIMIT: Duration = Duration::from_secs(1);

/// Whether this process is a child that relays its lines to its parent.
static RELAYING: AtomicBool = AtomicBool::new(false);

/// The children to give up on if they stay stopped, each with the moment
/// it was first seen stopped; and the PIDs of those given up on.
static WATCHED: Mutex<Vec<(u32, Option<Instant>)>> = Mutex::new(Vec::new());
static GIVEN_UP: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// How long a watched child may stay stopped while its parent runs.
const STOPPED_LIMIT: Duration = Duration::from_secs(1);

/// How often the watcher looks at the children.
const WATCH_EVERY: Duration = Duration::from_millis(100);

// ANCHOR: command
/// A command that runs this lesson's binary again with `args`, passing the
/// time scale on. Its stdin and stdout are pipes to the parent; its stderr
/// is the parent's, so a child's error message reaches the terminal.
pub fn command_for_self<I, S>(args: I) -> io::Result<Command>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(this_program()?);
    // The child's argv[0] is the lesson's name, as if started by name.
    if let Some(arg0) = std::env::args_os().next() {
        command.arg0(arg0);
    }
    command
        .args(args)
        .arg("--time-scale")
        .arg(crate::options().time_scale.to_string())
        .env(PARENT_PID_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    Ok(command)
}
// ANCHOR_END: command

/// The program to start a child from: on Linux the running image itself,
/// which stays valid even after `cargo build` replaces or deletes the file
/// the lesson was started from; elsewhere the path it was started from.
fn this_program() -> io::Result<PathBuf> {
    if cfg!(target_os = "linux") {
        return Ok(PathBuf::from("/proc/self/exe"));
    }
    std::env::current_exe()
}

/// A running child process, named for the timeline ("process 1 (squares)").
/// Dropping it kills the child and waits for it, so that no child outlives
/// the lesson and none is left a zombie.
#[derive(Debug)]
pub struct Child {
    name: String,
    inner: std::process::Child,
    /// The thread that relays the child's lines, for a relayed child.
    relay: Option<JoinHandle<()>>,
    /// Whether a wait has reaped it (std keeps the status for later waits).
    reaped: bool,
}

impl Child {
    /// Starts `command` as a child called `name`.
    ///
    /// On Linux a child that calls [`start_child`] dies when the *thread*
    /// that spawned it ends, not the process: `PR_SET_PDEATHSIG` follows the
    /// spawning thread. Spawn children from a thread that lives as long as
    /// they should (the main thread, or the pool's owner).
    pub fn spawn(name: &str, mut command: Command) -> io::Result<Self> {
        // Counted as a start under way, not started under the kill list's
        // lock: a child stopped (SIGSTOP) between its creation and its exec
        // holds `spawn` until it dies, and the kill that ends it on Ctrl-C
        // takes that lock. The kit's exit waits for the count to fall to
        // none, so it finds this child on the list (see `kill_and_reap_live`).
        begin_start();
        let spawned = command.spawn();
        let mut live = live();
        if let Ok(inner) = &spawned {
            live.pids.push(inner.id());
        }
        live.starting -= 1;
        drop(live);
        STARTED.notify_all();
        let inner = spawned.map_err(|err| {
            let program = command.get_program().display();
            io::Error::new(err.kind(), format!("cannot start {program}: {err}"))
        })?;
        let mut child = Self {
            name: name.to_owned(),
            inner,
            relay: None,
            reaped: false,
        };
        crate::add_worker(name);
        // A Ctrl-C between the caller's last check and the registration
        // would have missed this child: stop it now instead.
        if crate::stopped() {
            child.kill();
        }
        Ok(child)
    }

    /// Starts `command` as a child called `name` that runs its role in
    /// [`run_child`]: a thread of the parent prints the child's lines as
    /// they come and records its tasks under its row. [`Child::wait`]
    /// waits for the last of them.
    pub fn spawn_relayed(name: &str, command: Command) -> io::Result<Self> {
        let mut child = Self::spawn(name, command)?;
        if let Some(stdout) = child.take_stdout() {
            // No thread for the relay: the child is dropped, so killed.
            let relay = relay::relay(name.to_owned(), stdout).map_err(|err| {
                let why = format!("cannot start a thread to relay its lines: {err}");
                io::Error::new(err.kind(), why)
            })?;
            child.relay = Some(relay);
        }
        Ok(child)
    }

    /// Has the kit give up on this child if something stops it from
    /// outside (SIGSTOP, `kill -STOP`) and it stays stopped for a second
    /// while this lesson runs: it is killed, so that whatever waits for it
    /// (its exit, its next line) ends, and [`Child::wait`] and
    /// [`Child::end`] return an error that says why. A child stopped with
    /// the whole lesson (Ctrl-Z) is not given up on: the parent, stopped
    /// too, sees no time pass.
    ///
    /// The watch runs on one thread of the kit's for all children. If the
    /// system refuses that thread, the refusal is reported as
    /// [`crate::spawn`] reports one, and the child is not watched.
    pub fn give_up_when_stopped(&self) {
        static WATCHER: Once = Once::new();
        WATCHER.call_once(|| {
            // Named, as a lesson that lists its threads shows it.
            let watcher = (thread::Builder::new().name("child watcher".to_owned()))
                .spawn(watch_stopped);
            if let Err(err) = watcher {
                let what = "the thread that watches the children";
                crate::fail(format!("cannot start {what}: {err}"));
            }
        });
        lock(&WATCHED).push((self.pid(), None));
    }

    /// The child's name, as its timeline row shows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The child's process ID.
    pub fn pid(&self) -> u32 {
        self.inner.id()
    }

    /// The child's stdin pipe, taken out to write to it.
    pub fn take_stdin(&mut self) -> Option<std::process::ChildStdin> {
        self.inner.stdin.take()
    }

    /// The child's stdout pipe, taken out to read it (usually on a thread).
    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.inner.stdout.take()
    }

    /// Waits for the child to exit and returns its exit status (for a
    /// relayed child, after its last line is printed). After Ctrl-C the kit
    /// has killed it, so this returns promptly.
    ///
    /// A child that died of a stop signal (SIGINT, SIGTERM, SIGHUP) died of
    /// the lesson's stop, which the same signal brings to this process:
    /// this returns once [`crate::stopped`] says so (or after a second, if
    /// the signal was the child's alone), so that a caller that checks it
    /// treats the death as part of the stop, not as a crash.
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        self.wait_with(&crate::current().stop, STOP_SIGNAL_GRACE)
    }

    /// [`Child::wait`], with the stop to wait for after a death by a stop
    /// signal, and how long.
    fn wait_with(&mut self, stop: &Stop, grace: Duration) -> io::Result<ExitStatus> {
        // The relay ends when the child closes its stdout, at its exit.
        if let Some(relay) = self.relay.take()
            && relay.join().is_err()
        {
            crate::fail(format!("the relay of {} panicked", self.name));
        }
        // Wait for the exit without reaping: until it is reaped, the PID
        // cannot be given to another process, so a kill from the Ctrl-C
        // thread cannot hit a stranger. Then reap it under the lock that
        // the kill takes.
        let pid = Pid::from_raw(i32::try_from(self.pid()).unwrap_or(i32::MAX));
        // Any other answer means it exited, or was reaped by an earlier
        // wait, whose status std keeps.
        let exited = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
        while let Err(nix::errno::Errno::EINTR) = waitid(Id::Pid(pid), exited) {}
        let mut live = live();
        let status = self.inner.wait();
        live.pids.retain(|&other| other != self.pid());
        drop(live);
        // Once, and outside the lock: the stop's hook that kills the
        // children takes it.
        if let Ok(status) = status
            && !std::mem::replace(&mut self.reaped, true)
        {
            part_of_the_stop(status, stop, grace);
        }
        if lock(&GIVEN_UP).contains(&self.pid()) {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "stopped from outside (SIGSTOP) and left stopped for {} s: \
                     killed",
                    STOPPED_LIMIT.as_secs()
                ),
            ));
        }
        status
    }

    /// Kills the child (SIGKILL) and waits for it; returns its exit status.
    pub fn kill(&mut self) -> Option<ExitStatus> {
        self.end().ok()
    }

    /// Kills the child (SIGKILL) and waits for it, as [`Child::kill`]
    /// does, but returns what [`Child::wait`] returns: for a child whose
    /// pipe ended, whether it exited, died of a signal or was given up on.
    pub fn end(&mut self) -> io::Result<ExitStatus> {
        // Killing a child that has already exited is harmless: std knows.
        let _ = self.inner.kill();
        self.wait()
    }
}

/// Locks one of the kit's lists, whatever a panic elsewhere did to it.
fn lock<T>(list: &Mutex<T>) -> MutexGuard<'_, T> {
    list.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The watcher of [`Child::give_up_when_stopped`]: every [`WATCH_EVERY`]
/// it looks at each watched child, and kills one that has been stopped
/// (state `T` in `/proc`) for [`STOPPED_LIMIT`]. A gap far longer than
/// its own period means this process was stopped too (Ctrl-Z, which stops
/// the whole job): what it saw before does not count.
fn watch_stopped() {
    let mut looked = Instant::now();
    loop {
        thread::sleep(WATCH_EVERY);
        let now = Instant::now();
        let resumed = now.saturating_duration_since(looked) > WATCH_EVERY * 5;
        looked = now;
        let mut watched = lock(&WATCHED);
        // Under the kill list's lock: a PID on it is still ours (see LIVE).
        let live = live();
        watched.retain(|(pid, _)| live.pids.contains(pid));
        watched.retain_mut(|(pid, since)| {
            let stopped = state(*pid) == Some('T');
            if !stopped || resumed {
                *since = None;
                return true;
            }
            let since = *since.get_or_insert(now);
            if now.saturating_duration_since(since) < STOPPED_LIMIT {
                return true;
            }
            lock(&GIVEN_UP).push(*pid);
            if let Ok(raw) = i32::try_from(*pid) {
                let _ = signal::kill(Pid::from_raw(raw), Signal::SIGKILL);
            }
            false
        });
    }
}

/// The state letter of process `pid` (`R`, `S`, `T`...) from
/// `/proc/PID/stat`, if it exists.
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "PID (NAME) STATE ...": the name may hold spaces and parentheses.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Says how a child ended, in words: "exit status 3", "killed by SIGABRT".
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    match status.signal().map(Signal::try_from) {
        Some(Ok(signal)) => format!("killed by {signal}"),
        Some(Err(_)) => format!("killed by signal {}", status.signal().unwrap_or(0)),
        None => status.to_string(),
    }
}

/// The signals that stop a lesson: a child blocks them from its first
/// step ([`start_child`]) and leaves the stopping to its parent.
const STOP_SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// How long a parent waits for its own stop after a child died of a stop
/// signal. Far longer than the signal takes to reach the parent's handler
/// on a busy machine; only a stop signal sent to the child alone (a
/// failure, then) costs the whole of it.
const STOP_SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// Whether a child that ended with `status` ended as part of a stop.
///
/// Ctrl-C reaches the whole process group at once. A child signalled in
/// its first microseconds, before [`start_child`] blocks the stop signals,
/// dies of the signal, and its parent can see that death before its own
/// handler has raised the stop (another thread does that). So a death by
/// a stop signal waits, at most `grace`, for `stop`: once this returns
/// `true`, `stop` is requested (for the run's stop, [`crate::stopped`] says
/// so), and the caller's usual check treats the death as part of the stop,
/// not as a crash.
fn part_of_the_stop(status: ExitStatus, stop: &Stop, grace: Duration) -> bool {
    let by_a_stop_signal = (status.signal())
        .and_then(|number| Signal::try_from(number).ok())
        .is_some_and(|signal| STOP_SIGNALS.contains(&signal));
    if by_a_stop_signal {
        // Woken as soon as the stop comes: `false` means it came.
        return !stop.wait_until(Instant::now() + grace);
    }
    stop.requested()
}

fn live() -> MutexGuard<'static, Kept> {
    lock(&LIVE)
}

/// Counts a child as being started; the first time, registers the kit's
/// stop and exit hooks that use the kill list. Once the kit's exit has
/// begun, no child may start: the calling thread waits here until the
/// process ends.
fn begin_start() {
    static HOOKS: Once = Once::new();
    HOOKS.call_once(|| {
        crate::on_stop(kill_live);
        crate::on_exit(kill_and_reap_live);
    });
    let mut live = live();
    while live.closed {
        live = STARTED.wait(live).unwrap_or_else(PoisonError::into_inner);
    }
    live.starting += 1;
}

/// Kills every child not reaped yet, for the stop. Their [`Child`] handles
/// reap them; if the process is ending instead, the children die with it
/// all the same.
fn kill_live() {
    kill_all(&live());
}

/// Kills the children on the list and, while starts are under way, the
/// children being started, whose PIDs only the kernel knows yet. Called
/// with the list locked, so that none of them is reaped meanwhile.
fn kill_all(live: &Kept) {
    for &pid in &live.pids {
        kill_pid(pid);
    }
    if live.starting > 0 {
        for pid in not_yet_started(&live.pids) {
            kill_pid(pid);
        }
    }
}

fn kill_pid(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// This process's children that are not on `listed` and run this program:
/// the ones being started, created but not yet through `exec` (or through
/// it into this program again, as a lesson's children are). A child
/// stopped (SIGSTOP) before its `exec` holds the thread that starts it;
/// killed, it lets that thread go on. Children of other programs are left
/// alone: a start that has reached their `exec` ends at once.
fn not_yet_started(listed: &[u32]) -> Vec<u32> {
    let Ok(this_program) = std::fs::metadata("/proc/self/exe") else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id();
    let this_program = |pid: u32| {
        std::fs::metadata(format!("/proc/{pid}/exe")).is_ok_and(|file| {
            (file.dev(), file.ino()) == (this_program.dev(), this_program.ino())
        })
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|pid| !listed.contains(pid))
        .filter(|&pid| parent_of(pid) == Some(me) && this_program(pid))
        .collect()
}

/// The parent of process `pid`, from `/proc/PID/stat`.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "PID (NAME) STATE PPID ...": the name may hold spaces and parentheses.
    let after_name = stat.rsplit_once(')')?.1;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// Kills every child not reaped yet and waits for each to die, for the
/// kit's own exits: the process is ending, and "ending" must not leave a
/// child still dying behind it for a moment.
fn kill_and_reap_live() {
    let mut live = live();
    live.closed = true;
    // A start under way ends once its child has run exec, or died (killed
    // here if it is stopped before exec); the child is on the list then.
    let deadline = Instant::now() + START_LIMIT;
    while live.starting > 0 && Instant::now() < deadline {
        kill_all(&live);
        live = match STARTED.wait_timeout(live, Duration::from_millis(10)) {
            Ok((live, _)) => live,
            Err(poisoned) => poisoned.into_inner().0,
        };
    }
    kill_all(&live);
    for &pid in &live.pids {
        if let Ok(pid) = i32::try_from(pid) {
            let _ = nix::sys::wait::waitpid(Pid::from_raw(pid), None);
        }
    }
    // Held until the process ends: a child's wait reaps under this lock,
    // and a start waits for it (`closed`), so nothing changes any more.
    std::mem::forget(live);
}

// ANCHOR: start_child
/// Prepares this process to be a well-behaved child; call it first in the
/// child's role.
///
/// - Ctrl-C in a terminal reaches the whole process group, the children
///   too, and so do `kill -TERM -<group>`, `timeout` and the SIGHUP of a
///   closed terminal. The parent catches all three (SIGINT, SIGTERM,
///   SIGHUP) and stops cleanly; a child blocks all three and leaves the
///   stopping to its parent, which knows what finished. A child that died
///   of one first would look to its parent like a crash: a task lost, or a
///   child failed, before the parent even knew it was stopping.
/// - On Linux the child asks to be killed when its parent dies
///   (`PR_SET_PDEATHSIG`), then checks that the parent is still the one that
///   started it: if the parent died before the request, no signal will come.
pub fn start_child() {
    // Blocked before this child starts any thread, so its threads inherit
    // the mask; the parent's SIGKILL cannot be blocked and still ends it.
    let mut stop_signals = SigSet::empty();
    for signal in STOP_SIGNALS {
        stop_signals.add(signal);
    }
    let _ = stop_signals.thread_block();
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
    let expected = std::env::var(PARENT_PID_ENV).ok();
    if let Some(expected) = expected.and_then(|pid| pid.parse::<u32>().ok())
        && parent_id() != expected
    {
        std::process::exit(1);
    }
}
// ANCHOR_END: start_child

/// Runs a child's role so that its parent shows what it does: calls
/// [`start_child`], ends the child when its stdin closes (the parent is
/// gone), and sends every `say!` and every task [`crate::sleep`] opens to the
/// parent over stdout (see [`relay`]). The parent starts such a child with
/// [`Child::spawn_relayed`].
pub fn run_child(role: impl FnOnce() -> ExitCode) -> ExitCode {
    start_child();
    exit_when_stdin_closes();
    RELAYING.store(true, Ordering::SeqCst);
    role()
}

/// Whether this process is a child started in [`run_child`].
pub(crate) fn relaying() -> bool {
    RELAYING.load(Ordering::Relaxed)
}

/// Ends this child when its stdin closes, for a child that reads nothing
/// from its parent: a closed pipe is how it learns, on any Unix, that the
/// parent is gone.
pub fn exit_when_stdin_closes() {
    let watching = thread::Builder::new().spawn(|| {
        let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
        std::process::exit(1);
    });
    // No thread for it (the system refused one): the child goes on without
    // the watch. Its parent kills it when done, and on Linux the parent's
    // death kills it too (see `start_child`).
    drop(watching);
}

/// Writes `line` and a newline to `pipe`, and flushes it at once: the
/// reader on the other end is waiting for this very line, not for a buffer
/// to fill.
pub fn write_line(pipe: &mut impl Write, line: &str) -> io::Result<()> {
    // One write for the line and its newline: `writeln!` would make two,
    // and the reader would wake up for half a line.
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    pipe.write_all(&bytes)?;
    pipe.flush()
}

/// Reads `pipe` line by line until it ends (or fails), handing each line to
/// `each` without its newline; stops early when `each` returns `false`.
/// A line that is not UTF-8 comes as an `Err` that quotes it, so that the
/// reader can report it as garbage instead of stopping without a word.
pub fn read_lines(
    pipe: impl Read,
    mut each: impl FnMut(Result<String, String>) -> bool,
) {
    let mut pipe = BufReader::new(pipe);
    loop {
        let mut bytes = Vec::new();
        match pipe.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        let line = String::from_utf8(bytes).map_err(|err| {
            let text = String::from_utf8_lossy(err.as_bytes());
            format!("a line that is not UTF-8: {text:?}")
        });
        if !each(line) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_names_codes_and_signals() {
        assert_eq!(describe(ExitStatus::from_raw(3 << 8)), "exit status 3");
        assert_eq!(describe(ExitStatus::from_raw(6)), "killed by SIGABRT");
        assert_eq!(describe(ExitStatus::from_raw(9)), "killed by SIGKILL");
    }

    #[test]
    fn a_dropped_child_is_killed_and_reaped() {
        let mut command = Command::new("sleep");
        command.arg("30");
        let child = Child::spawn("sleeper", command).expect("sleep starts");
        let pid = child.pid();
        assert!(live().pids.contains(&pid));
        drop(child);
        assert!(!live().pids.contains(&pid));
        // Reaped: the PID no longer names any process, not even a zombie.
        let pid = Pid::from_raw(i32::try_from(pid).unwrap());
        assert!(signal::kill(pid, None).is_err());
    }

    #[test]
    fn a_child_is_reaped_only_under_the_kill_lists_lock() {
        let mut child =
            Child::spawn("quick", Command::new("true")).expect("true starts");
        let pid = child.pid();
        // Hold the lock the Ctrl-C kill takes, as if it were signalling now.
        let held = live();
        let waiter = thread::spawn(move || child.wait().map(|s| s.success()));
        // The child exits at once and becomes a zombie; while the lock is
        // held it must stay one: reaped, its PID could go to a stranger
        // that the kill would then hit.
        let began = Instant::now();
        while state(pid) != Some('Z') {
            assert!(began.elapsed() < Duration::from_secs(5), "never exited");
            thread::yield_now();
        }
        let watch = Instant::now();
        while watch.elapsed() < Duration::from_millis(200) {
            assert_eq!(state(pid), Some('Z'), "reaped while the kill list was held");
            thread::yield_now();
        }
        drop(held);
        assert_eq!(waiter.join().expect("the waiter").ok(), Some(true));
        assert_eq!(state(pid), None, "reaped once the lock was free");
        assert!(!live().pids.contains(&pid));
    }

    /// A child that dies of a stop signal, as one signalled in its first
    /// microseconds does, before it blocks the stop signals. SIGTERM, not
    /// SIGINT: a command started with `&` from a script inherits SIGINT
    /// ignored, and sh cannot undo that, so the test would depend on how
    /// it was started.
    fn dies_of_a_stop_signal() -> Child {
        let mut command = Command::new("sh");
        command.args(["-c", "kill -TERM $$"]);
        Child::spawn("interrupted", command).expect("sh starts")
    }

    #[test]
    fn a_death_by_a_stop_signal_seen_before_the_stop_waits_for_it() {
        let mut child = dies_of_a_stop_signal();
        let pid = child.pid();
        let stop = Stop::default();
        let began = Instant::now();
        let status = thread::scope(|scope| {
            // The stop comes only once the parent has reaped the child (its
            // PID is gone from /proc): after it saw the death, as when its
            // own signal handler runs late.
            scope.spawn(|| {
                while state(pid).is_some() {
                    assert!(
                        began.elapsed() < Duration::from_secs(30),
                        "never reaped"
                    );
                    thread::yield_now();
                }
                stop.raise();
                stop.wake_all();
            });
            let status = child.wait_with(&stop, Duration::from_secs(60));
            // Asked now, before the scope waits for the thread to end.
            assert!(stop.requested(), "the wait ended before the stop came");
            status
        });
        let status = status.expect("a status");
        assert_eq!(describe(status), "killed by SIGTERM");
        // Woken by the stop, not by the end of the grace.
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "{:?}",
            began.elapsed()
        );
    }

    #[test]
    fn a_death_by_a_stop_signal_with_no_stop_is_reported_after_the_grace() {
        let mut child = dies_of_a_stop_signal();
        let stop = Stop::default();
        let grace = Duration::from_millis(100);
        let began = Instant::now();
        let status = child.wait_with(&stop, grace).expect("a status");
        assert_eq!(describe(status), "killed by SIGTERM");
        assert!(began.elapsed() >= grace, "no wait for the stop");
        assert!(!stop.requested());
        // Once: a later wait (a kill, the drop) has nothing more to wait for.
        let again = Instant::now();
        child
            .wait_with(&stop, Duration::from_secs(60))
            .expect("a status");
        assert!(again.elapsed() < Duration::from_secs(30), "waited twice");
    }

    /// Set in a copy of this test binary that runs one test alone: the
    /// kit's kill of every child would hit the other tests' children.
    const ALONE: &str = "LESSON_KIT_TEST_ALONE";

    /// Runs `test` (its full path) in a copy of this test binary, alone,
    /// and checks that it passed, within a minute.
    fn run_alone(test: &str) {
        let binary = std::env::current_exe().expect("the test binary");
        let mut command = Command::new(binary);
        command.args(["--exact", test, "--nocapture", "--test-threads", "1"]);
        command
            .env(ALONE, "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut copy = command.spawn().expect("the test binary starts");
        let began = Instant::now();
        while copy.try_wait().expect("a wait").is_none() {
            if began.elapsed() > Duration::from_secs(60) {
                let _ = copy.kill();
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let output = copy.wait_with_output().expect("its output");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{test} alone: {text}");
        assert!(text.contains("1 passed"), "{test} did not run: {text}");
    }

    /// Starts `true` as a kit child that stops itself (SIGSTOP) between its
    /// creation and its `exec`, as one stopped from outside at that moment
    /// does, on a thread that then waits for it. Returns that thread and
    /// the stopped child's PID, which `Child::spawn` has not returned.
    fn start_a_child_stopped_before_exec()
    -> (JoinHandle<io::Result<ExitStatus>>, u32) {
        let mut command = Command::new("true");
        stop_before_exec(&mut command);
        let starter =
            thread::spawn(move || Child::spawn("stopped", command)?.wait());
        let began = Instant::now();
        loop {
            let me = std::process::id();
            let stopped = (std::fs::read_dir("/proc").expect("/proc").flatten())
                .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
                .find(|&pid| parent_of(pid) == Some(me) && state(pid) == Some('T'));
            if let Some(pid) = stopped {
                return (starter, pid);
            }
            assert!(began.elapsed() < Duration::from_secs(30), "never stopped");
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[allow(unsafe_code)] // a hook run between fork and exec
    fn stop_before_exec(command: &mut Command) {
        // SAFETY: the hook runs in the forked child before exec, where only
        // async-signal-safe calls are allowed; raise is one, and that is all
        // the hook calls.
        unsafe {
            command.pre_exec(|| {
                signal::raise(Signal::SIGSTOP).map_err(io::Error::from)
            });
        }
    }

    /// Runs `hook` on a thread of its own; returns whether it ended within
    /// 10 s. If not, kills `stuck`, so that the test ends instead of hanging.
    fn ends_in_time(hook: fn(), stuck: u32) -> bool {
        let (ended, hook_ended) = std::sync::mpsc::channel();
        thread::spawn(move || {
            hook();
            let _ = ended.send(());
        });
        let in_time = hook_ended.recv_timeout(Duration::from_secs(10)).is_ok();
        if !in_time {
            kill_pid(stuck);
        }
        in_time
    }

    /// A child stopped before its `exec` holds the thread that starts it.
    /// The stop's hook (Ctrl-C) must still get the kill list, and kill that
    /// child too, so that the start ends and the lesson can stop.
    #[test]
    fn a_child_stopped_before_its_exec_does_not_hold_up_the_stop() {
        if std::env::var_os(ALONE).is_none() {
            return run_alone(
                "children::tests::a_child_stopped_before_its_exec_does_not_hold_up_the_stop",
            );
        }
        let (starter, stopped) = start_a_child_stopped_before_exec();
        let in_time = ends_in_time(kill_live, stopped);
        assert!(in_time, "the stop waited for the start of a stopped child");
        let status = starter.join().expect("no panic").expect("a status");
        assert_eq!(describe(status), "killed by SIGKILL");
        assert_eq!(state(stopped), None, "not reaped");
        let live = live();
        assert!(live.pids.is_empty() && live.starting == 0, "still listed");
    }

    /// The kit's exit (a second Ctrl-C, a closed stdout) must not miss a
    /// child whose start is under way: it kills the child stopped before its
    /// `exec`, waits for the start to put it on the list, and reaps it.
    #[test]
    fn the_exit_kills_and_reaps_a_child_stopped_before_its_exec() {
        if std::env::var_os(ALONE).is_none() {
            return run_alone(
                "children::tests::the_exit_kills_and_reaps_a_child_stopped_before_its_exec",
            );
        }
        let (_starter, stopped) = start_a_child_stopped_before_exec();
        let in_time = ends_in_time(kill_and_reap_live, stopped);
        assert!(in_time, "the exit waited for the start of a stopped child");
        assert_eq!(state(stopped), None, "not killed and reaped");
    }

    #[test]
    fn only_the_stop_signals_wait_for_the_stop() {
        let stop = Stop::default();
        let long = Duration::from_secs(60);
        let began = Instant::now();
        for status in [0, 3 << 8, 9, 6] {
            let status = ExitStatus::from_raw(status);
            assert!(!part_of_the_stop(status, &stop, long), "{status:?}");
        }
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "waited for no reason"
        );
        stop.raise();
        for status in [0, 9, 2, 15, 1] {
            let status = ExitStatus::from_raw(status);
            assert!(part_of_the_stop(status, &stop, long), "{status:?}");
        }
    }

    #[test]
    fn lines_are_read_whole_and_bad_bytes_reported() {
        let pipe: &[u8] = b"start\ndone Square: 4\n\xff\xfe oops\nlast, no newline";
        let mut got = Vec::new();
        read_lines(pipe, |line| {
            got.push(line);
            true
        });
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0].as_deref(), Ok("start"));
        assert_eq!(got[1].as_deref(), Ok("done Square: 4"));
        assert!(got[2].as_ref().is_err_and(|why| why.contains("not UTF-8")));
        assert_eq!(got[3].as_deref(), Ok("last, no newline"));
    }

    #[test]
    fn a_reader_stops_when_asked() {
        let pipe: &[u8] = b"one\ntwo\nthree\n";
        let mut count = 0;
        read_lines(pipe, |_| {
            count += 1;
            false
        });
        assert_eq!(count, 1);
    }

    #[test]
    fn a_written_line_ends_with_a_newline() {
        let mut pipe = Vec::new();
        write_line(&mut pipe, "task 1 1 5").expect("a Vec takes it");
        assert_eq!(pipe, b"task 1 1 5\n");
    }
}
