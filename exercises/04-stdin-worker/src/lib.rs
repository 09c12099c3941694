//! Exercise 04-stdin-worker: the worker side of a process pool. Answer each
//! request that comes on stdin with a line on stdout, as soon as it comes.
//!
//! Chapter: Lesson 04, "The code" (the worker: a loop over its stdin, and
//! `checked_mul`) and "When a worker dies".
//!
//! A pool's parent sends its worker one request per line, down the
//! worker's stdin, and waits for the answer on the worker's stdout before
//! it sends that worker the next one. So each answer must go out as soon as
//! its request has come, not when the input ends. Write `serve`, the
//! worker's loop; `src/main.rs` (given) calls it with the process's stdin
//! and stdout, and the tests start that program as a child process.
//!
//! For each line of `requests` (`requests.lines()` gives them one by one,
//! as they come), write one line on `answers` (`writeln!(answers, ...)`):
//!
//! - for a number N (spaces around it allowed: `line.trim()`), the line
//!   `Square: N*N`, as lesson 04's workers answer;
//! - for anything else, and for a number whose square does not fit in a
//!   `u64`, a line that starts with `error: ` and quotes the request. Then
//!   go on with the next request. Never panic: a panic kills the worker,
//!   and its parent loses it. `parse::<u64>()` returns a `Result`, and
//!   `u64::checked_mul` gives `None` where `*` would overflow.
//!
//! Return `Ok(())` when `requests` ends (the parent has closed the pipe):
//! the worker then exits. Return `Err` only if reading or writing fails
//! (the `?` operator passes it on).
//!
//! `writeln!` on stdout sends each line at once. If you wrap `answers` in
//! a `BufWriter`, call `answers.flush()` after each answer.
//!
//! Run the tests: `make exercise EXERCISE=04-stdin-worker` from the
//! course's folder, or `cargo test` in this one.

use std::io::{self, BufRead, Write};

/// Answers every line of `requests` with a line on `answers`, each as soon
/// as it comes, until `requests` ends.
#[allow(unused_variables, unused_mut)] // until the body uses them: then delete this line
pub fn serve(requests: impl BufRead, mut answers: impl Write) -> io::Result<()> {
    todo!("for each request line, write its answer line")
}
