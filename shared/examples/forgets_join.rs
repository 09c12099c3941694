//! What happens when a lesson's body returns before its thread is done: a
//! spawned thread is never waited for by Rust (every thread behaves like a
//! Python daemon thread), so `main` ends and the thread's work is lost. The
//! kit notices that none of the planned tasks finished and none failed, and
//! reports it, exit 1.
//!
//! Run it: `cargo run -p lesson-kit --example forgets_join`.

use std::thread;
use std::time::Duration;

use lesson_kit::{Plan, say, sleep};

fn main() -> std::process::ExitCode {
    let plan = Plan::new().worker([Duration::from_secs(1); 3]);
    lesson_kit::run!(plan, || {
        // The handle is dropped at once: nobody joins this thread.
        let _ = thread::spawn(|| {
            for i in 0..3 {
                sleep(Duration::from_secs(1));
                say!("tick {i}");
            }
        });
    })
}
