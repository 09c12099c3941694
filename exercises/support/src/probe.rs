//! The test's own tasks report to a `Probe` as they start and end, so the
//! test sees what your code did with them: how many ran at once, on which
//! threads, in what order.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

use crate::procs::threads_now;

/// What the tasks saw. A task calls [`Probe::enter`] as it starts, and the
/// [`Running`] it gets back marks its end when dropped.
///
/// `Probe::new` is `const`, so a test file can keep one in a `static` for
/// task functions (`fn(u64) -> String`), which cannot carry a reference.
pub struct Probe {
    seen: Mutex<Seen>,
}

struct Seen {
    running: usize,
    most_at_once: usize,
    most_threads: usize,
    /// (label, thread) of every task, in the order they started.
    tasks: Vec<(u64, ThreadId)>,
}

/// A task in progress; dropping it ends the task (a panic ends it too).
pub struct Running<'a> {
    probe: &'a Probe,
}

impl Probe {
    /// A probe that has seen nothing yet.
    pub const fn new() -> Probe {
        Probe {
            seen: Mutex::new(Seen {
                running: 0,
                most_at_once: 0,
                most_threads: 0,
                tasks: Vec::new(),
            }),
        }
    }

    /// Forgets everything seen: call it at the start of each test.
    pub fn reset(&self) {
        let mut seen = self.seen();
        seen.running = 0;
        seen.most_at_once = 0;
        seen.most_threads = 0;
        seen.tasks.clear();
    }

    /// A task labelled `label` starts on this thread.
    pub fn enter(&self, label: u64) -> Running<'_> {
        // Read outside the lock: /proc takes tens of microseconds.
        let threads = threads_now();
        let mut seen = self.seen();
        seen.running += 1;
        seen.most_at_once = seen.most_at_once.max(seen.running);
        seen.most_threads = seen.most_threads.max(threads);
        seen.tasks.push((label, thread::current().id()));
        Running { probe: self }
    }

    /// The most tasks that were running at the same moment.
    pub fn most_at_once(&self) -> usize {
        self.seen().most_at_once
    }

    /// How many tasks are running now.
    pub fn running(&self) -> usize {
        self.seen().running
    }

    /// How many tasks started.
    pub fn started(&self) -> usize {
        self.seen().tasks.len()
    }

    /// How many different threads ran tasks.
    pub fn threads(&self) -> usize {
        self.labels_by_thread().len()
    }

    /// The most threads this process had (`/proc/self/task`) as a task
    /// started.
    pub fn most_threads_in_process(&self) -> usize {
        self.seen().most_threads
    }

    /// The labels of the tasks each thread ran, in the order it started them.
    pub fn labels_by_thread(&self) -> Vec<Vec<u64>> {
        let seen = self.seen();
        let mut threads: Vec<(ThreadId, Vec<u64>)> = Vec::new();
        for &(label, id) in &seen.tasks {
            match threads.iter_mut().find(|(thread, _)| *thread == id) {
                Some((_, labels)) => labels.push(label),
                None => threads.push((id, vec![label])),
            }
        }
        threads.into_iter().map(|(_, labels)| labels).collect()
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        // A task that panics on purpose must not break the probe.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Probe {
    fn default() -> Probe {
        Probe::new()
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.probe.seen().running -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn counts_tasks_at_once_and_their_threads() {
        let probe = Probe::new();
        thread::scope(|s| {
            for label in 0..3 {
                let probe = &probe;
                s.spawn(move || {
                    let _running = probe.enter(label);
                    thread::sleep(Duration::from_millis(200));
                });
            }
        });
        assert_eq!(probe.running(), 0);
        let _one = probe.enter(7);
        let _two = probe.enter(8);
        assert_eq!(probe.running(), 2);
        assert_eq!(probe.most_at_once(), 3);
        assert_eq!(probe.started(), 5);
        assert_eq!(probe.threads(), 4);
        assert_eq!(probe.labels_by_thread().last(), Some(&vec![7, 8]));
        assert!(probe.most_threads_in_process() >= 4);
    }
}
