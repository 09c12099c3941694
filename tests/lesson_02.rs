//! Lesson 02: squares and cubes in two child processes, each with its own
//! PID and its own copy of the parent's counter, and nothing left running
//! afterwards.

use nix::sys::signal::Signal;

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

/// What each child's counter reaches: the sum of its results, added in its
/// own process (0 + 1 + 4 + 9 + 16 and 0 + 1 + 8 + 27 + 64).
fn counter_lines() -> [String; 2] {
    let squares: u32 = (0..5u32).map(|i| i * i).sum();
    let cubes: u32 = (0..5u32).map(|i| i.pow(3)).sum();
    [
        format!("squares: my counter is now {squares}"),
        format!("cubes: my counter is now {cubes}"),
    ]
}

#[test]
fn two_processes_overlap_and_each_keeps_its_order() {
    let (pid, report, _) =
        procs::report_with_pid(&bin(LESSON), &["--time-scale", &scale()], 0);
    let mut expected = vec![
        "parent: pid <pid>, parent pid <pid>, counter = 0".to_owned(),
        "squares: pid <pid>, parent pid <pid>".to_owned(),
        "cubes: pid <pid>, parent pid <pid>".to_owned(),
        "parent: counter is still 0".to_owned(),
    ];
    expected.extend(counter_lines());
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
    let child_pids: Vec<u32> = report
        .lines()
        .iter()
        .filter(|l| l.starts_with("squares: pid") || l.starts_with("cubes: pid"))
        .map(|l| pids_in(l)[0])
        .collect();
    assert_eq!(child_pids.len(), 2, "{:?}", report.lines());

    // The cubes' process is the busier: 5 x 1.5 s, against 5 x 1 s + 5 x 1.5 s
    // one after another.
    let ideal = 5.0 * 1500.0 * SCALE;
    let sequential = (5.0 * 1000.0 + 5.0 * 1500.0) * SCALE;
    report.assert_plan(ideal, sequential);
    report.assert_near_ideal();

    // The speedup comes from overlap: each process started its first task
    // before the other ended its last, so both ran at once in between.
    let tasks = report.tasks();
    let span = |worker: &str| {
        let mine = tasks.iter().filter(|t| t.0 == worker);
        let first_start = mine.clone().map(|t| t.2).fold(f64::INFINITY, f64::min);
        let last_end = mine.map(|t| t.3).fold(f64::NEG_INFINITY, f64::max);
        (first_start, last_end)
    };
    let (squares_span, cubes_span) =
        (span("process 1 (squares)"), span("process 2 (cubes)"));
    let latest_first_start = squares_span.0.max(cubes_span.0);
    let earliest_last_end = squares_span.1.min(cubes_span.1);
    assert!(
        latest_first_start < earliest_last_end,
        "the processes did not overlap: squares {squares_span:?} ms, cubes {cubes_span:?} ms"
    );

    // Both children were waited for, not left as zombies.
    procs::assert_none_left(pid, &child_pids);
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
    // The lesson's own parent is this test, which started it.
    assert_eq!(find("parent: pid"), [pid, std::process::id()]);
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
    // Each child's counter holds its own results, printed after its last.
    let [squares_counter, cubes_counter] = counter_lines();
    assert!(at(&squares_counter) > at("Square: 16"));
    assert!(at(&cubes_counter) > at("Cube: 64"));
    // The same COUNTER in the parent: 0 before the children, 0 after them.
    let first = lines.first().map(String::as_str).unwrap_or_default();
    assert!(first.starts_with("parent: pid "), "{first}");
    assert!(first.ends_with(", counter = 0"), "{first}");
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

/// `kill -STOP` of one child: the lesson must not wait for it for ever.
/// Left stopped for a second, it is killed and reaped, one line says so,
/// and the other child's results all arrive.
#[test]
fn a_child_stopped_from_outside_is_given_up_on_not_waited_for() {
    let mut lesson = Running::start(&bin(LESSON), &["--time-scale", "0.2"]);
    // The cubes child names its PID in its first line.
    let cubes = std::iter::from_fn(|| lesson.next_line())
        .find(|line| line.starts_with("cubes: pid "))
        .and_then(|line| pids_in(&line).first().copied())
        .expect("the cubes child's PID");
    let raw = nix::unistd::Pid::from_raw(i32::try_from(cubes).expect("a pid"));
    nix::sys::signal::kill(raw, Signal::SIGSTOP).expect("the child is stopped");
    let pid = lesson.pid;
    // The squares take 1 s at this scale; the stopped child costs 1 s more.
    let run = lesson.finish_within(std::time::Duration::from_secs(10));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end(),
        "lesson-02-processes: process 2 (cubes): stopped from outside (SIGSTOP) \
         and left stopped for 1 s: killed"
    );
    let printed: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let got: Vec<String> = (printed.iter())
        .filter(|l| l.starts_with("Square: "))
        .cloned()
        .collect();
    assert_lines_eq(&squares(), &got);
    procs::assert_none_left(pid, &[cubes]);
}

#[test]
fn a_bad_child_name_is_a_usage_error() {
    let run = util::run(&bin(LESSON), &["--fail-child", "quartics"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--fail-child"), "{}", run.stderr);
}

#[test]
fn ctrl_c_stops_both_children_and_exits_130() {
    let (lesson, running) = start_and_wait_for_a_result();
    procs::assert_stops_cleanly(lesson, &running, Signal::SIGINT);
}

#[test]
fn sigterm_or_sighup_to_the_group_stops_both_children_without_a_failure() {
    // `timeout`, `kill -TERM -<group>` and a closed terminal reach the
    // children too; they leave the stopping to the parent, so no child is
    // reported as failed.
    for signal in [Signal::SIGTERM, Signal::SIGHUP] {
        let (lesson, running) = start_and_wait_for_a_result();
        procs::assert_stops_cleanly(lesson, &running, signal);
    }
}

/// Starts the lesson at scale 0.2, so that it is still running when a test
/// acts, and waits for its first result, when both children are running;
/// returns it and their PIDs.
fn start_and_wait_for_a_result() -> (Running, Vec<u32>) {
    let mut lesson = Running::start(&bin(LESSON), &["--time-scale", "0.2"]);
    let first = std::iter::from_fn(|| lesson.next_line())
        .find(|line| line.starts_with("Square:") || line.starts_with("Cube:"));
    assert!(first.is_some(), "no result before the end");
    let running = procs::started_by(lesson.pid);
    assert_eq!(running.len(), 2, "children: {running:?}");
    (lesson, running)
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
