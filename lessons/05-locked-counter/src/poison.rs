//! Mutex poisoning: a thread panics while it holds the lock, in the middle
//! of an update. The next `lock()` returns `Err(PoisonError)`, the mutex's
//! way of saying "the value inside may be half-updated". The value is still
//! there: `PoisonError::into_inner` hands it over, and the caller decides
//! whether to trust it.

use std::panic;
use std::sync::Mutex;
use std::thread;

use lesson_kit::say;

/// The thread adds 1 ten times as one batch, but fails at this step.
const FAILS_AT: u64 = 6;
const BATCH: u64 = 10;

/// Runs the demo; returns the value recovered from the poisoned mutex.
pub fn demo() -> u64 {
    say!(
        "poisoning: a thread takes the lock to add {BATCH}, one at a time, and panics at step {FAILS_AT}"
    );
    // ANCHOR: poison
    let counter = Mutex::new(0u64);
    let joined = quietly(|| {
        thread::scope(|scope| {
            let adder = thread::Builder::new().name("adder".to_owned());
            let adding = adder.spawn_scoped(scope, || {
                let mut count = counter.lock().expect("no one has panicked yet");
                for step in 1..=BATCH {
                    if step == FAILS_AT {
                        panic!("step {step} of {BATCH} failed, on purpose");
                    }
                    *count += 1;
                }
            });
            // `join` returns the panic as an `Err`; the scope does not
            // panic again for a thread that was joined.
            adding.map(|adding| adding.join().is_err())
        })
    });
    if joined.is_ok_and(|panicked| panicked) {
        say!(
            "poisoning: join() returned Err: the thread panicked holding the guard"
        );
    }
    let value = match counter.lock() {
        Ok(count) => *count, // not poisoned: the thread did not panic
        Err(poisoned) => {
            say!("poisoning: lock() returned Err(PoisonError): {poisoned}");
            // The guard is inside the error: the value is not lost.
            *poisoned.into_inner()
        }
    };
    // ANCHOR_END: poison
    say!(
        "poisoning: into_inner() still gives the value: {value}, \
         {value} of the batch's {BATCH} increments"
    );
    say!(
        "poisoning: each step left a whole count, so {value} is true, but the \
         batch is half done: trust it only if a half-done update is still valid"
    );
    value
}

/// Runs `work` with panics reported as one line through the kit (on stderr,
/// with the lesson's name) instead of the default message and its source
/// location: the panic here is the lesson's, not a bug.
fn quietly<T>(work: impl FnOnce() -> T) -> T {
    let default = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map_or("a panic", String::as_str);
        let thread = thread::current();
        let name = thread.name().unwrap_or("a thread");
        lesson_kit::warn(format!("thread '{name}' panicked: {message}"));
    }));
    let result = work();
    panic::set_hook(default);
    result
}
