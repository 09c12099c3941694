//! Threads the system refuses inside the crates this lesson uses. The
//! lesson starts its own threads with `thread::Builder` and reports a
//! refusal in one line, but tokio (its workers, `spawn_blocking`) and
//! tiny_http (the embedded site's threads) panic instead. [`install`]
//! turns such a panic into the same one line, "cannot start a thread:
//! ... (in tokio-1.54.1)", and exit status 1, with no backtrace; [`build`]
//! keeps a runtime whose builder panicked from hanging the lesson.

use std::any::Any;
use std::cell::RefCell;
use std::io;
use std::panic::{self, PanicHookInfo};
use std::sync::mpsc::{self, Sender};

/// The message of a panic about a refused thread, tokio's and std's: the
/// system's error, as the panic's message words it.
fn refusal(message: &str) -> Option<&str> {
    // tokio's words, and std's when a new thread has no memory left for the
    // stack its signal handlers run on.
    for words in [
        "OS can't spawn worker thread: ",
        "failed to allocate an alternative stack: ",
    ] {
        if let Some(err) = message.strip_prefix(words) {
            return Some(err);
        }
    }
    // `unwrap` on the io::Error of a refused thread: "... Os { code: 11,
    // kind: WouldBlock, message: \"Resource temporarily unavailable\" }"
    // (EAGAIN; ENOMEM, 12, when there is no memory for its stack).
    let (_, os) = message.split_once("Os { code: ")?;
    if !(os.starts_with("11,") || os.starts_with("12,")) {
        return None;
    }
    let (_, text) = os.split_once("message: \"")?;
    text.split('"').next()
}

/// Where a panic came from, for its line: the crate whose code panicked
/// (`tiny_http-0.12.0`), or the lesson's own file and line.
fn place(info: &PanicHookInfo<'_>) -> String {
    let Some(location) = info.location() else {
        return "somewhere in the lesson".to_owned();
    };
    let file = location.file();
    // std's `thread::spawn`, which panics where `thread::Builder` returns
    // the error, called by a crate: which one, the place does not say.
    if file.contains("/library/std/") {
        return "in std::thread::spawn, called by a crate".to_owned();
    }
    // A crate's source is in a folder named after it and its version,
    // "…/tiny_http-0.12.0/src/util/task_pool.rs".
    let crate_dir = (file.rsplit_once("/src/"))
        .and_then(|(dir, _)| dir.rsplit('/').next())
        .filter(|dir| dir.contains('-') && !file.starts_with("lessons/"));
    match crate_dir {
        Some(name) => format!("in {name}"),
        None => format!("at {file}:{}", location.line()),
    }
}

thread_local! {
    /// On a thread that builds a runtime: where to tell of a refusal.
    static BUILDER: RefCell<Option<Sender<Built>>> = const { RefCell::new(None) };
}

/// What a builder thread sends back.
enum Built {
    Runtime(io::Result<tokio::runtime::Runtime>),
    Refused(String),
}

/// Installs the panic hook: a panic about a refused thread becomes one
/// failure line, on any thread; every other panic prints as before.
pub fn install() {
    let others = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let Some(err) = info.payload_as_str().and_then(refusal) else {
            return others(info);
        };
        let why = format!("{err} ({})", place(info));
        // On a builder thread the builder reports it: see `build`.
        let told = BUILDER.with_borrow(|builder| {
            (builder.as_ref())
                .is_some_and(|tell| tell.send(Built::Refused(why.clone())).is_ok())
        });
        if !told {
            lesson_kit::fail(format!("cannot start a thread: {why}"));
        }
    }));
}

/// Builds a runtime with `build` on a thread of its own. tokio starts a
/// multi-thread runtime's workers as it builds it, and panics if the
/// system refuses one; the half-built runtime then waits, as the panic
/// unwinds, for the workers already started, which nobody tells to stop.
/// So the builder must not be the lesson's own thread: a refusal is
/// reported, and the builder is left blocked, as lesson 10's deadlocked
/// philosophers are, until the process ends. `None` after a refusal.
pub fn build(
    what: &str,
    build: impl FnOnce() -> io::Result<tokio::runtime::Runtime> + Send + 'static,
) -> Option<tokio::runtime::Runtime> {
    let (tell, told) = mpsc::channel();
    let on_refusal = tell.clone();
    let builder = lesson_kit::spawn(&format!("the builder of {what}"), move || {
        BUILDER.set(Some(on_refusal));
        let _ = tell.send(Built::Runtime(build()));
    })?;
    match told.recv() {
        Ok(Built::Runtime(Ok(runtime))) => {
            // It sent the runtime as its last act: the join is at once.
            let _ = builder.join();
            Some(runtime)
        }
        Ok(Built::Runtime(Err(err))) => {
            let _ = builder.join();
            lesson_kit::fail(format!("cannot start {what}: {err}"));
            None
        }
        Ok(Built::Refused(why)) => {
            lesson_kit::fail(format!("cannot start {what}: {why}"));
            None
        }
        // The builder ended without a word: it panicked for another
        // reason, which the hook has printed.
        Err(_) => {
            let reason = builder
                .join()
                .err()
                .map_or_else(String::new, |p| message(&p));
            lesson_kit::fail(format!(
                "cannot start {what}: the builder panicked{reason}"
            ));
            None
        }
    }
}

/// Reports a task that did not end well, as `what` ("a spawn_blocking
/// task"): a panic about a refused thread was reported by the hook
/// already; any other panic, or an abort, is one failure line here.
pub fn report_task(what: &str, err: tokio::task::JoinError) {
    if !err.is_panic() {
        return lesson_kit::fail(format!("{what} did not finish: {err}"));
    }
    let payload = err.into_panic();
    let text = message(&payload);
    if refusal(text.trim_start_matches(": ")).is_none() {
        lesson_kit::fail(format!("{what} panicked{text}"));
    }
}

/// ": " and a panic's message, if it has one.
fn message(payload: &Box<dyn Any + Send>) -> String {
    (payload.downcast_ref::<String>().map(String::as_str))
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .map_or_else(String::new, |text| format!(": {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokio_and_unwrap_refusals_are_recognised_and_others_are_not() {
        assert_eq!(
            refusal(
                "OS can't spawn worker thread: Resource temporarily unavailable (os error 11)"
            ),
            Some("Resource temporarily unavailable (os error 11)")
        );
        let unwrapped = "called `Result::unwrap()` on an `Err` value: Os { code: 11, \
                         kind: WouldBlock, message: \"Resource temporarily unavailable\" }";
        assert_eq!(refusal(unwrapped), Some("Resource temporarily unavailable"));
        assert_eq!(
            refusal(
                "failed to allocate an alternative stack: Cannot allocate memory (os error 12)"
            ),
            Some("Cannot allocate memory (os error 12)")
        );
        assert_eq!(refusal("index out of bounds"), None);
        // Too many open files is not a refused thread.
        let files = "called `Result::unwrap()` on an `Err` value: Os { code: 24, \
                     kind: Uncategorized, message: \"Too many open files\" }";
        assert_eq!(refusal(files), None);
    }
}
