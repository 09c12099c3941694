// Two scoped threads add 1 to a plain u64: both need to change `counter`
// at the same time, and Rust allows only one mutable borrow at a time.
use std::thread;

fn main() {
    let mut counter = 0u64;
    thread::scope(|scope| {
        scope.spawn(|| counter += 1);
        scope.spawn(|| counter += 1);
    });
    println!("{counter}");
}
