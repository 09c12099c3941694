//! The lesson's output path: stdout for its lines, summary and timeline;
//! stderr for notices. Neither may panic: a closed stdout (`| head -3`) ends
//! the lesson quietly, as command-line tools do, and a closed or full stderr
//! (`2>&1 | head -1`, `2>/dev/full`) only loses the message.
//!
//! Neither may hold up a stop either: every write is counted while it is
//! under way ([`Writing`]), so that the stop's watchdog can tell a pipe
//! that nobody reads from a lesson that is merely busy.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

/// Timeline width when stdout is not a terminal.
const DEFAULT_WIDTH: usize = 80;

/// Writes begun and writes ended, of stdout and stderr together.
static WRITES_BEGUN: AtomicU64 = AtomicU64::new(0);
static WRITES_ENDED: AtomicU64 = AtomicU64::new(0);

/// A write under way: begun when made, ended when dropped (after the
/// write, whether it worked or not). The wait for the stream's lock counts
/// too: a thread stuck behind a blocked writer is stuck as well.
pub(crate) struct Writing;

impl Writing {
    pub(crate) fn begin() -> Self {
        WRITES_BEGUN.fetch_add(1, Ordering::SeqCst);
        Self
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITES_ENDED.fetch_add(1, Ordering::SeqCst);
    }
}

/// How many writes have ended so far, and whether one is under way.
pub(crate) fn progress() -> (u64, bool) {
    // Ended first: a write that begins and ends in between is not taken
    // for one under way.
    let ended = WRITES_ENDED.load(Ordering::SeqCst);
    let begun = WRITES_BEGUN.load(Ordering::SeqCst);
    (ended, begun > ended)
}

/// The lesson's name: its binary's name, as cargo built it.
pub(crate) fn name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "lesson".to_owned())
}

/// Writes `lesson-NN-name: message` on stderr; a failed write is ignored,
/// where `eprintln!` would panic.
pub(crate) fn warn(message: impl Display) {
    let _writing = Writing::begin();
    let _ = writeln!(io::stderr().lock(), "{}: {message}", name());
}

/// Writes `lesson-NN-name: message` on stderr from a thread of its own, and
/// waits for it at most `limit`: for the stop handler, which must never
/// block on a stderr that nobody reads. Returns whether it was written (or
/// failed) within the limit; a write still blocked is left to the thread,
/// which ends with the process. Not counted as a [`Writing`]: the watchdog
/// looks after the lesson's own output, not after its own notices.
pub(crate) fn warn_within(message: String, limit: Duration) -> bool {
    let (written, wait) = std::sync::mpsc::channel();
    let writer = thread::Builder::new().name("stop notice".to_owned());
    let spawned = writer.spawn(move || {
        let _ = writeln!(io::stderr().lock(), "{}: {message}", name());
        let _ = written.send(());
    });
    // No thread for it (the system refused one): the notice is lost, the
    // stop is not.
    spawned.is_ok() && wait.recv_timeout(limit).is_ok()
}

/// Writes to stdout; see [`write_to`].
pub(crate) fn write_stdout(text: &str) {
    let _writing = Writing::begin();
    write_to(&mut io::stdout().lock(), text);
}

/// Writes `text` and flushes it. A closed pipe ends the lesson with the
/// status it has earned so far; any other write error is reported, exit 1.
pub(crate) fn write_to(stdout: &mut impl Write, text: &str) {
    let writing = Writing::begin();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    drop(writing);
    if let Err(err) = written {
        // Quiet, but not hiding a failure or a stop that came before.
        if err.kind() == io::ErrorKind::BrokenPipe {
            crate::exit(i32::from(crate::run::current().status()));
        }
        warn(format_args!("cannot write the output: {err}"));
        crate::exit(1);
    }
}

/// The terminal's width, or 80 columns when stdout is not a terminal.
pub(crate) fn terminal_width() -> usize {
    let stdout = io::stdout();
    if !stdout.is_terminal() {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size_of(stdout)
        .map_or(DEFAULT_WIDTH, |(terminal_size::Width(w), _)| usize::from(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_under_way_is_counted_until_it_ends() {
        // Other tests write too: compare with what this one adds.
        let (ended_before, _) = progress();
        let writing = Writing::begin();
        let (_, under_way) = progress();
        assert!(under_way);
        drop(writing);
        let (ended_after, _) = progress();
        assert!(ended_after > ended_before);
    }
}
