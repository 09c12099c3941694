//! A thread the system refuses: every lesson that starts threads reports
//! it as one line ("cannot start ...") and exits 1, within a time limit,
//! with nothing left behind; never a panic with a backtrace, never a hang.
//!
//! The refusal is real, not a mock. The lesson runs under a limit on its
//! address space (`RLIMIT_AS`, set between fork and exec), which binds
//! root as well, where the limit on processes (`RLIMIT_NPROC`) does not.
//! Every thread's stack is made large (`RUST_MIN_STACK`), so that the
//! limit allows a known number of threads whatever the size of the
//! program: room for the program itself and `threads` stacks, not one
//! more. One arena for malloc (`MALLOC_ARENA_MAX=1`) keeps glibc from
//! reserving 64 MiB of address space per thread on top.

use std::os::unix::process::CommandExt;
use std::time::Duration;

use nix::sys::resource::{Resource, setrlimit};

use crate::procs;
use crate::util::{self, Run, bin};

/// Each thread's stack under the limit.
const STACK: u64 = 256 << 20;
/// Room for the program itself: its code, its heap, the main thread's
/// stack. A debug lesson needs 20 to 60 MiB of it.
const ROOM: u64 = 160 << 20;
/// Far above any of these runs (a second or two), far below a hang.
const LIMIT: Duration = Duration::from_secs(20);

/// Runs `lesson` with `args`, with room for `threads` threads besides its
/// main thread, and checks what every refusal must give: exit status 1,
/// one line on stderr that says which thread could not start and why, no
/// panic, no child left. Returns the run and the lesson's PID.
fn refused(lesson: &str, args: &[&str], threads: u64) -> (Run, u32) {
    let mut command = util::command(&bin(lesson), args);
    command
        .env("RUST_MIN_STACK", STACK.to_string())
        .env("MALLOC_ARENA_MAX", "1");
    let limit = threads * STACK + ROOM;
    // SAFETY: between fork and exec only async-signal-safe calls may run;
    // `setrlimit` is a system call, and it allocates nothing.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || {
            setrlimit(Resource::RLIMIT_AS, limit, limit)
                .map_err(std::io::Error::from)
        });
    }
    let child = command.spawn().expect("the lesson starts");
    let pid = child.id();
    let run: Run = util::wait_within(child, LIMIT)
        .unwrap_or_else(|| panic!("{lesson} did not end within {LIMIT:?}"))
        .into();
    assert_eq!(run.code, Some(1), "{lesson}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{lesson}: {}", run.stderr);
    // A debug build of lesson 08 says so first: a notice, not the failure.
    let lines: Vec<&str> = (run.stderr.lines())
        .filter(|line| !line.contains("this is a debug build"))
        .collect();
    assert_eq!(lines.len(), 1, "{lesson}: {}", run.stderr);
    let prefix = format!("{lesson}: ");
    assert!(lines[0].starts_with(&prefix), "{lesson}: {}", run.stderr);
    assert!(
        lines[0].contains("cannot start"),
        "{lesson}: {}",
        run.stderr
    );
    // EAGAIN: what pthread_create says when the stack cannot be mapped.
    assert!(lines[0].contains("os error 11"), "{lesson}: {}", run.stderr);
    procs::assert_none_left(pid, &[]);
    (run, pid)
}

/// The lesson's own lines in a text run: up to the blank line.
fn lines_of(run: &Run) -> Vec<&str> {
    run.stdout.lines().take_while(|l| !l.is_empty()).collect()
}

#[test]
fn lesson_02_reports_a_relay_it_cannot_start_and_runs_the_other_child() {
    // The Ctrl-C thread, process 1's relay and the watch on stopped
    // children fit; process 2's relay does not.
    let (run, _) = refused("lesson-02-processes", &["--time-scale", "0.05"], 3);
    assert!(
        run.stderr
            .contains("process 2 (cubes): cannot start a thread to relay its lines"),
        "{}",
        run.stderr
    );
    let squares = (lines_of(&run).into_iter())
        .filter(|l| l.starts_with("Square: "))
        .count();
    assert_eq!(squares, 5, "{}", run.stdout);
    assert!(!run.stdout.contains("Cube: "), "{}", run.stdout);
}

