//! lesson-01-threads: the same nine lines from two threads that overlap,
//! in about the time of the longer one; and its three examples.

use crate::util::{self, SCALE, TOLERANCE_MS, bin, example};

fn scale() -> String {
    SCALE.to_string()
}

fn run_lesson() -> util::Report {
    util::report(&bin("lesson-01-threads"), &["--time-scale", &scale()], 0)
}

/// Thread 1 (spawned first) printed the numbers, thread 2 the letters,
/// each in order.
fn assert_one_function_per_thread(report: &util::Report) {
    let workers = report.by_worker();
    let names: Vec<&String> = workers.keys().collect();
    assert_eq!(names, ["thread 1", "thread 2"], "{workers:?}");
    util::assert_lines_eq(&util::number_lines(), &workers["thread 1"]);
    util::assert_lines_eq(&util::letter_lines(), &workers["thread 2"]);
}

#[test]
fn prints_every_line_once_in_order_within_each_thread() {
    let report = run_lesson();
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_same_lines(&expected, &report.lines());
    assert_one_function_per_thread(&report);
}

#[test]
fn takes_as_long_as_the_busier_thread() {
    let report = run_lesson();
    // The letters thread sleeps 5 x 2 s; everything in turn is 9 x 2 s.
    let (ideal, sequential) = (5.0 * 2000.0 * SCALE, 9.0 * 2000.0 * SCALE);
    report.assert_plan(ideal, sequential);
    report.assert_near_ideal();
}

#[test]
fn the_threads_overlap_in_time() {
    let report = run_lesson();
    let tasks = report.tasks();
    let span = |worker: &str| {
        let mine = tasks.iter().filter(|t| t.0 == worker);
        let start = mine.clone().map(|t| t.2).fold(f64::INFINITY, f64::min);
        let end = mine.map(|t| t.3).fold(0.0, f64::max);
        (start, end)
    };
    let workers: Vec<String> = report.by_worker().into_keys().collect();
    let (a, b) = (span(&workers[0]), span(&workers[1]));
    // Both threads start within the first pause, long before either ends.
    let pause = 2000.0 * SCALE;
    assert!(a.0 < pause && b.0 < pause, "late starts: {a:?} {b:?}");
    assert!(a.0.max(b.0) < a.1.min(b.1), "no overlap: {a:?} {b:?}");
}

#[test]
fn is_faster_than_lesson_00_by_nearly_the_ideal_factor() {
    let sequential =
        util::report(&bin("lesson-00-sequential"), &["--time-scale", &scale()], 0);
    let threaded = run_lesson();
    let speedup = sequential.ms("elapsed_ms") / threaded.ms("elapsed_ms");
    // Ideal: 18 s / 10 s = 1.8. Lesson 00 takes at least 900 ms and lesson
    // 01 at most 500 + TOLERANCE_MS, so anything below that bound is a bug.
    let floor = 9.0 * 2000.0 * SCALE / (5.0 * 2000.0 * SCALE + TOLERANCE_MS);
    assert!(
        speedup >= floor,
        "speedup {speedup:.2}, expected at least {floor:.2}"
    );
    // Neither run can beat its ideal, so 1.8 can only be exceeded by lesson
    // 00's own lateness.
    let ceiling = (9.0 * 2000.0 * SCALE + TOLERANCE_MS) / (5.0 * 2000.0 * SCALE);
    assert!(
        speedup <= ceiling,
        "speedup {speedup:.2} beats the ideal 1.8 by too much"
    );
}

#[test]
fn the_timeline_shows_two_overlapping_rows() {
    let run = util::run(&bin("lesson-01-threads"), &["--time-scale", &scale()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("thread "))
        .collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    // Rows in spawn order: the numbers thread, then the letters thread.
    assert!(rows[0].starts_with("thread 1") && rows[1].starts_with("thread 2"));
    let bars: Vec<usize> = rows.iter().map(|r| r.matches('[').count()).collect();
    assert_eq!(bars, [4, 5], "{}", run.stdout);
    // Both rows start their first bar at the same time, within a column (a
    // thread may wait a few milliseconds for a core): side by side.
    let starts: Vec<usize> = rows.iter().filter_map(|r| r.find('[')).collect();
    assert_eq!(starts.len(), 2, "{}", run.stdout);
    assert!(starts[0].abs_diff(starts[1]) <= 1, "{}", run.stdout);
}

#[test]
fn join_hands_back_each_threads_value() {
    let report =
        util::report(&example("join_value"), &["--time-scale", &scale()], 0);
    let lines = report.lines();
    // 0 + 1 + 2 + 3 = 6, and the letters in the order the thread saw them.
    assert_eq!(
        lines.last().map(String::as_str),
        Some("the threads returned 6 and \"abcde\"")
    );
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_same_lines(&expected, &lines[..lines.len() - 1]);
    report.assert_near_ideal();
}

#[test]
fn scoped_threads_borrow_and_give_back_local_data() {
    let report = util::report(&example("scoped"), &["--time-scale", &scale()], 0);
    let lines = report.lines();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("still here: [0, 1, 2, 3], \"abcde\", 5 letters printed")
    );
    // Every line before it, each thread's in its own order.
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_same_lines(&expected, &lines[..lines.len() - 1]);
    let in_order = |prefix: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.starts_with(prefix))
            .cloned()
            .collect()
    };
    util::assert_lines_eq(&util::number_lines(), &in_order("Number"));
    util::assert_lines_eq(&util::letter_lines(), &in_order("letter"));
    report.assert_near_ideal();
}

#[test]
fn joining_inside_the_loop_runs_the_threads_one_after_another() {
    let report =
        util::report(&example("join_in_loop"), &["--time-scale", &scale()], 0);
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_lines_eq(&expected, &report.lines());
    // Nothing overlaps, so it takes all nine pauses, not the ideal five.
    let sequential = 9.0 * 2000.0 * SCALE;
    let elapsed = report.ms("elapsed_ms");
    assert!(elapsed >= sequential, "{elapsed} ms < {sequential} ms");
    assert!(elapsed <= sequential + TOLERANCE_MS, "{elapsed} ms");
    let tasks = report.tasks();
    let last_number = tasks.iter().find(|t| t.1 == "Number : 3").map(|t| t.3);
    let first_letter = tasks.iter().find(|t| t.1 == "letter : a").map(|t| t.2);
    assert!(
        last_number <= first_letter,
        "letters began before numbers ended"
    );
}
