//! A std `MutexGuard` held across an `.await`, in a task that may move to
//! another thread at that `.await` (tokio's multi-thread runtime): rustc
//! refuses it. Without tokio, so that rustc alone can check it: `spawn`
//! below asks of a task what `tokio::spawn` asks.

use std::future::Future;
use std::sync::{Arc, Mutex};

/// What `tokio::spawn` asks of a task: it may be sent to another thread.
fn spawn<F: Future + Send + 'static>(_task: F) {}

async fn fetch_page() {}

async fn count_page(pages: Arc<Mutex<u32>>) {
    let mut count = pages.lock().unwrap();
    fetch_page().await; // the guard is still held across this
    *count += 1;
}

fn main() {
    spawn(count_page(Arc::new(Mutex::new(0))));
}
