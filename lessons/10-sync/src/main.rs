//! Lesson 10: when threads wait for each other. Lessons 05 and 07 showed a
//! lock and a channel; this one shows what a concurrent programmer meets
//! next, one part at a time, each with its effect in the timeline or in a
//! count:
//!
//! 1. deadlock: five philosophers, five forks, a watchdog that names the
//!    cycle, and two fixes (one lock order; `try_lock` and back off);
//! 2. a bounded blocking queue from a `Mutex` and two `Condvar`s (the
//!    notebook's `multiprocessing.Queue`, built by hand), then
//!    `sync_channel`;
//! 3. backpressure: a fast producer through `channel()`, then through
//!    `sync_channel(4)`;
//! 4. `RwLock` against `Mutex`, readers and a writer;
//! 5. memory order: store buffering and message passing, counted;
//! 6. `LazyLock` and `thread_local!`.
//!
//! Run it: `cargo run -p lesson-10-sync` (every part in turn, a few
//! seconds), or one part: `-- --part deadlock` (`condvar`, `backpressure`,
//! `rwlock`, `ordering`, `once`). `examples/plain.rs` is the dining
//! philosophers without the kit.

mod args;
mod backpressure;
mod condvar;
mod deadlock;
mod once;
mod ordering;
mod rwlock;

use std::process::ExitCode;

use args::{Args, Part};
use lesson_kit::Plan;

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    let parts = match args.part {
        Some(part) => vec![part],
        None => Part::ALL.to_vec(),
    };
    // No plan of sleeps: each part measures what it shows.
    lesson_kit::run!(Plan::new(), || {
        for part in parts {
            // After Ctrl-C the part under way stops, and no other starts.
            if lesson_kit::stopped() {
                break;
            }
            match part {
                Part::Deadlock => deadlock::run(),
                Part::Condvar => condvar::run(),
                Part::Backpressure => backpressure::run(),
                Part::Rwlock => rwlock::run(),
                Part::Ordering => ordering::run(args.rounds),
                Part::Once => once::run(),
            }
        }
    })
}
