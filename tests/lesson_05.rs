//! Lesson 05: one counter shared by threads and by processes. The exact
//! ways count every increment for any N and M; the racy ways never count
//! more than they were given; the processes leave no child and no
//! temporary file behind, even after Ctrl-C; the print demo's lock groups
//! each thread's lines; bad values are usage errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde_json::Value;

use crate::procs;
use crate::util::{self, Report, Running, SCALE, TOLERANCE_MS, bin};

const LESSON: &str = "lesson-05-locked-counter";

/// The methods that must give exactly workers x increments.
const EXACT: [&str; 7] = [
    "Arc<Mutex<u64>>",
    "AtomicU64 fetch_add",
    "scope + Mutex, no Arc",
    "lock per increment",
    "lock per 100",
    "File::lock, read, write",
    "mapped AtomicU64",
];
/// The methods that may lose updates.
const RACY: [&str; 2] = ["racy load, then store", "mapped load, then store"];
/// How many processes the lesson starts for each process method.
const PROCESSES: u64 = 4;

/// One method's entry in the JSON `methods`.
#[derive(Debug)]
struct Method {
    workers: String,
    increments: u64,
    value: u64,
    expected: u64,
    lost: u64,
    ns_per_increment: f64,
}

fn methods(report: &Report) -> BTreeMap<String, Method> {
    let entries = report.doc["methods"]
        .as_array()
        .expect("methods is an array");
    let number = |entry: &Value, key: &str| {
        entry[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} is not a whole number: {entry}"))
    };
    entries
        .iter()
        .map(|entry| {
            let name = entry["method"].as_str().expect("a method name").to_owned();
            let method = Method {
                workers: entry["workers"].as_str().expect("workers").to_owned(),
                increments: number(entry, "increments"),
                value: number(entry, "final"),
                expected: number(entry, "expected"),
                lost: number(entry, "lost"),
                ns_per_increment: entry["ns_per_increment"]
                    .as_f64()
                    .expect("ns_per_increment is a number"),
            };
            (name, method)
        })
        .collect()
}

/// Threads in the singular or plural, as the lesson writes them.
fn threads_text(n: u64) -> String {
    if n == 1 {
        "1 thread".to_owned()
    } else {
        format!("{n} threads")
    }
}

