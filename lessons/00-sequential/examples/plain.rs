//! Lesson 00, plain: the notebook's first cell in std alone, no kit. Two
//! functions that sleep 2 s before every line, called one after the other:
//! 4 x 2 s + 5 x 2 s = 18 s.
//! Run it: `cargo run -p lesson-00-sequential --example plain-00`

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
    print_numbers(pause); // returns after 4 x 2 s
    print_letters(pause); // starts only then
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
