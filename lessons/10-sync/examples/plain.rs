//! Lesson 10, plain: the dining philosophers with std alone, no kit. Five
//! philosophers, five forks (each a `Mutex`), two meals each; each takes
//! the lower-numbered of its two forks first, so the five can never each
//! hold one fork and wait for the next.
//! Run it: `cargo run -p lesson-10-sync --example plain-10`

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use std::{env, error::Error, thread};

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let meal = Duration::try_from_secs_f64(0.1 * scale)?;
    let forks: Arc<Vec<Mutex<()>>> =
        Arc::new((0..5).map(|_| Mutex::new(())).collect());

    let start = Instant::now();
    let philosophers: Vec<_> = (0..5)
        .map(|me| {
            let forks = Arc::clone(&forks);
            thread::spawn(move || {
                let (left, right) = (me, (me + 1) % 5);
                // Lowest first. With (left, right) instead, all five can
                // hold their left fork and wait for ever for the right.
                let (first, second) = (left.min(right), left.max(right));
                for n in 1..=2 {
                    let _first = forks[first].lock().expect("no philosopher panics");
                    let _second =
                        forks[second].lock().expect("no philosopher panics");
                    thread::sleep(meal);
                    println!("philosopher {} ate meal {n}", me + 1);
                } // the guards drop here: both forks go back on the table
            })
        })
        .collect();
    for philosopher in philosophers {
        philosopher.join().map_err(|_| "a philosopher panicked")?;
    }
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
