//! The lesson kit: the plumbing every lesson shares, kept out of the lessons
//! so that their `main.rs` shows the concurrency and nothing else.
//!
//! A lesson hands its plan and its body to [`run`], and inside the body uses
//! [`sleep`] (scaled by `--time-scale`, cut short by Ctrl-C) and [`say!`]
//! (prints a line and records the task it ends). The kit does the rest:
//!
//! - the options every lesson takes (`--time-scale`, `--no-timeline`, `--json`);
//! - a record of every task: which worker ran it, when it started and ended;
//! - the summary (elapsed, ideal, sequential, speedup, overhead) and the
//!   timeline at the end, or one JSON document with `--json`;
//! - Ctrl-C: the first press stops new work and cuts sleeps short, the
//!   summary and timeline show what finished, and the exit status is 130; a
//!   second press exits at once;
//! - a closed stdout (`| head -3`) ends the lesson quietly instead of
//!   panicking.
//!
//! ```no_run
//! use std::time::Duration;
//! use lesson_kit::{Plan, say, sleep};
//!
//! let plan = Plan::new().worker([Duration::from_secs(1); 3]);
//! let status = lesson_kit::run(plan, || {
//!     for i in 0..3 {
//!         sleep(Duration::from_secs(1));
//!         say!("tick {i}");
//!     }
//! });
//! ```

pub mod children;
mod cli;
mod plan;
pub mod record;
pub mod report;
pub mod summary;
pub mod timeline;

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

pub use cli::{Common, NoArgs};
pub use plan::Plan;
pub use record::Recording;
use serde_json::{Map, Value};
use summary::Facts;

/// Exit status after Ctrl-C, as shells report a death by SIGINT (128 + 2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// How late a sleep may start after the previous one's deadline and still
/// count from that deadline. Each wake-up overshoots a little (tens of
/// microseconds, more on a busy machine); chaining deadlines stops nine
/// sleeps from adding up nine overshoots. A longer gap is real work or
/// waiting, and the next sleep counts from now.
const CHAIN_SLACK: Duration = Duration::from_millis(5);

/// Timeline width when stdout is not a terminal.
const DEFAULT_WIDTH: usize = 80;

/// Prints a line as the lesson's output, like `println!`, and ends the task
/// this thread was running (the span since its first [`sleep`]).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(::std::format!($($arg)*))
    };
}

/// Parses the command line for a lesson with options of its own (a clap
/// `Args` struct) and returns them; the shared options are kept for [`run`].
/// A bad argument prints clap's message and exits with status 2.
pub fn args<A: clap::Args>() -> A {
    let (common, lesson) = cli::parse::<A>(&name());
    // The first parse wins; a lesson parses once, at the top of main.
    let _ = OPTIONS.set(common);
    lesson
}

/// Runs a lesson: parses the shared options (unless [`args`] did), starts
/// the clock, runs `lesson`, then prints the summary and the timeline (or
/// the JSON document). Returns 0, 1 if any task failed, or 130 after Ctrl-C.
pub fn run(plan: Plan, lesson: impl FnOnce()) -> ExitCode {
    if OPTIONS.get().is_none() {
        let _: NoArgs = args();
    }
    let run = current();
    let _ = run.plan.set(plan);
    install_ctrlc(run);
    // The clock starts with the lesson's own code, after the kit's setup.
    run.started.get_or_init(Instant::now);
    lesson();
    run.finish()
}

/// Sleeps for `pause` times the time scale, and opens a task on this thread
/// if none is open. Returns `false` if Ctrl-C cut the sleep short (or had
/// already been pressed, in which case it does not sleep at all).
pub fn sleep(pause: Duration) -> bool {
    let run = current();
    if run.stop.requested() {
        return false;
    }
    let now = Instant::now();
    let deadline = THIS_THREAD.with_borrow_mut(|this| {
        if this.open_task.is_none() {
            let mut rec = run.recording();
            let worker = this.worker(&mut rec);
            this.open_task = Some(rec.open(worker, run.since_start(now)));
        }
        let base = match this.deadline {
            Some(previous)
                if now.saturating_duration_since(previous) < CHAIN_SLACK =>
            {
                previous
            }
            _ => now,
        };
        let deadline = base + pause.mul_f64(run.options.time_scale);
        this.deadline = Some(deadline);
        deadline
    });
    run.stop.wait_until(deadline)
}

