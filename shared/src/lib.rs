//! The lesson kit: the plumbing every lesson shares, kept out of the lessons
//! so that their `main.rs` shows the concurrency and nothing else.
//!
//! A lesson hands its plan and its body to [`run!`], and inside the body uses
//! [`sleep`] (scaled by `--time-scale`, cut short by Ctrl-C) and [`say!`]
//! (prints a line and records the task it ends). The kit does the rest:
//!
//! - the options every lesson takes (`--time-scale`, `--no-timeline`, `--json`);
//! - a record of every task: which worker ran it, when it started and ended;
//! - the summary (elapsed, ideal, sequential, speedup, overhead) and the
//!   timeline at the end, or one JSON document with `--json`;
//! - stopping: the first Ctrl-C (or SIGTERM, SIGHUP) stops new work and cuts
//!   sleeps short, the summary and timeline show what finished, and the exit
//!   status is 130; a second press exits at once, and so does a stopped
//!   lesson whose output nobody reads;
//! - a closed stdout (`| head -3`) ends the lesson quietly, and a closed
//!   stderr loses messages, never the lesson;
//! - threads: [`spawn`] and [`spawn_scoped`] report a thread the system
//!   refuses as one line instead of a panic, and [`catch_refusal`] does the
//!   same for a crate that panics on one.
//!
//! One idea per module: [`cli`] the options, `run` the run's and threads'
//! state, `stop` the signals, `output` stdout and stderr, [`plan`] the ideal
//! schedule, [`record`] what happened, [`summary`], [`timeline`] and
//! [`report`] how it is shown, [`children`] child processes, [`task`]
//! async tasks as rows of their own.
//!
//! ```no_run
//! use std::time::Duration;
//! use lesson_kit::{Plan, say, sleep};
//!
//! let plan = Plan::new().worker([Duration::from_secs(1); 3]);
//! let status = lesson_kit::run!(plan, || {
//!     for i in 0..3 {
//!         sleep(Duration::from_secs(1));
//!         say!("tick {i}");
//!     }
//! });
//! ```

pub mod children;
pub mod cli;
mod output;
pub mod plan;
pub mod record;
pub mod report;
mod run;
mod stop;
pub mod summary;
pub mod task;
pub mod timeline;

use std::io;
use std::panic;
use std::process::ExitCode;
use std::sync::{Arc, PoisonError};
use std::thread::{self, JoinHandle, Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

pub use cli::{Common, NoArgs};
pub use plan::Plan;
pub use record::Recording;
use serde_json::Value;
pub use stop::{EXIT_INTERRUPTED, exit, on_exit, on_stop};
pub use task::{Task, task};

use run::{OPTIONS, current};

/// Prints a line as the lesson's output, like `println!`, and ends the task
/// this thread was running (the span since its first [`sleep`]).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(::std::format!($($arg)*))
    };
}

/// Parses the command line, like [`args()`], with the calling package's
/// description (from its Cargo.toml) at the top of `--help`.
#[macro_export]
macro_rules! args {
    () => {
        $crate::args_about(::std::env!("CARGO_PKG_DESCRIPTION"))
    };
}

/// Runs a lesson, like [`run()`], with the calling package's description
/// (from its Cargo.toml) at the top of `--help`.
#[macro_export]
macro_rules! run {
    ($plan:expr, $lesson:expr $(,)?) => {
        $crate::run_about(::std::env!("CARGO_PKG_DESCRIPTION"), $plan, $lesson)
    };
}

/// Parses the command line for a lesson with options of its own (a clap
/// `Args` struct) and returns them; the shared options are kept for [`run`].
/// A bad argument prints clap's message and exits with status 2. Lessons
/// call it through [`args!`], which names the lesson in `--help`.
pub fn args<A: clap::Args>() -> A {
    args_about("")
}

/// [`args()`] with `about` at the top of `--help`.
pub fn args_about<A: clap::Args>(about: &str) -> A {
    // First, before the lesson or the kit spawns a thread: they inherit it.
    run::wake_on_time();
    let (common, lesson) = cli::parse::<A>(&name(), about);
    // The first parse wins; a lesson parses once, at the top of main.
    let _ = OPTIONS.set(common);
    lesson
}

/// Runs a lesson: parses the shared options (unless [`args`] did), starts
/// the clock, runs `lesson`, then prints the summary and the timeline (or
/// the JSON document). Returns 0, 1 if any task failed, or 130 after a stop.
/// Lessons call it through [`run!`].
pub fn run(plan: Plan, lesson: impl FnOnce()) -> ExitCode {
    run_about("", plan, lesson)
}

