//! Lesson 07: a queue shared by worker threads. Every item processed once
//! whatever the mix of items and workers, in order within each worker; the
//! time near the pool's ideal, and the sequential time with `--hold-lock`;
//! the plain and crossbeam examples; bad values and Ctrl-C.

use std::time::Duration;

use nix::sys::signal::Signal;

use crate::plain::{self, Plain};
use crate::procs;
use crate::util::{
    self, Report, Running, SCALE, TOLERANCE_MS, assert_lines_eq, assert_same_lines,
    bin,
};

const LESSON: &str = "lesson-07-queue";
/// Each item's work at scale 1.
const WORK_MS: f64 = 200.0;
/// The scale of the timing tests: 50 ms per item, so that the ideal of 10
/// items on 4 workers (150 ms) plus the tolerance still ends well before
/// the sequential time (500 ms) that the held lock gives.
const TIMING_SCALE: f64 = 0.25;
/// No run of this lesson in these tests takes more than a second or two:
/// past this, it hangs.
const LIMIT: Duration = Duration::from_secs(20);

/// Runs the lesson with `--json` and `args`, at most [`LIMIT`], and checks
/// that it exited with 0.
fn report(args: &[&str]) -> Report {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = Running::start(&bin(LESSON), &all).finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{all:?}\nstderr:\n{}", run.stderr);
    Report::parse(&run.stdout)
}

/// "Processed 0" .. "Processed n-1", the lines the notebook's cell prints.
fn processed(items: usize) -> Vec<String> {
    (0..items).map(|i| format!("Processed {i}")).collect()
}

/// Runs `items` items on `workers` workers and checks that each item was
/// processed exactly once, that each worker took its items in queue order,
/// and the plan's figures.
fn check_every_item_once(items: usize, workers: usize, extra: &[&str]) -> Report {
    let (n, w, scale) = (items.to_string(), workers.to_string(), SCALE.to_string());
    let mut args = vec!["--items", &n, "--workers", &w, "--time-scale", &scale];
    args.extend_from_slice(extra);
    let report = report(&args);
    assert_same_lines(&processed(items), &report.lines());
    // The tasks' labels are the items, once each: none done twice.
    let labels: Vec<String> = report.tasks().into_iter().map(|t| t.1).collect();
    let numbers: Vec<String> = (0..items).map(|i| i.to_string()).collect();
    assert_same_lines(&numbers, &labels);
    assert_in_queue_order_per_worker(&report);

    let rows = report.by_worker();
    assert!(rows.len() <= workers, "{rows:?}");
    if items == 0 {
        assert!(report.doc["ideal_ms"].is_null(), "{}", report.doc);
        assert!(report.doc["sequential_ms"].is_null(), "{}", report.doc);
    } else {
        let rounds = items.div_ceil(workers) as f64;
        let scale = SCALE * WORK_MS;
        report.assert_plan(rounds * scale, items as f64 * scale);
    }
    report
}

/// A worker takes items from the front of one queue, so the items it gets
/// come in the order they were put on it: increasing, within each worker.
fn assert_in_queue_order_per_worker(report: &Report) {
    for (worker, labels) in report.by_worker() {
        let items: Vec<u32> = labels
            .iter()
            .map(|l| l.parse().expect("a task's label is its item"))
            .collect();
        assert!(
            items.is_sorted(),
            "{worker} took its items out of queue order: {items:?}"
        );
    }
}

#[test]
fn ten_items_on_four_workers_are_each_processed_once() {
    check_every_item_once(10, 4, &[]);
}

#[test]
fn one_worker_takes_every_item_in_order() {
    let report = check_every_item_once(10, 1, &[]);
    // One worker, so the queue's order is the printed order too.
    assert_lines_eq(&processed(10), &report.lines());
}

#[test]
fn several_mixes_of_items_and_workers_process_each_item_once() {
    for (items, workers) in [(1, 1), (1, 4), (25, 3), (7, 2), (64, 64)] {
        check_every_item_once(items, workers, &[]);
    }
}

#[test]
fn more_workers_than_items_finish_with_the_items() {
    // 3 items on 8 workers: one round; five workers find the queue closed
    // and drained and end at once instead of waiting.
    let report = check_every_item_once(3, 8, &[]);
    report.assert_near_ideal();
}

#[test]
fn no_items_end_at_once_and_cleanly() {
    for workers in ["1", "4", "64"] {
        // At full scale: a worker that waited for an item, or slept once,
        // would take 200 ms.
        let report = report(&["--items", "0", "--workers", workers]);
        assert!(report.lines().is_empty(), "{:?}", report.lines());
        assert!(report.tasks().is_empty(), "{:?}", report.tasks());
        let elapsed = report.ms("elapsed_ms");
        assert!(elapsed < 100.0, "{workers} workers took {elapsed} ms");
    }
    check_every_item_once(0, 4, &[]);
}

#[test]
fn four_workers_share_the_items_in_the_ideal_three_rounds() {
    let scale = TIMING_SCALE.to_string();
    let report = report(&["--time-scale", &scale]);
    let item = WORK_MS * TIMING_SCALE;
    report.assert_plan(3.0 * item, 10.0 * item);
    report.assert_near_ideal();
    // The ideal needs every worker: each took items, and their first ones
    // ran at the same time.
    let tasks = report.tasks();
    let rows = report.by_worker();
    assert_eq!(rows.len(), 4, "{rows:?}");
    let firsts: Vec<&(String, String, f64, f64)> = rows
        .keys()
        .filter_map(|worker| {
            let mine = tasks.iter().filter(|t| &t.0 == worker);
            mine.min_by(|a, b| a.2.total_cmp(&b.2))
        })
        .collect();
    let latest_start = firsts.iter().map(|t| t.2).fold(f64::MIN, f64::max);
    let earliest_end = firsts.iter().map(|t| t.3).fold(f64::MAX, f64::min);
    assert!(latest_start < earliest_end, "no overlap: {firsts:?}");
}

