//! The CPU job of lesson 08 on 1, 2, ... cores: each way's speedup over
//! the sequential run, from the lesson's own `--json` (`--threads N`) and
//! from its Python twin (`--workers N`), in alternation, a few rounds. On
//! every core, the lesson runs a second time with `--in-order`, and its
//! report says what its chunks allow in each order: the table shows that
//! the order in which uneven chunks are handed out matters.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use crate::Setup;
use crate::charts::Scaling;
use crate::child;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure, Target};

/// The Rust lesson's ways that the table and the chart show, by the names
/// its JSON gives them, and Python's.
const RUST_WAYS: &[&str] = &[
    "scope threads",
    "rayon, chunks",
    "rayon, numbers",
    "processes",
];
const PYTHON_WAYS: &[&str] = &["threads", "processes"];

/// The ways measured again with the chunks first to last (`--in-order`),
/// filed under these names; and the lesson's figures for what its chunks
/// allow (counted in divisions, for the threads used), filed as ways too.
const IN_ORDER_WAYS: &[(&str, &str)] = &[
    ("scope threads", "scope threads, in order"),
    ("rayon, chunks", "rayon, chunks, in order"),
];
const ALLOWED: &[(&str, &str)] = &[
    ("best_costliest_first", "allowed, costliest first"),
    ("best_in_order", "allowed, in order"),
];

/// The speedups: (lang, way) -> cores -> samples.
type Samples = BTreeMap<(Lang, String), BTreeMap<usize, Vec<f64>>>;

/// What the CPU measurements give: the table's rows and the chart's lines.
pub struct Cpu {
    pub measures: Vec<Measure>,
    pub scaling: Vec<Scaling>,
    /// Why the chart is empty, if it is.
    pub missing: String,
}

/// The bound of the job: the lesson's default for Rust; less for Python,
/// whose trial division is some fifty times slower.
fn bounds(quick: bool) -> (u64, u64) {
    if quick {
        (20_000, 5_000)
    } else {
        (2_000_000, 300_000)
    }
}

pub fn measure(setup: &Setup, quick: bool) -> Cpu {
    let cores = crate::machine::cores();
    let binary = setup.bin_dir.join("lesson-08-rayon");
    if !binary.exists() {
        let why =
            "not yet measured: lesson 08 is not in this workspace yet".to_owned();
        return Cpu {
            measures: rows(&Samples::new(), cores, &why, &why),
            scaling: Vec::new(),
            missing: why,
        };
    }
    let (rust_bound, python_bound) = bounds(quick);
    let lesson = |used: usize, in_order: bool| {
        let mut command = Command::new(&binary);
        command.args(["--json", "--threads", &used.to_string()]);
        command.args(["--bound", &rust_bound.to_string()]);
        if in_order {
            command.arg("--in-order");
        }
        command
    };
    let mut samples = Samples::new();
    let (mut rust_err, mut python_err) = (String::new(), String::new());
    // A run before the clock: the binary and its pages are then in memory,
    // as they are for the rounds that follow it.
    if let Err(err) = child::run(lesson(cores, false), Duration::from_secs(300)) {
        rust_err = err;
    }
    for round in 1..=setup.counts.rounds {
        for used in 1..=cores {
            let rust = report(lesson(used, false), Lang::Rust, used, &mut samples);
            progress(round, used, "Rust", &rust);
            if let Err(err) = rust {
                rust_err = err;
            }
            let in_order = in_order(lesson(used, true), used, &mut samples);
            progress(round, used, "Rust, --in-order", &in_order);
            if let Err(err) = in_order {
                rust_err = err;
            }
            let Ok(python) = &setup.python else { continue };
            let mut command = Command::new(python);
            command.env("PYTHONDONTWRITEBYTECODE", "1");
            command.arg(setup.python_dir.join("lesson_08_rayon.py"));
            command.args(["--workers", &used.to_string()]);
            command.args(["--bound", &python_bound.to_string()]);
            let result = report(command, Lang::Python, used, &mut samples);
            progress(round, used, "Python", &result);
            if let Err(err) = result {
                python_err = err;
            }
        }
    }
    let python_why = match &setup.python {
        Err(why) => why.clone(),
        Ok(_) if !python_err.is_empty() => python_err,
        Ok(_) => "no sample".to_owned(),
    };
    let rust_why = if rust_err.is_empty() {
        "no sample".to_owned()
    } else {
        rust_err
    };
    // The chart shows the ways as the lesson runs them by default.
    let charted =
        |way: &str| !IN_ORDER_WAYS.iter().chain(ALLOWED).any(|w| w.1 == way);
    let scaling = samples
        .iter()
        .filter(|((_, way), _)| charted(way))
        .map(|((lang, way), by_cores)| {
            let points = (by_cores.iter())
                .filter_map(|(c, s)| Some((*c, Spread::of(s)?.median)))
                .collect();
            (format!("{lang:?}: {way}"), *lang, points)
        })
        .collect();
    Cpu {
        measures: rows(&samples, cores, &rust_why, &python_why),
        scaling,
        missing: String::new(),
    }
}