/// [`run()`] with `about` at the top of `--help`.
pub fn run_about(about: &str, plan: Plan, lesson: impl FnOnce()) -> ExitCode {
    if OPTIONS.get().is_none() {
        let _: NoArgs = args_about(about);
    }
    let run = current();
    let _ = run.plan.set(plan);
    stop::install(&run.stop);
    // The clock starts with the lesson's own code, after the kit's setup.
    run.start();
    lesson();
    run.finish()
}

/// Sleeps for `pause` times the time scale, and opens a task on this thread
/// if none is open. Returns `false` if a stop cut the sleep short (or had
/// already come, in which case it does not sleep at all).
///
/// Each sleep counts from the previous one's deadline when it starts
/// within 5 ms of it, so that wake-up delays do not add up over a run; up
/// to that much real work between two sleeps is absorbed, not measured.
/// `LESSON_CHAIN_SLACK_MS=0` turns the chaining off, to see the difference.
pub fn sleep(pause: Duration) -> bool {
    current().sleep(pause)
}

/// Sleeps like [`sleep`] (`pause` times the time scale, cut short by a
/// stop) but opens no task on this thread: for lessons that draw their own
/// bars with [`record_task`], so that threads spawned one after another can
/// share a row named after what they do ("philosopher 1"), or that record
/// waits in bulk (ten thousand threads' waits drawn as one bar). Returns
/// `false` if a stop cut the pause short (or had already come).
pub fn pause(pause: Duration) -> bool {
    let run = current();
    if run.stop.requested() {
        return false;
    }
    let scaled = pause.mul_f64(run.options.time_scale);
    run.stop.wait_until(Instant::now() + scaled)
}

/// Opens a task as [`sleep`] does, and returns the instant at which its
/// sleep of `pause` times the time scale ends, chained as `sleep` chains
/// them, without sleeping: for a sleep on an async runtime's own timer
/// (`tokio::time::sleep_until`), which leaves the thread free meanwhile.
/// `None` after a stop.
pub fn deadline(pause: Duration) -> Option<Instant> {
    current().deadline(pause)
}

/// Prints `line` as the lesson's output and ends this thread's open task,
/// labelling it with the line. After a stop it prints nothing: the task did
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
    let _writing = output::Writing::begin();
    let mut stdout = io::stdout().lock();
    let ended_a_task = {
        let mut rec = run.recording();
        rec.lines.push(line.clone());
        run.close_task(&mut rec, &line, now)
    };
    if children::relaying() {
        children::relay::said(&mut stdout, ended_a_task, &line);
    } else if !run.options.json {
        output::write_to(&mut stdout, &format!("{line}\n"));
    }
}

/// Ends this thread's open task with `label` without printing anything: for
/// work whose result is printed by another thread (a pool's caller).
pub fn done(label: &str) {
    let run = current();
    let now = run.elapsed();
    run.close_task(&mut run.recording(), label, now);
}

/// Opens a task labelled `label` on this thread (or in this async
/// [`task()`]) now, for work that is not a [`sleep`] (a fetch, a
/// computation): its bar in the timeline starts here and ends with
/// [`say!`] or [`done`] (finished, with their label) or [`cut_short`]
/// (failed). A stop that comes first leaves it open: the timeline ends it
/// in `>`. If a task is open already, that one goes on; after a stop,
/// nothing opens.
pub fn begin(label: &str) {
    current().begin_task(label);
}

/// Ends this thread's open task without finishing it: the work failed.
/// The timeline ends its bar in `>` here, and it does not count as
/// finished, so a run with one claims no speedup.
pub fn cut_short() {
    let run = current();
    let now = run.elapsed();
    run.cut_task(&mut run.recording(), now);
}

/// Reports a failure: printed at once on stderr, prefixed with the lesson's
/// name, kept in the JSON `errors`, and the lesson exits with status 1.
pub fn fail(message: impl std::fmt::Display) {
    let message = message.to_string();
    warn(&message);
    current().recording().errors.push(message);
}

/// Starts `work` on a new thread, as `std::thread::spawn` does. Where
/// `thread::spawn` panics if the system refuses a thread (too many threads,
/// no memory for its stack), this reports the refusal with [`fail`]
/// ("cannot start {what}: {error}") and returns `None`: one line, the rest
/// of the run still reported, and exit status 1.
pub fn spawn<T, F>(what: &str, work: F) -> Option<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    started(what, thread::Builder::new().spawn(work))
}

/// [`spawn`] for a scoped thread (`thread::scope`), which may borrow from
/// the function that opened the scope.
pub fn spawn_scoped<'scope, T, F>(
    scope: &'scope Scope<'scope, '_>,
    what: &str,
    work: F,
) -> Option<ScopedJoinHandle<'scope, T>>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    started(what, thread::Builder::new().spawn_scoped(scope, work))
}

