//! Lesson 09's rows: what one wait costs on an OS thread, a tokio task,
//! an asyncio task and a Python thread (the time to start it, the memory
//! it holds, both as the lesson and its twin measure them), how long
//! 10 000 one-second waits take on tokio, and the scrapers' pages per
//! second at 1000 pages: lesson 06's thread per page, lesson 09's task per
//! page, and the asyncio twin, against one site served by this process.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use lesson_06_scraper::site::Site;
use serde_json::Value;

use crate::Setup;
use crate::child;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure, Target};

/// Waits at once: the lesson's default, and a few for `--quick`.
const WAITS: u32 = 10_000;
const QUICK_WAITS: u32 = 200;
/// Pages scraped at once.
const PAGES: usize = 1000;
const QUICK_PAGES: usize = 30;
/// The embedded site's latency at time scale 1, as lessons 06 and 09 set it.
const LATENCY: Duration = Duration::from_millis(500);

/// The samples of one figure, or why there are none.
#[derive(Default)]
struct Samples {
    values: Vec<f64>,
    failure: Option<String>,
}

impl Samples {
    fn add(&mut self, sample: Result<f64, String>) {
        match sample {
            Ok(value) => self.values.push(value),
            Err(why) => self.failure = Some(why),
        }
    }

    fn spread(&self) -> Result<Spread, String> {
        Spread::of(&self.values)
            .ok_or_else(|| self.failure.clone().unwrap_or("no sample".to_owned()))
    }
}

/// Every row of lesson 09's.
pub fn measure(setup: &Setup, quick: bool) -> Vec<Measure> {
    let mut rows = waits(setup, if quick { QUICK_WAITS } else { WAITS });
    rows.extend(pages(setup, if quick { QUICK_PAGES } else { PAGES }));
    rows
}

/// (id, side's index in the report's `waits`, figure) for each row of the
/// waits: the lesson reports tokio tasks then OS threads, the twin asyncio
/// tasks then threads.
const RUST_WAITS: [(&str, usize, &str); 5] = [
    ("wait-start-tokio", 0, "start_per_wait_us"),
    ("wait-start-thread", 1, "start_per_wait_us"),
    ("wait-memory-tokio", 0, "resident_kib_per_wait"),
    ("wait-memory-thread", 1, "resident_kib_per_wait"),
    ("waits-done-tokio", 0, "all_done_ms"),
];
const PYTHON_WAITS: [(&str, usize, &str); 4] = [
    ("wait-start-asyncio", 0, "start_per_wait_us"),
    ("wait-start-pythread", 1, "start_per_wait_us"),
    ("wait-memory-asyncio", 0, "resident_kib_per_wait"),
    ("wait-memory-pythread", 1, "resident_kib_per_wait"),
];

