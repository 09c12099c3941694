//! Lesson 03, plain: the notebook's `ThreadPoolExecutor` cell with the
//! threadpool crate and std, no kit. 13 numbers, 1 s each, on a pool of 3
//! threads: 5 s, the results in input order as `executor.map` gives them.
//! Run it: `cargo run -p lesson-03-threadpool --example plain-03`

use std::sync::mpsc;
use std::time::{Duration, Instant};
use std::{env, error::Error, thread};

use threadpool::ThreadPool;

fn print_number(number: u64, pause: Duration) -> String {
    thread::sleep(pause);
    format!("Number :{number}")
}

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let pause = Duration::try_from_secs_f64(scale)?;
    let numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3];

    let start = Instant::now();
    let pool = ThreadPool::new(3);
    // One channel per task: the job owns the Sender, we keep the Receiver.
    let mut futures = Vec::new();
    for number in numbers {
        let (result, future) = mpsc::channel();
        pool.execute(move || {
            let _ = result.send(print_number(number, pause));
        });
        futures.push(future);
    }
    for future in futures {
        // Err if the job died (a panic) before sending: its Sender is gone.
        println!("{}", future.recv()?);
    }
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
