//! The two functions of lesson 00, kept in a library so that lesson 01 can
//! run the very same code on threads: only the way they are called changes.
//!
//! Each one stands for work that spends its time waiting (a download, a disk
//! read): it sleeps 2 s before every line it prints.

use std::time::Duration;

use lesson_kit::{say, sleep};

/// The wait before every line.
pub const PAUSE: Duration = Duration::from_secs(2);
/// `print_numbers` prints 0 up to, not including, this.
pub const NUMBERS: u32 = 4;
/// `print_letters` prints these.
pub const LETTERS: &str = "abcde";

// ANCHOR: functions
/// Prints "Number : 0" to "Number : 3", waiting 2 s before each.
pub fn print_numbers() {
    for i in 0..NUMBERS {
        sleep(PAUSE);
        say!("Number : {i}");
    }
}

/// Prints "letter : a" to "letter : e", waiting 2 s before each.
pub fn print_letters() {
    for letter in LETTERS.chars() {
        sleep(PAUSE);
        say!("letter : {letter}");
    }
}
// ANCHOR_END: functions

/// The sleeps `print_numbers` makes, for the lesson's plan.
pub fn number_pauses() -> Vec<Duration> {
    vec![PAUSE; NUMBERS as usize]
}

/// The sleeps `print_letters` makes, for the lesson's plan.
pub fn letter_pauses() -> Vec<Duration> {
    vec![PAUSE; LETTERS.chars().count()]
}
