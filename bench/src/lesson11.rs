//! Lesson 11's rows: what starting a process costs from a parent that holds
//! a lot of memory. The lesson's spawn part (`--part spawn`: `true` started
//! with std's `Command`, which is posix_spawn, and with a `pre_exec` hook,
//! which forces a fork) beside its Python twin's (subprocess, os.fork with
//! and without exec, multiprocessing's three start methods), each run in
//! alternation a few rounds, from a parent holding [`PARENT_MIB`] MiB more.
//! A row's sample is the median of one run's starts from the big parent.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::Setup;
use crate::child;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure};

/// How much more the big parent holds, on both sides.
pub const PARENT_MIB: u64 = 256;

/// The rows' group; its text names [`PARENT_MIB`] (a test checks it).
const GROUP: &str =
    "process start + wait, from a parent holding 256 MiB more (lesson 11)";

/// Each row: its id, side, what it measures, and where its times are in
/// the run's JSON (`spawn.big.<key>` for the lesson, `spawn.big.ms.<key>`
/// for the twin).
const ROWS: [(&str, Lang, &str, &str); 8] = [
    (
        "l11-posix-spawn",
        Lang::Rust,
        "Command::spawn of true (posix_spawn)",
        "posix_spawn_ms",
    ),
    (
        "l11-fork",
        Lang::Rust,
        "Command with a pre_exec hook, of true (fork + exec)",
        "fork_ms",
    ),
    (
        "py-l11-subprocess",
        Lang::Python,
        "subprocess.run of true (vfork + exec)",
        "subprocess.run",
    ),
    (
        "py-l11-fork-exec",
        Lang::Python,
        "os.fork + exec of true",
        "os.fork + exec",
    ),
    (
        "py-l11-fork",
        Lang::Python,
        "os.fork, the child exits at once",
        "os.fork",
    ),
    (
        "py-l11-mp-fork",
        Lang::Python,
        "multiprocessing fork: start + join",
        "multiprocessing fork",
    ),
    (
        "py-l11-mp-forkserver",
        Lang::Python,
        "multiprocessing forkserver: start + join",
        "multiprocessing forkserver",
    ),
    (
        "py-l11-mp-spawn",
        Lang::Python,
        "multiprocessing spawn: start + join",
        "multiprocessing spawn",
    ),
];

/// The rows, Rust's and Python's, ready for the table.
pub fn measure(setup: &Setup, quick: bool) -> Vec<Measure> {
    // The lesson's starts each way per run: its median is one sample.
    let starts = if quick { 1 } else { 5 };
    let rounds = setup.counts.rounds.min(3);
    let lesson = setup.bin_dir.join("lesson-11-anatomy");
    let mut samples: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let (mut rust_err, mut python_err) = (None, None);
    for round in 1..=rounds {
        crate::progress(&format!("lesson 11 round {round}/{rounds}"));
        match rust_round(&lesson, starts) {
            Ok(doc) => add(&mut samples, &doc["spawn"]["big"], Lang::Rust),
            Err(err) => rust_err = Some(err),
        }
        let python = setup.python.as_deref().map_err(Clone::clone);
        match python.and_then(|python| python_round(setup, python, starts)) {
            Ok(doc) => add(&mut samples, &doc["spawn"]["big"]["ms"], Lang::Python),
            Err(err) => python_err = Some(err),
        }
    }
    ROWS.iter()
        .map(|&(id, lang, what, _)| {
            let why = match lang {
                Lang::Rust => rust_err.clone(),
                Lang::Python => python_err.clone(),
            };
            let figure = samples
                .get(id)
                .and_then(|list| Spread::of(list))
                .ok_or_else(|| why.unwrap_or_else(|| "no sample".to_owned()));
            Measure::new(id, GROUP, what, lang, Unit::Ms, figure)
        })
        .collect()
}

/// Adds the median of each of `lang`'s rows found in `times`.
fn add(samples: &mut BTreeMap<&'static str, Vec<f64>>, times: &Value, lang: Lang) {
    for &(id, row_lang, _, key) in &ROWS {
        if row_lang != lang {
            continue;
        }
        let mut list: Vec<f64> = (times[key].as_array().into_iter().flatten())
            .filter_map(Value::as_f64)
            .collect();
        if list.is_empty() {
            continue;
        }
        list.sort_by(f64::total_cmp);
        let median = list[list.len() / 2];
        crate::progress(&format!("lesson 11 {id}: {}", Unit::Ms.show(median)));
        samples.entry(id).or_default().push(median);
    }
}

/// One run of the lesson's spawn part: its JSON document.
fn rust_round(lesson: &Path, starts: u64) -> Result<Value, String> {
    if !lesson.exists() {
        return Err("not measured: lesson 11 is not built".to_owned());
    }
    let mut command = Command::new(lesson);
    command.args(["--json", "--part", "spawn"]).args([
        "--parent-mib",
        &PARENT_MIB.to_string(),
        "--rounds",
        &starts.to_string(),
    ]);
    let out = child::run(command, Duration::from_secs(120))?;
    child::json_report(&out)
}

/// One run of the twin's spawn part: its JSON line.
fn python_round(setup: &Setup, python: &Path, starts: u64) -> Result<Value, String> {
    let mut command = Command::new(python);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    command
        .arg(setup.python_dir.join("lesson_11_anatomy.py"))
        .args(["--part", "spawn", "--parent-mib", &PARENT_MIB.to_string()])
        .args(["--rounds", &starts.to_string()]);
    let out = child::run(command, Duration::from_secs(300))?;
    child::json_report(&out).map_err(|err| format!("lesson_11_anatomy.py {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_names_the_parents_size() {
        assert!(GROUP.contains(&format!("{PARENT_MIB} MiB")), "{GROUP}");
    }

    #[test]
    fn each_row_takes_the_median_of_its_own_times() {
        let mut samples = BTreeMap::new();
        let rust = serde_json::json!({"posix_spawn_ms": [3.0, 1.0, 2.0], "fork_ms": [30.0]});
        add(&mut samples, &rust, Lang::Rust);
        let python =
            serde_json::json!({"os.fork": [9.0, 7.0], "posix_spawn_ms": [99.0]});
        add(&mut samples, &python, Lang::Python);
        assert_eq!(samples.get("l11-posix-spawn"), Some(&vec![2.0]));
        assert_eq!(samples.get("l11-fork"), Some(&vec![30.0]));
        assert_eq!(samples.get("py-l11-fork"), Some(&vec![9.0]));
        // Another side's key is not this side's row.
        assert_eq!(samples.len(), 3, "{samples:?}");
    }
}
