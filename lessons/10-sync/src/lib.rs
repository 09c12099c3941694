//! Lesson 10's blocking queue, as a library: the lesson's binary shows it at
//! work, the benchmark measures it against `std::sync::mpsc::sync_channel`
//! and Python's `queue.Queue`.
//!
//! - [`queue::BoundedQueue`]: the notebook's `multiprocessing.Queue(maxsize)`
//!   built by hand from a `Mutex` and two `Condvar`s: `put` waits while it
//!   is full, `get` while it is empty, `close` wakes everyone;
//! - [`delivery::check`]: whether the consumers took every item once, in
//!   order from each producer.

pub mod delivery;
pub mod queue;
