//! One counter, four processes: the parent's side. It makes the counter
//! file, starts the lesson's binary four times in a counting role, starts
//! them counting together, and reads the counter once they have exited.
//! Processes share no memory, so the counter lives in a file, reached with
//! a file lock or through a shared mapping (see `child.rs`).

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout};
use std::thread;
use std::time::Duration;

use lesson_kit::children::{self, Child};

use crate::args::Way;
use crate::child::COUNTER_BYTES;

/// How many processes count: the notebook's four.
pub const PROCESSES: u64 = 4;

/// A started counting process, with its two pipes.
struct Counter {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

// ANCHOR: count
/// Runs `way` in four processes that each add 1 `increments` times to one
/// counter in a file in `dir`. Returns the final value and how long the
/// counting took, or `None` if Ctrl-C stopped it.
pub fn count(
    way: Way,
    dir: &Path,
    increments: u64,
) -> Result<Option<(u64, Duration)>, String> {
    let path = dir.join(format!("counter-{}", way.name()));
    make_counter_file(&path).map_err(|err| {
        format!(
            "{}: cannot make the counter file {}: {err}",
            way.name(),
            path.display()
        )
    })?;
    let mut counters = Vec::new();
    for n in 1..=PROCESSES {
        // A Child is killed and reaped when dropped: on an early return too.
        counters.push(start(&format!("process {n}"), way, &path, increments)?);
    }
    for counter in &mut counters {
        expect_line(counter, "ready")?;
    }
    // Every process is ready: all start counting at once, the clock too.
    let started = lesson_kit::elapsed();
    for counter in &mut counters {
        children::write_line(&mut counter.stdin, "go").map_err(|err| {
            format!("{}: cannot send go: {err}", counter.child.name())
        })?;
    }
    // Each `done` is heard on its own thread, timed as it arrives.
    let ended = thread::scope(|scope| {
        let waiting: Option<Vec<_>> = (counters.iter_mut())
            .map(|counter| {
                let what = format!("a thread to wait for {}", counter.child.name());
                lesson_kit::spawn_scoped(scope, &what, || {
                    finish(counter, way, started)
                })
            })
            .collect();
        // None: the system refused a thread, which the kit has reported.
        waiting
            .map(|waiting| waiting.into_iter().map(|w| w.join()).collect::<Vec<_>>())
    });
    let Some(ended) = ended else {
        return Ok(None); // the processes are killed as `counters` is dropped
    };
    if lesson_kit::stopped() {
        return Ok(None); // Ctrl-C: the kit has killed the processes
    }
    let mut last = started;
    for end in ended {
        last = last.max(end.map_err(|_| "a reader thread panicked".to_owned())??);
    }
    let value =
        read_counter(&path).map_err(|err| format!("{}: {err}", path.display()))?;
    Ok(Some((value, last - started)))
}
// ANCHOR_END: count

/// A file of 8 zero bytes: the counter, 0. Its length matters to the
/// mapping, which may not reach past the end of the file. The bytes are
/// written, not just sized with `set_len`: a sized file holds no data yet,
/// and on a full disk the first store through a mapping of it would kill
/// the child with SIGBUS; written here, a full disk is an error here.
fn make_counter_file(path: &Path) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(&[0; COUNTER_BYTES as usize])
}

fn read_counter(path: &Path) -> io::Result<u64> {
    let bytes = fs::read(path)?;
    let bytes: [u8; COUNTER_BYTES as usize] = bytes
        .try_into()
        .map_err(|_| io::Error::other("the counter file is not 8 bytes long"))?;
    Ok(u64::from_ne_bytes(bytes))
}

/// Starts one counting process: this binary again, in the role `way`.
fn start(
    name: &str,
    way: Way,
    path: &Path,
    increments: u64,
) -> Result<Counter, String> {
    let args: [OsString; 6] = [
        "--role".into(),
        way.name().into(),
        "--counter-file".into(),
        path.into(),
        "--each".into(),
        increments.to_string().into(),
    ];
    let command = children::command_for_self(args);
    let mut child = command
        .and_then(|command| Child::spawn(name, command))
        .map_err(|err| format!("{name}: {err}"))?;
    // Stopped from outside (`kill -STOP`) and left so, it is killed after a
    // second: the reads below then end instead of waiting for ever.
    child.give_up_when_stopped();
    match (child.take_stdin(), child.take_stdout()) {
        (Some(stdin), Some(stdout)) => Ok(Counter {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        }),
        _ => Err(format!("{name} has no pipes")),
    }
}

/// Reads the process's next line and checks that it is `word`.
fn expect_line(counter: &mut Counter, word: &str) -> Result<(), String> {
    let mut line = String::new();
    let name = counter.child.name().to_owned();
    match counter.stdout.read_line(&mut line) {
        Ok(_) if line.trim_end() == word => Ok(()),
        Ok(0) => {
            // Its pipe ended as it exited, so the kill only reaps it (and
            // ends it, if it closed the pipe and lived on). The status tells
            // a death by Ctrl-C (which reached it too, before it could block
            // it) from a crash.
            let ended = counter.child.end();
            if lesson_kit::stopped() {
                return Ok(());
            }
            match ended {
                Ok(status) => Err(format!(
                    "{name} ended before saying {word:?} ({})",
                    children::describe(status)
                )),
                Err(err) => Err(format!("{name}: {err}")),
            }
        }
        Ok(_) => Err(format!("{name} said {line:?}, not {word:?}")),
        Err(err) => Err(format!("{name}: {err}")),
    }
}

/// Waits for the process's `done`, records its task for the timeline, and
/// waits for its exit; returns when its counting ended.
fn finish(
    counter: &mut Counter,
    way: Way,
    started: Duration,
) -> Result<Duration, String> {
    expect_line(counter, "done")?;
    let ended = lesson_kit::elapsed();
    let name = counter.child.name().to_owned();
    let status = counter
        .child
        .wait()
        .map_err(|err| format!("{name}: {err}"))?;
    if lesson_kit::stopped() {
        return Ok(ended);
    }
    if !status.success() {
        return Err(format!("{name} failed: {}", children::describe(status)));
    }
    lesson_kit::record_task(&name, way.name(), started, ended);
    Ok(ended)
}
