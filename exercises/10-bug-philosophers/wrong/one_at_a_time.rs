//! Exercise 10-bug-philosophers, a WRONG fix the tests must reject: a
//! waiter, one more `Mutex`, lets one philosopher at a time pick up forks
//! and eat. Nobody deadlocks, and nobody eats beside anyone: the five eat
//! one after another, where two could eat at once.

use std::sync::Mutex;
use std::thread;

use exercise_support::philosophers::{PHILOSOPHERS, Table, forks_of};

/// Five philosophers, each on a thread of its own, eat `meals` meals
/// each at `table`; returns when every one has finished.
pub fn dinner(table: &Table, meals: usize) {
    let waiter = Mutex::new(());
    thread::scope(|s| {
        for me in 0..PHILOSOPHERS {
            let waiter = &waiter;
            s.spawn(move || {
                let (left, right) = forks_of(me);
                for meal in 1..=meals {
                    {
                        let _turn = waiter.lock().expect("no philosopher panics");
                        let _left = table.take(me, left);
                        let _right = table.take(me, right);
                        table.eat(me, meal);
                    } // the forks and the turn go back here, as they are dropped
                    table.think();
                }
            });
        }
    }); // every philosopher's thread is joined here
}
