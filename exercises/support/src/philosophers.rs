//! The philosophers' table of exercise 10-bug-philosophers, laid as in
//! lesson 10: five forks, one between each two philosophers, each fork a
//! `Mutex`, and a record of who holds which fork, who waits for which, and
//! every meal eaten, which the exercise's tests read. The exercise's code
//! sets its dinner on this table; it need not change it.
//!
//! Philosophers and forks are numbered from 0 here, and from 1 in the
//! tests' messages, as in the lesson's.
//!
//! A deadlock of this kind happens only when every philosopher holds one
//! fork at the same moment; with real timing, that is now and then, not
//! every run. So that the tests see it on every run, the table makes the
//! worst timing happen, as the lesson's `all_reach_together` does: the
//! first fork a philosopher picks up, it holds until every philosopher
//! holds a fork or waits for one that another holds (at most a second).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

/// Philosophers at the table, and forks: one between each two.
pub const PHILOSOPHERS: usize = 5;

/// How long the table holds a philosopher's first fork, at most, waiting
/// for everyone to reach for theirs.
const TOGETHER: Duration = Duration::from_secs(1);

/// The forks beside philosopher `me` (0 to 4): on its left, fork `me`; on
/// its right, fork `me + 1` (for philosopher 4, fork 0).
pub fn forks_of(me: usize) -> (usize, usize) {
    (me, (me + 1) % PHILOSOPHERS)
}

/// The table: its forks, and the record the tests read.
pub struct Table {
    forks: Vec<Mutex<()>>,
    record: Mutex<Record>,
    /// Signalled whenever someone picks up a fork or starts to wait.
    changed: Condvar,
    /// How long a meal takes.
    meal: Duration,
}

#[derive(Default)]
struct Record {
    /// For each fork, the philosopher holding it.
    holder: [Option<usize>; PHILOSOPHERS],
    /// For each philosopher, the fork it waits for.
    waiting: [Option<usize>; PHILOSOPHERS],
    /// Whether everyone has reached for a fork together, once.
    together: bool,
    meals: Vec<Meal>,
    /// How many times `try_take` found its fork taken.
    refused: usize,
}

/// A meal, as the table saw it.
#[derive(Clone, Debug)]
pub struct Meal {
    pub philosopher: usize,
    /// The philosopher's first meal is 1.
    pub number: usize,
    pub start: Instant,
    pub end: Instant,
    /// The forks the philosopher held as it ate.
    pub forks_in_hand: Vec<usize>,
}

/// One philosopher in a cycle of waits.
#[derive(Clone, Debug)]
pub struct Wait {
    pub philosopher: usize,
    /// The forks it holds.
    pub holds: Vec<usize>,
    /// The fork it waits for...
    pub waits_for: usize,
    /// ...which this philosopher, the next in the cycle, holds.
    pub held_by: usize,
}

/// A fork in a philosopher's hand. Dropping it puts the fork back on the
/// table.
#[must_use = "a fork that is not kept in a variable goes back on the table at once"]
pub struct Fork<'a> {
    table: &'a Table,
    fork: usize,
    _guard: MutexGuard<'a, ()>,
}

impl Drop for Fork<'_> {
    fn drop(&mut self) {
        // The record first, then the lock (the guard, dropped after this),
        // so that the record never names a holder that has let go.
        self.table.record().holder[self.fork] = None;
    }
}

impl Table {
    /// A table of five free forks, where a meal takes `meal`.
    pub fn new(meal: Duration) -> Table {
        Table {
            forks: (0..PHILOSOPHERS).map(|_| Mutex::new(())).collect(),
            record: Mutex::new(Record::default()),
            changed: Condvar::new(),
            meal,
        }
    }

