//! Lesson 11: a process seen from inside. What the lesson reports is checked
//! against what the test can see for itself: the region each address falls
//! in and its permissions (from the kernel's own line), the PID, parent and
//! open files the test gave it, the state each thread and child was held
//! in, the pinned threads' switches, a child's change that stays in the
//! child, one program file behind two processes, the memory a big parent
//! holds; and nothing left running after any run, Ctrl-C included.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use nix::sys::signal::Signal;
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
        let run = util::run(&bin(LESSON), bad);
        assert_eq!(run.code, Some(2), "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains(option), "{bad:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{bad:?}: {}", run.stdout);
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
