//! Exercise 02-run-children: run several commands at once, each as a child
//! process, and collect what each printed and its exit code.
//!
//! Chapter: Lesson 02, "The code" (`Command`, `spawn`, `Stdio::piped`,
//! `wait` and the exit status) and "Dropping a `Child`".
//!
//! Write `run_all`. Each command is a program and its arguments, as in
//! `&["sh", "-c", "echo hi; exit 3"]` (`command[0]` is the program,
//! `&command[1..]` its arguments). For every command:
//!
//! 1. start it as a child process: `Command::new(program).args(the rest)`,
//!    with `.stdout(Stdio::piped())` so that what it prints comes to you
//!    rather than to the terminal, then `.spawn()`. `spawn` returns at
//!    once, as `thread::spawn` does: start every child before you wait for
//!    any, and they all run at the same time;
//! 2. then, for each child in the order of `commands`, read all it printed
//!    and wait for it to end. `Child::wait_with_output()` does both, and
//!    gives back the `stdout` bytes and the exit `status`:
//!    `status.code()` is its exit code, or `None` if a signal killed it.
//!    (`String::from_utf8_lossy(&bytes)` makes the bytes a `String`.)
//!
//! A command that cannot start (no such program) gives an `Err` whose
//! message names the program; the other commands run all the same.
//! And leave no child behind: wait for every child you started. A child
//! that has ended but was not waited for stays in the process table as a
//! zombie until its parent exits.
//!
//! Run the tests: `make exercise EXERCISE=02-run-children` from the
//! course's folder, or `cargo test` in this one.

/// What a command printed on its stdout, and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub stdout: String,
    /// Its exit code; `None` if a signal killed it.
    pub code: Option<i32>,
}

/// Runs every command at the same time, each as a child process, and
/// returns what each printed and its exit code, in the order of
/// `commands`: `Err` for a command that could not start.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn run_all(commands: &[&[&str]]) -> Vec<Result<Finished, String>> {
    todo!("start every command, then wait for each in turn")
}