    /// Philosopher `me` picks up `fork`, waiting as long as it takes for
    /// the philosopher who holds it to put it back.
    pub fn take(&self, me: usize, fork: usize) -> Fork<'_> {
        self.record().waiting[me] = Some(fork);
        self.changed.notify_all();
        // A fork holds no data: its poison would mean nothing.
        let guard = self.forks[fork]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let fork = self.holding(me, fork, guard);
        self.all_reach_together(me);
        fork
    }

    /// Philosopher `me` picks up `fork` if it is free; `None`, at once, if
    /// another philosopher holds it.
    pub fn try_take(&self, me: usize, fork: usize) -> Option<Fork<'_>> {
        let guard = match self.forks[fork].try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                self.record().refused += 1;
                return None;
            }
        };
        Some(self.holding(me, fork, guard))
    }

    /// Philosopher `me` eats its meal number `meal`, which takes the
    /// table's meal time; the table notes which forks it had in hand.
    pub fn eat(&self, me: usize, meal: usize) {
        let start = Instant::now();
        let forks_in_hand = {
            let record = self.record();
            (0..PHILOSOPHERS)
                .filter(|&fork| record.holder[fork] == Some(me))
                .collect()
        };
        std::thread::sleep(self.meal);
        self.record().meals.push(Meal {
            philosopher: me,
            number: meal,
            start,
            end: Instant::now(),
            forks_in_hand,
        });
    }

    /// A philosopher thinks between two meals, as long as a meal takes.
    /// It should hold no fork meanwhile: its neighbours may be hungry.
    pub fn think(&self) {
        std::thread::sleep(self.meal);
    }

    /// Every meal eaten so far, in the order they ended.
    pub fn meals(&self) -> Vec<Meal> {
        self.record().meals.clone()
    }

    /// How many times `try_take` found its fork taken.
    pub fn refused(&self) -> usize {
        self.record().refused
    }

    /// A cycle of waits, if there is one now: a philosopher who waits for
    /// a fork held by one who waits for a fork held by... the first. Then
    /// none of them will ever eat: a deadlock. The cycle starts at its
    /// lowest-numbered philosopher.
    pub fn cycle(&self) -> Option<Vec<Wait>> {
        let record = self.record();
        for start in 0..PHILOSOPHERS {
            let mut path = vec![start];
            while let Some(holder) = record.waiting[path[path.len() - 1]]
                .and_then(|fork| record.holder[fork])
            {
                if let Some(at) = path.iter().position(|&p| p == holder) {
                    let mut cycle = path.split_off(at);
                    let lowest = (0..cycle.len()).min_by_key(|&i| cycle[i])?;
                    cycle.rotate_left(lowest);
                    return Some(record.waits(&cycle));
                }
                path.push(holder);
            }
        }
        None
    }

    /// The record. Each change to it is one statement, so a poisoned
    /// record is still whole.
    fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn holding<'a>(
        &'a self,
        me: usize,
        fork: usize,
        guard: MutexGuard<'a, ()>,
    ) -> Fork<'a> {
        let mut record = self.record();
        record.waiting[me] = None;
        record.holder[fork] = Some(me);
        self.changed.notify_all();
        Fork {
            table: self,
            fork,
            _guard: guard,
        }
    }

    /// The first time a philosopher holds a fork, and until everyone has
    /// reached for one together: waits until every philosopher holds a
    /// fork or waits for one that another holds, or `TOGETHER` has passed.
    fn all_reach_together(&self, me: usize) {
        let mut record = self.record();
        let holds = record.holder.iter().filter(|h| **h == Some(me)).count();
        let has_eaten = record.meals.iter().any(|meal| meal.philosopher == me);
        if record.together || holds != 1 || has_eaten {
            return;
        }
        let until = Instant::now() + TOGETHER;
        while !record.together && !record.all_hold_or_wait() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            record = self
                .changed
                .wait_timeout(record, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        record.together = true;
        self.changed.notify_all();
    }
}

