//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

use crate::NUMBERS;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many threads the pool runs, 1 to 64
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64)
    )]
    pub workers: u8,
    /// Print each result as it completes (submit + as_completed), not in
    /// input order (map)
    #[arg(long)]
    pub as_completed: bool,
    /// Make task N (1 to 13) take 3 s instead of 1 s: see which results it
    /// holds back
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = task_number()
    )]
    pub slow_task: Option<u8>,
    /// Make task N (1 to 13) panic in its pool thread: the others still
    /// arrive, the run exits 1
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = task_number()
    )]
    pub panic_task: Option<u8>,
}

/// Task numbers count from 1 to the number of NUMBERS.
fn task_number() -> clap::builder::RangedI64ValueParser<u8> {
    clap::value_parser!(u8).range(1..=NUMBERS.len() as i64)
}
