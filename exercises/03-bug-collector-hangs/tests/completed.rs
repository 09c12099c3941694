//! The tests of exercise 03-bug-collector-hangs: `as_completed` gives the
//! results in the order they complete, returns at once when a task has
//! panicked (counting it as failed), and runs the tasks on the pool.

use std::thread;
use std::time::{Duration, Instant};

use exercise::{Completed, as_completed};
use exercise_support::{Probe, within};

/// How long the tests' task takes (task 1 takes three times as long).
const ROUND: Duration = Duration::from_millis(200);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(3);

/// What the tests' task saw: how many ran at once.
static PROBE: Probe = Probe::new();

/// The tests' task: "Number :N" after `ROUND` of work. Task 1 is the
/// slowest (`3 * ROUND`); task 4 panics.
fn number_line(number: u64) -> String {
    let _running = PROBE.enter(number);
    thread::sleep(if number == 1 { ROUND * 3 } else { ROUND });
    assert_ne!(number, 4, "task 4 fails, on purpose");
    format!("Number :{number}")
}

/// The numbers of the results, in the order they came.
fn numbers(completed: &Completed) -> Vec<u64> {
    completed.lines.iter().map(|(number, _)| *number).collect()
}

#[test]
fn results_come_as_they_complete() {
    PROBE.reset();
    let got = within(LIMIT, "as_completed", || {
        as_completed(&[1, 2, 3, 5, 6], 3, number_line)
    });
    let mut sorted = numbers(&got);
    sorted.sort();
    assert_eq!(
        sorted,
        [1, 2, 3, 5, 6],
        "every task's result, once: got {got:?}"
    );
    for (number, line) in &got.lines {
        assert_eq!(
            *line,
            format!("Number :{number}"),
            "task {number}'s own result"
        );
    }
    assert_eq!(
        numbers(&got).last(),
        Some(&1),
        "task 1 is the slowest (0.6 s), so it completes last: as_completed \
         gives the results in the order the tasks finished, got {:?}",
        numbers(&got)
    );
    assert_eq!(got.failed, 0, "no task failed");
    assert_eq!(PROBE.most_at_once(), 3, "a pool of 3 runs 3 tasks at once");
}

#[test]
fn a_task_that_panics_is_counted_not_waited_for() {
    PROBE.reset();
    let began = Instant::now();
    let got = within(LIMIT, "as_completed", || {
        as_completed(&[2, 3, 4, 5, 6], 3, number_line)
    });
    let took = began.elapsed();
    let mut sorted = numbers(&got);
    sorted.sort();
    assert_eq!(
        (sorted, got.failed),
        (vec![2, 3, 5, 6], 1),
        "task 4 panicked: the other four results, and 1 failed"
    );
    assert!(
        took < ROUND * 2 + Duration::from_millis(500),
        "the tasks were done after {:.1} s, and as_completed returned after \
         {:.2} s: it waited for a result that could not come.\n\
         hint: a time limit guesses. The channel can tell you when no more \
         results can come: when every Sender is gone (chapter 03, \"The \
         collector that waits for ever\").",
        (ROUND * 2).as_secs_f64(),
        took.as_secs_f64()
    );
}
