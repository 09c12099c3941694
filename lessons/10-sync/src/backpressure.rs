//! Part 3, backpressure: a producer faster than its consumer. Through an
//! unbounded `channel()` the producer never waits, so the items it makes
//! pile up in the queue, memory and all; through `sync_channel(4)` its
//! `send` waits while 4 items are queued, so it goes at the consumer's
//! pace and the queue never holds more. The timeline shows the producer's
//! bar: short and done with the first, as long as the consumer's with the
//! second.
//!
//! `cargo run -p lesson-10-sync -- --part backpressure`

use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

use lesson_kit::say;
use serde_json::{Value, json};

const ITEMS: usize = 60;
/// The size of each item: a block of memory, as a line of a file or a
/// frame of a video would be.
const ITEM_BYTES: usize = 64 * 1024;
/// How long the producer takes to make an item.
const MAKE: Duration = Duration::from_millis(2);
/// How long the consumer takes over one: five times as long.
const TAKE: Duration = Duration::from_millis(10);
/// The bound of the bounded channel.
const BOUND: usize = 4;

/// An item: a block of bytes.
type Block = Vec<u8>;

/// When each item was sent (after `send` returned), and when the consumer
/// asked for each (before `recv`), from the lesson's start.
struct Flow {
    sent: Vec<Duration>,
    asked: Vec<Duration>,
}

pub fn run() {
    lesson_kit::add_worker("fast producer");
    lesson_kit::add_worker("slow consumer");
    say!(
        "backpressure: a producer makes a {} KiB item every {} ms; the consumer \
         takes {} ms over each; {ITEMS} items",
        ITEM_BYTES / 1024,
        MAKE.as_millis(),
        TAKE.as_millis()
    );
    let mut facts = Vec::new();
    // ANCHOR: unbounded
    let (sender, receiver) = mpsc::channel();
    let unbounded = flow(
        "channel()",
        move |block| sender.send(block).is_ok(),
        receiver,
    );
    // ANCHOR_END: unbounded
    if let Some(flow) = unbounded {
        say!(
            "channel(): unbounded, so the producer never waits: the items pile up in the queue"
        );
        facts.push(report("channel()", &flow, None));
    }
    if lesson_kit::stopped() {
        return lesson_kit::fact("backpressure", facts);
    }
    // ANCHOR: bounded
    let (sender, receiver) = mpsc::sync_channel(BOUND);
    let bounded = flow(
        "sync_channel(4)",
        move |block| sender.send(block).is_ok(),
        receiver,
    );
    // ANCHOR_END: bounded
    if let Some(flow) = bounded {
        say!(
            "sync_channel(4): the producer waits for room: never more than {BOUND} items in the queue"
        );
        facts.push(report("sync_channel(4)", &flow, Some(BOUND)));
    }
    lesson_kit::fact("backpressure", facts);
}

// ANCHOR: flow
/// Runs the producer and the consumer on two threads, one end of the
/// channel each; `None` if a thread could not start (already reported) or
/// the run was stopped.
fn flow(
    what: &str,
    send: impl Fn(Block) -> bool + Send,
    receiver: Receiver<Block>,
) -> Option<Flow> {
    thread::scope(|scope| {
        // A thread that does not start drops its end of the channel, which
        // ends the other's loop: neither waits for ever.
        let consumer = lesson_kit::spawn_scoped(scope, "the consumer", || {
            consume(what, receiver)
        });
        let producer =
            lesson_kit::spawn_scoped(scope, "the producer", || produce(what, send));
        let (sent, asked) = (producer?.join().ok()?, consumer?.join().ok()?);
        (!lesson_kit::stopped()).then_some(Flow { sent, asked })
    })
}

/// Makes the items and sends each; returns when each send returned.
fn produce(what: &str, send: impl Fn(Block) -> bool) -> Vec<Duration> {
    let start = lesson_kit::elapsed();
    let mut sent = Vec::with_capacity(ITEMS);
    for n in 0..ITEMS {
        if !lesson_kit::pause(MAKE) {
            break;
        }
        // Filled, not just allocated: the memory is really taken.
        let block = vec![n as u8; ITEM_BYTES];
        // With a bound, this is where the producer waits.
        if !send(block) {
            break;
        }
        sent.push(lesson_kit::elapsed());
    }
    lesson_kit::record_task("fast producer", what, start, lesson_kit::elapsed());
    sent
}

/// Takes the items until the channel is closed; returns when it asked for
/// each.
fn consume(what: &str, receiver: Receiver<Block>) -> Vec<Duration> {
    let start = lesson_kit::elapsed();
    let mut asked = Vec::with_capacity(ITEMS + 1);
    loop {
        asked.push(lesson_kit::elapsed());
        let Ok(block) = receiver.recv() else { break };
        if !lesson_kit::pause(TAKE) {
            break;
        }
        drop(block); // done with it: its memory is freed here
    }
    lesson_kit::record_task("slow consumer", what, start, lesson_kit::elapsed());
    asked
}
// ANCHOR_END: flow

