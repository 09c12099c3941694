//! A worker process: the lesson's binary started with `--worker`. It reads
//! tasks from its stdin, one per line, runs each and writes the result line
//! to its stdout, until the pool closes its stdin; then it exits.

use std::io::{self, BufRead};
use std::process::ExitCode;
use std::time::Duration;

use lesson_kit::children;
use nix::sys::resource::{Resource, setrlimit};

use crate::protocol::{Message, Reply, Request};

/// What the demo options stage in a worker: a crash, for the recovery
/// demos, or a task slower than the others, so that the order results
/// complete in differs from the order they were submitted in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Staged {
    /// Crash on the first attempt at this task.
    pub crash_once: Option<usize>,
    /// Crash on every attempt at this task.
    pub crash_always: Option<usize>,
    /// Spend `slow_by` longer on this task.
    pub slow: Option<usize>,
    /// How much longer the slow task takes, at time scale 1.
    pub slow_by: Duration,
}

impl Staged {
    /// The arguments that start a worker with this staging.
    pub fn worker_args(self) -> Vec<String> {
        let mut args = vec!["--worker".to_owned()];
        let options = [
            ("--crash-task", self.crash_once),
            ("--poison-task", self.crash_always),
            ("--slow-task", self.slow),
        ];
        for (option, task) in options {
            if let Some(task) = task {
                args.extend([option.to_owned(), task.to_string()]);
            }
        }
        args
    }

    fn crashes_on<Q>(self, request: &Request<Q>) -> bool {
        self.crash_always == Some(request.task)
            || (self.crash_once == Some(request.task) && request.attempt == 1)
    }
}

// ANCHOR: serve
/// Serves tasks until stdin closes, running `work` on each task's input.
pub fn serve<Q: Message, R: Message>(
    work: impl Fn(Q) -> R,
    staged: Staged,
) -> ExitCode {
    children::start_child();
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        // Stdin ends when the pool is done with this worker (or is gone).
        let Ok(line) = line else { break };
        let request = match Request::<Q>::decode(&line) {
            Ok(request) => request,
            Err(err) => {
                lesson_kit::warn(format!("worker: {err}"));
                return ExitCode::FAILURE;
            }
        };
        if staged.crashes_on(&request) {
            crash();
        }
        if staged.slow == Some(request.task) {
            lesson_kit::sleep(staged.slow_by);
        }
        let reply = Reply {
            task: request.task,
            output: work(request.input),
        };
        // A failed write means the pool is gone too.
        if children::write_line(&mut stdout, &reply.encode()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
// ANCHOR_END: serve

/// Dies at once, as a segfault or the OOM killer would end a worker: no
/// unwinding, no message, no reply. No core file either: it is a demo.
fn crash() -> ! {
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
    std::process::abort()
}
