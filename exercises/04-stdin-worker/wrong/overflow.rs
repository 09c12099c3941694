//! Exercise 04-stdin-worker, a WRONG solution the tests must reject:
//! `number * number` overflows for a large number, which panics in a debug
//! build (and gives a wrong square in a release build).

use std::io::{self, BufRead, Write};

/// Answers every line of `requests` with a line on `answers`.
pub fn serve(requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    for request in requests.lines() {
        let request = request?;
        match request.trim().parse::<u64>() {
            Ok(number) => writeln!(answers, "Square: {}", number * number)?,
            Err(_) => writeln!(answers, "error: not a number: {request:?}")?,
        }
    }
    Ok(())
}
