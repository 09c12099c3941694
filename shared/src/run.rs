//! The state of the one run in this process, and of each of its threads:
//! the options, the clock, the plan, the recording, the stop; which row
//! and which open task each thread has, and where its sleeps are chained.

use std::cell::RefCell;
use std::process::ExitCode;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::cli::Common;
use crate::output::{name, terminal_width, warn, write_stdout};
use crate::plan::Plan;
use crate::record::Recording;
use crate::stop::{EXIT_INTERRUPTED, Stop};
use crate::summary::{self, Facts};
use crate::{report, timeline};

/// How late a sleep may start after the previous one's deadline and still
/// count from that deadline, unless `LESSON_CHAIN_SLACK_MS` says otherwise
/// (0 turns the chaining off).
const CHAIN_SLACK: Duration = Duration::from_millis(5);

/// The variable that sets the chaining slack, in whole milliseconds.
pub(crate) const CHAIN_SLACK_ENV: &str = "LESSON_CHAIN_SLACK_MS";

/// The largest slack the variable may set: more would hide real work.
const MAX_CHAIN_SLACK_MS: u64 = 1000;

/// The timer slack the kit asks for, in nanoseconds: how late the kernel
/// may fire a sleeper's timer so as to batch wake-ups (50 us by default).
/// 1 is the least: 0 would restore the default.
#[cfg(target_os = "linux")]
const TIMER_SLACK_NS: nix::libc::c_ulong = 1;

pub(crate) static OPTIONS: OnceLock<Common> = OnceLock::new();
static RUN: OnceLock<Run> = OnceLock::new();

thread_local! {
    static THIS_THREAD: RefCell<ThisThread> = const { RefCell::new(ThisThread::new()) };
}

/// The state of the one run in this process.
pub(crate) struct Run {
    pub(crate) options: Common,
    started: OnceLock<Instant>,
    pub(crate) plan: OnceLock<Plan>,
    recording: Mutex<Recording>,
    pub(crate) extra: Mutex<Map<String, Value>>,
    /// Lines of figures printed between the lesson's lines and the summary.
    pub(crate) measured: Mutex<Vec<String>>,
    pub(crate) stop: Stop,
    chain_slack: Duration,
}

/// The run, made on first use with the options parsed so far.
pub(crate) fn current() -> &'static Run {
    RUN.get_or_init(|| Run {
        options: OPTIONS.get().cloned().unwrap_or_default(),
        started: OnceLock::new(),
        plan: OnceLock::new(),
        recording: Mutex::new(Recording::default()),
        extra: Mutex::new(Map::new()),
        measured: Mutex::new(Vec::new()),
        stop: Stop::default(),
        chain_slack: chain_slack(),
    })
}

/// Asks the kernel to wake this thread on time, not up to 50 us late, and
/// every thread it spawns from now on, which inherit the setting: the
/// lesson's threads. Each late wake-up would add to the lesson's overhead.
pub(crate) fn wake_on_time() {
    // Refused (a sandbox may), sleeps still work, only up to 50 us later:
    // not worth a warning from every process, children included.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_timerslack(TIMER_SLACK_NS);
}

/// The chaining slack: [`CHAIN_SLACK`], or `LESSON_CHAIN_SLACK_MS`.
fn chain_slack() -> Duration {
    let Some(text) = std::env::var_os(CHAIN_SLACK_ENV) else {
        return CHAIN_SLACK;
    };
    match parse_chain_slack(&text.to_string_lossy()) {
        Ok(slack) => slack,
        Err(why) => {
            warn(format_args!("invalid {CHAIN_SLACK_ENV}: {why}"));
            std::process::exit(2);
        }
    }
}

/// Whole milliseconds from 0 to [`MAX_CHAIN_SLACK_MS`]; empty means unset.
pub(crate) fn parse_chain_slack(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(CHAIN_SLACK);
    }
    match text.parse::<u64>() {
        Ok(ms) if ms <= MAX_CHAIN_SLACK_MS => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "{text:?} is not a whole number of milliseconds from 0 to \
             {MAX_CHAIN_SLACK_MS} (0 turns the chaining off)"
        )),
    }
}

