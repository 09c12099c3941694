//! Exercise 04-stdin-worker, a WRONG solution the tests must reject: it
//! reads all of its input first (Python's `sys.stdin.read()`), so it
//! answers nothing until the parent closes the pipe, and the parent, which
//! waits for each answer before it sends more, waits for ever.

use std::io::{self, BufRead, Write};

/// Answers every line of `requests`, once they have all come.
pub fn serve(mut requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    let mut all = String::new();
    requests.read_to_string(&mut all)?;
    for request in all.lines() {
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
    Ok(())
}
