//! Lesson 11: a process seen from inside. What the lesson reports is checked
//! against what the test can see for itself: the region each address falls
//! in and its permissions (from the kernel's own line), the PID, parent and
//! open files the test gave it, the state each thread and child was held
//! in, the pinned threads' switches, a child's change that stays in the
//! child, one program file behind two processes, the memory a big parent
//! holds; and nothing left running after any run, Ctrl-C included.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use nix::sched::{CpuSet, sched_setaffinity};
use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;
use serde_json::Value;

use crate::procs::{self, assert_none_left, started_by};
use crate::util::{self, Report, Running, TOLERANCE_MS, bin, example};

const LESSON: &str = "lesson-11-anatomy";

/// The parts, in the order the default run shows them.
const PARTS: [&str; 7] = [
    "parts",
    "pcb",
    "states",
    "scheduler",
    "isolation",
    "program",
    "spawn",
];

/// Runs one part with `--json` and `extra` options; the lesson's PID, its
/// report and its stderr.
fn part(name: &str, extra: &[&str]) -> (u32, Report, String) {
    let mut args = vec!["--part", name];
    args.extend_from_slice(extra);
    procs::report_with_pid(&bin(LESSON), &args, 0)
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string in {value}"))
}

fn number(value: &Value, field: &str) -> u64 {
    value[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} is not a number in {value}"))
}

fn float(value: &Value, field: &str) -> f64 {
    value[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number in {value}"))
}

fn list<'a>(value: &'a Value, field: &str) -> &'a Vec<Value> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not a list in {value}"))
}

fn pid_of(value: &Value, field: &str) -> u32 {
    u32::try_from(number(value, field)).expect("a pid fits in u32")
}

/// A line of `/proc/PID/maps`, read here, not with the lesson's code:
/// start, end, permissions, path (empty for an anonymous mapping).
fn maps_line(line: &str) -> (u64, u64, String, String) {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (start, end) = fields[0].split_once('-').expect("start-end");
    let hex = |n| u64::from_str_radix(n, 16).expect("a hex address");
    let path = fields
        .get(5..)
        .map(|rest| rest.join(" "))
        .unwrap_or_default();
    (hex(start), hex(end), fields[1].to_owned(), path)
}

#[test]
fn each_address_lies_in_a_region_with_the_permissions_of_its_part() {
    let (pid, report, stderr) = part("parts", &[]);
    let parts = list(&report.doc, "parts");
    assert_eq!(parts.len(), 7, "{stderr}");
    let program = fs::canonicalize(bin(LESSON)).expect("the lesson's path");
    let program = program.to_string_lossy();
    for found in parts {
        let address = number(found, "address");
        let (start, end, perms, path) = maps_line(text(found, "region"));
        let what = format!("{}: {}", text(found, "part"), text(found, "what"));
        assert!(
            start <= address && address < end,
            "{what} at {address:#x} is not in {start:#x}-{end:#x}"
        );
        assert_eq!(text(found, "perms"), perms, "{what}");
        let (read, write, run) = (
            perms.starts_with('r'),
            perms.chars().nth(1) == Some('w'),
            perms.chars().nth(2) == Some('x'),
        );
        assert!(read, "{what}: {perms}");
        match what.as_str() {
            "code: a function" => assert!(run && !write, "{what}: {perms}"),
            "data: a static" => assert!(write && !run, "{what}: {perms}"),
            "read-only data: a string literal" => {
                assert!(!write && !run, "{what}: {perms}")
            }
            _ => assert!(write && !run, "{what}: {perms}"),
        }
        let expected_path = match what.as_str() {
            "code: a function"
            | "data: a static"
            | "read-only data: a string literal" => Some(program.as_ref()),
            "heap: a Box" => Some("[heap]"),
            "stack: a local of main" => Some("[stack]"),
            "stack: a local of a thread" => Some(""),
            // A thread's allocations come from an arena of its own, most
            // likely: anonymous memory, or the main heap if there is one.
            _ => None,
        };
        if let Some(expected) = expected_path {
            assert_eq!(path, expected, "{what}");
        }
    }
    // The second run is laid out anew: with randomisation on (2, the
    // default), every one of the seven moved.
    let randomised = fs::read_to_string("/proc/sys/kernel/randomize_va_space")
        .is_ok_and(|setting| setting.trim() == "2");
    if randomised {
        for found in parts {
            assert_ne!(found["address"], found["second_run"], "{found}");
        }
    }
    let second = pid_of(&report.doc, "second_run_pid");
    assert_ne!(second, pid);
    assert_none_left(pid, &[second]);
}

