//! Exercise 03-map-in-order: run a task on every number, on a pool of
//! threads, and return the results in the order of the numbers.
//!
//! Chapter: Lesson 03, "The plain version" (a pool from the threadpool
//! crate, one channel per task) and "When a task panics".
//!
//! Write `map_on_pool`: Python's `executor.map`, on a pool of `workers`
//! threads.
//!
//! 1. Make the pool: `threadpool::ThreadPool::new(workers)`.
//! 2. For each number, make a channel (`std::sync::mpsc::channel()`) and
//!    give the pool a job, `pool.execute(move || ...)`, that runs
//!    `task(number)` and sends the result on the channel's `Sender`. The
//!    job takes the `Sender` with it; you keep the `Receiver`.
//! 3. Then read the receivers (`recv()`), in the order of the numbers.
//!
//! `execute` returns at once: the pool runs at most `workers` jobs at a
//! time, and the results come back in input order, however long each task
//! takes.
//!
//! A task may panic. Its job then ends without sending, and as its
//! `Sender` is dropped, `recv()` on its `Receiver` returns `Err`: put
//! `None` in that task's place and go on; every other result must still
//! arrive.
//!
//! When you return, let no pool thread run on: dropping the `ThreadPool`
//! (at the end of the function) lets its threads end, once they are idle.
//!
//! Run the tests: `make exercise EXERCISE=03-map-in-order` from the
//! course's folder, or `cargo test` in this one.

/// Runs `task` on every number, on a pool of `workers` threads (at least
/// one), and returns the results in the order of `numbers`: `None` for a
/// task that panicked.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn map_on_pool(
    numbers: &[u64],
    workers: usize,
    task: fn(u64) -> String,
) -> Vec<Option<String>> {
    todo!("a job per number on the pool, then the results in input order")
}
