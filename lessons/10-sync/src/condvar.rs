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
    let queue = BoundedQueue::new(CAPACITY);
    let (producers, consumers) = thread::scope(|scope| {
        let consumers = start(scope, CONSUMERS, "a consumer", |c| {
            let get = || queue.get();
            move || consume(what, c, get)
        });
        // A producer with no consumer could wait for room for ever: the
        // producers start only if every consumer did.
        let producers = if consumers.is_some() {
            start(scope, PRODUCERS, "a producer", |p| {
                let put = |item| queue.put(item).is_ok();
                move || produce(what, p, put)
            })
        } else {
            None
        };
        let producers = join_all(producers);
        // Every item is on the queue: close it, so that each consumer,
        // waiting or not, ends once the queue is drained.
        queue.close();
        (producers, join_all(consumers))
    });
    // ANCHOR_END: condvar_traffic
    if lesson_kit::stopped() {
        return;
    }
    let (Some(producers), Some(consumers)) = (producers, consumers) else {
        return lesson_kit::fail(format!(
            "{what}: a producer or a consumer did not finish"
        ));
    };
    let mut facts = vec![report(what, &producers, &consumers, Some(queue.peak()))];

    let what = CHANNEL;
    // ANCHOR: channel_traffic
    let (sender, receiver) = mpsc::sync_channel(CAPACITY);
    // std's receiver has one owner at a time: two consumers share it
    // behind a Mutex, as lesson 07's workers do.
    let receiver = Mutex::new(receiver);
    let (producers, consumers) = thread::scope(|scope| {
        let consumers = start(scope, CONSUMERS, "a consumer", |c| {
            let get = || next(&receiver);
            move || consume(what, c, get)
        });
        let producers = if consumers.is_some() {
            start(scope, PRODUCERS, "a producer", |p| {
                let sender: SyncSender<Item> = sender.clone();
                move || produce(what, p, move |item| sender.send(item).is_ok())
            })
        } else {
            None
        };
        // The producers hold the only senders now: when the last one ends,
        // the channel is closed, and `recv` says so once it is drained.
        drop(sender);
        (join_all(producers), join_all(consumers))
    });
    // ANCHOR_END: channel_traffic
    if lesson_kit::stopped() {
        return;
    }
    let (Some(producers), Some(consumers)) = (producers, consumers) else {
        return lesson_kit::fail(format!(
            "{what}: a producer or a consumer did not finish"
        ));
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

/// Starts `count` threads in `scope`, thread `i` running what `work(i)`
/// returns; `None` if the system refused one (already reported), and then
/// no more are started: those that did are joined when the scope ends.
fn start<'scope, W, F>(
    scope: &'scope Scope<'scope, '_>,
    count: usize,
    role: &str,
    work: W,
) -> Option<Vec<ScopedJoinHandle<'scope, Side>>>
where
    W: Fn(usize) -> F,
    F: FnOnce() -> Side + Send + 'scope,
{
    (0..count)
        .map(|i| lesson_kit::spawn_scoped(scope, role, work(i)))
        .collect()
}

/// Joins the threads; `None` if they did not all start, or one panicked.
fn join_all(handles: Option<Vec<ScopedJoinHandle<'_, Side>>>) -> Option<Vec<Side>> {
    handles?
        .into_iter()
        .map(|handle| handle.join().ok())
        .collect()
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
