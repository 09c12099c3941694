//! The plain examples: each lesson's `examples/plain.rs`, the notebook cell
//! in std alone, run as a learner runs it (through `LESSON_TIME_SCALE`, at
//! the tests' small scale), with every line it prints checked and its time.
//!
//! A lesson's plain example is named `plain-NN` (its `[[example]]` in the
//! lesson's Cargo.toml: two examples called `plain` would overwrite each
//! other in `target/debug/examples/`). To test a new one, add a test that
//! calls [`check`] with a [`Plain`]: its name, its lines in groups (each
//! group in the order it is printed, the groups interleaved in any order),
//! and its ideal time at scale 1. The last line, `took X s`, is checked
//! against that ideal.
//!
//! Also here: lesson 01's `stop_flag`, the other std-only example.

use std::time::{Duration, Instant};

use crate::util::{self, Run, SCALE, TOLERANCE_MS, example};

/// How long a plain example may run before the test gives up on it: ten
/// times the longest one's ideal at [`SCALE`] (0.9 s), for a busy machine.
const LIMIT: Duration = Duration::from_secs(10);

/// What one plain example must print.
pub struct Plain {
    /// The example's name, as `cargo run --example` takes it: `plain-01`.
    pub name: &'static str,
    /// Its lines, in groups: each group in the order that is guaranteed
    /// (one thread's or one process's lines), the groups interleaved in any
    /// way. One group means one fixed order.
    pub groups: Vec<Vec<String>>,
    /// The ideal time at scale 1: the busiest worker's sleeps, in ms.
    pub ideal_ms: f64,
}

/// Runs an example with `LESSON_TIME_SCALE=scale` for at most [`LIMIT`];
/// returns the run and how long it took, as the test measured it.
fn run_example(name: &str, scale: &str) -> (Run, Duration) {
    let program = example(name);
    let mut command = util::command(&program, &[]);
    command.env("LESSON_TIME_SCALE", scale);
    let began = Instant::now();
    let child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", program.display()));
    let out = util::wait_within(child, LIMIT)
        .unwrap_or_else(|| panic!("{name} did not end within {LIMIT:?}"));
    (out.into(), began.elapsed())
}

/// Runs `plain` at [`SCALE`] and checks its exit code, every line it
/// printed, and the time it reports in its last line.
pub fn check(plain: &Plain) {
    let name = plain.name;
    let (run, wall) = run_example(name, &SCALE.to_string());
    assert_eq!(run.code, Some(0), "{name}: stderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "", "{name} wrote to stderr");
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let took = lines.pop().unwrap_or_default();
    assert_groups(&plain.groups, &lines);

    // "took 0.503 s": never below the ideal, and close to it.
    let seconds: f64 = took
        .strip_prefix("took ")
        .and_then(|rest| rest.strip_suffix(" s"))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{name}: last line {took:?}, not \"took X s\""));
    let (reported, ideal) = (seconds * 1000.0, plain.ideal_ms * SCALE);
    assert!(
        reported >= ideal,
        "{name}: took {reported} ms, below the ideal {ideal} ms"
    );
    assert!(
        reported <= ideal + TOLERANCE_MS,
        "{name}: took {reported} ms, over {TOLERANCE_MS} ms more than {ideal} ms"
    );
    // Its own clock cannot run longer than the test's (1 ms of rounding).
    let wall = wall.as_secs_f64() * 1000.0;
    assert!(
        reported <= wall + 1.0,
        "{name}: says {reported} ms, the test saw it run {wall} ms"
    );
}

/// Asserts that `got` holds every line of `groups` once and nothing else,
/// each group's lines in the group's order.
fn assert_groups(groups: &[Vec<String>], got: &[String]) {
    for group in groups {
        let mine: Vec<String> =
            got.iter().filter(|l| group.contains(l)).cloned().collect();
        util::assert_lines_eq(group, &mine);
    }
    util::assert_same_lines(&groups.concat(), got);
}

