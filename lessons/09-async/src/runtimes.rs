//! The runtimes part: the same six tasks on tokio's two runtimes. The
//! current-thread runtime runs every task on the one thread that calls
//! `block_on`: user threads, N:1. The multi-thread runtime runs them on K
//! worker threads, and a task that wakes goes to whichever is free:
//! hybrid threads, M:N. Each task notes the OS thread that ran each step.

use std::collections::BTreeMap;
use std::thread;
use std::time::Duration;

use lesson_kit::{Plan, say};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use crate::procfs;
use crate::timer::sleep;

/// Tasks per runtime, steps per task, and each step's wait.
pub const TASKS: usize = 6;
pub const STEPS: usize = 2;
pub const PAUSE: Duration = Duration::from_millis(500);

/// One runtime's plan: every task waits its steps side by side.
fn one_runtime() -> Plan {
    (0..TASKS).fold(Plan::new(), |plan, _| plan.worker([PAUSE; STEPS]))
}

/// The part's plan: the tasks on one runtime, then on the other.
pub fn plan() -> Plan {
    one_runtime().then(one_runtime())
}

// ANCHOR: steps
/// One task: a line after each wait. Returns the name of the OS thread
/// that ran each step, which the runtime chose.
async fn steps(task: usize) -> Vec<String> {
    let mut ran_on = Vec::new();
    for step in 1..=STEPS {
        if !sleep(PAUSE).await {
            break; // Ctrl-C
        }
        say!("task {task} : step {step}");
        ran_on.push(thread::current().name().unwrap_or("unnamed").to_owned());
    }
    ran_on
}
// ANCHOR_END: steps

/// Runs the tasks on `runtime`, introduced as `what`, and reports which
/// OS threads ran them and which threads the process had meanwhile, in
/// the JSON under `key`.
pub fn run_on(runtime: &Runtime, what: &str, key: &str) {
    say!("{TASKS} tasks on {what}:");
    let (ran_on, threads) = runtime.block_on(async {
        let mut tasks = JoinSet::new();
        for task in 1..=TASKS {
            tasks.spawn(lesson_kit::task(&format!("task {task}"), steps(task)));
        }
        let mut ran_on = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(steps) => ran_on.push(steps),
                Err(err) => lesson_kit::fail(format!("a task failed: {err}")),
            }
        }
        // The process's OS threads, the runtime's among them (a thread
        // names itself once it runs: by now, each has).
        (ran_on, procfs::thread_names())
    });
    if !lesson_kit::stopped() {
        lesson_kit::fact(key, report(what, &ran_on, &threads));
    }
}

/// "12 steps on 2 OS threads (worker 1: 5, worker 2: 7); 3 of 6 tasks
/// moved between threads; the process's threads: ...", and its JSON.
fn report(what: &str, ran_on: &[Vec<String>], threads: &[String]) -> Value {
    let mut steps_by_thread: BTreeMap<&str, usize> = BTreeMap::new();
    for name in ran_on.iter().flatten() {
        *steps_by_thread.entry(name).or_default() += 1;
    }
    let moved = ran_on
        .iter()
        .filter(|steps| steps.iter().any(|name| *name != steps[0]))
        .count();
    let by_thread: Vec<String> = (steps_by_thread.iter())
        .map(|(name, steps)| format!("{name}: {steps}"))
        .collect();
    let step_count: usize = steps_by_thread.values().sum();
    lesson_kit::measured(format!(
        "{what}: {step_count} steps on {} OS thread{} ({}); {moved} of {} \
         tasks moved between threads; the process's threads: {}",
        steps_by_thread.len(),
        if steps_by_thread.len() == 1 { "" } else { "s" },
        by_thread.join(", "),
        ran_on.len(),
        threads.join(", ")
    ));
    json!({
        "runtime": what, "steps_by_thread": steps_by_thread, "moved": moved,
        "process_threads": threads,
    })
}
