//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

use crate::NUMBERS;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many worker processes the pool runs, 1 to 64
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64)
    )]
    pub workers: u8,
    /// Print the results in input order (the pool's map), not as they complete
    #[arg(long)]
    pub map: bool,
    /// Crash the worker that first runs task N (1 to 14): the pool recovers
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = task_number())]
    pub crash_task: Option<u8>,
    /// Crash every worker that runs task N (1 to 14): the pool gives up on it
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = task_number())]
    pub poison_task: Option<u8>,
    /// Make task N (1 to 14) take three times as long: it completes last
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = task_number())]
    pub slow_task: Option<u8>,
    /// Run as a worker process (the pool starts them)
    #[arg(long, hide = true)]
    pub worker: bool,
}

/// Task numbers count from 1 to the last of NUMBERS.
fn task_number() -> clap::builder::RangedI64ValueParser<u8> {
    clap::value_parser!(u8).range(1..=NUMBERS.len() as i64)
}
