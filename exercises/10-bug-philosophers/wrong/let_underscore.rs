//! Exercise 10-bug-philosophers, a WRONG fix the tests must reject: the
//! lower-numbered fork first, which is right, but each fork is taken with
//! `let _ = ...`. `_` binds nothing, so the fork goes back on the table at
//! once: the philosophers eat with no fork in hand, neighbours at once.

use std::thread;

use exercise_support::philosophers::{PHILOSOPHERS, Table, forks_of};

/// Five philosophers, each on a thread of its own, eat `meals` meals
/// each at `table`; returns when every one has finished.
pub fn dinner(table: &Table, meals: usize) {
    thread::scope(|s| {
        for me in 0..PHILOSOPHERS {
            s.spawn(move || {
                let (left, right) = forks_of(me);
                let (first, second) = (left.min(right), left.max(right));
                for meal in 1..=meals {
                    {
                        let _ = table.take(me, first);
                        let _ = table.take(me, second);
                        table.eat(me, meal);
                    }
                    table.think();
                }
            });
        }
    }); // every philosopher's thread is joined here
}
