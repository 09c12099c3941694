//! The course's benchmark: every lesson beside its Python twin at the same
//! time scale, the costs of threads, processes and pools on both sides, and
//! the Measured chapter's table and charts from one run.
//!
//! Run it: `make bench` (the full run, a few minutes) or `make bench-quick`
//! (seconds, tiny counts, every code path once). By hand, after a release
//! build of the workspace: `target/release/course-bench --out DIR`.
//! `course-bench timeline OUT.svg < run.json` draws a lesson's `--json`
//! run as an SVG timeline. `course-bench table` renders the Measured
//! chapter's table and the contributors' targets again from a saved
//! `results.json`, without measuring anything (`make bench-table`).
//!
//! Python is optional: without `python3` (or `--python PATH`) the Rust side
//! still runs, and the report says what was skipped and how to get it.

mod charts;
mod child;
mod cpu;
mod lesson09;
mod lesson10;
mod lesson11;
mod lessons;
mod machine;
mod micro;
mod pool04;
mod scrape;
mod stats;
mod table;
mod timeline;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use micro::Counts;

#[derive(Parser, Debug)]
#[command(name = "course-bench", version, about = env!("CARGO_PKG_DESCRIPTION"))]
struct Cli {
    #[command(subcommand)]
    command: Option<Action>,
    /// Tiny counts and a tiny time scale: every code path once, in seconds
    #[arg(long)]
    quick: bool,
    /// Runs of each lesson and each side, 1 to 100 (default 3; 1 with
    /// --quick)
    #[arg(
        long,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=100)
    )]
    runs: Option<u32>,
    /// The lessons' time scale, 0.001 to 10 (default 1; 0.01 with --quick)
    #[arg(
        long,
        value_name = "S",
        allow_negative_numbers = true,
        value_parser = time_scale
    )]
    time_scale: Option<f64>,
    /// Where the table, the raw figures and the charts go (default: the
    /// workspace's docs/src/measured, wherever the benchmark is run from)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The Python that runs the twins
    #[arg(long, value_name = "PATH", default_value = "python3")]
    python: PathBuf,
    /// The command to show as the one that reproduces the figures
    #[arg(long, value_name = "TEXT", default_value = "make bench")]
    command_shown: String,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Draw a lesson's --json run (read from stdin) as an SVG timeline
    Timeline {
        /// The SVG file to write
        out: PathBuf,
        /// The title above the timeline (default: the lesson's name)
        #[arg(long)]
        title: Option<String>,
    },
    /// Render table.md and targets.md again from DIR/results.json
    Table {
        /// Where results.json is, and where the pages go (default: the
        /// workspace's docs/src/measured, as for the benchmark's --out)
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The time scales the benchmark takes: below a thousandth, the lessons'
/// sleeps are shorter than what starting them costs, and say nothing.
const TIME_SCALES: std::ops::RangeInclusive<f64> = 0.001..=10.0;

fn time_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if TIME_SCALES.contains(&s) => Ok(s),
        _ => Err(format!(
            "must be a number from {} to {}",
            TIME_SCALES.start(),
            TIME_SCALES.end()
        )),
    }
}

/// Where the results go: `--out`, or the Measured chapter's folder in this
/// workspace (found from where this program was built), not one relative
/// to wherever it happens to run.
fn out_dir(out: Option<&Path>) -> PathBuf {
    out.map_or_else(
        || {
            let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
            bench.parent().unwrap_or(bench).join("docs/src/measured")
        },
        Path::to_owned,
    )
}

/// What every measurement needs to know.
pub struct Setup {
    pub runs: usize,
    pub time_scale: f64,
    pub counts: Counts,
    /// Where the release binaries are: beside this one.
    pub bin_dir: PathBuf,
    pub python_dir: PathBuf,
    /// The Python to use, or why there is none.
    pub python: Result<PathBuf, String>,
}

/// A progress line on stderr; a closed stderr loses it, not the run.
pub fn progress(line: &str) {
    let _ = writeln!(io::stderr(), "course-bench: {line}");
}

fn main() -> ExitCode {
    // The lessons ask for it themselves; their Python twins, started from
    // here, inherit it: both sides' sleeps wake alike.
    lesson_kit::wake_on_time();
    // A worker of lesson 04's pool, for the pool's throughput.
    if let Some(status) = pool04::serve_if_worker() {
        return status;
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Action::Timeline { out, title }) => {
            draw_timeline(out, title.as_deref())
        }
        Some(Action::Table { dir }) => {
            let dir = out_dir(dir.as_deref());
            table::Results::read(&dir.join("results.json"))
                .and_then(|results| write_pages(&dir, &results))
        }
        None => bench(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            progress(&format!("error: {err}"));
            ExitCode::FAILURE
        }
    }
}

fn draw_timeline(out: &Path, title: Option<&str>) -> Result<(), String> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|err| format!("cannot read the run from stdin: {err}"))?;
    let svg = timeline::Timeline::from_json(&text)?.svg(title)?;
    write(out, &svg)
}

/// The two pages made from a run's figures: the book's table and the
/// contributors' targets.
fn write_pages(dir: &Path, results: &table::Results) -> Result<(), String> {
    write(&dir.join("table.md"), &table::book(results))?;
    write(&dir.join("targets.md"), &table::targets(results))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text)
        .map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Finds the Python and its version; `Err` says what to do instead.
