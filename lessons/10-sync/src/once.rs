//! Part 6, once and per-thread, briefly. Four threads ask for the
//! settings at the same moment; a `LazyLock` loads them on first use, once,
//! while the others wait, and every thread gets the same settings (as a
//! Python module-level value, loaded at import). A `OnceLock` keeps the
//! number of the first asker to come, set by that thread with a value
//! known only then. Each thread also counts its own calls in a
//! `thread_local!`, which no other thread sees.
//!
//! `cargo run -p lesson-10-sync -- --part once`

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;
use std::time::Duration;

use lesson_kit::say;
use serde_json::json;

const ASKERS: usize = 4;
/// How long loading the settings takes, as reading a file would.
const LOAD: Duration = Duration::from_millis(100);

/// What every thread needs, loaded once.
#[derive(Debug)]
struct Settings {
    greeting: &'static str,
    /// The asker whose call loaded them.
    loaded_by: usize,
}

// ANCHOR: lazy
/// Loaded by the first thread that touches it; a thread that comes while
/// it loads waits for the load, and never loads a second time.
static SETTINGS: LazyLock<Settings> = LazyLock::new(load_settings);

/// How many times the settings were loaded: it must stay at one.
static LOADS: AtomicUsize = AtomicUsize::new(0);

fn load_settings() -> Settings {
    LOADS.fetch_add(1, Ordering::SeqCst);
    lesson_kit::pause(LOAD);
    Settings {
        greeting: "hello",
        loaded_by: ASKER.get(),
    }
}
// ANCHOR_END: lazy

// ANCHOR: once_lock
/// The first asker to come. `get_or_init` sets it once, with the value the
/// first caller's closure gives; the callers after it get that value.
static FIRST: OnceLock<usize> = OnceLock::new();
// ANCHOR_END: once_lock

// ANCHOR: thread_local
thread_local! {
    /// Which asker this thread is: each thread has its own.
    static ASKER: Cell<usize> = const { Cell::new(0) };
    /// How many calls this thread has made: each thread has its own count.
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// One call, counted on this thread only.
fn call() {
    CALLS.set(CALLS.get() + 1);
}
// ANCHOR_END: thread_local

// ANCHOR: askers
/// Asker `n`: notes itself as the first if no asker was, asks for the
/// settings, then makes `n` calls. Returns the first asker's number, the
/// settings it got and its own count of calls.
fn ask(n: usize) -> (usize, &'static Settings, u32) {
    ASKER.set(n);
    let first = *FIRST.get_or_init(|| n);
    let asked = lesson_kit::elapsed();
    // The first to get here loads them; the others wait for that load.
    let settings: &'static Settings = &SETTINGS;
    let label = if settings.loaded_by == n {
        "load"
    } else {
        "wait"
    };
    let row = format!("asker {n}");
    lesson_kit::record_task(
        &row,
        &format!("LazyLock: {label}"),
        asked,
        lesson_kit::elapsed(),
    );
    for _ in 0..n {
        call();
    }
    (first, settings, CALLS.get())
}
// ANCHOR_END: askers

pub fn run() {
    for n in 1..=ASKERS {
        lesson_kit::add_worker(&format!("asker {n}"));
    }
    say!(
        "once: {ASKERS} threads ask for the settings at the same moment; a LazyLock loads them on first use"
    );
    // The threads start within microseconds of each other, well inside
    // the first one's load.
    let answers: Option<Vec<(usize, &Settings, u32)>> = thread::scope(|scope| {
        // `None` at the first thread refused, which is reported.
        let askers: Option<Vec<_>> = (1..=ASKERS)
            .map(|n| lesson_kit::spawn_scoped(scope, "an asker", move || ask(n)))
            .collect();
        askers?
            .into_iter()
            .map(|asker| {
                let answer = asker.join().ok();
                if answer.is_none() {
                    lesson_kit::fail("once: an asker panicked");
                }
                answer
            })
            .collect()
    });
    let Some(answers) = answers else {
        return;
    };
    if lesson_kit::stopped() {
        return;
    }
    let loads = LOADS.load(Ordering::SeqCst);
    let same = answers.iter().all(|(_, s, _)| std::ptr::eq(*s, &*SETTINGS));
    if loads == 1 && same {
        say!("LazyLock: loaded 1 time; all {ASKERS} threads got the same settings");
    } else {
        lesson_kit::fail(format!(
            "once: loaded {loads} times, the same for all: {same}"
        ));
    }
    let first = FIRST.get().copied();
    if answers.iter().all(|(seen, _, _)| Some(*seen) == first) {
        say!(
            "OnceLock: set once, by the first asker to come; all {ASKERS} got its number"
        );
    } else {
        lesson_kit::fail("once: the askers saw different first askers");
    }
    let counts: Vec<u32> = answers.iter().map(|(_, _, calls)| *calls).collect();
    let texts: Vec<String> = counts.iter().map(u32::to_string).collect();
    say!(
        "thread_local!: each thread counted only its own calls: {}",
        texts.join(", ")
    );
    lesson_kit::measured(format!(
        "once: the settings ({:?}) were loaded by asker {}; asker {} came first",
        SETTINGS.greeting,
        SETTINGS.loaded_by,
        first.unwrap_or_default()
    ));
    lesson_kit::fact(
        "once",
        json!({
            "loads": loads, "loaded_by": SETTINGS.loaded_by, "calls": counts,
            "first": first,
        }),
    );
}
