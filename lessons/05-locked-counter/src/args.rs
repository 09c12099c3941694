//! The lesson's own command-line options, beside the kit's (`--time-scale`,
//! `--json`...), with the limits that keep every run under a few seconds.

use std::path::PathBuf;

/// At most this many threads: more only queue up for the same two cores.
pub const MAX_THREADS: u64 = 64;
/// At most this many increments per worker for the exact counters: four
/// processes taking a file lock a million times each take about ten seconds.
pub const MAX_INCREMENTS: u64 = 1_000_000;
/// At most this many increments per worker for the long runs.
pub const MAX_LONG_INCREMENTS: u64 = 10_000_000;
/// At most this many increments in one long run (threads x increments): a
/// contended lock costs up to a few hundred nanoseconds an increment in a
/// debug build on two cores, so more would run for minutes.
pub const MAX_LONG_TOTAL: u64 = 100_000_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many threads add to the counter, 1 to 64 (the process runs always
    /// use 4 processes, as the notebook does)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 4,
        allow_negative_numbers = true,
        value_parser = whole_number(MAX_THREADS)
    )]
    pub threads: u64,
    /// How many times each thread or process adds 1, 1 to 1000000
    #[arg(
        long,
        value_name = "M",
        default_value_t = 1000,
        allow_negative_numbers = true,
        value_parser = whole_number(MAX_INCREMENTS)
    )]
    pub increments: u64,
    /// Increments per worker for the racy counters and the lock-granularity
    /// timing, which need many to show anything, 1 to 10000000 (threads x
    /// this at most 100000000)
    #[arg(
        long,
        value_name = "L",
        default_value_t = 1_000_000,
        allow_negative_numbers = true,
        value_parser = whole_number(MAX_LONG_INCREMENTS)
    )]
    pub long_increments: u64,
    /// Instead of the counters, the notebook's Lock cell: 5 threads print
    /// 0 to 9, without the lock or with it held around each thread's loop
    #[arg(long, value_name = "HOW")]
    pub print_demo: Option<PrintDemo>,
    /// Run as one of the counting processes (the lesson starts them)
    #[arg(long, hide = true, requires = "counter_file")]
    pub role: Option<Way>,
    /// The file holding the counter the processes share
    #[arg(long, hide = true, requires = "role")]
    pub counter_file: Option<PathBuf>,
    /// How many times this counting process adds 1
    #[arg(long, hide = true, requires = "role", default_value_t = 0)]
    pub each: u64,
}

/// A parser for a whole number from 1 to `max`, whose message names the
/// limit for every bad value: 0, -3, 1.5, ten, or one too large for a u64.
fn whole_number(max: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |text| match text.trim().parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {max}")),
    }
}

impl Args {
    /// Parses the command line; a bad value, or a long run that would take
    /// minutes, prints a message naming the option and exits with status 2.
    pub fn parse() -> Self {
        let args: Self = lesson_kit::args!();
        let total = args.threads * args.long_increments;
        if total > MAX_LONG_TOTAL {
            let message = format!(
                "invalid value for --long-increments: --threads x \
                 --long-increments is {total}, at most {MAX_LONG_TOTAL} \
                 (more would run for minutes)\n"
            );
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, message)
                .exit();
        }
        args
    }
}

/// The notebook's Lock cell, in two versions.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintDemo {
    /// No lock: the five threads' lines interleave
    WithoutLock,
    /// The lock held around each thread's loop: its ten lines come together
    WithLock,
}

/// How a counting process adds 1 to the counter it shares with the others.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// Lock the file, read the counter, write it back plus 1, unlock
    FileLock,
    /// `fetch_add` on an `AtomicU64` in a shared mapping of the file
    MappedAtomic,
    /// Read the mapped counter, then store it plus 1, with no lock
    Unlocked,
}

impl Way {
    /// The way's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Way::FileLock => "file-lock",
            Way::MappedAtomic => "mapped-atomic",
            Way::Unlocked => "unlocked",
        }
    }
}
