//! Exercise 02-run-children: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! Every child is started before any is waited for, so they run side by
//! side; then each is waited for in turn, which also reads its output and
//! reaps it: no zombie is left. A command that cannot start is an `Err` in
//! its place, and the others go on.

use std::process::{Child, Command, Stdio};

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
pub fn run_all(commands: &[&[&str]]) -> Vec<Result<Finished, String>> {
    let children: Vec<Result<Child, String>> =
        commands.iter().map(|c| start(c)).collect();
    children.into_iter().map(|child| finish(child?)).collect()
}

/// Starts a command with its stdout piped to us; returns at once.
fn start(command: &[&str]) -> Result<Child, String> {
    let (program, args) = command.split_first().ok_or("an empty command")?;
    Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {program}: {err}"))
}

/// Reads all a child prints, and waits for it to end (which reaps it).
fn finish(child: Child) -> Result<Finished, String> {
    let output = child
        .wait_with_output()
        .map_err(|err| format!("cannot wait for a child: {err}"))?;
    Ok(Finished {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        code: output.status.code(),
    })
}
