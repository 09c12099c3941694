//! Lesson 04, plain: the notebook's process pool in std alone, no kit: three
//! workers (this program, run with `worker`) square 14 numbers sent down their
//! stdin, 2 s each: 5 rounds, 10 s instead of 28 s.
//! Run it: `cargo run -p lesson-04-processpool --example plain-04`

use std::io::{self, BufRead, BufReader, ErrorKind::UnexpectedEof, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::{env, error::Error, thread, time::Duration, time::Instant};

const NUMBERS: [u64; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 2, 3, 12, 14];

/// Starts a worker process and sends it the next number until none is left.
fn feed_worker(next: &AtomicUsize) -> io::Result<()> {
    let mut command = Command::new(env::current_exe()?);
    let mut worker = command
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut tasks = worker.stdin.take().ok_or(UnexpectedEof)?;
    let results = worker.stdout.take().ok_or(UnexpectedEof)?;
    let mut results = BufReader::new(results).lines();
    // fetch_add hands each index to one feeder only: the pool's queue.
    while let Some(number) = NUMBERS.get(next.fetch_add(1, Relaxed)) {
        writeln!(tasks, "{number}")?;
        println!("{}", results.next().ok_or(UnexpectedEof)??);
    }
    drop(tasks); // the end of its input: the worker's loop ends, and it exits
    worker.wait().map(drop) // reaped, not left a zombie
}

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    if env::args().nth(1).as_deref() == Some("worker") {
        for line in io::stdin().lines() {
            let number: u64 = line?.trim().parse()?;
            thread::sleep(Duration::try_from_secs_f64(2.0 * scale)?);
            println!("Square: {}", number * number);
        }
        return Ok(());
    }
    let (next, start) = (AtomicUsize::new(0), Instant::now());
    thread::scope(|s| {
        let feeders = [(); 3].map(|()| s.spawn(|| feed_worker(&next)));
        feeders
            .into_iter()
            .try_for_each(|f| f.join().expect("no panic"))
    })?;
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
