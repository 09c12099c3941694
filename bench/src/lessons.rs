//! Every lesson beside its Python twin: each run at the same time scale,
//! Rust and Python in alternation (so that drift on a shared machine hits
//! both alike), several times; the medians of what each reports about
//! itself (elapsed, ideal, sequential).
//!
//! A lesson is one entry in [`LESSONS`]. One whose binary is not built (not
//! in this workspace yet) is listed as not measured, as is a twin that is
//! not written yet or a Python that is missing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Setup;
use crate::child;
use crate::stats::Spread;

/// What the target for a lesson's overhead is, by the kind of lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Threads that sleep: under 0.5 ms over the ideal.
    Sleep,
    /// Child processes: under 3 ms over the ideal, start and end included.
    Process,
    /// Fetches from a local site: its ideal is one page's latency, and no
    /// target is set for what the fetches add to it.
    Fetch,
    /// No sleeps to plan: elapsed only.
    Unplanned,
    /// Waits on tasks and on thousands of threads: the ideal is the waits,
    /// the overhead what starting them all costs; no target is set for it.
    Waits,
}

impl Kind {
    /// The overhead target in ms, if the issue sets one.
    pub fn target_ms(self) -> Option<f64> {
        match self {
            Kind::Sleep => Some(0.5),
            Kind::Process => Some(3.0),
            Kind::Fetch | Kind::Unplanned | Kind::Waits => None,
        }
    }
}

/// One lesson and its twin.
#[derive(Debug, Serialize)]
pub struct Lesson {
    /// `01-threads`: the folder, the chapter, the row's anchor.
    pub name: &'static str,
    /// The twin in docs/python/, once written.
    pub twin: Option<&'static str>,
    pub kind: Kind,
    /// Whether both print the same lines (up to order and PIDs), which the
    /// run checks: a twin that does other work is no comparison.
    pub same_lines: bool,
    /// What the reader should know when reading the row.
    pub note: &'static str,
}

impl Lesson {
    pub fn package(&self) -> String {
        format!("lesson-{}", self.name)
    }
}

/// Every lesson of the course, in order.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        name: "00-sequential",
        twin: Some("lesson_00_sequential.py"),
        kind: Kind::Sleep,
        same_lines: true,
        note: "",
    },
    Lesson {
        name: "01-threads",
        twin: Some("lesson_01_threads.py"),
        kind: Kind::Sleep,
        same_lines: true,
        note: "",
    },
    Lesson {
        name: "02-processes",
        twin: Some("lesson_02_processes.py"),
        kind: Kind::Process,
        same_lines: true,
        note: "Python: multiprocessing with fork",
    },
    Lesson {
        name: "03-threadpool",
        twin: Some("lesson_03_threadpool.py"),
        kind: Kind::Sleep,
        same_lines: true,
        note: "",
    },
    Lesson {
        name: "04-processpool",
        twin: Some("lesson_04_processpool.py"),
        kind: Kind::Process,
        same_lines: true,
        note: "pool start and shutdown included",
    },
    Lesson {
        name: "05-locked-counter",
        twin: Some("lesson_05_locked_counter.py"),
        kind: Kind::Unplanned,
        same_lines: false,
        note: "not the same work: the lesson times every way of counting, \
               the twin the notebook's Value cell",
    },
    Lesson {
        name: "06-scraper",
        twin: Some("lesson_06_scraper.py"),
        kind: Kind::Fetch,
        same_lines: true,
        note: "Python: threads, urllib and BeautifulSoup on a copy of the lesson's site",
    },
    Lesson {
        name: "07-queue",
        twin: Some("lesson_07_queue.py"),
        kind: Kind::Sleep,
        same_lines: true,
        note: "Python: 4 processes and a multiprocessing.Queue, as in the notebook",
    },
    Lesson {
        name: "08-rayon",
        twin: None,
        kind: Kind::Unplanned,
        same_lines: false,
        note: "the whole lesson, six ways of counting; its CPU job on each core count \
               is in the CPU rows below",
    },
    Lesson {
        name: "09-async",
        twin: Some("lesson_09_async.py"),
        kind: Kind::Waits,
        same_lines: true,
        note: "the cell as two tasks on one thread, then 10 000 waits on tasks and on \
               OS threads; Python: asyncio tasks and threading threads",
    },
    Lesson {
        name: "10-sync",
        twin: Some("lesson_10_sync.py"),
        kind: Kind::Unplanned,
        same_lines: false,
        note: "not the same work: Python has no RwLock and no memory orderings; \
               the bounded queue's throughput is in the rows below",
    },
];

