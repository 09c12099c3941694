//! fork and spawn: what it costs to start a process from a parent that
//! holds a lot of memory. std's `Command` starts a child with posix_spawn,
//! whose child borrows the parent's memory until it runs `exec`; a
//! `pre_exec` hook forces a `fork` instead, which copies the parent's page
//! tables first. Each way starts `true` (the smallest program there is) and
//! waits for it, from the lesson as it is, then from the lesson holding
//! `--parent-mib` more, every page of it touched. Each start is a bar on
//! its way's row of the timeline.

use std::process::{Command, Stdio};
use std::time::Duration;

use lesson_kit::children::{self, Child};
use lesson_kit::say;
use serde_json::json;

use crate::proc;
use crate::table::{Table, ms};

/// A MiB, the unit the big parent grows by.
const MIB: usize = 1 << 20;

/// Room to keep beside the big parent, for the rest of the lesson and the
/// page tables each fork copies.
const HEADROOM_MIB: u64 = 32;

/// The timeline's rows, one per way.
const POSIX_SPAWN: &str = "posix_spawn";
const FORK: &str = "fork";

// ANCHOR: two_ways
/// `true`, started the way std starts any program: posix_spawn, whose
/// child shares the parent's memory until it calls exec, nothing copied.
fn spawned() -> Command {
    let mut command = Command::new("true");
    command.stdin(Stdio::null()).stdout(Stdio::null());
    command
}

/// The same, with a hook to run in the child before exec. posix_spawn has
/// no room for one, so std forks: the child starts as a copy of the parent,
/// and making that copy means copying every page table the parent has.
#[allow(unsafe_code)] // the lesson's one `unsafe`: code run between fork and exec
fn forked() -> Command {
    let mut command = spawned();
    // SAFETY: the hook runs in the forked child before exec, where only
    // async-signal-safe functions may be called (another thread of the
    // parent may have held a lock at the fork); it calls nothing at all.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || Ok(()));
    }
    command
}
// ANCHOR_END: two_ways

/// The times of each way, from one parent.
struct Times {
    spawned: Vec<Duration>,
    forked: Vec<Duration>,
    /// The parent's resident memory meanwhile.
    rss_kib: u64,
}

pub fn run(parent_mib: u64, rounds: u64) -> Result<(), String> {
    check_room(parent_mib)?;
    let times = match rounds {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    };
    say!(
        "spawn: start `true` and wait for it, {times} each way: with posix_spawn (std's Command), then with fork"
    );
    // Once each way first, not timed: a first start pays for first-time
    // work, such as starting the kit's thread that watches the children.
    start_and_wait(POSIX_SPAWN, spawned())?;
    start_and_wait(FORK, forked())?;
    let small = measure(rounds)?;
    say!(
        "spawn: again, from a parent holding {parent_mib} MiB more, every page of it written"
    );
    // ANCHOR: big
    let Some(big) = hold(parent_mib)? else {
        return Ok(()); // Ctrl-C
    };
    let large = measure(rounds)?;
    drop(big);
    // ANCHOR_END: big
    if lesson_kit::stopped() {
        return Ok(());
    }
    let mut table = Table::new([
        "the parent holds",
        "posix_spawn: median (min..max)",
        "fork: median (min..max)",
    ]);
    for (holds, times) in [("its own memory", &small), ("that and more", &large)] {
        table.row([
            format!("{holds}: {} MiB", times.rss_kib / 1024),
            spread(&times.spawned),
            spread(&times.forked),
        ]);
    }
    // The medians side by side: how many times as long from the big one.
    let ratio = |before: &[Duration], after: &[Duration]| {
        let ratio = median(after).as_secs_f64() / median(before).as_secs_f64();
        format!("{ratio:.1}x")
    };
    table.row([
        "big over small".to_owned(),
        ratio(&small.spawned, &large.spawned),
        ratio(&small.forked, &large.forked),
    ]);
    lesson_kit::show(&table.render());
    say!(
        "spawn: posix_spawn's child borrows the parent's memory until exec: nothing to copy, however much the parent holds"
    );
    say!(
        "spawn: fork's child starts as a copy of the parent, page tables and all: the more memory the parent has touched, the more to copy"
    );
    let times = |t: &Times| {
        let ms = |list: &[Duration]| {
            list.iter()
                .map(|d| d.as_secs_f64() * 1e3)
                .collect::<Vec<_>>()
        };
        json!({"rss_kib": t.rss_kib, "posix_spawn_ms": ms(&t.spawned), "fork_ms": ms(&t.forked)})
    };
    lesson_kit::fact(
        "spawn",
        json!({
            "parent_mib": parent_mib,
            "rounds": rounds,
            "small": times(&small),
            "big": times(&large),
        }),
    );
    Ok(())
}

