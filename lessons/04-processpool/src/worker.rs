//! A worker process: the lesson's binary started with `--worker`. It reads
//! tasks from its stdin, one per line, runs each and writes the result line
//! to its stdout, until the pool closes its stdin; then it exits.

use std::io::{self, BufRead};
use std::process::ExitCode;

use lesson_kit::children;
use nix::sys::resource::{Resource, setrlimit};

use crate::protocol::{Reply, Request};

/// Which tasks make the worker crash, for the crash-recovery demo.
#[derive(Debug, Clone, Copy, Default)]
pub struct Crashes {
    /// Crash on the first attempt at this task.
    pub once: Option<usize>,
    /// Crash on every attempt at this task.
    pub always: Option<usize>,
}

impl Crashes {
    /// The arguments that start a worker with these crashes.
    pub fn worker_args(self) -> Vec<String> {
        let mut args = vec!["--worker".to_owned()];
        if let Some(task) = self.once {
            args.extend(["--crash-task".to_owned(), task.to_string()]);
        }
        if let Some(task) = self.always {
            args.extend(["--poison-task".to_owned(), task.to_string()]);
        }
        args
    }

    fn hit(self, request: &Request) -> bool {
        self.always == Some(request.task)
            || (self.once == Some(request.task) && request.attempt == 1)
    }
}

// ANCHOR: serve
/// Serves tasks until stdin closes, running `work` on each number.
pub fn serve(work: fn(u64) -> String, crashes: Crashes) -> ExitCode {
    children::start_child();
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        // Stdin ends when the pool is done with this worker (or is gone).
        let Ok(line) = line else { break };
        let request = match Request::decode(&line) {
            Ok(request) => request,
            Err(err) => {
                lesson_kit::warn(format!("worker: {err}"));
                return ExitCode::FAILURE;
            }
        };
        if crashes.hit(&request) {
            crash();
        }
        let reply = Reply {
            task: request.task,
            line: work(request.number),
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
