//! Both ends of a child's stdout pipe: what a child process does in its
//! role, and the parent's thread that relays what it hears.

use std::io;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use lesson_kit::children::{self, Child};

use crate::COUNTER;
use crate::protocol::Message;

/// How many numbers each child works through: 0 to 4.
const COUNT: u64 = 5;

/// The two jobs of the notebook cell, one per child process.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Squares of 0..4, 1 s before each.
    Squares,
    /// Cubes of 0..4, 1.5 s before each.
    Cubes,
}

impl Role {
    /// The role's name on the command line and in the lines it prints.
    pub fn name(self) -> &'static str {
        match self {
            Role::Squares => "squares",
            Role::Cubes => "cubes",
        }
    }

    /// The wait before each result.
    fn pause(self) -> Duration {
        match self {
            Role::Squares => Duration::from_millis(1000),
            Role::Cubes => Duration::from_millis(1500),
        }
    }

    /// The sleeps the role makes, for the lesson's plan.
    pub fn pauses(self) -> Vec<Duration> {
        vec![self.pause(); COUNT as usize]
    }

    /// The role's result for `i`, as the line that prints it.
    fn result(self, i: u64) -> (u64, String) {
        match self {
            Role::Squares => (i * i, format!("Square: {}", i * i)),
            Role::Cubes => (i.pow(3), format!("Cube: {}", i.pow(3))),
        }
    }
}

// ANCHOR: child
/// The child's side: work through the role's numbers, telling the parent
/// about each one over stdout, and adding each result to this process's
/// [`COUNTER`]. `fail` makes it give up after two results.
pub fn run(role: Role, fail: bool) -> ExitCode {
    children::start_child();
    children::exit_when_stdin_closes();
    let name = role.name();
    let (pid, parent) = (std::process::id(), std::os::unix::process::parent_id());
    send(Message::Say(format!(
        "{name}: pid {pid}, parent pid {parent}"
    )));
    for i in 0..COUNT {
        if fail && i == 2 {
            eprintln!("{}: {name}: failing on purpose", lesson_kit::name());
            return ExitCode::from(3);
        }
        send(Message::Start);
        lesson_kit::sleep(role.pause());
        let (value, line) = role.result(i);
        // The same global as the parent's, in this process's own memory.
        COUNTER.fetch_add(value, Ordering::Relaxed);
        send(Message::Done(line));
    }
    let counter = COUNTER.load(Ordering::Relaxed);
    send(Message::Say(format!("{name}: my counter is now {counter}")));
    ExitCode::SUCCESS
}
// ANCHOR_END: child

/// Writes one message to the parent. A child whose parent has gone has no
/// one to work for, so a failed write ends it.
fn send(message: Message) {
    if children::write_line(&mut io::stdout().lock(), &message.encode()).is_err() {
        std::process::exit(1);
    }
}

/// The parent's side: a thread that reads the child's messages until the
/// child closes its stdout, prints its lines and records its tasks under
/// the child's name.
pub fn relay(child: &mut Child) -> JoinHandle<()> {
    let worker = child.name().to_owned();
    let stdout = child.take_stdout();
    // `move`: the thread owns the pipe and the name, and outlives this call.
    thread::spawn(move || {
        let Some(stdout) = stdout else { return };
        let mut start = lesson_kit::elapsed();
        children::read_lines(stdout, |line| {
            match line.and_then(|line| Message::decode(&line)) {
                Ok(Message::Start) => start = lesson_kit::elapsed(),
                Ok(Message::Done(line)) => finish_task(&worker, line, start),
                Ok(Message::Say(line)) => lesson_kit::say(line),
                Err(err) => lesson_kit::fail(format!("{worker}: {err}")),
            }
            true
        });
    })
}

/// Prints a child's result line and records the task it ends, from `start`
/// to now, under the child's row. After Ctrl-C it does nothing: the task
/// did not finish in time.
fn finish_task(worker: &str, line: String, start: Duration) {
    if lesson_kit::stopped() {
        return;
    }
    lesson_kit::record_task(worker, &line, start, lesson_kit::elapsed());
    lesson_kit::say(line);
}
