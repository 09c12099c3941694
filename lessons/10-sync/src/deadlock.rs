//! Part 1, deadlock: five philosophers at a round table, a fork between
//! each two, and a philosopher eats only with both forks beside it. Each
//! fork is a `Mutex`. If every philosopher takes the fork on its left and
//! then reaches for the one on its right, all five can hold one fork and
//! wait for the next, held by a neighbour who waits too: a cycle, and
//! nobody ever eats.
//!
//! A watchdog on the main thread sees that no meal has been eaten for a
//! while, reads the record the philosophers keep (who holds which fork, who
//! waits for which), and names the cycle. The five stay blocked until the
//! lesson ends: no thread can be stopped from outside. Then two fixes run
//! to the end: the lower-numbered fork first (a global lock order), and
//! `try_lock` with a back-off (never wait while holding a fork).
//!
//! `cargo run -p lesson-10-sync -- --part deadlock`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use lesson_kit::say;
use serde_json::{Value, json};

/// Philosophers, and forks: one between each two.
const PHILOSOPHERS: usize = 5;
/// How many meals each philosopher eats.
const MEALS: usize = 2;
/// How long a meal takes, both forks in hand.
const EAT: Duration = Duration::from_millis(100);
/// How long a philosopher thinks between two meals, holding no fork.
const THINK: Duration = Duration::from_millis(50);
/// The back-off of philosopher 1 after a failed `try_lock`: philosopher 2
/// waits twice as long, and so on.
const BACK_OFF: Duration = Duration::from_millis(10);
/// How long the watchdog waits without a meal before it reads the record.
const PATIENCE: Duration = Duration::from_millis(500);

/// How a philosopher picks up its two forks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manners {
    /// The left fork, then the right: the way that deadlocks.
    LeftThenRight,
    /// The lower-numbered fork first: one order for every lock.
    LowestFirst,
    /// The left fork, then the right only if it is free.
    TryThenBackOff,
}

impl Manners {
    fn name(self) -> &'static str {
        match self {
            Self::LeftThenRight => "left then right",
            Self::LowestFirst => "lowest fork first",
            Self::TryThenBackOff => "try_lock and back off",
        }
    }
}

/// The forks on the table, and the record of who holds and who waits.
struct Table {
    /// A fork is a lock with nothing inside: to hold its guard is to hold
    /// the fork.
    forks: Vec<Mutex<()>>,
    record: Mutex<Record>,
    /// Signalled whenever the record changes.
    changed: Condvar,
    /// How many times a fork was put back, untouched, by `try_lock`'s way.
    put_back: AtomicUsize,
}

// ANCHOR: record
/// What the philosophers note as they go, for the watchdog to read.
#[derive(Debug, Default)]
struct Record {
    /// For each fork, the philosopher holding it.
    holder: [Option<usize>; PHILOSOPHERS],
    /// For each philosopher, the fork it waits for, and since when.
    waiting: [Option<(usize, Duration)>; PHILOSOPHERS],
    /// For each philosopher, the meals it has eaten: the watchdog's sign
    /// of progress.
    meals: [usize; PHILOSOPHERS],
    /// Whether all five have reached for a fork together, once: see
    /// [`Table::all_reach_together`].
    together: bool,
}
// ANCHOR_END: record

/// A fork in a philosopher's hand. Dropping it puts the fork back: the
/// record first, then the lock, so that the record never names a holder
/// that has let go.
struct InHand<'a> {
    table: &'a Table,
    fork: usize,
    _guard: MutexGuard<'a, ()>,
}

impl Drop for InHand<'_> {
    fn drop(&mut self) {
        self.table.record().holder[self.fork] = None;
        self.table.changed.notify_all();
    }
}

