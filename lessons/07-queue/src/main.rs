//! Lesson 07: the notebook's `multiprocessing.Queue` cell. Ten items go on a
//! queue; four workers take them one at a time until none is left, each
//! item 0.2 s of work, and report "Processed n". The four share the ten
//! items in three rounds: 0.6 s instead of 2 s.
//!
//! Run it: `cargo run -p lesson-07-queue` (`-- --items 25 --workers 3` for
//! another mix). The queue is a std channel whose receiver the workers
//! share behind a `Mutex`; each result goes back to the main thread on a
//! second channel, and the main thread prints it. Watch the timeline: four
//! rows, each worker taking the next item the moment it is free.
//!
//! `-- --hold-lock` runs the classic mistake: each worker keeps the queue's
//! lock while it works, so the workers go one at a time: 2 s, and one busy
//! row in the timeline.
//!
//! `examples/plain.rs` is the cell without the kit; `examples/crossbeam.rs`
//! the other way to share a queue, a channel with many receivers.

mod args;

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use args::Args;
use lesson_kit::{Plan, say};

/// How long each item takes to process.
const WORK: Duration = Duration::from_millis(200);

// ANCHOR: queue_type
/// The queue as the workers see it: one receiver, used by one at a time.
type Queue = Mutex<Receiver<u16>>;
// ANCHOR_END: queue_type

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    // Each item goes to the first worker free: 3 rounds for 10 items on 4.
    let items = vec![WORK; usize::from(args.items)];
    let plan = Plan::pool(usize::from(args.workers), items);
    // ANCHOR: choose
    let work: fn(&Queue, &Sender<String>) = match args.hold_lock {
        false => worker,
        true => worker_holding_the_lock,
    };
    // ANCHOR_END: choose

    lesson_kit::run!(plan, || {
        // ANCHOR: queue
        // Every item is on the queue before a worker starts, as in the notebook.
        let (to_queue, queue) = mpsc::channel();
        for item in 0..args.items {
            // A send fails only once the receiver is gone, and it is right here.
            let _ = to_queue.send(item);
        }
        // The queue is closed: once it is drained, `recv` says so.
        drop(to_queue);
        // One receiver, many workers: an Arc to share it, a Mutex to take turns.
        let queue = Arc::new(Mutex::new(queue));
        // ANCHOR_END: queue

        // ANCHOR: spawn
        let (to_main, results) = mpsc::channel();
        let workers: Vec<_> = (1..=args.workers)
            .map_while(|n| {
                // `move`: each thread owns a handle to the queue and a sender.
                let (queue, to_main) = (Arc::clone(&queue), to_main.clone());
                // `thread::spawn`, with a thread the system refuses reported
                // as one line: the workers already started do the work.
                let what = format!("worker {n} of {}", args.workers);
                lesson_kit::spawn(&what, move || {
                    lesson_kit::add_this_thread(); // its row, even if it stays idle
                    work(&queue, &to_main);
                })
            })
            .collect();
        // The workers now hold the only senders: once they have all ended,
        // the loop below ends.
        drop(to_main);
        for line in results {
            say!("{line}");
        }
        // ANCHOR_END: spawn
        for handle in workers {
            // Err only if the worker panicked.
            if handle.join().is_err() {
                lesson_kit::fail("a worker panicked");
            }
        }
    })
}

// ANCHOR: worker
/// Takes items one at a time until the queue is closed and drained.
fn worker(queue: &Queue, to_main: &Sender<String>) {
    loop {
        // The guard is a temporary of this statement, dropped at the
        // semicolon: the lock is held only while an item is taken. (unwrap:
        // a lock is poisoned only by a panic while held, and recv does not
        // panic.)
        let next = queue.lock().unwrap().recv();
        // Err: the queue is closed and empty, so no item will ever come.
        let Ok(item) = next else { break };
        if !process(item, to_main) {
            break;
        }
    }
}
// ANCHOR_END: worker

// ANCHOR: holding
/// The classic mistake: the same loop, written with `while let`.
fn worker_holding_the_lock(queue: &Queue, to_main: &Sender<String>) {
    // Bug: a temporary in a `while let` condition lives until the end of
    // the body, so the guard keeps the lock while the item is processed,
    // and every other worker waits.
    while let Ok(item) = queue.lock().unwrap().recv() {
        if !process(item, to_main) {
            break;
        }
    }
}
// ANCHOR_END: holding

// ANCHOR: process
/// The work on one item; `false` when the worker should stop.
fn process(item: u16, to_main: &Sender<String>) -> bool {
    // `false`: Ctrl-C cut the work short.
    if !lesson_kit::sleep(WORK) {
        return false;
    }
    // The task ends on this worker's row, its bar labelled with the item...
    lesson_kit::done(&item.to_string());
    // ...and the result goes to the main thread, which prints it.
    to_main.send(format!("Processed {item}")).is_ok()
}
// ANCHOR_END: process
