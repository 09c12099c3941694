//! The micro-measurements: what a thread, a process and a pooled task cost,
//! by the same method on both sides (a batch of the same operation timed
//! as a whole, the mean per operation its sample), Rust and Python in
//! alternation, a few rounds each.

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::Value;

use crate::Setup;
use crate::child;
use crate::pool04;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure, Target};

/// How much work each measurement does: the full run, or `--quick`.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub rounds: usize,
    pub threads: usize,
    pub processes: usize,
    /// Per start method on the Python side (spawn costs tens of ms each).
    pub python_processes: usize,
    pub tasks: usize,
}

impl Counts {
    pub const FULL: Self = Self {
        rounds: 5,
        threads: 2000,
        processes: 200,
        python_processes: 20,
        tasks: 10_000,
    };
    pub const QUICK: Self = Self {
        rounds: 1,
        threads: 20,
        processes: 3,
        python_processes: 1,
        tasks: 200,
    };
}

/// The tiny task of the pool measurements: next to nothing, so that the
/// pool's own cost per task is what is measured.
pub fn tiny(n: u64) -> u64 {
    black_box(n) + 1
}

/// The row of the pool with [`pool04::IN_FLIGHT`] tasks in flight per
/// worker (a test checks the figure in the text).
const IN_FLIGHT_WHAT: &str =
    "lesson 04's pool, submit each, 32 in flight (tasks per worker at once)";

