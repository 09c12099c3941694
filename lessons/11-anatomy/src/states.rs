//! Thread states, live: threads held computing, sleeping, waiting for a
//! lock and waiting on a pipe, and two child processes, one stopped and one
//! exited but not waited for (a zombie). While each is held there, the
//! lesson reads its state letter from `/proc/self/task/TID/stat` (a child's
//! from `/proc/PID/stat`), where in the kernel it waits (`wchan`) and the
//! program counter saved when it left its core (`syscall`). The zombie is
//! reaped once shown, the stopped child killed: none outlives the part.

use std::hint;
use std::io::{self, PipeWriter, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread::{self, Scope};
use std::time::{Duration, Instant};

use lesson_kit::children::Child;
use lesson_kit::say;
use nix::sys::signal::{self, Signal};
use nix::unistd::{Pid, gettid};
use serde_json::{Value, json};

use crate::proc;
use crate::roles;
use crate::table::Table;

/// How long to look for a state before reporting what was seen instead:
/// far longer than any thread takes to get there, even on a busy machine.
const LOOK_FOR: Duration = Duration::from_secs(2);

/// The threads: each one's name, how the table calls it, and the state it
/// is held in.
const THREADS: [(&str, &str, char); 4] = [
    ("computes", "thread: computes", 'R'),
    ("sleeps", "thread: sleeps", 'S'),
    ("locks a Mutex", "thread: locks a Mutex", 'S'),
    ("reads a pipe", "thread: reads a pipe", 'S'),
];

/// What was seen of one thread or process.
struct Seen {
    who: &'static str,
    /// "thread" or "process".
    kind: &'static str,
    /// Its TID, or its PID.
    id: i32,
    expected: char,
    state: Option<char>,
    /// Where in the kernel it waits; empty while it runs.
    wchan: String,
    /// The system call it waits in, and the file whose code holds the
    /// program counter saved when it left its core.
    syscall: Option<(u64, String)>,
}

// ANCHOR: hold
/// What holds the threads in their states. Dropping it lets every one of
/// them go, on every way out of the scope, so that the scope's wait for
/// its threads always ends.
struct Hold<'a> {
    done: &'a AtomicBool,
    lock: Option<MutexGuard<'a, ()>>,
    pipe: Option<PipeWriter>,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        // The waiting thread gets the lock; the reader sees the pipe end.
        self.lock.take();
        self.pipe.take();
    }
}
// ANCHOR_END: hold

pub fn run() -> Result<(), String> {
    say!(
        "states: four threads and two child processes, each held in a state while /proc is read"
    );
    let begun = lesson_kit::elapsed();
    // This one is stopped on purpose: the kit must not give up on it.
    let mut stopped = roles::start_staying("child: stopped", false)?;
    let mut exited = roles::start_staying("child: exited", true)?;
    // ANCHOR: children
    // Once it waits in its read of stdin (S), SIGSTOP stops it there: it
    // cannot be caught or blocked.
    look("child: stopped", "process", pid_of(&stopped), 'S');
    signal::kill(pid_of(&stopped), Signal::SIGSTOP)
        .map_err(|err| format!("cannot stop the child: {err}"))?;
    // Its stdin closed, this child exits; nobody waits for it yet.
    drop(exited.take_stdin());
    // ANCHOR_END: children

    let done = AtomicBool::new(false);
    let lock = Mutex::new(());
    let (mut pipe, pipe_end) =
        io::pipe().map_err(|err| format!("cannot make a pipe: {err}"))?;
    let seen = thread::scope(|scope| -> Result<Vec<Seen>, String> {
        let hold = Hold {
            done: &done,
            lock: Some(lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())),
            pipe: Some(pipe_end),
        };
        let (tids, told) = mpsc::channel();
        // ANCHOR: threads
        start_thread(scope, "computes", &tids, || {
            while !done.load(Ordering::Relaxed) {
                hint::spin_loop();
            }
        })?;
        start_thread(scope, "sleeps", &tids, || {
            while !done.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(10));
            }
        })?;
        // Main holds the lock: this thread waits until main lets it go.
        start_thread(scope, "locks a Mutex", &tids, || drop(lock.lock()))?;
        // Nothing is written to the pipe: the read waits until it closes.
        start_thread(scope, "reads a pipe", &tids, move || {
            let _ = pipe.read(&mut [0]);
        })?;
        // ANCHOR_END: threads
        drop(tids);
        // The threads tell their ids in whatever order they run.
        let ids: Vec<(String, Pid)> = told.iter().collect();
        let held = lesson_kit::elapsed();
        let mut seen = vec![look("main (reading /proc)", "thread", gettid(), 'R')];
        for (name, who, expected) in THREADS {
            if let Some((_, tid)) = ids.iter().find(|(n, _)| n == name) {
                seen.push(look(who, "thread", *tid, expected));
            }
        }
        seen.push(look("child: stopped", "process", pid_of(&stopped), 'T'));
        seen.push(look("child: exited", "process", pid_of(&exited), 'Z'));
        drop(hold);
        let released = lesson_kit::elapsed();
        // A row per thread in the timeline, under its own name.
        for one in seen.iter().filter(|_| !lesson_kit::stopped()) {
            if let Some(name) = one.who.strip_prefix("thread: ") {
                let state = one.state.map_or("?".to_owned(), String::from);
                lesson_kit::record_task(name, &state, held, released);
            }
        }
        Ok(seen)
    })?;
    if lesson_kit::stopped() {
        return Ok(());
    }
    // ANCHOR: reap
    // wait() collects the zombie's exit status: then it is gone for good.
    let zombie = exited.pid();
    exited
        .wait()
        .map_err(|err| format!("child: exited: {err}"))?;
    let reaped = proc::read(&format!("/proc/{zombie}/stat")).is_err();
    // ANCHOR_END: reap
    stopped.kill();
    if lesson_kit::stopped() {
        return Ok(());
    }
    let end = lesson_kit::elapsed();
    for (who, state) in [("child: stopped", "T"), ("child: exited", "Z")] {
        lesson_kit::record_task(who, state, begun, end);
    }

    lesson_kit::show(&table(&seen));
    say!(
        "states: R runs or is ready to; S sleeps until its timer, lock or pipe wakes it; T is stopped; Z has exited"
    );
    say!(
        "states: the three S look alike: wchan says where in the kernel each waits, the saved PC where it goes on"
    );
    if reaped {
        say!(
            "states: the zombie is reaped now: wait() took its exit status, and it is gone from /proc"
        );
    } else {
        say!("states: the zombie was waited for, yet /proc still shows it");
    }
    let facts: Vec<_> = seen.iter().map(Seen::to_json).collect();
    lesson_kit::fact("states", facts);
    lesson_kit::fact("zombie", json!({"pid": zombie, "reaped": reaped}));
    Ok(())
}

