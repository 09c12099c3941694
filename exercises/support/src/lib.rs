//! What the exercises' tests share, so that each test reads top to bottom:
//!
//! - [`within`]: a time limit around your code; a hang fails in seconds, and
//!   says it hung;
//! - [`Probe`]: what the test's own tasks saw: how many ran at once, on which
//!   threads, in what order;
//! - [`threads_now`], [`threads_back_to`], [`children`],
//!   [`most_children_during`]: this process's threads and child processes,
//!   read from `/proc`;
//! - [`Lines`]: the lines a child process writes, each waited for at most so
//!   long;
//! - [`SlowSite`] and [`http::get`]: a small web site on 127.0.0.1 that
//!   answers slowly, and a client for it;
//! - [`Watched`]: a call on a thread of its own, which the test sees fall
//!   asleep (blocked, waiting to be woken) or return.
//!
//! And code that exercises give the learner, to call from their own:
//!
//! - [`philosophers`]: the dining philosophers' table (exercise
//!   10-bug-philosophers);
//! - `async_http::get`, with the `async-http` feature: an async client for
//!   the slow site (exercise 09-fetch-limited).
//!
//! The exercises' tests run one at a time (`RUST_TEST_THREADS=1` in
//! `exercises/.cargo/config.toml`), since they count threads and time tasks.

#[cfg(feature = "async-http")]
pub mod async_http;
pub mod http;
mod lines;
pub mod philosophers;
mod probe;
mod procs;
mod site;
mod watched;

pub use lines::{Lines, Next};
pub use probe::{Probe, Running};
pub use procs::{
    Process, children, most_children_during, threads_back_to, threads_now,
};
pub use site::SlowSite;
pub use watched::{Now, Watched};

use std::any::Any;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// What a hang usually is, printed with every "hung" failure.
const HUNG_HINT: &str = "hint: something waits for ever. A `join` on a thread that \
never ends? A `recv` on a channel whose Sender is still alive somewhere (one kept \
by the side that receives)? A lock that is never released?";

/// Runs `work` (a call of your code) on a thread of its own and waits for it
/// at most `limit`. Returns what `work` returned.
///
/// Fails the test, saying so in words, if `work` hangs (it is left behind:
/// the test's process ends soon after), reaches a `todo!()` or panics.
/// `what` names the call in those messages, and the thread. A failure
/// points at the test's line that called `within`.
#[track_caller]
pub fn within<T, F>(limit: Duration, what: &str, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, result) = mpsc::channel();
    let call = thread::Builder::new()
        .name(what.to_owned())
        .spawn(move || {
            let _ = done.send(work());
        })
        .expect("the test cannot start a thread");
    match result.recv_timeout(limit) {
        Ok(value) => {
            // It has sent its value: the thread is ending.
            let _ = call.join();
            value
        }
        Err(RecvTimeoutError::Timeout) => panic!(
            "hung: {what} did not return within {:.1} s.\n{HUNG_HINT}",
            limit.as_secs_f64()
        ),
        Err(RecvTimeoutError::Disconnected) => {
            // The sender is gone without sending: `work` panicked.
            let message = match call.join() {
                Err(payload) => panic_message(payload.as_ref()),
                Ok(()) => String::from("(no message)"),
            };
            if message.starts_with("not yet implemented") {
                panic!(
                    "not written yet: {what} reached a todo!() ({message}).\n\
                     hint: replace the todo!() in src/lib.rs with your code."
                );
            }
            panic!(
                "{what} panicked: {message}\n\
                 hint: an unwrap() or expect() on an Err or a None? Return the \
                 error the doc comment asks for instead."
            );
        }
    }
}

/// The text of a panic: `panic!("...")` carries a `&str` or a `String`.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        String::from("(a panic without a message)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{self, AssertUnwindSafe};

    fn failure(work: impl FnOnce() + Send + 'static) -> String {
        // Long enough for a panic that captures a backtrace (RUST_BACKTRACE=1).
        let limit = Duration::from_secs(1);
        let caught =
            panic::catch_unwind(AssertUnwindSafe(|| within(limit, "work", work)));
        panic_message(caught.expect_err("within should fail").as_ref())
    }

    #[test]
    fn within_returns_the_value() {
        assert_eq!(within(Duration::from_secs(5), "work", || 42), 42);
    }

    #[test]
    fn within_says_hung() {
        let message = failure(|| thread::sleep(Duration::from_secs(10)));
        assert!(
            message.starts_with("hung: work did not return"),
            "{message}"
        );
    }

    #[test]
    fn within_says_not_written_yet() {
        let message = failure(|| todo!("the body"));
        assert!(message.starts_with("not written yet"), "{message}");
    }

    #[test]
    fn within_passes_a_panic_on() {
        let message = failure(|| panic!("broken"));
        assert!(message.starts_with("work panicked: broken"), "{message}");
    }
}
