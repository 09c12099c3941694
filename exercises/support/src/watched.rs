//! A call of your code on a thread of its own, which the test watches while
//! it runs: has it returned, or is it asleep, waiting for something (a
//! `Condvar`, a lock, a channel)? Linux says which in
//! `/proc/self/task/TID/stat`: a thread in state `S` sleeps until another
//! thread wakes it.
//!
//! So a test can check that a call blocks (it falls asleep and does not
//! return) and that something wakes it (it returns), without guessing how
//! long either takes.

use std::fs;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::panic_message;

/// A call running on a thread of its own; see [`Watched::start`].
pub struct Watched<T> {
    what: String,
    /// The thread's id in `/proc/self/task`.
    tid: Option<u32>,
    handle: JoinHandle<T>,
}

/// Where a watched call is, at the moment the test looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Now {
    /// It has returned (or panicked).
    Returned,
    /// It sleeps, waiting for another thread to wake it.
    Asleep,
    /// Neither: it is still running.
    Running,
}

impl<T: Send + 'static> Watched<T> {
    /// Starts `work` (a call of your code) on a thread named `what`.
    pub fn start(
        what: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Watched<T> {
        let (tell, told) = mpsc::channel();
        let handle = thread::Builder::new()
            .name(what.to_owned())
            .spawn(move || {
                let _ = tell.send(own_tid());
                work()
            })
            .expect("the test cannot start a thread");
        // The thread sends its id first thing; Err only if it could not.
        let tid = told.recv().ok().flatten();
        Watched {
            what: what.to_owned(),
            tid,
            handle,
        }
    }

    /// Where the call is now.
    pub fn now(&self) -> Now {
        if self.handle.is_finished() {
            return Now::Returned;
        }
        let state = self.tid.and_then(|tid| {
            let stat =
                fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
            // "TID (NAME) STATE ...": NAME may hold spaces; it ends at the
            // last ')'.
            stat.rsplit_once(')')?.1.trim_start().chars().next()
        });
        match state {
            Some('S') => Now::Asleep,
            // Gone from /proc between the two looks: it has returned.
            None if self.handle.is_finished() => Now::Returned,
            _ => Now::Running,
        }
    }

    /// Waits, at most `limit`, until the call has returned or is asleep,
    /// and says which; [`Now::Running`] if neither by then.
    pub fn settle(&self, limit: Duration) -> Now {
        let began = Instant::now();
        loop {
            let now = self.now();
            if now != Now::Running || began.elapsed() >= limit {
                return now;
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits, at most `limit`, for the call to return, and gives what it
    /// returned; `None` if it has not returned by then (the thread is left
    /// behind: the test's process ends soon after).
    ///
    /// A panic in the call fails the test with its message, as
    /// [`within`](crate::within) does.
    #[track_caller]
    pub fn join(self, limit: Duration) -> Option<T> {
        let began = Instant::now();
        while !self.handle.is_finished() {
            if began.elapsed() >= limit {
                return None;
            }
            thread::sleep(Duration::from_millis(2));
        }
        match self.handle.join() {
            Ok(value) => Some(value),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                let what = self.what;
                if message.starts_with("not yet implemented") {
                    panic!(
                        "not written yet: {what} reached a todo!() ({message}).\n\
                         hint: replace the todo!() in src/lib.rs with your code."
                    );
                }
                panic!("{what} panicked: {message}");
            }
        }
    }
}

/// The calling thread's id, as `/proc/thread-self` names it
/// ("PID/task/TID").
fn own_tid() -> Option<u32> {
    let link = fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Condvar, Mutex};

    #[test]
    fn a_thread_that_waits_is_asleep_until_woken() {
        let pair = Arc::new((Mutex::new(false), Condvar::new()));
        let waiting = {
            let pair = Arc::clone(&pair);
            Watched::start("waiter", move || {
                let (ready, woken) = &*pair;
                let mut ready = ready.lock().expect("lock");
                while !*ready {
                    ready = woken.wait(ready).expect("wait");
                }
                7
            })
        };
        assert_eq!(waiting.settle(Duration::from_secs(2)), Now::Asleep);
        *pair.0.lock().expect("lock") = true;
        pair.1.notify_all();
        assert_eq!(waiting.join(Duration::from_secs(2)), Some(7));
    }

    #[test]
    fn a_call_that_returns_is_returned_and_one_that_spins_is_running() {
        let quick = Watched::start("quick", || 1);
        assert_eq!(quick.settle(Duration::from_secs(2)), Now::Returned);
        let spinning = Watched::start("spinning", || {
            let end = Instant::now() + Duration::from_millis(300);
            while Instant::now() < end {
                std::hint::spin_loop();
            }
        });
        assert_eq!(spinning.settle(Duration::from_millis(50)), Now::Running);
        assert_eq!(spinning.join(Duration::from_secs(2)), Some(()));
    }

    #[test]
    fn join_gives_up_after_its_limit() {
        let sleeping = Watched::start("sleeper", || {
            thread::sleep(Duration::from_millis(500));
        });
        let began = Instant::now();
        assert_eq!(sleeping.join(Duration::from_millis(50)), None);
        assert!(began.elapsed() < Duration::from_millis(400));
    }
}