fn progress(round: usize, used: usize, side: &str, result: &Result<String, String>) {
    let said = match result {
        Ok(text) | Err(text) => text,
    };
    crate::progress(&format!("cpu round {round}, {used} cores: {side}: {said}"));
}

/// Runs one report and files its speedups; says them for the progress line.
fn report(
    command: Command,
    lang: Lang,
    used: usize,
    samples: &mut Samples,
) -> Result<String, String> {
    let out = child::run(command, Duration::from_secs(300))?;
    let speedups = speedups(&child::json_report(&out)?, lang)?;
    let mut said = Vec::new();
    for (way, speedup) in speedups {
        said.push(format!("{way} {speedup:.2}x"));
        let by_cores = samples.entry((lang, way)).or_default();
        by_cores.entry(used).or_default().push(speedup);
    }
    Ok(said.join(", "))
}

/// Runs the lesson with `--in-order` and files its chunked ways' speedups
/// under their in-order names, with what its chunks allow in each order.
fn in_order(
    command: Command,
    used: usize,
    samples: &mut Samples,
) -> Result<String, String> {
    let out = child::run(command, Duration::from_secs(300))?;
    let mut said = Vec::new();
    for (way, speedup) in in_order_speedups(&child::json_report(&out)?)? {
        said.push(format!("{way} {speedup:.2}x"));
        let by_cores = samples.entry((Lang::Rust, way.to_owned())).or_default();
        by_cores.entry(used).or_default().push(speedup);
    }
    Ok(said.join(", "))
}

/// From an `--in-order` report: the chunked ways' speedups, by their
/// in-order names, and what the chunks allow in each order.
fn in_order_speedups(
    doc: &serde_json::Value,
) -> Result<Vec<(&'static str, f64)>, String> {
    let mut found = Vec::new();
    for (way, speedup) in speedups(doc, Lang::Rust)? {
        if let Some((_, name)) = IN_ORDER_WAYS.iter().find(|w| w.0 == way) {
            found.push((*name, speedup));
        }
    }
    for (fact, name) in ALLOWED {
        let allowed = doc[fact]
            .as_f64()
            .ok_or_else(|| format!("the report has no {fact}"))?;
        found.push((*name, allowed));
    }
    Ok(found)
}

/// The speedups of the ways the table shows, from a report's `methods`.
fn speedups(
    doc: &serde_json::Value,
    lang: Lang,
) -> Result<Vec<(String, f64)>, String> {
    let methods = doc["methods"]
        .as_array()
        .ok_or("the report has no methods")?;
    let ways = if lang == Lang::Rust {
        RUST_WAYS
    } else {
        PYTHON_WAYS
    };
    let mut found = Vec::new();
    for method in methods {
        let (Some(way), Some(speedup)) =
            (method["method"].as_str(), method["speedup"].as_f64())
        else {
            return Err(format!("a method without a name or a speedup: {method}"));
        };
        if ways.contains(&way) {
            found.push((way.to_owned(), speedup));
        }
    }
    Ok(found)
}