#[test]
fn plain_00_prints_numbers_then_letters_in_the_sum_of_its_sleeps() {
    check(&Plain {
        name: "plain-00",
        // One thread: one order, numbers first.
        groups: vec![[util::number_lines(), util::letter_lines()].concat()],
        ideal_ms: 9.0 * 2000.0,
    });
}

#[test]
fn plain_01_interleaves_two_threads_in_the_longer_ones_time() {
    check(&Plain {
        name: "plain-01",
        // Each thread's lines in order; between the threads, any order.
        groups: vec![util::number_lines(), util::letter_lines()],
        ideal_ms: 5.0 * 2000.0,
    });
}

#[test]
fn plain_02_runs_squares_and_cubes_in_two_processes_in_the_cubes_time() {
    let powers = |name: &str, power: u32| -> Vec<String> {
        (0..5u64)
            .map(|i| format!("{name}: {}", i.pow(power)))
            .collect()
    };
    check(&Plain {
        name: "plain-02",
        // Each child's lines in order; the two children interleave.
        groups: vec![powers("Square", 2), powers("Cube", 3)],
        ideal_ms: 5.0 * 1500.0,
    });
}

#[test]
fn plain_07_processes_every_item_once_in_three_rounds() {
    check(&Plain {
        name: "plain-07",
        // Which worker takes which item is up to the scheduler: any order.
        groups: (0..10).map(|n| vec![format!("Processed {n}")]).collect(),
        ideal_ms: 3.0 * 200.0,
    });
}

#[test]
fn plain_09_runs_the_two_functions_as_tasks_in_the_longer_ones_time() {
    check(&Plain {
        name: "plain-09",
        // Each task's lines in order; between the tasks, any order.
        groups: vec![util::number_lines(), util::letter_lines()],
        ideal_ms: 5.0 * 2000.0,
    });
}

#[test]
fn plain_10_feeds_every_philosopher_two_meals_two_at_a_time_at_most() {
    check(&Plain {
        name: "plain-10",
        // Each philosopher's meals in order; the philosophers interleave.
        groups: (1..=5)
            .map(|p| {
                (1..=2)
                    .map(|n| format!("philosopher {p} ate meal {n}"))
                    .collect()
            })
            .collect(),
        // Ten meals of 100 ms, and five forks let two eat at once.
        ideal_ms: 5.0 * 100.0,
    });
}

/// A time scale that is no duration is an error, not a panic, in the
/// parent and in lesson 02's children alike.
#[test]
fn plain_examples_refuse_a_negative_time_scale() {
    for name in ["plain-00", "plain-01", "plain-02", "plain-09"] {
        let (run, _) = run_example(name, "-1");
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stderr.starts_with("Error: "), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
    }
}

/// `stop_flag`: main sets the flag after 2.5 steps of 100 ms; the worker
/// finishes the step under way and stops. How many steps fit depends on
/// the scheduler, so the test takes the count from the last line and
/// checks everything against it.
#[test]
fn stop_flag_stops_the_worker_within_one_step() {
    let (run, _) = run_example("stop_flag", "1");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    let last = lines.last().cloned().unwrap_or_default();
    let (steps, ms) = last
        .strip_prefix("main: the worker stopped after ")
        .and_then(|rest| rest.strip_suffix(" ms in"))
        .and_then(|rest| rest.split_once(" steps, "))
        .and_then(|(steps, ms)| {
            Some((steps.parse::<u32>().ok()?, ms.parse::<f64>().ok()?))
        })
        .unwrap_or_else(|| panic!("unexpected last line {last:?}"));
    let groups = [
        (1..=steps)
            .map(|n| format!("worker: step {n} done"))
            .collect(),
        vec!["main: asked the worker to stop".to_owned()],
    ];
    assert_groups(&groups, &lines[..lines.len() - 1]);
    // Asked at 250 ms at the earliest; the step under way ends at most one
    // step (100 ms) later.
    assert!(steps >= 2, "only {steps} steps in 250 ms of 100 ms steps");
    assert!(ms >= 250.0, "stopped {ms} ms in, before it was asked");
    assert!(
        ms <= 250.0 + 100.0 + TOLERANCE_MS,
        "stopped {ms} ms in: more than a step after it was asked"
    );
}
