//! The waits part: N waits of one second at once (10 000 by default), on
//! N tokio tasks that a few worker threads run, then on N OS threads, one
//! `thread::spawn` each. For each: the time to start them all, the
//! time until all are done, the OS threads the process had, and the
//! memory each wait holds, as the kernel counts it in `/proc`.

use std::thread::{self, JoinHandle};
use std::time::Duration;

use lesson_kit::Plan;
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use crate::procfs::{ThreadLimits, Usage};
use crate::timer::stopped;

/// Each wait, at time scale 1.
pub const WAIT: Duration = Duration::from_secs(1);

/// The part's plan: the tasks' crowd of waits, then the threads', unless
/// the system has no room for that many threads (then [`run`] skips them).
pub fn plan(waits: u32) -> Plan {
    let crowd = || Plan::new().crowd(u64::from(waits), WAIT);
    match threads_fit(waits, &ThreadLimits::here()) {
        true => crowd().then(crowd()),
        false => crowd(),
    }
}

/// Whether `waits` OS threads may start, as far as the limits tell.
fn threads_fit(waits: u32, limits: &ThreadLimits) -> bool {
    u64::from(waits) <= limits.room()
}

/// What one way of waiting cost.
struct Cost {
    how: String,
    /// Waits started (fewer than asked if the system refused threads).
    waits: u64,
    start_all: Duration,
    all_done: Duration,
    before: Usage,
    /// When the process had the most threads, and how many waits had
    /// started by then: for the tasks, right after the last start.
    peak: Sample,
}

/// The process's usage, and how many waits had started when it was read.
#[derive(Debug, Clone, Copy)]
struct Sample {
    usage: Usage,
    started: u64,
}

impl Sample {
    fn now(started: u64) -> Self {
        Self {
            usage: Usage::now(),
            started,
        }
    }

    /// `self`, or `other` if the process had more threads then.
    fn busier(self, other: Sample) -> Sample {
        if other.usage.threads > self.usage.threads {
            other
        } else {
            self
        }
    }
}

/// Runs both ways and reports them; `runtime` is the multi-thread
/// runtime that runs the tasks, `how` says which ("tokio tasks, 2 workers").
pub fn run(waits: u32, runtime: &Runtime, how: String) {
    let limits = ThreadLimits::here();
    // The tasks first: each is a few hundred bytes on the heap, and would
    // be counted short on a heap that the threads' handles had just been
    // freed into (a thread's memory is its stack, mapped on its own).
    let mut costs: Vec<Cost> =
        runtime.block_on(on_tasks(waits, how)).into_iter().collect();
    if lesson_kit::stopped() {
        return;
    }
    if !threads_fit(waits, &limits) {
        lesson_kit::fail(format!(
            "{waits} OS threads: more than this system has room for now \
             (about {} more: {}); the OS threads' waits are skipped",
            limits.room(),
            limits.describe()
        ));
    } else {
        costs.extend(on_threads(waits));
    }
    if lesson_kit::stopped() {
        return;
    }
    report(&costs, &limits);
}

// ANCHOR: threads
/// `waits` OS threads that each wait once, all at the same time.
fn on_threads(waits: u32) -> Option<Cost> {
    let before = Usage::now();
    let began = lesson_kit::elapsed();
    let mut peak = Sample::now(0);
    let mut waiting: Vec<JoinHandle<bool>> = Vec::new();
    for n in 1..=waits {
        // Ctrl-C: no more threads; those started end their waits at once.
        if lesson_kit::stopped() {
            break;
        }
        // thread::Builder rather than thread::spawn, which panics when the
        // system refuses a thread: here that is one line, and the end.
        match thread::Builder::new().spawn(|| lesson_kit::pause(WAIT)) {
            Ok(handle) => waiting.push(handle),
            Err(err) => {
                lesson_kit::fail(format!(
                    "cannot start OS thread {n} of {waits}: {err}; the {} \
                     started still wait",
                    n - 1
                ));
                break;
            }
        }
        // Look at the process now and then: on a busy machine the first
        // threads may be done before the last ones start.
        if n % 1024 == 0 {
            peak = peak.busier(Sample::now(waiting.len() as u64));
        }
    }
    let start_all = lesson_kit::elapsed() - began;
    let started = waiting.len() as u64;
    let peak = peak.busier(Sample::now(started));
    // Every thread is joined, after Ctrl-C too: the kit cuts their waits short.
    for handle in waiting {
        let _ = handle.join();
    }
    let all_done = lesson_kit::elapsed() - began;
    finished("OS threads", started, began, began + all_done)?;
    Some(Cost {
        how: "OS threads".to_owned(),
        waits: started,
        start_all,
        all_done,
        before,
        peak,
    })
}
// ANCHOR_END: threads

