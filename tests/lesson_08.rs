//! Lesson 08: the primes below a bound, counted six ways. Every way gives
//! the count of an independent sieve, for bounds at and around the edges;
//! the chunks are handed out the costliest (the last) first, or first to
//! last with `--in-order`; the default chunks follow the threads, and what
//! they allow is counted in divisions, the same on every run; threads and
//! rayon beat one thread on two cores or more; bad values are usage errors
//! that name the limit; a count that differs fails the run; Ctrl-C stops
//! every method promptly, whatever the chunks; rayon's threads start only
//! for rayon; no worker process is left behind.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::procs;
use crate::util::{self, Running, assert_lines_eq, bin};

const LESSON: &str = "lesson-08-rayon";

/// The methods, in the order the lesson runs them, as it names them.
const METHODS: [&str; 6] = [
    "sequential",
    "scope threads",
    "rayon, chunks",
    "rayon, numbers",
    "rayon, one per task",
    "processes",
];

/// The primes below `bound`, by the sieve of Eratosthenes: not the
/// lesson's trial division, so a shared mistake cannot hide.
fn sieve(bound: u64) -> u64 {
    let bound = usize::try_from(bound).expect("a small bound");
    let mut prime = vec![true; bound];
    let mut count = 0;
    for n in 2..bound {
        if prime[n] {
            count += 1;
            (n * n..bound).step_by(n).for_each(|m| prime[m] = false);
        }
    }
    count
}

/// Each method's (name, count, speedup over sequential) from the report.
fn methods(report: &util::Report) -> Vec<(String, u64, f64)> {
    let rows = report.doc["methods"].as_array().expect("methods");
    rows.iter()
        .map(|row| {
            let name = row["method"].as_str().expect("a name").to_owned();
            let primes = row["primes"].as_u64().expect("a count");
            (name, primes, row["speedup"].as_f64().unwrap_or(f64::NAN))
        })
        .collect()
}

fn pids(report: &util::Report) -> Vec<u32> {
    let pids = report.doc["worker_pids"].as_array().expect("worker_pids");
    pids.iter()
        .map(|p| {
            p.as_u64()
                .and_then(|p| u32::try_from(p).ok())
                .expect("a pid")
        })
        .collect()
}

/// The line a method prints, as the lesson lays it out.
fn line(method: &str, primes: u64, bound: u64) -> String {
    format!("{:<20} {primes} primes below {bound}", format!("{method}:"))
}

#[test]
fn every_method_counts_what_a_sieve_counts() {
    // Empty, below the first prime, at and beside primes (97, 7919) and
    // squares of primes (49, 121), with chunks of one number, uneven
    // chunks, and one chunk for all.
    let runs: [(u64, Option<u64>); 13] = [
        (0, None),
        (1, None),
        (2, None),
        (3, None),
        (4, None),
        (49, Some(1)),
        (50, Some(7)),
        (97, None),
        (98, Some(97)),
        (121, Some(10)),
        (122, None),
        (7919, Some(1000)),
        (7920, Some(7920)),
    ];
    for (bound, chunk) in runs {
        let (bound_text, chunk_text) =
            (bound.to_string(), chunk.unwrap_or(1).to_string());
        let mut args = vec!["--bound", &bound_text, "--threads", "2"];
        if chunk.is_some() {
            args.extend(["--chunk", &chunk_text]);
        }
        let (pid, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 0);
        let expected = sieve(bound);
        let got = methods(&report);
        let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(names, METHODS, "below {bound}");
        for (name, primes, _) in &got {
            assert_eq!(*primes, expected, "{name}, below {bound}: {stderr}");
        }
        let lines: Vec<String> =
            METHODS.iter().map(|m| line(m, expected, bound)).collect();
        assert_lines_eq(&lines, &report.lines());
        // The pool's workers were reaped, and nothing else is left running.
        procs::assert_none_left(pid, &pids(&report));
    }
}

