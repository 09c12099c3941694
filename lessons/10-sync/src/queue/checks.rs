//! What every bounded blocking queue must do with several producers and
//! consumers, checked over many runs: every item taken once, in order from
//! each producer, never more than the capacity held, and `close` waking
//! every thread that waits. The lesson's queue must pass every run; each of
//! the two classic mistakes must fail within a few runs, which proves that
//! the checks can fail.
//!
//! A thread that waits for ever would hang the test, so every wait for a
//! thread here has a limit, and a thread left stuck by a mistake is freed
//! (by closing again) before the check returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use super::mistakes::{CloseWakesOne, IfNotWhile};
use super::{BoundedQueue, Closed};
use crate::delivery::{self, Item};

/// How long a check waits for a thread to report before calling it stuck:
/// a whole run takes milliseconds, even on a busy machine.
const STUCK: Duration = Duration::from_secs(3);

/// The queue's methods, so that the same checks run on the mistakes.
trait Queue: Send + Sync + 'static {
    fn with_capacity(capacity: usize) -> Self;
    /// `false` if the queue was closed.
    fn put(&self, item: Item) -> bool;
    fn get(&self) -> Option<Item>;
    fn close(&self);
    fn peak(&self) -> usize;
}

impl Queue for BoundedQueue<Item> {
    fn with_capacity(capacity: usize) -> Self {
        BoundedQueue::new(capacity)
    }
    fn put(&self, item: Item) -> bool {
        BoundedQueue::put(self, item).is_ok()
    }
    fn get(&self) -> Option<Item> {
        BoundedQueue::get(self)
    }
    fn close(&self) {
        BoundedQueue::close(self);
    }
    fn peak(&self) -> usize {
        BoundedQueue::peak(self)
    }
}

impl Queue for IfNotWhile<Item> {
    fn with_capacity(capacity: usize) -> Self {
        IfNotWhile(BoundedQueue::new(capacity))
    }
    fn put(&self, item: Item) -> bool {
        IfNotWhile::put(self, item).is_ok()
    }
    fn get(&self) -> Option<Item> {
        IfNotWhile::get(self)
    }
    fn close(&self) {
        self.0.close();
    }
    fn peak(&self) -> usize {
        self.0.peak()
    }
}

impl Queue for CloseWakesOne<Item> {
    fn with_capacity(capacity: usize) -> Self {
        CloseWakesOne(BoundedQueue::new(capacity))
    }
    fn put(&self, item: Item) -> bool {
        self.0.put(item).is_ok()
    }
    fn get(&self) -> Option<Item> {
        self.0.get()
    }
    fn close(&self) {
        CloseWakesOne::close(self);
    }
    fn peak(&self) -> usize {
        self.0.peak()
    }
}

/// What a thread of a check reports when it ends.
enum Ended {
    /// A producer: whether every put succeeded.
    Producer { all_put: bool },
    /// A consumer: what it took, in order, and whether its last `get` said
    /// "closed" before the queue was closed.
    Consumer { took: Vec<Item>, ended_early: bool },
}

/// Waits for `count` reports, each within [`STUCK`]; `None` if one did
/// not come: a thread is stuck.
fn reports(ended: &mpsc::Receiver<Ended>, count: usize) -> Option<Vec<Ended>> {
    (0..count).map(|_| ended.recv_timeout(STUCK).ok()).collect()
}

/// Frees threads left waiting by a queue that does not wake them all:
/// each `close` wakes at least one, so `threads` closes wake every one.
fn free_stuck_threads(queue: &impl Queue, threads: usize) {
    for _ in 0..threads {
        queue.close();
    }
}

/// One run: `producers` threads each put `each` items, `consumers`
/// threads take them until the queue is closed, which happens once every
/// producer has finished. `Err` says what went wrong.
fn traffic<Q: Queue>(
    producers: usize,
    each: usize,
    consumers: usize,
    capacity: usize,
) -> Result<(), String> {
    let queue = Arc::new(Q::with_capacity(capacity));
    let closing = Arc::new(AtomicBool::new(false));
    let (report, ended) = mpsc::channel();
    for producer in 0..producers {
        let (queue, report) = (Arc::clone(&queue), report.clone());
        thread::spawn(move || {
            let all_put = (0..each).all(|n| queue.put((producer, n)));
            let _ = report.send(Ended::Producer { all_put });
        });
    }
    for _ in 0..consumers {
        let (queue, closing) = (Arc::clone(&queue), Arc::clone(&closing));
        let report = report.clone();
        thread::spawn(move || {
            let mut took = Vec::new();
            while let Some(item) = queue.get() {
                took.push(item);
            }
            let ended_early = !closing.load(Ordering::SeqCst);
            let _ = report.send(Ended::Consumer { took, ended_early });
        });
    }
    // Reports come in any order: consumers that end early come first.
    let mut first = Vec::new();
    let mut producers_left = producers;
    while producers_left > 0 {
        let Ok(one) = ended.recv_timeout(STUCK) else {
            free_stuck_threads(&*queue, producers + consumers);
            return Err(format!(
                "stuck: a producer still waits to put after {STUCK:?}"
            ));
        };
        producers_left -= usize::from(matches!(one, Ended::Producer { .. }));
        first.push(one);
    }
    closing.store(true, Ordering::SeqCst);
    queue.close();
    let consumers_left = consumers + producers - first.len();
    let Some(rest) = reports(&ended, consumers_left) else {
        free_stuck_threads(&*queue, consumers);
        return Err("stuck: a consumer did not end after close".to_owned());
    };
    let mut taken = Vec::new();
    for one in first.into_iter().chain(rest) {
        match one {
            Ended::Producer { all_put: false } => {
                return Err("a put failed on a queue still open".to_owned());
            }
            Ended::Producer { all_put: true } => {}
            Ended::Consumer {
                ended_early: true, ..
            } => {
                return Err("a get said \"closed\" on a queue still open".to_owned());
            }
            Ended::Consumer { took, .. } => taken.push(took),
        }
    }
    delivery::check(&taken, producers, each)?;
    match queue.peak() {
        peak if peak > capacity => Err(format!(
            "held {peak} items, more than its capacity {capacity}"
        )),
        _ => Ok(()),
    }
}

