//! Lesson 02, extra: what a process costs next to a thread.
//!
//! Starts and waits for a thread, then a process, a few hundred times each,
//! and prints the median of each. The process is this example's own binary
//! started again with `--child`, which returns at once: the cost of a Rust
//! program that does nothing, the least a lesson's child can cost.
//!
//! Run it: `cargo run --release -p lesson-02-processes --example spawn_cost`

use std::process::{Command, ExitCode};
use std::thread;
use std::time::{Duration, Instant};

const ROUNDS: usize = 300;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--child") {
        return ExitCode::SUCCESS;
    }
    let me = match std::env::current_exe() {
        Ok(path) => path,
        Err(err) => {
            eprintln!("spawn_cost: cannot find this program: {err}");
            return ExitCode::FAILURE;
        }
    };

    // ANCHOR: measure
    let thread = median(|| thread::spawn(|| {}).join().is_ok());
    let process = median(|| {
        let status = Command::new(&me).arg("--child").status();
        status.is_ok_and(|status| status.success())
    });
    // ANCHOR_END: measure
    let (Some(thread), Some(process)) = (thread, process) else {
        eprintln!("spawn_cost: a thread or a process failed to start");
        return ExitCode::FAILURE;
    };
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!("thread  spawn + join: {:>8.1} us", micros(thread));
    println!("process spawn + wait: {:>8.1} us", micros(process));
    println!(
        "a process costs {:.0} threads",
        micros(process) / micros(thread)
    );
    ExitCode::SUCCESS
}

/// The median time of `ROUNDS` runs of `start_and_wait`, or `None` if any
/// run failed.
fn median(start_and_wait: impl Fn() -> bool) -> Option<Duration> {
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let began = Instant::now();
        if !start_and_wait() {
            return None;
        }
        times.push(began.elapsed());
    }
    times.sort();
    Some(times[ROUNDS / 2])
}