// ANCHOR: tasks
/// `waits` tokio tasks that each wait once, all at the same time.
async fn on_tasks(waits: u32, how: String) -> Option<Cost> {
    let wait = WAIT.mul_f64(lesson_kit::options().time_scale);
    let before = Usage::now();
    let began = lesson_kit::elapsed();
    // The set owns its tasks: dropping it aborts the ones still running.
    let mut waiting = JoinSet::new();
    for _ in 0..waits {
        waiting.spawn(tokio::time::sleep(wait));
    }
    let start_all = lesson_kit::elapsed() - began;
    let peak = Sample::now(u64::from(waits));
    let all_done = async { while waiting.join_next().await.is_some() {} };
    tokio::select! {
        () = all_done => {}
        () = stopped() => return None, // the set is dropped: every wait ends
    }
    let all_done = lesson_kit::elapsed() - began;
    finished("tasks", u64::from(waits), began, began + all_done)?;
    Some(Cost {
        how,
        waits: u64::from(waits),
        start_all,
        all_done,
        before,
        peak,
    })
}
// ANCHOR_END: tasks

/// Draws the crowd as one bar, in a row called `what` ("tasks", "OS
/// threads"), and prints its line, unless a stop came. The line is the
/// Python twin's too, whose tasks are asyncio's.
fn finished(what: &str, waits: u64, began: Duration, end: Duration) -> Option<()> {
    if lesson_kit::stopped() {
        return None;
    }
    // The bar shows what follows the colon: the count, which fits in it.
    lesson_kit::record_task(what, &format!("{what} waited: {waits}"), began, end);
    lesson_kit::say!("{} waited", counted(waits, what));
    Some(())
}

/// "1 task", "1 OS thread", "2 tasks": `what` is the plural.
fn counted(n: u64, what: &str) -> String {
    match n {
        1 => format!("1 {}", what.strip_suffix('s').unwrap_or(what)),
        n => format!("{n} {what}"),
    }
}

impl Cost {
    /// Resident memory per wait: what the process had gained at the peak,
    /// over the waits started by then. Threads not yet joined keep their
    /// stacks mapped, so every started thread counts, even one whose wait
    /// ended.
    fn resident_kib(&self) -> f64 {
        let peak = &self.peak;
        per(
            peak.usage.resident_kib,
            self.before.resident_kib,
            peak.started,
        )
    }

    fn page_tables_kib(&self) -> f64 {
        let peak = &self.peak;
        per(
            peak.usage.page_tables_kib,
            self.before.page_tables_kib,
            peak.started,
        )
    }

    /// Kernel stacks per OS thread that existed at the peak: the figure is
    /// the whole system's, so it is only about right on a busy machine.
    fn kernel_stack_kib(&self) -> f64 {
        let peak = &self.peak.usage;
        let threads = peak.threads.saturating_sub(self.before.threads);
        per(
            peak.kernel_stacks_kib,
            self.before.kernel_stacks_kib,
            threads,
        )
    }

    fn start_per_wait(&self) -> Duration {
        self.start_all / u32::try_from(self.waits.max(1)).unwrap_or(u32::MAX)
    }

