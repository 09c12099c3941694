//! The scheduler at work. Two threads that each need the same CPU time,
//! pinned to one core (`sched_setaffinity`), then each to a core of its
//! own; then a thread that sleeps. Each reads its own figures from
//! `/proc/thread-self` before and after: time on a core and time ready but
//! waiting for one (`schedstat`), switches it made itself (voluntary: it
//! gave the core up) and switches it was made to make (involuntary: the
//! scheduler took the core back). Counts, measured: they differ every run.

use std::hint;
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use lesson_kit::say;
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use serde_json::json;

use crate::proc;
use crate::table::{Table, ms};

/// The CPU time each busy thread needs.
const WORK: Duration = Duration::from_millis(150);
/// How many times the sleeper sleeps, and for how long.
const SLEEPS: u32 = 10;
const NAP: Duration = Duration::from_millis(10);

/// A thread's figures from `/proc/thread-self`.
#[derive(Debug, Clone, Copy)]
struct Counters {
    on_cpu: Duration,
    waiting: Duration,
    voluntary: u64,
    involuntary: u64,
}

impl Counters {
    // ANCHOR: counters
    /// The calling thread's figures, now.
    fn of_this_thread() -> Result<Self, String> {
        let status = proc::read("/proc/thread-self/status")?;
        let sched = proc::read("/proc/thread-self/schedstat")?;
        let sched = proc::SchedStat::parse(&sched).ok_or("no schedstat figures")?;
        let switches =
            |name| proc::number(&status, name).ok_or(format!("no {name}"));
        Ok(Self {
            on_cpu: Duration::from_nanos(sched.on_cpu_ns),
            waiting: Duration::from_nanos(sched.waiting_ns),
            voluntary: switches("voluntary_ctxt_switches")?,
            involuntary: switches("nonvoluntary_ctxt_switches")?,
        })
    }
    // ANCHOR_END: counters

    /// What changed since `before`.
    fn since(self, before: Self) -> Self {
        Self {
            on_cpu: self.on_cpu.saturating_sub(before.on_cpu),
            waiting: self.waiting.saturating_sub(before.waiting),
            voluntary: self.voluntary.saturating_sub(before.voluntary),
            involuntary: self.involuntary.saturating_sub(before.involuntary),
        }
    }
}

/// One thread's run: where it was pinned, when it ran, what it counted.
struct Ran {
    run: &'static str,
    thread: &'static str,
    /// The core it was pinned to, if it was.
    core: Option<usize>,
    start: Duration,
    end: Duration,
    counters: Counters,
}

pub fn run() -> Result<(), String> {
    let cores = allowed_cores()?;
    let work = WORK.as_millis();
    let on = match cores.len() {
        1 => "on one core (this process may use no other)",
        _ => "on one core, then on two",
    };
    say!(
        "scheduler: two threads that each need {work} ms of CPU, {on}; then a thread that sleeps {SLEEPS} times"
    );
    let mut ran = pair("one core", [cores[0], cores[0]])?;
    if let Some(&second) = cores.get(1) {
        ran.extend(pair("two cores", [cores[0], second])?);
    }
    ran.push(sleeper()?);
    if lesson_kit::stopped() {
        return Ok(());
    }

    let mut table = Table::new([
        "run",
        "thread",
        "core",
        "took",
        "on a core",
        "took / on a core",
        "waiting for one",
        "voluntary",
        "involuntary",
    ]);
    for one in &ran {
        let c = one.counters;
        let took = (one.end - one.start).as_secs_f64();
        // How many times its CPU time the thread took: a busy thread
        // sharing one core with another takes about 2x.
        let ratio = match one.core {
            Some(_) => format!("{:.1}x", took / c.on_cpu.as_secs_f64()),
            None => "-".to_owned(),
        };
        table.row([
            one.run.to_owned(),
            one.thread.to_owned(),
            one.core.map_or("any".to_owned(), |core| core.to_string()),
            ms(took),
            ms(c.on_cpu.as_secs_f64()),
            ratio,
            ms(c.waiting.as_secs_f64()),
            c.voluntary.to_string(),
            c.involuntary.to_string(),
        ]);
    }
    lesson_kit::show(&table.render());
    // Other programs want cores too: how many, on average, says the load.
    let load = proc::read("/proc/loadavg")?;
    let load = load.split(' ').next().unwrap_or("?").to_owned();
    let machine = machine_cores()?;
    let may_use = match cores.len() {
        n if n == machine => String::new(),
        n => format!(", of which this process may use {n}"),
    };
    lesson_kit::show(&format!(
        "the machine's load: {load} threads running, ready or in uninterruptible sleep (D), on average over the last minute (/proc/loadavg), on {}{may_use}",
        plural(machine, "core")
    ));
    say!(
        "scheduler: on one core the two take turns: while one runs, the other is ready but waits (waiting for one), and each turn ends when the scheduler takes the core back (involuntary)"
    );
    if cores.len() > 1 {
        say!(
            "scheduler: on two cores neither waits for the other: whatever they wait is for other programs (the load)"
        );
    } else {
        say!(
            "scheduler: this process may use one core only, so there is no run on two"
        );
    }
    say!(
        "scheduler: the sleeper gives its core up at every sleep (voluntary) and is hardly ever on one"
    );

    let runs: Vec<_> = (ran.iter())
        .map(|one| {
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            json!({
                "run": one.run,
                "thread": one.thread,
                "core": one.core,
                "start_ms": ms(one.start),
                "end_ms": ms(one.end),
                "on_cpu_ms": ms(one.counters.on_cpu),
                "waiting_ms": ms(one.counters.waiting),
                "voluntary": one.counters.voluntary,
                "involuntary": one.counters.involuntary,
            })
        })
        .collect();
    lesson_kit::fact(
        "scheduler",
        json!({
            "work_ms": WORK.as_secs_f64() * 1e3,
            "sleeps": SLEEPS,
            "cores": cores,
            "machine_cores": machine,
            "load_average": load.parse::<f64>().ok(),
            "runs": runs,
        }),
    );
    Ok(())
}

