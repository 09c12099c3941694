//! Lesson 04: a pool of worker processes. The results, the time against the
//! plan for several pool sizes, a crash the pool recovers from, a task that
//! kills every worker, and no worker left running after any of it.

use std::collections::BTreeMap;
use std::time::Duration;

use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;

use crate::procs;
use crate::util::{self, Running, SCALE, assert_lines_eq, assert_same_lines, bin};

const LESSON: &str = "lesson-04-processpool";
const NUMBERS: [u64; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 2, 3, 12, 14];
/// Each task's sleep at scale 1.
const TASK_MS: f64 = 2000.0;

fn squares() -> Vec<String> {
    NUMBERS
        .iter()
        .map(|n| format!("Square: {}", n * n))
        .collect()
}

fn scale() -> String {
    SCALE.to_string()
}

fn pids(report: &util::Report) -> Vec<u32> {
    let pids = report.doc["worker_pids"].as_array().expect("worker_pids");
    let pid = |p: &serde_json::Value| p.as_u64().and_then(|p| u32::try_from(p).ok());
    pids.iter().map(|p| pid(p).expect("a pid")).collect()
}

/// Runs the pool with `workers` and checks the results and the time: 14
/// equal tasks on `workers` workers take ceil(14 / workers) rounds.
fn check_pool_size(workers: usize) {
    let args = ["--time-scale", &scale(), "--workers", &workers.to_string()];
    let (pid, report, _) = procs::report_with_pid(&bin(LESSON), &args, 0);
    assert_same_lines(&squares(), &report.lines());
    let rounds = NUMBERS.len().div_ceil(workers) as f64;
    let ideal = rounds * TASK_MS * SCALE;
    let sequential = NUMBERS.len() as f64 * TASK_MS * SCALE;
    report.assert_plan(ideal, sequential);
    report.assert_near_ideal();
    assert_all_workers_ran_at_once(&report, workers);

    let worker_pids = pids(&report);
    assert_eq!(worker_pids.len(), workers, "one process per worker");
    assert!(!worker_pids.contains(&pid), "a worker is the lesson");
    let rows = report.by_worker();
    assert_eq!(rows.len(), workers, "{rows:?}");
    // Every worker was reaped, not only stopped.
    procs::assert_none_left(pid, &worker_pids);
}

/// The speedup comes from overlap: the first task of each worker (there are
/// at least as many tasks as workers) started before any of them ended, so
/// at that instant `workers` tasks ran at the same time.
fn assert_all_workers_ran_at_once(report: &util::Report, workers: usize) {
    let mut firsts: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (worker, _, start, end) in report.tasks() {
        let first = firsts.entry(worker).or_insert((start, end));
        if start < first.0 {
            *first = (start, end);
        }
    }
    assert_eq!(firsts.len(), workers, "{firsts:?}");
    let latest_start = firsts.values().map(|t| t.0).fold(f64::MIN, f64::max);
    let earliest_end = firsts.values().map(|t| t.1).fold(f64::MAX, f64::min);
    assert!(
        latest_start < earliest_end,
        "the first tasks of {workers} workers did not all overlap (ms): {firsts:?}"
    );
}

#[test]
fn three_workers_square_fourteen_numbers_in_five_rounds() {
    check_pool_size(3);
}

#[test]
fn one_worker_takes_as_long_as_running_them_in_turn() {
    check_pool_size(1);
}

#[test]
fn five_workers_take_three_rounds() {
    check_pool_size(5);
}

#[test]
fn map_gives_the_results_in_input_order() {
    let report = util::report(&bin(LESSON), &["--time-scale", &scale(), "--map"], 0);
    assert_lines_eq(&squares(), &report.lines());
    report.assert_near_ideal();
}

#[test]
fn a_pool_size_out_of_range_is_a_usage_error() {
    for bad in ["0", "65", "three", "-1"] {
        let run = util::run(&bin(LESSON), &["--workers", bad]);
        assert_eq!(run.code, Some(2), "--workers {bad}: {}", run.stderr);
        assert!(run.stderr.contains("--workers"), "{}", run.stderr);
    }
}

#[test]
fn a_crashed_worker_is_replaced_and_its_task_run_again() {
    let args = ["--time-scale", &scale(), "--crash-task", "5"];
    let (pid, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 0);
    assert_same_lines(&squares(), &report.lines());
    let recovered = util::strings(&report.doc["recovered"]);
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    assert!(
        recovered[0].contains("task 5 (number 5) was lost"),
        "{recovered:?}"
    );
    assert!(recovered[0].contains("SIGABRT"), "{recovered:?}");
    assert!(
        stderr.contains(&recovered[0]),
        "the notice is on stderr: {stderr}"
    );
    assert_eq!(pids(&report).len(), 4, "three workers and one replacement");
    assert!(util::strings(&report.doc["errors"]).is_empty());
    procs::assert_none_left(pid, &pids(&report));
}

