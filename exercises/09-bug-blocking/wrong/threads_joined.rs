//! Exercise 09-bug-blocking, a WRONG fix the tests must reject: a thread
//! per sensor, so the sensors are read at the same time; but `join` is a
//! blocking call too, made on the runtime's only thread, which no other
//! task can use until every sensor has answered.

use std::thread;

/// Reads every sensor, each in a task of its own, with the blocking
/// driver call `read`; returns the readings in the order of `sensors`.
pub async fn read_all(sensors: Vec<u64>, read: fn(u64) -> u64) -> Vec<u64> {
    let threads: Vec<_> = sensors
        .into_iter()
        .map(|sensor| thread::spawn(move || read(sensor)))
        .collect();
    threads
        .into_iter()
        // Err only if the thread panicked.
        .map(|thread| thread.join().expect("a sensor's thread panicked"))
        .collect()
}
