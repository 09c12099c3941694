//! The child processes the lesson starts: this same program, started again
//! with a hidden `--role`, as lessons 02 and 04 do. A child calls the kit's
//! `start_child` first: it leaves Ctrl-C to its parent and dies with it.

use std::io::{self, BufRead, BufReader, Read};
use std::process::ExitCode;

use lesson_kit::children::{self, Child};

use crate::args::Role;
use crate::{isolation, parts};

/// Runs this process as a child in `role`.
pub fn run(role: Role) -> ExitCode {
    children::start_child();
    let done = match role {
        Role::Locate => parts::tell_parent(),
        Role::Isolation => isolation::in_the_child().map_err(|err| err.to_string()),
        Role::Stay => stay().map_err(|err| err.to_string()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Named, so that the line says which child failed and why; the
            // parent's own line says what that cost.
            lesson_kit::warn(format!("a child in role {}: {err}", role.name()));
            ExitCode::FAILURE
        }
    }
}

/// Says "ready", then waits until stdin closes: a child that is simply
/// there, for the parent to look at.
fn stay() -> io::Result<()> {
    children::write_line(&mut io::stdout().lock(), "ready")?;
    io::copy(&mut io::stdin().lock(), &mut io::sink())?;
    Ok(())
}

/// The parent's side of [`stay`]: starts a child called `name` in that
/// role and returns it once it has said "ready". With `give_up`, a child
/// stopped from outside (`kill -STOP`) is killed after a second, instead
/// of holding the lesson; a child the lesson stops itself must not be.
pub fn start_staying(name: &str, give_up: bool) -> Result<Child, String> {
    let command = children::command_for_self(["--role", "stay"])
        .map_err(|err| format!("cannot start {name}: {err}"))?;
    let mut child = Child::spawn(name, command).map_err(|err| err.to_string())?;
    if give_up {
        child.give_up_when_stopped();
    }
    let stdout = child
        .take_stdout()
        .ok_or_else(|| format!("{name} has no stdout"))?;
    let mut line = String::new();
    let read = BufReader::new(stdout.take(64)).read_line(&mut line);
    match read {
        Ok(_) if line.trim_end() == "ready" => Ok(child),
        // Nothing: it ended first. Its exit says how.
        Ok(0) => match child.wait() {
            Ok(status) => Err(format!(
                "{name} ended before saying \"ready\" ({})",
                children::describe(status)
            )),
            Err(err) => Err(format!("{name}: {err}")),
        },
        Ok(_) => Err(format!("{name} said {line:?}, not \"ready\"")),
        Err(err) => Err(format!("{name}: {err}")),
    }
}