/// One run: `waiters` consumers wait on an empty queue and `waiters`
/// producers on a full one; one `close` must end them all.
fn close_wakes_everyone<Q: Queue>(waiters: usize) -> Result<(), String> {
    for side in ["consumer", "producer"] {
        let capacity = 2;
        let queue = Arc::new(Q::with_capacity(capacity));
        if side == "producer" {
            for n in 0..capacity {
                queue.put((0, n));
            }
        }
        let (ready, readies) = mpsc::channel();
        let (report, ended) = mpsc::channel();
        for _ in 0..waiters {
            let (queue, ready, report) =
                (Arc::clone(&queue), ready.clone(), report.clone());
            thread::spawn(move || {
                let _ = ready.send(());
                let result = match side {
                    "consumer" => queue.get().is_none(),
                    _ => !queue.put((1, 0)),
                };
                let _ = report.send(result);
            });
        }
        // Most of them wait by now: the last may still be on its way,
        // which the queue must handle too (it then finds it closed).
        for _ in 0..waiters {
            readies
                .recv_timeout(STUCK)
                .map_err(|_| "no thread started")?;
        }
        queue.close();
        let results: Option<Vec<bool>> = (0..waiters)
            .map(|_| ended.recv_timeout(STUCK).ok())
            .collect();
        let Some(results) = results else {
            free_stuck_threads(&*queue, waiters);
            return Err(format!("stuck: a {side} still waits after close"));
        };
        if results.contains(&false) {
            return Err(format!("a waiting {side} was not told the queue closed"));
        }
    }
    Ok(())
}

/// Runs `check` up to `runs` times; the first failure, if any.
fn first_failure(
    runs: usize,
    check: impl Fn() -> Result<(), String>,
) -> Option<String> {
    (0..runs).find_map(|_| check().err())
}

/// Several producers and consumers, and a small capacity, so that the
/// queue is often full and often empty: both waits happen all the time.
fn busy<Q: Queue>() -> Result<(), String> {
    traffic::<Q>(3, 300, 3, 2)
}

#[test]
fn every_item_is_taken_once_in_order_per_producer_never_over_capacity() {
    for (producers, each, consumers, capacity) in [
        (1, 500, 1, 1),
        (3, 300, 3, 2),
        (4, 100, 2, 8),
        (2, 200, 5, 3),
    ] {
        let failed = first_failure(50, || {
            traffic::<BoundedQueue<Item>>(producers, each, consumers, capacity)
        });
        assert_eq!(failed, None, "{producers} producers, {consumers} consumers");
    }
}

#[test]
fn close_wakes_every_waiting_producer_and_consumer() {
    let failed = first_failure(50, || close_wakes_everyone::<BoundedQueue<Item>>(4));
    assert_eq!(failed, None);
}

#[test]
fn a_single_producer_and_consumer_keep_the_exact_order() {
    let queue = Arc::new(BoundedQueue::new(3));
    let producer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            for n in 0..1000 {
                assert_eq!(queue.put(n), Ok(()));
            }
            queue.close();
        })
    };
    let mut took = Vec::new();
    while let Some(n) = queue.get() {
        took.push(n);
    }
    producer.join().expect("the producer");
    assert_eq!(took, (0..1000).collect::<Vec<_>>());
    assert!(queue.peak() <= 3);
    assert_eq!(queue.put(0), Err(Closed(0)));
}

#[test]
fn a_wait_not_in_a_loop_is_caught() {
    let failed = first_failure(200, busy::<IfNotWhile<Item>>);
    let why = failed.expect("200 runs of the `if` queue, and not one failure");
    assert!(
        why.contains("more than its capacity") || why.contains("still open"),
        "{why}"
    );
}

#[test]
fn a_close_that_wakes_one_is_caught() {
    let failed =
        first_failure(50, || close_wakes_everyone::<CloseWakesOne<Item>>(4));
    let why = failed.expect("50 runs of close with notify_one, and not one failure");
    assert!(why.contains("still waits after close"), "{why}");
}
