//! The tests of exercise 01-bug-unjoined: `count_matching` returns the
//! whole count, no thread is still counting when it returns, and the
//! threads count at the same time, so that it returns as soon as they are
//! done.

use std::thread;
use std::time::{Duration, Instant};

use exercise::count_matching;
use exercise_support::{Probe, threads_back_to, threads_now, within};

/// How long the tests' `matches` takes for each number.
const STEP: Duration = Duration::from_millis(60);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// What the tests' `matches` saw: how many numbers were tested at once.
static PROBE: Probe = Probe::new();

/// The tests' `matches`: true for even numbers, after `STEP` of work.
fn even_slowly(number: u64) -> bool {
    let _testing = PROBE.enter(number);
    thread::sleep(STEP);
    number.is_multiple_of(2)
}

#[test]
fn counts_every_match() {
    PROBE.reset();
    let got = within(LIMIT, "count_matching", || {
        count_matching((0..12).collect(), 3, even_slowly)
    });
    assert_eq!(
        got, 6,
        "counted {got} of the 6 even numbers in 0..12: count_matching returned \
         before its threads had finished.\n\
         hint: a sleep guesses how long the threads take. Wait for them \
         instead: keep each thread's JoinHandle, and join them all (chapter \
         01, \"Threads die when main returns\")."
    );
}

#[test]
fn no_thread_is_still_counting_when_it_returns() {
    PROBE.reset();
    let (still_testing, before, after) = within(LIMIT, "count_matching", || {
        let before = threads_now();
        count_matching((0..12).collect(), 3, even_slowly);
        let still_testing = PROBE.running();
        (still_testing, before, threads_back_to(before, LIMIT / 5))
    });
    assert_eq!(
        still_testing, 0,
        "{still_testing} thread(s) were still testing numbers when \
         count_matching returned: their count came too late.\n\
         hint: join every thread before you read the count."
    );
    assert!(
        after <= before,
        "{} thread(s) more than before the call were still running a second \
         after count_matching returned (in /proc/self/task).\n\
         hint: join every thread you start.",
        after - before
    );
}

#[test]
fn the_threads_count_at_the_same_time() {
    PROBE.reset();
    let began = Instant::now();
    within(LIMIT, "count_matching", || {
        count_matching((0..12).collect(), 3, even_slowly)
    });
    let took = began.elapsed();
    let (one_thread, three) = (STEP * 12, STEP * 4);
    let at_once = PROBE.most_at_once();
    assert_eq!(
        at_once, 3,
        "{at_once} number(s) were tested at a time, by 3 workers: they should \
         be 3.\nhint: start every thread before you join the first (chapter \
         01, \"The classic mistake\")."
    );
    assert!(
        took < one_thread * 7 / 10,
        "count_matching took {:.2} s for work that 3 threads do in {:.2} s (one \
         thread alone: {:.2} s): it waited longer than the work took.\n\
         hint: a sleep waits its whole length, however quick the work. Join \
         the threads instead: join returns as soon as the thread is done.",
        took.as_secs_f64(),
        three.as_secs_f64(),
        one_thread.as_secs_f64()
    );
}