/// Prints `line` as the lesson's output and ends this thread's open task,
/// labelling it with the line. After Ctrl-C it prints nothing: the task did
/// not finish. Use it through [`say!`].
pub fn say(line: String) {
    let run = current();
    if run.stop.requested() {
        return;
    }
    let now = run.elapsed();
    // Holding stdout while recording keeps the printed order and `lines`
    // the same; the recording's lock is let go before writing, so a slow
    // reader of stdout does not hold up the sleepers, which need it.
    let mut stdout = io::stdout().lock();
    {
        let mut rec = run.recording();
        if let Some(task) = THIS_THREAD.with_borrow_mut(|this| this.open_task.take())
        {
            rec.close(task, &line, now);
        }
        rec.lines.push(line.clone());
    }
    if !run.options.json {
        write_to(&mut stdout, &format!("{line}\n"));
    }
}

/// Ends this thread's open task with `label` without printing anything: for
/// work whose result is printed by another thread (a pool's caller).
pub fn done(label: &str) {
    let run = current();
    if let Some(task) = THIS_THREAD.with_borrow_mut(|this| this.open_task.take()) {
        let now = run.elapsed();
        run.recording().close(task, label, now);
    }
}

/// Reports a failure: printed at once on stderr, prefixed with the lesson's
/// name, kept in the JSON `errors`, and the lesson exits with status 1.
pub fn fail(message: impl std::fmt::Display) {
    let message = message.to_string();
    warn(&message);
    current().recording().errors.push(message);
}

/// Prints a notice on stderr, prefixed with the lesson's name, without
/// counting it as a failure. Unlike `eprintln!` it never panics: a closed
/// or full stderr (`2>&1 | head -1`) loses the message, not the lesson.
pub fn warn(message: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{}: {message}", name());
}

/// Adds a field of the lesson's own to the JSON document (pids, counts).
pub fn fact(key: &str, value: impl Into<Value>) {
    let run = current();
    let mut extra = run.extra.lock().unwrap_or_else(PoisonError::into_inner);
    extra.insert(key.to_owned(), value.into());
}

/// Records a whole task that was timed elsewhere (in a child process, say)
/// under the worker `worker`.
pub fn record_task(worker: &str, label: &str, start: Duration, end: Duration) {
    let mut rec = current().recording();
    let index = rec.worker(worker);
    rec.add(index, label, start, end);
}

/// Gives `worker` its row in the timeline now, before it records a task,
/// so that rows follow the order workers started in (a child process that
/// dies before finishing anything still shows as an empty row).
pub fn add_worker(worker: &str) {
    current().recording().worker(worker);
}

/// Whether Ctrl-C has been pressed: long-running work checks it to stop early.
pub fn stopped() -> bool {
    current().stop.requested()
}

/// Time since the lesson started.
pub fn elapsed() -> Duration {
    current().elapsed()
}

/// The shared options in force.
pub fn options() -> &'static Common {
    &current().options
}

/// Registers work to do before the kit ends the process itself (a closed
/// stdout, a second Ctrl-C): killing child processes, for instance.
pub fn on_exit(cleanup: impl Fn() + Send + Sync + 'static) {
    let mut hooks = EXIT_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    hooks.push(Box::new(cleanup));
}

/// Registers work to do on the first Ctrl-C, as soon as it is pressed:
/// stopping child processes, for instance, which the kit's sleeps cannot
/// reach.
pub fn on_stop(hook: impl Fn() + Send + Sync + 'static) {
    let mut hooks = STOP_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    hooks.push(Box::new(hook));
}

