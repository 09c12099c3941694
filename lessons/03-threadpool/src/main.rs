//! Lesson 03: the notebook's `ThreadPoolExecutor` cell. A pool of 3 threads
//! (the `threadpool` crate) shares 13 tasks of 1 s each: 5 rounds, 5 s,
//! instead of 13 s one after another.
//!
//! Run it: `cargo run -p lesson-03-threadpool` (add `-- --time-scale 0.1`
//! for a half-second run). The results come in input order, as Python's
//! `executor.map` gives them; `--as-completed` prints each one as it
//! finishes. In the timeline, watch three rows share thirteen bars: each
//! thread takes the next task the moment it is free.
//!
//! Each result travels back on a channel whose sending half the job owns:
//! the channel's receiving half is the nearest std equivalent of Python's
//! `concurrent.futures.Future` (Rust's own `Future` trait is the async
//! kind). `--panic-task 5` makes task 5 panic: its sender is dropped
//! unsent, the collector reports the missing result instead of waiting for
//! ever, the other 12 arrive, and the pool replaces the thread it lost.
//! `--slow-task N` makes one task take 3 s; `--workers N` resizes the pool.

mod args;
mod tasks;

use std::panic;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

use args::Args;
use lesson_kit::{Plan, say};
use tasks::{Task, tasks};
use threadpool::ThreadPool;

/// The notebook's numbers.
const NUMBERS: [u64; 13] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3];
/// How long each task takes.
const PAUSE: Duration = Duration::from_secs(1);

// ANCHOR: task
/// The notebook's `print_number`, run on a pool thread: wait, then return
/// the line to print. `None` if Ctrl-C cut the wait short.
fn print_number(task: Task) -> Option<String> {
    if !lesson_kit::sleep(task.pause) {
        return None;
    }
    if task.panics {
        panic!("task {} panics on purpose (--panic-task)", task.index);
    }
    let line = format!("Number :{}", task.number);
    // The main thread prints the line; this ends the task's bar here.
    lesson_kit::done(&line);
    Some(line)
}
// ANCHOR_END: task

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    let tasks = tasks(&args);
    let workers = usize::from(args.workers);
    // Each task goes to the first thread free: 13 on 3 threads, 5 rounds.
    let plan = Plan::pool(workers, tasks.iter().map(|task| task.pause));
    report_panics_in_one_line();

    lesson_kit::run!(plan, || {
        let Some(pool) = start_pool(workers) else {
            return; // no pool, no tasks: the run ends, reporting the failure
        };
        let panicked = if args.as_completed {
            as_completed(&pool, &tasks)
        } else {
            map(&pool, &tasks)
        };
        after_panics(&pool, panicked);
    })
}

// ANCHOR: pool
/// A pool of `workers` threads, started now, each waiting for a job. They
/// share one name; the timeline numbers them: pool thread 1, 2, 3.
fn start_pool(workers: usize) -> Option<ThreadPool> {
    // threadpool panics if the system refuses it a thread; the kit turns
    // that panic into one line ("cannot start the pool's threads: ...").
    lesson_kit::catch_refusal("the pool's threads", || {
        threadpool::Builder::new()
            .num_threads(workers)
            .thread_name("pool thread".to_owned())
            .build()
    })
}
// ANCHOR_END: pool

// ANCHOR: map
/// `executor.map`: submit every task, then print the results in input
/// order. Each task has a channel of its own: the job keeps the `Sender`,
/// and the `Receiver`, which plays the part of Python's future, is read
/// in turn. Returns how many jobs panicked.
fn map(pool: &ThreadPool, tasks: &[Task]) -> usize {
    let futures: Vec<Receiver<String>> = tasks
        .iter()
        .map(|&task| {
            let (result, future) = mpsc::channel();
            // `move`: the job owns its task and its Sender, wherever and
            // however long it runs; that is why jobs are `Send + 'static`.
            pool.execute(move || {
                if let Some(line) = print_number(task) {
                    // Err only if the receiver is gone: nobody to tell.
                    let _ = result.send(line);
                }
            });
            future
        })
        .collect();
    let mut panicked = 0;
    for (&task, future) in tasks.iter().zip(futures) {
        // Waits for this task alone. Err: its Sender was dropped unsent.
        match future.recv() {
            Ok(line) => say!("{line}"),
            Err(_) => {
                no_result(task);
                panicked += 1;
            }
        }
    }
    panicked
}
// ANCHOR_END: map

// ANCHOR: as_completed
/// `submit` + `as_completed`: every job sends on one shared channel, and
/// the results are printed in the order they arrive. Returns how many jobs
/// panicked.
fn as_completed(pool: &ThreadPool, tasks: &[Task]) -> usize {
    let (results, arrivals) = mpsc::channel();
    for &task in tasks {
        // Each job owns a clone of the Sender: one more sender alive.
        let results = results.clone();
        pool.execute(move || {
            if let Some(line) = print_number(task) {
                let _ = results.send((task.index, line));
            }
        });
    }
    // Ours goes too: the loop below ends when the last Sender is dropped,
    // once every job has sent its line, panicked or been stopped.
    drop(results);
    let mut answered = vec![false; tasks.len()];
    for (index, line) in arrivals {
        say!("{line}");
        answered[index - 1] = true;
    }
    let unanswered: Vec<Task> = tasks
        .iter()
        .copied()
        .filter(|task| !answered[task.index - 1])
        .collect();
    for &task in &unanswered {
        no_result(task);
    }
    unanswered.len()
}
// ANCHOR_END: as_completed

/// Reports a task whose Sender was dropped without a send: its job
/// panicked. (After Ctrl-C the kit reports the unfinished tasks itself.)
fn no_result(task: Task) {
    if !lesson_kit::stopped() {
        lesson_kit::fail(format!(
            "task {} (number {}) sent no result: its job panicked",
            task.index, task.number
        ));
    }
}

// ANCHOR: after_panics
/// After a panic: the pool starts a thread in place of the one that died;
/// one more job shows that it still takes work. `panicked` is the count of
/// jobs whose Sender was dropped unsent, which the collector has seen
/// itself: certain, where threadpool's own `panic_count()` is raised by
/// the dying thread a moment after its Sender is dropped.
fn after_panics(pool: &ThreadPool, panicked: usize) {
    if lesson_kit::stopped() {
        return; // after Ctrl-C a missing result is no panic
    }
    lesson_kit::fact("panic_count", panicked);
    if panicked == 0 {
        return;
    }
    let (reply, answer) = mpsc::channel();
    pool.execute(move || {
        let _ = reply.send(());
    });
    match answer.recv() {
        Ok(()) => say!(
            "jobs that panicked: {panicked}; the pool still ran one more job \
             (it replaces a thread it loses)"
        ),
        Err(_) => lesson_kit::fail("the pool ran no job after the panic"),
    }
}
// ANCHOR_END: after_panics

/// A panic prints one line on stderr through the kit, instead of the
/// default hook's three (the message, then a hint about backtraces).
fn report_panics_in_one_line() {
    panic::set_hook(Box::new(|info| {
        let thread = thread::current();
        let who = thread.name().unwrap_or("a thread");
        let what = info.payload_as_str().unwrap_or("a panic");
        let place = info
            .location()
            .map_or(String::new(), |at| format!(" at {at}"));
        lesson_kit::warn(format!("{who} panicked{place}: {what}"));
    }));
}
