//! Stopping a run early: Ctrl-C and the other stop signals, the work to do
//! when they come, and the flag and wake-up that cut every sleep short.
//!
//! The first signal stops the run cleanly: hooks stop child processes, the
//! sleepers wake, the lesson prints what finished and exits 130. A second,
//! deliberate press quits at once. Signals that arrive together are one
//! request: `timeout` signals the lesson and then its whole process group,
//! so the lesson sees SIGTERM twice within microseconds.
//!
//! Output must not stand in the way. The handler never writes itself: its
//! notices are written by threads of their own, so that a stderr nobody
//! reads cannot keep it from the next signal. And once a stop has come, a
//! watchdog ends the lesson (130, the exit hooks run) if its output stops
//! moving: a stdout or stderr that nobody reads would otherwise hold the
//! lesson for ever at its next line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::output::{self, warn};

/// Exit status after a stop, as shells report a death by SIGINT (128 + 2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// A second signal this soon after the first was handled is part of the
/// same request (one `timeout`, one `kill` to a group), not a second press:
/// nobody presses Ctrl-C twice within a third of a second on purpose.
const SAME_REQUEST: Duration = Duration::from_millis(300);

/// How long the handler waits for "stopped at once" to be written before
/// it quits anyway.
const LAST_WORD: Duration = Duration::from_millis(100);

/// After a stop, output that has not moved for this long, with a write
/// waiting, is output nobody reads: the watchdog ends the lesson. A
/// lesson that stops cleanly writes its summary within milliseconds.
const STUCK_OUTPUT: Duration = Duration::from_secs(2);

/// How often the watchdog looks.
const WATCH_EVERY: Duration = Duration::from_millis(50);

type Hook = Box<dyn Fn() + Send + Sync>;

static EXIT_HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());
static STOP_HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

/// Registers work to do before the kit ends the process itself (a closed
/// stdout, a second Ctrl-C): killing child processes, for instance.
pub fn on_exit(cleanup: impl Fn() + Send + Sync + 'static) {
    let mut hooks = EXIT_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    hooks.push(Box::new(cleanup));
}

/// Registers work to do on the first stop signal, as soon as it comes:
/// stopping child processes, for instance, which the kit's sleeps cannot
/// reach.
pub fn on_stop(hook: impl Fn() + Send + Sync + 'static) {
    let mut hooks = STOP_HOOKS.lock().unwrap_or_else(PoisonError::into_inner);
    hooks.push(Box::new(hook));
}

/// Ends the process with `code` after running the [`on_exit`] hooks.
pub fn exit(code: i32) -> ! {
    run_hooks(&EXIT_HOOKS);
    std::process::exit(code)
}

fn run_hooks(hooks: &Mutex<Vec<Hook>>) {
    let hooks = hooks.lock().unwrap_or_else(PoisonError::into_inner);
    for hook in hooks.iter() {
        hook();
    }
}

/// The stop flag, and a condition variable that wakes every sleeper when
/// it is raised.
#[derive(Default)]
pub(crate) struct Stop {
    requested: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
    /// When the first signal had been handled: the start of the window in
    /// which another signal belongs to the same request.
    handled: Mutex<Option<Instant>>,
    /// Whether the stop's notice is out (written, or given up on).
    said: AtomicBool,
}

/// What to do about a signal.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    /// The first: stop cleanly.
    Stop,
    /// Sent together with the first: nothing more to do.
    SameRequest,
    /// A deliberate second press: quit now.
    QuitNow,
}

impl Stop {
    pub(crate) fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Raises the flag; returns whether it was raised before. Sleepers
    /// notice at their deadline, or at once after [`Stop::wake_all`].
    pub(crate) fn raise(&self) -> bool {
        self.requested.swap(true, Ordering::SeqCst)
    }

    /// Wakes every sleeper to look at the flag.
    pub(crate) fn wake_all(&self) {
        // Taking the lock means no sleeper is between its check and its wait.
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.wake.notify_all();
    }

