//! What one counting method did: its final value against the expected one,
//! the updates lost and the time per increment, as a row of the lesson's
//! measurements and as an entry of its JSON `methods`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::processes::PROCESSES;

/// One counting method's result.
#[derive(Debug, Clone)]
pub struct Tally {
    /// The method, as the row names it.
    method: &'static str,
    /// How many threads or processes counted.
    workers: u64,
    /// "thread" or "process".
    kind: &'static str,
    /// How many times each worker added 1.
    increments: u64,
    /// The counter at the end.
    value: u64,
    /// From the start of the counting to its end.
    took: Duration,
}

impl Tally {
    /// A method run on `threads` threads.
    pub fn thread(
        method: &'static str,
        threads: u64,
        increments: u64,
        value: u64,
        took: Duration,
    ) -> Self {
        let kind = "thread";
        Self {
            method,
            workers: threads,
            kind,
            increments,
            value,
            took,
        }
    }

    /// A method run on the lesson's processes.
    pub fn process(
        method: &'static str,
        increments: u64,
        value: u64,
        took: Duration,
    ) -> Self {
        let (workers, kind) = (PROCESSES, "process");
        Self {
            method,
            workers,
            kind,
            increments,
            value,
            took,
        }
    }

    /// Every worker's every increment: what an exact counter ends at.
    pub fn expected(&self) -> u64 {
        self.workers * self.increments
    }

    /// The updates that were overwritten. Never negative: no method counts
    /// more than it was given (the tests check that too).
    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.value)
    }

    /// The counting time shared out over the increments.
    pub fn ns_per_increment(&self) -> f64 {
        self.took.as_secs_f64() * 1e9 / self.expected() as f64
    }

    /// The table's heading, for [`Tally::row`].
    pub fn heading() -> String {
        format!(
            "{:<23} {:<21}{:>10}{:>10}{:>10}{:>10}",
            "method", "workers x increments", "final", "expected", "lost", "ns/incr"
        )
    }

    /// "4 threads", "1 thread", "4 processes".
    fn workers_text(&self) -> String {
        counted(self.workers, self.kind)
    }

    /// Adds the row to the lesson's measurements, with a note if a racy
    /// method happened to lose nothing this time.
    pub fn show(&self, racy: bool) {
        let workload = format!("{} x {}", self.workers_text(), self.increments);
        lesson_kit::measured(format!(
            "{:<23} {:<21}{:>10}{:>10}{:>10}{:>10.1}",
            self.method,
            workload,
            self.value,
            self.expected(),
            self.lost(),
            self.ns_per_increment()
        ));
        if racy && self.lost() == 0 {
            lesson_kit::measured(if self.workers == 1 {
                "  (no update lost: one thread alone has no one to race with)"
            } else {
                "  (no update lost this time: the race is still there, run it again)"
            });
        }
    }

    /// The entry in the JSON `methods`.
    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "workers": self.workers_text(),
            "increments": self.increments,
            "final": self.value,
            "expected": self.expected(),
            "lost": self.lost(),
            "ns_per_increment": self.ns_per_increment(),
        })
    }
}

/// `n` and the noun, plural unless `n` is 1: "1 thread", "4 processes".
pub fn counted(n: u64, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}
