//! Lesson 02, plain: the notebook's process cell in std alone, no kit: the
//! squares (1 s before each) and cubes (1.5 s) in two child processes, 7.5 s.
//! Run it: `cargo run -p lesson-02-processes --example plain-02`

use std::time::{Duration, Instant};
use std::{env, error::Error, process::Command, thread};

fn print_powers(name: &str, power: u32, pause: Duration) {
    for i in 0..5u64 {
        thread::sleep(pause);
        println!("{name}: {}", i.pow(power));
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    // LESSON_TIME_SCALE=0.1 makes every sleep ten times shorter (optional).
    let scale: f64 = env::var("LESSON_TIME_SCALE").map_or(Ok(1.0), |s| s.parse())?;
    // A child is this same program, started again with its job as argument.
    if let Some(job) = env::args().nth(1) {
        let (name, power, pause) = match job.as_str() {
            "squares" => ("Square", 2, 1.0),
            _ => ("Cube", 3, 1.5),
        };
        print_powers(name, power, Duration::try_from_secs_f64(pause * scale)?);
        return Ok(());
    }
    let (me, start) = (env::current_exe()?, Instant::now());
    // spawn starts a child and returns at once, like thread::spawn.
    let squares = Command::new(&me).arg("squares").spawn()?;
    let cubes = Command::new(&me).arg("cubes").spawn()?;
    for (job, mut child) in [("squares", squares), ("cubes", cubes)] {
        // wait is the process's join, and reaps the child (drop does not).
        let status = child.wait()?;
        if !status.success() {
            return Err(format!("the {job} process failed: {status}").into());
        }
    }
    println!("took {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