/// Every micro-measurement, Rust and Python, ready for the table.
pub fn measure_all(setup: &Setup) -> Vec<Measure> {
    let counts = setup.counts;
    let cores = crate::machine::cores();
    let lesson_04 = setup.bin_dir.join("lesson-04-processpool");
    let empty = setup.bin_dir.join("bench-empty");
    let mut samples: Vec<(&'static str, Vec<f64>)> = Vec::new();
    let mut add = |id: &'static str, sample: Result<f64, String>| {
        let text = match &sample {
            Ok(v) => unit_of(id).show(*v),
            Err(err) => err.clone(),
        };
        crate::progress(&format!("micro {id}: {text}"));
        match samples.iter_mut().find(|(known, _)| *known == id) {
            Some((_, list)) => list.extend(sample.ok()),
            None => samples.push((id, sample.ok().into_iter().collect())),
        }
    };
    let mut python_failure = None;
    for round in 1..=counts.rounds {
        crate::progress(&format!("micro round {round}/{}", counts.rounds));
        add("thread-rust", Ok(thread_us(counts.threads)));
        add(
            "process-true",
            process_us(Path::new("true"), &[], counts.processes),
        );
        add("process-bare", process_us(&empty, &[], counts.processes));
        if lesson_04.exists() {
            add(
                "process-lesson",
                process_us(&lesson_04, &["--worker"], counts.processes),
            );
        }
        add("threadpool", Ok(threadpool_rate(cores, counts.tasks)));
        add("rayon-par-iter", rayon_par_iter_rate(cores, counts.tasks));
        add("rayon-spawn", rayon_spawn_rate(cores, counts.tasks));
        add("pool-04-each", pool04::each_rate(cores, counts.tasks, 1));
        add(
            "pool-04-in-flight",
            pool04::each_rate(cores, counts.tasks, pool04::IN_FLIGHT),
        );
        add("pool-04-batched", pool04::batched_rate(cores, counts.tasks));
        if let Ok(python) = &setup.python {
            match python_round(setup, python, counts) {
                Ok(doc) => {
                    for id in PYTHON_FIGURES {
                        let figure = doc[*id]
                            .as_f64()
                            .ok_or(format!("no {id} in its report"));
                        add(id, figure);
                    }
                }
                Err(err) => {
                    crate::progress(&format!("micro python: {err}"));
                    python_failure = Some(err);
                }
            }
        }
    }
    let figure = |id: &str| -> Result<Spread, String> {
        let found = samples.iter().find(|(known, _)| *known == id);
        match found.and_then(|(_, list)| Spread::of(list)) {
            Some(spread) => Ok(spread),
            None if id.starts_with("py-") => {
                Err(match (&setup.python, &python_failure) {
                    (Err(why), _) => why.clone(),
                    (_, Some(err)) => err.clone(),
                    _ => "no sample".to_owned(),
                })
            }
            None if id == "process-lesson" => {
                Err("not yet measured: lesson 04 is not in this workspace yet"
                    .to_owned())
            }
            None => Err("no sample".to_owned()),
        }
    };
    let m = Measure::new;
    vec![
        m(
            "thread-rust",
            "thread spawn + join",
            "std::thread::spawn + join",
            Lang::Rust,
            Unit::Us,
            figure("thread-rust"),
        )
        .target(Target::Described("the bare std cost, nothing added")),
        m(
            "py-thread-us",
            "thread spawn + join",
            "threading.Thread start + join",
            Lang::Python,
            Unit::Us,
            figure("py-thread-us"),
        ),
        m(
            "process-true",
            "process spawn + wait",
            "true from Rust: the machine's floor (a C program that does nothing)",
            Lang::Rust,
            Unit::Us,
            figure("process-true"),
        ),
        m(
            "process-bare",
            "process spawn + wait",
            "an empty Rust program (fn main() {}, release)",
            Lang::Rust,
            Unit::Us,
            figure("process-bare"),
        ),
        m(
            "process-lesson",
            "process spawn + wait",
            "the lesson binary (lesson-04-processpool --worker, stdin closed)",
            Lang::Rust,
            Unit::Us,
            figure("process-lesson"),
        )
        .target(Target::Below(1000.0)),
        m(
            "py-fork-us",
            "process spawn + wait",
            "multiprocessing fork: start + join",
            Lang::Python,
            Unit::Us,
            figure("py-fork-us"),
        ),
        m(
            "py-forkserver-us",
            "process spawn + wait",
            "multiprocessing forkserver: start + join",
            Lang::Python,
            Unit::Us,
            figure("py-forkserver-us"),
        ),
        m(
            "py-spawn-us",
            "process spawn + wait",
            "multiprocessing spawn: start + join",
            Lang::Python,
            Unit::Us,
            figure("py-spawn-us"),
        ),
        m(
            "threadpool",
            "pool throughput, tiny tasks",
            "threadpool: execute each, results on a channel",
            Lang::Rust,
            Unit::PerSecond,
            figure("threadpool"),
        ),
        m(
            "rayon-par-iter",
            "pool throughput, tiny tasks",
            "rayon: par_iter().map().collect()",
            Lang::Rust,
            Unit::PerSecond,
            figure("rayon-par-iter"),
        ),
        m(
            "rayon-spawn",
            "pool throughput, tiny tasks",
            "rayon: scope spawn each, results on a channel",
            Lang::Rust,
            Unit::PerSecond,
            figure("rayon-spawn"),
        ),
        m(
            "pool-04-each",
            "pool throughput, tiny tasks",
            "lesson 04's pool, submit each, 1 in flight (as the lesson runs it)",
            Lang::Rust,
            Unit::PerSecond,
            figure("pool-04-each"),
        ),
        m(
            "pool-04-in-flight",
            "pool throughput, tiny tasks",
            IN_FLIGHT_WHAT,
            Lang::Rust,
            Unit::PerSecond,
            figure("pool-04-in-flight"),
        )
        .target(Target::TimesOther(20.0, "py-ppe-submit-per-s"))
        .target(Target::AtLeast(200_000.0)),
        m(
            "pool-04-batched",
            "pool throughput, tiny tasks",
            "lesson 04's pool, batched (500 a message)",
            Lang::Rust,
            Unit::PerSecond,
            figure("pool-04-batched"),
        )
        .target(Target::TimesOther(1.0, "py-ppe-map-per-s")),
        m(
            "py-tpe-per-s",
            "pool throughput, tiny tasks",
            "ThreadPoolExecutor: submit each",
            Lang::Python,
            Unit::PerSecond,
            figure("py-tpe-per-s"),
        ),
        m(
            "py-ppe-submit-per-s",
            "pool throughput, tiny tasks",
            "ProcessPoolExecutor: submit each",
            Lang::Python,
            Unit::PerSecond,
            figure("py-ppe-submit-per-s"),
        ),
        m(
            "py-ppe-map-per-s",
            "pool throughput, tiny tasks",
            "ProcessPoolExecutor: map(chunksize=500)",
            Lang::Python,
            Unit::PerSecond,
            figure("py-ppe-map-per-s"),
        ),
    ]
}