/// Checks every method of one run of the lesson with `n` threads, `m`
/// increments and `l` long increments; returns the report.
fn check_counts(n: u64, m: u64, l: u64) -> Report {
    let args = [
        "--threads".to_owned(),
        n.to_string(),
        "--increments".to_owned(),
        m.to_string(),
        "--long-increments".to_owned(),
        l.to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (pid, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 0);
    let methods = methods(&report);
    assert_eq!(methods.len(), EXACT.len() + RACY.len(), "{methods:?}");
    for name in EXACT {
        let method = &methods[name];
        let (workers, increments) = match name {
            "File::lock, read, write" | "mapped AtomicU64" => (PROCESSES, m),
            "lock per increment" | "lock per 100" => (n, l),
            _ => (n, m),
        };
        assert_eq!(method.increments, increments, "{name}: {method:?}");
        assert_eq!(method.expected, workers * increments, "{name}: {method:?}");
        assert_eq!(method.value, workers * increments, "{name}: {method:?}");
        assert_eq!(method.lost, 0, "{name}: {method:?}");
        assert!(method.ns_per_increment > 0.0, "{name}: {method:?}");
    }
    assert_eq!(methods["Arc<Mutex<u64>>"].workers, threads_text(n));
    assert_eq!(methods["mapped AtomicU64"].workers, "4 processes");
    for name in RACY {
        let method = &methods[name];
        let workers = if name.starts_with("mapped") {
            PROCESSES
        } else {
            n
        };
        assert_eq!(method.expected, workers * l, "{name}: {method:?}");
        // A lost update can only make the count smaller, never larger.
        assert!(method.value <= method.expected, "{name}: {method:?}");
        assert!(method.value >= 1, "{name}: {method:?}");
        assert_eq!(method.lost, method.expected - method.value, "{name}");
    }
    // A single thread has no one to race with.
    if n == 1 {
        assert_eq!(methods["racy load, then store"].lost, 0);
    }
    procs::assert_none_left(pid, &[]);
    assert_temp_dir_gone(&report);
    assert!(!stderr.contains("panicked at"), "{stderr}");
    report
}

fn assert_temp_dir_gone(report: &Report) {
    let dir = report.doc["temp_dir"]
        .as_str()
        .expect("temp_dir is reported");
    assert!(dir.contains("lesson-05-"), "{dir}");
    assert!(!Path::new(dir).exists(), "{dir} was left behind");
}

#[test]
fn the_exact_ways_count_every_increment_for_several_n_and_m() {
    for (n, m, l) in [(1, 1, 1), (1, 1000, 1000), (3, 7, 50), (2, 20_000, 30_000)] {
        check_counts(n, m, l);
    }
}

#[test]
fn the_mapped_atomic_loses_nothing_when_the_four_processes_overlap() {
    // At 1000 increments a process is done in well under a millisecond,
    // often before the next one has read its `go`: a counter that loses
    // updates would still come out right. At 200 000 (about 5 ms each)
    // they overlap in most runs, and a load-then-store loses about half
    // of them; three runs make an overlap all but certain.
    for _ in 0..3 {
        check_counts(2, 200_000, 1000);
    }
}

#[test]
fn the_default_run_counts_4000_with_processes_and_leaves_nothing_behind() {
    let report = check_counts(4, 1000, 1_000_000);
    let methods = methods(&report);
    assert_eq!(methods["File::lock, read, write"].value, 4000);
    assert_eq!(methods["mapped AtomicU64"].value, 4000);
    // The lines say what ran, with the figures left to the measurements.
    let lines = report.lines();
    assert_eq!(
        lines[0], "4 threads, 1000 increments each, one counter: 3 exact ways",
        "{lines:?}"
    );
    // The processes' counting is on the timeline: one row per process,
    // one task per process method, all started at the same `go`.
    let by_worker = report.by_worker();
    let rows: Vec<&String> = by_worker.keys().collect();
    assert_eq!(rows, ["process 1", "process 2", "process 3", "process 4"]);
    for labels in by_worker.values() {
        let mut labels = labels.clone();
        labels.sort();
        assert_eq!(labels, ["file-lock", "mapped-atomic", "unlocked"]);
    }
    // A run with no sleeps has no ideal or sequential time to compare with.
    assert_eq!(report.doc["ideal_ms"], Value::Null);
    assert_eq!(report.doc["sequential_ms"], Value::Null);
    assert_eq!(report.doc["poisoned_value"], 5);
}

#[test]
fn poisoning_is_shown_and_the_value_recovered() {
    let report = util::report(&bin(LESSON), &["--long-increments", "10"], 0);
    let lines: Vec<String> = report
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("poisoning:"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("lock() returned Err(PoisonError)")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("into_inner() still gives the value: 5")),
        "{lines:?}"
    );
}