#[test]
fn the_pcb_agrees_with_what_the_test_gave_the_lesson() {
    let (pid, report, stderr) = part("pcb", &[]);
    let pcb = &report.doc["pcb"];
    assert_eq!(pid_of(pcb, "pid"), pid, "{stderr}");
    assert_eq!(
        pid_of(pcb, "ppid"),
        std::process::id(),
        "the test started it"
    );
    assert!(text(pcb, "state").starts_with('R'), "{pcb}");
    // Threads counts the tasks, and the main thread's id is the PID.
    let tasks = list(pcb, "tasks");
    assert_eq!(number(pcb, "threads"), tasks.len() as u64, "{pcb}");
    assert!(tasks.iter().any(|t| pid_of(t, "tid") == pid), "{pcb}");
    // The test gave it stdin /dev/null, stdout a pipe, stderr a file.
    let fds = list(pcb, "fds");
    let target = |fd: u64| -> &str {
        let found = fds.iter().find(|f| number(f, "fd") == fd);
        text(
            found.unwrap_or_else(|| panic!("no fd {fd}: {pcb}")),
            "target",
        )
    };
    assert_eq!(target(0), "/dev/null");
    assert!(target(1).starts_with("pipe:["), "{}", target(1));
    assert!(
        target(2).contains("lesson-tests-") && target(2).ends_with(".stderr"),
        "{}",
        target(2)
    );
    assert!(
        fds.iter()
            .any(|f| text(f, "target").ends_with("(this listing)")),
        "{pcb}"
    );
    // Its limits are the ones it inherited from this test.
    let own = fs::read_to_string("/proc/self/limits").expect("our limits");
    let limits = list(pcb, "limits");
    assert!(limits.len() >= 3, "{pcb}");
    for limit in limits {
        let name = text(limit, "name");
        let ours = own
            .lines()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} here"));
        let ours: Vec<&str> = ours[name.len()..].split_whitespace().collect();
        assert_eq!(
            (text(limit, "soft"), text(limit, "hard")),
            (ours[0], ours[1]),
            "{name}"
        );
    }
}

#[test]
fn each_thread_and_child_is_seen_in_the_state_it_is_held_in() {
    let (pid, report, stderr) = part("states", &[]);
    let expected = [
        ("main (reading /proc)", "R"),
        ("thread: computes", "R"),
        ("thread: sleeps", "S"),
        ("thread: locks a Mutex", "S"),
        ("thread: reads a pipe", "S"),
        ("child: stopped", "T"),
        ("child: exited", "Z"),
    ];
    let states = list(&report.doc, "states");
    let seen: Vec<(&str, &str)> = states
        .iter()
        .map(|s| (text(s, "who"), s["state"].as_str().unwrap_or("nothing")))
        .collect();
    assert_eq!(seen, expected, "{stderr}");
    assert!(!stderr.contains("never seen"), "{stderr}");
    // The threads are this process's tasks; the children are processes.
    let ids = |kind: &str| -> Vec<u32> {
        let of_kind = states.iter().filter(|s| text(s, "kind") == kind);
        of_kind.map(|s| pid_of(s, "id")).collect()
    };
    let threads = ids("thread");
    assert_eq!(threads[0], pid, "main's thread id is the PID");
    let mut distinct = threads.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "{threads:?}");
    // The zombie was reaped, and neither child is left in any state.
    // Stopped only once asleep in its read of stdin (system call 0 on
    // x86-64), and so shown there.
    if cfg!(target_arch = "x86_64") {
        assert_eq!(states[5]["syscall"], 0, "{}", states[5]);
    }
    let zombie = &report.doc["zombie"];
    assert_eq!(zombie["reaped"], true);
    assert_eq!(procs::state(pid_of(zombie, "pid")), None, "still a zombie");
    assert_none_left(pid, &ids("process"));
}