/// Ends the process with `code` after running the [`on_exit`] hooks.
pub fn exit(code: i32) -> ! {
    let hooks = EXIT_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    for cleanup in hooks.iter() {
        cleanup();
    }
    std::process::exit(code)
}

/// The lesson's name: its binary's name, as cargo built it.
pub fn name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "lesson".to_owned())
}

/// Records a task that `worker` (a child process) held from `start` until
/// it died, or was given up on, at `end`: the timeline ends its bar in `X`
/// there, so that a task run again elsewhere shows where it was lost. It
/// does not count as finished.
pub fn record_lost(worker: &str, label: &str, start: Duration, end: Duration) {
    let mut rec = current().recording();
    let index = rec.worker(worker);
    rec.lost(index, label, start, end);
}

type Hook = Box<dyn Fn() + Send + Sync>;

static OPTIONS: OnceLock<Common> = OnceLock::new();
static RUN: OnceLock<Run> = OnceLock::new();
static EXIT_HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());
static STOP_HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

thread_local! {
    static THIS_THREAD: RefCell<ThisThread> = const { RefCell::new(ThisThread::new()) };
}

/// What the kit knows about the current thread.
///
/// Dropped when the thread ends, normally or by a panic: a task still open
/// then is recorded as cut short where it stopped.
struct ThisThread {
    worker: Option<usize>,
    open_task: Option<usize>,
    deadline: Option<Instant>,
}

impl ThisThread {
    const fn new() -> Self {
        Self {
            worker: None,
            open_task: None,
            deadline: None,
        }
    }

