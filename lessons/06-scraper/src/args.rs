//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Pages to scrape (http or https); none: the embedded site's pages
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    /// A pool of N threads instead of one thread per URL, 1 to 64
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64),
        conflicts_with = "sequential"
    )]
    pub workers: Option<u8>,
    /// Fetch the pages one after another, for comparison
    #[arg(long)]
    pub sequential: bool,
    /// Give up on a page after this many seconds, headers and body together
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Give up on a page whose body is larger than this
    #[arg(long, value_name = "BYTES", default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_bytes: u64,
    /// Print each page's links too (picked with a CSS selector)
    #[arg(long)]
    pub links: bool,
    /// Only run the embedded site, until Ctrl-C: point Python at it
    #[arg(long, conflicts_with = "urls")]
    pub serve: bool,
    /// The embedded site's port on 127.0.0.1 (0: any free port)
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,
}

/// Accepts seconds above 0 and at most a day.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| "not a number of seconds".to_owned())?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err("must be above 0 and at most 86400 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(secs))
}
