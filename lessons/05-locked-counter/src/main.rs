//! Lesson 05: one counter, many threads and processes. The notebook's Lock
//! and `multiprocessing.Value` cells, made visible: each way of sharing the
//! counter says what it ended at, what it should have ended at, how many
//! updates it lost, and what an increment cost.
//!
//! Run it: `cargo run -p lesson-05-locked-counter` (`--threads N`,
//! `--increments M`, `--long-increments L` change the work). Watch the
//! `lost` column: the exact ways lose nothing; the racy ways, safe Rust all
//! of them, lose updates for real. `--print-demo without-lock` and
//! `--print-demo with-lock` run the notebook's Lock cell instead.

mod args;
mod child;
mod poison;
mod print_demo;
mod processes;
mod scratch;
mod tally;
mod threads;

use std::cell::Cell;
use std::process::ExitCode;
use std::time::Instant;

use args::{Args, Way};
use lesson_kit::{Plan, say};
use processes::PROCESSES;
use tally::{Tally, counted};

/// The batch size of the lock-granularity timing: one lock per 100 increments.
const BATCH: u64 = 100;

fn main() -> ExitCode {
    let args = Args::parse();
    // Started with --role, this process is one of the counting processes.
    if let (Some(way), Some(file)) = (args.role, &args.counter_file) {
        return child::run(way, file, args.each);
    }
    if let Some(how) = args.print_demo {
        return print_demo::run(how);
    }
    // A counter's run has no sleeps to plan: the summary shows elapsed only.
    lesson_kit::run!(Plan::new(), || counters(&args))
}

fn counters(args: &Args) {
    let (n, m, l) = (args.threads, args.increments, args.long_increments);
    let (threads, m_times, l_times) = (
        counted(n, "thread"),
        counted(m, "increment"),
        counted(l, "increment"),
    );
    lesson_kit::measured(Tally::heading());
    let mut tallies = Vec::new();
    // Set once the system refuses a thread (the kit has said so in one
    // line): every way after it would be refused too, and is skipped.
    let refused = Cell::new(false);
    // Times one way of counting and keeps its tally, unless Ctrl-C came first.
    let mut measure = |method, increments, racy, count: &dyn Fn() -> Option<u64>| {
        if lesson_kit::stopped() || refused.get() {
            return;
        }
        let started = Instant::now();
        let Some(value) = count() else {
            return refused.set(true);
        };
        let tally = Tally::thread(method, n, increments, value, started.elapsed());
        tally.show(racy);
        tallies.push(tally);
    };

    // ANCHOR: threads
    say!("{threads}, {m_times} each, one counter: 3 exact ways");
    measure("Arc<Mutex<u64>>", m, false, &|| threads::arc_mutex(n, m));
    measure("AtomicU64 fetch_add", m, false, &|| threads::atomic(n, m));
    measure("scope + Mutex, no Arc", m, false, &|| {
        threads::scoped_mutex(n, m)
    });
    say!("{threads}, {l_times} each: a load, then a separate store");
    measure("racy load, then store", l, true, &|| threads::racy(n, l));
    say!("{threads}, {l_times} each: a lock per increment, then per {BATCH}");
    measure("lock per increment", l, false, &|| {
        threads::batched_mutex(n, l, 1)
    });
    measure("lock per 100", l, false, &|| {
        threads::batched_mutex(n, l, BATCH)
    });
    // ANCHOR_END: threads

    if refused.get() {
        return;
    }
    tallies.extend(processes(&m_times, m, &l_times, l));
    if !lesson_kit::stopped() {
        let value = poison::demo();
        lesson_kit::fact("poisoned_value", value);
    }
    let methods: Vec<_> = tallies.iter().map(Tally::to_json).collect();
    lesson_kit::fact("methods", methods);
}

/// The process half: four processes, one counter in a file.
fn processes(m_times: &str, m: u64, l_times: &str, l: u64) -> Vec<Tally> {
    let scratch = match scratch::Scratch::new() {
        Ok(scratch) => scratch,
        Err(err) => {
            lesson_kit::fail(format!("cannot make a temporary directory: {err}"));
            return Vec::new();
        }
    };
    lesson_kit::fact("temp_dir", scratch.path().display().to_string());
    let mut tallies = Vec::new();
    // ANCHOR: processes
    say!(
        "{PROCESSES} processes, {m_times} each, one counter in a file: 2 exact ways"
    );
    let ways = [
        (Way::FileLock, "File::lock, read, write", m),
        (Way::MappedAtomic, "mapped AtomicU64", m),
        (Way::Unlocked, "mapped load, then store", l),
    ];
    for (way, method, increments) in ways {
        if way == Way::Unlocked {
            say!(
                "{PROCESSES} processes, {l_times} each: a load of the mapped counter, then a store"
            );
        }
        if lesson_kit::stopped() {
            break;
        }
        match processes::count(way, scratch.path(), increments) {
            Ok(Some((value, took))) => {
                let tally = Tally::process(method, increments, value, took);
                tally.show(way == Way::Unlocked);
                tallies.push(tally);
            }
            Ok(None) => {} // Ctrl-C
            Err(_) if lesson_kit::stopped() => {}
            Err(err) => lesson_kit::fail(err),
        }
    }
    // ANCHOR_END: processes
    tallies
}
