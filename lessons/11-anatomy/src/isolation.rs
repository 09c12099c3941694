//! Isolation: one `static`, `NUMBER`, seen from a parent, from a child
//! process (this program started again) and from a thread. The child's
//! change stays in the child; the thread's is the parent's own. Each side
//! shows the address of its `NUMBER` too: two processes, two addresses (the
//! layout is random), and two `NUMBER`s even where the addresses agree.

use std::io;
use std::process;
use std::sync::atomic::Ordering;
use std::thread;

use lesson_kit::children::{self, Child};
use lesson_kit::say;
use serde_json::json;

use crate::NUMBER;
use crate::table::Table;

/// What one side saw: who, in which process, at which address, what value.
struct Sighting {
    who: String,
    pid: u32,
    address: usize,
    value: u64,
}

/// The timeline's row for the child.
const CHILD: &str = "child: isolation";

// ANCHOR: here
/// This process's `NUMBER`, now: its PID, the static's address, its value.
fn here(who: &str) -> Sighting {
    Sighting {
        who: who.to_owned(),
        pid: process::id(),
        address: &NUMBER as *const _ as usize,
        value: NUMBER.load(Ordering::SeqCst),
    }
}
// ANCHOR_END: here

pub fn run() -> Result<(), String> {
    let start = NUMBER.load(Ordering::SeqCst);
    say!(
        "isolation: one static, NUMBER, {start} in the program's file; a parent, a child process and a thread change it"
    );
    let mut seen = vec![here("parent, at first")];
    // ANCHOR: parent
    NUMBER.store(8, Ordering::SeqCst);
    seen.push(here("parent, after storing 8"));
    let child = in_a_child()?;
    if lesson_kit::stopped() {
        return Ok(());
    }
    seen.extend(child);
    seen.push(here("parent, after the child"));
    let after_child = NUMBER.load(Ordering::SeqCst);
    // A thread shares this process's memory: its store is the parent's.
    thread::scope(|scope| {
        thread::Builder::new()
            .name("stores 43".to_owned())
            .spawn_scoped(scope, || NUMBER.store(43, Ordering::SeqCst))
            .map(drop)
            .map_err(|err| format!("cannot start a thread: {err}"))
    })?;
    seen.push(here("parent, after a thread stored 43"));
    // ANCHOR_END: parent

    let mut table = Table::new(["who", "pid", "address of NUMBER", "NUMBER"]);
    for one in &seen {
        table.row([
            one.who.clone(),
            one.pid.to_string(),
            format!("{:#x}", one.address),
            one.value.to_string(),
        ]);
    }
    lesson_kit::show(&table.render());
    let value_of = |who: &str| seen.iter().find(|s| s.who == who).map(|s| s.value);
    let child_start = value_of("child, at first").unwrap_or_default();
    let after_thread =
        value_of("parent, after a thread stored 43").unwrap_or_default();
    say!(
        "isolation: the child started with {child_start}, from the file, not with the parent's 8: it is the program run anew, not a copy"
    );
    say!(
        "isolation: the child's 42 stayed in the child: the parent still reads {after_child}"
    );
    say!(
        "isolation: the thread's 43 is the parent's too: it reads {after_thread}, since threads share their process's memory"
    );
    let (mine, theirs) = (seen[0].address, seen.get(2).map_or(0, |s| s.address));
    if mine == theirs {
        say!(
            "isolation: both processes have NUMBER at the same address, and yet two NUMBERs: an address means something only inside its own process"
        );
    } else {
        say!(
            "isolation: the two NUMBERs are at different addresses (each start lays the program out at random), and would be two NUMBERs at one address too"
        );
    }
    let facts: Vec<_> = (seen.iter())
        .map(|s| json!({"who": s.who, "pid": s.pid, "address": s.address, "value": s.value}))
        .collect();
    lesson_kit::fact("isolation", facts);
    // Back to the program's value, for a part that runs after this one.
    NUMBER.store(start, Ordering::SeqCst);
    Ok(())
}

// ANCHOR: child
/// Starts this program again as a child in the `isolation` role, and
/// returns what it told: its `NUMBER` as it started and after it stored 42.
fn in_a_child() -> Result<Vec<Sighting>, String> {
    let command = children::command_for_self(["--role", "isolation"])
        .map_err(|err| format!("cannot start a child: {err}"))?;
    let begun = lesson_kit::elapsed();
    let mut child = Child::spawn(CHILD, command).map_err(|err| err.to_string())?;
    // Stopped from outside (kill -STOP), it would hold the read for ever.
    child.give_up_when_stopped();
    let stdout = child.take_stdout().ok_or("the child has no stdout")?;
    let mut seen = Vec::new();
    let mut garbage = false;
    children::read_lines(stdout, |line| {
        match line.ok().and_then(|line| parse(&line)) {
            Some(one) => seen.push(one),
            None => garbage = true,
        }
        true
    });
    let status = child.wait().map_err(|err| format!("{CHILD}: {err}"))?;
    if lesson_kit::stopped() {
        return Ok(Vec::new());
    }
    if !status.success() || garbage || seen.len() != 2 {
        let how = children::describe(status);
        return Err(format!("{CHILD} did not tell its NUMBER twice ({how})"));
    }
    lesson_kit::record_task(CHILD, "stored 42", begun, lesson_kit::elapsed());
    Ok(seen)
}
// ANCHOR_END: child

/// Reads a child's line: `<who>|<pid>|<address>|<value>`.
fn parse(line: &str) -> Option<Sighting> {
    let mut fields = line.split('|');
    let who = fields.next()?.to_owned();
    let pid = fields.next()?.parse().ok()?;
    let address =
        usize::from_str_radix(fields.next()?.strip_prefix("0x")?, 16).ok()?;
    let value = fields.next()?.parse().ok()?;
    Some(Sighting {
        who,
        pid,
        address,
        value,
    })
}

// ANCHOR: role
/// The child's side: tells its `NUMBER`, stores 42, tells it again.
pub fn in_the_child() -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    let mut tell = |who: &str| {
        let one = here(who);
        let line =
            format!("{}|{}|{:#x}|{}", one.who, one.pid, one.address, one.value);
        children::write_line(&mut stdout, &line)
    };
    tell("child, at first")?;
    NUMBER.store(42, Ordering::SeqCst);
    tell("child, after storing 42")
}
// ANCHOR_END: role