/// What one run of a lesson or a twin said about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub elapsed_ms: f64,
    pub ideal_ms: Option<f64>,
    pub sequential_ms: Option<f64>,
    pub lines: Vec<String>,
    /// When the last worker to start began its first task: in a process
    /// lesson, what starting the children cost.
    pub start_ms: Option<f64>,
    /// From the last task's end to the lesson's: the shutdown.
    pub tail_ms: Option<f64>,
}

impl Run {
    /// Reads the fields every lesson's `--json` document and every twin's
    /// JSON line have.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|err| format!("not a JSON report: {err}"))?;
        let elapsed_ms =
            (doc["elapsed_ms"].as_f64()).ok_or("the report has no elapsed_ms")?;
        let lines = (doc["lines"].as_array().into_iter().flatten())
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect();
        // Each worker's first start, and the last end, from the tasks.
        let mut first_starts: BTreeMap<&str, f64> = BTreeMap::new();
        let mut last_end: Option<f64> = None;
        for task in doc["tasks"].as_array().into_iter().flatten() {
            let (Some(worker), Some(start), Some(end)) = (
                task["worker"].as_str(),
                task["start_ms"].as_f64(),
                task["end_ms"].as_f64(),
            ) else {
                continue;
            };
            let first = first_starts.entry(worker).or_insert(start);
            *first = first.min(start);
            last_end = Some(last_end.map_or(end, |e: f64| e.max(end)));
        }
        Ok(Self {
            elapsed_ms,
            ideal_ms: doc["ideal_ms"].as_f64(),
            sequential_ms: doc["sequential_ms"].as_f64(),
            lines,
            start_ms: first_starts.into_values().reduce(f64::max),
            tail_ms: last_end.map(|end| elapsed_ms - end),
        })
    }

    /// Elapsed minus ideal, for a lesson with a plan.
    pub fn overhead_ms(&self) -> Option<f64> {
        self.ideal_ms.map(|ideal| self.elapsed_ms - ideal)
    }

    /// Sequential over elapsed.
    pub fn speedup(&self) -> Option<f64> {
        self.sequential_ms.map(|seq| seq / self.elapsed_ms)
    }

    /// The lines as a multiset, with PIDs replaced: what two runs of the
    /// same cell agree on whatever the order of simultaneous lines.
    pub fn line_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for line in &self.lines {
            *counts.entry(without_pids(line)).or_insert(0) += 1;
        }
        counts
    }
}

/// What differs between two runs of the same cell without meaning: PIDs
/// and ports. `pid 1234` becomes `pid <n>`, `127.0.0.1:8000` `127.0.0.1:<n>`.
fn without_pids(line: &str) -> String {
    let mut line = line.to_owned();
    for before in ["pid ", "127.0.0.1:"] {
        let mut out = String::new();
        let mut rest = line.as_str();
        while let Some(at) = rest.find(before) {
            out.push_str(&rest[..at + before.len()]);
            rest = &rest[at + before.len()..];
            let digits = rest.len()
                - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                out.push_str("<n>");
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
        line = out;
    }
    line
}

/// The medians of one side's runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Side {
    pub elapsed_ms: Spread,
    pub overhead_ms: Option<Spread>,
    pub speedup: Option<Spread>,
    pub ideal_ms: Option<f64>,
    pub ideal_speedup: Option<f64>,
    pub start_ms: Option<Spread>,
    pub tail_ms: Option<Spread>,
}

