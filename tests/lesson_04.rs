//! Lesson 04: a pool of worker processes. The results, the time against the
//! plan for several pool sizes, the order of `as_completed` and `map`, a
//! crash the pool recovers from, a task that kills every worker, a stopped
//! worker and a stopped pool, and no worker left running after any of it.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

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

    let mut worker_pids = pids(&report);
    assert_eq!(worker_pids.len(), workers, "one process per worker");
    // A PID listed twice would be one process counted as two workers.
    worker_pids.sort_unstable();
    worker_pids.dedup();
    assert_eq!(worker_pids.len(), workers, "distinct processes");
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

/// A run with task 1 three times as long as the others (`--slow-task 1`):
/// it ends a round or two after tasks 2 to 5, so the order results complete
/// in is not the order they were submitted in, on every run.
fn slow_first_task(extra: &[&str]) -> util::Report {
    let mut args = vec!["--time-scale", "0.05", "--slow-task", "1"];
    args.extend_from_slice(extra);
    let (pid, report, _) = procs::report_with_pid(&bin(LESSON), &args, 0);
    // Task 1 takes 3 rounds on worker 1; the others fill the rounds beside
    // it: 16 rounds of work on 3 workers, 6 rounds.
    report.assert_plan(6.0 * TASK_MS * SCALE, 16.0 * TASK_MS * SCALE);
    report.assert_near_ideal();
    procs::assert_none_left(pid, &pids(&report));
    report
}

#[test]
fn as_completed_prints_each_result_when_it_arrives() {
    let report = slow_first_task(&[]);
    let mut tasks = report.tasks();
    tasks.sort_by(|a, b| a.3.total_cmp(&b.3));
    let by_end: Vec<String> = tasks.into_iter().map(|task| task.1).collect();
    assert_lines_eq(&by_end, &report.lines());
    // The slow task came late: the order differs from the submitted one.
    let first_four = &report.lines()[..4];
    assert!(
        !first_four.contains(&"Square: 1".to_owned()),
        "{first_four:?}"
    );
}

