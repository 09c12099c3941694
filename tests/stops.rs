//! The kit's promises when things around a lesson go wrong: both output
//! streams in one pipe that closes (`2>&1 | head -1`), a stderr that cannot
//! be written, a stop signal sent twice at once (`timeout`), a deliberate
//! second Ctrl-C, and the lesson's binary replaced while it runs.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;

use crate::procs::{self, assert_none_left, started_by};
use crate::util::{self, Running, bin, example};

/// As `lesson 2>&1 | head -N`: stdout and stderr share one pipe, which
/// closes after `lines` lines. Later notices on stderr must not panic the
/// lesson (exit 101): it ends quietly with the status it had earned, and
/// the children named in the lines it read (`pid N`) are reaped by the
/// lesson, not left as zombies: the kit's exit kills and waits for them.
fn both_streams_into_a_pipe_read(
    program: &str,
    args: &[&str],
    lines: usize,
) -> Option<i32> {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let mut command = util::command(&bin(program), args);
    command
        .stdout(writer.try_clone().expect("a second end"))
        .stderr(writer);
    let child = command.spawn().expect("the lesson starts");
    // Our copies of the writing end went into the command, which is dropped
    // with it: the pipe ends when the lesson and its children close theirs.
    drop(command);
    let pid = child.id();
    let mut reader = BufReader::new(reader);
    let mut children = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a line");
        assert!(!line.is_empty(), "{program} printed too little");
        // A child's own line names its PID first; the lesson's own PID is
        // not a child's.
        children.extend(
            procs::pids_in(&line)
                .into_iter()
                .take(1)
                .filter(|&p| p != pid),
        );
    }
    drop(reader); // the pipe is closed, as `head` does
    let out = util::wait_within(child, Duration::from_secs(10))
        .unwrap_or_else(|| panic!("{program} did not end after its pipe closed"));
    assert_none_left(pid, &children);
    out.status.code()
}

#[test]
fn notices_into_a_closed_pipe_do_not_panic_the_lesson() {
    // The poisoned task makes the pool print a notice per lost attempt.
    let code = both_streams_into_a_pipe_read(
        "lesson-04-processpool",
        &["--time-scale", "0.05", "--poison-task", "1"],
        1,
    );
    assert!(matches!(code, Some(0 | 1)), "exit code {code:?}");
    // The parent's line, then each child's, with its PID; the cubes child
    // then fails, and writes its notice into the closed pipe.
    let code = both_streams_into_a_pipe_read(
        "lesson-02-processes",
        &["--time-scale", "0.05", "--fail-child", "cubes"],
        3,
    );
    assert!(matches!(code, Some(0 | 1)), "exit code {code:?}");
}

/// A pipe for stderr that is already full, with nobody reading it: a
/// write to it blocks for good.
fn full_pipe() -> (std::io::PipeReader, Stdio) {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    use std::io::Write;
    let (reader, mut writer) = std::io::pipe().expect("a pipe");
    let flags =
        OFlag::from_bits_truncate(fcntl(&writer, FcntlArg::F_GETFL).expect("flags"));
    fcntl(&writer, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))
        .expect("non-blocking");
    let chunk = [b'x'; 4096];
    while writer.write(&chunk).is_ok() {}
    // Blocking again, for the lesson that inherits it.
    fcntl(&writer, FcntlArg::F_SETFL(flags)).expect("blocking");
    (reader, writer.into())
}

fn dev_full() -> Stdio {
    File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
        .into()
}

#[test]
fn a_stop_works_when_stderr_cannot_be_written() {
    // Lesson 00's next line is 2 s away: ending within 1 s means the
    // handler woke the sleeper, although its message could not be written
    // (/dev/full fails at once; a full pipe would block the message for
    // good, so the handler must stop the work before it writes).
    let (_unread, full) = full_pipe();
    for stderr in [dev_full(), full] {
        let mut lesson =
            Running::start_with_stderr(&bin("lesson-00-sequential"), &[], stderr);
        assert_eq!(lesson.next_line().as_deref(), Some("Number : 0"));
        let stopped =
            lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
        assert_eq!(stopped.code, Some(130));
        assert!(
            stopped.rest.iter().any(|l| l.starts_with("interrupted:")),
            "{:?}",
            stopped.rest
        );
    }

    // Lesson 02's children run for 3.75 s more at this scale: they must be
    // killed by the first signal, not left to finish.
    let mut lesson = Running::start_with_stderr(
        &bin("lesson-02-processes"),
        &["--time-scale", "0.5"],
        dev_full(),
    );
    let first = lesson.next_line().expect("the parent's first line");
    assert!(first.starts_with("parent: "), "{first}");
    let children = wait_for_children(lesson.pid, 2);
    procs::assert_stops_cleanly(lesson, &children, Signal::SIGINT);
}

