//! Does not compile (E0373): the thread's closure borrows `letters`, which
//! `main` owns, and `thread::spawn` cannot know that the thread ends before
//! `main` does. `thread::spawn(move || ...)` moves `letters` into the
//! closure and compiles (or `thread::scope`, whose threads end in time).

use std::thread;

fn main() {
    let letters = String::from("abcde");
    let handle = thread::spawn(|| {
        for letter in letters.chars() {
            println!("letter : {letter}");
        }
    });
    handle.join().expect("the letters thread panicked");
}