#[test]
fn map_gives_the_results_in_input_order() {
    // Task 1 ends after tasks 2 to 5, yet its result comes first.
    let report = slow_first_task(&["--map"]);
    assert_lines_eq(&squares(), &report.lines());
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
fn a_task_number_out_of_range_is_a_usage_error_that_names_the_range() {
    for option in ["--crash-task", "--poison-task", "--slow-task"] {
        for bad in ["0", "15", "-3"] {
            let run = util::run(&bin(LESSON), &[option, bad]);
            assert_eq!(run.code, Some(2), "{option} {bad}: {}", run.stderr);
            let range = format!("{bad} is not in 1..=14");
            assert!(
                run.stderr.contains(&range),
                "{option} {bad}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn the_timeline_ends_a_lost_task_where_its_worker_died() {
    let args = ["--time-scale", "0.05", "--crash-task", "5"];
    let run =
        Running::start(&bin(LESSON), &args).finish_within(Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // "... task 5 (number 5) was lost: worker 2 (pid 123) died ..."
    let (_, after) = run.stderr.split_once("was lost: ").expect("a notice");
    let (dead, _) = after.split_once(" (pid").expect("the worker's name");
    let row = (run.stdout.lines())
        .find(|line| line.starts_with(&format!("{dead}  ")))
        .unwrap_or_else(|| panic!("no row for {dead}:\n{}", run.stdout));
    assert!(row.ends_with('X'), "{}", run.stdout);
    assert!(
        run.stdout.contains("[--X a task lost with its worker"),
        "{}",
        run.stdout
    );
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
    let (lesson, running) = start_pool_and_wait_for_a_result();
    let pid = lesson.pid;
    let frozen = Pid::from_raw(i32::try_from(running[0]).expect("a pid fits"));
    signal::kill(frozen, Signal::SIGSTOP).expect("the worker is stopped");
    let run = lesson.finish_within(Duration::from_secs(10));
    let results: Vec<&str> = (run.stdout.lines())
        .filter(|line| line.starts_with("Square: "))
        .collect();
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
fn a_pool_stopped_and_resumed_with_its_workers_replaces_none() {
    // Ctrl-Z stops the whole job, the lesson and its workers, and `fg`
    // resumes it; the clock runs on meanwhile. A stop longer than a task's
    // deadline (2 x 400 ms + 1 s) must not make the pool blame a worker.
    let (lesson, running) = start_pool_and_wait_for_a_result();
    let pid = lesson.pid;
    let group = Pid::from_raw(i32::try_from(pid).expect("a pid fits"));
    signal::killpg(group, Signal::SIGSTOP).expect("the group is stopped");
    let everyone: Vec<u32> = running.iter().copied().chain([pid]).collect();
    let began = Instant::now();
    while !everyone.iter().all(|&p| procs::state(p) == Some('T')) {
        assert!(began.elapsed() < Duration::from_secs(5), "not all stopped");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The stop is the stimulus: it lasts longer than the deadline.
    std::thread::sleep(Duration::from_millis(2500));
    signal::killpg(group, Signal::SIGCONT).expect("the group is resumed");
    let run = lesson.finish_within(Duration::from_secs(10));
    let rest: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let results = rest.iter().filter(|l| l.starts_with("Square: ")).count();
    assert_eq!(results, NUMBERS.len() - 1, "{rest:?}");
    assert!(!run.stderr.contains("did not answer"), "{}", run.stderr);
    assert!(!run.stderr.contains("lost"), "{}", run.stderr);
    let rows: Vec<&&str> =
        rest.iter().filter(|l| l.starts_with("worker ")).collect();
    assert_eq!(rows.len(), 3, "no worker was replaced: {rows:?}");
    procs::assert_none_left(pid, &running);
}

#[test]
fn the_first_ctrl_c_kills_busy_workers_at_once() {
    // At scale 0.5 a task takes 1 s, and right after the first results
    // every worker is a second from its next answer. The pool waits for
    // events; the kit kills the workers on the first Ctrl-C, their pipes
    // end, and that wakes the pool. Without that kill the pool would hear
    // of the stop only at the next answer, a second later.
    let mut lesson = Running::start(&bin(LESSON), &["--time-scale", "0.5"]);
    let first = first_line_within(&mut lesson, Duration::from_secs(20));
    assert!(
        first.is_some_and(|l| l.starts_with("Square: ")),
        "no result"
    );
    let running = procs::started_by(lesson.pid);
    let pid = lesson.pid;
    let began = Instant::now();
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    let took = began.elapsed();
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(took < Duration::from_millis(500), "stopped after {took:?}");
    procs::assert_none_left(pid, &running);
}

#[test]
fn the_plain_example_squares_every_number_on_three_workers() {
    let mut command = util::command(&util::example("plain-04"), &[]);
    let child = command
        .env("LESSON_TIME_SCALE", "0.05")
        .spawn()
        .expect("it starts");
    let out = util::wait_within(child, Duration::from_secs(30)).expect("it ends");
    let run = util::Run::from(out);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let took = lines.pop().expect("a last line");
    assert_same_lines(&squares(), &lines);
    // Five rounds of 100 ms, not fourteen.
    let seconds: f64 = (took
        .strip_prefix("took ")
        .and_then(|t| t.strip_suffix(" s")))
    .and_then(|t| t.parse().ok())
    .unwrap_or_else(|| panic!("not a time: {took:?}"));
    let ideal = 5.0 * TASK_MS * SCALE / 1000.0;
    assert!(seconds >= ideal, "{seconds} s, below {ideal} s");
    assert!(seconds < ideal + util::TOLERANCE_MS / 1000.0, "{seconds} s");
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
    let first = first_line_within(&mut lesson, Duration::from_secs(20));
    assert!(
        first.is_some_and(|l| l.starts_with("Square: ")),
        "no first result"
    );
    let running = procs::started_by(lesson.pid);
    assert_eq!(running.len(), 3, "workers: {running:?}");
    // The kernel's view: each worker is a child of the lesson itself.
    for &worker in &running {
        assert_eq!(parent_of(worker), Some(lesson.pid), "worker {worker}");
    }
    (lesson, running)
}

/// A process's parent PID, from `/proc/PID/stat` (the field after the state).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after) = stat.rsplit_once(')')?;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// The lesson's next line, waiting at most `limit`: a lesson that prints
/// nothing by then is killed, which ends its output, so that a hung pool
/// fails the test instead of hanging it.
fn first_line_within(lesson: &mut Running, limit: Duration) -> Option<String> {
    let (done, read) = mpsc::channel::<()>();
    let group = Pid::from_raw(i32::try_from(lesson.pid).expect("a pid fits"));
    let watchdog = std::thread::spawn(move || {
        // Dropping `done` (the line came) ends the wait early, without a kill.
        if read.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout) {
            let _ = signal::killpg(group, Signal::SIGKILL);
        }
    });
    let line = lesson.next_line();
    drop(done);
    let _ = watchdog.join();
    line
}
