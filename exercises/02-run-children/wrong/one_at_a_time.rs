//! Exercise 02-run-children, a WRONG solution the tests must reject:
//! `Command::output()` starts a child and waits for it, so the children
//! run one after the other (Python's `subprocess.run` in a loop).

use std::process::Command;

/// What a command printed on its stdout, and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub stdout: String,
    /// Its exit code; `None` if a signal killed it.
    pub code: Option<i32>,
}

/// Runs every command in turn, each as a child process.
pub fn run_all(commands: &[&[&str]]) -> Vec<Result<Finished, String>> {
    let mut results = Vec::new();
    for command in commands {
        let (program, args) = command.split_first().expect("a program");
        let result = match Command::new(program).args(args).output() {
            Ok(output) => Ok(Finished {
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                code: output.status.code(),
            }),
            Err(err) => Err(format!("cannot start {program}: {err}")),
        };
        results.push(result);
    }
    results
}
