//! Lesson 03, without a pool: the same 13 tasks, one `thread::spawn` each.
//! All 13 sleep at once, so the run takes 1 s, not the pool's 5 s; the
//! price is 13 threads created instead of 3, and no bound at all on how
//! many run at once (13 000 tasks would mean 13 000 threads).
//!
//! Run it: `cargo run -p lesson-03-threadpool --example thread_per_task`
//! (add `-- --time-scale 0.1`). The timeline has a row per thread.

use std::collections::HashSet;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use lesson_kit::{Plan, say};

/// The lesson's numbers, and each task's time.
const NUMBERS: [u64; 13] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3];
const PAUSE: Duration = Duration::from_secs(1);
/// The lesson's pool size, for the comparison.
const POOL_THREADS: usize = 3;

fn main() -> ExitCode {
    // A worker per task: the ideal is a single task's time.
    let plan = NUMBERS
        .iter()
        .fold(Plan::new(), |plan, _| plan.worker([PAUSE]));

    lesson_kit::run!(plan, || {
        // ANCHOR: spawn
        // One new thread per task; each hands back its line and its id.
        let handles: Vec<_> = NUMBERS
            .into_iter()
            .map(|number| {
                thread::spawn(move || {
                    lesson_kit::sleep(PAUSE);
                    let line = format!("Number :{number}");
                    lesson_kit::done(&line);
                    (line, thread::current().id())
                })
            })
            .collect();
        // ANCHOR_END: spawn
        let mut threads = HashSet::new();
        for handle in handles {
            match handle.join() {
                Ok((line, id)) => {
                    say!("{line}");
                    threads.insert(id);
                }
                Err(_) => lesson_kit::fail("a task's thread panicked"),
            }
        }
        say!(
            "{} tasks, {} threads created (the lesson's pool: {POOL_THREADS})",
            NUMBERS.len(),
            threads.len()
        );
    })
}