impl Record {
    /// Whether every philosopher holds a fork, or waits for one that a
    /// neighbour holds: then no one can still slip a fork away from a
    /// neighbour who is about to take it.
    fn all_hold_or_wait(&self) -> bool {
        (0..PHILOSOPHERS).all(|me| {
            self.holder.contains(&Some(me))
                || self.waiting[me]
                    .is_some_and(|(fork, _)| self.holder[fork].is_some())
        })
    }
}

/// The forks beside philosopher `me`: its left, then its right.
fn forks_of(me: usize) -> (usize, usize) {
    (me, (me + 1) % PHILOSOPHERS)
}

/// A philosopher's row in the timeline, numbered from 1.
fn philosopher(me: usize) -> String {
    format!("philosopher {}", me + 1)
}

impl Table {
    fn new() -> Self {
        Self {
            forks: (0..PHILOSOPHERS).map(|_| Mutex::new(())).collect(),
            record: Mutex::new(Record::default()),
            changed: Condvar::new(),
            put_back: AtomicUsize::new(0),
        }
    }

    /// The record. Nobody panics while holding it, and each change to it
    /// is one whole statement: a poisoned record is still right.
    fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Picks up `fork` for philosopher `me`, waiting as long as it takes.
    fn take(&self, me: usize, fork: usize) -> InHand<'_> {
        self.record().waiting[me] = Some((fork, lesson_kit::elapsed()));
        self.changed.notify_all();
        // A fork holds no data, so a panic cannot leave it half changed:
        // its poison means nothing.
        let guard = self.forks[fork]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.holding(me, fork, guard)
    }

    /// Picks up `fork` only if it is free: `None`, at once, if not.
    fn try_take(&self, me: usize, fork: usize) -> Option<InHand<'_>> {
        let guard = match self.forks[fork].try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        Some(self.holding(me, fork, guard))
    }

    fn holding<'a>(
        &'a self,
        me: usize,
        fork: usize,
        guard: MutexGuard<'a, ()>,
    ) -> InHand<'a> {
        let mut record = self.record();
        record.waiting[me] = None;
        record.holder[fork] = Some(me);
        self.changed.notify_all();
        InHand {
            table: self,
            fork,
            _guard: guard,
        }
    }

    /// At the first meal, waits until every philosopher holds its first
    /// fork, or waits for one that a neighbour holds: the five then reach
    /// for their second fork all together. That is the worst timing, and it
    /// comes on every run instead of now and then, as it would without
    /// this wait.
    fn all_reach_together(&self, meal: usize) {
        if meal > 1 {
            return;
        }
        let mut record = self.record();
        // Once is enough: a slow philosopher that comes later, while the
        // others are done, must not wait for them to reach again.
        while !record.together {
            if record.all_hold_or_wait() {
                record.together = true;
                self.changed.notify_all();
            } else {
                record = self
                    .changed
                    .wait(record)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }

    /// Eats meal `meal`, both forks in hand; `false` if Ctrl-C cut it short.
    fn eat(&self, me: usize, meal: usize, manners: Manners) -> bool {
        let start = lesson_kit::elapsed();
        if !lesson_kit::pause(EAT) {
            return false;
        }
        let end = lesson_kit::elapsed();
        // The bar shows the meal's number, what follows the colon.
        let label = format!("{}: {meal}", manners.name());
        lesson_kit::record_task(&philosopher(me), &label, start, end);
        self.record().meals[me] += 1;
        true
    }
}

// ANCHOR: left_then_right
/// One meal, left fork first, as everyone at the table does: the way that
/// deadlocks.
fn left_then_right(table: &Table, me: usize, meal: usize) -> bool {
    let (left, right) = forks_of(me);
    let _left = table.take(me, left);
    table.all_reach_together(meal);
    // All five hold their left fork, and this one is someone's left fork.
    let _right = table.take(me, right);
    table.eat(me, meal, Manners::LeftThenRight)
    // Both forks go back on the table here, as their guards are dropped.
}
// ANCHOR_END: left_then_right

// ANCHOR: lowest_first
/// One meal, the lower-numbered fork first. Philosopher 5 sits between
/// forks 5 and 1, so it reaches for fork 1 first, and waits for it holding
/// nothing: fork 5 stays free for philosopher 4, and the cycle cannot close.
fn lowest_first(table: &Table, me: usize, meal: usize) -> bool {
    let (left, right) = forks_of(me);
    let _first = table.take(me, left.min(right));
    table.all_reach_together(meal);
    let _second = table.take(me, left.max(right));
    table.eat(me, meal, Manners::LowestFirst)
}
// ANCHOR_END: lowest_first

// ANCHOR: try_then_back_off
/// One meal, never waiting while holding a fork: the right fork only if it
/// is free; if not, the left one goes back on the table and the philosopher
/// tries again later.
fn try_then_back_off(table: &Table, me: usize, meal: usize) -> bool {
    let (left, right) = forks_of(me);
    let mut first_try = true;
    loop {
        let left_fork = table.take(me, left);
        if first_try {
            table.all_reach_together(meal);
        }
        if let Some(_right_fork) = table.try_take(me, right) {
            return table.eat(me, meal, Manners::TryThenBackOff);
        }
        drop(left_fork);
        table.put_back.fetch_add(1, Ordering::Relaxed);
        // Each philosopher waits a different time: with the same wait, all
        // five could put down and pick up in step for ever (a livelock).
        let back_off = BACK_OFF * (me as u32 + 1);
        if !lesson_kit::pause(back_off) {
            return false;
        }
        first_try = false;
    }
}
// ANCHOR_END: try_then_back_off

/// A philosopher's evening: its meals, with a moment's thought between
/// two; it stops early if Ctrl-C cuts a meal short.
fn dine(table: &Table, me: usize, manners: Manners) {
    for meal in 1..=MEALS {
        let ate = match manners {
            Manners::LeftThenRight => left_then_right(table, me, meal),
            Manners::LowestFirst => lowest_first(table, me, meal),
            Manners::TryThenBackOff => try_then_back_off(table, me, meal),
        };
        if !ate || (meal < MEALS && !lesson_kit::pause(THINK)) {
            return;
        }
    }
}

/// One philosopher of a cycle: the forks it holds, the fork it waits for
/// (held by the next philosopher of the cycle), and since when it waits.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    philosopher: usize,
    holds: Vec<usize>,
    waits_for: usize,
    held_by: usize,
    since: Duration,
}