/// Waits until a thread of process `pid` is blocked writing to a pipe
/// (`pipe_write` in its wait channel), for at most 10 s.
fn wait_until_blocked_on_a_pipe(pid: u32) {
    let began = std::time::Instant::now();
    let blocked = || {
        let tasks = fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten();
        tasks.flatten().any(|task| {
            fs::read_to_string(task.path().join("wchan"))
                .is_ok_and(|wchan| wchan.contains("pipe_write"))
        })
    };
    while !blocked() {
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "{pid} never blocked on its pipe"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts `lesson` with `args` in a process group of its own, its stdout
/// and stderr as given; returns it once one of its threads is blocked
/// writing to a pipe nobody reads.
fn start_blocked(
    lesson: &str,
    args: &[&str],
    stdout: Stdio,
    stderr: Stdio,
) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut command = util::command(&bin(lesson), args);
    command.stdout(stdout).stderr(stderr).process_group(0);
    let child = command.spawn().expect("the lesson starts");
    wait_until_blocked_on_a_pipe(child.id());
    child
}

/// A stdout that nobody reads (a pipe to a reader that stopped reading):
/// the lesson is stuck at its next line. One Ctrl-C must still end it,
/// with 130, soon after: the kit gives up on output that no longer moves.
#[test]
fn a_stop_ends_a_lesson_whose_stdout_nobody_reads() {
    let (_unread, full) = full_pipe();
    let lesson = start_blocked(
        "lesson-00-sequential",
        &["--time-scale", "0.001"],
        full,
        dev_full(),
    );
    let pid = lesson.id();
    let raw = Pid::from_raw(i32::try_from(pid).expect("a pid"));
    signal::killpg(raw, Signal::SIGINT).expect("the signal is sent");
    // The kit waits 2 s for the output to move.
    let out = util::wait_within(lesson, Duration::from_secs(8))
        .expect("no exit after one Ctrl-C, its stdout not read");
    assert_eq!(out.status.code(), Some(130));
}

/// The same with stderr: the lesson's main thread is stuck writing a
/// notice (the pool's, about a task that keeps killing its worker), and
/// the stop's own notice cannot be written either. The first signal still
/// ends the lesson, its workers killed.
#[test]
fn a_stop_ends_a_lesson_whose_stderr_nobody_reads() {
    let (_unread, full) = full_pipe();
    let lesson = start_blocked(
        "lesson-04-processpool",
        &["--time-scale", "0.05", "--poison-task", "1", "--json"],
        Stdio::null(),
        full,
    );
    let pid = lesson.id();
    let children = started_by(pid);
    let raw = Pid::from_raw(i32::try_from(pid).expect("a pid"));
    signal::killpg(raw, Signal::SIGINT).expect("the signal is sent");
    let out = util::wait_within(lesson, Duration::from_secs(8))
        .expect("no exit after one Ctrl-C, its stderr not read");
    assert_eq!(out.status.code(), Some(130));
    assert_none_left(pid, &children);
}

/// A second press must quit at once even when stderr blocks: the signal
/// handler may not be the one stuck writing the first press's notice.
/// `ignores_stop` keeps working after the first press, so only the second
/// can end it.
#[test]
fn a_second_press_quits_at_once_when_stderr_is_not_read() {
    let (_unread, full) = full_pipe();
    let mut running =
        Running::start_with_stderr(&example("ignores_stop"), &[], full);
    let first = running.next_line().expect("a first line");
    assert!(first.ends_with("stop requested: false"), "{first}");
    let raw = Pid::from_raw(i32::try_from(running.pid).expect("a pid"));
    signal::killpg(raw, Signal::SIGINT).expect("the first press");
    let next = running.next_line().expect("the work goes on");
    assert!(next.ends_with("stop requested: true"), "{next}");
    // A new press, not the same one: the window for "sent together" is
    // 300 ms from when the first was handled, before `next`.
    std::thread::sleep(Duration::from_millis(400));
    let stopped =
        running.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
    assert_eq!(stopped.code, Some(130));
}

/// The PIDs of the `count` children the lesson `parent` starts, once all
/// have started (they start within milliseconds; 5 s is a hang).
fn wait_for_children(parent: u32, count: usize) -> Vec<u32> {
    let began = std::time::Instant::now();
    loop {
        let children = started_by(parent);
        if children.len() >= count {
            return children;
        }
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "children: {children:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `timeout` signals the lesson, then its whole group: two SIGTERMs
/// microseconds apart. That is one request to stop: the summary is printed
/// and nothing is left, every time.
#[test]
fn a_signal_to_the_lesson_and_then_its_group_is_one_stop() {
    for (lesson, args) in [
        ("lesson-01-threads", &["--time-scale", "0.1"][..]),
        ("lesson-02-processes", &["--time-scale", "0.1"][..]),
        ("lesson-04-processpool", &["--time-scale", "0.1"][..]),
    ] {
        for _ in 0..3 {
            let mut running = Running::start(&bin(lesson), args);
            running.next_line().expect("a first line");
            let pid = running.pid;
            let children = started_by(pid);
            let raw = Pid::from_raw(i32::try_from(pid).expect("a pid"));
            signal::kill(raw, Signal::SIGTERM).expect("the first signal");
            let stopped = running
                .signal_group_and_wait(Signal::SIGTERM, Duration::from_secs(1));
            assert_eq!(stopped.code, Some(130), "{lesson}: {}", stopped.stderr);
            assert!(
                !stopped.stderr.contains("stopped at once"),
                "{lesson}: {}",
                stopped.stderr
            );
            assert!(
                stopped.rest.iter().any(|l| l.starts_with("interrupted:")),
                "{lesson}: no summary: {:?}\n{}",
                stopped.rest,
                stopped.stderr
            );
            assert_none_left(pid, &children);
        }
    }
}

/// A second press, well after the first was handled, quits at once with
/// 130, even while the lesson's work ignores the stop.
#[test]
fn a_second_press_quits_at_once() {
    let mut running = Running::start(&example("ignores_stop"), &[]);
    let first = running.next_line().expect("a first line");
    assert!(first.ends_with("stop requested: false"), "{first}");
    let raw = Pid::from_raw(i32::try_from(running.pid).expect("a pid"));
    signal::killpg(raw, Signal::SIGINT).expect("the first press");
    // The work carries on: its next line says the stop was seen.
    let next = running.next_line().expect("the work goes on");
    assert!(next.ends_with("stop requested: true"), "{next}");
    // Long enough after the first that this is a new press: the window for
    // "sent together" is 300 ms, and the first was handled before `next`.
    std::thread::sleep(Duration::from_millis(400));
    let stopped =
        running.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(
        stopped.stderr.contains("stopped at once"),
        "{}",
        stopped.stderr
    );
}

/// `cargo build` while a lesson runs replaces its binary; the pool must
/// still start replacement workers (from the running image, not the path).
#[test]
fn workers_start_after_the_binary_is_replaced() {
    let dir = std::env::temp_dir()
        .join(format!("lesson-tests-exe-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a temporary folder");
    let copy = dir.join("lesson-04-processpool");
    fs::copy(bin("lesson-04-processpool"), &copy).expect("a copy of the lesson");
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755))
        .expect("executable");
    // Task 14, the last, crashes its worker: its replacement starts after
    // the file is gone.
    let mut running =
        Running::start(&copy, &["--time-scale", "0.05", "--crash-task", "14"]);
    let first = running.next_line();
    fs::remove_dir_all(&dir).expect("the copy removed");
    assert!(first.is_some_and(|l| l.starts_with("Square: ")));
    let pid = running.pid;
    let run = running.finish_within(Duration::from_secs(20));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("cannot start"), "{}", run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("Square: "))
            .count(),
        13,
        "{}",
        run.stdout
    );
    assert_none_left(pid, &[]);
}
