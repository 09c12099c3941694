//! Async tasks in the timeline: a row for each task, not for each thread.
//!
//! The kit records work by thread: [`crate::sleep`] opens a task on the
//! calling thread, and [`crate::say!`] ends it. An async runtime runs many
//! tasks on one thread, in turns, so a thread's row would mix them up.
//! [`task`] wraps a future so that, for every poll, the thread that polls
//! it takes on the task's own record: its row, its open span, its sleeps'
//! deadlines. Inside it, `say!`, [`crate::begin`], [`crate::done`] and the
//! kit's sleeps act on the task; each span it ends also notes which OS
//! thread ran it, and the timeline names the row after both ("numbers on
//! main", "task 3 on worker 1+2").
//!
//! No runtime is assumed: it is a plain [`Future`], for tokio or any other.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::run::{ThisThread, current, swap_this_thread};

/// A future that runs as a task of its own in the timeline; see [`task`].
pub struct Task<F> {
    state: ThisThread,
    future: Pin<Box<F>>,
}

/// Wraps `future` as a task with its own row in the timeline, named `name`,
/// added now (so that rows follow the order tasks were made in). Dropped
/// before it ends (aborted, or cut short by a stop), its open span ends
/// where it was dropped, as a thread's does when the thread ends.
pub fn task<F: Future>(name: &str, future: F) -> Task<F> {
    let row = current().recording().add_row(name);
    Task {
        state: ThisThread::for_task(row),
        future: Box::pin(future),
    }
}

impl<F: Future> Future for Task<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        // The thread takes the task's record for this one poll, and gives
        // it back after, even if the poll panics.
        let _lent = Lent::new(&mut this.state);
        this.future.as_mut().poll(cx)
    }
}

/// The task's record, lent to the polling thread until dropped.
struct Lent<'a>(&'a mut ThisThread);

impl<'a> Lent<'a> {
    fn new(state: &'a mut ThisThread) -> Self {
        swap_this_thread(state);
        Self(state)
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        swap_this_thread(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::task::Waker;
    use std::thread;

    /// Ready on its second poll: a task that waits once, as at an `.await`.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    fn poll<F: Future>(future: &mut Pin<Box<F>>) -> Poll<F::Output> {
        future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
    }

    /// The row called `name`, its spans (label, finished, OS thread).
    fn row(name: &str) -> Vec<(String, bool, Option<String>)> {
        let rec = current().recording();
        let row = rec.workers.iter().position(|w| w == name).expect("its row");
        (rec.spans.iter().filter(|s| s.worker == row))
            .map(|s| {
                let thread = s.thread.map(|t| rec.task_threads[t].0.clone());
                (s.label.clone(), s.finished, thread)
            })
            .collect()
    }

    #[test]
    fn tasks_on_one_thread_keep_rows_of_their_own() {
        let name = "polls two tasks";
        let polling =
            thread::Builder::new().name(name.to_owned()).spawn(move || {
                let step = |label: &'static str| async move {
                    crate::begin(label);
                    YieldOnce(false).await;
                    crate::done(label);
                };
                let mut first = Box::pin(task("first of two", step("one")));
                let mut second = Box::pin(task("second of two", step("two")));
                // In turns, as a runtime's one thread runs them: both are
                // under way at once, and each ends its own span.
                assert!(poll(&mut first).is_pending());
                assert!(poll(&mut second).is_pending());
                assert!(poll(&mut second).is_ready());
                assert!(poll(&mut first).is_ready());
                // The thread's own record was lent, never changed: it has no
                // row, so a task of its own would open one now.
                let rec = current().recording();
                assert!(!rec.workers.iter().any(|w| w == name), "{:?}", rec.workers);
            });
        polling.expect("a thread").join().expect("no panic");
        let on = Some(name.to_owned());
        assert_eq!(row("first of two"), [("one".to_owned(), true, on.clone())]);
        assert_eq!(row("second of two"), [("two".to_owned(), true, on)]);
    }

    #[test]
    fn a_task_dropped_midway_ends_its_span_unfinished() {
        let mut dropped = Box::pin(task("dropped midway", async {
            crate::begin("dropped");
            YieldOnce(false).await;
            crate::done("never");
        }));
        assert!(poll(&mut dropped).is_pending());
        drop(dropped);
        let rec = current().recording();
        let row = (rec.workers.iter())
            .position(|w| w == "dropped midway")
            .expect("its row");
        let span = rec.spans.iter().find(|s| s.worker == row).expect("a span");
        assert!(!span.finished && span.end.is_some(), "{span:?}");
    }

    #[test]
    fn a_panicking_poll_gives_the_thread_its_record_back() {
        let name = "polls a panicking task";
        let polling = thread::Builder::new().name(name.to_owned()).spawn(|| {
            let mut panicking = Box::pin(task("panics when polled", async {
                crate::begin("panics");
                panic!("on purpose, in a task");
            }));
            let caught = catch_unwind(AssertUnwindSafe(|| poll(&mut panicking)));
            assert!(caught.is_err());
            // The thread's own work is recorded under its own row again.
            crate::begin("the thread's own");
            crate::done("the thread's own");
        });
        polling.expect("a thread").join().expect("no panic");
        assert_eq!(row(name), [("the thread's own".to_owned(), true, None)]);
    }
}