/// How many cores the machine has online: one `cpuN` line each in
/// `/proc/stat`.
fn machine_cores() -> Result<usize, String> {
    let stat = proc::read("/proc/stat")?;
    let count = stat
        .lines()
        .filter(|line| {
            line.strip_prefix("cpu")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count();
    Ok(count)
}

/// "1 core", "2 cores".
fn plural(count: usize, what: &str) -> String {
    match count {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// The cores this process may run on, from its affinity mask.
fn allowed_cores() -> Result<Vec<usize>, String> {
    // Pid 0: the calling thread, whose mask new threads inherit.
    let mask = sched_getaffinity(Pid::from_raw(0))
        .map_err(|err| format!("cannot read the affinity mask: {err}"))?;
    let cores: Vec<usize> = (0..CpuSet::count())
        .filter(|&core| mask.is_set(core).unwrap_or(false))
        .collect();
    if cores.is_empty() {
        return Err("the affinity mask allows no core".to_owned());
    }
    Ok(cores)
}

// ANCHOR: pin
/// Lets the calling thread run on `core` only.
fn pin(core: usize) -> Result<(), String> {
    let mut only = CpuSet::new();
    only.set(core)
        .map_err(|err| format!("no core {core}: {err}"))?;
    // Pid 0: this thread. Each thread of a process has a mask of its own.
    sched_setaffinity(Pid::from_raw(0), &only)
        .map_err(|err| format!("cannot pin a thread to core {core}: {err}"))
}
// ANCHOR_END: pin

// ANCHOR: busy
/// Pins this thread to `core`, waits until its partner is pinned too, then
/// computes until it has had [`WORK`] of time on a core: on a core it
/// shares, that takes longer. Returns when it started and ended, and what
/// its counters did meanwhile.
fn busy(
    core: usize,
    both_pinned: &Barrier,
) -> Result<(Duration, Duration, Counters), String> {
    let pinned = pin(core);
    // Waited for even if pinning failed: the partner must not wait forever.
    both_pinned.wait();
    pinned?;
    let start = lesson_kit::elapsed();
    let before = Counters::of_this_thread()?;
    let mut now = before;
    while now.since(before).on_cpu < WORK && !lesson_kit::stopped() {
        for step in 0..10_000_u32 {
            hint::black_box(step);
        }
        now = Counters::of_this_thread()?;
    }
    Ok((start, lesson_kit::elapsed(), now.since(before)))
}
// ANCHOR_END: busy

/// Runs two busy threads, A pinned to `cores[0]` and B to `cores[1]`.
fn pair(run: &'static str, cores: [usize; 2]) -> Result<Vec<Ran>, String> {
    let both_pinned = Barrier::new(2);
    let both_pinned = &both_pinned;
    let results = thread::scope(|scope| {
        let start = |name: &str, core| {
            thread::Builder::new()
                .name(format!("busy {name}"))
                .spawn_scoped(scope, move || busy(core, both_pinned))
                .map_err(|err| format!("cannot start a thread: {err}"))
        };
        let a = start("A", cores[0])?;
        let b = match start("B", cores[1]) {
            Ok(b) => b,
            Err(err) => {
                // A waits at the barrier for B: main takes B's place.
                both_pinned.wait();
                return Err(err);
            }
        };
        let joined = [a.join(), b.join()];
        Ok(joined
            .map(|result| result.map_err(|_| "a busy thread panicked".to_owned())))
    })?;
    let mut ran = Vec::new();
    // Cut short by Ctrl-C: no run to show.
    if lesson_kit::stopped() {
        return Ok(ran);
    }
    for ((thread, core), result) in
        [("A", cores[0]), ("B", cores[1])].into_iter().zip(results)
    {
        let (start, end, counters) = result??;
        lesson_kit::record_task(
            &format!("{run}: {thread}"),
            &format!("core {core}"),
            start,
            end,
        );
        ran.push(Ran {
            run,
            thread,
            core: Some(core),
            start,
            end,
            counters,
        });
    }
    Ok(ran)
}

// ANCHOR: sleeper
/// Sleeps [`SLEEPS`] times: each sleep gives the core up.
fn sleeps() -> Result<(Duration, Duration, Counters), String> {
    let start = lesson_kit::elapsed();
    let before = Counters::of_this_thread()?;
    for _ in 0..SLEEPS {
        if lesson_kit::stopped() {
            break;
        }
        thread::sleep(NAP);
    }
    let counters = Counters::of_this_thread()?.since(before);
    Ok((start, lesson_kit::elapsed(), counters))
}
// ANCHOR_END: sleeper

/// Runs [`sleeps`] on a thread of its own, with counters of its own.
fn sleeper() -> Result<Ran, String> {
    let (start, end, counters) = thread::Builder::new()
        .name("sleeps".to_owned())
        .spawn(sleeps)
        .map_err(|err| format!("cannot start a thread: {err}"))?
        .join()
        .map_err(|_| "the sleeping thread panicked".to_owned())??;
    // Cut short by Ctrl-C, its sleeps are not all done: no task to show.
    if !lesson_kit::stopped() {
        lesson_kit::record_task("sleeps", &format!("{SLEEPS} sleeps"), start, end);
    }
    Ok(Ran {
        run: "sleeps",
        thread: "C",
        core: None,
        start,
        end,
        counters,
    })
}
