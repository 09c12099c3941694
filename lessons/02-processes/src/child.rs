//! What a child process does in its role: the notebook's two functions.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use lesson_kit::{say, sleep};

use crate::COUNTER;

/// How many numbers each child works through: 0 to 4.
const COUNT: u64 = 5;

/// The two jobs of the notebook cell, one per child process.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Squares of 0 to 4, 1 s before each.
    Squares,
    /// Cubes of 0 to 4, 1.5 s before each.
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

    /// The role's result for `i`, and the line that prints it.
    fn result(self, i: u64) -> (u64, String) {
        match self {
            Role::Squares => (i * i, format!("Square: {}", i * i)),
            Role::Cubes => (i.pow(3), format!("Cube: {}", i.pow(3))),
        }
    }
}

// ANCHOR: child
/// The child's work: the role's numbers, one pause before each, each
/// result added to this process's [`COUNTER`]. `fail` makes it give up
/// after two results. Its lines reach the parent, which prints them.
pub fn work(role: Role, fail: bool) -> ExitCode {
    let name = role.name();
    let (pid, parent) = (std::process::id(), std::os::unix::process::parent_id());
    say!("{name}: pid {pid}, parent pid {parent}");
    for i in 0..COUNT {
        if fail && i == 2 {
            lesson_kit::warn(format!("{name}: failing on purpose"));
            return ExitCode::from(3);
        }
        sleep(role.pause());
        let (value, line) = role.result(i);
        // The same global as the parent's, in this process's own memory.
        COUNTER.fetch_add(value, Ordering::Relaxed);
        say!("{line}");
    }
    let counter = COUNTER.load(Ordering::Relaxed);
    say!("{name}: my counter is now {counter}");
    ExitCode::SUCCESS
}
// ANCHOR_END: child
