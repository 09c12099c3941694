//! Lesson 08, plain: CPU work on every core with std and rayon, no kit. The
//! primes below a bound, by trial division, counted on one thread and then
//! with rayon's `into_par_iter`: one answer, in about half the time on two cores.
//! Run it: `cargo run --release -p lesson-08-rayon --example plain-08 [BOUND]`

use std::time::Instant;
use std::{env, error::Error};

use rayon::prelude::*;

fn is_prime(n: u64) -> bool {
    if n < 2 || n.is_multiple_of(2) {
        return n == 2; // of the even numbers, only 2
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

fn main() -> Result<(), Box<dyn Error>> {
    let bound: u64 = env::args().nth(1).map_or(Ok(2_000_000), |b| b.parse())?;

    let start = Instant::now();
    let one_thread = (0..bound).filter(|&n| is_prime(n)).count();
    let sequential = start.elapsed().as_secs_f64();
    println!("one thread: {one_thread} primes below {bound} in {sequential:.3} s");

    let start = Instant::now();
    // The only change: into_par_iter() shares the range among rayon's threads.
    let rayon = (0..bound).into_par_iter().filter(|&n| is_prime(n)).count();
    let parallel = start.elapsed().as_secs_f64();
    println!("rayon:      {rayon} primes below {bound} in {parallel:.3} s");

    assert_eq!(one_thread, rayon, "two ways, one answer");
    println!(
        "speedup {:.2}x on {} threads",
        sequential / parallel,
        rayon::current_num_threads()
    );
    Ok(())
}