#[test]
fn a_poisoned_task_is_given_up_and_the_rest_still_arrive() {
    let args = ["--time-scale", &scale(), "--poison-task", "5"];
    let (pid, report, _) = procs::report_with_pid(&bin(LESSON), &args, 1);
    // A crash costs no sleep, only the start of a new worker (milliseconds):
    // the 13 tasks that do sleep still need the plan's five rounds on three
    // workers (ceil(13 / 3) = 5), and no more. So the run ends near the
    // ideal, not a deadline or a hang later.
    report.assert_near_ideal();
    let mut expected = squares();
    expected.retain(|line| line != "Square: 25");
    assert_same_lines(&expected, &report.lines());
    let errors = util::strings(&report.doc["errors"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("task 5 (number 5) failed"),
        "{errors:?}"
    );
    assert!(errors[0].contains("giving up"), "{errors:?}");
    // Two recoveries, then the third death gives up.
    assert_eq!(util::strings(&report.doc["recovered"]).len(), 2);
    procs::assert_none_left(pid, &pids(&report));
}

#[test]
fn ctrl_c_stops_the_pool_and_leaves_no_worker() {
    let (lesson, running) = start_pool_and_wait_for_a_result();
    procs::assert_stops_cleanly(lesson, &running, Signal::SIGINT);
}

#[test]
fn sigterm_to_the_group_stops_the_pool_without_losing_a_task() {
    // `timeout`, `kill -TERM -<group>` and a closed terminal (SIGHUP) reach
    // the workers too. They must leave the stopping to the pool: a worker
    // killed first would be a task "lost" and run again. The race is short,
    // so it is given a few chances.
    for signal in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGTERM] {
        let (lesson, running) = start_pool_and_wait_for_a_result();
        procs::assert_stops_cleanly(lesson, &running, signal);
    }
}

#[test]
fn a_worker_that_stops_answering_is_replaced() {
    // SIGSTOP freezes a worker mid-task: it neither answers nor dies. The
    // pool's deadline for a task is twice its time plus a second (here
    // 2 x 400 ms + 1 s), after which it kills the worker and runs the task
    // again on a new one.
    let (mut lesson, running) = start_pool_and_wait_for_a_result();
    let pid = lesson.pid;
    let frozen = Pid::from_raw(i32::try_from(running[0]).expect("a pid fits"));
    signal::kill(frozen, Signal::SIGSTOP).expect("the worker is stopped");
    let mut results = vec![];
    while let Some(line) = lesson.next_line() {
        if line.starts_with("Square: ") {
            results.push(line);
        }
    }
    let run = lesson.finish_within(Duration::from_secs(10));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // One result was read before the worker was stopped.
    assert_eq!(results.len(), NUMBERS.len() - 1, "{results:?}");
    assert!(
        run.stderr.contains("did not answer within 1.80 s"),
        "{}",
        run.stderr
    );
    procs::assert_none_left(pid, &running);
}

#[test]
fn workers_die_with_a_killed_pool() {
    // SIGKILL gives the lesson no chance to clean up: the workers must go
    // on their own (the parent-death signal on Linux, else their stdin).
    let (lesson, running) = start_pool_and_wait_for_a_result();
    let pid = lesson.pid;
    // The lesson's stdout stays open until it is gone: a closed stdout
    // would end it early, on its own terms.
    let stopped = lesson.signal_and_wait(Signal::SIGKILL, Duration::from_secs(1));
    assert_eq!(stopped.code, None, "killed by a signal, no exit code");
    assert!(
        procs::all_stop_within(&running, Duration::from_secs(2)),
        "workers outlived their pool: {:?}",
        procs::started_by(pid)
    );
}

/// Starts the pool at scale 0.2 (each task 400 ms) and waits for its first
/// result, when all three workers are running; returns it and their PIDs.
fn start_pool_and_wait_for_a_result() -> (Running, Vec<u32>) {
    let mut lesson = Running::start(&bin(LESSON), &["--time-scale", "0.2"]);
    let first = lesson.next_line();
    assert!(
        first.is_some_and(|l| l.starts_with("Square: ")),
        "no first result"
    );
    let running = procs::started_by(lesson.pid);
    assert_eq!(running.len(), 3, "workers: {running:?}");
    (lesson, running)
}