#[test]
fn the_chunks_are_handed_out_costliest_first_unless_in_order() {
    // One thread, one worker process: each takes the chunks one after
    // another, in exactly the order they are handed out.
    let base = ["--bound", "8000", "--chunk", "1000", "--threads", "1"];
    let last_to_first = ["8", "7", "6", "5", "4", "3", "2", "1"];
    let first_to_last = ["1", "2", "3", "4", "5", "6", "7", "8"];
    for (extra, order, expected) in [
        (None, "costliest first", last_to_first),
        (Some("--in-order"), "first to last", first_to_last),
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra).collect();
        let (_, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 0);
        assert_eq!(report.doc["order"], order, "{args:?}: {stderr}");
        let mut tasks = report.tasks();
        tasks.sort_by(|a, b| a.2.total_cmp(&b.2));
        for worker in ["main", "thread 1", "rayon 1", "worker 1"] {
            let labels: Vec<&str> = (tasks.iter())
                .filter(|t| t.0 == worker)
                .map(|t| t.1.as_str())
                .collect();
            // The sequential run keeps the numbers' order: its times are
            // the chunks' costs, whatever the others do.
            let expected = if worker == "main" {
                first_to_last
            } else {
                expected
            };
            assert_eq!(labels, expected, "{worker}, {args:?}");
        }
        // One worker: every order ends at the total, the core count's 1x.
        for best in ["best_in_order", "best_costliest_first", "best_any_order"] {
            let x = report.doc[best].as_f64().expect(best);
            assert!((x - 1.0).abs() < 1e-9, "{best}: {x}");
        }
    }
}

#[test]
fn threads_and_rayon_count_on_both_cores_and_beat_one_thread() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        println!("skipped the parallel checks: {cores} core");
        return;
    }
    // Large enough that the work (a fraction of a second on one thread in a
    // debug build) dwarfs starting threads.
    let args = ["--bound", "1000000", "--threads", "2"];
    let run = || procs::report_with_pid(&bin(LESSON), &args, 0).1;
    let report = run();
    // The threads really ran at once: chunks on both overlap in time.
    for (first, second) in [("thread 1", "thread 2"), ("rayon 1", "rayon 2")] {
        let tasks = report.tasks();
        let on = |name: &str| -> Vec<(f64, f64)> {
            (tasks.iter().filter(|t| t.0 == name))
                .map(|t| (t.2, t.3))
                .collect()
        };
        let overlap = (on(first).iter())
            .any(|a| on(second).iter().any(|b| a.0 < b.1 && b.0 < a.1));
        assert!(
            overlap,
            "no chunks of {first} and {second} overlap: {tasks:?}"
        );
    }
    // The time they save depends on cores nobody else is using: a busy
    // machine (other tests, other builds) takes them, so the speedups are
    // checked only when it is not, against a wide margin (two cores give up
    // to 2x; rayon's one-task-per-number variant pays for its tasks and is
    // not held to it), and each method's best of three runs counts.
    let load = std::fs::read_to_string("/proc/loadavg").ok();
    let load: f64 = load
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::MAX);
    if load >= (cores - 1) as f64 {
        println!("skipped the speedup check: load {load:.1} on {cores} cores");
        return;
    }
    let parallel = ["scope threads", "rayon, chunks", "rayon, numbers"];
    let mut best = [0.0_f64; 3];
    for report in std::iter::once(report).chain(std::iter::repeat_with(run).take(2))
    {
        for (name, _, speedup) in methods(&report) {
            if let Some(at) = parallel.iter().position(|p| *p == name) {
                best[at] = best[at].max(speedup);
            }
        }
        if best.iter().all(|&x| x > 1.2) {
            return;
        }
    }
    panic!("best speedups on {cores} cores, {parallel:?}: {best:.2?}");
}

#[test]
fn bad_values_are_usage_errors_that_name_the_limit() {
    let cases: [(&[&str], &str); 9] = [
        (&["--threads", "0"], "--threads"),
        (&["--threads", "65"], "1..=64"),
        (&["--threads", "-1"], "1..=64"),
        (&["--threads", "many"], "--threads"),
        (&["--bound", "20000001"], "0..=20000000"),
        (&["--bound", "-5"], "--bound"),
        (&["--chunk", "0"], "--chunk"),
        (&["--bound", "20000000", "--chunk", "1"], "10000 chunks"),
        (&["--only", "everything"], "possible values"),
    ];
    for (args, names) in cases {
        util::usage_error(&bin(LESSON), args, names);
    }
}

