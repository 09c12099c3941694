//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...).

use std::time::Duration;

use lesson_06_scraper::args::{UrlParser, parse_timeout};

/// The lesson's parts, in the order a whole run would take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The notebook's two functions as two tasks on one OS thread
    Cell,
    /// N waits of 1 s on N tokio tasks, then on N OS threads
    Waits,
    /// The same tasks on the current-thread (N:1) and multi-thread (M:N) runtimes
    Runtimes,
    /// Tasks that block their thread, and the fixes
    Blocking,
    /// Lesson 06's scraper with tasks: the embedded site, or the URLs given
    Scraper,
}

/// The most waits `--tasks` allows: tasks cost little, but the same count
/// of OS threads is more than most systems allow (see the waits part).
pub const MAX_TASKS: u32 = 100_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Pages to scrape with `--part scraper` (http or https); none: the
    /// embedded site's pages
    #[arg(value_name = "URL", value_parser = UrlParser)]
    pub urls: Vec<String>,
    /// Run this part only (default: the cell, then the waits)
    #[arg(long, value_name = "PART")]
    pub part: Option<Part>,
    /// Waits at once in the waits part, on as many tokio tasks, then on as
    /// many OS threads, 1 to 100000
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10_000,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_TASKS))
    )]
    pub tasks: u32,
    /// Worker threads of the multi-thread runtime, 1 to 64 (default: one
    /// per core, as tokio's own default)
    #[arg(
        long,
        value_name = "K",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64)
    )]
    pub workers: Option<u8>,
    /// Pages fetched from the embedded site: its three pages, asked for
    /// again and again, 1 to 10000
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        allow_negative_numbers = true,
        conflicts_with = "urls",
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub pages: u32,
    /// Fetches under way at once, at most, 1 to 10000 (default: 50, fewer
    /// if 50 × --max-bytes would pass 500 MB or `ulimit -n` has no room)
    #[arg(
        long,
        value_name = "K",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub limit: Option<u32>,
    /// Give up on a page after this many seconds, headers and body
    /// together, 0.001 to 86400
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Give up on a page whose body is larger than this
    #[arg(long, value_name = "BYTES", default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_bytes: u64,
}

impl Args {
    /// Refuses what clap cannot see alone: URLs or scraper options for
    /// another part. A usage error, exit status 2.
    pub fn check(&self) {
        let scraping = self.part == Some(Part::Scraper);
        let misplaced = if !self.urls.is_empty() {
            Some("URLs")
        } else if self.limit.is_some() {
            Some("--limit")
        } else if self.pages != 3 {
            Some("--pages")
        } else {
            None
        };
        if let (Some(what), false) = (misplaced, scraping) {
            let message =
                format!("{what} only make sense with --part scraper: add it\n");
            clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, message)
                .exit();
        }
    }
}
