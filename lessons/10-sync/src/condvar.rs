//! Part 2, a blocking queue: the notebook's `multiprocessing.Queue`, bounded
//! and built by hand from a `Mutex` and two `Condvar`s
//! (`lesson_10_sync::queue`), then the same traffic on std's
//! `sync_channel`, which is what to use. Two producers put 12 items each,
//! faster than the two consumers take them, so the queue is full most of
//! the time and `put` waits; the lesson checks that every item was taken
//! once, in order from each producer, and never more than 4 held.
//!
//! `cargo run -p lesson-10-sync -- --part condvar`

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

use lesson_10_sync::delivery::{self, Item};
use lesson_10_sync::queue::BoundedQueue;
use lesson_kit::say;
use serde_json::{Value, json};

const PRODUCERS: usize = 2;
const EACH: usize = 12;
const CONSUMERS: usize = 2;
/// The most items the queue holds.
const CAPACITY: usize = 4;
/// How long a producer takes to make an item.
const MAKE: Duration = Duration::from_millis(10);
/// How long a consumer takes over an item: three times a producer's, so
/// that the queue fills up.
const WORK: Duration = Duration::from_millis(30);

/// The two versions, as their lines and bars name them.
const HAND_BUILT: &str = "Mutex + Condvar";
const CHANNEL: &str = "sync_channel(4)";

/// What one producer or consumer did: its items, and how long it waited
/// in `put` or `get`.
struct Side {
    took: Vec<Item>,
    waited: Duration,
}

pub fn run() {
    for (kind, count) in [("producer", PRODUCERS), ("consumer", CONSUMERS)] {
        for n in 1..=count {
            lesson_kit::add_worker(&format!("{kind} {n}"));
        }
    }
    say!(
        "condvar: {PRODUCERS} producers put {EACH} items each on a queue of \
         {CAPACITY}; {CONSUMERS} consumers take them, each slower than a producer"
    );
    let what = HAND_BUILT;
    // ANCHOR: condvar_traffic
    // Borrowed by every thread of the scope below, which all end with it.
    let queue = &BoundedQueue::new(CAPACITY);
    let (producers, consumers) = thread::scope(|scope| {
        let mut consumers = Crew::new(scope, true);
        for c in 0..CONSUMERS {
            consumers.start("a consumer", move || consume(what, c, || queue.get()));
        }
        // A producer with no consumer could wait for room for ever.
        let mut producers = Crew::new(scope, consumers.all_started());
        for p in 0..PRODUCERS {
            let put = move |item| queue.put(item).is_ok();
            producers.start("a producer", move || produce(what, p, put));
        }
        let producers = producers.join();
        // Every item is on the queue: close it, so that each consumer,
        // waiting or not, ends once the queue is drained.
        queue.close();
        (producers, consumers.join())
    });
    // ANCHOR_END: condvar_traffic
    if lesson_kit::stopped() {
        return;
    }
    // Otherwise a thread was refused or panicked: reported already.
    let (Some(producers), Some(consumers)) = (producers, consumers) else {
        return;
    };
    let mut facts = vec![report(what, &producers, &consumers, Some(queue.peak()))];

    let what = CHANNEL;
    // ANCHOR: channel_traffic
    let (sender, receiver) = mpsc::sync_channel(CAPACITY);
    // std's receiver has one owner at a time: two consumers share it
    // behind a Mutex, as lesson 07's workers do.
    let receiver = &Mutex::new(receiver);
    let (producers, consumers) = thread::scope(|scope| {
        let mut consumers = Crew::new(scope, true);
        for c in 0..CONSUMERS {
            consumers
                .start("a consumer", move || consume(what, c, || next(receiver)));
        }
        let mut producers = Crew::new(scope, consumers.all_started());
        for p in 0..PRODUCERS {
            let sender: SyncSender<Item> = sender.clone();
            let put = move |item| sender.send(item).is_ok();
            producers.start("a producer", move || produce(what, p, put));
        }
        // The producers hold the only senders now: when the last one ends,
        // the channel is closed, and `recv` says so once it is drained.
        drop(sender);
        (producers.join(), consumers.join())
    });
    // ANCHOR_END: channel_traffic
    if lesson_kit::stopped() {
        return;
    }
    // Otherwise a thread was refused or panicked: reported already.
    let (Some(producers), Some(consumers)) = (producers, consumers) else {
        return;
    };
    facts.push(report(what, &producers, &consumers, None));
    lesson_kit::fact("condvar", facts);
}

/// The next item from a shared receiver; `None` once the channel is
/// closed and drained. The guard is dropped at the end of the statement,
/// before the item is worked on.
fn next(receiver: &Mutex<Receiver<Item>>) -> Option<Item> {
    let guard = receiver.lock().unwrap_or_else(PoisonError::into_inner);
    guard.recv().ok()
}

/// The producers, or the consumers, of one run: threads of a scope. A
/// thread the system refuses is reported (by `lesson_kit::spawn_scoped`),
/// and then no more are started: those that did are joined when the scope
/// ends.
struct Crew<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    handles: Vec<(&'static str, ScopedJoinHandle<'scope, Side>)>,
    all_started: bool,
}

