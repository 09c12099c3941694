//! The summary printed after a lesson's lines: how long it took against the
//! best any schedule could do and against running everything in turn.

use std::fmt::Write as _;
use std::time::Duration;

/// The figures a summary is made of, already multiplied by the time scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// From the lesson's start to its end, measured.
    pub elapsed: Duration,
    /// The busiest worker's sleeps; `None` for a lesson without a plan.
    pub ideal: Option<Duration>,
    /// All sleeps one after another; `None` for a lesson without a plan.
    pub sequential: Option<Duration>,
    /// Tasks that printed their line.
    pub finished: usize,
    /// Tasks in the plan.
    pub planned: usize,
    /// A stop (Ctrl-C, SIGTERM, SIGHUP) ended the run early.
    pub interrupted: bool,
}

impl Facts {
    /// Whether every planned task printed its line. If not (Ctrl-C, a
    /// panic, a failure), a speedup would compare different amounts of work.
    pub fn complete(&self) -> bool {
        !self.interrupted && self.finished >= self.planned
    }

    /// Sequential time over elapsed: how many times faster than in turn.
    pub fn speedup(&self) -> Option<f64> {
        let sequential = self.sequential?;
        (!self.elapsed.is_zero())
            .then(|| sequential.as_secs_f64() / self.elapsed.as_secs_f64())
    }

    /// The best speedup the plan allows: sequential over ideal.
    pub fn ideal_speedup(&self) -> Option<f64> {
        let (sequential, ideal) = (self.sequential?, self.ideal?);
        (!ideal.is_zero()).then(|| sequential.as_secs_f64() / ideal.as_secs_f64())
    }

    /// Elapsed minus ideal, in seconds (negative would mean a broken clock
    /// or a broken plan, so it is shown rather than hidden).
    pub fn overhead(&self) -> Option<f64> {
        Some(self.elapsed.as_secs_f64() - self.ideal?.as_secs_f64())
    }
}

/// The summary as printed, one figure per line.
pub fn render(facts: &Facts) -> String {
    let mut out = String::new();
    // A lesson without a plan (a counter) has no count of tasks to reach.
    let finished = if facts.planned == 0 {
        format!("{} tasks finished", facts.finished)
    } else {
        format!("{} of {} tasks finished", facts.finished, facts.planned)
    };
    if facts.interrupted {
        let _ = writeln!(out, "interrupted: {finished}");
    } else if !facts.complete() {
        let _ = writeln!(out, "incomplete: {finished}");
    }
    let _ = writeln!(out, "elapsed     {:>10}", seconds(facts.elapsed));
    if let Some(ideal) = facts.ideal {
        let _ = writeln!(
            out,
            "ideal       {:>10}   the busiest worker's sleeps",
            seconds(ideal)
        );
    }
    if let Some(sequential) = facts.sequential {
        let _ = writeln!(
            out,
            "sequential  {:>10}   every sleep, one after another",
            seconds(sequential)
        );
    }
    if let (Some(speedup), true) = (facts.speedup(), facts.complete()) {
        let best = facts
            .ideal_speedup()
            .map_or(String::new(), |b| format!(" (ideal {b:.2}x)"));
        let _ = writeln!(
            out,
            "speedup     {:>10}   sequential / elapsed{best}",
            format!("{speedup:.2}x")
        );
    }
    if let (Some(overhead), true) = (facts.overhead(), facts.complete()) {
        let _ = writeln!(
            out,
            "overhead    {:>10}   elapsed - ideal",
            milliseconds(overhead)
        );
    }
    out
}

/// Seconds with three decimals, or milliseconds below one second, where
/// "0.000 s" would say nothing at a tiny time scale.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        return milliseconds(d.as_secs_f64());
    }
    format!("{:.3} s", d.as_secs_f64())
}

fn milliseconds(secs: f64) -> String {
    format!("{:.2} ms", secs * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(elapsed: f64) -> Facts {
        Facts {
            elapsed: Duration::from_secs_f64(elapsed),
            ideal: Some(Duration::from_secs(10)),
            sequential: Some(Duration::from_secs(18)),
            finished: 9,
            planned: 9,
            interrupted: false,
        }
    }

    #[test]
    fn speedup_and_overhead_come_from_the_plan() {
        let f = facts(10.0005);
        assert!((f.speedup().unwrap_or(0.0) - 18.0 / 10.0005).abs() < 1e-9);
        assert!((f.ideal_speedup().unwrap_or(0.0) - 1.8).abs() < 1e-9);
        assert!((f.overhead().unwrap_or(0.0) - 0.0005).abs() < 1e-9);
    }

    #[test]
    fn the_summary_shows_every_figure() {
        let text = render(&facts(10.0005));
        let figure = |name: &str| {
            let line = text
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap_or_default();
            let rest = line[name.len()..].trim_start();
            rest.split("   ").next().unwrap_or_default().to_owned()
        };
        assert_eq!(figure("elapsed"), "10.001 s", "{text}");
        assert_eq!(figure("ideal"), "10.000 s", "{text}");
        assert_eq!(figure("sequential"), "18.000 s", "{text}");
        assert_eq!(figure("speedup"), "1.80x", "{text}");
        assert_eq!(figure("overhead"), "0.50 ms", "{text}");
        assert!(text.contains("(ideal 1.80x)"), "{text}");
    }

    #[test]
    fn an_interrupted_run_says_so_and_claims_no_speedup() {
        let mut f = facts(2.1);
        f.interrupted = true;
        f.finished = 1;
        let text = render(&f);
        assert!(
            text.starts_with("interrupted: 1 of 9 tasks finished"),
            "{text}"
        );
        assert!(!text.contains("speedup"), "{text}");
    }

    #[test]
    fn a_run_with_unfinished_tasks_says_so_and_claims_no_speedup() {
        let mut f = facts(10.0);
        f.finished = 7;
        assert!(!f.complete());
        let text = render(&f);
        assert!(
            text.starts_with("incomplete: 7 of 9 tasks finished"),
            "{text}"
        );
        assert!(
            !text.contains("speedup") && !text.contains("overhead"),
            "{text}"
        );
    }

    #[test]
    fn an_interrupted_run_without_a_plan_counts_no_planned_tasks() {
        let f = Facts {
            ideal: None,
            sequential: None,
            finished: 3,
            planned: 0,
            interrupted: true,
            ..facts(0.25)
        };
        let text = render(&f);
        assert!(
            text.starts_with("interrupted: 3 tasks finished\n"),
            "{text}"
        );
    }

    #[test]
    fn a_lesson_without_a_plan_shows_only_elapsed() {
        let f = Facts {
            ideal: None,
            sequential: None,
            ..facts(0.25)
        };
        assert_eq!(f.speedup(), None);
        let text = render(&f);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.starts_with("elapsed") && text.ends_with(" 250.00 ms\n"),
            "{text}"
        );
    }
}