fn waits(setup: &Setup, count: u32) -> Vec<Measure> {
    let lesson = setup.bin_dir.join("lesson-09-async");
    let twin = setup.python_dir.join("lesson_09_async.py");
    let args = [
        "--part".to_owned(),
        "waits".to_owned(),
        "--tasks".to_owned(),
        count.to_string(),
        "--time-scale".to_owned(),
        setup.time_scale.to_string(),
    ];
    let mut rust: Vec<Samples> =
        RUST_WAITS.iter().map(|_| Samples::default()).collect();
    let mut python: Vec<Samples> =
        PYTHON_WAITS.iter().map(|_| Samples::default()).collect();
    for round in 1..=setup.runs {
        // Rust, then Python: drift on a shared machine hits both alike.
        let report = run_lesson(&lesson, &args);
        for ((_, side, field), samples) in RUST_WAITS.iter().zip(&mut rust) {
            samples.add(figure(&report, *side, field));
        }
        crate::progress(&format!(
            "lesson 09 waits round {round}: Rust: {}",
            said(&report)
        ));
        let Ok(python_bin) = &setup.python else {
            continue;
        };
        let report = run_twin(python_bin, &twin, &args);
        for ((_, side, field), samples) in PYTHON_WAITS.iter().zip(&mut python) {
            samples.add(figure(&report, *side, field));
        }
        crate::progress(&format!(
            "lesson 09 waits round {round}: Python: {}",
            said(&report)
        ));
    }
    let rust_figure = |id: &str| {
        let at = RUST_WAITS.iter().position(|(known, _, _)| *known == id);
        at.map_or(Err("no such row".to_owned()), |at| rust[at].spread())
    };
    let python_figure = |id: &str| match &setup.python {
        Err(why) => Err(why.clone()),
        Ok(_) => {
            let at = PYTHON_WAITS.iter().position(|(known, _, _)| *known == id);
            at.map_or(Err("no such row".to_owned()), |at| python[at].spread())
        }
    };
    let start = "a wait: its start (lesson 09)";
    let memory = "a wait: resident memory it adds (lesson 09)";
    let m = Measure::new;
    // 10 000 one-second waits within 1.1 s: a tenth over one wait.
    let done_bound = 1100.0 * setup.time_scale;
    vec![
        m(
            "wait-start-thread",
            start,
            "OS thread, thread::Builder::spawn",
            Lang::Rust,
            Unit::Us,
            rust_figure("wait-start-thread"),
        ),
        m(
            "wait-start-tokio",
            start,
            "tokio task, JoinSet::spawn",
            Lang::Rust,
            Unit::Us,
            rust_figure("wait-start-tokio"),
        )
        .target(Target::TimesBelowOther(20.0, "wait-start-thread")),
        m(
            "wait-start-pythread",
            start,
            "threading.Thread().start()",
            Lang::Python,
            Unit::Us,
            python_figure("wait-start-pythread"),
        ),
        m(
            "wait-start-asyncio",
            start,
            "asyncio task, create_task",
            Lang::Python,
            Unit::Us,
            python_figure("wait-start-asyncio"),
        ),
        m(
            "wait-memory-thread",
            memory,
            "OS thread",
            Lang::Rust,
            Unit::KiB,
            rust_figure("wait-memory-thread"),
        ),
        m(
            "wait-memory-tokio",
            memory,
            "tokio task",
            Lang::Rust,
            Unit::KiB,
            rust_figure("wait-memory-tokio"),
        )
        .target(Target::TimesBelowOther(10.0, "wait-memory-thread")),
        m(
            "wait-memory-pythread",
            memory,
            "threading.Thread (VmRSS)",
            Lang::Python,
            Unit::KiB,
            python_figure("wait-memory-pythread"),
        ),
        m(
            "wait-memory-asyncio",
            memory,
            "asyncio task",
            Lang::Python,
            Unit::KiB,
            python_figure("wait-memory-asyncio"),
        ),
        m(
            "waits-done-tokio",
            "10 000 waits of 1 s at once (lesson 09)",
            "tokio tasks, start to the last one's end",
            Lang::Rust,
            Unit::Ms,
            rust_figure("waits-done-tokio"),
        )
        .target(Target::Below(done_bound)),
    ]
}

/// The lesson's `--json` report, or why not.
fn run_lesson(lesson: &Path, args: &[String]) -> Result<Value, String> {
    if !lesson.exists() {
        return Err("not yet measured: lesson 09 is not built".to_owned());
    }
    let mut command = Command::new(lesson);
    command
        .arg("--json")
        .args(args)
        .env_remove("LESSON_TIME_SCALE");
    child::json_report(&child::run(command, Duration::from_secs(300))?)
}

/// The twin's report: its last line.
fn run_twin(python: &Path, twin: &Path, args: &[String]) -> Result<Value, String> {
    let mut command = Command::new(python);
    command.arg(twin).args(args);
    command.env_remove("LESSON_TIME_SCALE");
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    let out = child::run(command, Duration::from_secs(300))?;
    let last = out.lines().rev().find(|l| !l.trim().is_empty());
    child::json_report(last.unwrap_or_default())
}

/// `field` of the `side`-th entry of the report's `waits`.
fn figure(
    report: &Result<Value, String>,
    side: usize,
    field: &str,
) -> Result<f64, String> {
    let report = report.as_ref().map_err(Clone::clone)?;
    report["waits"][side][field]
        .as_f64()
        .ok_or_else(|| format!("no waits[{side}].{field} in the report"))
}

fn said(report: &Result<Value, String>) -> String {
    match report {
        Ok(doc) => format!(
            "elapsed {:.1} ms",
            doc["elapsed_ms"].as_f64().unwrap_or(0.0)
        ),
        Err(why) => why.clone(),
    }
}

