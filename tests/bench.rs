//! The benchmark runner, stopped as a user may stop it: it leaves no lesson
//! running behind it.

use std::fs;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::procs::{self, all_stop_within};
use crate::util::{bin, command};

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
