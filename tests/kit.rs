//! What every lesson does through the kit, tried on lessons 00 and 01:
//! argument errors, `--no-timeline`, a closed stdout, and Ctrl-C.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::util::{self, Interrupted, Running, bin};

#[test]
fn bad_time_scales_exit_2_naming_the_option() {
    for bad in ["-1", "0", "NaN", "inf", "abc", "", "1e308", "-inf", "-x"] {
        let run = util::run(&bin("lesson-00-sequential"), &["--time-scale", bad]);
        assert_eq!(run.code, Some(2), "--time-scale {bad:?}: {}", run.stderr);
        // clap's message about the value: "-inf" is not taken for flags.
        let invalid = format!("invalid value '{bad}' for '--time-scale");
        assert!(run.stderr.contains(&invalid), "{bad:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{bad:?} printed {}", run.stdout);
    }
}

#[test]
fn the_time_scale_can_come_from_the_environment() {
    let lesson = bin("lesson-00-sequential");
    let with_scale = |value: &str| {
        let mut command = util::command(&lesson, &["--json"]);
        command.env("LESSON_TIME_SCALE", value);
        util::run_command(command)
    };
    let run = with_scale("0.01");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = util::Report::parse(&run.stdout);
    assert_eq!(report.doc["time_scale"], 0.01);

    let bad = with_scale("fast");
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("--time-scale"), "{}", bad.stderr);

    // Not text at all: the message names the variable, which the learner
    // may not know is set.
    let mut command = util::command(&lesson, &["--json"]);
    command.env("LESSON_TIME_SCALE", std::ffi::OsStr::from_bytes(b"\xff"));
    let bad = util::run_command(command);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(
        bad.stderr.contains("invalid value for LESSON_TIME_SCALE"),
        "{}",
        bad.stderr
    );
    // Given on the command line too, the option wins and the run goes on.
    let mut command = util::command(&lesson, &["--json", "--time-scale", "0.001"]);
    command.env("LESSON_TIME_SCALE", std::ffi::OsStr::from_bytes(b"\xff"));
    assert_eq!(util::run_command(command).code, Some(0));

    // An empty variable is unset: the default scale 1, not an error. The
    // run is stopped at its first line, 2 s in.
    let mut command = util::command(&lesson, &["--no-timeline"]);
    command.env("LESSON_TIME_SCALE", "");
    let mut running = Running::spawn(command);
    assert_eq!(running.next_line().as_deref(), Some("Number : 0"));
    let stopped =
        running.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    let rest = stopped.rest.join("\n");
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(rest.contains("18.000 s   every sleep"), "{rest}");
}

#[test]
fn unknown_arguments_exit_2() {
    let run = util::run(&bin("lesson-01-threads"), &["--threads", "3"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
}

#[test]
fn help_lists_the_shared_options() {
    let run = util::run(&bin("lesson-01-threads"), &["--help"]);
    assert_eq!(run.code, Some(0));
    for option in ["--time-scale", "--no-timeline", "--json"] {
        assert!(
            run.stdout.contains(option),
            "{option} missing:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("lesson-01-threads"), "{}", run.stdout);
}

/// Help that cannot be written is a failure, not a silent success.
#[test]
fn help_that_cannot_be_written_exits_1() {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut command = util::command(&bin("lesson-01-threads"), &["--help"]);
    command.stdout(full);
    let run = util::run_command(command);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot write the output: No space left"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_timeline_leaves_the_summary() {
    let run = util::run(
        &bin("lesson-01-threads"),
        &["--time-scale", "0.01", "--no-timeline"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("speedup"), "{}", run.stdout);
    assert!(!run.stdout.contains("timeline"), "{}", run.stdout);
}

#[test]
fn a_closed_stdout_ends_the_lesson_quietly() {
    // As `lesson-00-sequential | head -1`: read one line, close the pipe.
    let mut lesson =
        Running::start(&bin("lesson-00-sequential"), &["--time-scale", "0.01"]);
    assert_eq!(lesson.next_line().as_deref(), Some("Number : 0"));
    let run = lesson.close_stdout_and_wait(Duration::from_secs(10));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "expected no message, got: {}",
        run.stderr
    );
}

/// Starts a lesson at scale 1 (2 s sleeps), waits for its first line, and
/// presses Ctrl-C (SIGINT to its process group, as a terminal does); the
/// lesson must exit within a second.
fn interrupt_after_first_line(lesson: &str) -> (String, Interrupted) {
    let mut running = Running::start(&bin(lesson), &[]);
    let first = running.next_line().expect("a first line");
    (
        first,
        running.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1)),
    )
}

#[test]
fn ctrl_c_cuts_the_sleep_short_and_shows_what_finished() {
    let (first, stopped) = interrupt_after_first_line("lesson-00-sequential");
    let rest = stopped.rest.join("\n");
    assert_eq!(first, "Number : 0");
    assert_eq!(stopped.code, Some(130), "{rest}");
    // The next line was 2 s away: exiting within 1 s means the sleep was cut.
    assert!(
        rest.contains("interrupted: 1 of 9 tasks finished"),
        "{rest}"
    );
    assert!(!rest.contains("Number : 1"), "{rest}");
    let row = rest
        .lines()
        .find(|l| l.starts_with("main "))
        .unwrap_or_default();
    // The finished task, then the one the signal cut short (`>`), unless
    // the signal landed before the next sleep began.
    assert!(row.contains("[0"), "the finished task:\n{rest}");
    // The cut task (if the signal came after the next sleep began) ends
    // the row in `>`, and only then does the legend explain the mark.
    let cut = rest.contains("a task that did not finish");
    assert_eq!(row.ends_with('>'), cut, "{rest}");
    assert_eq!(row.ends_with(']'), !cut, "{rest}");
}

#[test]
fn ctrl_c_stops_every_thread() {
    let (first, stopped) = interrupt_after_first_line("lesson-01-threads");
    let rest = stopped.rest.join("\n");
    assert!(first == "Number : 0" || first == "letter : a", "{first}");
    assert_eq!(stopped.code, Some(130), "{rest}");
    // Both threads print their first line at 2 s; the other one may have
    // made it before the signal. Nothing else can have.
    let finished = rest.lines().take_while(|l| !l.is_empty()).count() + 1;
    let verdict = format!("interrupted: {finished} of 9 tasks finished");
    assert!(
        finished <= 2 && rest.contains(&verdict),
        "{verdict}?\n{rest}"
    );
    let rows = rest.lines().filter(|l| l.starts_with("thread ")).count();
    assert_eq!(rows, 2, "{rest}");
}

/// A lesson whose body returns before its thread is done (lesson 01 with
/// its join loop deleted, as its chapter suggests trying): the thread's
/// work is lost, and the kit reports that as a failure, exit 1.
#[test]
fn work_lost_without_a_join_is_reported_as_a_failure() {
    let run = util::run(&util::example("forgets_join"), &["--time-scale", "0.05"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stdout.contains("incomplete: 0 of 3 tasks finished"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("only 0 of 3 planned tasks finished, and none failed"),
        "{}",
        run.stderr
    );
}