/// What the asyncio twin fetched with, as its rows say.
const AIOHTTP: &str = "asyncio twin, a task per page (aiohttp)";
const URLLIB: &str =
    "asyncio twin, a task per page (urllib on threads: aiohttp is not installed)";

/// A thousand fetches at once hold about three thousand open files, in
/// lesson 09 (its socket and the site's two) and here (the site's side):
/// the soft limit, often 1024, goes up to the hard one, for this process
/// and the lessons it starts. If it cannot, lesson 09 says so in its row.
fn room_for_files() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// Pages per second with `count` pages at once, on one site served here:
/// every side fetches the same addresses.
fn pages(setup: &Setup, count: usize) -> Vec<Measure> {
    room_for_files();
    let site = Site::start(0, LATENCY.mul_f64(setup.time_scale));
    let urls: Vec<String> = match &site {
        Ok(site) => {
            let own = site.urls();
            (0..count)
                .map(|n| {
                    format!("{}?copy={}", own[n % own.len()], n / own.len() + 1)
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    let failed = site.as_ref().err().map(|err| format!("no site: {err}"));
    let (mut threads, mut tasks, mut asyncio) =
        (Samples::default(), Samples::default(), Samples::default());
    let mut client = None;
    for round in 1..=setup.runs {
        if let Some(why) = &failed {
            threads.add(Err(why.clone()));
            tasks.add(Err(why.clone()));
            continue;
        }
        let lesson_06 = setup.bin_dir.join("lesson-06-scraper");
        threads.add(rate(run_lesson(&lesson_06, &urls), count));
        // All of them at once, as lesson 06 fetches them: the lesson's
        // default limit would make it rounds of fifty.
        let mut args = vec!["--part".to_owned(), "scraper".to_owned()];
        args.extend(["--limit".to_owned(), count.to_string()]);
        args.extend(urls.iter().cloned());
        let lesson_09 = setup.bin_dir.join("lesson-09-async");
        tasks.add(rate(run_lesson(&lesson_09, &args), count));
        if let Ok(python) = &setup.python {
            let report = run_twin(
                python,
                &setup.python_dir.join("lesson_09_async.py"),
                &args,
            );
            if let Ok(doc) = &report {
                client = doc["client"].as_str().map(|c| c.starts_with("aiohttp"));
            }
            asyncio.add(rate(report, count));
        }
        crate::progress(&format!(
            "lesson 09 pages round {round}: threads {:?}, tasks {:?}, asyncio {:?} pages/s",
            threads.values.last(),
            tasks.values.last(),
            asyncio.values.last()
        ));
    }
    let group = "pages a second, 1000 at once (lessons 06 and 09)";
    let python_figure = match &setup.python {
        Err(why) => Err(why.clone()),
        Ok(_) => asyncio.spread(),
    };
    vec![
        Measure::new(
            "pages-threads",
            group,
            "lesson 06, a thread per page",
            Lang::Rust,
            Unit::PerSecond,
            threads.spread(),
        ),
        Measure::new(
            "pages-tasks",
            group,
            "lesson 09, a task per page",
            Lang::Rust,
            Unit::PerSecond,
            tasks.spread(),
        )
        .target(Target::TimesOther(1.0, "pages-threads"))
        .target(Target::TimesOther(1.0, "pages-asyncio")),
        Measure::new(
            "pages-asyncio",
            group,
            if client == Some(false) {
                URLLIB
            } else {
                AIOHTTP
            },
            Lang::Python,
            Unit::PerSecond,
            python_figure,
        ),
    ]
}

/// Pages a second from a scraper's report, if every page was fetched.
fn rate(report: Result<Value, String>, count: usize) -> Result<f64, String> {
    let doc = report?;
    let fetched = (doc["lines"].as_array().into_iter().flatten())
        .filter(|l| l.as_str().is_some_and(|l| l.starts_with("Fetched ")))
        .count();
    if fetched != count {
        return Err(format!("fetched {fetched} of {count} pages"));
    }
    let elapsed_ms = doc["elapsed_ms"].as_f64().ok_or("no elapsed_ms")?;
    Ok(count as f64 / (elapsed_ms / 1e3))
}