// ANCHOR: peak
/// The most items in the queue at once. Item `i` is certainly in it from
/// the moment its `send` returned (`sent[i]`) until the consumer asked for
/// it (`asked[i]`): the channel put it in before the one and takes it out
/// after the other. So the count never overstates the queue, and with a
/// slow consumer it reaches the real peak. An item never asked for stayed
/// in the queue to the end.
fn peak_queued(sent: &[Duration], asked: &[Duration]) -> usize {
    let mut changes: Vec<(Duration, i32)> = Vec::new();
    for (i, &put_in) in sent.iter().enumerate() {
        let taken_out = asked.get(i).copied().unwrap_or(Duration::MAX);
        if taken_out > put_in {
            changes.push((put_in, 1));
            changes.push((taken_out, -1));
        }
    }
    // At the same instant, count the items leaving before those arriving.
    changes.sort();
    let mut queued = 0;
    let mut peak = 0;
    for (_, change) in changes {
        queued += change;
        peak = peak.max(queued);
    }
    peak.unsigned_abs() as usize
}
// ANCHOR_END: peak

/// The figures of one flow: the peak queue and its memory, and when each
/// side finished, from the flow's start.
/// When the producer sent its last item and the consumer asked for its
/// last, counted from the first thing either did. Usually the consumer
/// asks first, but a consumer thread that starts late can find every item
/// sent already.
fn done_at(flow: &Flow) -> (Duration, Duration) {
    let firsts = [flow.sent.first(), flow.asked.first()];
    let start = firsts
        .into_iter()
        .flatten()
        .min()
        .copied()
        .unwrap_or_default();
    let last =
        |times: &[Duration]| times.last().map_or(Duration::ZERO, |&t| t - start);
    (last(&flow.sent), last(&flow.asked))
}

fn report(what: &str, flow: &Flow, bound: Option<usize>) -> Value {
    let peak = peak_queued(&flow.sent, &flow.asked);
    if bound.is_some_and(|bound| peak > bound) {
        lesson_kit::fail(format!("{what}: {peak} items queued, over its bound"));
    }
    let (produced, consumed) = done_at(flow);
    let bytes = peak * ITEM_BYTES;
    lesson_kit::measured(format!(
        "{what:<16} peak {peak:>2} items queued ({:.2} MiB); the producer was done at \
         {:.2} s, the consumer at {:.2} s",
        bytes as f64 / (1024.0 * 1024.0),
        produced.as_secs_f64(),
        consumed.as_secs_f64()
    ));
    json!({
        "channel": what,
        "bound": bound,
        "peak_items": peak,
        "peak_bytes": bytes,
        "producer_done_ms": produced.as_secs_f64() * 1e3,
        "consumer_done_ms": consumed.as_secs_f64() * 1e3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn items_sent_faster_than_asked_for_pile_up() {
        // Sent every ms, asked for every 10: at 5 ms, items 1 to 4 wait
        // (item 0 was asked for at 0), and so on.
        let sent = ms(&[1, 2, 3, 4, 5]);
        let asked = ms(&[0, 10, 20, 30, 40, 50]);
        assert_eq!(peak_queued(&sent, &asked), 4);
    }

    #[test]
    fn a_consumer_that_waits_for_each_item_leaves_none_queued() {
        // The consumer asks before each item is sent: it is waiting in
        // `recv`, and each item goes straight to it.
        let sent = ms(&[1, 11, 21]);
        let asked = ms(&[0, 10, 20, 30]);
        assert_eq!(peak_queued(&sent, &asked), 0);
        // Each item sent a little before the consumer asks: one waits.
        let asked = ms(&[2, 12, 22, 30]);
        assert_eq!(peak_queued(&sent, &asked), 1);
    }

    #[test]
    fn items_never_asked_for_stay_queued_and_equal_times_do_not_overlap() {
        let sent = ms(&[1, 2, 3]);
        assert_eq!(peak_queued(&sent, &ms(&[0])), 2);
        // One leaves at the instant the next arrives: one at a time.
        let sent = ms(&[1, 3]);
        assert_eq!(peak_queued(&sent, &ms(&[3, 5])), 1);
        assert_eq!(peak_queued(&[], &[]), 0);
    }

    #[test]
    fn a_consumer_that_starts_after_every_item_was_sent_is_no_panic() {
        // All three sent before the consumer's first ask, at 10 ms.
        let flow = Flow {
            sent: ms(&[1, 2, 3]),
            asked: ms(&[10, 20, 30, 40]),
        };
        assert_eq!(done_at(&flow), (ms(&[2])[0], ms(&[39])[0]));
        // The usual way round: counted from the first ask.
        let flow = Flow {
            sent: ms(&[1, 11, 21]),
            asked: ms(&[0, 10, 20, 30]),
        };
        assert_eq!(done_at(&flow), (ms(&[21])[0], ms(&[30])[0]));
        let none = Flow {
            sent: vec![],
            asked: vec![],
        };
        assert_eq!(done_at(&none), (Duration::ZERO, Duration::ZERO));
    }
}
