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
//! the nearest std equivalent of Python's `concurrent.futures.Future`
//! (Rust's own `Future` is the async kind, another thing altogether).
//! `--panic-task 5` makes task 5 panic: its sender
//! is dropped unsent, the collector reports the missing result instead of
//! waiting for ever, the other 12 arrive, and the pool replaces the thread
//! it lost. `--slow-task N` makes one task take 3 s; `--workers N` resizes
//! the pool.

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
        let pool = start_pool(workers);
        if args.as_completed {
            as_completed(&pool, &tasks);
        } else {
            map(&pool, &tasks);
        }
        after_panics(&pool);
    })
}

// ANCHOR: pool
/// A pool of `workers` threads, started now, each waiting for a job. They
/// share one name; the timeline numbers them: pool thread 1, 2, 3.
fn start_pool(workers: usize) -> ThreadPool {
    threadpool::Builder::new()
        .num_threads(workers)
        .thread_name("pool thread".to_owned())
        .build()
}
// ANCHOR_END: pool

// ANCHOR: map
/// `executor.map`: submit every task, then print the results in input
/// order. Each task has a channel of its own: the job keeps the `Sender`,
/// and the `Receiver`, which plays the part of Python's future, is read
/// in turn.
fn map(pool: &ThreadPool, tasks: &[Task]) {
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
    for (&task, future) in tasks.iter().zip(futures) {
        // Waits for this task alone. Err: its Sender was dropped unsent.
        match future.recv() {
            Ok(line) => say!("{line}"),
            Err(_) => no_result(task),
        }
    }
}
// ANCHOR_END: map

// ANCHOR: as_completed
/// `submit` + `as_completed`: every job sends on one shared channel, and
/// the results are printed in the order they arrive.
fn as_completed(pool: &ThreadPool, tasks: &[Task]) {
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
    for &task in tasks.iter().filter(|task| !answered[task.index - 1]) {
        no_result(task);
    }
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
/// After a panic: threadpool counted it and started a thread in place of
/// the one that died; one more job shows the pool still takes work.
fn after_panics(pool: &ThreadPool) {
    // A dying thread counts its panic after its job's Sender is dropped,
    // so the collector can be done first: wait for the pool to be idle.
    pool.join();
    let panics = pool.panic_count();
    lesson_kit::fact("panic_count", panics);
    if panics == 0 {
        return;
    }
    let (reply, answer) = mpsc::channel();
    pool.execute(move || {
        let _ = reply.send(());
    });
    match answer.recv() {
        Ok(()) => say!(
            "panic_count() = {panics}: the pool replaced the thread it lost \
             and ran one more job"
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