/// The handle of a thread that started, or `None` after reporting why not.
fn started<H>(what: &str, spawned: io::Result<H>) -> Option<H> {
    spawned
        .map_err(|err| fail(format!("cannot start {what}: {err}")))
        .ok()
}

/// Runs `start`, which starts threads through a crate that panics when the
/// system refuses one (`threadpool`'s builder unwraps what
/// `thread::Builder::spawn` returns), and reports such a panic as
/// [`spawn`] reports a refusal: one line, "cannot start {what}: {error}",
/// exit status 1, and `None`. Any other panic is printed as usual and goes
/// on unwinding.
pub fn catch_refusal<T>(what: &str, start: impl FnOnce() -> T) -> Option<T> {
    type Hook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Send + Sync>;
    // The panic hook prints a panic before it unwinds: it must keep quiet
    // about a refusal, and only about that.
    let previous: Arc<Hook> = Arc::new(panic::take_hook());
    let others = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().and_then(refusal_in).is_none() {
            others(info);
        }
    }));
    let started = panic::catch_unwind(panic::AssertUnwindSafe(start));
    drop(panic::take_hook());
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    let payload = match started {
        Ok(value) => return Some(value),
        Err(payload) => payload,
    };
    let text = (payload.downcast_ref::<String>().map(String::as_str))
        .or_else(|| payload.downcast_ref::<&str>().copied());
    match text.and_then(refusal_in) {
        Some(err) => {
            fail(format!("cannot start {what}: {err}"));
            None
        }
        None => panic::resume_unwind(payload),
    }
}

/// The system's error in a panic's message about a refused thread: the
/// `Debug` form of an `io::Error` from the system, `Os { code: 11, ... }`,
/// which `unwrap` and std's `thread::spawn` put in their messages.
fn refusal_in(message: &str) -> Option<io::Error> {
    let (_, after) = message.split_once("Os { code: ")?;
    let digits = after.split(|c: char| !c.is_ascii_digit()).next()?;
    Some(io::Error::from_raw_os_error(digits.parse().ok()?))
}

/// Prints a notice on stderr, prefixed with the lesson's name, without
/// counting it as a failure. Unlike `eprintln!` it never panics: a closed
/// or full stderr (`2>&1 | head -1`) loses the message, not the lesson.
pub fn warn(message: impl std::fmt::Display) {
    output::warn(message);
}

/// Adds a field of the lesson's own to the JSON document (pids, counts).
pub fn fact(key: &str, value: impl Into<Value>) {
    let run = current();
    let mut extra = run.extra.lock().unwrap_or_else(PoisonError::into_inner);
    extra.insert(key.to_owned(), value.into());
}

/// Adds a line to the lesson's measurements: figures that differ from run
/// to run (a time per operation, the updates a race lost). They are printed
/// together after the lesson's lines, with a blank line before them, and are
/// not among the JSON `lines`, which tests and the chapters' runs compare
/// exactly; a lesson puts the same figures in its JSON with [`fact`].
pub fn measured(line: impl Into<String>) {
    let run = current();
    let mut lines = run.measured.lock().unwrap_or_else(PoisonError::into_inner);
    lines.push(line.into());
}

/// Prints `text` now, in the run's output, without making it one of the
/// lesson's lines: figures that change from run to run (addresses, counts,
/// times) shown under the line they belong to, where [`measured`] would
/// gather them after the last line. Each line is indented by two spaces,
/// which is how the chapters' saved runs tell these from the lesson's own
/// lines; blank lines are left out. Nothing is printed with `--json`
/// (the lesson gives the same figures with [`fact`]), after a stop, or in
/// a child whose stdout carries its messages to its parent.
pub fn show(text: &str) {
    let run = current();
    if run.options.json || run.stop.requested() || children::relaying() {
        return;
    }
    output::write_stdout(&indented(text));
}