#[test]
fn the_text_run_shows_a_row_of_figures_per_method() {
    let run = util::run(
        &bin(LESSON),
        &["--long-increments", "1000", "--no-timeline"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The measurements follow the lesson's lines after a blank line.
    let blocks: Vec<&str> = run.stdout.split("\n\n").collect();
    let table = blocks.get(1).unwrap_or_else(|| panic!("{}", run.stdout));
    let heading = table.lines().next().unwrap_or_default();
    for column in ["method", "final", "expected", "lost", "ns/incr"] {
        assert!(heading.contains(column), "{heading}");
    }
    for name in EXACT.iter().chain(&RACY) {
        assert!(
            table.lines().any(|row| row.starts_with(name)),
            "no row for {name}:\n{table}"
        );
    }
    let arc_row = table.lines().find(|r| r.starts_with("Arc<Mutex<u64>>"));
    let figures: Vec<&str> =
        arc_row.unwrap_or_default().split_whitespace().collect();
    // ... 4 threads x 1000, then final, expected, lost, ns per increment.
    assert_eq!(figures[5..8], ["4000", "4000", "0"], "{arc_row:?}");
}

#[test]
fn bad_values_are_usage_errors_naming_the_option_and_the_limit() {
    let cases: [(&[&str], &str, &str); 9] = [
        (&["--threads", "0"], "--threads", "1 to 64"),
        (&["--threads", "-3"], "--threads", "1 to 64"),
        (&["--threads", "four"], "--threads", "1 to 64"),
        (&["--threads", "65"], "--threads", "1 to 64"),
        (&["--increments", "0"], "--increments", "1 to 1000000"),
        (&["--increments", "1.5"], "--increments", "1 to 1000000"),
        (
            &["--increments", "18446744073709551616"],
            "--increments",
            "1 to 1000000",
        ),
        (
            &["--long-increments", "-1"],
            "--long-increments",
            "1 to 10000000",
        ),
        // Each value is in range, but the run would take minutes.
        (
            &["--threads", "64", "--long-increments", "10000000"],
            "--long-increments",
            "at most 100000000",
        ),
    ];
    for (args, option, limit) in cases {
        let run = util::usage_error(&bin(LESSON), args, option);
        assert!(run.stderr.contains(limit), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn ctrl_c_while_the_processes_count_exits_130_and_leaves_nothing_behind() {
    // 4 processes x 300 000 file-locked increments: several seconds, so the
    // processes are still counting when the signal comes.
    let args = [
        "--json",
        "--increments",
        "300000",
        "--long-increments",
        "10",
    ];
    let lesson = Running::start(&bin(LESSON), &args);
    let pid = lesson.pid;
    let began = Instant::now();
    let mut children = procs::started_by(pid);
    // Started, and past their first step: a child blocks the stop signals
    // as it starts (it leaves stopping to its parent); one signalled in the
    // microseconds before would die of it, a different case.
    while children.len() < 4 || !children.iter().all(|&c| blocks_sigint(c)) {
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "the processes never started: {children:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
        children = procs::started_by(pid);
    }
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(5));
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    for word in ["failed", "panicked", "ended before"] {
        assert!(!stopped.stderr.contains(word), "{}", stopped.stderr);
    }
    let report = Report::parse(&stopped.rest.join("\n"));
    assert_eq!(report.doc["interrupted"], true);
    // The file-lock run was cut short, so it reports no figures.
    let methods = methods(&report);
    assert!(
        !methods.contains_key("File::lock, read, write"),
        "{methods:?}"
    );
    procs::assert_none_left(pid, &children);
    assert_temp_dir_gone(&report);
}

#[test]
fn a_closed_stdout_ends_the_lesson_and_removes_its_temporary_directory() {
    // As `| head -4` does: the lesson's next write fails, and the kit ends
    // the process itself, through the lesson's exit hook.
    let args = ["--increments", "100000", "--long-increments", "10"];
    let mut lesson = Running::start(&bin(LESSON), &args);
    let pid = lesson.pid;
    let started = std::iter::from_fn(|| lesson.next_line())
        .find(|line| line.starts_with("4 processes"));
    assert!(started.is_some(), "the processes never started");
    let run = lesson.close_stdout_and_wait(Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked at"), "{}", run.stderr);
    procs::assert_none_left(pid, &[]);
    let left = remove_runs_directories(pid);
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Removes what the run with PID `pid` left in the temporary directory,
/// and returns the names: a test that finds litter fails without leaving
/// it behind for the next.
fn remove_runs_directories(pid: u32) -> Vec<String> {
    let prefix = format!("lesson-05-{pid}-");
    let temp = std::env::temp_dir();
    let left: Vec<String> = std::fs::read_dir(&temp)
        .expect("the temporary directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(&prefix))
        .collect();
    for name in &left {
        let _ = std::fs::remove_dir_all(temp.join(name));
    }
    left
}

/// Starts the lesson with `args` and waits until its four counting
/// processes have started and are past their first step, where each
/// blocks the stop signals; returns the lesson and their PIDs.
fn start_counting(args: &[&str]) -> (Running, Vec<u32>) {
    let lesson = Running::start(&bin(LESSON), args);
    let began = Instant::now();
    let mut children = procs::started_by(lesson.pid);
    while children.len() < 4 || !children.iter().all(|&c| blocks_sigint(c)) {
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "the processes never started: {children:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
        children = procs::started_by(lesson.pid);
    }
    (lesson, children)
}

fn send(pid: u32, signal: Signal) {
    let raw = nix::unistd::Pid::from_raw(i32::try_from(pid).expect("a pid"));
    nix::sys::signal::kill(raw, signal).expect("the signal is sent");
}

/// `kill -STOP` of a counting process (which may hold the file lock, so
/// that the others wait for it too): it is given up on after a second,
/// killed and reaped, one line says so, and the other ways still run.
#[test]
fn a_process_stopped_from_outside_is_given_up_on_not_waited_for() {
    let args = [
        "--json",
        "--increments",
        "300000",
        "--long-increments",
        "10",
    ];
    let (lesson, children) = start_counting(&args);
    send(children[0], Signal::SIGSTOP);
    let pid = lesson.pid;
    let run = lesson.finish_within(Duration::from_secs(60));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let errors = util::strings(&report.doc["errors"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].ends_with(
            "stopped from outside (SIGSTOP) and left stopped for 1 s: killed"
        ),
        "{errors:?}"
    );
    // The file-lock count is lost with the process; the mapped ways ran.
    let methods = methods(&report);
    assert!(
        !methods.contains_key("File::lock, read, write"),
        "{methods:?}"
    );
    assert_eq!(methods["mapped AtomicU64"].value, 4 * 300_000);
    procs::assert_none_left(pid, &children);
    assert_temp_dir_gone(&report);
}

/// A SIGSEGV sent from outside interrupts a process waiting for the file
/// lock: Rust's handler takes the signal (it looks for stack overflows), and
/// the wait returns EINTR. That is no failure: the lock is waited for again,
/// and the count is still exact.
#[test]
fn a_signal_during_the_wait_for_the_file_lock_loses_nothing() {
    let increments = 200_000;
    let each = increments.to_string();
    let args = ["--json", "--increments", &each, "--long-increments", "10"];
    let (lesson, children) = start_counting(&args);
    // Each process once (a second SIGSEGV would kill it), as it waits for
    // the lock: its wait channel says so.
    // One that has ended (it failed, or finished) is left alone.
    for &child in &children {
        let began = Instant::now();
        while procs::alive(child) && !waits_for_a_file_lock(child) {
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "{child} never waited for the lock"
            );
            std::thread::yield_now();
        }
        if procs::alive(child) {
            send(child, Signal::SIGSEGV);
        }
    }
    let pid = lesson.pid;
    let run = lesson.finish_within(Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let value = methods(&report)["File::lock, read, write"].value;
    assert_eq!(value, 4 * increments);
    procs::assert_none_left(pid, &children);
}

/// A file or directory a test made, removed when dropped: when the test
/// passes and when it fails.
struct Removed(PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Whether process `pid` is waiting for a file lock (`flock`), as its wait
/// channel in `/proc` says.
fn waits_for_a_file_lock(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/wchan"))
        .is_ok_and(|wchan| wchan.contains("lock_inode_wait"))
}

/// A temporary directory with no room left: the counter files cannot be
/// written, and each way that needs one says so in one line that names the
/// cause, instead of its processes dying of SIGBUS (the first store to a
/// file that was only sized finds no room for the page).
///
/// The directory is a tiny tmpfs mounted in a mount namespace of the
/// lesson's own, already full: it vanishes with the lesson. Making one
/// needs CAP_SYS_ADMIN; where it is refused, the test says so and passes.
#[test]
fn a_full_temporary_directory_is_one_line_per_way_not_sigbus() {
    use nix::fcntl::{OFlag, open};
    use nix::mount::{MsFlags, mount};
    use nix::sched::{CloneFlags, unshare};
    use nix::sys::stat::Mode;
    use std::os::unix::process::CommandExt;

    let dir = std::env::temp_dir()
        .join(format!("lesson-tests-{}-full", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a mount point");
    // Dropped once the lesson has ended, whatever the test found: removed
    // while the lesson ran, the mount point would take its tmpfs with it.
    let _removed = Removed(dir.clone());
    let mut command =
        util::command(&bin(LESSON), &["--long-increments", "10", "--no-timeline"]);
    command.env("TMPDIR", &dir);
    let (point, fill) = (dir.clone(), dir.join("fill"));
    // SAFETY: between fork and exec only async-signal-safe calls may run:
    // these are system calls, and nix passes paths this short on the stack.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || {
            let private = MsFlags::MS_REC | MsFlags::MS_PRIVATE;
            unshare(CloneFlags::CLONE_NEWNS)?;
            mount(None::<&str>, "/", None::<&str>, private, None::<&str>)?;
            let size = Some("size=4k");
            mount(Some("tmpfs"), &point, Some("tmpfs"), MsFlags::empty(), size)?;
            // One page, taken: the next write finds no room.
            let flags = OFlag::O_CREAT | OFlag::O_WRONLY;
            let fd = open(&fill, flags, Mode::from_bits_truncate(0o600))?;
            nix::unistd::write(&fd, &[0; 4096])?;
            Ok(())
        });
    }
    let child = match command.spawn() {
        Err(err) if err.raw_os_error() == Some(nix::libc::EPERM) => {
            eprintln!("skipped: no mount namespace here ({err})");
            return;
        }
        spawned => spawned.expect("the lesson starts"),
    };
    let ended = util::wait_within(child, Duration::from_secs(30));
    let run: util::Run = ended.expect("the lesson ends").into();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    for word in ["SIGBUS", "ended before", "panicked at"] {
        assert!(!run.stderr.contains(word), "{}", run.stderr);
    }
    let full: Vec<&str> = (run.stderr.lines())
        .filter(|line| line.contains("No space left on device"))
        .collect();
    assert_eq!(full.len(), 3, "{}", run.stderr);
    for (line, way) in full.iter().zip(["file-lock", "mapped-atomic", "unlocked"]) {
        let named = format!(
            "lesson-05-locked-counter: {way}: cannot make the counter file "
        );
        assert!(line.starts_with(&named), "{}", run.stderr);
    }
    // The threads' ways are no files: they counted as ever.
    assert!(run.stdout.contains("Arc<Mutex<u64>>"), "{}", run.stdout);
}

/// The hidden role on a file shorter than the counter: one line and exit
/// 1, not a death by SIGBUS at the first touch of the mapping.
#[test]
fn a_mapped_role_refuses_a_file_too_short_for_the_counter() {
    let file = std::env::temp_dir()
        .join(format!("lesson-tests-{}-empty", std::process::id()));
    std::fs::write(&file, b"").expect("an empty file");
    let _removed = Removed(file.clone());
    let path = file.to_str().expect("a UTF-8 path");
    for role in ["mapped-atomic", "unlocked"] {
        let args = ["--role", role, "--counter-file", path, "--each", "5"];
        let run = util::run(&bin(LESSON), &args);
        assert_eq!(run.code, Some(1), "{role}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!(
                "lesson-05-locked-counter: {role} process: the counter file is \
                 shorter than 8 bytes\n"
            )
        );
    }
}

/// A run killed by a signal nothing can catch in time (SIGKILL, SIGQUIT)
/// leaves its directory behind; the next run removes it, and only the
/// directories of runs whose process is gone.
#[test]
fn directories_left_by_runs_that_are_gone_are_removed_at_the_next_start() {
    let temp = std::env::temp_dir();
    // A PID that no process has now: a child's, once it is reaped.
    let gone = std::process::Command::new("true")
        .spawn()
        .and_then(|mut child| child.wait().map(|_| child.id()))
        .expect("true runs");
    let stale = temp.join(format!("lesson-05-{gone}-123"));
    // This test's own PID is alive: its directory is some run's, going on.
    let live = temp.join(format!("lesson-05-{}-456", std::process::id()));
    let _removed = [Removed(stale.clone()), Removed(live.clone())];
    for dir in [&stale, &live] {
        std::fs::create_dir_all(dir).expect("a directory");
        std::fs::write(dir.join("counter-file-lock"), [0; 8]).expect("a counter");
    }
    let run = util::run(&bin(LESSON), &["--long-increments", "10", "--no-timeline"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!stale.exists(), "{} was left", stale.display());
    assert!(live.exists(), "{} was removed", live.display());
}

/// The print demo's lines as (thread, number), in the order printed.
fn printed(report: &Report) -> Vec<(u32, u32)> {
    report
        .lines()
        .iter()
        .map(|line| {
            let parsed = line
                .strip_prefix("thread ")
                .and_then(|rest| rest.split_once(": "))
                .and_then(|(t, i)| Some((t.parse().ok()?, i.parse().ok()?)));
            parsed.unwrap_or_else(|| panic!("not a print demo line: {line:?}"))
        })
        .collect()
}

/// Each thread's numbers, in the order printed: 0 to 9 for every thread.
fn assert_each_thread_counts_in_order(lines: &[(u32, u32)]) {
    assert_eq!(lines.len(), 50, "{lines:?}");
    for thread in 1..=5 {
        let mine: Vec<u32> = lines
            .iter()
            .filter(|l| l.0 == thread)
            .map(|l| l.1)
            .collect();
        assert_eq!(mine, (0..10).collect::<Vec<_>>(), "thread {thread}");
    }
}

/// How many times the printing thread changes from one line to the next.
fn switches(lines: &[(u32, u32)]) -> usize {
    lines
        .windows(2)
        .filter(|pair| pair[0].0 != pair[1].0)
        .count()
}

#[test]
fn with_the_lock_each_threads_ten_lines_come_together() {
    let args = [
        "--print-demo",
        "with-lock",
        "--time-scale",
        &SCALE.to_string(),
    ];
    let report = util::report(&bin(LESSON), &args, 0);
    let lines = printed(&report);
    assert_each_thread_counts_in_order(&lines);
    // Five groups of ten: the thread changes only between groups.
    assert_eq!(switches(&lines), 4, "{lines:?}");
    // The lock made the threads take turns: 50 pauses one after another,
    // where the plan's ideal is 10 (five threads side by side).
    let (elapsed, ideal) = (report.ms("elapsed_ms"), report.ms("ideal_ms"));
    report.assert_plan(10.0 * 100.0 * SCALE, 50.0 * 100.0 * SCALE);
    assert!(
        elapsed >= 5.0 * ideal,
        "elapsed {elapsed} ms, ideal {ideal} ms"
    );
    // On the timeline no two threads' tasks overlap.
    let mut tasks = report.tasks();
    tasks.sort_by(|a, b| a.2.total_cmp(&b.2));
    for pair in tasks.windows(2) {
        if pair[0].0 != pair[1].0 {
            assert!(pair[1].2 >= pair[0].3, "overlap: {pair:?}");
        }
    }
}

#[test]
fn without_the_lock_the_lines_interleave() {
    let args = [
        "--print-demo",
        "without-lock",
        "--time-scale",
        &SCALE.to_string(),
    ];
    let report = util::report(&bin(LESSON), &args, 0);
    let lines = printed(&report);
    assert_each_thread_counts_in_order(&lines);
    // Grouped lines would switch threads 4 times; side by side, the threads
    // print their 0s, then their 1s, and so on: dozens of switches. 20 is
    // far from both, whatever the machine's load.
    assert!(switches(&lines) > 20, "{lines:?}");
    report.assert_near_ideal();
    assert!(report.ms("elapsed_ms") < 10.0 * 100.0 * SCALE + TOLERANCE_MS);
}

#[test]
fn a_bad_print_demo_is_a_usage_error() {
    let run = util::run(&bin(LESSON), &["--print-demo", "sometimes"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--print-demo"), "{}", run.stderr);
}

#[test]
fn the_plain_example_counts_to_4000() {
    let run = util::run(&util::example("plain-05"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "Final value: 4000\n");
}

#[test]
fn the_copied_counter_example_prints_0() {
    let run = util::run(&util::example("copied_counter"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[4], "main: counter = 0");
    let mut copies = lines[..4].to_vec();
    copies.sort_unstable();
    let expected: Vec<String> = (1..=4)
        .map(|n| format!("thread {n}: its own copy is 1000"))
        .collect();
    assert_eq!(copies, expected);
}

/// Whether process `pid` blocks SIGINT (`SigBlk` in `/proc/PID/status`).
fn blocks_sigint(pid: u32) -> bool {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigBlk:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
}
