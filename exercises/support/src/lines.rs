//! The lines a child process writes, read on a thread of their own so that
//! the test can wait for the next one at most so long: a child that never
//! answers fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// The lines of a pipe (a child's stdout), as they arrive.
pub struct Lines {
    arrivals: Receiver<String>,
}

/// What waiting for the next line gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A line, without its line ending.
    Line(String),
    /// The pipe ended: the writer closed it, or exited.
    Ended,
    /// Nothing came within the time given.
    Silent,
}

impl Lines {
    /// Starts reading `pipe` line by line.
    pub fn read(pipe: impl Read + Send + 'static) -> Lines {
        let (arrived, arrivals) = mpsc::channel();
        thread::Builder::new()
            .name("lines".to_owned())
            .spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if arrived.send(line).is_err() {
                        break;
                    }
                }
            })
            .expect("the test cannot start a thread");
        Lines { arrivals }
    }

    /// The next line, waiting at most `limit` for it.
    pub fn next_within(&self, limit: Duration) -> Next {
        match self.arrivals.recv_timeout(limit) {
            Ok(line) => Next::Line(line),
            Err(RecvTimeoutError::Disconnected) => Next::Ended,
            Err(RecvTimeoutError::Timeout) => Next::Silent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    #[test]
    fn lines_then_silence_then_the_end() {
        let mut child = Command::new("sh")
            .args(["-c", "echo one; sleep 0.5; echo two"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("sh");
        let lines = Lines::read(child.stdout.take().expect("piped"));
        let short = Duration::from_millis(100);
        assert_eq!(
            lines.next_within(Duration::from_secs(5)),
            Next::Line("one".into())
        );
        assert_eq!(lines.next_within(short), Next::Silent);
        assert_eq!(
            lines.next_within(Duration::from_secs(5)),
            Next::Line("two".into())
        );
        assert_eq!(lines.next_within(Duration::from_secs(5)), Next::Ended);
        child.wait().expect("wait");
    }
}