/// The table's rows: each way's speedup on every core.
fn rows(
    samples: &Samples,
    cores: usize,
    rust_why: &str,
    python_why: &str,
) -> Vec<Measure> {
    let figure = |lang: Lang, way: &str| {
        let found = samples
            .get(&(lang, way.to_owned()))
            .and_then(|c| c.get(&cores));
        match found.and_then(|s| Spread::of(s)) {
            Some(spread) => Ok(spread),
            None if lang == Lang::Rust => Err(rust_why.to_owned()),
            None => Err(python_why.to_owned()),
        }
    };
    let group = "CPU job (lesson 08), speedup on every core";
    let target = Target::AtLeast(0.9 * cores as f64);
    vec![
        Measure::new(
            "cpu-allowed",
            group,
            "what its chunks allow, costliest first (the lesson's figure)",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "allowed, costliest first"),
        ),
        Measure::new(
            "cpu-scope",
            group,
            "scope threads, chunks costliest first",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "scope threads"),
        )
        .target(target),
        Measure::new(
            "cpu-rayon",
            group,
            "rayon over the chunks, costliest first",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "rayon, chunks"),
        )
        .target(target),
        Measure::new(
            "cpu-rayon-numbers",
            group,
            "rayon over the numbers",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "rayon, numbers"),
        )
        .target(target),
        Measure::new(
            "cpu-processes",
            group,
            "lesson 04's pool of processes, chunks costliest first",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "processes"),
        ),
        Measure::new(
            "cpu-allowed-in-order",
            group,
            "what its chunks allow, first to last (`--in-order`)",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "allowed, in order"),
        ),
        Measure::new(
            "cpu-scope-in-order",
            group,
            "scope threads, chunks first to last",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "scope threads, in order"),
        ),
        Measure::new(
            "cpu-rayon-in-order",
            group,
            "rayon over the chunks, first to last",
            Lang::Rust,
            Unit::Times,
            figure(Lang::Rust, "rayon, chunks, in order"),
        ),
        Measure::new(
            "cpu-py-threads",
            group,
            "ThreadPoolExecutor",
            Lang::Python,
            Unit::Times,
            figure(Lang::Python, "threads"),
        ),
        Measure::new(
            "cpu-py-processes",
            group,
            "ProcessPoolExecutor, warm",
            Lang::Python,
            Unit::Times,
            figure(Lang::Python, "processes"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_s_ways_are_read_from_a_report() {
        let doc = serde_json::json!({"methods": [
            {"method": "sequential", "ms": 400.0, "speedup": 1.0},
            {"method": "scope threads", "ms": 210.0, "speedup": 1.9},
            {"method": "rayon, one per task", "ms": 300.0, "speedup": 1.3},
            {"method": "processes", "ms": 220.0, "speedup": 1.8},
        ]});
        let found = speedups(&doc, Lang::Rust).expect("speedups");
        let ways: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(ways, ["scope threads", "processes"]);
        assert_eq!(found[0].1, 1.9);
        let python = speedups(&doc, Lang::Python).expect("speedups");
        assert_eq!(python, [("processes".to_owned(), 1.8)]);
        assert!(
            speedups(&serde_json::json!({"elapsed_ms": 1.0}), Lang::Rust).is_err()
        );
        let nameless = serde_json::json!({"methods": [{"ms": 1.0}]});
        assert!(speedups(&nameless, Lang::Rust).is_err());
    }

    #[test]
    fn an_in_order_run_gives_its_chunked_ways_and_what_the_chunks_allow() {
        let doc = serde_json::json!({"methods": [
            {"method": "sequential", "ms": 400.0, "speedup": 1.0},
            {"method": "scope threads", "ms": 220.0, "speedup": 1.82},
            {"method": "rayon, chunks", "ms": 230.0, "speedup": 1.74},
            {"method": "processes", "ms": 220.0, "speedup": 1.8},
        ], "best_in_order": 1.87, "best_costliest_first": 1.96});
        let found = in_order_speedups(&doc).expect("speedups");
        assert_eq!(
            found,
            [
                ("scope threads, in order", 1.82),
                ("rayon, chunks, in order", 1.74),
                ("allowed, costliest first", 1.96),
                ("allowed, in order", 1.87),
            ]
        );
        let no_figures = serde_json::json!({"methods": [], "best_in_order": null});
        assert!(in_order_speedups(&no_figures).is_err());
    }

    #[test]
    fn a_row_per_way_with_the_target_on_rust_s_threads() {
        let mut samples = Samples::new();
        let by_cores = samples
            .entry((Lang::Rust, "scope threads".to_owned()))
            .or_default();
        by_cores.insert(2, vec![1.7, 1.9, 1.95]);
        let rows = rows(&samples, 2, "rust missing", "python missing");
        let scope = rows
            .iter()
            .find(|m| m.id == "cpu-scope")
            .expect("scope threads");
        assert_eq!(scope.figure.as_ref().map(|s| s.median), Ok(1.9));
        assert_eq!(scope.targets, [Target::AtLeast(1.8)]);
        let py = rows
            .iter()
            .find(|m| m.id == "cpu-py-threads")
            .expect("Python threads");
        assert_eq!(py.figure, Err("python missing".to_owned()));
    }
}
