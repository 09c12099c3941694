//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many items go on the queue, 0 to 1000
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u16).range(0..=1000)
    )]
    pub items: u16,
    /// How many worker threads take items from it, 1 to 64
    #[arg(
        long,
        value_name = "N",
        default_value_t = 4,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64)
    )]
    pub workers: u8,
    /// Run the classic bug: each worker holds the queue's lock while it works
    #[arg(long)]
    pub hold_lock: bool,
}
