//! Exercise 04-stdin-worker, a WRONG solution the tests must reject:
//! `unwrap()` on the parse, so a request that is not a number kills the
//! worker (a panic), where it should answer with an error and go on.

use std::io::{self, BufRead, Write};

/// Answers every line of `requests` with a line on `answers`.
pub fn serve(requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    for request in requests.lines() {
        let number: u64 = request?.trim().parse().unwrap();
        match number.checked_mul(number) {
            Some(square) => writeln!(answers, "Square: {square}")?,
            None => writeln!(answers, "error: the square of {number} does not fit")?,
        }
    }
    Ok(())
}