#[test]
fn holding_the_lock_while_working_makes_four_workers_one() {
    let scale = TIMING_SCALE.to_string();
    let report = report(&["--time-scale", &scale, "--hold-lock"]);
    // The plan is the pool's; the run falls to the sequential time.
    let item = WORK_MS * TIMING_SCALE;
    let sequential = 10.0 * item;
    report.assert_plan(3.0 * item, sequential);
    let elapsed = report.ms("elapsed_ms");
    assert!(elapsed >= sequential, "{elapsed} ms < {sequential} ms");
    assert!(
        elapsed <= sequential + TOLERANCE_MS,
        "{elapsed} ms, more than {TOLERANCE_MS} ms over {sequential} ms"
    );
    // One item at a time: each task starts after the one before it ended,
    // whichever worker ran it.
    let mut tasks = report.tasks();
    tasks.sort_by(|a, b| a.2.total_cmp(&b.2));
    for pair in tasks.windows(2) {
        assert!(pair[1].2 >= pair[0].3, "tasks overlap: {pair:?}");
    }
    // So the items come out in the queue's order, all of them.
    assert_lines_eq(&processed(10), &report.lines());
}

#[test]
fn holding_the_lock_still_processes_each_item_once() {
    for (items, workers) in [(0, 4), (5, 1), (3, 8)] {
        check_every_item_once(items, workers, &["--hold-lock"]);
    }
}

#[test]
fn the_timeline_has_a_row_per_worker_even_an_idle_one() {
    let scale = SCALE.to_string();
    for hold in [false, true] {
        let mut args =
            vec!["--items", "3", "--workers", "6", "--time-scale", &scale];
        if hold {
            args.push("--hold-lock");
        }
        let run = Running::start(&bin(LESSON), &args).finish_within(LIMIT);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let rows: Vec<&str> = (run.stdout.lines())
            .filter(|l| l.starts_with("thread "))
            .collect();
        // A row per worker, but idle workers side by side share one line:
        // "thread 4-6  idle".
        let mut numbers = Vec::new();
        for row in &rows {
            let name = row.split_whitespace().nth(1).unwrap_or_default();
            let (from, to) = name.split_once('-').unwrap_or((name, name));
            let (from, to): (u32, u32) =
                (from.parse().unwrap(), to.parse().unwrap());
            if from != to {
                assert!(row.ends_with("idle"), "{row}");
            }
            numbers.extend(from..=to);
        }
        assert_eq!(numbers, (1..=6).collect::<Vec<_>>(), "{}", run.stdout);
        let bars: usize = rows.iter().map(|r| r.matches('[').count()).sum();
        assert_eq!(bars, 3, "{}", run.stdout);
    }
}

#[test]
fn bad_values_are_usage_errors_naming_the_option() {
    for (option, bad) in [
        ("--items", "-1"),
        ("--items", "1001"),
        ("--items", "ten"),
        ("--workers", "0"),
        ("--workers", "65"),
        ("--workers", "-4"),
        ("--workers", "four"),
    ] {
        util::usage_error(&bin(LESSON), &[option, bad], option);
    }
}

/// The crossbeam example, as the plain one: every item once, the time
/// scale taken from `LESSON_TIME_SCALE`, and its time, three rounds, on its
/// last line.
#[test]
fn the_crossbeam_example_prints_every_item_once_in_three_rounds() {
    plain::check(&Plain {
        name: "crossbeam",
        groups: (0..10).map(|n| vec![format!("Processed {n}")]).collect(),
        ideal_ms: 3.0 * WORK_MS,
    });
}

#[test]
fn ctrl_c_stops_every_worker_with_or_without_the_held_lock() {
    for hold in [false, true] {
        // 40 items: 2 s at full time with 4 workers, 8 s holding the lock.
        let mut args = vec!["--items", "40"];
        if hold {
            args.push("--hold-lock");
        }
        let mut lesson = Running::start(&bin(LESSON), &args);
        let first = lesson.next_line();
        assert!(
            first
                .as_deref()
                .is_some_and(|l| l.starts_with("Processed ")),
            "no first line: {first:?}"
        );
        // No child processes: a thread lesson only has to stop itself.
        procs::assert_stops_cleanly(lesson, &[], Signal::SIGINT);
    }
}

#[test]
fn an_interrupted_run_prints_no_more_than_it_finished() {
    let mut lesson = Running::start(&bin(LESSON), &["--items", "40"]);
    let mut printed = vec![lesson.next_line().expect("a first line")];
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    printed.extend(stopped.rest.iter().take_while(|l| !l.is_empty()).cloned());
    assert!(
        printed.iter().all(|l| l.starts_with("Processed ")),
        "{printed:?}"
    );
    // Items cut short are not finished. An item can finish and still not
    // be printed: its result reached the main thread after the Ctrl-C.
    let finished: usize = (stopped.rest.iter())
        .find_map(|l| l.strip_prefix("interrupted: "))
        .and_then(|l| l.strip_suffix(" of 40 tasks finished"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of finished tasks: {:?}", stopped.rest));
    assert!(
        (printed.len()..40).contains(&finished),
        "{finished} finished, {} printed",
        printed.len()
    );
}
