//! The tests of exercise 02-run-children: `run_all` returns each command's
//! output and exit code in the order given, runs the children at the same
//! time, reports a program that cannot start as an `Err`, and leaves no
//! child behind, running or zombie.

use std::time::{Duration, Instant};

use exercise::{Finished, run_all};
use exercise_support::{children, most_children_during, within};

/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// What a command that ran should give.
fn finished(stdout: &str, code: i32) -> Result<Finished, String> {
    Ok(Finished {
        stdout: stdout.to_owned(),
        code: Some(code),
    })
}

#[test]
fn outputs_and_codes_come_in_the_order_given() {
    // The first command is the slowest: in the order they end, it would
    // come last.
    let got = within(LIMIT, "run_all", || {
        run_all(&[
            &["sh", "-c", "sleep 0.6; echo one; exit 3"],
            &["sh", "-c", "echo two"],
            &["sh", "-c", "sleep 0.2; echo three; exit 1"],
        ])
    });
    let nothing_read = got
        .iter()
        .all(|r| r.as_ref().is_ok_and(|f| f.stdout.is_empty()));
    assert!(
        !nothing_read,
        "every command's output came back empty: the children printed to the \
         terminal, not to you.\n\
         hint: .stdout(Stdio::piped()) on the Command, before spawn()."
    );
    assert_eq!(
        got,
        [
            finished("one\n", 3),
            finished("two\n", 0),
            finished("three\n", 1)
        ],
        "each command's output and exit code, in the order of `commands` (the \
         first one is the slowest)"
    );
}

#[test]
fn the_children_run_at_the_same_time() {
    let began = Instant::now();
    let (got, most) = within(LIMIT, "run_all", || {
        most_children_during(|| {
            let wait = ["sh", "-c", "sleep 0.4; echo done"];
            run_all(&[&wait, &wait, &wait])
        })
    });
    let took = began.elapsed();
    assert_eq!(
        got,
        [
            finished("done\n", 0),
            finished("done\n", 0),
            finished("done\n", 0)
        ]
    );
    assert!(
        most == 3 && took < Duration::from_millis(800),
        "three commands of 0.4 s each took {:.2} s, and at most {most} of them \
         ran at a time (child processes in /proc): they should all run at \
         once, in 0.4 s, not one after the other (1.2 s).\n\
         hint: spawn() every child first, then wait for each. \
         Command::output() starts one child and waits for it.",
        took.as_secs_f64()
    );
}

#[test]
fn a_program_that_cannot_start_is_an_error() {
    let got = within(LIMIT, "run_all", || {
        run_all(&[&["no-such-program-here"], &["sh", "-c", "echo fine"]])
    });
    assert_eq!(got.len(), 2, "two commands, two results: got {got:?}");
    assert!(
        got[0]
            .as_ref()
            .is_err_and(|err| err.contains("no-such-program-here")),
        "a program that does not exist should give an Err that names it; got \
         {:?}",
        got[0]
    );
    assert_eq!(
        got[1],
        finished("fine\n", 0),
        "the other command runs all the same"
    );
}

#[test]
fn a_child_killed_by_a_signal_has_no_exit_code() {
    let got = within(LIMIT, "run_all", || {
        run_all(&[&["sh", "-c", "echo dying; kill -9 $$"]])
    });
    let killed = Ok(Finished {
        stdout: "dying\n".to_owned(),
        code: None,
    });
    assert_eq!(
        got,
        [killed],
        "a child killed by a signal (here SIGKILL) has no exit code: code is \
         None (status.code())"
    );
}

#[test]
fn no_child_is_left_behind() {
    let left = within(LIMIT, "run_all", || {
        run_all(&[&["sh", "-c", "echo a"], &["sh", "-c", "sleep 0.2; echo b"]]);
        children()
    });
    let zombies: Vec<u32> = left
        .iter()
        .filter(|c| c.state == 'Z')
        .map(|c| c.pid)
        .collect();
    assert!(
        zombies.is_empty(),
        "child process(es) {zombies:?} ended, but nobody waited for them: they \
         are zombies (state Z in /proc/PID/stat) until this process exits.\n\
         hint: wait for every child you start (wait() or wait_with_output())."
    );
    assert!(
        left.is_empty(),
        "run_all returned while child process(es) still ran: {left:?}.\n\
         hint: wait for every child before you return."
    );
}
