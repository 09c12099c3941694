//! Exercise 04-stdin-worker: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! `lines()` hands over each line as soon as it has come, so each answer
//! goes out before the next request is read. A bad request is answered,
//! not fatal: nothing in the loop can panic.

use std::io::{self, BufRead, Write};

/// Answers every line of `requests` with a line on `answers`, each as soon
/// as it comes, until `requests` ends.
pub fn serve(requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    for request in requests.lines() {
        let request = request?;
        writeln!(answers, "{}", answer(&request))?;
        // Stdout sends a whole line at once; any other writer may hold it.
        answers.flush()?;
    }
    Ok(())
}

/// The answer to one request.
fn answer(request: &str) -> String {
    match request.trim().parse::<u64>() {
        Ok(number) => match number.checked_mul(number) {
            Some(square) => format!("Square: {square}"),
            None => format!("error: the square of {number} does not fit in a u64"),
        },
        Err(_) => format!("error: not a number: {request:?}"),
    }
}
