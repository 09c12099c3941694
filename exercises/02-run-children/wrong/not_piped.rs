//! Exercise 02-run-children, a WRONG solution the tests must reject: the
//! children's stdout is not piped, so they print to the terminal (they
//! inherit it) and `wait_with_output` has nothing to read.

use std::process::{Child, Command};

/// What a command printed on its stdout, and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub stdout: String,
    /// Its exit code; `None` if a signal killed it.
    pub code: Option<i32>,
}

/// Runs every command at the same time, each as a child process.
pub fn run_all(commands: &[&[&str]]) -> Vec<Result<Finished, String>> {
    let children: Vec<Result<Child, String>> = commands
        .iter()
        .map(|command| {
            let (program, args) = command.split_first().ok_or("an empty command")?;
            Command::new(program)
                .args(args)
                .spawn()
                .map_err(|err| format!("cannot start {program}: {err}"))
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child?.wait_with_output().map_err(|err| err.to_string())?;
            Ok(Finished {
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                code: output.status.code(),
            })
        })
        .collect()
}
