//! The worker process of exercise 04-stdin-worker: it serves the requests
//! that come on its stdin until stdin ends. Given: you need not change it.
//! The tests start it (cargo builds it as `exercise-04-stdin-worker`).

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust's stdout sends each line as soon as it ends.
    match exercise::serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(io::stderr(), "worker: {err}");
            ExitCode::FAILURE
        }
    }
}
