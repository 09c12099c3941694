//! Exercise 04-stdin-worker, a WRONG solution the tests must reject: it
//! reads with `read_line` and never checks for the end of the input
//! (`read_line` returns 0 bytes there, as Python's `readline()` returns
//! ''), so once the parent closes the pipe it answers empty requests for
//! ever instead of exiting.

use std::io::{self, BufRead, Write};

/// Answers every line of `requests` with a line on `answers`.
pub fn serve(mut requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    loop {
        let mut request = String::new();
        requests.read_line(&mut request)?;
        let answer = match request.trim().parse::<u64>() {
            Ok(number) => match number.checked_mul(number) {
                Some(square) => format!("Square: {square}"),
                None => {
                    format!("error: the square of {number} does not fit in a u64")
                }
            },
            Err(_) => format!("error: not a number: {request:?}"),
        };
        writeln!(answers, "{answer}")?;
    }
}
