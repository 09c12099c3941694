//! Lesson 01, plain: the notebook's thread cell in std alone, no kit. The
//! functions of lesson 00, each on a thread of its own: while one sleeps the
//! other runs, so the cell takes 10 s instead of 18 s.
//! Run it: `cargo run -p lesson-01-threads --example plain-01`

use std::error::Error;
use std::time::{Duration, Instant};
use std::{env, thread};

fn print_numbers(pause: Duration) {
    for i in 0..4 {
        thread::sleep(pause);
        println!("Number : {i}");
    }
}

fn print_letters(pause: Duration) {
    for letter in "abcde".chars() {
        thread::sleep(pause);
        println!("letter : {letter}");
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    let pause = Duration::try_from_secs_f64(2.0 * scale)?;

    let start = Instant::now();
    // `move`: each thread gets its own copy of `pause`, and may outlive main.
    let numbers = thread::spawn(move || print_numbers(pause));
    let letters = thread::spawn(move || print_letters(pause));
    // Not optional: the threads die when main returns. Err if one panicked.
    numbers.join().map_err(|_| "the numbers thread panicked")?;
    letters.join().map_err(|_| "the letters thread panicked")?;
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