fn find_python(python: &Path) -> Result<(PathBuf, String), String> {
    match machine::version_of(&python.to_string_lossy(), &["--version"]) {
        Ok(version) => Ok((python.to_owned(), version)),
        Err(why) => Err(format!(
            "skipped: {why}; install python3 (3.11 here), or `make bench-venv` \
             and `make bench` uses it",
        )),
    }
}

fn bench(cli: &Cli) -> Result<(), String> {
    let self_exe = std::env::current_exe()
        .map_err(|err| format!("cannot find this program: {err}"))?;
    let bin_dir = self_exe.parent().map(Path::to_owned).unwrap_or_default();
    let python = find_python(&cli.python);
    progress(&match &python {
        Ok((_, version)) => format!("Python: {version}"),
        Err(why) => format!("Python: {why}"),
    });
    let python_version = python.as_ref().ok().map(|(_, version)| version.clone());
    let python = python.map(|(path, _)| path);
    let setup = Setup {
        runs: cli
            .runs
            .map_or(if cli.quick { 1 } else { 3 }, |r| r as usize),
        time_scale: cli.time_scale.unwrap_or(if cli.quick { 0.01 } else { 1.0 }),
        counts: if cli.quick {
            Counts::QUICK
        } else {
            Counts::FULL
        },
        bin_dir,
        python_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/python"),
        python,
    };
    let machine = machine::Machine::here(python_version);
    let out = out_dir(cli.out.as_deref());
    fs::create_dir_all(&out)
        .map_err(|err| format!("cannot create {}: {err}", out.display()))?;
    progress(&format!(
        "{} runs at time scale {}, results in {}",
        setup.runs,
        setup.time_scale,
        out.display()
    ));

    let lessons = lessons::measure_all(&setup);
    let mut micro = micro::measure_all(&setup);
    let cpu = cpu::measure(&setup, cli.quick);
    micro.extend(cpu.measures);
    micro.extend(scrape::measure(&setup, cli.quick));
    micro.extend(lesson09::measure(&setup, cli.quick));
    micro.extend(lesson10::measure(&setup, cli.quick));
    micro.extend(lesson11::measure(&setup, cli.quick));

    let mut skipped = Vec::new();
    if let Err(why) = &setup.python {
        skipped.push(format!("Python: {why}"));
    }
    // A Python package missing: each row says so, the list says it once.
    let lessons_missing = (lessons.iter())
        .filter_map(|l| l.python.as_ref().err().map(|why| (l.lesson.name, why)));
    let micro_missing = (micro.iter())
        .filter_map(|m| m.figure.as_ref().err().map(|why| (m.what, why)));
    let mut missing: Vec<(String, Vec<&str>)> = Vec::new();
    for (what, why) in lessons_missing.chain(micro_missing) {
        if !why.contains("bench-venv") || setup.python.is_err() {
            continue;
        }
        match missing.iter_mut().find(|(known, _)| known == why) {
            Some((_, whats)) => whats.push(what),
            None => missing.push((why.clone(), vec![what])),
        }
    }
    for (why, whats) in missing {
        skipped.push(format!("{}: {why}", whats.join("; ")));
    }
    let raw = table::raw(
        &machine,
        &cli.command_shown,
        setup.time_scale,
        setup.runs,
        &skipped,
        &lessons,
        &micro,
    );
    let text = serde_json::to_string_pretty(&raw).map_err(|err| err.to_string())?;
    write(&out.join("results.json"), &text)?;
    // The pages come from the saved figures, as `course-bench table` makes
    // them again later.
    write_pages(&out, &table::Results::from_value(raw)?)?;

    let group = |name: &str| -> Vec<&table::Measure> {
        micro.iter().filter(|m| m.group == name).collect()
    };
    write(&out.join("speedup.svg"), &charts::speedup(&lessons)?)?;
    let spawn =
        [group("thread spawn + join"), group("process spawn + wait")].concat();
    write(
        &out.join("spawn.svg"),
        &charts::log_bars(
            "Start and wait: a thread, a process (log scale)",
            "microseconds",
            stats::Unit::Us,
            &spawn,
        )?,
    )?;
    write(
        &out.join("pools.svg"),
        &charts::log_bars(
            "Pool throughput, tiny tasks (log scale)",
            "tasks per second",
            stats::Unit::PerSecond,
            &group("pool throughput, tiny tasks"),
        )?,
    )?;
    write(
        &out.join("cpu.svg"),
        &charts::cpu_scaling(machine.cores, &cpu.scaling, &cpu.missing)?,
    )?;
    progress(&format!(
        "wrote {}/table.md, targets.md, results.json, speedup.svg, spawn.svg, pools.svg, cpu.svg",
        out.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_scales_are_bounded_so_that_they_print_short() {
        for good in ["0.001", "0.01", "1", "10"] {
            assert!(time_scale(good).is_ok(), "{good}");
        }
        for bad in ["1e-320", "0.0009", "0", "-1", "10.5", "NaN", "inf", "x"] {
            let said = time_scale(bad).expect_err(bad);
            assert_eq!(said, "must be a number from 0.001 to 10");
        }
    }

    #[test]
    fn the_results_go_to_the_workspace_s_measured_chapter_by_default() {
        let out = out_dir(None);
        assert!(out.is_absolute(), "{}", out.display());
        assert!(out.ends_with("docs/src/measured"), "{}", out.display());
        // The chapter that shows them is beside the folder.
        let chapter = out.with_file_name("measured.md");
        assert!(chapter.is_file(), "{}", chapter.display());
        let given = Path::new("elsewhere/out");
        assert_eq!(out_dir(Some(given)), given);
    }
}
