//! The tests of exercise 09-bug-blocking: `read_all` gives every reading in
//! the order of the sensors, reads the sensors at the same time, and
//! leaves the runtime's thread free for the program's other tasks while
//! it does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use exercise::read_all;
use exercise_support::{Probe, within};
use tokio::runtime::{self, Runtime};

/// How long the tests' driver takes to read a sensor (sensor 1 takes
/// twice as long).
const READ: Duration = Duration::from_millis(300);
/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// What the tests' driver saw: how many sensors were read at once.
static PROBE: Probe = Probe::new();

/// The tests' sensor driver: a blocking call, as a device's driver often
/// is. It keeps its thread for `READ` (sensor 1: twice that), and reads
/// ten times the sensor's number.
fn read(sensor: u64) -> u64 {
    let _reading = PROBE.enter(sensor);
    thread::sleep(if sensor == 1 { READ * 2 } else { READ });
    sensor * 10
}

/// The program's runtime: tokio's current-thread runtime, every task on
/// the one thread that calls `block_on`.
fn runtime() -> Runtime {
    runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[test]
fn the_readings_come_in_the_order_of_the_sensors() {
    PROBE.reset();
    // Sensor 1 is the slowest: in the order they finish, it comes last.
    let got = within(LIMIT, "read_all", || {
        runtime().block_on(read_all(vec![1, 2, 3], read))
    });
    assert_eq!(
        got,
        [10, 20, 30],
        "each sensor's reading, in the order of the sensors (sensor 1 is the \
         slowest)"
    );
}

#[test]
fn sensors_are_read_at_the_same_time() {
    PROBE.reset();
    let began = Instant::now();
    within(LIMIT, "read_all", || {
        runtime().block_on(read_all(vec![2, 3, 4], read))
    });
    let took = began.elapsed();
    let at_once = PROBE.most_at_once();
    assert!(
        at_once == 3 && took < READ * 2,
        "3 sensors of {:.1} s each took {:.2} s, and at most {at_once} was read \
         at a time: one after another, though each has a task of its own.\n\
         hint: a task gives the runtime's thread back only at an .await. Where \
         is the .await while a sensor is read? And a fix that awaits each \
         sensor before it starts the next makes them take turns (chapter 09, \
         \"Blocking the executor\").",
        READ.as_secs_f64(),
        took.as_secs_f64()
    );
}

#[test]
fn other_tasks_run_while_the_sensors_are_read() {
    PROBE.reset();
    let tick = Duration::from_millis(10);
    let (ticks, took) = within(LIMIT, "read_all", move || {
        runtime().block_on(async move {
            // Another task of the program, on the same runtime: it counts
            // the times it got the thread, every 10 ms.
            let ticks = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&ticks);
            let ticker = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(tick).await;
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            });
            let began = Instant::now();
            read_all(vec![2, 3, 4], read).await;
            let took = began.elapsed();
            ticker.abort();
            (ticks.load(Ordering::SeqCst), took)
        })
    });
    // 8 is a quarter of what a free thread gives in 0.3 s: room for a busy
    // machine. A blocked one gives one tick between two sensors at most.
    assert!(
        ticks >= 8,
        "while the sensors were read ({:.2} s), a task beside them that ticks \
         every 10 ms ticked {ticks} time(s): the runtime's only thread was \
         blocked, and no other task could run.\n\
         hint: a blocking call in async code (the driver's read, or a join) \
         holds the runtime's thread until it returns. tokio can run a \
         blocking call on threads kept for that, and let the task await it \
         (chapter 09, \"Blocking the executor\").",
        took.as_secs_f64()
    );
}
