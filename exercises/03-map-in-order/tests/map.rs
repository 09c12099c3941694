//! The tests of exercise 03-map-in-order: `map_on_pool` gives the results
//! in input order, runs the tasks on a pool of that many threads (no more,
//! no fewer at once), gives `None` for a task that panicked, and leaves no
//! pool thread running.

use std::thread;
use std::time::{Duration, Instant};

use exercise::map_on_pool;
use exercise_support::{Probe, threads_back_to, threads_now, within};

/// How long the tests' task takes (task 1 takes three times as long).
const ROUND: Duration = Duration::from_millis(200);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// What the tests' task saw: how many ran at once, and on which threads.
static PROBE: Probe = Probe::new();

/// The tests' task: "Number :N" after `ROUND` of work. Task 1 is the
/// slowest (`3 * ROUND`); task 4 panics.
fn number_line(number: u64) -> String {
    let _running = PROBE.enter(number);
    thread::sleep(if number == 1 { ROUND * 3 } else { ROUND });
    assert_ne!(number, 4, "task 4 fails, on purpose");
    format!("Number :{number}")
}

/// What `map_on_pool` should give for `numbers`: every line, in order.
fn lines(numbers: &[u64]) -> Vec<Option<String>> {
    numbers
        .iter()
        .map(|n| Some(format!("Number :{n}")))
        .collect()
}

#[test]
fn results_come_in_input_order() {
    PROBE.reset();
    let numbers = [1, 2, 3, 5, 6, 7];
    let got = within(LIMIT, "map_on_pool", move || {
        map_on_pool(&numbers, 3, number_line)
    });
    let expected = lines(&numbers);
    let (mut got_sorted, mut expected_sorted) = (got.clone(), expected.clone());
    got_sorted.sort();
    expected_sorted.sort();
    if got != expected && got_sorted == expected_sorted {
        panic!(
            "the results came back in completion order: {got:?}. The test made \
             task 1 the slowest (0.6 s), so its line must still come first.\n\
             hint: one channel per task, and read the receivers in the order \
             of the numbers (chapter 03, \"The plain version\")."
        );
    }
    assert_eq!(
        got, expected,
        "every task's line, in the order of the numbers"
    );
}

#[test]
fn runs_on_a_pool_of_that_many_threads() {
    PROBE.reset();
    let numbers = [2, 3, 5, 6, 7, 8, 9, 10, 11];
    let began = Instant::now();
    let (got, before) = within(LIMIT, "map_on_pool", move || {
        let before = threads_now();
        (map_on_pool(&numbers, 3, number_line), before)
    });
    let took = began.elapsed();
    assert_eq!(got, lines(&numbers));
    let at_once = PROBE.most_at_once();
    assert!(
        at_once <= 3,
        "{at_once} tasks ran at once, where a pool of 3 threads runs 3 at most: \
         the tasks did not go through the pool.\n\
         hint: ThreadPool::new(workers), then pool.execute(...) for each task."
    );
    let more = PROBE.most_threads_in_process().saturating_sub(before);
    assert!(
        more <= 3,
        "while the tasks ran, this process had {more} threads more than before \
         (in /proc/self/task), for a pool of 3.\n\
         hint: make one pool, of `workers` threads, for all the tasks."
    );
    assert!(
        at_once == 3 && took < ROUND * 6,
        "at most {at_once} task(s) ran at a time, and 9 tasks of {:.1} s took \
         {:.2} s: a pool of 3 runs them 3 at a time, in {:.1} s.\n\
         hint: give the pool every task first, then wait for the results; \
         recv() right after execute() waits for that task before the next one \
         starts.",
        ROUND.as_secs_f64(),
        took.as_secs_f64(),
        (ROUND * 3).as_secs_f64()
    );
}

#[test]
fn a_task_that_panics_gives_none() {
    PROBE.reset();
    let got = within(LIMIT, "map_on_pool", || {
        map_on_pool(&[2, 3, 4, 5, 6], 2, number_line)
    });
    let mut expected = lines(&[2, 3, 4, 5, 6]);
    expected[2] = None;
    assert_eq!(
        got, expected,
        "task 4 panicked: its place holds None, and every other task's line \
         still comes, in order.\n\
         hint: recv() returns Err when a job ended without sending."
    );
}

#[test]
fn no_pool_thread_is_left_running() {
    PROBE.reset();
    let (before, after) = within(LIMIT, "map_on_pool", || {
        let before = threads_now();
        map_on_pool(&[2, 3, 4, 5], 2, number_line);
        (before, threads_back_to(before, LIMIT / 5))
    });
    assert!(
        after <= before,
        "{} thread(s) more than before the call were still running a second \
         after map_on_pool returned (in /proc/self/task).\n\
         hint: the pool's threads end when the ThreadPool is dropped: do not \
         keep it anywhere that outlives the call.",
        after - before
    );
}