impl<'scope, 'env> Crew<'scope, 'env> {
    /// An empty crew; with `go` false, it starts nobody.
    fn new(scope: &'scope Scope<'scope, 'env>, go: bool) -> Self {
        Self {
            scope,
            handles: Vec::new(),
            all_started: go,
        }
    }

    /// Starts a thread that runs `work`, as a `role` ("a consumer").
    fn start(
        &mut self,
        role: &'static str,
        work: impl FnOnce() -> Side + Send + 'scope,
    ) {
        if !self.all_started {
            return;
        }
        match lesson_kit::spawn_scoped(self.scope, role, work) {
            Some(handle) => self.handles.push((role, handle)),
            None => self.all_started = false,
        }
    }

    /// Whether every thread asked for started.
    fn all_started(&self) -> bool {
        self.all_started
    }

    /// What each thread did; `None` if they did not all start (the refusal
    /// was reported) or one panicked (reported here).
    fn join(self) -> Option<Vec<Side>> {
        let mut sides = Vec::new();
        let mut all_ended = true;
        for (role, handle) in self.handles {
            match handle.join() {
                Ok(side) => sides.push(side),
                Err(_) => {
                    lesson_kit::fail(format!("{role} panicked"));
                    all_ended = false;
                }
            }
        }
        (self.all_started && all_ended).then_some(sides)
    }
}

/// Producer `p`: makes its items one by one and puts each; stops early if
/// the queue is closed or Ctrl-C comes. Its bar spans the whole run, the
/// waits for room included.
fn produce(what: &str, p: usize, put: impl Fn(Item) -> bool) -> Side {
    let start = lesson_kit::elapsed();
    let mut waited = Duration::ZERO;
    for n in 0..EACH {
        if !lesson_kit::pause(MAKE) {
            break;
        }
        let asked = Instant::now();
        if !put((p, n)) {
            break;
        }
        waited += asked.elapsed();
    }
    let row = format!("producer {}", p + 1);
    lesson_kit::record_task(
        &row,
        &format!("{what}: put"),
        start,
        lesson_kit::elapsed(),
    );
    Side {
        took: Vec::new(),
        waited,
    }
}

/// Consumer `c`: takes items until `get` says the end, working on each.
fn consume(what: &str, c: usize, get: impl Fn() -> Option<Item>) -> Side {
    let start = lesson_kit::elapsed();
    let (mut took, mut waited) = (Vec::new(), Duration::ZERO);
    loop {
        let asked = Instant::now();
        let Some(item) = get() else { break };
        waited += asked.elapsed();
        took.push(item);
        // After Ctrl-C the work is cut short, but the consumer goes on
        // taking items until the end: a producer waiting for room must not
        // wait for ever.
        lesson_kit::pause(WORK);
    }
    let row = format!("consumer {}", c + 1);
    lesson_kit::record_task(
        &row,
        &format!("{what}: get"),
        start,
        lesson_kit::elapsed(),
    );
    Side { took, waited }
}

/// Checks one version's delivery and reports it: a line if all is well,
/// a failure if not; the waits and the peak among the measurements.
fn report(
    what: &str,
    producers: &[Side],
    consumers: &[Side],
    peak: Option<usize>,
) -> Value {
    let taken: Vec<Vec<Item>> = consumers.iter().map(|c| c.took.clone()).collect();
    let total = PRODUCERS * EACH;
    match delivery::check(&taken, PRODUCERS, EACH) {
        Ok(()) => say!(
            "{what}: {total} items taken, each once, in order from each producer"
        ),
        Err(why) => lesson_kit::fail(format!("{what}: {why}")),
    }
    match peak {
        Some(peak) if peak <= CAPACITY => {
            say!("{what}: never more than {CAPACITY} items in the queue");
            say!(
                "{what}: close() ended the consumers, waiting or not, once it was drained"
            );
        }
        Some(peak) => {
            lesson_kit::fail(format!("{what}: held {peak} items, over {CAPACITY}"))
        }
        None => say!(
            "{what}: the channel closed when the last producer dropped its sender"
        ),
    }
    let sum = |sides: &[Side]| sides.iter().map(|s| s.waited).sum::<Duration>();
    let peak_text =
        peak.map_or(String::new(), |p| format!("; peak {p} of {CAPACITY}"));
    lesson_kit::measured(format!(
        "{what}: producers waited {:.2} s for room in all, consumers {:.2} s for items{peak_text}",
        sum(producers).as_secs_f64(),
        sum(consumers).as_secs_f64()
    ));
    json!({
        "queue": what,
        "items": total,
        "taken": taken.iter().map(Vec::len).sum::<usize>(),
        "peak": peak,
        "capacity": CAPACITY,
        "producers_waited_ms": sum(producers).as_secs_f64() * 1e3,
        "consumers_waited_ms": sum(consumers).as_secs_f64() * 1e3,
    })
}
