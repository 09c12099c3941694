//! lesson-09-async: the notebook's two functions as two tasks on one OS
//! thread; 10 000 waits on tasks and on threads, and a thread count the
//! system refuses; N:1 against M:N; a task that blocks its thread; the
//! async scraper, its limit, its deadline and lesson 06's hostile servers;
//! Ctrl-C; bad options.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde_json::Value;

use crate::lesson_06::{
    Failing, TestServer, closed_port, hostile, html, never_answer, stall, trickle,
    wait_for,
};
use crate::util::{self, Report, Running, SCALE, TOLERANCE_MS, bin};

const LESSON: &str = "lesson-09-async";
/// Long enough for any run here, 10 000 threads started by a debug build
/// on a busy machine included; a run that takes longer has hung.
const LIMIT: Duration = Duration::from_secs(60);

fn run(args: &[&str]) -> util::Run {
    Running::start(&bin(LESSON), args).finish_within(LIMIT)
}

/// Runs the lesson with `--json` and checks its exit status; the report
/// and stderr.
fn report(args: &[&str], code: i32) -> (Report, String) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = run(&all);
    assert_eq!(run.code, Some(code), "{args:?}: stderr:\n{}", run.stderr);
    (Report::parse(&run.stdout), run.stderr)
}

/// Each task's (worker, label, start_ms, end_ms, OS thread).
fn tasks(report: &Report) -> Vec<(String, String, f64, f64, String)> {
    let tasks = report.doc["tasks"].as_array().expect("tasks");
    (report.tasks().into_iter().zip(tasks))
        .map(|((worker, label, start, end), task)| {
            let thread = task["thread"].as_str().unwrap_or_default().to_owned();
            (worker, label, start, end, thread)
        })
        .collect()
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

// ---- the cell ------------------------------------------------------------

#[test]
fn the_cell_prints_the_notebooks_lines_from_two_tasks_on_one_thread() {
    let (report, _) =
        report(&["--part", "cell", "--time-scale", &SCALE.to_string()], 0);
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_same_lines(&expected, &report.lines());
    // Each task's lines in its own order, whatever the order between them.
    let workers = report.by_worker();
    let names: Vec<&String> = workers.keys().collect();
    assert_eq!(names, ["letters", "numbers"], "{workers:?}");
    util::assert_lines_eq(&util::number_lines(), &workers["numbers"]);
    util::assert_lines_eq(&util::letter_lines(), &workers["letters"]);
    // One OS thread ran both: the main thread, which called block_on.
    let threads: BTreeSet<String> =
        tasks(&report).into_iter().map(|t| t.4).collect();
    assert_eq!(threads, BTreeSet::from(["main".to_owned()]));
    // Lesson 01's time with one thread: the letters' 5 x 2 s, not 9 x 2 s.
    report.assert_plan(5.0 * 2000.0 * SCALE, 9.0 * 2000.0 * SCALE);
    report.assert_near_ideal();
}

// ---- the waits -----------------------------------------------------------

#[test]
fn the_default_run_is_the_cell_then_the_waits_and_claims_no_speedup() {
    let scale = "0.05";
    let (report, _) = report(&["--tasks", "300", "--time-scale", scale], 0);
    let lines = report.lines();
    let cell = [util::number_lines(), util::letter_lines()].concat();
    util::assert_same_lines(&cell, &lines[..cell.len()]);
    let waits = ["300 tasks waited", "300 OS threads waited"];
    assert_eq!(&lines[cell.len()..], waits, "{lines:#?}");
    // The cell's five pauses of 2 s, then a wait of 1 s for each crowd.
    let ideal = report.ms("ideal_ms");
    let planned = (5.0 * 2000.0 + 2.0 * 1000.0) * 0.05;
    assert!(
        (ideal - planned).abs() < 1e-6,
        "ideal {ideal} ms, not {planned}"
    );
    assert_eq!(report.doc["sequential_ms"], Value::Null);
    // The summary as printed: an ideal, and no sequential time or speedup.
    let text = run(&["--tasks", "300", "--time-scale", scale, "--no-timeline"]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    let starts = |word: &str| text.stdout.lines().any(|l| l.starts_with(word));
    assert!(starts("ideal") && starts("overhead"), "{}", text.stdout);
    assert!(
        !starts("sequential") && !starts("speedup"),
        "{}",
        text.stdout
    );
}

#[test]
fn ten_thousand_tasks_wait_about_one_wait_on_a_few_threads() {
    let scale = 0.5;
    let (report, stderr) = report(
        &[
            "--part",
            "waits",
            "--tasks",
            "10000",
            "--workers",
            "2",
            "--time-scale",
            &scale.to_string(),
        ],
        0,
    );
    assert_eq!(stderr, "");
    util::assert_lines_eq(
        &[
            "10000 tasks waited".to_owned(),
            "10000 OS threads waited".to_owned(),
        ],
        &report.lines(),
    );
    // One wait for the tasks, one for the threads; ten thousand waits in
    // turn are no baseline, so there is no sequential time.
    let ideal = report.ms("ideal_ms");
    assert!(
        (ideal - 2.0 * 1000.0 * scale).abs() < 1e-6,
        "ideal {ideal} ms"
    );
    assert_eq!(report.doc["sequential_ms"], Value::Null);
    let waits = report.doc["waits"].as_array().expect("waits");
    let (tasks, threads) = (&waits[0], &waits[1]);
    assert_eq!(tasks["how"], "tokio tasks, 2 workers");
    assert_eq!(
        (tasks["waits"].as_u64(), threads["waits"].as_u64()),
        (Some(10_000), Some(10_000))
    );
    // Every task waits at once: all done in one wait, give or take the
    // start of 10 000 tasks by a debug build on a busy machine.
    let wait = 1000.0 * scale;
    let all_done = number(&tasks["all_done_ms"]);
    assert!(
        (wait..=wait + 500.0).contains(&all_done),
        "10 000 tasks took {all_done} ms for one wait of {wait} ms"
    );
    // On the two workers, the main thread and the kit's signal thread, and
    // nothing more.
    let os_threads = tasks["os_threads"].as_u64().expect("a count");
    assert!(os_threads <= 2 + 2, "{os_threads} OS threads for the tasks");
    // The threads are OS threads: far more of them at once (the first may
    // be done before the last start).
    let at_once = threads["os_threads"].as_u64().expect("a count");
    assert!(at_once >= 500, "only {at_once} OS threads at once");
    // A thread touches at least a page of its stack; a task is a few
    // hundred bytes on the heap.
    let resident = |cost: &Value| number(&cost["resident_kib_per_wait"]);
    assert!(resident(threads) >= 4.0, "{threads}");
    assert!(resident(tasks) <= 2.0, "{tasks}");
    let start = |cost: &Value| number(&cost["start_per_wait_us"]);
    assert!(
        start(tasks) * 3.0 < start(threads),
        "a task should start several times quicker than a thread: {} against {} us",
        start(tasks),
        start(threads)
    );
}

/// The lesson with a resource limit set first, by bash's `ulimit`.
fn with_ulimit(limit: &str, args: &[&str]) -> util::Run {
    let script = format!("ulimit {limit} && exec \"$0\" \"$@\"");
    let lesson = bin(LESSON);
    let mut all = vec![
        "-c",
        &script,
        lesson.to_str().expect("a UTF-8 path"),
        "--json",
    ];
    all.extend_from_slice(args);
    Running::spawn(util::command(Path::new("bash"), &all)).finish_within(LIMIT)
}

#[test]
fn a_thread_refused_anywhere_is_one_line_and_exit_1_never_a_panic_or_a_hang() {
    // Between 300 MB and 1.5 GB of address space, these runs are refused a
    // thread here or there: by rayon, by tokio (a worker, a spawn_blocking
    // thread), by reqwest's blocking client or by the embedded site,
    // whichever asks when the space runs out. (Below that, or with many
    // pages, an allocation fails too, and Rust aborts: no lesson can
    // report that.)
    let blocking = ["--part", "blocking", "--workers", "2"];
    let runtimes = ["--part", "runtimes", "--workers", "64"];
    let mut refused = 0;
    for part in [blocking, runtimes] {
        let args = [&part[..], &["--time-scale", "0.05"]].concat();
        for kib in (300_000..=1_500_000).step_by(100_000) {
            let run = with_ulimit(&format!("-v {kib}"), &args);
            let what = format!("ulimit -v {kib}, {args:?}");
            assert!(!run.stderr.contains("panicked"), "{what}:\n{}", run.stderr);
            assert!(
                !run.stderr.contains("none failed"),
                "{what}:\n{}",
                run.stderr
            );
            assert!(
                run.stdout.starts_with('{'),
                "{what}: exit {:?}, no JSON document:\n{}",
                run.code,
                run.stderr
            );
            Report::parse(&run.stdout);
            match run.code {
                // Nothing refused: at most a warning.
                Some(0) => assert!(
                    run.stderr.lines().all(|l| l.contains("warning")),
                    "{what}: exit 0 after:\n{}",
                    run.stderr
                ),
                Some(1) => {
                    assert!(
                        run.stderr
                            .lines()
                            .all(|l| l.starts_with("lesson-09-async: ")),
                        "{what}:\n{}",
                        run.stderr
                    );
                    refused += 1;
                }
                other => panic!("{what}: exit {other:?}:\n{}", run.stderr),
            }
        }
    }
    assert!(refused >= 6, "only {refused} runs were refused a thread");
}

#[test]
fn a_thread_count_the_limits_leave_no_room_for_is_refused_before_any_starts() {
    // ulimit -u is the tightest of the limits then, whatever the system's.
    let run = with_ulimit(
        "-u 2000",
        &["--part", "waits", "--tasks", "3000", "--time-scale", "0.05"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    util::assert_lines_eq(&["3000 tasks waited".to_owned()], &report.lines());
    // The skipped threads' waits are not in the plan: the ideal is the
    // tasks' one wait of 50 ms, not two; a crowd has no sequential figure.
    assert_eq!(report.ms("ideal_ms"), 50.0);
    assert_eq!(report.doc["sequential_ms"], Value::Null);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "{LESSON}: 3000 OS threads: more than this system has room for now"
        )) && lines[0].contains("ulimit -u 2000"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_thread_the_system_refuses_midway_is_one_line_and_the_others_still_wait() {
    // 1.5 GB of address space: room for a few hundred 2 MiB thread stacks.
    let run = with_ulimit(
        "-v 1500000",
        &["--part", "waits", "--tasks", "3000", "--time-scale", "0.2"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    let refused: u32 = lines[0]
        .strip_prefix(&format!("{LESSON}: cannot start OS thread "))
        .and_then(|rest| rest.strip_suffix(" started still wait"))
        .and_then(|rest| rest.split_once(" of 3000: "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected: {}", run.stderr));
    assert!((2..3000).contains(&refused), "{}", run.stderr);
    // The threads started before it still waited, and said so.
    util::assert_lines_eq(
        &[
            "3000 tasks waited".to_owned(),
            format!("{} OS threads waited", refused - 1),
        ],
        &report.lines(),
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

// ---- the runtimes --------------------------------------------------------

/// Each block of the runtimes part: its heading, then its tasks' lines.
fn blocks(lines: &[String]) -> Vec<(String, Vec<String>)> {
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        if line.ends_with(':') {
            blocks.push((line.clone(), Vec::new()));
        } else if let Some((_, block)) = blocks.last_mut() {
            block.push(line.clone());
        } else {
            panic!("a line before any heading: {line:?}");
        }
    }
    blocks
}

#[test]
fn current_thread_runs_every_task_on_one_thread_and_multi_thread_on_its_workers() {
    let (report, _) = report(
        &[
            "--part",
            "runtimes",
            "--workers",
            "2",
            "--time-scale",
            "0.1",
        ],
        0,
    );
    let blocks = blocks(&report.lines());
    let headings: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(
        headings,
        [
            "6 tasks on the current-thread runtime (N:1):",
            "6 tasks on the multi-thread runtime, 2 workers (M:N):"
        ]
    );
    for (heading, lines) in &blocks {
        // Every step of every task once; each task's steps in order.
        let expected: Vec<String> = (1..=6)
            .flat_map(|t| (1..=2).map(move |s| format!("task {t} : step {s}")))
            .collect();
        util::assert_same_lines(&expected, lines);
        for t in 1..=6 {
            let own = format!("task {t} : ");
            let mine: Vec<&String> =
                lines.iter().filter(|l| l.starts_with(&own)).collect();
            assert!(mine[0].ends_with("step 1"), "{heading} {mine:?}");
        }
    }
    // N:1: all twelve steps on the main thread, and no other thread of the
    // runtime's in the process.
    let n_to_1 = &report.doc["n_to_1"];
    assert_eq!(n_to_1["steps_by_thread"], serde_json::json!({"main": 12}));
    let threads = util::strings(&n_to_1["process_threads"]);
    assert!(
        !threads.iter().any(|t| t.starts_with("worker")),
        "{threads:?}"
    );
    // M:N: on the two workers only, never on main (which only waits in
    // block_on), and both workers exist.
    let m_to_n = &report.doc["m_to_n"];
    let steps = m_to_n["steps_by_thread"].as_object().expect("an object");
    assert!(
        steps.keys().all(|t| t == "worker 1" || t == "worker 2"),
        "{steps:?}"
    );
    assert_eq!(steps.values().filter_map(Value::as_u64).sum::<u64>(), 12);
    let threads = util::strings(&m_to_n["process_threads"]);
    for worker in ["main", "worker 1", "worker 2"] {
        assert!(threads.iter().any(|t| t == worker), "{threads:?}");
    }
    // Each runtime's tasks wait side by side: two steps' time each.
    report.assert_plan(2.0 * 2.0 * 500.0 * 0.1, 2.0 * 6.0 * 2.0 * 500.0 * 0.1);
    report.assert_near_ideal();
}

#[test]
fn one_worker_of_the_multi_thread_runtime_is_called_n_to_1() {
    let (report, _) = report(
        &[
            "--part",
            "runtimes",
            "--workers",
            "1",
            "--time-scale",
            "0.05",
        ],
        0,
    );
    let blocks = blocks(&report.lines());
    assert_eq!(
        blocks[1].0,
        "6 tasks on the multi-thread runtime, 1 worker (N:1):"
    );
    // Every step on the one worker: N tasks on one OS thread.
    assert_eq!(
        report.doc["m_to_n"]["steps_by_thread"],
        serde_json::json!({"worker 1": 12})
    );
}

// ---- blocking the executor -----------------------------------------------

#[test]
fn a_task_that_blocks_its_thread_holds_up_every_other_task_on_it() {
    let scale = 0.2;
    let (report, _) = report(
        &[
            "--part",
            "blocking",
            "--workers",
            "2",
            "--time-scale",
            &scale.to_string(),
        ],
        0,
    );
    let pause = 500.0 * scale;
    let took: BTreeMap<String, f64> =
        (report.doc["blocking"].as_array().expect("blocking"))
            .iter()
            .map(|way| {
                (
                    way["way"].as_str().expect("a way").to_owned(),
                    number(&way["elapsed_ms"]),
                )
            })
            .collect();
    // Blocked: the three in turn, the sum of the blocks. Fixed: side by
    // side, one task's time (rayon: its two threads, two rounds).
    for (way, rounds) in [
        ("thread::sleep", 3.0),
        ("tokio::time::sleep", 1.0),
        ("spawn_blocking", 1.0),
        ("CPU in the task", 3.0),
        ("CPU on rayon", 2.0),
    ] {
        let ms = took[way];
        assert!(
            ms >= rounds * pause && ms <= rounds * pause + TOLERANCE_MS,
            "{way}: {ms} ms, expected {} ms",
            rounds * pause
        );
    }
    // The blocked tasks' bars wait for each other; the awaiting ones overlap.
    let tasks = tasks(&report);
    let bars = |row: &str| -> Vec<(f64, f64)> {
        let mut bars: Vec<(f64, f64)> = (tasks.iter())
            .filter(|t| t.0.starts_with(row))
            .map(|t| (t.2, t.3))
            .collect();
        bars.sort_by(|a, b| a.0.total_cmp(&b.0));
        bars
    };
    let blocked = bars("sleeps ");
    assert_eq!(blocked.len(), 3);
    assert!(blocked.windows(2).all(|w| w[0].1 <= w[1].0), "{blocked:?}");
    let awaiting = bars("awaits ");
    assert_eq!(awaiting.len(), 3);
    assert!(awaiting[2].0 < awaiting[0].1, "{awaiting:?}");
    // One thread blocked in turn prints in the order the tasks were spawned.
    let lines = report.lines();
    let sleeps: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("thread::sleep"))
        .collect();
    assert_eq!(
        sleeps,
        [
            "thread::sleep : 1",
            "thread::sleep : 2",
            "thread::sleep : 3"
        ]
    );
    // reqwest's blocking client, called from a task: a debug build panics
    // (the lesson reports it as a line), a release build blocks instead.
    let client = lines.last().expect("a last line");
    if cfg!(debug_assertions) {
        assert_eq!(
            client,
            "reqwest::blocking in a task panicked: Cannot drop a runtime in a context \
             where blocking is not allowed. This happens when a runtime is dropped from \
             within an asynchronous context."
        );
    } else {
        assert!(
            client.ends_with("did not panic (a release build)"),
            "{client}"
        );
    }
}

// ---- the scraper ---------------------------------------------------------

/// Each page's count, by the page's name ("threads.html"), and the URLs.
fn counts(report: &Report) -> (BTreeMap<String, u64>, Vec<String>) {
    let pages = report.doc["pages"].as_array().expect("pages is an array");
    let mut counts = BTreeMap::new();
    let mut urls = Vec::new();
    for page in pages {
        let url = page["url"].as_str().expect("a url").to_owned();
        let name = url.rsplit('/').next().expect("a name");
        let name = name.split('?').next().unwrap_or_default().to_owned();
        let chars = page["chars"].as_u64().expect("a count");
        let before = counts.insert(name, chars);
        assert!(
            before.is_none_or(|b| b == chars),
            "{url}: {chars}, before {before:?}"
        );
        urls.push(url);
    }
    (counts, urls)
}

#[test]
fn the_async_scraper_counts_the_site_as_lesson_06_does() {
    let scale = SCALE.to_string();
    let threads =
        util::report(&bin("lesson-06-scraper"), &["--time-scale", &scale], 0);
    let (tasks, _) = report(&["--part", "scraper", "--time-scale", &scale], 0);
    let (ours, urls) = counts(&tasks);
    assert_eq!(ours, counts(&threads).0);
    assert_eq!(
        ours.values().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([136, 141, 176])
    );
    let lines = tasks.lines();
    let expected: Vec<String> =
        (tasks.doc["pages"].as_array().expect("pages").iter())
            .map(|p| {
                format!(
                    "Fetched {} characters from {}",
                    p["chars"],
                    p["url"].as_str().unwrap_or_default()
                )
            })
            .chain(["All web pages fetched".to_owned()])
            .collect();
    util::assert_same_lines(&expected, &lines);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("All web pages fetched")
    );
    assert_eq!(urls.len(), 3);
    // Three fetches at once: one latency.
    tasks.assert_plan(500.0 * SCALE, 3.0 * 500.0 * SCALE);
    tasks.assert_near_ideal();
}

#[test]
fn each_fetch_bar_is_named_after_its_page_not_the_sites_port() {
    let run = run(&["--part", "scraper", "--pages", "4", "--time-scale", "0.2"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = (run.stdout.lines())
        .filter(|l| l.starts_with("fetch "))
        .collect();
    assert_eq!(rows.len(), 4, "{}", run.stdout);
    for page in [
        "[threads.html",
        "[processes.html",
        "[pools.html",
        "[threads.html?copy=2",
    ] {
        assert!(rows.iter().any(|r| r.contains(page)), "{page}: {rows:#?}");
    }
}

#[test]
fn many_pages_of_the_site_are_fetched_in_rounds_of_the_limit() {
    let scale = 0.1;
    let (report, _) = report(
        &[
            "--part",
            "scraper",
            "--pages",
            "30",
            "--limit",
            "10",
            "--time-scale",
            &scale.to_string(),
        ],
        0,
    );
    let (counts, urls) = counts(&report);
    assert_eq!(urls.len(), 30);
    assert_eq!(urls.iter().collect::<BTreeSet<_>>().len(), 30, "{urls:?}");
    assert_eq!(counts.len(), 3, "{counts:?}");
    // 30 pages, 10 at a time: three latencies.
    let latency = 500.0 * scale;
    report.assert_plan(3.0 * latency, 30.0 * latency);
    report.assert_near_ideal();
}

#[test]
fn at_most_limit_fetches_are_under_way_at_once() {
    // The server counts the requests it is answering at once; each takes
    // 200 ms (its latency, not a wait for anything).
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (counting, highest) = (Arc::clone(&in_flight), Arc::clone(&peak));
    let server = TestServer::start(move |_| {
        let now = counting.fetch_add(1, Ordering::SeqCst) + 1;
        highest.fetch_max(now, Ordering::SeqCst);
        thread::sleep(Duration::from_millis(200));
        counting.fetch_sub(1, Ordering::SeqCst);
        html("<p>page</p>")
    });
    let urls: Vec<String> =
        (0..12).map(|n| server.url(&format!("/page{n}"))).collect();
    let mut args = vec!["--part", "scraper", "--limit", "3"];
    args.extend(urls.iter().map(String::as_str));
    let began = Instant::now();
    let (report, _) = report(&args, 0);
    let took = began.elapsed();
    assert_eq!(
        peak.load(Ordering::SeqCst),
        3,
        "the server's peak of requests at once"
    );
    // Twelve pages three at a time: four rounds at least.
    assert!(took >= Duration::from_millis(4 * 200), "took {took:?}");
    assert_eq!(report.lines().len(), 13, "{:?}", report.lines());
}

#[test]
fn each_failure_is_one_line_naming_the_url_and_its_cause() {
    // Lesson 06's failures, in lesson 06's words; one page of eight comes.
    let failing = Failing::start();
    let options = ["--part", "scraper", "--max-bytes", "100000"];
    let args = [&options[..], &failing.urls()].concat();
    let (report, stderr) = report(&args, 1);
    failing.assert_reported(LESSON, &report, &stderr);
}

#[test]
fn the_timeout_bounds_the_whole_fetch_even_for_a_trickling_body() {
    let silent = hostile(never_answer);
    let trickling = hostile(trickle);
    let stalling = hostile(stall);
    let began = Instant::now();
    let (report, stderr) = report(
        &[
            "--part",
            "scraper",
            "--timeout",
            "1",
            &silent,
            &trickling,
            &stalling,
        ],
        1,
    );
    let took = began.elapsed();
    for url in [&silent, &trickling, &stalling] {
        let expected =
            format!("{LESSON}: {url}: no complete answer within 1 s (--timeout)");
        assert!(
            stderr.lines().any(|l| l == expected),
            "{expected:?} in:\n{stderr}"
        );
    }
    // Dropping the fetch at its deadline cancels it, whatever the server
    // does: the three end together, at the deadline.
    assert!(took >= Duration::from_secs(1), "took {took:?}");
    assert!(took < Duration::from_millis(1800), "took {took:?}");
    assert_eq!(report.lines(), ["0 of 3 web pages fetched"]);
}

// ---- stops and bad options -----------------------------------------------

/// A server that accepts connections and never answers, counting the ones
/// the client still holds open (a read that ends means the client closed).
fn counting_silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a listener");
    let url = format!("http://{}/", listener.local_addr().expect("an address"));
    let open = Arc::new(AtomicUsize::new(0));
    let counting = Arc::clone(&open);
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let open = Arc::clone(&counting);
            open.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || {
                let mut sink = [0; 1024];
                while stream.read(&mut sink).is_ok_and(|n| n > 0) {}
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, open)
}

#[test]
fn ctrl_c_mid_fetch_cancels_every_fetch_and_closes_its_connection() {
    let (url, open) = counting_silent_server();
    let lesson = Running::start(
        &bin(LESSON),
        &["--part", "scraper", "--timeout", "60", &url, &url, &url],
    );
    let reached =
        wait_for(Duration::from_secs(10), || open.load(Ordering::SeqCst) >= 3);
    let began = Instant::now();
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    let took = began.elapsed();
    assert!(reached, "the three fetches never reached the server");
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(took < Duration::from_secs(3), "stopping took {took:?}");
    assert!(
        stopped
            .rest
            .iter()
            .any(|l| l == "interrupted: 0 tasks finished"),
        "{:?}",
        stopped.rest
    );
    assert!(!stopped.rest.iter().any(|l| l == "All web pages fetched"));
    // No socket outlives the lesson: the server sees every connection end.
    let closed =
        wait_for(Duration::from_secs(5), || open.load(Ordering::SeqCst) == 0);
    assert!(
        closed,
        "{} connections still open",
        open.load(Ordering::SeqCst)
    );
}

#[test]
fn ctrl_c_ends_the_tasks_waits_at_once() {
    // The cell: its next lines are 2 s away when the first arrives.
    let mut lesson = Running::start(&bin(LESSON), &["--part", "cell"]);
    let first = lesson.next_line().expect("a first line");
    assert!(first == "Number : 0" || first == "letter : a", "{first}");
    let began = Instant::now();
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(
        began.elapsed() < Duration::from_secs(1),
        "took {:?}",
        began.elapsed()
    );
    assert!(
        stopped.rest.iter().any(|l| l.starts_with("interrupted: ")),
        "{:?}",
        stopped.rest
    );
    // The waits: 2000 tasks that wait 20 s each, stopped once the runtime's
    // workers are there.
    let lesson = Running::start(
        &bin(LESSON),
        &["--part", "waits", "--tasks", "2000", "--time-scale", "20"],
    );
    let task_dir = format!("/proc/{}/task", lesson.pid);
    let worker_started = wait_for(Duration::from_secs(10), || {
        std::fs::read_dir(&task_dir).is_ok_and(|tasks| {
            tasks.flatten().any(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|c| c.trim() == "worker 1")
            })
        })
    });
    let began = Instant::now();
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    assert!(worker_started, "the runtime's workers never started");
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "took {:?}",
        began.elapsed()
    );
    assert!(
        !stopped.rest.iter().any(|l| l.ends_with("waited")),
        "{:?}",
        stopped.rest
    );
}

#[test]
fn bad_options_exit_with_status_2() {
    for args in [
        &["--tasks", "0"][..],
        &["--tasks", "100001"],
        &["--workers", "0"],
        &["--workers", "65"],
        &["--part", "everything"],
        &["--part", "scraper", "--limit", "0"],
        &["--part", "scraper", "--pages", "0"],
        &["--part", "scraper", "--pages", "10001"],
        &["--part", "scraper", "--timeout", "0"],
        &["--part", "scraper", "--timeout", "1e-12"],
        &["--part", "scraper", "--timeout", "0.0009"],
        &["--part", "scraper", "--max-bytes", "0"],
        &["--part", "scraper", "--pages", "5", "http://127.0.0.1/"],
        &["http://127.0.0.1/"],
        &["--part", "cell", "--limit", "3"],
        &["--part", "waits", "--pages", "30"],
    ] {
        let run = run(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_malformed_url_is_a_bad_argument_in_one_line_that_hides_a_password() {
    for url in [
        "not a url",
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "data:text/html,x",
        "http://127.0.0.1:99999/",
        "",
        "-",
        "http://",
        "http://[::1",
        "http://127.0.0.1:1/a\nb",
        "http://user:s3cret@127.0.0.1:99999/",
    ] {
        let run = run(&["--part", "scraper", "--", url]);
        assert_eq!(run.code, Some(2), "{url:?}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{url:?}: {}", run.stderr);
        assert!(
            lines[0].starts_with("error: invalid value \"")
                && lines[0].contains("for '[URL]...': "),
            "{url:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{url:?}: {}", run.stdout);
    }
}

#[test]
fn a_password_in_a_url_is_never_printed() {
    let refused = format!("http://user:s3cret@127.0.0.1:{}/", closed_port());
    let (report, stderr) = report(&["--part", "scraper", &refused], 1);
    let hidden = refused.replace("s3cret", "***");
    assert_eq!(
        stderr,
        format!(
            "{LESSON}: {hidden}: connection refused: nothing listens on that port\n"
        )
    );
    assert!(!report.doc.to_string().contains("s3cret"), "{}", report.doc);
}

// ---- open files and the default --limit ------------------------------------

#[test]
fn a_thousand_pages_hold_under_ulimit_n_1024_with_the_default_limit() {
    // Three open files per fetch of the site: all 1000 at once would need
    // 3000. The default limit fits; 50 at a time is 20 rounds of 50 ms.
    let run = with_ulimit(
        "-n 1024",
        &[
            "--part",
            "scraper",
            "--pages",
            "1000",
            "--time-scale",
            "0.1",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let lines = report.lines();
    assert_eq!(lines.len(), 1001, "{}", lines[1000..].join("\n"));
    assert_eq!(lines[1000], "All web pages fetched");
    report.assert_plan(20.0 * 50.0, 1000.0 * 50.0);
}

#[test]
fn a_limit_that_ulimit_n_cannot_hold_is_one_line_before_any_fetch() {
    let run = with_ulimit(
        "-n 1024",
        &["--part", "scraper", "--pages", "1000", "--limit", "1000"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!("{LESSON}: 1000 fetches at once (--limit)"))
            && lines[0].contains("ulimit -n allows 1024: give --limit "),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("Fetched"), "{}", run.stdout);
}

// ---- Ctrl-C while the OS threads start -------------------------------------

#[test]
fn ctrl_c_while_the_os_threads_start_ends_the_lesson_at_once() {
    // The tasks' waits take 0.5 s; then 10 000 threads start, which takes
    // seconds, and each waits 0.5 s.
    let lesson =
        Running::start(&bin(LESSON), &["--part", "waits", "--time-scale", "0.5"]);
    let status = format!("/proc/{}/status", lesson.pid);
    let threads = || {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        text.lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    // More threads than the runtime's workers: the spawning has begun.
    let spawning = wait_for(Duration::from_secs(20), || threads() > 200);
    let began = Instant::now();
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(20));
    let took = began.elapsed();
    assert!(spawning, "the OS threads never started");
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    // About 50 ms here; 1.4 s when the loop went on to start them all.
    assert!(
        took < Duration::from_millis(700),
        "took {took:?} after Ctrl-C"
    );
}

#[test]
fn one_wait_is_one_task_and_one_os_thread() {
    let (report, _) = report(
        &["--part", "waits", "--tasks", "1", "--time-scale", "0.05"],
        0,
    );
    util::assert_lines_eq(
        &["1 task waited".to_owned(), "1 OS thread waited".to_owned()],
        &report.lines(),
    );
}

// ---- clippy's word on a guard held across an await -------------------------

/// `lessons/09-async/lint/held_guard.rs` compiles, and clippy warns of its
/// guard exactly as the chapter shows (`make compile-fail-output` wrote
/// the file); the same code made to move between threads is in
/// compile_fail/, checked by tests/compile_fail.rs.
#[test]
fn clippy_warns_of_a_guard_held_across_an_await_as_the_chapter_shows() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/09-async/lint");
    let shown = std::fs::read_to_string(folder.join("held_guard.stderr"))
        .expect("the warning the chapter shows");
    let sysroot = util::run(Path::new("rustc"), &["--print", "sysroot"]);
    let clippy = Path::new(sysroot.stdout.trim()).join("bin/clippy-driver");
    let out = std::env::temp_dir()
        .join(format!("lesson-tests-lint-{}", std::process::id()));
    let mut command = util::command(
        &clippy,
        &[
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit",
            "metadata",
            "--out-dir",
        ],
    );
    command.arg(&out).arg("held_guard.rs").current_dir(&folder);
    let run = util::run_command(command);
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(run.code, Some(0), "it compiles: {}", run.stderr);
    util::assert_lines_eq(
        &shown.lines().map(str::to_owned).collect::<Vec<_>>(),
        &run.stderr.lines().map(str::to_owned).collect::<Vec<_>>(),
    );
    assert!(
        run.stderr.contains("clippy::await_holding_lock"),
        "{}",
        run.stderr
    );
}
