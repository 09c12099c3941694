//! Lesson 02: squares and cubes in two child processes, each with its own
//! PID and its own copy of the parent's counter, and nothing left running
//! afterwards.

use crate::procs::{self, normalise_pids, pids_in};
use crate::util::{self, Running, SCALE, assert_lines_eq, assert_same_lines, bin};

const LESSON: &str = "lesson-02-processes";

fn scale() -> String {
    SCALE.to_string()
}

fn squares() -> Vec<String> {
    (0..5u32).map(|i| format!("Square: {}", i * i)).collect()
}

fn cubes() -> Vec<String> {
    (0..5u32).map(|i| format!("Cube: {}", i.pow(3))).collect()
}

#[test]
fn two_processes_overlap_and_each_keeps_its_order() {
    let (pid, report, _) =
        procs::report_with_pid(&bin(LESSON), &["--time-scale", &scale()], 0);
    let mut expected = vec![
        "parent: pid <pid>, counter = 0".to_owned(),
        "squares: pid <pid>, parent pid <pid>".to_owned(),
        "cubes: pid <pid>, parent pid <pid>".to_owned(),
        "squares: my counter is now 30".to_owned(),
        "cubes: my counter is now 100".to_owned(),
        "parent: counter is still 0".to_owned(),
    ];
    expected.extend(squares());
    expected.extend(cubes());
    let lines: Vec<String> =
        report.lines().iter().map(|l| normalise_pids(l)).collect();
    assert_same_lines(&expected, &lines);

    // Each process's results arrive in its own order, under its own row.
    let by_worker = report.by_worker();
    assert_lines_eq(&squares(), &by_worker["process 1 (squares)"]);
    assert_lines_eq(&cubes(), &by_worker["process 2 (cubes)"]);
    assert_eq!(by_worker.len(), 2, "{by_worker:?}");

    // The cubes' process is the busier: 5 x 1.5 s, against 5 x 1 s + 5 x 1.5 s
    // one after another.
    let ideal = 5.0 * 1500.0 * SCALE;
    let sequential = (5.0 * 1000.0 + 5.0 * 1500.0) * SCALE;
    assert!((report.ms("ideal_ms") - ideal).abs() < 1e-6);
    assert!((report.ms("sequential_ms") - sequential).abs() < 1e-6);
    report.assert_near_ideal();
    let speedup = sequential / report.ms("elapsed_ms");
    assert!(
        speedup > sequential / (ideal + util::TOLERANCE_MS),
        "speedup {speedup}"
    );

    procs::assert_none_left(pid, &[]);
}

#[test]
fn each_child_has_its_own_pid_and_the_lesson_as_parent() {
    let (pid, report, _) =
        procs::report_with_pid(&bin(LESSON), &["--time-scale", &scale()], 0);
    let lines = report.lines();
    let find = |prefix: &str| -> Vec<u32> {
        let line = lines.iter().find(|l| l.starts_with(prefix));
        pids_in(line.unwrap_or_else(|| panic!("no {prefix:?} line in {lines:?}")))
    };
    assert_eq!(find("parent: pid"), [pid]);
    let squares = find("squares: pid");
    let cubes = find("cubes: pid");
    assert_eq!(squares[1], pid, "the squares' parent is the lesson");
    assert_eq!(cubes[1], pid, "the cubes' parent is the lesson");
    assert!(squares[0] != pid && cubes[0] != pid && squares[0] != cubes[0]);
    procs::assert_none_left(pid, &[squares[0], cubes[0]]);
}

#[test]
fn a_child_changes_its_own_copy_of_the_counter_only() {
    let report = util::report(&bin(LESSON), &["--time-scale", &scale()], 0);
    let lines = report.lines();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("no {line:?} in {lines:?}"))
    };
    // 0 + 1 + 4 + 9 + 16 and 0 + 1 + 8 + 27 + 64, each after its last result.
    assert!(at("squares: my counter is now 30") > at("Square: 16"));
    assert!(at("cubes: my counter is now 100") > at("Cube: 64"));
    assert_eq!(
        lines.last().map(String::as_str),
        Some("parent: counter is still 0")
    );
}

#[test]
fn a_failing_child_is_reported_and_the_other_finishes() {
    let args = ["--time-scale", &scale(), "--fail-child", "cubes"];
    let (pid, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 1);
    let errors = util::strings(&report.doc["errors"]);
    assert_eq!(
        errors,
        ["process 2 (cubes) failed: exit status 3"],
        "{stderr}"
    );
    let by_worker = report.by_worker();
    assert_lines_eq(&squares(), &by_worker["process 1 (squares)"]);
    assert_lines_eq(&cubes()[..2], &by_worker["process 2 (cubes)"]);
    procs::assert_none_left(pid, &[]);
}

#[test]
fn a_bad_child_name_is_a_usage_error() {
    let run = util::run(&bin(LESSON), &["--fail-child", "quartics"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--fail-child"), "{}", run.stderr);
}

#[test]
fn ctrl_c_stops_both_children_and_exits_130() {
    // A slower scale, so that the run is still going when the signal lands.
    let mut lesson = Running::start(&bin(LESSON), &["--time-scale", "0.2"]);
    let pid = lesson.pid;
    // The first result means both children are running.
    let first = std::iter::from_fn(|| lesson.next_line())
        .find(|line| line.starts_with("Square:") || line.starts_with("Cube:"));
    assert!(first.is_some(), "no result before the end");
    let running = procs::started_by(pid);
    assert_eq!(running.len(), 2, "children: {running:?}");
    procs::assert_ctrl_c_leaves_nothing(lesson, &running);
}

#[test]
fn the_spawn_cost_example_measures_a_thread_and_a_process() {
    let run = util::run(&util::example("spawn_cost"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let micros = |prefix: &str| -> f64 {
        let line = run.stdout.lines().find(|l| l.starts_with(prefix));
        let line = line.unwrap_or_else(|| panic!("no {prefix:?} in {}", run.stdout));
        let number = line.trim_end_matches(" us").rsplit(' ').next();
        number
            .and_then(|n| n.parse().ok())
            .expect("a number of microseconds")
    };
    let (thread, process) = (
        micros("thread  spawn + join:"),
        micros("process spawn + wait:"),
    );
    assert!(
        thread > 0.0 && process > thread,
        "thread {thread} us, process {process} us"
    );
}
