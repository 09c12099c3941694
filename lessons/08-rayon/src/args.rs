//! The lesson's own command-line options, beside the kit's (`--json`...).

/// The largest bound: trial division below 20 million takes about 4 s in a
/// release build here, times six methods; more would run for minutes.
pub const MAX_BOUND: u64 = 20_000_000;
/// The most chunks a run may have: each is a message to a process and back.
pub const MAX_CHUNKS: u64 = 10_000;
/// The bound when none is given: a run of about a second in release.
pub const DEFAULT_BOUND: u64 = 2_000_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Count the primes below B (0 to 20000000)
    #[arg(
        long,
        value_name = "B",
        default_value_t = DEFAULT_BOUND,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u64).range(0..=MAX_BOUND)
    )]
    pub bound: u64,
    /// Numbers per chunk, 1 or more (default: the fewest chunks per thread
    /// that allow 97% of the threads); at most 10000 chunks
    #[arg(
        long,
        value_name = "K",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u64).range(1..=MAX_BOUND)
    )]
    pub chunk: Option<u64>,
    /// Threads for rayon and the scope threads, and worker processes for
    /// the pool, 1 to 64 (default: the cores)
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64)
    )]
    pub threads: Option<u8>,
    /// Hand out the chunks first to last, not the costliest first, to see
    /// what the order costs
    #[arg(long)]
    pub in_order: bool,
    /// Run only this method (counts are checked when sequential runs too)
    #[arg(long, value_name = "METHOD")]
    pub only: Option<crate::Method>,
    /// Add one to this method's count, to see the check fail (for the tests)
    #[arg(long, hide = true, value_name = "METHOD")]
    pub miscount: Option<crate::Method>,
    /// Run as a worker process (the pool starts them)
    #[arg(long, hide = true)]
    pub worker: bool,
}

impl Args {
    /// The chunk size in force: `--chunk`, or the `default` size. Too many
    /// chunks is a usage error that names the limit (exit 2).
    pub fn chunk_size(&self, default: impl FnOnce() -> u64) -> u64 {
        let size = self.chunk.unwrap_or_else(default);
        if self.bound.div_ceil(size) > MAX_CHUNKS {
            let least = self.bound.div_ceil(MAX_CHUNKS);
            let message = format!(
                "--chunk {size} cuts {} numbers into more than {MAX_CHUNKS} chunks; \
                 use --chunk {least} or more\n",
                self.bound
            );
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, message)
                .exit();
        }
        size
    }
}
