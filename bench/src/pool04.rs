//! Lesson 04's process pool on tiny tasks: how many it passes through per
//! second, one task per message and batched, against Python's
//! ProcessPoolExecutor submit-each and `map(chunksize=...)`.
//!
//! The workers are this binary started again with a hidden argument
//! ([`WORKER`] or [`BATCH_WORKER`]), serving the pool over their pipes with
//! lesson 04's own worker loop, as lesson 04's workers do.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use lesson_04_processpool::pool::Pool;
use lesson_04_processpool::protocol::Message;
use lesson_04_processpool::worker::{self, Staged};
use lesson_kit::children;

/// The argument that starts a worker for one tiny task per message.
pub const WORKER: &str = "--pool-worker";
/// The argument that starts a worker for batches of tiny tasks.
pub const BATCH_WORKER: &str = "--pool-batch-worker";
/// Tasks each worker holds at once in the in-flight measurement: enough
/// that a worker always has its next task in its pipe (16 already gives
/// most of the gain here, 64 a little more).
pub const IN_FLIGHT: usize = 32;
/// Tasks per message in the batched measurement, as Python's chunksize.
pub const BATCH: usize = 500;

/// A batch of tiny tasks in one message: the numbers, comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch(pub Vec<u64>);

impl Message for Batch {
    fn encode(&self) -> String {
        let numbers: Vec<String> = self.0.iter().map(u64::to_string).collect();
        numbers.join(",")
    }

    fn decode(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Ok(Self(Vec::new()));
        }
        let numbers: Result<Vec<u64>, _> = text.split(',').map(str::parse).collect();
        numbers
            .map(Self)
            .map_err(|_| format!("not a batch of numbers: {text:?}"))
    }

    fn describe(&self) -> String {
        format!("a batch of {} numbers", self.0.len())
    }

    fn label(&self) -> String {
        format!("{} numbers", self.0.len())
    }
}

/// Runs as a worker, if started as one: `Some(status)` then.
pub fn serve_if_worker() -> Option<ExitCode> {
    let first = std::env::args_os().nth(1)?;
    if first == WORKER {
        Some(worker::serve(
            |n: u64| crate::micro::tiny(n),
            Staged::default(),
        ))
    } else if first == BATCH_WORKER {
        let each = |batch: Batch| {
            Batch(batch.0.into_iter().map(crate::micro::tiny).collect())
        };
        Some(worker::serve(each, Staged::default()))
    } else {
        None
    }
}

/// A started pool of `workers` processes, each of which has run a task.
fn warm_pool<Q: Message + Clone, R: Message>(
    workers: usize,
    role: &'static str,
    warm_input: impl Fn(u64) -> Q,
) -> Result<Pool<Q, R>, String> {
    let spawn = move || children::command_for_self([role]);
    let mut pool = Pool::new(workers, Duration::ZERO, spawn)
        .map_err(|err| format!("cannot start lesson 04's pool: {err}"))?;
    // Tiny tasks take no time; a worker silent this long is stuck.
    pool.set_task_deadline(Duration::from_secs(30));
    // The pool starts workers as tasks need them: give each one a task.
    for n in 0..workers as u64 {
        pool.submit(warm_input(n));
    }
    check(pool.as_completed().map(|done| done.result.map(|_| 1)))?;
    Ok(pool)
}

/// The number of results, or the first failure.
fn check(
    results: impl Iterator<Item = Result<usize, String>>,
) -> Result<usize, String> {
    let mut count = 0;
    for result in results {
        count += result.map_err(|why| format!("lesson 04's pool: {why}"))?;
    }
    Ok(count)
}

/// Tiny tasks per second, one per message, each worker holding up to
/// `in_flight` of them at once.
pub fn each_rate(
    workers: usize,
    tasks: usize,
    in_flight: usize,
) -> Result<f64, String> {
    let mut pool: Pool<u64, u64> = warm_pool(workers, WORKER, |n| n)?;
    pool.set_in_flight(in_flight);
    let began = Instant::now();
    for n in 0..tasks as u64 {
        pool.submit(n);
    }
    let done = check(pool.as_completed().map(|d| d.result.map(|_| 1)))?;
    rate(done, tasks, began)
}

/// Tiny tasks per second, [`BATCH`] to a message.
pub fn batched_rate(workers: usize, tasks: usize) -> Result<f64, String> {
    let mut pool: Pool<Batch, Batch> =
        warm_pool(workers, BATCH_WORKER, |n| Batch(vec![n]))?;
    let numbers: Vec<u64> = (0..tasks as u64).collect();
    let began = Instant::now();
    for chunk in numbers.chunks(BATCH) {
        pool.submit(Batch(chunk.to_vec()));
    }
    let done = check(pool.as_completed().map(|d| d.result.map(|b| b.0.len())))?;
    rate(done, tasks, began)
}

fn rate(done: usize, tasks: usize, began: Instant) -> Result<f64, String> {
    if done != tasks {
        return Err(format!(
            "lesson 04's pool returned {done} of {tasks} results"
        ));
    }
    Ok(done as f64 / began.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_travels_as_one_line_and_back() {
        let batch = Batch(vec![0, 7, 12_345]);
        assert_eq!(batch.encode(), "0,7,12345");
        assert_eq!(Batch::decode(&batch.encode()), Ok(batch));
        assert_eq!(Batch::decode(""), Ok(Batch(Vec::new())));
        assert!(Batch::decode("1,x").is_err());
    }
}
