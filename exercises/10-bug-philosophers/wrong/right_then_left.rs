//! Exercise 10-bug-philosophers, a WRONG fix the tests must reject: every
//! philosopher now takes its right fork first, then its left. The same
//! cycle, the other way round: when all five hold their right fork, each
//! waits for its left one, which its neighbour holds.

use std::thread;

use exercise_support::philosophers::{PHILOSOPHERS, Table, forks_of};

/// Five philosophers, each on a thread of its own, eat `meals` meals
/// each at `table`; returns when every one has finished.
pub fn dinner(table: &Table, meals: usize) {
    thread::scope(|s| {
        for me in 0..PHILOSOPHERS {
            s.spawn(move || {
                let (left, right) = forks_of(me);
                for meal in 1..=meals {
                    {
                        let _right = table.take(me, right);
                        let _left = table.take(me, left);
                        table.eat(me, meal);
                    } // both forks go back on the table here, as they are dropped
                    table.think();
                }
            });
        }
    }); // every philosopher's thread is joined here
}
