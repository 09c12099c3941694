//! Lesson 10's row: a bounded queue's throughput, one producer thread and
//! one consumer, 100 000 items through a queue of 100. Lesson 10's queue
//! built from a `Mutex` and two `Condvar`s, against std's `sync_channel`,
//! against Python's `queue.Queue(maxsize=100)`; the rounds alternate
//! between them, and every item must come out, in order.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use lesson_10_sync::queue::BoundedQueue;

use crate::Setup;
use crate::child;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure};

/// Items per run: the full run's, and `--quick`'s.
const ITEMS: u64 = 100_000;
const QUICK_ITEMS: u64 = 2_000;
/// The queue's capacity on every side.
const CAPACITY: usize = 100;

/// The three rows.
pub fn measure(setup: &Setup, quick: bool) -> Vec<Measure> {
    let items = if quick { QUICK_ITEMS } else { ITEMS };
    let (mut condvar, mut channel, mut python) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut python_err = None;
    for round in 1..=setup.counts.rounds {
        condvar.extend(report(round, "Mutex + Condvar", condvar_rate(items)));
        channel.extend(report(round, "sync_channel", channel_rate(items)));
        if let Ok(python_bin) = &setup.python {
            match python_rate(setup, python_bin, items) {
                Ok(rate) => python.extend(report(round, "queue.Queue", Ok(rate))),
                Err(err) => {
                    crate::progress(&format!("queue round {round}: Python: {err}"));
                    python_err = Some(err);
                }
            }
        }
    }
    let python_why = match (&setup.python, python_err) {
        (Err(why), _) => why.clone(),
        (_, Some(err)) => err,
        _ => "no sample".to_owned(),
    };
    let spread = |samples: &[f64], why: &str| {
        Spread::of(samples).ok_or_else(|| why.to_owned())
    };
    let group = "bounded queue, 1 producer + 1 consumer (lesson 10)";
    vec![
        Measure::new(
            "queue-condvar",
            group,
            "lesson 10's queue, Mutex + 2 Condvars, capacity 100",
            Lang::Rust,
            Unit::PerSecond,
            spread(&condvar, "no sample"),
        ),
        Measure::new(
            "queue-sync-channel",
            group,
            "std::sync::mpsc::sync_channel(100)",
            Lang::Rust,
            Unit::PerSecond,
            spread(&channel, "no sample"),
        ),
        Measure::new(
            "py-queue-per-s",
            group,
            "queue.Queue(maxsize=100), two threads",
            Lang::Python,
            Unit::PerSecond,
            spread(&python, &python_why),
        ),
    ]
}

/// Says how a round went; the rate, if there is one.
fn report(round: usize, what: &str, rate: Result<f64, String>) -> Option<f64> {
    let said = match &rate {
        Ok(rate) => Unit::PerSecond.show(*rate),
        Err(err) => err.clone(),
    };
    crate::progress(&format!("queue round {round}: {what}: {said}"));
    rate.ok()
}

/// Items per second from the producer's start to the last item taken,
/// after a small warm-up run; `Err` if an item went missing or out of
/// order. `put` runs on a thread of its own; `take` on this one.
fn rate_of<P, T>(items: u64, start: impl Fn() -> (P, T)) -> Result<f64, String>
where
    P: FnOnce(u64) + Send,
    T: FnMut() -> Option<u64>,
{
    let once = |count: u64| -> Result<Duration, String> {
        let (produce, mut take) = start();
        let began = Instant::now();
        thread::scope(|scope| {
            scope.spawn(move || produce(count));
            for expected in 0..count {
                match take() {
                    Some(n) if n == expected => {}
                    other => {
                        // Take the rest, so that the producer never waits
                        // for room that would not come.
                        while take().is_some() {}
                        return Err(format!(
                            "item {expected} came out as {other:?}"
                        ));
                    }
                }
            }
            Ok(began.elapsed())
        })
    };
    once(items.min(1_000))?;
    let took = once(items)?;
    Ok(items as f64 / took.as_secs_f64())
}

fn condvar_rate(items: u64) -> Result<f64, String> {
    rate_of(items, || {
        let queue = Arc::new(BoundedQueue::new(CAPACITY));
        let producer = Arc::clone(&queue);
        let produce = move |count: u64| {
            for n in 0..count {
                let _ = producer.put(n);
            }
            producer.close();
        };
        (produce, move || queue.get())
    })
}

fn channel_rate(items: u64) -> Result<f64, String> {
    rate_of(items, || {
        let (sender, receiver) = mpsc::sync_channel(CAPACITY);
        let produce = move |count: u64| {
            for n in 0..count {
                let _ = sender.send(n);
            }
        };
        (produce, move || receiver.recv().ok())
    })
}

/// One run of docs/python/queue_rate.py: its rate.
fn python_rate(setup: &Setup, python: &Path, items: u64) -> Result<f64, String> {
    let mut command = Command::new(python);
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    command.arg(setup.python_dir.join("queue_rate.py")).args([
        "--items",
        &items.to_string(),
        "--capacity",
        &CAPACITY.to_string(),
    ]);
    let doc = child::json_report(&child::run(command, Duration::from_secs(120))?)?;
    doc["py-queue-per-s"]
        .as_f64()
        .ok_or_else(|| "queue_rate.py gave no rate".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_rust_queues_deliver_every_item_in_order_and_give_a_rate() {
        for rate in [condvar_rate(5_000), channel_rate(5_000)] {
            let rate = rate.expect("every item in order");
            assert!(rate.is_finite() && rate > 0.0, "{rate}");
        }
    }

    #[test]
    fn a_missing_item_is_an_error_not_a_rate() {
        let skips = rate_of(10, || {
            let (sender, receiver) = mpsc::sync_channel(CAPACITY);
            let produce = move |count: u64| {
                for n in (0..count).filter(|n| n != &3) {
                    let _ = sender.send(n);
                }
            };
            (produce, move || receiver.recv().ok())
        });
        let why = skips.expect_err("item 3 is missing");
        assert!(why.contains("item 3"), "{why}");
    }
}