impl Run {
    /// Starts the clock, if it has not started.
    pub(crate) fn start(&self) -> Instant {
        *self.started.get_or_init(Instant::now)
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.start().elapsed()
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start())
    }

    pub(crate) fn recording(&self) -> MutexGuard<'_, Recording> {
        // A panic elsewhere must not hide what was recorded.
        self.recording
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `pause` times the time scale, opening a task on this
    /// thread if none is open; `false` if a stop cut it short.
    pub(crate) fn sleep(&self, pause: Duration) -> bool {
        match self.deadline(pause) {
            Some(deadline) => self.stop.wait_until(deadline),
            None => false,
        }
    }

    /// Opens a task on this thread if none is open, and returns when a
    /// sleep of `pause` times the time scale that starts now should end;
    /// `None` after a stop.
    pub(crate) fn deadline(&self, pause: Duration) -> Option<Instant> {
        if self.stop.requested() {
            return None;
        }
        let now = Instant::now();
        let (deadline, opened) = THIS_THREAD.with_borrow_mut(|this| {
            let opened = this.open_task(self, now);
            // Each wake-up overshoots a little (tens of microseconds, more
            // on a busy machine); counting from the previous deadline stops
            // nine sleeps from adding up nine overshoots. A longer gap is
            // real work or waiting, and the next sleep counts from now.
            let base = match this.deadline {
                Some(previous)
                    if now.saturating_duration_since(previous)
                        < self.chain_slack =>
                {
                    previous
                }
                _ => now,
            };
            let deadline = base + pause.mul_f64(self.options.time_scale);
            this.deadline = Some(deadline);
            (deadline, opened)
        });
        // A child that relays to its parent tells it a task starts now.
        if opened && crate::children::relaying() {
            crate::children::relay::task_starts();
        }
        Some(deadline)
    }

    /// Gives this thread its row in the timeline, if it has none yet.
    pub(crate) fn add_this_thread(&self) {
        THIS_THREAD.with_borrow_mut(|this| {
            this.worker(&mut self.recording());
        });
    }

    /// Opens a task labelled `label` on this thread (or in this async
    /// task) now, if none is open and no stop came: for work that is not a
    /// sleep.
    pub(crate) fn begin_task(&self, label: &str) {
        if self.stop.requested() {
            return;
        }
        THIS_THREAD.with_borrow_mut(|this| {
            if this.open_task(self, Instant::now()) {
                let mut rec = self.recording();
                if let Some(task) = this.open_task.and_then(|t| rec.spans.get_mut(t))
                {
                    task.label = label.to_owned();
                }
            }
        });
    }

    /// Ends this thread's open task at `now`, not finished: the work failed.
    pub(crate) fn cut_task(&self, rec: &mut Recording, now: Duration) {
        let open = THIS_THREAD.with_borrow_mut(|this| this.open_task.take());
        if let Some(task) = open {
            rec.abandon(task, now);
        }
    }

    /// Ends this thread's open task with `label`, at `now`; returns
    /// whether it had one.
    pub(crate) fn close_task(
        &self,
        rec: &mut Recording,
        label: &str,
        now: Duration,
    ) -> bool {
        let (open, in_task) =
            THIS_THREAD.with_borrow_mut(|this| (this.open_task.take(), this.task));
        if let Some(task) = open {
            rec.close(task, label, now);
            // An async task's span says which OS thread ran it.
            if in_task {
                let this = thread::current();
                let name = this.name().unwrap_or("thread");
                let index = rec.task_thread(name, spawn_order(this.id()));
                if let Some(span) = rec.spans.get_mut(task) {
                    span.thread = Some(index);
                }
            }
        }
        open.is_some()
    }

    /// Prints the summary and the timeline, or the JSON document, and
    /// returns the exit status.
    pub(crate) fn finish(&self) -> ExitCode {
        let elapsed = self.elapsed();
        // The stop message first, then the summary.
        self.stop.wait_handled(Duration::from_millis(200));
        self.report_lost_tasks();
        let mut rec = self.recording().clone();
        rec.number_threads();
        let plan = self.plan.get().cloned().unwrap_or_default();
        if let Some(size) = plan.pool_size() {
            rec.fill_pool(size);
        }
        let scale = self.options.time_scale;
        let facts = Facts {
            elapsed,
            ideal: plan.ideal().map(|d| d.mul_f64(scale)),
            sequential: plan.sequential().map(|d| d.mul_f64(scale)),
            finished: rec.finished().count(),
            planned: plan.task_count(),
            interrupted: self.stop.requested(),
        };
        if self.options.json {
            let extra = self.extra.lock().unwrap_or_else(PoisonError::into_inner);
            write_stdout(&report::render(&name(), scale, &rec, &facts, &extra));
        } else {
            let measured =
                self.measured.lock().unwrap_or_else(PoisonError::into_inner);
            if !measured.is_empty() {
                write_stdout(&format!("\n{}\n", measured.join("\n")));
            }
            drop(measured);
            write_stdout(&format!("\n{}", summary::render(&facts)));
            if !self.options.no_timeline {
                let width = terminal_width();
                write_stdout(&format!(
                    "\n{}",
                    timeline::render(&rec, elapsed, width)
                ));
            }
        }
        ExitCode::from(self.status())
    }

    /// Work that neither finished nor failed is lost silently: a thread
    /// still running when the lesson's body returned (no `join`), say.
    /// That is a failure too, with a word on the likely cause.
    fn report_lost_tasks(&self) {
        let planned = self.plan.get().map_or(0, Plan::task_count);
        let (finished, failed) = {
            let rec = self.recording();
            (rec.finished().count(), !rec.errors.is_empty())
        };
        if finished < planned && !failed && !self.stop.requested() {
            crate::fail(format!(
                "only {finished} of {planned} planned tasks finished, and none \
                 failed: was work still running when the lesson ended (a \
                 thread not joined)?"
            ));
        }
    }

    /// The exit status the run has earned so far: 130 after a stop, 1
    /// after a failure, else 0.
    pub(crate) fn status(&self) -> u8 {
        if self.stop.requested() {
            EXIT_INTERRUPTED
        } else if self.recording().errors.is_empty() {
            0
        } else {
            1
        }
    }
}

