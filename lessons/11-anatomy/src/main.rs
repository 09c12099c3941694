//! Lesson 11: a process seen from inside. The notebook's first half is
//! theory: a process's code, data, heap and stacks, its process control
//! block, the states of its threads, the scheduler, the isolation between
//! processes. Linux lets a process look at all of it through `/proc`, and
//! this lesson does, part by part, from the running process itself.
//!
//! Run it: `cargo run -p lesson-11-anatomy` (all seven parts, a few
//! seconds), or one part: `-- --part states` (`parts`, `pcb`, `states`,
//! `scheduler`, `isolation`, `program`, `spawn`). `--json` gives every
//! figure. Each part prints a line on what it does, a table of what it
//! found (addresses, counts and times differ every run), and a line or
//! two on what to notice. Only Linux has `/proc`.

#[cfg(target_os = "linux")]
mod args;
#[cfg(target_os = "linux")]
mod isolation;
#[cfg(target_os = "linux")]
mod parts;
#[cfg(target_os = "linux")]
mod pcb;
#[cfg(target_os = "linux")]
mod proc;
#[cfg(target_os = "linux")]
mod program;
#[cfg(target_os = "linux")]
mod roles;
#[cfg(target_os = "linux")]
mod scheduler;
#[cfg(target_os = "linux")]
mod spawn;
#[cfg(target_os = "linux")]
mod states;
#[cfg(target_os = "linux")]
mod table;

use std::process::ExitCode;

// ANCHOR: number
/// One static of the program, 7 in its file. The parts part finds it in
/// the data section; the isolation part changes it in a child process and
/// in a thread. Atomic, so that a thread may change it safely, and so that
/// it can change at all: a static that cannot goes in read-only data.
#[cfg(target_os = "linux")]
static NUMBER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(7);
// ANCHOR_END: number

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    use args::{Args, Part};
    use lesson_kit::Plan;

    let args: Args = lesson_kit::args!();
    // Started with --role, this process is one of the lesson's children.
    if let Some(role) = args.role {
        return roles::run(role);
    }
    // ANCHOR: in_turn
    // No sleeps to plan: the summary shows the elapsed time only.
    lesson_kit::run!(Plan::new(), || {
        lesson_kit::add_worker("main");
        for part in args.parts() {
            if lesson_kit::stopped() {
                break;
            }
            let start = lesson_kit::elapsed();
            let done = match part {
                Part::Parts => parts::run(),
                Part::Pcb => pcb::run(),
                Part::States => states::run(),
                Part::Scheduler => scheduler::run(),
                Part::Isolation => isolation::run(),
                Part::Program => program::run(),
                Part::Spawn => spawn::run(args.parent_mib, args.rounds),
            };
            // A failure after Ctrl-C is the stop's doing, not the part's.
            match done {
                _ if lesson_kit::stopped() => {}
                Ok(()) => {
                    let end = lesson_kit::elapsed();
                    lesson_kit::record_task("main", part.name(), start, end);
                }
                Err(err) => lesson_kit::fail(format!("{}: {err}", part.name())),
            }
        }
    })
    // ANCHOR_END: in_turn
}

/// Elsewhere there is no `/proc` to read: say so, as a usage error.
#[cfg(not(target_os = "linux"))]
fn main() -> ExitCode {
    lesson_kit::warn(format!(
        "this lesson reads /proc, which only Linux has; it cannot run on {}",
        std::env::consts::OS
    ));
    ExitCode::from(2)
}