impl Side {
    /// The spreads of `runs`, or `None` if there are none.
    pub fn of(runs: &[Run]) -> Option<Self> {
        let pick = |f: &dyn Fn(&Run) -> Option<f64>| {
            let samples: Option<Vec<f64>> = runs.iter().map(f).collect();
            samples.and_then(|s| Spread::of(&s))
        };
        let first = runs.first()?;
        Some(Self {
            elapsed_ms: pick(&|r| Some(r.elapsed_ms))?,
            overhead_ms: pick(&Run::overhead_ms),
            speedup: pick(&Run::speedup),
            ideal_ms: first.ideal_ms,
            start_ms: pick(&|r| r.start_ms),
            tail_ms: pick(&|r| r.tail_ms),
            ideal_speedup: first
                .sequential_ms
                .zip(first.ideal_ms)
                .map(|(s, i)| s / i),
        })
    }
}

/// A lesson's row: each side measured, or why not.
#[derive(Debug, Serialize)]
pub struct Measured {
    pub lesson: &'static Lesson,
    pub rust: Result<Side, String>,
    pub python: Result<Side, String>,
    /// `Some(false)` when the twin printed other lines than the lesson.
    pub same_lines: Option<bool>,
}

/// Runs every lesson that is built, `setup.runs` times each side.
pub fn measure_all(setup: &Setup) -> Vec<Measured> {
    let mut rows = Vec::new();
    for lesson in LESSONS {
        rows.push(measure(setup, lesson));
    }
    rows
}

fn measure(setup: &Setup, lesson: &'static Lesson) -> Measured {
    let binary = setup.bin_dir.join(lesson.package());
    if !binary.exists() {
        let why =
            "not yet measured: the lesson is not in this workspace yet".to_owned();
        return Measured {
            lesson,
            rust: Err(why.clone()),
            python: Err(why),
            same_lines: None,
        };
    }
    let twin = match (lesson.twin, &setup.python) {
        (None, _) => Err("no twin of the whole lesson".to_owned()),
        (Some(_), Err(why)) => Err(why.clone()),
        (Some(script), Ok(python)) => Ok((python, setup.python_dir.join(script))),
    };
    let progress = |round: usize, side: &str, result: &Result<Run, String>| {
        let said = match result {
            Ok(run) => match run.overhead_ms() {
                Some(over) => format!(
                    "elapsed {:.1} ms, {over:+.2} ms over the ideal",
                    run.elapsed_ms
                ),
                None => format!("elapsed {:.1} ms", run.elapsed_ms),
            },
            Err(err) => err.clone(),
        };
        crate::progress(&format!(
            "lesson {} run {round}/{}: {side}: {said}",
            lesson.name, setup.runs
        ));
    };
    let rust_run = |round| {
        let result = run_rust(&binary, setup.time_scale);
        progress(round, "Rust", &result);
        result
    };
    let python_run = twin.as_ref().ok().map(|(python_bin, script)| {
        move |round| {
            let result = run_twin(python_bin, script, setup.time_scale);
            progress(round, "Python", &result);
            result
        }
    });
    let (rust, python) = alternate(setup.runs, rust_run, python_run);
    let same_lines = match (rust.done.first(), python.done.first()) {
        (Some(r), Some(p)) if lesson.same_lines => {
            Some(r.line_counts() == p.line_counts())
        }
        _ => None,
    };
    Measured {
        lesson,
        rust: rust.side(),
        python: match twin {
            Err(why) => Err(why),
            Ok(_) => python.side(),
        },
        same_lines,
    }
}

/// One side's runs of a lesson: those that gave a report, and the last
/// failure, if any.
#[derive(Debug, Default)]
struct Runs {
    done: Vec<Run>,
    failed: Option<String>,
}

impl Runs {
    fn add(&mut self, result: Result<Run, String>) {
        match result {
            Ok(run) => self.done.push(run),
            Err(err) => self.failed = Some(err),
        }
    }

