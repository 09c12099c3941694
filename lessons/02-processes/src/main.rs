//! Lesson 02: the squares and cubes of the notebook's process cell, each in
//! its own child process. Like lesson 01's threads they overlap, so the run
//! takes 7.5 s (the cubes' 5 x 1.5 s) instead of 12.5 s one after another.
//! Unlike threads, the processes share no memory: each has its own PID and
//! its own copy of the program's global counter.
//!
//! Run it: `cargo run -p lesson-02-processes` (add `-- --time-scale 0.1`
//! for a quick run, `-- --fail-child cubes` to see a child fail). Watch the
//! PIDs: the children's parent PID is the lesson's PID. Watch the counter:
//! each child adds to its copy of `COUNTER`, the parent's stays 0.
//!
//! The child is this same binary, started again with a hidden `--role`
//! argument: Rust has no `fork` in its standard library, and a child finds
//! its code because it is the same program. The kit carries each child's
//! lines back to the parent over a pipe, for the timeline.

mod child;

use std::process::{self, ExitCode};
use std::sync::atomic::{AtomicU64, Ordering};

use child::Role;
use lesson_kit::children::{self, Child};
use lesson_kit::{Plan, say};

#[derive(clap::Args, Debug)]
struct Args {
    /// Make this child fail after two results, to see the parent report it
    #[arg(long, value_name = "CHILD")]
    fail_child: Option<Role>,
    /// Run as a child process in this role (the parent starts them)
    #[arg(long, hide = true)]
    role: Option<Role>,
}

// ANCHOR: counter
/// One counter for the whole program. Threads of one process would all
/// see the same one (lesson 01); each process has a counter of its own,
/// because processes share no memory.
static COUNTER: AtomicU64 = AtomicU64::new(0);
// ANCHOR_END: counter

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    // ANCHOR: role
    // Started with --role, this process is a child: do that role's work.
    if let Some(role) = args.role {
        let fail = args.fail_child == Some(role);
        return children::run_child(|| child::work(role, fail));
    }
    // ANCHOR_END: role
    // Two workers, one per process: the ideal is the cubes' 5 x 1.5 s.
    let plan = Plan::new()
        .worker(Role::Squares.pauses())
        .worker(Role::Cubes.pauses());

    lesson_kit::run!(plan, || {
        let (pid, parent) = (process::id(), std::os::unix::process::parent_id());
        let counter = COUNTER.load(Ordering::Relaxed);
        say!("parent: pid {pid}, parent pid {parent}, counter = {counter}");
        let running = start_children(args.fail_child);
        wait_for(running);
        // The children added their results to their COUNTER, not to this one.
        let counter = COUNTER.load(Ordering::Relaxed);
        say!("parent: counter is still {counter}");
    })
}

// ANCHOR: spawn
/// Starts one child process per role: this program again, with `--role`.
fn start_children(failing: Option<Role>) -> Vec<Child> {
    let mut running = Vec::new();
    for (n, role) in [Role::Squares, Role::Cubes].into_iter().enumerate() {
        let name = format!("process {} ({})", n + 1, role.name());
        let mut args = vec!["--role", role.name()];
        if let Some(failing) = failing {
            args.extend(["--fail-child", failing.name()]);
        }
        // A std `Command`; the kit's `Child` prints the child's lines.
        let command = children::command_for_self(args);
        match command.and_then(|command| Child::spawn_relayed(&name, command)) {
            Ok(child) => {
                // Stopped from outside (`kill -STOP`) and left so, it is
                // killed after a second instead of waited for for ever.
                child.give_up_when_stopped();
                running.push(child);
            }
            Err(err) => {
                lesson_kit::fail(format!("{name}: {err}"));
                break; // what the system refused once, it refuses again
            }
        }
    }
    running
}
// ANCHOR_END: spawn

// ANCHOR: wait
/// Waits for every child to exit, and reports one that failed.
fn wait_for(running: Vec<Child>) {
    for mut child in running {
        match child.wait() {
            Ok(status) if status.success() || lesson_kit::stopped() => {}
            Ok(status) => lesson_kit::fail(format!(
                "{} failed: {}",
                child.name(),
                children::describe(status)
            )),
            Err(err) => lesson_kit::fail(format!("{}: {err}", child.name())),
        }
    }
}
// ANCHOR_END: wait
