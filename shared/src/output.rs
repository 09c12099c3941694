//! The lesson's output path: stdout for its lines, summary and timeline;
//! stderr for notices. Neither may panic: a closed stdout (`| head -3`) ends
//! the lesson quietly, as command-line tools do, and a closed or full stderr
//! (`2>&1 | head -1`, `2>/dev/full`) only loses the message.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

/// Timeline width when stdout is not a terminal.
const DEFAULT_WIDTH: usize = 80;

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
    let _ = writeln!(io::stderr().lock(), "{}: {message}", name());
}

/// Writes to stdout; see [`write_to`].
pub(crate) fn write_stdout(text: &str) {
    write_to(&mut io::stdout().lock(), text);
}

/// Writes `text` and flushes it. A closed pipe ends the lesson with the
/// status it has earned so far; any other write error is reported, exit 1.
pub(crate) fn write_to(stdout: &mut impl Write, text: &str) {
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
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