    /// The medians, or why there are none: a side that failed once is not
    /// compared, since its other runs may not be like the failed one.
    fn side(&self) -> Result<Side, String> {
        match &self.failed {
            Some(err) => Err(err.clone()),
            None => Side::of(&self.done).ok_or_else(|| "no run".to_owned()),
        }
    }
}

/// Runs Rust and Python `rounds` times each, in alternation, Rust first
/// (Rust, Python, Rust, Python...): drift on a shared machine (another job
/// starting, the CPU's clock changing) then hits both sides alike. Each
/// runner is given its round, from 1; `python` is `None` without a twin.
fn alternate(
    rounds: usize,
    mut rust: impl FnMut(usize) -> Result<Run, String>,
    mut python: Option<impl FnMut(usize) -> Result<Run, String>>,
) -> (Runs, Runs) {
    let (mut rust_runs, mut python_runs) = (Runs::default(), Runs::default());
    for round in 1..=rounds {
        rust_runs.add(rust(round));
        if let Some(python) = python.as_mut() {
            python_runs.add(python(round));
        }
    }
    (rust_runs, python_runs)
}

/// A generous limit: a lesson that takes this long is hung.
fn limit(time_scale: f64) -> Duration {
    Duration::from_secs(30) + Duration::from_secs_f64(60.0 * time_scale)
}

fn run_rust(binary: &Path, time_scale: f64) -> Result<Run, String> {
    let mut command = Command::new(binary);
    command.args(["--json", "--time-scale", &time_scale.to_string()]);
    command.env_remove("LESSON_TIME_SCALE");
    let out = child::run(command, limit(time_scale))?;
    Run::from_json(&out)
}