#[test]
fn pinned_threads_switch_involuntarily_and_a_sleeper_voluntarily() {
    let (_, report, stderr) = part("scheduler", &[]);
    let scheduler = &report.doc["scheduler"];
    let work = float(scheduler, "work_ms");
    let runs = list(scheduler, "runs");
    let run = |name: &str| -> Vec<&Value> {
        runs.iter().filter(|r| text(r, "run") == name).collect()
    };
    let one_core = run("one core");
    assert_eq!(one_core.len(), 2, "{stderr}");
    assert_eq!(one_core[0]["core"], one_core[1]["core"], "not on one core");
    for busy in &one_core {
        assert!(number(busy, "involuntary") > 0, "no turns taken: {busy}");
        assert!(float(busy, "on_cpu_ms") >= work, "{busy}");
    }
    // One core runs one thread at a time: from the first start to the last
    // end, it gave them their two CPU times one after the other. (The 10%
    // is for the kernel's CPU clock, which lags up to a tick.)
    let span = |runs: &[&Value]| {
        let start = runs
            .iter()
            .map(|r| float(r, "start_ms"))
            .fold(f64::MAX, f64::min);
        let end = runs.iter().map(|r| float(r, "end_ms")).fold(0.0, f64::max);
        end - start
    };
    let both: f64 = one_core.iter().map(|r| float(r, "on_cpu_ms")).sum();
    assert!(
        span(&one_core) >= 0.9 * both,
        "one core ran {both} ms of CPU in {} ms",
        span(&one_core)
    );
    let cores = list(scheduler, "cores");
    let two_cores = run("two cores");
    if cores.len() >= 2 {
        assert_eq!(two_cores.len(), 2);
        assert_ne!(two_cores[0]["core"], two_cores[1]["core"]);
    } else {
        assert!(two_cores.is_empty());
    }
    let sleeper = run("sleeps");
    assert_eq!(sleeper.len(), 1);
    let sleeps = number(scheduler, "sleeps");
    assert!(number(sleeper[0], "voluntary") >= sleeps, "{}", sleeper[0]);
}

#[test]
fn the_childs_change_stays_in_the_child_and_the_threads_is_shared() {
    let (pid, report, stderr) = part("isolation", &[]);
    let seen = list(&report.doc, "isolation");
    let rows: Vec<(&str, u64)> = seen
        .iter()
        .map(|s| (text(s, "who"), number(s, "value")))
        .collect();
    assert_eq!(
        rows,
        [
            ("parent, at first", 7),
            ("parent, after storing 8", 8),
            // A program started anew: the file's 7, not the parent's 8.
            ("child, at first", 7),
            ("child, after storing 42", 42),
            ("parent, after the child", 8),
            ("parent, after a thread stored 43", 43),
        ],
        "{stderr}"
    );
    let pids: Vec<u32> = seen.iter().map(|s| pid_of(s, "pid")).collect();
    let child = pids[2];
    assert_ne!(child, pid);
    assert_eq!(pids, [pid, pid, child, child, pid, pid]);
    // Each process has one NUMBER, at one address, throughout.
    let addresses: Vec<u64> = seen.iter().map(|s| number(s, "address")).collect();
    assert_eq!(addresses[2], addresses[3]);
    assert!([0, 1, 4, 5].iter().all(|&i| addresses[i] == addresses[0]));
    assert_none_left(pid, &[child]);
}

#[test]
fn two_processes_of_one_file_share_its_code_pages() {
    let (pid, report, stderr) = part("program", &[]);
    let program = list(&report.doc, "program");
    assert_eq!(program.len(), 2, "{stderr}");
    let (lesson, child) = (&program[0], &program[1]);
    assert_eq!(pid_of(lesson, "pid"), pid);
    assert_ne!(pid_of(child, "pid"), pid);
    // One file: the one the test ran, by its inode.
    let inode = fs::metadata(bin(LESSON)).expect("the lesson's file").ino();
    for one in program {
        assert_eq!(number(one, "inode"), inode, "{one}");
        assert_eq!(one["file"], lesson["file"]);
        assert_eq!(one["device"], lesson["device"]);
        // Pages in memory once, counted as shared by each (dirty while a
        // file just built is not yet on disk).
        let shared =
            number(one, "shared_clean_kib") + number(one, "shared_dirty_kib");
        assert!(shared > 0, "{one}");
        assert!(number(one, "pss_kib") < number(one, "rss_kib"), "{one}");
    }
    assert_none_left(pid, &[pid_of(child, "pid")]);
}