#[test]
fn lesson_03_reports_a_pool_thread_it_cannot_start() {
    // The Ctrl-C thread and one pool thread fit; threadpool's second
    // panics inside its builder, which the lesson turns into one line.
    let (run, _) = refused("lesson-03-threadpool", &["--time-scale", "0.05"], 2);
    assert!(
        run.stderr.contains("cannot start the pool's threads: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("incomplete: 0 of 13 tasks finished"),
        "{}",
        run.stdout
    );
}

#[test]
fn lesson_04_goes_on_with_the_workers_it_could_start() {
    // The Ctrl-C thread, the pool's clock and worker 1's reader fit.
    let (run, _) = refused("lesson-04-processpool", &["--time-scale", "0.01"], 3);
    assert!(
        run.stderr
            .contains("worker 2: cannot start the thread that reads it"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the pool goes on with 1 of 3 workers"),
        "{}",
        run.stderr
    );
    // Nothing is lost: the one worker squares all 14 numbers.
    let squares = (lines_of(&run).into_iter())
        .filter(|l| l.starts_with("Square: "))
        .count();
    assert_eq!(squares, 14, "{}", run.stdout);
}

#[test]
fn lesson_05_reports_a_counting_thread_it_cannot_start_and_stops() {
    // The Ctrl-C thread and two counting threads of eight fit.
    let (run, pid) = refused(
        "lesson-05-locked-counter",
        &["--threads", "8", "--long-increments", "1000"],
        3,
    );
    assert!(
        run.stderr.contains("cannot start thread 3 of 8: "),
        "{}",
        run.stderr
    );
    // The other ways would be refused too: none of them ran.
    assert!(!run.stdout.contains("processes"), "{}", run.stdout);
    let prefix = format!("lesson-05-{pid}-");
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .expect("the temporary directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn lesson_06_reports_a_fetching_thread_it_cannot_start() {
    // The Ctrl-C thread and the HTTP client's own thread fit; the first
    // fetching thread does not. Port 1 on 127.0.0.1: nothing is fetched.
    let urls = ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"];
    let (run, _) = refused("lesson-06-scraper", &urls, 2);
    assert!(
        run.stderr.contains("cannot start fetching thread 1 of 2: "),
        "{}",
        run.stderr
    );
}

#[test]
fn lesson_07_goes_on_with_the_workers_it_could_start() {
    // The Ctrl-C thread and two workers of eight fit.
    let args = ["--workers", "8", "--time-scale", "0.05"];
    let (run, _) = refused("lesson-07-queue", &args, 3);
    assert!(
        run.stderr.contains("cannot start worker 3 of 8: "),
        "{}",
        run.stderr
    );
    let mut processed: Vec<&str> = lines_of(&run);
    processed.sort_unstable();
    let mut expected: Vec<String> =
        (0..10).map(|i| format!("Processed {i}")).collect();
    expected.sort_unstable();
    assert_eq!(processed, expected, "{}", run.stdout);
}

#[test]
fn lesson_08_goes_on_with_the_scope_threads_it_could_start() {
    // The Ctrl-C thread and one scope thread of two (rayon's pool is
    // started only for a rayon method).
    let args = [
        "--threads",
        "2",
        "--bound",
        "20000",
        "--only",
        "scope-threads",
        "--no-timeline",
    ];
    let (run, _) = refused("lesson-08-rayon", &args, 2);
    assert!(
        run.stderr.contains("cannot start thread 2 of 2: "),
        "{}",
        run.stderr
    );
}

/// Lesson 08's processes run in lesson 04's pool, whose threads must fail
/// the same way.
#[test]
fn lesson_08_processes_go_on_with_the_workers_they_could_start() {
    // The Ctrl-C thread, the pool's clock and worker 1's reader (rayon's
    // pool is started only for a rayon method).
    let args = [
        "--threads",
        "2",
        "--bound",
        "20000",
        "--only",
        "processes",
        "--no-timeline",
    ];
    let (run, _) = refused("lesson-08-rayon", &args, 3);
    assert!(
        run.stderr
            .contains("worker 2: cannot start the thread that reads it"),
        "{}",
        run.stderr
    );
}

#[test]
fn lesson_10_once_reports_the_first_asker_refused_and_starts_no_more() {
    // The Ctrl-C thread and asker 1 fit; asker 2 is refused, and the two
    // after it are not tried (one line, not three, nor a second line
    // about the askers that "did not finish").
    let (run, _) =
        refused("lesson-10-sync", &["--part", "once", "--no-timeline"], 2);
    assert!(
        run.stderr.contains("cannot start an asker: "),
        "{}",
        run.stderr
    );
}

#[test]
fn lesson_10_queue_reports_a_consumer_refused_and_starts_no_producer() {
    // The Ctrl-C thread and consumer 1 fit; consumer 2 is refused, no
    // producer starts, and consumer 1 ends when the queue is closed.
    let args = ["--part", "condvar", "--no-timeline", "--time-scale", "0.1"];
    let (run, _) = refused("lesson-10-sync", &args, 2);
    assert!(
        run.stderr.contains("cannot start a consumer: "),
        "{}",
        run.stderr
    );
}
