//! The benchmark runner: stopped as a user may stop it, it leaves no lesson
//! running behind it; bad values are usage errors; its SVG timeline draws a
//! lesson's lost task, and tens of thousands of rows in seconds.

use std::fs;
use std::io::Write;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::procs::{self, all_stop_within};
use crate::util::{self, bin, command};

/// The processes whose parent is `parent`, from `/proc/PID/stat`.
fn children_of(parent: u32) -> Vec<u32> {
    (procs::all_pids().into_iter())
        .filter(|&pid| procs::parent(pid) == Some(parent))
        .collect()
}

#[test]
fn a_killed_benchmark_leaves_no_lesson_running() {
    let out =
        std::env::temp_dir().join(format!("bench-killed-{}", std::process::id()));
    let out_arg = out.to_string_lossy().into_owned();
    // At full time lesson 00 runs for 18 s: long enough to outlive the kill.
    let args = [
        "--quick",
        "--runs",
        "1",
        "--time-scale",
        "1",
        "--python",
        "/nonexistent/python3",
        "--out",
        &out_arg,
    ];
    let mut bench = command(&bin("course-bench"), &args);
    bench.stdout(Stdio::null()).stderr(Stdio::null());
    let mut bench = bench.spawn().expect("the benchmark starts");
    let pid = bench.id();
    let began = Instant::now();
    let lesson = loop {
        // Its first children are other programs (`rustc --version`...).
        let is_lesson = |child: &u32| {
            fs::read_to_string(format!("/proc/{child}/comm"))
                .is_ok_and(|name| name.starts_with("lesson-"))
        };
        if let Some(child) = children_of(pid).into_iter().find(is_lesson) {
            break child;
        }
        if began.elapsed() > Duration::from_secs(30) {
            let _ = bench.kill();
            panic!("the benchmark started no lesson within 30 s");
        }
        // Polls for a condition, with the limit above: no guess at a time.
        thread::sleep(Duration::from_millis(2));
    };
    // SIGKILL: the benchmark has no chance to clean up after itself.
    kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("the benchmark runs");
    let _ = bench.wait();
    let stopped = all_stop_within(&[lesson], Duration::from_secs(5));
    if !stopped {
        let _ = kill(Pid::from_raw(lesson as i32), Signal::SIGKILL);
    }
    let _ = fs::remove_dir_all(&out);
    assert!(stopped, "lesson {lesson} outlived the killed benchmark");
}

#[test]
fn bad_values_are_usage_errors_that_say_what_is_allowed() {
    let cases: [(&[&str], &str); 5] = [
        (&["--runs", "-1"], "invalid value '-1' for '--runs <RUNS>'"),
        (&["--runs", "0"], "1..=100"),
        (
            &["--time-scale", "-1"],
            "invalid value '-1' for '--time-scale <S>'",
        ),
        (
            &["--time-scale", "1e-320"],
            "must be a number from 0.001 to 10",
        ),
        (
            &["--time-scale", "NaN"],
            "must be a number from 0.001 to 10",
        ),
    ];
    for (args, says) in cases {
        let run = util::run(&bin("course-bench"), args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}

/// Runs `course-bench timeline OUT` on `doc` and returns the SVG; fails
/// the test if that takes more than `limit`.
fn timeline(doc: &str, name: &str, limit: Duration) -> String {
    let out =
        std::env::temp_dir().join(format!("{name}-{}.svg", std::process::id()));
    let out_arg = out.to_string_lossy().into_owned();
    let mut draw = command(&bin("course-bench"), &["timeline", &out_arg]);
    let mut draw = draw
        .stdin(Stdio::piped())
        .spawn()
        .expect("the bench starts");
    let mut stdin = draw.stdin.take().expect("a pipe");
    let doc = doc.to_owned();
    // Written from a thread: the test's clock runs while the bench reads.
    let writer = thread::spawn(move || stdin.write_all(doc.as_bytes()));
    let done = util::wait_within(draw, limit);
    let _ = writer.join();
    let svg = fs::read_to_string(&out).unwrap_or_default();
    let _ = fs::remove_file(&out);
    let done = done.unwrap_or_else(|| panic!("no timeline within {limit:?}"));
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    svg
}

#[test]
fn a_timeline_of_thirty_thousand_workers_takes_seconds() {
    // One task per worker: finding each task's row and ordering the rows
    // must not cost the square of the rows (about 30 s here before).
    let tasks: Vec<serde_json::Value> = (0..30_000)
        .map(|i| {
            let start = f64::from(i) * 0.01;
            serde_json::json!({"worker": format!("worker {i}"), "label": "x",
                "start_ms": start, "end_ms": start + 1.0})
        })
        .collect();
    let doc = serde_json::json!({"elapsed_ms": 400.0, "tasks": tasks}).to_string();
    let svg = timeline(&doc, "bench-rows", Duration::from_secs(20));
    for row in ["worker 0", "worker 29999"] {
        assert!(svg.contains(&format!(">\n{row}\n</text>")), "{row} missing");
    }
}

#[test]
fn the_svg_timeline_of_a_crash_marks_where_the_task_was_lost() {
    // Lesson 04's crash run: task 5 is lost with worker 2, then runs again.
    let args = ["--json", "--crash-task", "5", "--time-scale", "0.02"];
    let run = util::run(&bin("lesson-04-processpool"), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let lost = doc["lost_tasks"].as_array().expect("lost_tasks");
    assert_eq!(lost.len(), 1, "{lost:?}");
    let svg = timeline(&run.stdout, "bench-crash", Duration::from_secs(20));
    // A cross where it was lost and one in the key: two strokes each.
    assert_eq!(svg.matches("stroke=\"#8B0000\"").count(), 4, "{svg}");
    assert!(svg.contains("a task lost with its worker"), "{svg}");
}
