//! The notebook's scraping cell, plainly: one thread per URL, each fetches
//! its page with reqwest, counts the text with scraper and prints it. No
//! kit, no embedded site: `cargo run -p lesson-06-scraper --example plain-06
//! -- https://www.rust-lang.org/ https://docs.rs/` (it needs the network,
//! or a local server).

use std::thread;

use scraper::Html;

fn main() {
    // The URLs to fetch, from the command line.
    let urls: Vec<String> = std::env::args().skip(1).collect();
    // One thread per URL; `move` gives each thread its own URL.
    let handles: Vec<_> = urls
        .into_iter()
        .map(|url| thread::spawn(move || fetch(&url)))
        .collect();
    for handle in handles {
        // join() is Err if the thread panicked; fetch() returns its own errors.
        if let Ok(Err(err)) = handle.join() {
            println!("failed: {err}");
        }
    }
    println!("All web pages fetched");
}

fn fetch(url: &str) -> Result<(), reqwest::Error> {
    let body = reqwest::blocking::get(url)?.error_for_status()?.text()?;
    // Every text node of the browser's tree, counted in characters.
    let document = Html::parse_document(&body);
    let text = document.root_element().text();
    let chars: usize = text.map(|t| t.chars().count()).sum();
    println!("Fetched {chars} characters from {url}");
    Ok(())
}
