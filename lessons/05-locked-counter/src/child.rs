//! A counting process: the lesson's binary started again with `--role`. It
//! opens the counter file its parent made, says `ready`, waits for `go` on
//! stdin (so that the four processes count at the same time), adds 1 to the
//! counter its share of times, and says `done`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use lesson_kit::children;
use memmap2::{MmapOptions, MmapRaw};

use crate::args::Way;

/// The counter is a `u64` at the start of the file, in this machine's byte
/// order: 8 bytes, the same for the file and the mapping.
pub const COUNTER_BYTES: u64 = 8;

/// The child's side, from start to exit.
pub fn run(way: Way, counter_file: &Path, increments: u64) -> ExitCode {
    children::start_child();
    match count(way, counter_file, increments) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            lesson_kit::warn(format!("{} process: {err}", way.name()));
            ExitCode::FAILURE
        }
    }
}

fn count(way: Way, counter_file: &Path, increments: u64) -> io::Result<()> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(counter_file)?;
    match way {
        Way::FileLock => {
            start_together()?;
            for _ in 0..increments {
                add_one_under_file_lock(&file)?;
            }
        }
        Way::MappedAtomic => {
            let map = map_counter(&file)?;
            let counter = shared_counter(&map);
            start_together()?;
            for _ in 0..increments {
                // One indivisible read-add-write, even across processes.
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        Way::Unlocked => {
            let map = map_counter(&file)?;
            let counter = shared_counter(&map);
            start_together()?;
            for _ in 0..increments {
                // Python's `value.value += 1` without `get_lock()`: a read,
                // then a write; another process may write in between.
                let seen = counter.load(Ordering::Relaxed);
                counter.store(seen + 1, Ordering::Relaxed);
            }
        }
    }
    say("done")
}

/// Says `ready` and waits for the parent's `go`, which it sends once every
/// process is ready: the processes count at the same time, as the threads
/// do behind their barrier. The file is open (and mapped) by now, so the
/// parent's clock times the counting alone.
fn start_together() -> io::Result<()> {
    say("ready")?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if line.trim_end() != "go" {
        return Err(io::Error::other("the parent went away before `go`"));
    }
    Ok(())
}

// ANCHOR: file_lock
/// `Value.get_lock()` across processes: an exclusive lock on the file (std's
/// `File::lock`, an `flock` on Unix), held while this process reads the
/// counter and writes it back plus 1. Another process's `lock()` waits.
fn add_one_under_file_lock(file: &File) -> io::Result<()> {
    // A signal that comes while `lock` waits interrupts the wait (EINTR):
    // not a failure, so wait again.
    while let Err(err) = file.lock() {
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let mut bytes = [0u8; COUNTER_BYTES as usize];
    file.read_exact_at(&mut bytes, 0)?;
    let value = u64::from_ne_bytes(bytes) + 1;
    file.write_all_at(&value.to_ne_bytes(), 0)?;
    // Unlocked only after the write: no other process saw the old value.
    file.unlock()
}
// ANCHOR_END: file_lock

// ANCHOR: mapping
/// Maps the counter file into this process's memory, shared: every process
/// that maps the same file sees the same bytes, and the kernel writes them
/// back to the file. The parent wrote the file's 8 bytes first: touching a
/// mapped page beyond the file's end kills the process with SIGBUS, so a
/// shorter file is refused here.
fn map_counter(file: &File) -> io::Result<MmapRaw> {
    if file.metadata()?.len() < COUNTER_BYTES {
        return Err(io::Error::other("the counter file is shorter than 8 bytes"));
    }
    MmapOptions::new().len(COUNTER_BYTES as usize).map_raw(file)
}

/// The mapped bytes seen as one `AtomicU64`, borrowed from the mapping so
/// that it cannot be used after the mapping is gone.
#[allow(unsafe_code)] // the lesson's one `unsafe`: memory the compiler cannot see shared
fn shared_counter(map: &MmapRaw) -> &AtomicU64 {
    let start = map.as_mut_ptr().cast::<u64>();
    // SAFETY: `AtomicU64::from_ptr` needs three promises.
    // 1. The pointer is valid for 8 bytes for as long as the result is
    //    used: the mapping is 8 bytes long, and the returned reference
    //    borrows `map`, so the compiler keeps it from outliving the mapping.
    // 2. It is aligned to 8 bytes: a mapping starts on a page boundary.
    // 3. Nothing touches those bytes except through atomics while the
    //    reference lives: every process that maps the counter uses only
    //    this `AtomicU64`, and the parent reads the file after they exit.
    unsafe { AtomicU64::from_ptr(start) }
}
// ANCHOR_END: mapping

/// Tells the parent `line`, at once.
fn say(line: &str) -> io::Result<()> {
    children::write_line(&mut io::stdout().lock(), line)
}
