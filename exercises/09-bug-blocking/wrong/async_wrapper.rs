//! Exercise 09-bug-blocking, a WRONG fix the tests must reject: the driver
//! call is wrapped in an `async fn`, and awaited. But an `async fn` is only
//! as async as what it awaits: the wrapper awaits nothing, and `read`
//! still blocks the runtime's thread, one sensor after another.

/// The driver call, made async (in name only).
async fn read_async(read: fn(u64) -> u64, sensor: u64) -> u64 {
    read(sensor)
}

/// Reads every sensor, each in a task of its own, with the blocking
/// driver call `read`; returns the readings in the order of `sensors`.
pub async fn read_all(sensors: Vec<u64>, read: fn(u64) -> u64) -> Vec<u64> {
    let tasks: Vec<_> = sensors
        .into_iter()
        .map(|sensor| tokio::spawn(read_async(read, sensor)))
        .collect();
    let mut readings = Vec::new();
    for task in tasks {
        // Err only if the task panicked.
        readings.push(task.await.expect("a sensor's task panicked"));
    }
    readings
}
