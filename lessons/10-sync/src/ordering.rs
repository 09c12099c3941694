//! Part 5, memory order: what `Ordering` in every atomic call means, seen
//! in two classic experiments, each repeated many times by two threads
//! that meet at the start of every round.
//!
//! Store buffering: one thread stores `x`, then loads `y`; the other stores
//! `y`, then loads `x`. Can both load the old value? With `Relaxed`, yes:
//! on x86 each core's store waits in a buffer while its load goes ahead,
//! and the lesson counts how often it happens. `Release`/`Acquire` allows
//! it too; `SeqCst` forbids it, and the count stays 0.
//!
//! Message passing: one thread writes the data, then raises a flag; the
//! other waits for the flag, then reads the data. `Release` on the flag
//! and `Acquire` on its load promise that the data is there. With
//! `Relaxed` on the flag, nothing is promised: x86 happens to keep it
//! right, ARM need not.
//!
//! Every count is measured, never assumed: a run that saw nothing says so.
//!
//! `cargo run -p lesson-10-sync -- --part ordering`

use std::hint::spin_loop;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::say;
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use serde_json::{Value, json};

/// Each experiment stops after this long (times the time scale) even if
/// its rounds are not done: on a busy machine the two threads are seldom
/// on two cores at once, and rounds crawl.
const BUDGET: Duration = Duration::from_millis(500);
/// A thread waiting at the meeting yields its core every this many turns:
/// on a busy machine, the thread it waits for may be waiting for a core.
const YIELD_EVERY: u32 = 1024;

// ANCHOR: alone
/// An atomic alone in 128 bytes, so that no two of them share a cache line
/// (some processors fetch lines in pairs): each thread's store then goes to
/// a line of its own, as in the textbook experiment.
#[repr(align(128))]
#[derive(Default)]
struct Alone(AtomicU64);
// ANCHOR_END: alone

// ANCHOR: meeting
/// Where the two threads meet at the start of each round, so that their
/// stores and loads run at the same moment. It spins rather than sleeps
/// (as `Barrier` would): a thread woken from sleep is microseconds late,
/// and the two would never overlap.
#[derive(Default)]
struct Meeting {
    arrived: Alone,
    given_up: AtomicBool,
}

impl Meeting {
    /// Waits until both threads have come to round `round` (from 1);
    /// `false` if the other thread gave up instead.
    fn meet(&self, round: u64) -> bool {
        self.arrived.0.fetch_add(1, Ordering::AcqRel);
        let mut turns = 0;
        while self.arrived.0.load(Ordering::Acquire) < 2 * round {
            if self.given_up.load(Ordering::Relaxed) {
                return false;
            }
            spin(&mut turns);
        }
        true
    }

    /// Stops the rounds: the other thread, waiting to meet, returns.
    fn give_up(&self) {
        self.given_up.store(true, Ordering::Relaxed);
    }
}
// ANCHOR_END: meeting

// ANCHOR: spin
/// One turn of a wait that spins: a hint to the processor that this is a
/// spin, and every `YIELD_EVERY` turns, the core given up for a moment.
fn spin(turns: &mut u32) {
    *turns = turns.wrapping_add(1);
    if turns.is_multiple_of(YIELD_EVERY) {
        thread::yield_now();
    } else {
        spin_loop();
    }
}
// ANCHOR_END: spin

// ANCHOR: store_buffering
/// One round of store buffering, on one side: store this round's number
/// in my variable, then load the other's. `true` if I saw the other's store
/// of this round; `false` if I loaded its old value.
fn store_then_load(mine: &Alone, theirs: &Alone, round: u64, order: Orders) -> bool {
    mine.0.store(round, order.store);
    theirs.0.load(order.load) == round
}
// ANCHOR_END: store_buffering

// ANCHOR: message_passing
/// One round of message passing, the writer's side: the data, then the
/// flag that says it is there.
fn publish(data: &Alone, flag: &Alone, round: u64, order: Orders) -> bool {
    data.0.store(round, Ordering::Relaxed);
    flag.0.store(round, order.store);
    true
}

