//! Lesson 09, plain: the notebook's two functions as two tokio tasks on one
//! OS thread, no kit. While one task waits, the thread runs the other, so
//! the cell takes 10 s, as lesson 01's two threads do, with one thread.
//! Run it: `cargo run -p lesson-09-async --example plain-09`

use std::env;
use std::error::Error;
use std::time::{Duration, Instant};

use tokio::time::sleep;

async fn print_numbers(pause: Duration) {
    for i in 0..4 {
        sleep(pause).await; // the thread runs the other task meanwhile
        println!("Number : {i}");
    }
}

async fn print_letters(pause: Duration) {
    for letter in "abcde".chars() {
        sleep(pause).await;
        println!("letter : {letter}");
    }
}

// A runtime on this one thread (the default flavour would start a worker
// thread per core): every task runs here, in turns.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let pause = Duration::try_from_secs_f64(2.0 * scale)?;

    let start = Instant::now();
    // spawn starts each function's future as a task, and returns at once.
    let numbers = tokio::spawn(print_numbers(pause));
    let letters = tokio::spawn(print_letters(pause));
    // Awaiting a JoinHandle waits for its task: Err if the task panicked.
    numbers.await?;
    letters.await?;
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