/// What the kit knows about the current thread, or about an async task
/// (see [`crate::task`]), which lends its own to the thread that polls it.
///
/// Dropped when the thread ends (or the task is dropped), normally or by a
/// panic: a task still open then is recorded as cut short where it stopped.
pub(crate) struct ThisThread {
    worker: Option<usize>,
    open_task: Option<usize>,
    deadline: Option<Instant>,
    /// Whether this belongs to an async task rather than to a thread.
    task: bool,
}

impl ThisThread {
    const fn new() -> Self {
        Self {
            worker: None,
            open_task: None,
            deadline: None,
            task: false,
        }
    }

    /// The state of an async task whose row is `row`.
    pub(crate) const fn for_task(row: usize) -> Self {
        Self {
            worker: Some(row),
            open_task: None,
            deadline: None,
            task: true,
        }
    }

    /// Opens a task for this thread at `now` unless one is open; returns
    /// whether it opened one.
    fn open_task(&mut self, run: &Run, now: Instant) -> bool {
        if self.open_task.is_some() {
            return false;
        }
        let mut rec = run.recording();
        let worker = self.worker(&mut rec);
        self.open_task = Some(rec.open(worker, run.since_start(now)));
        true
    }

    /// This thread's row in the timeline, added on first use: named after
    /// the thread ("main" for the main thread; "pool thread 1", "pool
    /// thread 2"... for threads that share a name), or "thread N" in the
    /// order the threads were spawned.
    fn worker(&mut self, rec: &mut Recording) -> usize {
        *self.worker.get_or_insert_with(|| {
            let this = thread::current();
            match this.name() {
                Some(name) => rec.add_named_thread(name, spawn_order(this.id())),
                None => rec.add_unnamed_thread(spawn_order(this.id())),
            }
        })
    }
}

impl Drop for ThisThread {
    fn drop(&mut self) {
        if let (Some(task), Some(run)) = (self.open_task.take(), RUN.get()) {
            let now = run.elapsed();
            run.recording().abandon(task, now);
        }
    }
}

/// Swaps the calling thread's state with `other`: an async task lends its
/// own for the time of one poll, then takes it back the same way.
pub(crate) fn swap_this_thread(other: &mut ThisThread) {
    THIS_THREAD.with_borrow_mut(|this| std::mem::swap(this, other));
}

