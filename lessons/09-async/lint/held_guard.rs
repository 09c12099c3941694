//! The guard of `compile_fail/held_guard.rs`, in a task that never leaves
//! its thread: rustc accepts it, as nothing asks for `Send`. Clippy's
//! `await_holding_lock` still warns: while the task waits, the lock stays
//! taken, and another task on the same thread that asks for it blocks the
//! thread, so this task never resumes to let it go. Checked by clippy:
//! `clippy-driver --edition 2024 --crate-type lib --emit metadata --out-dir /tmp/cf held_guard.rs`

use std::sync::Mutex;

async fn fetch_page() {}

pub async fn count_page(pages: &Mutex<u32>) {
    let mut count = pages.lock().unwrap();
    fetch_page().await; // the guard is still held across this
    *count += 1;
}