// ANCHOR: measure
/// Starts `true` and waits for it `rounds` times each way, in turn, so
/// that whatever else the machine does falls on both alike.
fn measure(rounds: u64) -> Result<Times, String> {
    let mut times = Times {
        spawned: Vec::new(),
        forked: Vec::new(),
        rss_kib: 0,
    };
    for _ in 0..rounds {
        if lesson_kit::stopped() {
            break;
        }
        for (way, command, took) in [
            (POSIX_SPAWN, spawned(), &mut times.spawned),
            (FORK, forked(), &mut times.forked),
        ] {
            let (start, end) = start_and_wait(way, command)?;
            lesson_kit::record_task(way, "true", start, end);
            took.push(end - start);
        }
    }
    times.rss_kib =
        proc::number(&proc::read("/proc/self/status")?, "VmRSS").unwrap_or(0);
    Ok(times)
}

/// Starts `command` and waits for it; returns when it started and ended.
/// The kit's `Child` starts it (with std's `spawn`, the way `command`
/// says), on the timeline's row for `way`.
fn start_and_wait(
    way: &str,
    command: Command,
) -> Result<(Duration, Duration), String> {
    let start = lesson_kit::elapsed();
    let mut child = Child::spawn(way, command).map_err(|err| err.to_string())?;
    // Stopped from outside (kill -STOP), `true` would hold the wait for ever.
    child.give_up_when_stopped();
    let status = child.wait().map_err(|err| format!("true: {err}"))?;
    let end = lesson_kit::elapsed();
    // Ctrl-C reaches `true` too, and may kill it first.
    if !status.success() && !lesson_kit::stopped() {
        return Err(format!("true failed: {}", children::describe(status)));
    }
    Ok((start, end))
}
// ANCHOR_END: measure

// ANCHOR: hold
/// `mib` MiB of this process's memory, each byte written: memory only
/// reserved would not be in the page tables that fork copies. `None` after
/// Ctrl-C.
fn hold(mib: u64) -> Result<Option<Vec<u8>>, String> {
    let bytes = usize::try_from(mib)
        .unwrap_or(usize::MAX)
        .saturating_mul(MIB);
    let mut big = Vec::new();
    big.try_reserve_exact(bytes)
        .map_err(|err| format!("cannot hold {mib} MiB: {err}"))?;
    let ones = vec![1_u8; MIB];
    while big.len() < bytes {
        if lesson_kit::stopped() {
            return Ok(None);
        }
        big.extend_from_slice(&ones);
    }
    Ok(Some(big))
}
// ANCHOR_END: hold

/// Refuses, with what there is, a parent bigger than the memory left: past
/// a memory cgroup's limit (a container's, a CI runner's) the kernel would
/// kill the lesson without a word.
fn check_room(mib: u64) -> Result<(), String> {
    let Some((room, bound)) = proc::memory_room() else {
        return Ok(());
    };
    let room_mib = room / MIB as u64;
    if room_mib < mib + HEADROOM_MIB {
        return Err(format!(
            "cannot hold {mib} MiB more: about {room_mib} MiB is free here ({bound}); \
             give a smaller --parent-mib"
        ));
    }
    Ok(())
}

/// The median of `times` (zero for none).
fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// "1.20 ms (1.10..1.50)", or "-" for no times.
fn spread(times: &[Duration]) -> String {
    let mut sorted: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    sorted.sort_by(f64::total_cmp);
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return "-".to_owned();
    };
    let median = sorted[sorted.len() / 2];
    format!("{} ({}..{})", ms(median), ms(*first), ms(*last)).replace(" ms..", "..")
}