// ANCHOR: find_cycle
/// Follows "waits for a fork held by" from each philosopher in turn. A
/// philosopher met twice closes a cycle: a deadlock, since everyone in it
/// waits for someone else in it. The cycle starts at its lowest number.
fn find_cycle(record: &Record) -> Option<Vec<Link>> {
    'start: for start in 0..PHILOSOPHERS {
        let mut path = vec![start];
        loop {
            let me = path[path.len() - 1];
            let Some((fork, _)) = record.waiting[me] else {
                continue 'start; // not waiting: no cycle through here
            };
            let Some(holder) = record.holder[fork] else {
                continue 'start; // a free fork: the wait will end
            };
            if let Some(at) = path.iter().position(|&p| p == holder) {
                let mut cycle = path.split_off(at);
                let lowest = (0..cycle.len()).min_by_key(|&i| cycle[i])?;
                cycle.rotate_left(lowest);
                return Some(links(record, &cycle));
            }
            path.push(holder);
        }
    }
    None
}
// ANCHOR_END: find_cycle

/// The cycle's philosophers, each with what it holds and waits for.
fn links(record: &Record, cycle: &[usize]) -> Vec<Link> {
    let held = |me: usize| {
        (0..PHILOSOPHERS)
            .filter(|&fork| record.holder[fork] == Some(me))
            .collect()
    };
    let next = cycle.iter().cycle().skip(1);
    (cycle.iter().zip(next))
        .filter_map(|(&me, &held_by)| {
            let (waits_for, since) = record.waiting[me]?;
            Some(Link {
                philosopher: me,
                holds: held(me),
                waits_for,
                held_by,
                since,
            })
        })
        .collect()
}

