//! Counts HTML files as `len(BeautifulSoup(bytes, 'html.parser').text)`
//! would, and measures how fast: the lesson's count against Python's.
//!
//! `cargo run --release -p lesson-06-scraper --example count -- FILE...`
//! prints `COUNT FILE` per file; `--repeat N` then parses each file N
//! times and prints the throughput.

use std::process::ExitCode;
use std::time::Instant;

use lesson_06_scraper::count::bytes_text_len;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 0;
    if let Some(at) = args.iter().position(|a| a == "--repeat") {
        repeat = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(0);
        args.drain(at..(at + 2).min(args.len()));
    }
    let mut pages = Vec::new();
    for path in &args {
        match std::fs::read(path) {
            Ok(bytes) => {
                println!("{} {path}", bytes_text_len(&bytes));
                pages.push(bytes);
            }
            Err(err) => {
                println!("count: cannot read {path}: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    if repeat > 0 {
        let bytes: usize = pages.iter().map(Vec::len).sum::<usize>() * repeat;
        let began = Instant::now();
        for _ in 0..repeat {
            for page in &pages {
                std::hint::black_box(bytes_text_len(page));
            }
        }
        let secs = began.elapsed().as_secs_f64();
        let count = pages.len() * repeat;
        println!(
            "{count} pages, {:.1} MB in {secs:.3} s: {:.1} pages/s, {:.1} MB/s",
            bytes as f64 / 1e6,
            count as f64 / secs,
            bytes as f64 / 1e6 / secs
        );
    }
    ExitCode::SUCCESS
}