fn run_twin(python: &Path, script: &Path, time_scale: f64) -> Result<Run, String> {
    let mut command = Command::new(python);
    command
        .arg(script)
        .args(["--time-scale", &time_scale.to_string()]);
    command.env_remove("LESSON_TIME_SCALE");
    // No __pycache__ left in docs/python/ by a benchmark run.
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    let out = child::run(command, limit(time_scale))?;
    // The cell's lines come first; the measurements are the last line.
    let last = out.lines().rev().find(|l| !l.trim().is_empty());
    Run::from_json(last.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_report_gives_overhead_and_speedup() {
        let text = r#"{"lesson": "lesson-01-threads", "time_scale": 0.05,
            "lines": ["Number : 0", "letter : a"],
            "tasks": [], "elapsed_ms": 500.5, "ideal_ms": 500.0, "sequential_ms": 900.0}"#;
        let run = Run::from_json(text).expect("a report");
        assert_eq!(run.overhead_ms(), Some(0.5));
        assert!((run.speedup().expect("a speedup") - 900.0 / 500.5).abs() < 1e-12);
        assert_eq!(run.lines, ["Number : 0", "letter : a"]);
        assert_eq!((run.start_ms, run.tail_ms), (None, None));
    }

    #[test]
    fn the_tasks_say_when_the_last_worker_began_and_how_long_the_end_took() {
        let text = r#"{"elapsed_ms": 100.0, "ideal_ms": 90.0, "tasks": [
            {"worker": "process 1", "label": "a", "start_ms": 1.5, "end_ms": 40.0},
            {"worker": "process 2", "label": "b", "start_ms": 2.5, "end_ms": 60.0},
            {"worker": "process 1", "label": "c", "start_ms": 40.0, "end_ms": 99.5},
            {"worker": "process 2", "label": "d", "start_ms": 60.0, "end_ms": 90.0}]}"#;
        let run = Run::from_json(text).expect("a report");
        assert_eq!(run.start_ms, Some(2.5));
        assert_eq!(run.tail_ms, Some(0.5));
    }

    #[test]
    fn a_report_without_a_plan_has_no_overhead() {
        let run = Run::from_json(r#"{"elapsed_ms": 12.0, "ideal_ms": null}"#)
            .expect("a report");
        assert_eq!((run.overhead_ms(), run.speedup()), (None, None));
        assert!(Run::from_json(r#"{"ideal_ms": 1.0}"#).is_err());
        assert!(Run::from_json("Number : 0").is_err());
    }

    #[test]
    fn lines_compare_without_order_or_pids() {
        let run = |lines: &[&str]| Run {
            elapsed_ms: 1.0,
            ideal_ms: None,
            sequential_ms: None,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            start_ms: None,
            tail_ms: None,
        };
        let rust = run(&["parent: pid 12, parent pid 3", "Square: 0", "Cube: 0"]);
        let python =
            run(&["Cube: 0", "parent: pid 999, parent pid 41", "Square: 0"]);
        assert_eq!(rust.line_counts(), python.line_counts());
        let other = run(&["Cube: 0", "parent: pid 999, parent pid 41", "Square: 1"]);
        assert_ne!(rust.line_counts(), other.line_counts());
        assert_eq!(without_pids("pid 7 and pid x"), "pid <n> and pid x");
        assert_eq!(
            without_pids(
                "Fetched 136 characters from http://127.0.0.1:47806/threads.html"
            ),
            "Fetched 136 characters from http://127.0.0.1:<n>/threads.html"
        );
    }

    /// A run that took `elapsed_ms`, and nothing else.
    fn took(elapsed_ms: f64) -> Run {
        Run {
            elapsed_ms,
            ideal_ms: None,
            sequential_ms: None,
            lines: Vec::new(),
            start_ms: None,
            tail_ms: None,
        }
    }

    #[test]
    fn rust_and_python_take_turns_rust_first() {
        let order = std::cell::RefCell::new(Vec::new());
        let runner = |side: &'static str| {
            let order = &order;
            move |round: usize| {
                order.borrow_mut().push(format!("{side} {round}"));
                // Python's second round fails: the others still run.
                if side == "Python" && round == 2 {
                    return Err("the twin failed".to_owned());
                }
                Ok(took(round as f64))
            }
        };
        let (rust, python) = alternate(3, runner("Rust"), Some(runner("Python")));
        let expected = [
            "Rust 1", "Python 1", "Rust 2", "Python 2", "Rust 3", "Python 3",
        ];
        assert_eq!(*order.borrow(), expected);
        let elapsed = |runs: &Runs| -> Vec<f64> {
            runs.done.iter().map(|r| r.elapsed_ms).collect()
        };
        assert_eq!(elapsed(&rust), [1.0, 2.0, 3.0]);
        assert_eq!(rust.side().map(|s| s.elapsed_ms.median), Ok(2.0));
        assert_eq!(elapsed(&python), [1.0, 3.0]);
        assert_eq!(python.side().err().as_deref(), Some("the twin failed"));
        // Without a twin, Rust alone, every round.
        order.borrow_mut().clear();
        let no_twin: Option<fn(usize) -> Result<Run, String>> = None;
        let (rust, python) = alternate(2, runner("Rust"), no_twin);
        assert_eq!(*order.borrow(), ["Rust 1", "Rust 2"]);
        assert_eq!((rust.done.len(), python.done.len()), (2, 0));
        assert!(python.side().is_err());
    }

    #[test]
    fn sides_take_medians_and_the_plan_from_the_runs() {
        let run = |elapsed_ms| Run {
            elapsed_ms,
            ideal_ms: Some(100.0),
            sequential_ms: Some(200.0),
            lines: Vec::new(),
            start_ms: None,
            tail_ms: None,
        };
        let side = Side::of(&[run(101.0), run(103.0), run(100.5)]).expect("runs");
        assert_eq!(side.elapsed_ms.median, 101.0);
        let over = side.overhead_ms.expect("an overhead");
        assert_eq!((over.median, over.min, over.max), (1.0, 0.5, 3.0));
        assert_eq!(side.ideal_speedup, Some(2.0));
        assert!(Side::of(&[]).is_none());
    }
}