/// What the watchdog saw.
enum Verdict {
    /// Every philosopher ate every meal.
    AllAte,
    /// Nobody ate for a while, and the record shows this cycle.
    Deadlock(Vec<Link>),
    /// Ctrl-C came first.
    Stopped,
}

// ANCHOR: watch
/// The watchdog, on the calling thread: looks at the table ten times per
/// `PATIENCE` until every meal is eaten; once no meal has been eaten for
/// `PATIENCE`, it reads the record, and a cycle there is a deadlock. No
/// cycle means slow, not stuck: it goes on watching.
fn watch(table: &Table) -> Verdict {
    let patience = PATIENCE.mul_f64(lesson_kit::options().time_scale);
    let (mut meals, mut last_meal) = (0, lesson_kit::elapsed());
    loop {
        if !lesson_kit::pause(PATIENCE / 10) {
            return Verdict::Stopped;
        }
        let now = lesson_kit::elapsed();
        let eaten_so_far: usize = table.record().meals.iter().sum();
        match eaten_so_far {
            eaten if eaten == PHILOSOPHERS * MEALS => return Verdict::AllAte,
            eaten if eaten > meals => (meals, last_meal) = (eaten, now),
            _ if now - last_meal >= patience => {
                if let Some(cycle) = find_cycle(&table.record()) {
                    return Verdict::Deadlock(cycle);
                }
            }
            _ => {}
        }
    }
}
// ANCHOR_END: watch

/// The part: the deadlock, then the two fixes.
pub fn run() {
    for me in 0..PHILOSOPHERS {
        lesson_kit::add_worker(&philosopher(me));
    }
    say!(
        "deadlock: {PHILOSOPHERS} philosophers, {PHILOSOPHERS} forks, one between \
         each two; each eats {MEALS} meals, with both forks beside it"
    );
    let mut fixes = Vec::new();
    for manners in [
        Manners::LeftThenRight,
        Manners::LowestFirst,
        Manners::TryThenBackOff,
    ] {
        if lesson_kit::stopped() {
            break;
        }
        if let Some(fix) = dinner(manners) {
            fixes.push(fix);
        }
    }
    lesson_kit::fact("fixes", fixes);
}

/// One dinner: five philosophers with the same manners, watched. Returns
/// the fix's facts for the JSON document.
fn dinner(manners: Manners) -> Option<Value> {
    let name = manners.name();
    say!("{name}: {}", intro(manners));
    let table = Arc::new(Table::new());
    let start = lesson_kit::elapsed();
    // ANCHOR: spawn
    let handles: Vec<_> = (0..PHILOSOPHERS)
        .map(|me| {
            let table = Arc::clone(&table);
            lesson_kit::spawn(&philosopher(me), move || dine(&table, me, manners))
        })
        .collect();
    // ANCHOR_END: spawn
    // A thread the system refused has been reported; without it the others
    // wait for it for ever, and end with the lesson.
    let handles: Option<Vec<_>> = handles.into_iter().collect();
    let handles = handles?;
    let verdict = watch(&table);
    let took = lesson_kit::elapsed() - start;
    match verdict {
        Verdict::Deadlock(cycle) => {
            report_deadlock(&cycle, manners);
            // No join: the five are blocked for good, and would hold the
            // lesson up for ever. They end when the process does.
            drop(handles);
            None
        }
        // Ctrl-C during the dinner that deadlocks: its philosophers are
        // blocked, or about to be. No join, as above; their waits so far
        // are drawn, each ending where the stop came.
        Verdict::Stopped if manners == Manners::LeftThenRight => {
            draw_waits(&table.record());
            None
        }
        Verdict::AllAte | Verdict::Stopped => {
            for (me, handle) in handles.into_iter().enumerate() {
                // Err only if the thread panicked.
                if handle.join().is_err() {
                    lesson_kit::fail(format!("{} panicked", philosopher(me)));
                }
            }
            if lesson_kit::stopped() {
                return None;
            }
            Some(report_meals(&table, manners, took))
        }
    }
}

