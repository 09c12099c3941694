//! Exercise 09-bug-blocking: the reference SOLUTION. Find and fix the bug
//! in src/lib.rs first; compare once its tests pass.
//!
//! The bug: a task gives its thread back only at an `.await`, and
//! `read(sensor)` has none: it blocks the runtime's only thread until the
//! sensor answers. So the tasks ran one after another, and no other task
//! ran meanwhile. The fix: `spawn_blocking` runs each blocking call on
//! tokio's pool of threads kept for blocking work; the task awaits its
//! JoinHandle, which gives the runtime's thread back until the call is
//! done.

/// Reads every sensor, each in a task of its own, with the blocking
/// driver call `read`; returns the readings in the order of `sensors`.
pub async fn read_all(sensors: Vec<u64>, read: fn(u64) -> u64) -> Vec<u64> {
    let tasks: Vec<_> = sensors
        .into_iter()
        .map(|sensor| tokio::task::spawn_blocking(move || read(sensor)))
        .collect();
    let mut readings = Vec::new();
    for task in tasks {
        // Err only if the call panicked.
        readings.push(task.await.expect("a sensor's call panicked"));
    }
    readings
}
