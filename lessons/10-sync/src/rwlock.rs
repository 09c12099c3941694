//! Part 4, a read-write lock: three readers read a shared price list twice
//! each, 100 ms a read, and a writer comes at 50 ms to change it. Behind an
//! `RwLock` the readers read at the same time, and the writer waits until
//! none reads; behind a `Mutex`, the readers take turns, and everything
//! takes as long as all the reads and the write one after another. Each
//! lock has its own rows in the timeline, "RwLock reader 1" and so on.
//!
//! `cargo run -p lesson-10-sync -- --part rwlock`

use std::sync::{Mutex, PoisonError, RwLock};
use std::thread;
use std::time::Duration;

use lesson_kit::say;
use serde_json::{Value, json};

const READERS: usize = 3;
/// How many times each reader reads.
const READS: usize = 2;
/// How long a read takes, the lock held.
const READ: Duration = Duration::from_millis(100);
/// How long the write takes, the lock held: as long as a read, so that
/// its bar has room for its label.
const WRITE: Duration = Duration::from_millis(100);
/// When the writer comes, after the readers have started.
const WRITER_COMES: Duration = Duration::from_millis(50);

/// The shared data: a list of prices.
type Prices = Vec<u32>;

// ANCHOR: shared
/// A lock around the prices, as the readers and the writer use it.
trait Shared: Sync {
    fn reading(&self, read: impl FnOnce(&Prices));
    fn writing(&self, write: impl FnOnce(&mut Prices));
}

/// Any number of readers at once, or one writer alone.
impl Shared for RwLock<Prices> {
    fn reading(&self, read: impl FnOnce(&Prices)) {
        read(&self.read().unwrap_or_else(PoisonError::into_inner));
    }
    fn writing(&self, write: impl FnOnce(&mut Prices)) {
        write(&mut self.write().unwrap_or_else(PoisonError::into_inner));
    }
}

/// One at a time, reader or writer.
impl Shared for Mutex<Prices> {
    fn reading(&self, read: impl FnOnce(&Prices)) {
        read(&self.lock().unwrap_or_else(PoisonError::into_inner));
    }
    fn writing(&self, write: impl FnOnce(&mut Prices)) {
        write(&mut self.lock().unwrap_or_else(PoisonError::into_inner));
    }
}
// ANCHOR_END: shared

pub fn run() {
    for what in ["RwLock", "Mutex"] {
        for r in 1..=READERS {
            lesson_kit::add_worker(&format!("{what} reader {r}"));
        }
        lesson_kit::add_worker(&format!("{what} writer"));
    }
    say!(
        "rwlock: {READERS} readers read a shared list {READS} times each, {} ms \
         a read; a writer comes at {} ms to change it",
        READ.as_millis(),
        WRITER_COMES.as_millis()
    );
    let mut facts = Vec::new();
    // ANCHOR: compare
    let prices = RwLock::new(vec![10, 20, 30]);
    if let Some(run) = readers_and_writer("RwLock", &prices) {
        say!(
            "RwLock: the readers hold the lock together; the writer waits until none reads"
        );
        facts.push(run);
    }
    let prices = Mutex::new(vec![10, 20, 30]);
    if let Some(run) = readers_and_writer("Mutex", &prices) {
        say!(
            "Mutex: one reader at a time; the others, and the writer, wait their turn"
        );
        facts.push(run);
    }
    // ANCHOR_END: compare
    lesson_kit::fact("rwlock", facts);
}

/// The readers and the writer on one lock, each on its thread; their
/// figures, or `None` if a thread did not start or Ctrl-C came.
fn readers_and_writer(what: &str, lock: &impl Shared) -> Option<Value> {
    if lesson_kit::stopped() {
        return None;
    }
    let start = lesson_kit::elapsed();
    let waited = thread::scope(|scope| {
        let readers: Vec<_> = (1..=READERS)
            .map(|r| {
                lesson_kit::spawn_scoped(scope, "a reader", move || {
                    reader(r, what, lock)
                })
            })
            .collect();
        let writer =
            lesson_kit::spawn_scoped(scope, "the writer", || writer(what, lock));
        for reader in readers {
            reader?.join().ok()?;
        }
        writer?.join().ok()
    })?;
    let took = lesson_kit::elapsed() - start;
    if lesson_kit::stopped() {
        return None;
    }
    lesson_kit::measured(format!(
        "{what:<7} every read and the write done in {:.2} s; the writer waited {:.2} s",
        took.as_secs_f64(),
        waited.as_secs_f64()
    ));
    Some(json!({
        "lock": what,
        "elapsed_ms": took.as_secs_f64() * 1e3,
        "writer_waited_ms": waited.as_secs_f64() * 1e3,
    }))
}

// ANCHOR: reader
/// Reader `r`: reads the prices `READS` times, each read a bar in its row,
/// labelled with the total it saw.
fn reader(r: usize, what: &str, lock: &impl Shared) {
    let row = format!("{what} reader {r}");
    for _ in 0..READS {
        lock.reading(|prices| {
            let start = lesson_kit::elapsed();
            // A long look at the list, the lock held all along.
            if lesson_kit::pause(READ) {
                let total: u32 = prices.iter().sum();
                let label = format!("{what} read: {total}");
                lesson_kit::record_task(&row, &label, start, lesson_kit::elapsed());
            }
        });
    }
}

/// The writer: comes a little after the readers, waits for the lock, and
/// raises every price; its wait is a bar too. Returns how long it waited.
fn writer(what: &str, lock: &impl Shared) -> Duration {
    if !lesson_kit::pause(WRITER_COMES) {
        return Duration::ZERO;
    }
    let (row, asked) = (format!("{what} writer"), lesson_kit::elapsed());
    let mut waited = Duration::ZERO;
    lock.writing(|prices| {
        let start = lesson_kit::elapsed();
        waited = start - asked;
        let label = format!("{what} writer: wait");
        lesson_kit::record_task(&row, &label, asked, start);
        if lesson_kit::pause(WRITE) {
            prices.iter_mut().for_each(|price| *price += 1);
            let label = format!("{what} writer: write");
            lesson_kit::record_task(&row, &label, start, lesson_kit::elapsed());
        }
    });
    waited
}
// ANCHOR_END: reader