/// A key that grows with each thread spawned. Thread ids are handed out by
/// a counter; std prints the number (`ThreadId(3)`) but has no stable way
/// to read it yet. Only the order of rows depends on it.
fn spawn_order(id: thread::ThreadId) -> u64 {
    let text = format!("{id:?}");
    let digits = text.trim_start_matches("ThreadId(").trim_end_matches(')');
    digits.parse().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_to_back_sleeps_never_end_early() {
        let pause = Duration::from_millis(10);
        let began = Instant::now();
        for _ in 0..5 {
            assert!(current().sleep(pause));
        }
        assert!(began.elapsed() >= pause * 5, "took {:?}", began.elapsed());
    }

    #[test]
    fn a_sleep_after_other_work_takes_its_full_length() {
        let pause = Duration::from_millis(20);
        assert!(current().sleep(pause));
        // Work between two sleeps, longer than the 5 ms slack (a fixed gap,
        // so that a huge slack cannot hide it): the next sleep must count
        // from now, not from the previous deadline.
        thread::sleep(Duration::from_millis(15));
        let began = Instant::now();
        assert!(current().sleep(pause));
        assert!(began.elapsed() >= pause, "took {:?}", began.elapsed());
    }

    #[test]
    fn the_slack_is_5_ms_unless_the_environment_says_otherwise() {
        assert_eq!(CHAIN_SLACK, Duration::from_millis(5));
        assert_eq!(parse_chain_slack(""), Ok(CHAIN_SLACK));
        assert_eq!(parse_chain_slack("0"), Ok(Duration::ZERO));
        assert_eq!(parse_chain_slack(" 12 "), Ok(Duration::from_millis(12)));
        for bad in ["-1", "1.5", "abc", "1001", "5ms"] {
            assert!(parse_chain_slack(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn threads_spawned_after_the_setup_wake_on_time() {
        use nix::sys::prctl::get_timerslack;
        // In a thread of its own, so that the test's thread keeps the
        // default: the setting must reach the threads spawned after it.
        let (own, spawned) = thread::spawn(|| {
            wake_on_time();
            let own = get_timerslack();
            (own, thread::spawn(get_timerslack).join().expect("no panic"))
        })
        .join()
        .expect("no panic");
        assert_eq!(own, Ok(1));
        assert_eq!(spawned, Ok(1), "a lesson's thread would wake late");
        // A program started after it inherits it too, across exec: the
        // benchmark relies on that for the Python twins.
        let program = thread::spawn(|| {
            wake_on_time();
            let out = std::process::Command::new("cat")
                .arg("/proc/self/timerslack_ns")
                .output()
                .expect("cat runs");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        })
        .join()
        .expect("no panic");
        assert_eq!(program, "1");
        // Without the setup, a thread has the kernel's default.
        let default = thread::spawn(get_timerslack).join().expect("no panic");
        assert_ne!(default, Ok(1), "the test's thread was changed");
    }

    #[test]
    fn a_thread_that_adds_itself_has_a_row_without_a_task() {
        let name = "idle on purpose";
        let idle = thread::Builder::new().name(name.to_owned()).spawn(|| {
            current().add_this_thread();
            // A second call, or a task later, keeps the same row.
            current().add_this_thread();
        });
        idle.expect("a thread").join().expect("no panic");
        let rec = current().recording();
        let rows = rec.workers.iter().filter(|w| *w == name).count();
        assert_eq!(rows, 1, "{:?}", rec.workers);
        let row = rec.workers.iter().position(|w| w == name).expect("its row");
        assert!(rec.spans.iter().all(|s| s.worker != row));
    }

    #[test]
    fn a_task_begun_without_a_sleep_is_finished_or_cut_short() {
        let name = "begins on purpose";
        let worker = thread::Builder::new().name(name.to_owned()).spawn(|| {
            current().begin_task("fetching");
            // A second begin while one is open changes nothing.
            current().begin_task("another");
            crate::done("fetched");
            current().begin_task("failing");
            crate::cut_short();
            current().begin_task("still going");
            // Recorded as the thread left it: the thread's end cuts it.
            let rec = current().recording();
            let open = rec.spans.last().map(|s| (s.label.clone(), s.end));
            assert_eq!(open, Some(("still going".to_owned(), None)));
        });
        worker.expect("a thread").join().expect("no panic");
        let rec = current().recording();
        let row = rec.workers.iter().position(|w| w == name).expect("its row");
        let tasks: Vec<_> = rec.spans.iter().filter(|s| s.worker == row).collect();
        let seen: Vec<_> = tasks
            .iter()
            .map(|s| (s.label.as_str(), s.finished, s.end.is_some()))
            .collect();
        assert_eq!(
            seen,
            [
                ("fetched", true, true),
                ("failing", false, true),
                ("still going", false, true)
            ]
        );
        assert!(tasks[0].start <= tasks[0].end.unwrap_or_default());
    }

    #[test]
    fn a_thread_that_panics_leaves_its_task_ended_but_unfinished() {
        let name = "panics on purpose";
        let panicking = thread::Builder::new().name(name.to_owned()).spawn(|| {
            current().sleep(Duration::from_millis(1));
            panic!("on purpose, mid-task");
        });
        let joined = panicking.expect("a thread").join();
        assert!(joined.is_err());
        let rec = current().recording();
        let row = rec.workers.iter().position(|w| w == name).expect("its row");
        let tasks: Vec<_> = rec.spans.iter().filter(|s| s.worker == row).collect();
        assert_eq!(tasks.len(), 1);
        assert!(!tasks[0].finished);
        assert!(tasks[0].end.is_some(), "the task ended with its thread");
    }
}