    /// Waits until `deadline`; returns `false` if a stop came first.
    pub(crate) fn wait_until(&self, deadline: Instant) -> bool {
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

    /// Decides what a signal that comes `now` means.
    fn classify(&self, now: Instant) -> Action {
        if !self.raise() {
            return Action::Stop;
        }
        let handled = *self.handled.lock().unwrap_or_else(PoisonError::into_inner);
        match handled {
            // Signals are handled one after another: one that comes while the
            // first is still being handled was sent with it.
            None => Action::SameRequest,
            Some(at) if now.saturating_duration_since(at) < SAME_REQUEST => {
                Action::SameRequest
            }
            Some(_) => Action::QuitNow,
        }
    }

    fn mark_handled(&self, at: Instant) {
        *self.handled.lock().unwrap_or_else(PoisonError::into_inner) = Some(at);
    }

    /// The stop's notice is out.
    fn mark_said(&self) {
        self.said.store(true, Ordering::SeqCst);
        // Under the sleepers' lock, so that a waiter in `wait_handled`
        // cannot miss it between its check and its wait.
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.wake.notify_all();
    }

    /// After a stop, waits at most `limit` for the stop's notice to be out
    /// on stderr, so that it comes before the summary and is not lost when
    /// the lesson ends first. A stderr that blocks costs `limit`.
    pub(crate) fn wait_handled(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        while self.requested() && !self.said.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            guard = match self.wake.wait_timeout(guard, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Handles one stop signal. It never writes, and so never blocks on
    /// output: ctrlc calls it for one signal after another, and a handler
    /// stuck on a full stderr would never see the next.
    fn on_signal(&'static self) {
        match self.classify(Instant::now()) {
            Action::Stop => {
                run_hooks(&STOP_HOOKS);
                self.wake_all();
                self.mark_handled(Instant::now());
                // ctrlc does not say which signal came: name every one it
                // catches rather than a key nobody may have pressed.
                let notice = "stopping on a stop signal (Ctrl-C, SIGTERM or \
                              SIGHUP); press Ctrl-C again to quit at once";
                let spawned = thread::Builder::new()
                    .name("stop notice".to_owned())
                    .spawn(move || {
                        warn(notice);
                        self.mark_said();
                    });
                if spawned.is_err() {
                    self.mark_said(); // no thread to write it: not said
                }
                watch_the_output();
            }
            Action::SameRequest => {}
            Action::QuitNow => quit_at_once("stopped at once"),
        }
    }
}

/// Ends the process now with status 130, after the [`on_exit`] hooks and
/// a notice that may take [`LAST_WORD`] at most.
fn quit_at_once(notice: &str) -> ! {
    run_hooks(&EXIT_HOOKS);
    output::warn_within(notice.to_owned(), LAST_WORD);
    std::process::exit(i32::from(EXIT_INTERRUPTED))
}

/// Starts the watchdog of a stopped lesson: if a write of its output waits
/// for [`STUCK_OUTPUT`] without any write ending meanwhile, nobody reads
/// that output, and the lesson would wait at its next line for ever (a
/// pipe to a reader that has stopped reading). The watchdog then quits as
/// a second Ctrl-C would. Time the whole process spent stopped (Ctrl-Z)
/// does not count: the watchdog sees it as a gap between two looks.
fn watch_the_output() {
    let watching = thread::Builder::new()
        .name("stop watchdog".to_owned())
        .spawn(|| {
            let mut last = (output::progress().0, Instant::now());
            let mut looked = Instant::now();
            loop {
                thread::sleep(WATCH_EVERY);
                let now = Instant::now();
                let (ended, under_way) = output::progress();
                // Writes ended since the last change, none waiting, or a
                // gap in which the process was stopped: output is moving.
                let gap = now.saturating_duration_since(looked);
                if ended != last.0 || !under_way || gap > WATCH_EVERY * 10 {
                    last = (ended, now);
                }
                looked = now;
                if now.saturating_duration_since(last.1) >= STUCK_OUTPUT {
                    quit_at_once("stopped: the output is not being read");
                }
            }
        });
    // No thread for the watchdog: the stop goes on without it, and a
    // second Ctrl-C still quits at once.
    drop(watching);
}

/// How long [`install`] waits at most for ctrlc's thread to be ready.
/// A thread starts in well under a millisecond; a busy machine may take
/// tens before it runs it at all.
const HANDLER_START: Duration = Duration::from_millis(50);

/// Routes SIGINT, SIGTERM and SIGHUP to `stop` (ctrlc's `termination`
/// feature adds the last two), and returns once ctrlc's thread waits for
/// them.
pub(crate) fn install(stop: &'static Stop) {
    let before = threads();
    if let Err(err) = ctrlc::set_handler(move || stop.on_signal()) {
        // ctrlc's "Unexpected system error" hides its cause (a refused
        // thread, say): say both.
        let cause = std::error::Error::source(&err)
            .map_or(String::new(), |c| format!(": {c}"));
        warn(format_args!(
            "warning: Ctrl-C will not stop cleanly: {err}{cause}"
        ));
        return;
    }
    // ctrlc starts a thread and returns at once. That thread's start-up
    // (its stack, its heap, 0.1 to 0.2 ms on two cores) must not run on
    // the lesson's clock, beside the lesson's own first threads.
    for thread in threads().into_iter().filter(|t| !before.contains(t)) {
        wait_until_asleep(thread, "ctrl-c", HANDLER_START);
    }
}

/// The ids of this process's threads (none where /proc is missing).
fn threads() -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    (tasks.flatten())
        .filter_map(|task| task.file_name().to_str()?.parse().ok())
        .collect()
}

/// Waits at most `limit` until thread `id` of this process, named `name`,
/// sleeps. ctrlc has no way to say that its thread is ready, but /proc
/// shows it: once named, the thread's only sleep is its wait for a signal.
/// Returns whether it was seen asleep.
fn wait_until_asleep(id: u32, name: &str, limit: Duration) -> bool {
    let stat = format!("/proc/self/task/{id}/stat");
    let began = Instant::now();
    loop {
        let Ok(text) = std::fs::read_to_string(&stat) else {
            return false; // gone, or no /proc: nothing to wait for
        };
        // "ID (NAME) STATE ...": the name may hold spaces and parentheses.
        let Some((head, tail)) = text.rsplit_once(')') else {
            return false;
        };
        let named = head.split_once('(').is_some_and(|(_, n)| n == name);
        if named && tail.trim_start().starts_with('S') {
            return true;
        }
        if began.elapsed() >= limit {
            return false;
        }
        // Not ready yet: let it run, on this core if it has no other.
        thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, mpsc};
    use std::thread;

    #[test]
    fn a_stop_wakes_a_sleeper_early() {
        let stop = Arc::new(Stop::default());
        let sleeper = {
            let stop = Arc::clone(&stop);
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
    fn a_wait_without_a_stop_reaches_its_deadline() {
        let stop = Stop::default();
        let deadline = Instant::now() + Duration::from_millis(20);
        assert!(stop.wait_until(deadline));
        assert!(Instant::now() >= deadline);
    }

    #[test]
    fn signals_sent_together_are_one_request() {
        let stop = Stop::default();
        let first = Instant::now();
        assert_eq!(stop.classify(first), Action::Stop);
        // Still being handled: the second signal came with the first.
        assert_eq!(stop.classify(first), Action::SameRequest);
        stop.mark_handled(first);
        let soon = first + SAME_REQUEST / 2;
        assert_eq!(stop.classify(soon), Action::SameRequest);
    }

    #[test]
    fn the_summary_waits_for_the_stop_message_but_not_for_ever() {
        let limit = Duration::from_secs(5);
        // No stop: nothing to wait for.
        let stop = Stop::default();
        let began = Instant::now();
        stop.wait_handled(limit);
        assert!(began.elapsed() < limit, "waited without a stop");
        // A stop whose message is out: no wait either.
        assert_eq!(stop.classify(Instant::now()), Action::Stop);
        stop.mark_handled(Instant::now());
        stop.mark_said();
        stop.wait_handled(limit);
        assert!(began.elapsed() < limit, "waited for a message already out");
        // A stop whose message never comes (a stderr that blocks): the
        // wait ends at its limit.
        let stuck = Stop::default();
        assert_eq!(stuck.classify(Instant::now()), Action::Stop);
        stuck.mark_handled(Instant::now());
        let short = Duration::from_millis(30);
        let began = Instant::now();
        stuck.wait_handled(short);
        assert!(began.elapsed() >= short);
    }

    #[test]
    fn the_signal_thread_waits_for_signals_once_installed() {
        install(Box::leak(Box::new(Stop::default())));
        // Right after ctrlc returned, its thread would still be starting.
        let ctrlc = threads().into_iter().find(|&id| {
            std::fs::read_to_string(format!("/proc/self/task/{id}/stat"))
                .is_ok_and(|stat| stat.contains("(ctrl-c)"))
        });
        let ctrlc = ctrlc.expect("ctrlc's thread, named");
        let at_once = Duration::ZERO;
        assert!(
            wait_until_asleep(ctrlc, "ctrl-c", at_once),
            "still starting"
        );
    }

    #[test]
    fn only_a_sleeping_thread_of_that_name_is_taken_for_ready() {
        let own_id = || u32::try_from(nix::unistd::gettid().as_raw());
        // A thread that looks at itself is running, not asleep.
        let looker = thread::Builder::new().name("looker".into()).spawn(move || {
            let id = own_id().expect("an id");
            wait_until_asleep(id, "looker", Duration::ZERO)
        });
        assert!(!looker.expect("a thread").join().expect("no panic"));
        // A thread blocked on a channel is asleep, under its own name only.
        let (id, ready) = mpsc::channel();
        let (wake, wait) = mpsc::channel::<()>();
        let sleeper =
            thread::Builder::new()
                .name("sleeper".into())
                .spawn(move || {
                    let _ = id.send(own_id().expect("an id"));
                    let _ = wait.recv();
                });
        let sleeper = sleeper.expect("a thread");
        let id = ready.recv().expect("its id");
        assert!(wait_until_asleep(id, "sleeper", Duration::from_secs(10)));
        assert!(!wait_until_asleep(id, "another", Duration::ZERO));
        let _ = wake.send(());
        sleeper.join().expect("no panic");
        // A thread that is gone: nothing to wait for.
        assert!(!wait_until_asleep(id, "sleeper", Duration::from_secs(10)));
    }

    #[test]
    fn a_later_press_quits_at_once() {
        let stop = Stop::default();
        let first = Instant::now();
        assert_eq!(stop.classify(first), Action::Stop);
        stop.mark_handled(first);
        let later = first + SAME_REQUEST + Duration::from_millis(1);
        assert_eq!(stop.classify(later), Action::QuitNow);
    }
}
