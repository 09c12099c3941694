//! Exercise 09-bug-blocking (find the bug): sensors read at once, each in
//! a task of its own, take as long as one after another, and the program's
//! other tasks stand still while they are read.
//!
//! Chapter: Lesson 09, "Blocking the executor".
//!
//! `read_all` reads several sensors for a program that runs on tokio's
//! current-thread runtime: every task on one OS thread. A sensor is read
//! through its driver, `read`, a plain function that talks to the device
//! and blocks its thread until the device answers (a fraction of a
//! second). The driver is not async, and you cannot change it.
//!
//! `read_all` gives each sensor a task, spawns them all, then awaits them
//! in order. The readings are right, and in the right order. But three
//! sensors take three times as long as one, and while they are read, the
//! program's other tasks do not run at all (the tests run one beside
//! `read_all` that ticks every 10 ms: it does not tick).
//!
//! Find the bug and fix it: the sensors must be read at the same time,
//! and the runtime's thread must stay free for the other tasks meanwhile.
//! `read` stays as it is.
//!
//! Run the tests: `make exercise EXERCISE=09-bug-blocking` from the
//! course's folder, or `cargo test` in this one.

/// Reads every sensor, each in a task of its own, with the blocking
/// driver call `read`; returns the readings in the order of `sensors`.
pub async fn read_all(sensors: Vec<u64>, read: fn(u64) -> u64) -> Vec<u64> {
    let tasks: Vec<_> = sensors
        .into_iter()
        .map(|sensor| tokio::spawn(async move { read(sensor) }))
        .collect();
    let mut readings = Vec::new();
    for task in tasks {
        // Err only if the task panicked.
        readings.push(task.await.expect("a sensor's task panicked"));
    }
    readings
}