impl Record {
    /// Whether every philosopher holds a fork, or waits for one that
    /// another holds.
    fn all_hold_or_wait(&self) -> bool {
        (0..PHILOSOPHERS).all(|me| {
            self.holder.contains(&Some(me))
                || self.waiting[me].is_some_and(|fork| self.holder[fork].is_some())
        })
    }

    /// The waits of the philosophers of `cycle`, each held by the next.
    fn waits(&self, cycle: &[usize]) -> Vec<Wait> {
        let next = cycle.iter().cycle().skip(1);
        (cycle.iter().zip(next))
            .filter_map(|(&me, &held_by)| {
                Some(Wait {
                    philosopher: me,
                    holds: (0..PHILOSOPHERS)
                        .filter(|&fork| self.holder[fork] == Some(me))
                        .collect(),
                    waits_for: self.waiting[me]?,
                    held_by,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table whose record says: philosopher `p` holds the forks
    /// `holds[p]` and waits for `waits[p]`.
    fn table(holds: &[&[usize]], waits: &[Option<usize>]) -> Table {
        let table = Table::new(Duration::ZERO);
        {
            let mut record = table.record();
            for (me, forks) in holds.iter().enumerate() {
                for &fork in *forks {
                    record.holder[fork] = Some(me);
                }
            }
            for (me, fork) in waits.iter().enumerate() {
                record.waiting[me] = *fork;
            }
        }
        table
    }

    #[test]
    fn five_left_forks_and_five_waits_are_one_cycle() {
        let holds: Vec<&[usize]> = vec![&[0], &[1], &[2], &[3], &[4]];
        let waits: Vec<Option<usize>> = (0..5).map(|p| Some((p + 1) % 5)).collect();
        let cycle = table(&holds, &waits).cycle().expect("a cycle");
        let order: Vec<usize> = cycle.iter().map(|w| w.philosopher).collect();
        assert_eq!(order, [0, 1, 2, 3, 4]);
        assert_eq!(cycle[4].holds, [4]);
        assert_eq!((cycle[4].waits_for, cycle[4].held_by), (0, 0));
    }

    #[test]
    fn a_chain_that_ends_at_an_eater_is_no_cycle() {
        // Philosopher 0 eats with forks 0 and 1; the others wait along the
        // table towards it: every wait will end.
        let holds: Vec<&[usize]> = vec![&[0, 1], &[], &[2], &[3], &[4]];
        let waits = [None, Some(1), Some(1), Some(2), Some(3)];
        assert!(table(&holds, &waits).cycle().is_none());
        assert!(table(&[], &[]).cycle().is_none());
    }

    #[test]
    fn a_cycle_of_two_starts_at_its_lowest() {
        let holds: Vec<&[usize]> = vec![&[], &[], &[2], &[3, 0], &[]];
        let waits = [Some(3), None, Some(3), Some(2), None];
        let cycle = table(&holds, &waits).cycle().expect("a cycle");
        let order: Vec<usize> = cycle.iter().map(|w| w.philosopher).collect();
        assert_eq!(order, [2, 3]);
        assert_eq!(cycle[1].holds, [0, 3]);
    }

    #[test]
    fn a_meal_notes_the_forks_in_hand_and_a_taken_fork_is_refused() {
        let table = Table::new(Duration::from_millis(1));
        // Philosopher 0 has eaten before: its first take does not wait for
        // the others to reach.
        table.eat(0, 1);
        let (left, right) = forks_of(0);
        {
            let _left = table.take(0, left);
            assert!(table.try_take(1, left).is_none(), "fork 0 is in hand");
            let _right = table.try_take(0, right).expect("fork 1 is free");
            table.eat(0, 2);
        }
        assert!(table.try_take(1, left).is_some(), "fork 0 is back");
        let meals = table.meals();
        assert_eq!(meals[0].forks_in_hand, Vec::<usize>::new());
        assert_eq!(
            (meals[1].number, meals[1].forks_in_hand.clone()),
            (2, vec![0, 1])
        );
        assert_eq!(table.refused(), 1);
    }
}
