//! Lesson 11, plain: a process looks at itself through /proc, std alone: the
//! regions of its memory map that hold its code, data, read-only data, heap
//! and stack, and a thread that sleeps ten times (0.1 s each), giving its
//! core up each time. Run it: `cargo run -p lesson-11-anatomy --example plain-11`

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use std::{env, error::Error, fs, thread};

static NUMBER: AtomicU64 = AtomicU64::new(7);

/// The line of /proc/self/maps (`start-end perms offset dev inode path`)
/// whose region holds `address`.
fn region_of(maps: &str, address: usize) -> &str {
    let holds = |line: &&str| {
        let range = line.split(' ').next().and_then(|r| r.split_once('-'));
        let hex = |n| usize::from_str_radix(n, 16).unwrap_or(0);
        range.is_some_and(|(start, end)| hex(start) <= address && address < hex(end))
    };
    maps.lines().find(holds).unwrap_or("in no region")
}

/// Looking at an address needs no `unsafe`: only using one does.
fn address<T>(value: &T) -> usize {
    value as *const T as usize
}

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let (nap, start) = (Duration::try_from_secs_f64(0.1 * scale)?, Instant::now());
    let sleeper = thread::spawn(move || {
        (0..10).for_each(|_| thread::sleep(nap));
        fs::read_to_string("/proc/thread-self/status") // its own, not main's
    });
    let (on_heap, local) = (Box::new(7_u64), 7_u64);
    let maps = fs::read_to_string("/proc/self/maps")?;
    let parts = [
        ("code", main as *const () as usize),
        ("data", address(&NUMBER)),
        ("rodata", "a literal".as_ptr() as usize),
        ("heap", address(&*on_heap)),
        ("stack", address(&local)),
    ];
    for (what, at) in parts {
        println!("{what:<6} {at:#x} {}", region_of(&maps, at));
    }
    let status = sleeper.join().map_err(|_| "the sleeper panicked")??;
    let switches = status.lines().filter(|l| l.starts_with("voluntary_ctxt"));
    switches.for_each(|line| println!("sleeper: {line}"));
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