/// The table of what was seen; a state that never showed is reported.
fn table(seen: &[Seen]) -> String {
    let mut table =
        Table::new(["who", "state", "waits in (wchan)", "system call", "PC in"]);
    for one in seen {
        let state = one.state.map_or("?".to_owned(), String::from);
        if one.state != Some(one.expected) {
            lesson_kit::warn(format!(
                "states: {} was never seen in {} within {LOOK_FOR:?} (last seen: {state})",
                one.who, one.expected
            ));
        }
        let (call, file) = match &one.syscall {
            Some((number, file)) => {
                let name = proc::syscall_name(*number).unwrap_or("");
                let call = format!("{number} {name}");
                (call.trim_end().to_owned(), file.clone())
            }
            None => ("-".to_owned(), "-".to_owned()),
        };
        let wchan = if one.wchan.is_empty() {
            "-"
        } else {
            &one.wchan
        };
        table.row([one.who.to_owned(), state, wchan.to_owned(), call, file]);
    }
    table.render()
}

impl Seen {
    /// The entry in the JSON `states`.
    fn to_json(&self) -> Value {
        json!({
            "who": self.who,
            "kind": self.kind,
            "id": self.id,
            "expected": self.expected.to_string(),
            "state": self.state.map(String::from),
            "wchan": self.wchan,
            "syscall": self.syscall.as_ref().map(|s| s.0),
            "pc_in": self.syscall.as_ref().map(|s| s.1.clone()),
        })
    }
}

// ANCHOR: start_thread
/// Starts a named thread that sends its thread id (TID) to `tids`, then
/// does `work`: main knows then which `/proc/self/task/TID` is whose.
fn start_thread<'scope>(
    scope: &'scope Scope<'scope, '_>,
    name: &str,
    tids: &mpsc::Sender<(String, Pid)>,
    work: impl FnOnce() + Send + 'scope,
) -> Result<(), String> {
    let (tids, name) = (tids.clone(), name.to_owned());
    thread::Builder::new()
        .name(name.clone())
        .spawn_scoped(scope, move || {
            let _ = tids.send((name, gettid()));
            // Dropped now, not when the thread ends: main's list is complete
            // once every thread has said its id.
            drop(tids);
            work();
        })
        .map(drop)
        .map_err(|err| format!("cannot start a thread: {err}"))
}
// ANCHOR_END: start_thread

fn pid_of(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.pid()).unwrap_or(i32::MAX))
}

// ANCHOR: look
/// Reads the state of a thread of this process (`kind` "thread", by TID)
/// or of a child (by PID) until it is `expected`, for at most [`LOOK_FOR`]:
/// a thread told to sleep may not have got there yet.
fn look(who: &'static str, kind: &'static str, id: Pid, expected: char) -> Seen {
    let dir = match kind {
        "thread" => format!("/proc/self/task/{id}"),
        _ => format!("/proc/{id}"),
    };
    let deadline = Instant::now() + LOOK_FOR;
    loop {
        let stat = proc::read(&format!("{dir}/stat")).ok();
        let state = stat.as_deref().and_then(proc::state);
        if state == Some(expected)
            || Instant::now() >= deadline
            || lesson_kit::stopped()
        {
            return Seen {
                who,
                kind,
                id: id.as_raw(),
                expected,
                state,
                wchan: wchan(&dir),
                syscall: waiting_in(&dir),
            };
        }
        thread::sleep(Duration::from_millis(1));
    }
}
// ANCHOR_END: look

/// Where in the kernel a task waits (`wchan`): a kernel function's name,
/// or empty (`0`) while it runs.
fn wchan(dir: &str) -> String {
    let text = proc::read(&format!("{dir}/wchan")).unwrap_or_default();
    let text = text.trim();
    if text == "0" {
        String::new()
    } else {
        text.to_owned()
    }
}

/// The system call a task waits in, and the file whose code holds its
/// saved program counter, found in the task's process's memory map.
fn waiting_in(dir: &str) -> Option<(u64, String)> {
    let (number, _, pc) =
        proc::saved_registers(&proc::read(&format!("{dir}/syscall")).ok()?)?;
    // A thread's maps are its process's.
    let maps = proc::read(&format!("{dir}/maps")).ok()?;
    let regions = proc::regions(&maps);
    let file = proc::region_of(&regions, pc).map_or("?".to_owned(), |r| r.backing());
    Some((number, file))
}