/// Draws each philosopher's wait for a fork, as the record has it now,
/// as a bar that ends now, unfinished.
fn draw_waits(record: &Record) {
    let now = lesson_kit::elapsed();
    for (me, wait) in record.waiting.iter().enumerate() {
        if let Some((fork, since)) = wait {
            let label = format!("waits for fork {}", fork + 1);
            lesson_kit::record_unfinished(&philosopher(me), &label, *since, now);
        }
    }
}

/// What each way of dining is about to show.
fn intro(manners: Manners) -> &'static str {
    match manners {
        Manners::LeftThenRight => {
            "each takes the fork on its left, then the one on its right"
        }
        Manners::LowestFirst => {
            "each takes the lower-numbered of its forks first: philosopher 5 \
             takes fork 1 before fork 5"
        }
        Manners::TryThenBackOff => {
            "each takes its left fork, then the right one only if it is free; \
             if not, it puts the left one back and tries again later"
        }
    }
}

/// The watchdog's report: the cycle, line by line, and the waits in the
/// timeline, each a bar that ends where the watchdog gave up on it.
fn report_deadlock(cycle: &[Link], manners: Manners) {
    let now = lesson_kit::elapsed();
    say!("deadlock: no meal for a while; the watchdog reads the record");
    for link in cycle {
        let holds: Vec<String> = link
            .holds
            .iter()
            .map(|f| format!("fork {}", f + 1))
            .collect();
        say!(
            "deadlock: philosopher {} holds {} and waits for fork {}, which \
             philosopher {} holds",
            link.philosopher + 1,
            holds.join(" and "),
            link.waits_for + 1,
            link.held_by + 1
        );
        let label = format!("waits for fork {}", link.waits_for + 1);
        lesson_kit::record_unfinished(
            &philosopher(link.philosopher),
            &label,
            link.since,
            now,
        );
    }
    let order: Vec<String> = (cycle.iter())
        .chain(cycle.first())
        .map(|link| (link.philosopher + 1).to_string())
        .collect();
    say!(
        "deadlock: a cycle, {}: each waits for the next, and none will ever eat",
        order.join(" -> ")
    );
    say!(
        "deadlock: they stay blocked until the lesson ends: a thread cannot be stopped from outside"
    );
    let waited = cycle
        .iter()
        .map(|l| now - l.since)
        .min()
        .unwrap_or_default();
    lesson_kit::measured(format!(
        "{}: the watchdog found the cycle at {:.2} s, after {:.2} s without a meal",
        manners.name(),
        now.as_secs_f64(),
        waited.as_secs_f64()
    ));
    let cycle: Vec<Value> = (cycle.iter())
        .map(|link| {
            json!({
                "philosopher": link.philosopher + 1,
                "holds": link.holds.iter().map(|f| f + 1).collect::<Vec<_>>(),
                "waits_for": link.waits_for + 1,
                "held_by": link.held_by + 1,
            })
        })
        .collect();
    lesson_kit::fact(
        "deadlock",
        json!({ "manners": manners.name(), "cycle": cycle, "detected_ms": now.as_secs_f64() * 1e3 }),
    );
    if manners != Manners::LeftThenRight {
        lesson_kit::fail(format!(
            "{}: deadlocked, which it never should",
            manners.name()
        ));
    }
}

