//! Exercise 09-bug-blocking, a WRONG fix the tests must reject: each
//! driver call goes to `spawn_blocking`, so the runtime's thread stays
//! free; but each call is awaited before the next one starts, so the
//! sensors are read one after another.

/// Reads every sensor, each in a task of its own, with the blocking
/// driver call `read`; returns the readings in the order of `sensors`.
pub async fn read_all(sensors: Vec<u64>, read: fn(u64) -> u64) -> Vec<u64> {
    let mut readings = Vec::new();
    for sensor in sensors {
        let reading = tokio::task::spawn_blocking(move || read(sensor)).await;
        // Err only if the call panicked.
        readings.push(reading.expect("a sensor's call panicked"));
    }
    readings
}