    fn json(&self) -> Value {
        json!({
            "how": self.how,
            "waits": self.waits,
            "start_all_ms": ms(self.start_all),
            "start_per_wait_us": ms(self.start_per_wait()) * 1e3,
            "all_done_ms": ms(self.all_done),
            "os_threads": self.peak.usage.threads,
            "resident_kib_per_wait": self.resident_kib(),
            "page_tables_kib_per_wait": self.page_tables_kib(),
            "kernel_stack_kib_per_thread": self.kernel_stack_kib(),
        })
    }
}

/// The growth from `before` to `after`, shared among `count`.
fn per(after: u64, before: u64, count: u64) -> f64 {
    after.saturating_sub(before) as f64 / count.max(1) as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The measurements, as a table after the lesson's lines, and in the JSON.
fn report(costs: &[Cost], limits: &ThreadLimits) {
    let wait = WAIT.mul_f64(lesson_kit::options().time_scale);
    lesson_kit::measured(format!(
        "{:<26} {:>10} {:>9} {:>10} {:>10} {:>10}",
        format!("waits of {}", seconds(wait)),
        "start all",
        "per wait",
        "all done",
        "OS threads",
        "resident"
    ));
    for cost in costs {
        lesson_kit::measured(format!(
            "{:<26} {:>10} {:>9} {:>10} {:>10} {:>6.2} KiB",
            cost.how,
            seconds(cost.start_all),
            format!("{:.1} us", ms(cost.start_per_wait()) * 1e3),
            seconds(cost.all_done),
            cost.peak.usage.threads,
            cost.resident_kib(),
        ));
    }
    if let Some(threads) = costs.iter().find(|c| c.how == "OS threads") {
        lesson_kit::measured(format!(
            "resident: the memory each wait added to the process (VmRSS); \
             each OS thread also holds about {:.1} KiB of kernel stack \
             (KernelStack, for the whole system) and {:.1} KiB of page tables \
             (VmPTE), which are not in it",
            threads.kernel_stack_kib(),
            threads.page_tables_kib()
        ));
    }
    lesson_kit::measured(format!("OS threads allowed: {}", limits.describe()));
    lesson_kit::fact("waits", costs.iter().map(Cost::json).collect::<Vec<_>>());
    lesson_kit::fact(
        "thread_limits",
        json!({
            "threads_max": limits.threads_max, "pid_max": limits.pid_max,
            "ulimit_u": limits.user_max, "in_use": limits.in_use,
            "room": limits.room(),
        }),
    );
}

/// "512.30 ms", "1.002 s".
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.2} ms", ms(d))
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(threads: u64, resident_kib: u64) -> Usage {
        Usage {
            threads,
            resident_kib,
            ..Usage::default()
        }
    }

    #[test]
    fn memory_is_shared_among_the_waits_started_by_the_peak_not_all() {
        // On a busy machine the process had the most threads early, after
        // 1024 starts: what it gained then is theirs, not the 10 000's.
        let cost = Cost {
            how: "OS threads".to_owned(),
            waits: 10_000,
            start_all: Duration::from_secs(2),
            all_done: Duration::from_secs(3),
            before: usage(3, 1_000),
            peak: Sample {
                usage: usage(1_027, 1_000 + 9 * 1024),
                started: 1024,
            },
        };
        assert_eq!(cost.resident_kib(), 9.0);
    }

    #[test]
    fn one_wait_is_counted_in_the_singular() {
        assert_eq!(counted(1, "OS threads"), "1 OS thread");
        assert_eq!(counted(1, "tasks"), "1 task");
        assert_eq!(counted(0, "OS threads"), "0 OS threads");
        assert_eq!(counted(10_000, "tasks"), "10000 tasks");
    }

    #[test]
    fn the_busier_sample_is_the_one_with_more_threads() {
        let early = Sample {
            usage: usage(900, 5_000),
            started: 1024,
        };
        let late = Sample {
            usage: usage(400, 9_000),
            started: 10_000,
        };
        assert_eq!(early.busier(late).started, 1024);
        assert_eq!(late.busier(early).started, 1024);
    }
}