/// The meals of a dinner that ended: a line if everyone ate them all.
fn report_meals(table: &Table, manners: Manners, took: Duration) -> Value {
    let meals = table.record().meals;
    let name = manners.name();
    if meals.iter().all(|&m| m == MEALS) {
        say!("{name}: every philosopher ate {MEALS} meals");
    } else {
        lesson_kit::fail(format!("{name}: meals eaten {meals:?}, not {MEALS} each"));
    }
    if manners == Manners::LeftThenRight {
        lesson_kit::fail(format!(
            "{name}: no deadlock, though every philosopher reached for its \
             left fork first"
        ));
    }
    let put_back = table.put_back.load(Ordering::Relaxed);
    let mut line = format!(
        "{name}: {} meals in {:.2} s",
        meals.iter().sum::<usize>(),
        took.as_secs_f64()
    );
    if manners == Manners::TryThenBackOff {
        line.push_str(&format!(", a left fork put back {put_back} times"));
    }
    lesson_kit::measured(line);
    json!({
        "manners": name,
        "meals": meals.to_vec(),
        "elapsed_ms": took.as_secs_f64() * 1e3,
        "put_back": put_back,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record in which philosopher `p` holds the forks `holds[p]` and
    /// waits for `waits[p]`.
    fn record(holds: &[&[usize]], waits: &[Option<usize>]) -> Record {
        let mut record = Record::default();
        for (me, forks) in holds.iter().enumerate() {
            for &fork in *forks {
                record.holder[fork] = Some(me);
            }
        }
        for (me, fork) in waits.iter().enumerate() {
            record.waiting[me] = fork.map(|f| (f, Duration::from_millis(me as u64)));
        }
        record
    }

    #[test]
    fn five_left_forks_and_five_waits_are_one_cycle_from_philosopher_1() {
        let holds: Vec<&[usize]> = vec![&[0], &[1], &[2], &[3], &[4]];
        let waits: Vec<Option<usize>> = (0..5).map(|p| Some((p + 1) % 5)).collect();
        let cycle = find_cycle(&record(&holds, &waits)).expect("a cycle");
        let order: Vec<usize> = cycle.iter().map(|l| l.philosopher).collect();
        assert_eq!(order, [0, 1, 2, 3, 4]);
        assert_eq!(cycle[4].holds, [4]);
        assert_eq!((cycle[4].waits_for, cycle[4].held_by), (0, 0));
        assert_eq!(cycle[2].since, Duration::from_millis(2));
    }

    #[test]
    fn a_chain_that_ends_at_an_eater_is_no_cycle() {
        // Philosopher 1 eats with forks 1 and 2; the others wait along the
        // table towards it: slow, but every wait will end.
        let holds: Vec<&[usize]> = vec![&[0, 1], &[], &[2], &[3], &[4]];
        let waits = [None, Some(1), Some(1), Some(2), Some(3)];
        assert_eq!(find_cycle(&record(&holds, &waits)), None);
        assert_eq!(find_cycle(&Record::default()), None);
    }

    #[test]
    fn a_cycle_of_two_is_found_among_others_and_starts_at_its_lowest() {
        // Philosophers 4 and 3 wait for each other; philosopher 1 waits for
        // philosopher 4, outside the cycle.
        let holds: Vec<&[usize]> = vec![&[], &[], &[2], &[3, 0], &[]];
        let waits = [Some(3), None, Some(3), Some(2), None];
        let cycle = find_cycle(&record(&holds, &waits)).expect("a cycle");
        let order: Vec<usize> = cycle.iter().map(|l| l.philosopher).collect();
        assert_eq!(order, [2, 3]);
        assert_eq!(cycle[1].holds, [0, 3]);
    }

    #[test]
    fn the_lowest_fork_first_never_closes_the_cycle() {
        // Whatever the timing, with lowest-first every philosopher holds
        // a lower fork than the one it waits for, so following the waits
        // climbs the fork numbers and cannot come back: here, the worst
        // timing, philosopher 5 waits for fork 1 holding nothing.
        let holds: Vec<&[usize]> = vec![&[0], &[1], &[2], &[3], &[]];
        let waits = [Some(1), Some(2), Some(3), Some(4), Some(0)];
        assert_eq!(find_cycle(&record(&holds, &waits)), None);
    }
}
