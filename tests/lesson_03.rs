//! lesson-03-threadpool: 13 tasks on a pool of threads. The results in
//! input order (map) or in the order they end (as-completed), the time
//! against the plan for several pool sizes, a panicking task that is
//! reported rather than waited for, Ctrl-C, and the two examples.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::util::{self, Running, SCALE, TOLERANCE_MS, bin, example};

const LESSON: &str = "lesson-03-threadpool";
const NUMBERS: [u64; 13] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3];
/// Each task's sleep at scale 1, and the one `--slow-task` picks.
const TASK_MS: f64 = 1000.0;
const SLOW_TASK_MS: f64 = 3000.0;
/// Longer than any run here takes, even on a busy machine: a run that
/// reaches it has hung (a collector waiting for a result that never comes).
const LIMIT: Duration = Duration::from_secs(10);

/// "Number :1" .. "Number :3": the notebook's lines, in input order.
fn number_lines() -> Vec<String> {
    NUMBERS.iter().map(|n| format!("Number :{n}")).collect()
}

fn scale() -> String {
    SCALE.to_string()
}

/// Runs a program with `--json` and `args`, within [`LIMIT`], checks its
/// exit code and returns its report and its stderr.
fn report_within(
    program: &Path,
    args: &[&str],
    code: i32,
) -> (util::Report, String) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = Running::start(program, &all).finish_within(LIMIT);
    assert_eq!(run.code, Some(code), "{all:?}\nstderr:\n{}", run.stderr);
    (util::Report::parse(&run.stdout), run.stderr)
}

fn run_lesson(args: &[&str], code: i32) -> (util::Report, String) {
    report_within(&bin(LESSON), args, code)
}

/// "pool thread 1" .. "pool thread N": the timeline's rows for a pool of N
/// threads (the kit numbers threads that share a name; one keeps it).
fn pool_threads(workers: usize) -> BTreeSet<String> {
    if workers == 1 {
        return BTreeSet::from(["pool thread".to_owned()]);
    }
    (1..=workers).map(|n| format!("pool thread {n}")).collect()
}

/// The workers that ran a task, as named in the report.
fn workers_used(report: &util::Report) -> BTreeSet<String> {
    report.tasks().into_iter().map(|task| task.0).collect()
}

/// The end time (ms) of the task behind each printed line, in the order
/// printed. Labels repeat (1, 2 and 3 appear twice), so each line takes
/// the earliest-ending task with its label not yet taken.
fn end_times_in_print_order(report: &util::Report) -> Vec<f64> {
    let mut tasks = report.tasks();
    tasks.sort_by(|a, b| a.3.total_cmp(&b.3));
    let mut taken = vec![false; tasks.len()];
    let mut ends = Vec::new();
    for line in report.lines() {
        let found = (0..tasks.len()).find(|&i| !taken[i] && tasks[i].1 == line);
        let i = found.unwrap_or_else(|| panic!("no task printed {line:?}"));
        taken[i] = true;
        ends.push(tasks[i].3);
    }
    ends
}

/// Where `line` was first printed.
fn first_position(lines: &[String], line: &str) -> usize {
    lines
        .iter()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} not printed: {lines:?}"))
}

/// Runs a pool of `workers` and checks the results, the plan and the time:
/// 13 one-second tasks take ceil(13 / workers) rounds, on `workers` rows.
fn check_pool_size(workers: usize) {
    let args = ["--time-scale", &scale(), "--workers", &workers.to_string()];
    let (report, _) = run_lesson(&args, 0);
    util::assert_lines_eq(&number_lines(), &report.lines());
    let rounds = NUMBERS.len().div_ceil(workers) as f64;
    let sequential = NUMBERS.len() as f64 * TASK_MS * SCALE;
    report.assert_plan(rounds * TASK_MS * SCALE, sequential);
    report.assert_near_ideal();
    assert_eq!(workers_used(&report), pool_threads(workers));
    assert_eq!(report.doc["panic_count"], 0);
}

#[test]
fn one_thread_takes_all_thirteen_seconds() {
    check_pool_size(1);
}

#[test]
fn three_threads_take_five_rounds() {
    check_pool_size(3);
}

#[test]
fn five_threads_take_three_rounds() {
    check_pool_size(5);
}

#[test]
fn map_prints_in_input_order_even_when_a_task_ends_late() {
    // Task 1 takes three rounds: tasks 2 to 7 end before it, and map
    // still prints it first.
    let (report, _) = run_lesson(&["--time-scale", &scale(), "--slow-task", "1"], 0);
    util::assert_lines_eq(&number_lines(), &report.lines());
    let tasks = report.tasks();
    let end = |label: &str| tasks.iter().find(|t| t.1 == label).map(|t| t.3);
    assert!(
        end("Number :5") < end("Number :1"),
        "task 1 was not slow: {tasks:?}"
    );
    // The slow task runs on one thread while the two others take the
    // short ones: still five rounds.
    let sequential = (12.0 * TASK_MS + SLOW_TASK_MS) * SCALE;
    report.assert_plan(5.0 * TASK_MS * SCALE, sequential);
    report.assert_near_ideal();
}

