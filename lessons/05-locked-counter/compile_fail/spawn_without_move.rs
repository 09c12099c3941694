// A spawned thread borrows `counter` from main's stack, but nothing stops
// main from returning (and the stack from going away) before it runs.
use std::thread;

fn main() {
    let mut counter = 0u64;
    let adder = thread::spawn(|| counter += 1);
    adder.join().expect("the thread panicked");
}
