//! Lesson 04: the notebook's `ProcessPoolExecutor` cell, with a pool of 3
//! worker processes. 14 numbers, 2 s each: the workers take them three at a
//! time, so the run takes 5 rounds of 2 s, 10 s, instead of 28 s.
//!
//! Run it: `cargo run -p lesson-04-processpool` (add `-- --time-scale 0.1`
//! for a 1 s run). Watch the results arrive in the order they complete, not
//! the order submitted; `--map` prints them in input order instead.
//!
//! Beyond Python: `--crash-task 5` makes the worker that first runs task 5
//! die abruptly. Python's pool breaks for good; this one notices, starts a
//! new worker, runs the task again and prints all 14 results.
//! `--poison-task 5` crashes every worker that tries task 5: the pool gives
//! up on it after a few attempts, reports it, and finishes the other 13.
//! `--slow-task 1` makes task 1 take 6 s: it completes last, and with
//! `--map` it holds back every result after it.

mod args;

use std::process::ExitCode;
use std::time::Duration;

use args::Args;
use lesson_04_processpool::pool::{Finished, Pool};
use lesson_04_processpool::worker::{self, Staged};
use lesson_kit::children;
use lesson_kit::{Plan, say};

/// The notebook's numbers.
const NUMBERS: [u64; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 2, 3, 12, 14];
/// How long each task takes.
const PAUSE: Duration = Duration::from_secs(2);
/// How much longer the task that `--slow-task` names takes: 3 x 2 s in all.
const SLOW_BY: Duration = Duration::from_secs(4);

// ANCHOR: task
/// The notebook's task, run in a worker: wait 2 s, then the square as text.
fn square_number(number: u64) -> String {
    lesson_kit::sleep(PAUSE);
    // A number too large to square is an answer, not a panic in the worker.
    match number.checked_mul(number) {
        Some(square) => format!("Square: {square}"),
        None => format!("Square: {number} squared does not fit in a u64"),
    }
}
// ANCHOR_END: task

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    let staged = Staged {
        crash_once: args.crash_task.map(usize::from),
        crash_always: args.poison_task.map(usize::from),
        slow: args.slow_task.map(usize::from),
        slow_by: SLOW_BY,
    };
    // ANCHOR: worker
    // Started with --worker, this process serves tasks from its stdin.
    if args.worker {
        return worker::serve(square_number, staged);
    }
    // ANCHOR_END: worker
    // Each task goes to the first worker free: 5 rounds of 2 s on 3 workers.
    let workers = usize::from(args.workers);
    let mut pauses = vec![PAUSE; NUMBERS.len()];
    if let Some(slow) = staged.slow {
        pauses[slow - 1] += SLOW_BY;
    }
    let plan = Plan::pool(workers, pauses);

    lesson_kit::run!(plan, || {
        // ANCHOR: pool
        // Every worker is this binary again, started in its worker role.
        let worker_args = staged.worker_args();
        // `move`: the pool keeps this closure, to start replacements too,
        // so it must own the arguments it passes.
        let spawn = move || children::command_for_self(&worker_args);
        // Numbers go out, lines of text come back.
        let mut pool: Pool<u64, String> = match Pool::new(workers, PAUSE, spawn) {
            Ok(pool) => pool,
            Err(err) => {
                lesson_kit::fail(format!("cannot start the pool: {err}"));
                return; // no pool, no tasks: the run ends, reporting the failure
            }
        };
        // ANCHOR_END: pool

        if args.map {
            // ANCHOR: map
            // Results in the order of NUMBERS, each once those before it are in.
            pool.map(&NUMBERS).for_each(show);
            // ANCHOR_END: map
        } else {
            // ANCHOR: submit
            for number in NUMBERS {
                pool.submit(number);
            }
            // Results as they complete, whichever worker ran them.
            pool.as_completed().for_each(show);
            // ANCHOR_END: submit
        }
        // The pool is dropped here: each worker's stdin closes, it exits.
    })
}

/// Prints a task's result, or reports why it has none.
fn show(done: Finished<String>) {
    match done.result {
        Ok(line) => say!("{line}"),
        Err(why) => lesson_kit::fail(why),
    }
}
