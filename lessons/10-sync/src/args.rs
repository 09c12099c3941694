//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

/// The parts of the lesson, in the order a whole run shows them.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Five philosophers deadlock; a watchdog finds the cycle; two fixes
    Deadlock,
    /// A bounded queue from a Mutex and two Condvars, then sync_channel
    Condvar,
    /// A fast producer, a slow consumer: channel() against sync_channel(4)
    Backpressure,
    /// Readers and a writer: RwLock against Mutex
    Rwlock,
    /// Store buffering and message passing: Relaxed, Release/Acquire, SeqCst
    Ordering,
    /// OnceLock and LazyLock for one-time set-up; thread_local! state
    Once,
}

impl Part {
    pub const ALL: [Self; 6] = [
        Self::Deadlock,
        Self::Condvar,
        Self::Backpressure,
        Self::Rwlock,
        Self::Ordering,
        Self::Once,
    ];
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run one part only; without it, every part in turn
    #[arg(long, value_name = "PART")]
    pub part: Option<Part>,
    /// Rounds of each memory-order experiment, 1 to 100000000; each one
    /// also stops after 0.5 s times the time scale, so that a busy machine
    /// does not make it take minutes
    #[arg(
        long,
        value_name = "N",
        default_value_t = 200_000,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u64).range(1..=100_000_000)
    )]
    pub rounds: u64,
}
