//! Exercise 05-shared-counter: a hit counter that any number of threads can
//! add to at once, losing nothing.
//!
//! Chapter: Lesson 05, "Without the instruments" (a `Mutex` that owns the
//! counter) and "The lesson, with its instruments" (`AtomicU64`, and the
//! race of a load, then a store).
//!
//! Write `HitCounter`: give it a field that holds the count, and write its
//! three methods. Many threads call them at the same time on one shared
//! counter (the tests share it by `&`, with `thread::scope`), so:
//!
//! - `hit` adds 1 and `add(n)` adds n, and neither may lose another
//!   thread's update. Reading the count and then writing it back lets
//!   another thread's update fall in between, and be overwritten: make each
//!   update one step (`AtomicU64::fetch_add`, or a `Mutex<u64>` locked for
//!   the whole update);
//! - `total` returns the count.
//!
//! The methods take `&self`, not `&mut self`: many threads hold a
//! `&HitCounter` at once, and a `&mut` can exist only once. So the field
//! must be a type that can change through a shared reference, safely
//! between threads (one that is `Sync`): an atomic, or a mutex. (A `Cell`
//! can change through `&`, but is not `Sync`: the tests would not compile
//! with it.) `HitCounter::default()` makes a counter at 0: the `derive`
//! above the struct writes it, and works for an `AtomicU64` or a
//! `Mutex<u64>` field.
//!
//! Run the tests: `make exercise EXERCISE=05-shared-counter` from the
//! course's folder, or `cargo test` in this one.

/// A count of hits that many threads can add to at once.
#[derive(Debug, Default)]
pub struct HitCounter {
    // Your field here.
}

impl HitCounter {
    /// Adds one hit.
    pub fn hit(&self) {
        todo!("add 1 to the count, in one step")
    }

    /// Adds `hits` hits.
    #[allow(unused_variables)] // until the body uses it: then delete this line
    pub fn add(&self, hits: u64) {
        todo!("add `hits` to the count, in one step")
    }

    /// The count now.
    pub fn total(&self) -> u64 {
        todo!("read the count")
    }
}