/// The unit of a sample, by its id: start costs in us, the rest rates.
fn unit_of(id: &str) -> Unit {
    if id.ends_with("-us") || id.starts_with("thread") || id.starts_with("process") {
        Unit::Us
    } else {
        Unit::PerSecond
    }
}

/// The ids of what micro.py reports, each also its row's id.
const PYTHON_FIGURES: &[&str] = &[
    "py-thread-us",
    "py-fork-us",
    "py-forkserver-us",
    "py-spawn-us",
    "py-tpe-per-s",
    "py-ppe-submit-per-s",
    "py-ppe-map-per-s",
];

/// The mean cost of starting and joining a thread that does nothing, in us.
fn thread_us(count: usize) -> f64 {
    let began = Instant::now();
    for _ in 0..count {
        // join's Result: a thread that does nothing cannot panic.
        let _ = thread::spawn(|| {}).join();
    }
    began.elapsed().as_secs_f64() * 1e6 / count as f64
}

/// The mean cost of starting `program args` and waiting for its exit, in us.
fn process_us(program: &Path, args: &[&str], count: usize) -> Result<f64, String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // Each start and exit takes about a millisecond; a program still
    // running after a second each has hung.
    let limit = Duration::from_secs(10 + count as u64);
    let took = child::time_runs(&mut command, count, limit)?;
    Ok(took.as_secs_f64() * 1e6 / count as f64)
}

/// Tasks per second through a `threadpool` of `workers`, each task's result
/// sent back on a channel (the lesson 03 way), the pool already started.
fn threadpool_rate(workers: usize, tasks: usize) -> f64 {
    let pool = threadpool::ThreadPool::new(workers);
    let (sender, results) = mpsc::channel();
    let run = |count: usize| {
        for n in 0..count as u64 {
            let sender = sender.clone();
            pool.execute(move || {
                let _ = sender.send(tiny(n));
            });
        }
        results.iter().take(count).count()
    };
    run(workers); // warm: every worker has started and run a task
    let began = Instant::now();
    let done = run(tasks);
    done as f64 / began.elapsed().as_secs_f64()
}

fn rayon_pool(workers: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|err| format!("cannot start a rayon pool: {err}"))
}

/// Tasks per second through rayon's parallel iterator: it splits the range
/// into as few pieces as keep every thread busy.
fn rayon_par_iter_rate(workers: usize, tasks: usize) -> Result<f64, String> {
    let pool = rayon_pool(workers)?;
    let run = |count: usize| -> Vec<u64> {
        pool.install(|| (0..count as u64).into_par_iter().map(tiny).collect())
    };
    run(workers);
    let began = Instant::now();
    let done = run(tasks).len();
    Ok(done as f64 / began.elapsed().as_secs_f64())
}

/// Tasks per second through rayon, one spawned task each (like submit).
fn rayon_spawn_rate(workers: usize, tasks: usize) -> Result<f64, String> {
    let pool = rayon_pool(workers)?;
    let run = |count: usize| {
        let (sender, results) = mpsc::channel();
        pool.scope(|scope| {
            for n in 0..count as u64 {
                let sender = sender.clone();
                scope.spawn(move |_| {
                    let _ = sender.send(tiny(n));
                });
            }
        });
        drop(sender);
        results.iter().count()
    };
    run(workers);
    let began = Instant::now();
    let done = run(tasks);
    Ok(done as f64 / began.elapsed().as_secs_f64())
}

/// One round of docs/python/micro.py: its JSON line.
fn python_round(
    setup: &Setup,
    python: &Path,
    counts: Counts,
) -> Result<Value, String> {
    let mut command = Command::new(python);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    command.arg(setup.python_dir.join("micro.py")).args([
        "--threads",
        &counts.threads.to_string(),
        "--processes",
        &counts.python_processes.to_string(),
        "--tasks",
        &counts.tasks.to_string(),
        "--workers",
        &crate::machine::cores().to_string(),
    ]);
    let out = child::run(command, Duration::from_secs(300))?;
    child::json_report(&out).map_err(|err| format!("micro.py {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_in_flight_row_names_the_figure_it_measures() {
        let figure = format!("each, {} in flight", pool04::IN_FLIGHT);
        assert!(IN_FLIGHT_WHAT.contains(&figure), "{IN_FLIGHT_WHAT}");
    }
}