#[test]
fn as_completed_prints_each_result_as_its_task_ends() {
    // A larger scale than the other tests: the check below allows two
    // results that end close together to swap, by under half a round.
    let scale = 0.1;
    let args = ["--time-scale", "0.1", "--as-completed", "--slow-task", "1"];
    let (report, _) = run_lesson(&args, 0);
    let lines = report.lines();
    util::assert_same_lines(&number_lines(), &lines);
    assert_eq!(workers_used(&report), pool_threads(3));
    // Task 1 ends at 3 s: after tasks 2 and 3 (1 s), and 4 and 5 (2 s).
    let firsts: BTreeSet<&str> = lines[..2].iter().map(String::as_str).collect();
    assert_eq!(
        firsts,
        BTreeSet::from(["Number :2", "Number :3"]),
        "{lines:?}"
    );
    assert!(
        first_position(&lines, "Number :1") > first_position(&lines, "Number :5"),
        "{lines:?}"
    );
    let slack = 0.4 * TASK_MS * scale;
    let ends = end_times_in_print_order(&report);
    for (i, pair) in ends.windows(2).enumerate() {
        assert!(
            pair[1] >= pair[0] - slack,
            "line {} ({}) was printed after a task that ended {} ms later: {lines:?} {ends:?}",
            i + 2,
            lines[i + 1],
            pair[0] - pair[1]
        );
    }
    report.assert_near_ideal();
}

/// Checks a run with `--panic-task N` and `extra` arguments: the other 12
/// results (returned), task N reported, the pool still working, exit 1, no
/// hang, no time lost.
fn check_panic_task(task: usize, extra: &[&str]) -> (util::Report, Vec<String>) {
    let n = task.to_string();
    let mut args = vec!["--time-scale", "0.05", "--panic-task", &n];
    args.extend_from_slice(extra);
    let (report, stderr) = run_lesson(&args, 1);
    let errors = util::strings(&report.doc["errors"]);
    let number = NUMBERS[task - 1];
    let error =
        format!("task {task} (number {number}) sent no result: its job panicked");
    assert_eq!(errors, [error], "{stderr}");
    let panicked = format!("task {task} panics on purpose");
    assert!(
        stderr.contains("pool thread panicked at") && stderr.contains(&panicked),
        "{stderr}"
    );
    assert_eq!(report.doc["panic_count"], 1);
    let mut lines = report.lines();
    assert_eq!(
        lines.pop().as_deref(),
        Some(
            "jobs that panicked: 1; the pool still ran one more job (it replaces \
             a thread it loses)"
        )
    );
    // Twelve tasks still take the plan's five rounds, and no longer.
    report.assert_near_ideal();
    (report, lines)
}

/// The 13 lines without task `task`'s.
fn lines_without(task: usize) -> Vec<String> {
    let mut lines = number_lines();
    lines.remove(task - 1);
    lines
}

#[test]
fn a_panicking_task_is_reported_and_the_other_twelve_arrive_in_order() {
    let (report, lines) = check_panic_task(5, &[]);
    util::assert_lines_eq(&lines_without(5), &lines);
    // The thread that panicked ran its earlier task; its replacement, a
    // fourth row, took some of the rest.
    assert_eq!(
        workers_used(&report),
        pool_threads(4),
        "{:?}",
        report.tasks()
    );
}

#[test]
fn a_panicking_task_does_not_hang_as_completed_either() {
    let (report, lines) = check_panic_task(5, &["--as-completed"]);
    util::assert_same_lines(&lines_without(5), &lines);
    assert_eq!(
        workers_used(&report),
        pool_threads(4),
        "{:?}",
        report.tasks()
    );
}

#[test]
fn a_panic_in_the_last_task_is_still_counted() {
    // The last task's panic is the last thing that happens: the collector
    // is done as soon as its Sender is dropped, a moment before threadpool
    // counts the panic itself. The lesson's count, from the channel, must
    // not miss it, at a scale where the pool's own count often would.
    for extra in [&[][..], &["--as-completed"]] {
        let (_, lines) = check_panic_task(13, extra);
        util::assert_same_lines(&lines_without(13), &lines);
    }
    for _ in 0..10 {
        let args = ["--time-scale", "0.001", "--panic-task", "13"];
        let (report, stderr) = run_lesson(&args, 1);
        assert_eq!(report.doc["panic_count"], 1, "{stderr}");
    }
}