/// `text` with every line indented by two spaces and blank lines left out.
fn indented(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        out.push_str("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Records a whole task that was timed elsewhere (in a child process, say)
/// under the worker `worker`.
pub fn record_task(worker: &str, label: &str, start: Duration, end: Duration) {
    let mut rec = current().recording();
    let index = rec.worker(worker);
    rec.add(index, label, start, end);
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

/// Records a task that `worker` began at `start` and was still in when it
/// was given up on at `end` (a thread blocked for good, say): the timeline
/// draws it `[label-->`, ending at `end`, as a task that did not finish.
/// It is not among the JSON `tasks`, which are the finished ones.
pub fn record_unfinished(worker: &str, label: &str, start: Duration, end: Duration) {
    let mut rec = current().recording();
    let index = rec.worker(worker);
    let task = rec.open(index, start);
    if let Some(span) = rec.spans.get_mut(task) {
        span.label = label.to_owned();
    }
    rec.abandon(task, end);
}

/// Gives `worker` its row in the timeline now, before it records a task,
/// so that rows follow the order workers started in (a child process that
/// dies before finishing anything still shows as an empty row).
pub fn add_worker(worker: &str) {
    current().recording().worker(worker);
}

/// Gives the calling thread its row in the timeline now, before its first
/// task, as [`add_worker`] does for a named worker: a pool thread that
/// waits for work and never gets any still shows, as an empty row. An
/// unnamed thread's row is still numbered in spawn order ("thread 1"...).
pub fn add_this_thread() {
    current().add_this_thread();
}

/// Whether a stop (Ctrl-C) has come: long-running work checks it to stop
/// early.
pub fn stopped() -> bool {
    current().stop.requested()
}

/// Asks the kernel to wake this thread's sleeps on time (1 ns of timer
/// slack instead of 50 us), and every thread and program started from it
/// afterwards, which inherit the setting across `exec` too. [`args!`]
/// does it for a lesson; the benchmark does it so that the programs it
/// compares, Python's included, sleep alike.
pub fn wake_on_time() {
    run::wake_on_time();
}

/// Time since the lesson started.
pub fn elapsed() -> Duration {
    current().elapsed()
}

/// The shared options in force.
pub fn options() -> &'static Common {
    &current().options
}

/// The lesson's name: its binary's name, as cargo built it.
pub fn name() -> String {
    output::name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_sleeps_its_length_and_opens_no_task() {
        let name = "pauses on purpose";
        let pauser = thread::Builder::new().name(name.to_owned()).spawn(|| {
            let began = Instant::now();
            assert!(pause(Duration::from_millis(20)));
            began.elapsed()
        });
        let took = pauser.expect("a thread").join().expect("no panic");
        assert!(took >= Duration::from_millis(20), "took {took:?}");
        let rec = current().recording();
        assert!(!rec.workers.iter().any(|w| w == name), "{:?}", rec.workers);
    }

    #[test]
    fn an_unfinished_task_ends_where_it_was_given_up_on() {
        let ms = Duration::from_millis;
        let worker = "blocked on purpose";
        record_unfinished(worker, "waits for fork 2", ms(10), ms(40));
        let rec = current().recording().clone();
        let row = rec.workers.iter().position(|w| w == worker).expect("a row");
        let span = rec.spans.iter().find(|s| s.worker == row).expect("a span");
        assert_eq!((span.start, span.end), (ms(10), Some(ms(40))));
        assert!(!span.finished && !span.lost, "{span:?}");
        assert_eq!(span.label, "waits for fork 2");
        let drawn = timeline::render(&rec, ms(50), 80);
        let line = drawn
            .lines()
            .find(|l| l.starts_with(worker))
            .expect("its row");
        assert!(line.trim_end().ends_with('>'), "{drawn}");
        assert!(drawn.contains("a task that did not finish"), "{drawn}");
    }

    #[test]
    fn a_refusal_is_read_from_a_panic_message() {
        let unwrapped = "called `Result::unwrap()` on an `Err` value: Os { code: \
                         11, kind: WouldBlock, message: \"Resource temporarily \
                         unavailable\" }";
        let err = refusal_in(unwrapped).expect("a refusal");
        assert_eq!(err.raw_os_error(), Some(11));
        assert!(refusal_in("index out of bounds: the len is 3").is_none());
        assert!(refusal_in("Os { code: x }").is_none());
    }

    #[test]
    fn a_refused_thread_in_a_crate_is_one_failure_not_a_panic() {
        // What threadpool does with a refusal from the system: unwraps it.
        let refusal = || -> io::Result<()> { Err(io::Error::from_raw_os_error(11)) };
        let refused = catch_refusal("the test's threads", || refusal().unwrap());
        assert!(refused.is_none());
        let errors = current().recording().errors.clone();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("cannot start the test's threads: ")
                    && e.contains("os error 11")),
            "{errors:?}"
        );
        assert_eq!(catch_refusal("nothing", || 7), Some(7));
        // Any other panic goes on.
        let other = panic::catch_unwind(|| catch_refusal("x", || panic!("a bug")));
        assert!(other.is_err());
    }

    #[test]
    fn shown_lines_are_indented_and_blank_lines_dropped() {
        let text = "what   address\n\n   \ncode   0x55d0  \n";
        assert_eq!(indented(text), "  what   address\n  code   0x55d0\n");
        assert_eq!(indented(""), "");
    }
}