#[test]
fn a_count_that_differs_fails_the_run() {
    let args = ["--bound", "1000", "--miscount", "processes"];
    let (_, report, _) = procs::report_with_pid(&bin(LESSON), &args, 1);
    let errors = util::strings(&report.doc["errors"]);
    assert_eq!(
        errors,
        ["processes counted 169 primes below 1000, sequential 168"],
        "{errors:?}"
    );
}

#[test]
fn ctrl_c_stops_every_method_promptly_and_leaves_no_worker() {
    // A bound that keeps each method alone busy for seconds; with the
    // default chunks (a few per thread), and with chunks of 2000 numbers,
    // too small to hold a multiple of 4096: every chunk left after Ctrl-C
    // must end at once, not only those that happen to hold one.
    let small = ["scope-threads", "rayon-chunks", "sequential"];
    let runs = METHOD_OPTIONS
        .iter()
        .map(|&m| (m, None))
        .chain(small.iter().map(|&m| (m, Some("2000"))));
    for (method, chunk) in runs {
        let mut args =
            vec!["--bound", "10000000", "--threads", "2", "--only", method];
        args.extend(chunk.iter().flat_map(|&c| ["--chunk", c]));
        let lesson = Running::start(&bin(LESSON), &args);
        let began = Instant::now();
        while !working(lesson.pid, method, 2) {
            assert!(
                began.elapsed() < Duration::from_secs(20),
                "{args:?}: not started: {:?}",
                thread_names(lesson.pid)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let running = procs::started_by(lesson.pid);
        procs::assert_stops_cleanly(lesson, &running, Signal::SIGINT);
    }
}

#[test]
fn only_the_rayon_methods_start_rayon_s_threads() {
    // Under a limit on threads, a pool nobody uses could only fail the run.
    let args = [
        "--bound",
        "10000000",
        "--threads",
        "3",
        "--only",
        "processes",
    ];
    let lesson = Running::start(&bin(LESSON), &args);
    let began = Instant::now();
    while !working(lesson.pid, "processes", 3) {
        assert!(began.elapsed() < Duration::from_secs(20), "not started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let names = thread_names(lesson.pid);
    let running = procs::started_by(lesson.pid);
    procs::assert_stops_cleanly(lesson, &running, Signal::SIGINT);
    assert!(
        !names.iter().any(|n| n.starts_with("rayon ")),
        "rayon's threads in a run without rayon: {names:?}"
    );
}

/// The methods as `--only` names them, in the order the lesson runs them.
const METHOD_OPTIONS: [&str; 6] = [
    "sequential",
    "scope-threads",
    "rayon-chunks",
    "rayon-numbers",
    "rayon-one-per-task",
    "processes",
];

/// Whether the lesson `pid`, run with `--only method` on `threads`, has
/// reached its method: Ctrl-C's handler waits (the kit's `ctrl-c` thread),
/// and the method's threads or processes run.
fn working(pid: u32, method: &str, threads: usize) -> bool {
    let names = thread_names(pid);
    let named = |wanted: &dyn Fn(&str) -> bool| {
        names.iter().filter(|n| wanted(n.as_str())).count()
    };
    let ready = named(&|n| n == "ctrl-c") == 1;
    ready
        && match method {
            "sequential" => true,
            // Unnamed threads bear the program's name, as main does.
            "scope-threads" => named(&|n| n == LESSON) > threads,
            "processes" => procs::started_by(pid).len() >= threads,
            _ => named(&|n| n.starts_with("rayon ")) >= threads,
        }
}

/// The names of the threads of the process `pid`, from /proc.
fn thread_names(pid: u32) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    (tasks.flatten())
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim_end().to_owned())
        .collect()
}

/// The divisions trial division makes for `n`, counted while making them:
/// the lesson's `is_prime` again, with a counter (by 2, then by 3, 5, ...).
fn divisions_made(n: u64) -> u64 {
    if n < 2 {
        return 0;
    }
    if n.is_multiple_of(2) {
        return 1;
    }
    let (mut made, mut divisor) = (1, 3);
    while divisor * divisor <= n {
        made += 1;
        if n.is_multiple_of(divisor) {
            break;
        }
        divisor += 2;
    }
    made
}

/// When the last of `threads` ends, each taking the next cost when free.
fn last_end(costs: impl Iterator<Item = u64>, threads: usize) -> u64 {
    let mut free_at = vec![0; threads];
    for cost in costs {
        *free_at.iter_mut().min().expect("a thread") += cost;
    }
    free_at.into_iter().max().unwrap_or(0)
}

/// The lines that say what the chunks allow, from a run without `--json`.
fn allow_line(stdout: &str) -> String {
    let lines: Vec<&str> = stdout.lines().collect();
    let at = (lines
        .iter()
        .position(|l| l.starts_with("on ") && l.contains("allow")))
    .unwrap_or_else(|| panic!("no line of what the chunks allow: {stdout}"));
    lines[at..=at + 1].join("\n")
}

#[test]
fn what_the_chunks_allow_is_counted_in_divisions_not_timed() {
    let (bound, threads): (u64, usize) = (300_000, 3);
    let args = [
        "--bound",
        "300000",
        "--threads",
        "3",
        "--only",
        "sequential",
    ];
    let report = util::report(&bin(LESSON), &args, 0);
    let chunks = report.doc["chunks"].as_u64().expect("chunks");
    let size = report.doc["chunk"].as_u64().expect("chunk");
    assert_eq!(chunks, bound.div_ceil(size));
    // The default: whole chunks per thread, enough for 97% of the threads.
    assert_eq!(chunks % threads as u64, 0, "{chunks} chunks");
    let costs: Vec<u64> = (0..chunks)
        .map(|i| {
            (i * size..((i + 1) * size).min(bound))
                .map(divisions_made)
                .sum()
        })
        .collect();
    let total: u64 = costs.iter().sum();
    let speedup = |end: u64| total as f64 / end as f64;
    let costliest = *costs.iter().max().expect("a chunk");
    let expected = [
        (
            "best_in_order",
            speedup(last_end(costs.iter().copied(), threads)),
        ),
        (
            "best_costliest_first",
            speedup(last_end(costs.iter().rev().copied(), threads)),
        ),
        ("best_any_order", (threads as f64).min(speedup(costliest))),
    ];
    for (field, wanted) in expected {
        let got = report.doc[field].as_f64().expect(field);
        assert!((got - wanted).abs() < 1e-9, "{field}: {got}, not {wanted}");
    }
    assert!(expected[1].1 >= 0.97 * threads as f64, "{expected:?}");
    // Not a timing: two runs print the same line, with these figures.
    let text_args = [&args[..], &["--no-timeline"]].concat();
    let line = allow_line(&util::run(&bin(LESSON), &text_args).stdout);
    assert_eq!(
        line,
        allow_line(&util::run(&bin(LESSON), &text_args).stdout)
    );
    let figures = format!(
        "on 3 threads, the {chunks} chunks allow {:.2}x first to last, \
         {:.2}x costliest first,\nand at most {:.2}x in any order \
         (this run: costliest first)",
        expected[0].1, expected[1].1, expected[2].1
    );
    assert_eq!(line, figures);
}

#[test]
fn eight_threads_get_chunks_enough_for_eight_even_on_fewer_cores() {
    // The default bound, 2 million: what the chunks allow is about them
    // and the threads, not about the cores this machine has.
    let args = ["--threads", "8", "--only", "sequential"];
    let report = util::report(&bin(LESSON), &args, 0);
    let allowed = report.doc["best_costliest_first"]
        .as_f64()
        .expect("a figure");
    let chunks = report.doc["chunks"].as_u64().expect("chunks");
    assert!(
        allowed >= 7.0,
        "{chunks} chunks allow {allowed:.2}x on 8 threads"
    );
    assert_eq!(chunks % 8, 0, "{chunks} chunks for 8 threads");
}

#[test]
fn one_thread_and_one_chunk_are_singular() {
    let args = ["--bound", "1000", "--threads", "1", "--no-timeline"];
    let run = util::run(&bin(LESSON), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("(1 thread, "), "{}", run.stdout);
    assert!(
        allow_line(&run.stdout).starts_with("on 1 thread, the 1 chunk allows 1.00x"),
        "{}",
        run.stdout
    );
    for plural in ["1 threads", "1 chunks", "1 cores"] {
        assert!(!run.stdout.contains(plural), "{plural}: {}", run.stdout);
    }
}

#[test]
fn the_plain_example_counts_the_same_on_one_thread_and_with_rayon() {
    let mut command = util::command(&util::example("plain-08"), &["200000"]);
    let child = command.spawn().expect("it starts");
    let out = util::wait_within(child, Duration::from_secs(30)).expect("it ends");
    let run = util::Run::from(out);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("one thread: 17984 primes below 200000 in "),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("rayon:      17984 primes below 200000 in "),
        "{lines:?}"
    );
    assert!(lines[2].starts_with("speedup "), "{lines:?}");
}

#[test]
fn the_chapter_s_chunk_figures_are_what_the_lesson_works_out_now() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let read = |path: &str| {
        std::fs::read_to_string(format!("{dir}{path}"))
            .unwrap_or_else(|err| panic!("{path}: {err}"))
    };
    // The recorded runs' last line, for the threads each ran on.
    for (path, bound) in [
        ("lessons/08-rayon/output.txt", "200000"),
        ("lessons/08-rayon/release.txt", "2000000"),
    ] {
        let text = read(path);
        let ideal = (text.lines())
            .find_map(|l| l.strip_prefix("ideal: "))
            .unwrap_or_else(|| panic!("{path}: no ideal line"));
        let threads = (ideal.split_once('(').and_then(|(_, t)| t.split_once(' ')))
            .map(|(n, _)| n)
            .unwrap_or_else(|| panic!("{path}: {ideal}"));
        let args = [
            "--bound",
            bound,
            "--threads",
            threads,
            "--only",
            "sequential",
        ];
        let run = util::run(&bin(LESSON), &[&args[..], &["--no-timeline"]].concat());
        assert_eq!(allow_line(&text), allow_line(&run.stdout), "{path}");
    }
    // The chapter's table of the default chunks below 2 million.
    let chapter = read("docs/src/08-rayon.md");
    let rows: Vec<Vec<&str>> = (chapter.lines())
        .skip_while(|l| !l.starts_with("| `--threads` | default chunks"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert!(rows.len() >= 4, "the table: {rows:?}");
    for row in rows {
        let args = ["--threads", row[0], "--only", "sequential"];
        let report = util::report(&bin(LESSON), &args, 0);
        let figure = |field: &str| {
            format!("{:.2}x", report.doc[field].as_f64().unwrap_or(0.0))
        };
        let now = [
            row[0].to_owned(),
            report.doc["chunks"].to_string(),
            figure("best_in_order"),
            figure("best_costliest_first"),
        ];
        assert_eq!(row, now, "the chapter's row against the lesson's figures");
    }
}

#[test]
fn the_release_run_in_the_chapter_has_the_lines_the_lesson_prints() {
    // The docs test checks `output.txt` against a fresh run; this run, a
    // release build at the default bound, would take seconds in a debug
    // build, so its lines are checked against the lesson's layout (which
    // the test above checks against the lesson) and the sieve's count.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/08-rayon/release.txt");
    let text = std::fs::read_to_string(path).expect("the chapter's release run");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("$ cargo run --release -p lesson-08-rayon")
    );
    let recorded: Vec<String> = lines
        .take_while(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let bound = 2_000_000;
    let expected: Vec<String> = METHODS
        .iter()
        .map(|m| line(m, sieve(bound), bound))
        .collect();
    assert_lines_eq(&expected, &recorded);
}
