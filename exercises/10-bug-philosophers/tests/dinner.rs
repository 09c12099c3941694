//! The tests of exercise 10-bug-philosophers: the dinner ends, every
//! philosopher having eaten every meal; neighbours never eat at once; and
//! two philosophers who are not neighbours do eat at once. Every dinner is
//! watched, as the lesson's watchdog does: one that deadlocks fails at
//! once, and the message names the cycle of waits.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use exercise::dinner;
use exercise_support::philosophers::{Meal, PHILOSOPHERS, Table, Wait, forks_of};
use exercise_support::{Now, Watched};

/// How long a meal takes.
const MEAL: Duration = Duration::from_millis(50);
/// How many meals each philosopher eats.
const MEALS: usize = 2;
/// No meal for this long, and the watchdog looks for a cycle of waits.
const PATIENCE: Duration = Duration::from_millis(500);
/// Time enough for a dinner, five times over; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// Runs `dinner` at a new table, watched: returns the meals eaten and how
/// long the dinner took. Fails the test, in words, if the dinner deadlocks
/// or does not end within `LIMIT`.
#[track_caller]
fn watched_dinner() -> (Vec<Meal>, Duration) {
    let table = Arc::new(Table::new(MEAL));
    let at_table = Arc::clone(&table);
    let began = Instant::now();
    let dining = Watched::start("dinner", move || dinner(&at_table, MEALS));
    let (mut eaten, mut last_meal) = (0, Instant::now());
    while dining.now() != Now::Returned {
        thread::sleep(Duration::from_millis(10));
        let meals = table.meals().len();
        if meals > eaten {
            (eaten, last_meal) = (meals, Instant::now());
        }
        let waited = last_meal.elapsed();
        if waited >= PATIENCE
            && let Some(cycle) = table.cycle()
        {
            panic!("{}", deadlocked(&cycle, waited));
        }
        if began.elapsed() >= LIMIT {
            panic!("{}", hung(eaten, waited, table.refused()));
        }
    }
    let took = began.elapsed();
    // Returned: join gives the panic of a philosopher, if one panicked.
    dining.join(LIMIT);
    (table.meals(), took)
}

/// The watchdog's words for a deadlock: who holds what, and the cycle.
fn deadlocked(cycle: &[Wait], waited: Duration) -> String {
    let mut text = format!(
        "deadlocked: no meal for {:.1} s, and the table shows why:\n",
        waited.as_secs_f64()
    );
    for wait in cycle {
        let holds: Vec<String> = (wait.holds.iter())
            .map(|fork| format!("fork {}", fork + 1))
            .collect();
        text += &format!(
            "  philosopher {} holds {} and waits for fork {}, which philosopher \
             {} holds\n",
            wait.philosopher + 1,
            holds.join(" and "),
            wait.waits_for + 1,
            wait.held_by + 1
        );
    }
    let order: Vec<String> = (cycle.iter().chain(cycle.first()))
        .map(|wait| (wait.philosopher + 1).to_string())
        .collect();
    text += &format!(
        "a cycle, {}: each waits for the next, and none will ever let go.\n\
         hint: each holds one fork and waits for another, all the way round \
         the table. Rust prevents data races, not this: the order in which \
         threads take their locks is yours to choose (chapter 10, \"Part 1: \
         deadlock\").",
        order.join(" -> ")
    );
    text
}

/// The words for a dinner that did not end, with no cycle of waits.
fn hung(eaten: usize, waited: Duration, refused: usize) -> String {
    let meals = PHILOSOPHERS * MEALS;
    let head = format!(
        "hung: the dinner did not end within {:.0} s: {eaten} of {meals} meals \
         eaten, none in the last {:.1} s, and no cycle of waits at the table",
        LIMIT.as_secs_f64(),
        waited.as_secs_f64()
    );
    if refused > 0 {
        format!(
            "{head}. A fork was found taken {refused} times: are the philosophers \
             picking forks up and putting them back, again and again, without \
             eating (a livelock)?\n\
             hint: if every philosopher backs off for the same time, they can \
             keep meeting at the same moment (chapter 10, \"Fix 2: never wait \
             while holding\")."
        )
    } else {
        format!(
            "{head}.\n\
             hint: something waits for ever away from the forks (another lock? \
             a join?), or a philosopher's loop does not end after its meals."
        )
    }
}

/// Whether two meals overlapped in time.
fn overlap(one: &Meal, other: &Meal) -> bool {
    one.start < other.end && other.start < one.end
}

/// "philosopher 2's meal 1".
fn named(meal: &Meal) -> String {
    format!(
        "philosopher {}'s meal {}",
        meal.philosopher + 1,
        meal.number
    )
}

#[test]
fn every_philosopher_eats_every_meal() {
    // Three dinners: a fix must hold on every run, not on most.
    for _ in 0..3 {
        let (meals, _) = watched_dinner();
        for me in 0..PHILOSOPHERS {
            let mut numbers: Vec<usize> = (meals.iter())
                .filter(|meal| meal.philosopher == me)
                .map(|meal| meal.number)
                .collect();
            numbers.sort_unstable();
            assert_eq!(
                numbers,
                (1..=MEALS).collect::<Vec<_>>(),
                "philosopher {} ate these meals: each philosopher eats meals 1 \
                 to {MEALS}, each once",
                me + 1
            );
        }
    }
}

#[test]
fn neighbours_never_eat_at_once() {
    let (meals, _) = watched_dinner();
    for meal in &meals {
        let (left, right) = forks_of(meal.philosopher);
        let mut both = vec![left, right];
        both.sort_unstable();
        let numbers: Vec<String> = (meal.forks_in_hand.iter())
            .map(|fork| (fork + 1).to_string())
            .collect();
        let in_hand = match numbers.as_slice() {
            [] => "no fork".to_owned(),
            [fork] => format!("only fork {fork}"),
            forks => format!("forks {}", forks.join(" and ")),
        };
        assert!(
            meal.forks_in_hand == both,
            "{} was eaten with {in_hand} in hand: a philosopher eats with both \
             its forks, {} and {}.\n\
             hint: a fork goes back on the table when the value `take` returned \
             is dropped. `let _ = table.take(..)` drops it at once (`_` keeps \
             nothing); `let _fork = ...` keeps it to the end of the block.",
            named(meal),
            left + 1,
            right + 1
        );
    }
    for (n, one) in meals.iter().enumerate() {
        for other in &meals[n + 1..] {
            let neighbours = forks_of(one.philosopher).1 == other.philosopher
                || forks_of(other.philosopher).1 == one.philosopher;
            assert!(
                !(neighbours && overlap(one, other)),
                "{} and {}, neighbours, were eaten at the same time: they share \
                 a fork",
                named(one),
                named(other)
            );
        }
    }
}

#[test]
fn at_least_two_philosophers_eat_at_once() {
    let (meals, took) = watched_dinner();
    let together = meals
        .iter()
        .enumerate()
        .any(|(n, one)| meals[n + 1..].iter().any(|other| overlap(one, other)));
    assert!(
        together,
        "no two meals were eaten at the same time: {} meals of {:.2} s took \
         {:.2} s, one after another. Five forks let two philosophers who are \
         not neighbours eat at once (1 and 3, say).\n\
         hint: is one lock held around every meal, for the whole table? Make \
         the forks alone decide who eats.",
        meals.len(),
        MEAL.as_secs_f64(),
        took.as_secs_f64()
    );
}