#[test]
fn bad_options_are_usage_errors_naming_the_option() {
    let cases = [
        ("--workers", ["0", "65", "three", "-1", "-inf"]),
        ("--panic-task", ["0", "14", "five", "-1", "-x"]),
        ("--slow-task", ["0", "14", "one", "-3", "-inf"]),
    ];
    for (option, values) in cases {
        for bad in values {
            let run = util::run(&bin(LESSON), &[option, bad]);
            assert_eq!(run.code, Some(2), "{option} {bad}: {}", run.stderr);
            // clap's message for the value, not "unexpected argument '-i'".
            let invalid = format!("invalid value '{bad}' for '{option}");
            assert!(
                run.stderr.contains(&invalid),
                "{option} {bad}: {}",
                run.stderr
            );
            assert!(run.stdout.is_empty(), "{option} {bad}: {}", run.stdout);
        }
    }
}

#[test]
fn the_timeline_has_a_row_per_pool_thread() {
    let run = Running::start(&bin(LESSON), &["--time-scale", &scale()])
        .finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("pool thread "))
        .collect();
    assert_eq!(rows.len(), 3, "{}", run.stdout);
    let bars: usize = rows.iter().map(|r| r.matches('[').count()).sum();
    assert_eq!(bars, NUMBERS.len(), "{}", run.stdout);
}

/// A pool larger than the work: every thread takes one task, and the seven
/// that get none still show, on one line, as lesson 07's idle workers do.
#[test]
fn idle_pool_threads_share_one_line_of_the_timeline() {
    let args = ["--time-scale", &scale(), "--workers", "20"];
    let run = Running::start(&bin(LESSON), &args).finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = (run.stdout.lines())
        .filter(|l| l.starts_with("pool thread "))
        .collect();
    let busy: Vec<String> = (1..=13).map(|n| format!("pool thread {n} ")).collect();
    for (row, name) in rows.iter().zip(&busy) {
        assert!(row.starts_with(name.as_str()), "{}", run.stdout);
        assert_eq!(row.matches('[').count(), 1, "{}", run.stdout);
    }
    assert_eq!(rows.len(), 14, "{}", run.stdout);
    assert_eq!(rows[13], "pool thread 14-20  idle", "{}", run.stdout);
}

/// Starts the lesson at full time, waits for its first result (1 s in),
/// and presses Ctrl-C: it must stop within a second (the next results are
/// a second away), say so, and exit 130.
fn check_ctrl_c(args: &[&str]) {
    let mut running = Running::start(&bin(LESSON), args);
    let first = running.next_line().expect("a first line");
    assert!(first.starts_with("Number :"), "{first}");
    let stopped =
        running.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
    let rest = stopped.rest.join("\n");
    assert_eq!(stopped.code, Some(130), "{rest}\n{}", stopped.stderr);
    // Tasks 1 to 3 end together at 1 s; none of the next three can have.
    let summary = rest
        .lines()
        .find(|l| l.starts_with("interrupted: "))
        .unwrap_or_else(|| panic!("no verdict:\n{rest}"));
    let finished: usize = summary
        .trim_start_matches("interrupted: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    assert!((1..=3).contains(&finished), "{summary}");
    assert!(!rest.contains("Number :4"), "{rest}");
    // Ctrl-C is not a failure: no task is reported as panicked.
    assert!(
        !stopped.stderr.contains("sent no result"),
        "{}",
        stopped.stderr
    );
}

#[test]
fn ctrl_c_stops_the_map_within_a_moment() {
    check_ctrl_c(&[]);
}

#[test]
fn ctrl_c_stops_as_completed_within_a_moment() {
    check_ctrl_c(&["--as-completed"]);
}

#[test]
fn the_plain_example_prints_the_notebooks_lines_in_five_rounds() {
    let program = example("plain-03");
    let child = util::command(&program, &[])
        .env("LESSON_TIME_SCALE", scale())
        .spawn()
        .expect("the plain example starts");
    let out = util::wait_within(child, LIMIT).expect("plain-03 ended in time");
    let run = util::Run::from(out);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let took = lines.pop().unwrap_or_default();
    util::assert_lines_eq(&number_lines(), &lines);
    let seconds: f64 = took
        .strip_prefix("took ")
        .and_then(|t| t.strip_suffix(" s"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("not a time: {took:?}"));
    let ideal = 5.0 * TASK_MS * SCALE;
    let ms = seconds * 1e3;
    assert!(ms >= ideal && ms <= ideal + TOLERANCE_MS, "took {ms} ms");
}

#[test]
fn a_thread_per_task_takes_one_round_on_thirteen_threads() {
    let (report, _) =
        report_within(&example("thread_per_task"), &["--time-scale", &scale()], 0);
    let mut expected = number_lines();
    expected.push("13 tasks, 13 threads created (the lesson's pool: 3)".to_owned());
    util::assert_lines_eq(&expected, &report.lines());
    let threads: BTreeSet<String> =
        (1..=13).map(|n| format!("thread {n}")).collect();
    assert_eq!(workers_used(&report), threads);
    report.assert_plan(TASK_MS * SCALE, 13.0 * TASK_MS * SCALE);
    report.assert_near_ideal();
}