/// The reader's side: wait for the flag, then read the data. `true` if the
/// data was older than the flag promised.
fn receive(data: &Alone, flag: &Alone, round: u64, order: Orders) -> bool {
    let mut turns = 0;
    while flag.0.load(order.load) < round {
        spin(&mut turns);
    }
    data.0.load(Ordering::Relaxed) < round
}
// ANCHOR_END: message_passing

// ANCHOR: orders
/// The orderings of a store and of a load.
#[derive(Debug, Clone, Copy)]
struct Orders {
    name: &'static str,
    store: Ordering,
    load: Ordering,
}

const RELAXED: Orders = Orders {
    name: "Relaxed",
    store: Ordering::Relaxed,
    load: Ordering::Relaxed,
};
// ANCHOR_END: orders
const RELEASE_ACQUIRE: Orders = Orders {
    name: "Release/Acquire",
    store: Ordering::Release,
    load: Ordering::Acquire,
};
const SEQ_CST: Orders = Orders {
    name: "SeqCst",
    store: Ordering::SeqCst,
    load: Ordering::SeqCst,
};

// ANCHOR: pin
/// Two of the cores this process may run on, if it may run on two.
fn two_cores() -> Option<[usize; 2]> {
    // Pid 0: the calling thread, whose cores new threads inherit.
    let allowed = sched_getaffinity(Pid::from_raw(0)).ok()?;
    let mut cores =
        (0..CpuSet::count()).filter(|&core| allowed.is_set(core) == Ok(true));
    Some([cores.next()?, cores.next()?])
}

/// Keeps the calling thread on `core`. Two threads that the scheduler put
/// on one core would take turns, and every switch between them empties
/// the store buffer: the reordering could never show. Returns whether the
/// kernel agreed.
fn pin_to(core: Option<usize>) -> bool {
    let mut only = CpuSet::new();
    core.is_some_and(|core| {
        only.set(core).is_ok() && sched_setaffinity(Pid::from_raw(0), &only).is_ok()
    })
}
// ANCHOR_END: pin

/// What each thread saw in each round both completed, and whether each
/// had a core of its own.
struct Rounds {
    first: Vec<bool>,
    second: Vec<bool>,
    pinned: bool,
}

/// Runs `first` and `second` on two threads, round after round, meeting
/// before each, until `rounds` are done, the budget is spent or Ctrl-C
/// comes. `None` if a thread could not start (already reported) or
/// panicked.
fn in_rounds(
    rounds: u64,
    label: &str,
    first: impl Fn(u64) -> bool + Sync,
    second: impl Fn(u64) -> bool + Sync,
) -> Option<Rounds> {
    let meeting = Meeting::default();
    let deadline = Instant::now() + BUDGET.mul_f64(lesson_kit::options().time_scale);
    let start = lesson_kit::elapsed();
    let cores = two_cores();
    let seen = thread::scope(|scope| {
        let first = lesson_kit::spawn_scoped(scope, "a spinning thread", || {
            let pinned = pin_to(cores.map(|c| c[0]));
            let mut seen = Vec::new();
            for round in 1..=rounds {
                // Before it comes to the meeting: once it is there, the
                // other thread may go ahead with the round.
                if lesson_kit::stopped() || Instant::now() >= deadline {
                    meeting.give_up();
                    break;
                }
                if !meeting.meet(round) {
                    break;
                }
                seen.push(first(round));
            }
            (seen, pinned)
        });
        let second = lesson_kit::spawn_scoped(scope, "a spinning thread", || {
            let pinned = pin_to(cores.map(|c| c[1]));
            let mut seen = Vec::new();
            for round in 1..=rounds {
                if !meeting.meet(round) {
                    break;
                }
                seen.push(second(round));
            }
            (seen, pinned)
        });
        // One thread alone would wait to meet for ever.
        if first.is_none() || second.is_none() {
            meeting.give_up();
        }
        Some((first?.join().ok()?, second?.join().ok()?))
    });
    let end = lesson_kit::elapsed();
    for row in ["spinner 1", "spinner 2"] {
        lesson_kit::record_task(row, label, start, end);
    }
    let ((first, first_pinned), (second, second_pinned)) = seen?;
    Some(Rounds {
        first,
        second,
        pinned: first_pinned && second_pinned,
    })
}

