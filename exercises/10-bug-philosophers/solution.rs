//! Exercise 10-bug-philosophers: the reference SOLUTION. Find and fix the
//! bug in src/lib.rs first; compare once its tests pass.
//!
//! The bug: every philosopher took its left fork, then its right. When all
//! five hold their left fork, each waits for its right one, which is its
//! neighbour's left, held: a cycle of waits, and nobody lets go. The fix:
//! one order for every lock. Each philosopher takes the lower-numbered of
//! its two forks first. Philosopher 4 (the fifth) sits between forks 4 and
//! 0, so it reaches for fork 0 first, and waits for it holding nothing:
//! fork 4 stays free for philosopher 3, and the cycle cannot close.

use std::thread;

use exercise_support::philosophers::{PHILOSOPHERS, Table, forks_of};

/// Five philosophers, each on a thread of its own, eat `meals` meals
/// each at `table`; returns when every one has finished.
pub fn dinner(table: &Table, meals: usize) {
    thread::scope(|s| {
        for me in 0..PHILOSOPHERS {
            s.spawn(move || {
                let (left, right) = forks_of(me);
                // The lower-numbered fork first, for everyone.
                let (first, second) = (left.min(right), left.max(right));
                for meal in 1..=meals {
                    {
                        let _first = table.take(me, first);
                        let _second = table.take(me, second);
                        table.eat(me, meal);
                    } // both forks go back on the table here, as they are dropped
                    table.think();
                }
            });
        }
    }); // every philosopher's thread is joined here
}