    /// This thread's row in the timeline, added on first use: named after
    /// the thread ("main" for the main thread), or "thread N" in the order
    /// the threads were spawned.
    fn worker(&mut self, rec: &mut Recording) -> usize {
        *self.worker.get_or_insert_with(|| {
            let this = thread::current();
            match this.name() {
                Some(name) => rec.add_row(name),
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

/// A key that grows with each thread spawned. Thread ids are handed out by
/// a counter; std prints the number (`ThreadId(3)`) but has no stable way
/// to read it yet. Only the order of rows depends on it.
fn spawn_order(id: thread::ThreadId) -> u64 {
    let text = format!("{id:?}");
    let digits = text.trim_start_matches("ThreadId(").trim_end_matches(')');
    digits.parse().unwrap_or(u64::MAX)
}

/// The state of the one run in this process.
struct Run {
    options: Common,
    started: OnceLock<Instant>,
    plan: OnceLock<Plan>,
    recording: Mutex<Recording>,
    extra: Mutex<Map<String, Value>>,
    stop: Stop,
}

fn current() -> &'static Run {
    RUN.get_or_init(|| Run {
        options: OPTIONS.get().cloned().unwrap_or_default(),
        started: OnceLock::new(),
        plan: OnceLock::new(),
        recording: Mutex::new(Recording::default()),
        extra: Mutex::new(Map::new()),
        stop: Stop::default(),
    })
}

impl Run {
    fn start(&self) -> Instant {
        *self.started.get_or_init(Instant::now)
    }

    fn elapsed(&self) -> Duration {
        self.start().elapsed()
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start())
    }

    fn recording(&self) -> MutexGuard<'_, Recording> {
        // A panic elsewhere must not hide what was recorded.
        self.recording
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn finish(&self) -> ExitCode {
        let elapsed = self.elapsed();
        let mut rec = self.recording().clone();
        rec.number_threads();
        let plan = self.plan.get().cloned().unwrap_or_default();
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

    /// The exit status the run has earned so far: 130 after Ctrl-C, 1 after
    /// a failure, else 0.
    fn status(&self) -> u8 {
        if self.stop.requested() {
            EXIT_INTERRUPTED
        } else if self.recording().errors.is_empty() {
            0
        } else {
            1
        }
    }
}

/// Ctrl-C's flag, and a condition variable that wakes every sleeper when it
/// is set.
#[derive(Default)]
struct Stop {
    requested: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Stop {
    fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Sets the flag; returns whether it was set before. Sleepers notice
    /// at their deadline, or at once after [`Stop::wake_all`].
    fn raise(&self) -> bool {
        self.requested.swap(true, Ordering::SeqCst)
    }

    /// Wakes every sleeper to look at the flag.
    fn wake_all(&self) {
        // Taking the lock means no sleeper is between its check and its wait.
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.wake.notify_all();
    }

    /// Waits until `deadline`; returns `false` if a stop came first.
    fn wait_until(&self, deadline: Instant) -> bool {
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if self.requested() {
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            guard = match self.wake.wait_timeout(guard, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

fn install_ctrlc(run: &'static Run) {
    let installed = ctrlc::set_handler(move || {
        let lesson = name();
        // The flag goes up first: from now on, a sleep that ends or a child
        // that dies is known to be part of the stop, not a failure.
        if run.stop.raise() {
            eprintln!("{lesson}: stopped at once");
            exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!(
            "\n{lesson}: stopping after Ctrl-C (press it again to quit at once)"
        );
        let hooks = STOP_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
        for hook in hooks.iter() {
            hook();
        }
        // Waking the sleepers last puts this message before the summary.
        run.stop.wake_all();
    });
    if let Err(err) = installed {
        eprintln!("{}: warning: Ctrl-C will not stop cleanly: {err}", name());
    }
}

/// Writes to stdout. A closed pipe (`| head -3`) ends the lesson quietly, as
/// command-line tools do; any other write error is reported.
fn write_stdout(text: &str) {
    write_to(&mut io::stdout().lock(), text);
}

fn write_to(stdout: &mut impl Write, text: &str) {
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // Quiet, but not hiding a failure or a Ctrl-C that came before.
        if err.kind() == io::ErrorKind::BrokenPipe {
            exit(i32::from(current().status()));
        }
        eprintln!("{}: cannot write the output: {err}", name());
        exit(1);
    }
}

fn terminal_width() -> usize {
    let stdout = io::stdout();
    if !stdout.is_terminal() {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size_of(stdout)
        .map_or(DEFAULT_WIDTH, |(terminal_size::Width(w), _)| usize::from(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_wakes_a_sleeper_early() {
        let stop = std::sync::Arc::new(Stop::default());
        let sleeper = {
            let stop = std::sync::Arc::clone(&stop);
            thread::spawn(move || {
                let began = Instant::now();
                let slept_fully = stop.wait_until(began + Duration::from_secs(30));
                (slept_fully, began.elapsed())
            })
        };
        assert!(!stop.raise());
        assert!(stop.raise(), "a second raise reports the first");
        stop.wake_all();
        let (slept_fully, took) = sleeper.join().expect("sleeper thread");
        assert!(!slept_fully);
        assert!(took < Duration::from_secs(10), "took {took:?}");
    }

    #[test]
    fn back_to_back_sleeps_never_end_early() {
        let pause = Duration::from_millis(10);
        let began = Instant::now();
        for _ in 0..5 {
            assert!(sleep(pause));
        }
        assert!(began.elapsed() >= pause * 5, "took {:?}", began.elapsed());
    }

    #[test]
    fn a_sleep_after_other_work_takes_its_full_length() {
        let pause = Duration::from_millis(20);
        assert!(sleep(pause));
        // Work between two sleeps, longer than the slack: the next sleep
        // must count from now, not from the previous deadline.
        thread::sleep(CHAIN_SLACK * 3);
        let began = Instant::now();
        assert!(sleep(pause));
        assert!(began.elapsed() >= pause, "took {:?}", began.elapsed());
    }

    #[test]
    fn a_thread_that_panics_leaves_its_task_ended_but_unfinished() {
        let name = "panics on purpose";
        let panicking = thread::Builder::new().name(name.to_owned()).spawn(|| {
            sleep(Duration::from_millis(1));
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

    #[test]
    fn a_wait_without_a_stop_reaches_its_deadline() {
        let stop = Stop::default();
        let deadline = Instant::now() + Duration::from_millis(20);
        assert!(stop.wait_until(deadline));
        assert!(Instant::now() >= deadline);
    }
}