pub fn run(rounds: u64) {
    lesson_kit::add_worker("spinner 1");
    lesson_kit::add_worker("spinner 2");
    say!(
        "ordering: store buffering: one thread stores x, then loads y; the other \
         stores y, then loads x; can both load the old value?"
    );
    lesson_kit::measured(format!(
        "{:<24}{:>10}{:>24}",
        "store buffering", "rounds", "both loaded the old"
    ));
    let (mut buffering, mut pinned) = (Vec::new(), Vec::new());
    for order in [RELAXED, RELEASE_ACQUIRE, SEQ_CST] {
        if lesson_kit::stopped() {
            break;
        }
        let (x, y) = (Alone::default(), Alone::default());
        let label = format!("store buffering: {}", order.name);
        let Some(seen) = in_rounds(
            rounds,
            &label,
            |round| store_then_load(&x, &y, round, order),
            |round| store_then_load(&y, &x, round, order),
        ) else {
            break;
        };
        let both_old = (seen.first.iter().zip(&seen.second))
            .filter(|&(&saw_y, &saw_x)| !saw_y && !saw_x)
            .count();
        pinned.push(seen.pinned);
        buffering.push(tally(order, &seen, both_old, "both_old"));
    }
    say!(
        "ordering: message passing: one thread writes the data, then raises a \
         flag; the other waits for the flag, then reads the data"
    );
    lesson_kit::measured(format!(
        "{:<24}{:>10}{:>24}",
        "message passing", "rounds", "data older than flag"
    ));
    let mut passing = Vec::new();
    for order in [RELEASE_ACQUIRE, RELAXED] {
        if lesson_kit::stopped() {
            break;
        }
        let (data, flag) = (Alone::default(), Alone::default());
        let label = format!("message passing: {}", order.name);
        let Some(seen) = in_rounds(
            rounds,
            &label,
            |round| publish(&data, &flag, round, order),
            |round| receive(&data, &flag, round, order),
        ) else {
            break;
        };
        let stale = seen.second.iter().filter(|&&stale| stale).count();
        pinned.push(seen.pinned);
        passing.push(tally(order, &seen, stale, "stale"));
    }
    if !pinned.iter().all(|&p| p) {
        lesson_kit::measured(
            "(the two threads could not have a core each: on one core, a \
             switch between them empties the store buffer, and the \
             reorderings cannot show)",
        );
    }
    lesson_kit::fact(
        "ordering",
        json!({ "store_buffering": buffering, "message_passing": passing }),
    );
}

/// One experiment's row among the measurements, with a word on what the
/// count means, and its entry in the JSON document.
fn tally(order: Orders, seen: &Rounds, count: usize, key: &str) -> Value {
    let rounds = seen.first.len().min(seen.second.len());
    let note = match (key, order.name, count) {
        ("both_old", "SeqCst", _) => "  (SeqCst forbids it)",
        ("both_old", _, 0) => {
            "  (none this run: allowed, not certain; run it again)"
        }
        ("both_old", _, _) => "  (the stores waited while the loads went ahead)",
        ("stale", "Release/Acquire", _) => {
            "  (Acquire sees what came before the Release)"
        }
        ("stale", _, 0)
            if cfg!(any(target_arch = "x86_64", target_arch = "x86")) =>
        {
            "  (x86 keeps stores in order, and loads: it happens to work here)"
        }
        ("stale", _, 0) => {
            "  (none this run; this processor may still reorder them)"
        }
        _ => "  (the flag arrived before the data it announced)",
    };
    lesson_kit::measured(format!(
        "  {:<22}{rounds:>10}{count:>24}{note}",
        order.name
    ));
    json!({ "ordering": order.name, "rounds": rounds, key: count })
}
