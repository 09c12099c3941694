//! Exercise 07-work-queue: a work queue shared by `workers` threads, which
//! hold its lock only to take an item.
//!
//! Chapter: Lesson 07, "Plain Rust" (a channel as the queue, its receiver
//! shared behind a `Mutex`, results on a second channel) and "The Rust
//! bug: holding the lock while working".
//!
//! Write `process_all`:
//!
//! 1. Put every item on a channel (`std::sync::mpsc::channel()`), then
//!    drop its `Sender`: the queue is closed, and once it is drained,
//!    `recv()` returns `Err` instead of waiting.
//! 2. Start `workers` threads that share the `Receiver`. std's `Receiver`
//!    has one owner at a time, so share it as `Arc<Mutex<Receiver<u64>>>`.
//!    Each worker takes an item (`recv()`), processes it with `work`, sends
//!    the result back on a second channel, and takes the next item, until
//!    `recv()` returns `Err`.
//! 3. Collect the results from the second channel until it closes. It
//!    closes when every `Sender` of it is gone: the workers' clones, and
//!    yours. Then join the workers.
//!
//! Hold the lock only to take an item:
//! `let next = queue.lock().unwrap().recv();` drops its guard at the
//! semicolon. In `while let Ok(item) = queue.lock().unwrap().recv() { ... }`
//! the guard lives to the end of the loop's body, and the workers take
//! turns instead of working at once.
//!
//! The results come back in the order the items finish: any order is
//! right, as long as every item's result is there, once.
//!
//! Run the tests: `make exercise EXERCISE=07-work-queue` from the course's
//! folder, or `cargo test` in this one.

/// Processes every item with `work`, on `workers` threads (at least one)
/// that take the items from one shared queue; returns every result, in the
/// order they were done.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn process_all(
    items: Vec<u64>,
    workers: usize,
    work: fn(u64) -> String,
) -> Vec<String> {
    todo!("a queue of the items, workers that share it, results on a channel")
}
