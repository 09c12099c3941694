//! Exercise 10-bug-philosophers (find the bug): five philosophers sit
//! down to dinner, and nobody ever eats.
//!
//! Chapter: Lesson 10, "Part 1: deadlock".
//!
//! Five philosophers sit at a round table, with a fork between each two
//! neighbours. A philosopher eats only with both of its forks in hand, so
//! two neighbours never eat at once, but two philosophers who are not
//! neighbours can. `dinner` gives each philosopher a thread, which eats
//! `meals` meals: for each, it picks up its left fork, then its right one,
//! eats, puts both back, and thinks a while.
//!
//! The table (`exercise_support::philosophers`, given, in
//! exercises/support/src/philosophers.rs) holds the forks, each a `Mutex`:
//! `table.take(me, fork)` waits until the fork is free and returns it in
//! hand; dropping what it returns puts the fork back. `table.try_take(me,
//! fork)` never waits: `None` if the fork is taken. `table.eat(me, meal)`
//! eats, and `table.think()` thinks. The table also keeps a record of who
//! holds and who waits for which fork, which the tests read; and it makes
//! the worst timing happen on every run, not now and then (see its doc
//! comment). Philosophers and forks are numbered from 0 in the code, and
//! from 1 in the tests' messages, as in the lesson.
//!
//! The dinner starts, and never ends. Find the bug and fix it: every
//! philosopher eats every meal, neighbours never at once, and two
//! philosophers can still eat at the same time. Change this file only.
//!
//! Run the tests: `make exercise EXERCISE=10-bug-philosophers` from the
//! course's folder, or `cargo test` in this one.

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
                        let _left = table.take(me, left);
                        let _right = table.take(me, right);
                        table.eat(me, meal);
                    } // both forks go back on the table here, as they are dropped
                    table.think();
                }
            });
        }
    }); // every philosopher's thread is joined here
}