/// The median of a list of times in ms.
fn median(times: &Value) -> f64 {
    let mut times: Vec<f64> = (times.as_array().expect("a list").iter())
        .map(|t| t.as_f64().expect("a time"))
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[test]
fn fork_slows_down_with_a_big_parent_and_posix_spawn_does_not() {
    let (_, report, stderr) =
        part("spawn", &["--parent-mib", "128", "--rounds", "3"]);
    assert!(
        report.lines()[0].contains("3 times each way"),
        "{:?}",
        report.lines()
    );
    let spawn = &report.doc["spawn"];
    let (small, big) = (&spawn["small"], &spawn["big"]);
    for times in [small, big] {
        for way in ["posix_spawn_ms", "fork_ms"] {
            assert_eq!(list(times, way).len(), 3, "{way}: {stderr}");
        }
    }
    // Every page of the 128 MiB was written, so it is all in memory.
    let grew = number(big, "rss_kib").saturating_sub(number(small, "rss_kib"));
    assert!(grew >= 120 * 1024, "the parent grew by {grew} kB only");
    // On a quiet machine: about 1 ms against 15 ms. A busy one slows both
    // alike; only forking copies 128 MiB of page tables' worth.
    let (spawned, forked) =
        (median(&big["posix_spawn_ms"]), median(&big["fork_ms"]));
    assert!(
        forked > 2.0 * spawned,
        "from a 128 MiB parent: fork {forked} ms, posix_spawn {spawned} ms"
    );
}

#[test]
fn one_round_is_said_once() {
    let (_, report, stderr) = part("spawn", &["--parent-mib", "1", "--rounds", "1"]);
    let first = report.lines().first().cloned().unwrap_or_default();
    assert!(first.contains(" once each way"), "{first}: {stderr}");
}

/// A memory limit below what `--parent-mib` asks for: one line that says
/// how much there is, and exit 1, before anything is allocated. An
/// address-space limit (`ulimit -v`) stands here for a memory cgroup's,
/// which the lesson checks the same way but a test cannot set up.
#[test]
fn a_parent_bigger_than_the_memory_left_is_refused_before_it_is_filled() {
    let lesson = bin(LESSON);
    let mut command = util::command(
        std::path::Path::new("sh"),
        &["-c", "ulimit -v 1048576 && exec \"$0\" \"$@\""],
    );
    command.arg(&lesson);
    command.args(["--json", "--part", "spawn", "--parent-mib", "2048"]);
    let run = util::run_command(command);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let errors = util::strings(&report.doc["errors"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let error = &errors[0];
    assert!(
        error.starts_with("spawn: cannot hold 2048 MiB more: about ")
            && error.contains("MiB is free here (the address-space limit)"),
        "{error}"
    );
    // Refused before the part began: not one of its lines, no measurement.
    assert!(report.lines().is_empty(), "{:?}", report.lines());
    assert!(report.doc["spawn"].is_null());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

/// Allowed one core only (`taskset -c 0`), the scheduler part says so in
/// its first line and runs the one-core pair and the sleeper, no more.
#[test]
fn the_scheduler_on_one_allowed_core_says_so_and_skips_the_run_on_two() {
    let mut command =
        util::command(&bin(LESSON), &["--json", "--part", "scheduler"]);
    one_core_only(&mut command);
    let run = util::run_command(command);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = Report::parse(&run.stdout);
    let lines = report.lines();
    assert!(
        lines[0].contains("on one core (this process may use no other)"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("no run on two")),
        "{lines:?}"
    );
    let scheduler = &report.doc["scheduler"];
    assert_eq!(scheduler["cores"], serde_json::json!([0]));
    assert!(number(scheduler, "machine_cores") >= 1, "{scheduler}");
    let runs: Vec<&str> = (list(scheduler, "runs").iter())
        .map(|r| text(r, "run"))
        .collect();
    assert_eq!(runs, ["one core", "one core", "sleeps"]);
}

#[allow(unsafe_code)] // a hook run between fork and exec
fn one_core_only(command: &mut std::process::Command) {
    // SAFETY: the hook runs in the forked child before exec, where only
    // async-signal-safe calls are allowed: sched_setaffinity is a system
    // call, and the set is built on the hook's own stack.
    unsafe {
        command.pre_exec(|| {
            let mut core_0 = CpuSet::new();
            core_0.set(0)?;
            sched_setaffinity(Pid::from_raw(0), &core_0)?;
            Ok(())
        });
    }
}

/// The command line of process `pid`, its arguments joined by spaces.
fn command_line(pid: u32) -> String {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    String::from_utf8_lossy(&raw).replace('\0', " ")
}

/// The children of process `pid`: quick to read from each of its threads'
/// `children` file where the kernel has them, else found in all of `/proc`.
fn children_of(pid: u32) -> Vec<u32> {
    let listed = fs::read_dir(format!("/proc/{pid}/task")).map(|tasks| {
        (tasks.flatten())
            .filter_map(|task| fs::read_to_string(task.path().join("children")).ok())
            .flat_map(|text| {
                let pids: Vec<u32> = text
                    .split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect();
                pids
            })
            .collect::<Vec<u32>>()
    });
    let has_files = fs::metadata(format!("/proc/{pid}/task/{pid}/children")).is_ok();
    match listed {
        Ok(listed) if has_files => listed,
        _ => (procs::all_pids().into_iter())
            .filter(|&child| procs::parent(child) == Some(pid))
            .collect(),
    }
}

/// Which child of the lesson to stop: one running `true`, or one in a
/// role (`--role stay`), after passing over the first `skip` of them.
struct Pick {
    what: &'static str,
    skip: usize,
}

impl Pick {
    fn matches(&self, pid: u32) -> bool {
        if self.what == "true" {
            return fs::read_link(format!("/proc/{pid}/exe"))
                .is_ok_and(|exe| exe.ends_with("true"));
        }
        command_line(pid).contains(&format!("--role {} ", self.what))
    }
}

/// Stops (SIGSTOP) the child of `lesson` that `pick` names, the moment it
/// is seen; `None` if the lesson ended first. The child may live a few
/// milliseconds only: the loop does not sleep.
fn stop_a_child(lesson: u32, pick: &Pick) -> Option<u32> {
    let mut passed = Vec::new();
    let began = Instant::now();
    while procs::alive(lesson) && began.elapsed() < Duration::from_secs(30) {
        let children = children_of(lesson)
            .into_iter()
            .filter(|&pid| pick.matches(pid));
        for pid in children {
            if passed.contains(&pid) {
                continue;
            }
            if passed.len() < pick.skip {
                passed.push(pid);
                continue;
            }
            let raw = Pid::from_raw(i32::try_from(pid).expect("a pid"));
            return signal::kill(raw, Signal::SIGSTOP).ok().map(|()| pid);
        }
    }
    None
}

/// A child the lesson waits for, stopped from outside (`kill -STOP`), in
/// each part that starts one: the lesson must not wait for it for ever.
/// Left stopped for a second, the child is killed, the part fails with one
/// line that says why, and nothing is left. A child caught too late (the
/// lesson had done with it) lets the run end well: it is tried again.
#[test]
fn a_child_stopped_from_outside_is_given_up_on_in_every_part() {
    let pick = |what, skip| Pick { what, skip };
    for (name, extra, pick) in [
        ("parts", &[][..], pick("locate", 0)),
        ("isolation", &[][..], pick("isolation", 0)),
        ("program", &[][..], pick("stay", 0)),
        // The part stops its first child itself: the second is the one.
        ("states", &[][..], pick("stay", 1)),
        (
            "spawn",
            &["--parent-mib", "1", "--rounds", "100"][..],
            pick("true", 0),
        ),
    ] {
        let mut args = vec!["--part", name];
        args.extend_from_slice(extra);
        let given_up = (0..20).any(|_| {
            let lesson = Running::start(&bin(LESSON), &args);
            let pid = lesson.pid;
            let stopped = stop_a_child(pid, &pick);
            let run = lesson.finish_within(Duration::from_secs(20));
            assert_none_left(pid, &Vec::from_iter(stopped));
            if run.code == Some(0) {
                return false;
            }
            assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
            let line = run.stderr.trim_end();
            let why =
                "stopped from outside (SIGSTOP) and left stopped for 1 s: killed";
            assert!(
                line.starts_with(&format!("{LESSON}: {name}: "))
                    && line.ends_with(why)
                    && !line.contains('\n'),
                "{name}: {line}"
            );
            true
        });
        assert!(given_up, "{name}: never caught a child in time");
    }
}

#[test]
fn the_default_run_shows_every_part_in_turn() {
    let args = ["--parent-mib", "16", "--rounds", "2"];
    let (pid, report, stderr) = procs::report_with_pid(&bin(LESSON), &args, 0);
    let lines = report.lines();
    // Each part's lines together, the parts in order.
    let mut order: Vec<&str> = lines
        .iter()
        .map(|l| l.split(':').next().expect("a part's name"))
        .collect();
    order.dedup();
    assert_eq!(order, PARTS, "{stderr}");
    // Each part's figures, and a task on main's row per part, in order.
    for name in PARTS {
        assert!(!report.doc[name].is_null(), "no {name} figures");
    }
    let mains: Vec<String> = (report.tasks().into_iter())
        .filter(|t| t.0 == "main")
        .map(|t| t.1)
        .collect();
    assert_eq!(mains, PARTS);
    assert_eq!(report.doc["ideal_ms"], Value::Null);
    assert_eq!(report.doc["errors"], serde_json::json!([]));
    assert_none_left(pid, &[]);
}

#[test]
fn ctrl_c_in_any_part_stops_at_once_and_leaves_no_child() {
    // The heading is printed as a part starts: the signal comes while its
    // threads, children or big parent are there.
    for (name, extra) in [
        ("states", &[][..]),
        ("scheduler", &[][..]),
        ("program", &[][..]),
        ("spawn", &["--parent-mib", "256"][..]),
    ] {
        let mut args = vec!["--part", name];
        args.extend_from_slice(extra);
        let mut lesson = Running::start(&bin(LESSON), &args);
        let first = lesson.next_line().expect("the part's first line");
        assert!(first.starts_with(&format!("{name}: ")), "{first}");
        let children = started_by(lesson.pid);
        procs::assert_stops_cleanly(lesson, &children, Signal::SIGINT);
    }
}

#[test]
fn a_closed_stdout_ends_the_lesson_quietly_with_nothing_left() {
    let mut lesson = Running::start(&bin(LESSON), &["--part", "states"]);
    lesson.next_line().expect("a first line");
    let pid = lesson.pid;
    let run = lesson.close_stdout_and_wait(Duration::from_secs(10));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_none_left(pid, &[]);
}

#[test]
fn bad_options_are_usage_errors_that_name_the_option() {
    for (bad, option) in [
        (&["--part", "kernel"][..], "--part"),
        (&["--parent-mib", "0"][..], "--parent-mib"),
        (&["--parent-mib", "4097"][..], "--parent-mib"),
        (&["--rounds", "0"][..], "--rounds"),
        (&["--rounds", "-3"][..], "--rounds"),
        (&["--rounds", "many"][..], "--rounds"),
    ] {
        util::usage_error(&bin(LESSON), bad, option);
    }
}

/// The plain version: each of its five addresses in a region with the
/// right permissions (read from the line it printed), the sleeper's ten
/// voluntary switches, and ten sleeps' time.
#[test]
fn the_plain_version_finds_its_parts_and_a_sleeper_that_gives_its_core_up() {
    let scale = 0.05;
    let mut command = util::command(&example("plain-11"), &[]);
    command.env("LESSON_TIME_SCALE", scale.to_string());
    let run = util::run_command(command);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", run.stdout);
    for (line, (part, perms)) in lines.iter().zip([
        ("code", "r-x"),
        ("data", "rw-"),
        ("rodata", "r--"),
        ("heap", "rw-"),
        ("stack", "rw-"),
    ]) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(part), "{line}");
        let address = words
            .next()
            .and_then(|a| a.strip_prefix("0x"))
            .expect("an address");
        let address = u64::from_str_radix(address, 16).expect("hex");
        let (start, end, found, _) = maps_line(&words.collect::<Vec<_>>().join(" "));
        assert!(start <= address && address < end, "{line}");
        assert!(found.starts_with(perms), "{line}");
    }
    let switches: u64 = lines[5]
        .strip_prefix("sleeper: voluntary_ctxt_switches:")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}", lines[5]));
    assert!(switches >= 10, "{}", lines[5]);
    let took: f64 = lines[6]
        .strip_prefix("took ")
        .and_then(|t| t.strip_suffix(" s"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{}", lines[6]));
    let ideal = 10.0 * 100.0 * scale;
    assert!(took * 1e3 >= ideal, "took {took} s, below the ten sleeps");
    assert!(took * 1e3 <= ideal + TOLERANCE_MS, "took {took} s");
}
