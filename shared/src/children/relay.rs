//! A child's lines and task spans, carried back to its parent over the
//! child's stdout, so that the parent prints them and draws the child's row
//! in the timeline.
//!
//! Inside a relaying child ([`super::run_child`]) the lesson's own calls do
//! the talking: [`crate::sleep`] sends `start` when it opens a task, and
//! [`crate::say!`] sends `done <line>` (the line ends the task) or
//! `say <line>` (a line that ends no task). The parent's [`relay`] thread
//! timestamps each message as it arrives, so the child needs no clock of
//! its own.

use std::io::{self, Write};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{read_lines, write_line};

/// One message from a child to its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A task starts now.
    Start,
    /// The task running ends, and this is the line it prints.
    Done(String),
    /// A line to print that ends no task (the PIDs, the counter).
    Say(String),
}

impl Message {
    /// The message as one line, without its newline.
    pub fn encode(&self) -> String {
        match self {
            Message::Start => "start".to_owned(),
            Message::Done(line) => format!("done {line}"),
            Message::Say(line) => format!("say {line}"),
        }
    }

    /// Reads a line the child wrote; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        match line.split_once(' ') {
            _ if line == "start" => Ok(Message::Start),
            Some(("done", text)) => Ok(Message::Done(text.to_owned())),
            Some(("say", text)) => Ok(Message::Say(text.to_owned())),
            _ => Err(format!("unexpected line from a child: {line:?}")),
        }
    }
}

/// The child's side of [`crate::sleep`]: a task starts.
pub(crate) fn task_starts() {
    send(&mut io::stdout().lock(), &Message::Start);
}

/// The child's side of [`crate::say`]: the line, and whether it ended a task.
pub(crate) fn said(stdout: &mut impl Write, ended_a_task: bool, line: &str) {
    let message = if ended_a_task {
        Message::Done(line.to_owned())
    } else {
        Message::Say(line.to_owned())
    };
    send(stdout, &message);
}

/// Writes one message to the parent. A child whose parent has gone has no
/// one to work for, so a failed write ends it.
fn send(stdout: &mut impl Write, message: &Message) {
    if write_line(stdout, &message.encode()).is_err() {
        std::process::exit(1);
    }
}

/// The parent's side: a thread that reads the child's messages until the
/// child closes its stdout, prints its lines and records its tasks under
/// the row `worker`. `Err` if the system refuses the thread.
pub(crate) fn relay(
    worker: String,
    stdout: impl io::Read + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    // `move`: the thread owns the pipe and the name, and outlives this call.
    thread::Builder::new().spawn(move || {
        let mut start = crate::elapsed();
        read_lines(stdout, |line| {
            match line.and_then(|line| Message::decode(&line)) {
                Ok(Message::Start) => start = crate::elapsed(),
                Ok(Message::Done(line)) => finish_task(&worker, line, start),
                Ok(Message::Say(line)) => crate::say(line),
                Err(err) => crate::fail(format!("{worker}: {err}")),
            }
            true
        });
    })
}

/// Prints a child's result line and records the task it ends, from `start`
/// to now, under the child's row. After a stop it does nothing: the task
/// did not finish in time.
fn finish_task(worker: &str, line: String, start: Duration) {
    if crate::stopped() {
        return;
    }
    crate::record_task(worker, &line, start, crate::elapsed());
    crate::say(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_a_round_trip() {
        for message in [
            Message::Start,
            Message::Done("Square: 16".to_owned()),
            Message::Say("cubes: pid 12, parent pid 10".to_owned()),
            Message::Say(String::new()),
        ] {
            assert_eq!(Message::decode(&message.encode()), Ok(message));
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for garbage in ["", "start now", "finished x", "done", "\u{0}"] {
            assert!(
                Message::decode(garbage).is_err(),
                "{garbage:?} was accepted"
            );
        }
    }

    #[test]
    fn a_said_line_ends_a_task_or_not() {
        let mut pipe = Vec::new();
        said(&mut pipe, true, "Square: 4");
        said(&mut pipe, false, "squares: pid 7");
        assert_eq!(pipe, b"done Square: 4\nsay squares: pid 7\n");
    }
}
