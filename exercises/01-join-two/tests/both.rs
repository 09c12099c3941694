//! The tests of exercise 01-join-two: `both` returns both values, runs the
//! two jobs at the same time on two threads of its own, reports a panic
//! as `Err`, and leaves no thread running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use exercise::{Panicked, both};
use exercise_support::{threads_back_to, threads_now, within};

/// How long each of the tests' jobs waits.
const PAUSE: Duration = Duration::from_millis(400);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// A job that waits `PAUSE`, then hands back `value` and its thread.
fn job<T>(value: T) -> impl FnOnce() -> (T, ThreadId) {
    move || {
        thread::sleep(PAUSE);
        (value, thread::current().id())
    }
}

#[test]
fn returns_both_values() {
    let got = within(LIMIT, "both", || both(|| 6, || String::from("abcde")));
    assert_eq!(
        got,
        Ok((6, String::from("abcde"))),
        "both(|| 6, || \"abcde\") should give Ok((6, \"abcde\")): the first job's \
         value, then the second's"
    );
}

#[test]
fn runs_the_two_jobs_at_the_same_time() {
    let began = Instant::now();
    let got = within(LIMIT, "both", || both(job(1), job(2)));
    let took = began.elapsed();
    assert!(
        got.is_ok(),
        "both gave {got:?} for two jobs that do not panic"
    );
    assert!(
        took < PAUSE * 3 / 2,
        "two jobs of {:.1} s each took {:.2} s: they ran one after the other \
         ({:.1} s), not at the same time ({:.1} s).\n\
         hint: spawn both threads first, then join them (chapter 01, \"The \
         classic mistake\").",
        PAUSE.as_secs_f64(),
        took.as_secs_f64(),
        (PAUSE * 2).as_secs_f64(),
        PAUSE.as_secs_f64()
    );
}

#[test]
fn each_job_runs_on_a_thread_of_its_own() {
    let (caller, got) = within(LIMIT, "both", || {
        (thread::current().id(), both(job(1), job(2)))
    });
    let Ok(((_, first), (_, second))) = got else {
        panic!("both gave {got:?} for two jobs that do not panic");
    };
    assert!(
        first != caller && second != caller,
        "a job ran on the thread that called `both`: each job needs a thread of \
         its own.\nhint: thread::spawn(first), and the same for second."
    );
    assert_ne!(
        first, second,
        "both jobs ran on the same thread: one after the other.\n\
         hint: one thread::spawn per job."
    );
}

#[test]
fn a_job_that_panics_is_reported_not_passed_on() {
    let first_fails = within(LIMIT, "both", || {
        both(|| panic!("the first job fails, on purpose"), || 2)
    });
    assert_eq!(
        first_fails,
        Err(Panicked::First),
        "the first job panicked, so both should give Err(Panicked::First).\n\
         hint: join() returns Err for a thread that panicked."
    );
    let second_fails = within(LIMIT, "both", || {
        both(|| 1, || panic!("the second job fails, on purpose"))
    });
    assert_eq!(
        second_fails,
        Err(Panicked::Second),
        "the second job panicked, so both should give Err(Panicked::Second)."
    );
}

#[test]
fn no_thread_is_left_running() {
    // The first job panics at once; the second works for PAUSE, then says
    // it has finished. `both` must wait for it all the same.
    let (got, finished_on_return, before, after) = within(LIMIT, "both", || {
        let finished = Arc::new(AtomicBool::new(false));
        let second_finished = Arc::clone(&finished);
        let before = threads_now();
        let got = both(
            || panic!("the first job fails, on purpose"),
            move || {
                thread::sleep(PAUSE);
                second_finished.store(true, Ordering::SeqCst);
            },
        );
        let finished_on_return = finished.load(Ordering::SeqCst);
        (
            got,
            finished_on_return,
            before,
            threads_back_to(before, LIMIT / 5),
        )
    });
    assert_eq!(got, Err(Panicked::First), "the first job panicked");
    assert!(
        finished_on_return,
        "both returned while the second job was still running.\n\
         hint: join both threads before you return, even when the first one \
         failed: no `?` or `return` between the two joins."
    );
    assert!(
        after <= before,
        "{} thread(s) more than before the call were still running a second \
         after both returned (in /proc/self/task).\n\
         hint: join every thread you start.",
        after - before
    );
}
