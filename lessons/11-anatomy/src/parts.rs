//! The parts of a process, located: the address of a function (code), of a
//! static (data), of a string literal (read-only data), of two `Box`es
//! (heaps) and of two locals (stacks), each looked up in the process's
//! memory map, `/proc/self/maps`, with the permissions of the region that
//! holds it and what backs it. Then the same seven in a second run of the
//! program, a child process: at other addresses, since Linux lays out each
//! process at random.

use std::fs;
use std::io;
use std::sync::mpsc;
use std::thread;

use lesson_kit::children::{self, Child};
use lesson_kit::say;
use serde_json::json;

use crate::proc::{self, Region};
use crate::table::Table;

/// Something of the program, where it is in this process.
pub struct Located {
    /// The part of the process it lives in: "code", "heap"...
    pub part: &'static str,
    /// What it is: "a function".
    pub what: &'static str,
    pub address: usize,
}

// ANCHOR: address_of
/// The address a reference points to, as a number. Looking at an address
/// needs no `unsafe`: only reading or writing through a raw pointer does.
fn address_of<T>(value: &T) -> usize {
    value as *const T as usize
}
// ANCHOR_END: address_of

// ANCHOR: locate
/// Seven things of this program and where they are, with the memory map
/// read while every one of them exists: a thread's stack goes with it.
pub fn locate() -> Result<(Vec<Located>, String), String> {
    let literal: &'static str = "a string literal";
    let boxed = Box::new(11_u64);
    let local = 11_u64;
    thread::scope(|scope| {
        let (addresses, from_thread) = mpsc::channel();
        let (main_is_done, main_done) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("located".to_owned())
            .spawn_scoped(scope, move || {
                let its_local = 11_u64;
                let its_box = Box::new(11_u64);
                let _ =
                    addresses.send([address_of(&its_local), address_of(&*its_box)]);
                // Alive until main has read the map (or has given up).
                let _ = main_done.recv();
            })
            .map_err(|err| format!("cannot start a thread: {err}"))?;
        let [its_local, its_box] = (from_thread.recv())
            .map_err(|_| "the thread ended before saying where it is".to_owned())?;
        let maps = proc::read("/proc/self/maps")?;
        drop(main_is_done);
        let at = |part, what, address| Located {
            part,
            what,
            address,
        };
        let things = vec![
            at("code", "a function", locate as *const () as usize),
            at("data", "a static", address_of(&crate::NUMBER)),
            at(
                "read-only data",
                "a string literal",
                literal.as_ptr() as usize,
            ),
            at("heap", "a Box", address_of(&*boxed)),
            at("stack", "a local of main", address_of(&local)),
            at("stack", "a local of a thread", its_local),
            at("heap", "a Box of a thread", its_box),
        ];
        Ok((things, maps))
    })
}
// ANCHOR_END: locate

/// The timeline's row for the second run.
const SECOND_RUN: &str = "child: a second run";

/// Locates the seven, shows each in its region, and beside each the
/// address a second run of the program finds.
pub fn run() -> Result<(), String> {
    say!("parts: seven things of this process, each found in /proc/self/maps");
    let (things, maps) = locate()?;
    let regions = proc::regions(&maps);
    let mut table =
        Table::new(["part: what", "address", "region", "perms", "backed by"]);
    let mut facts = Vec::new();
    let mut found = Vec::new();
    for thing in &things {
        let region = proc::region_of(&regions, thing.address).ok_or_else(|| {
            format!(
                "{} at {:#x} is in no region of the map",
                thing.what, thing.address
            )
        })?;
        table.row([
            format!("{}: {}", thing.part, thing.what),
            format!("{:#x}", thing.address),
            region.range(),
            region.perms.clone(),
            region.backing(),
        ]);
        found.push((thing.part, region));
        facts.push(json!({
            "part": thing.part,
            "what": thing.what,
            "address": thing.address,
            "region": region.line,
            "perms": region.perms,
            "path": region.path,
        }));
    }
    lesson_kit::show(&table.render());
    lesson_kit::show(&file_regions(&regions));
    say!("parts: {}", permissions(&found));
    let mixed = regions
        .iter()
        .filter(|r| r.writable_and_executable())
        .count();
    if mixed == 0 {
        say!(
            "parts: no region is both writable and executable: code cannot be changed, data cannot be run"
        );
    } else {
        say!(
            "parts: {mixed} regions are both writable and executable (a JIT's, or an old program's)"
        );
    }

    let (pid, second) = second_run()?;
    if lesson_kit::stopped() {
        return Ok(());
    }
    say!(
        "parts: the same seven in a second run of the program (pid {pid}, a child)"
    );
    let mut table = Table::new(["part: what", "this run", "the second run"]);
    for (thing, (there, fact)) in things.iter().zip(second.iter().zip(&mut facts)) {
        table.row([
            format!("{}: {}", thing.part, thing.what),
            format!("{:#x}", thing.address),
            format!("{there:#x}"),
        ]);
        fact["second_run"] = json!(there);
    }
    lesson_kit::show(&table.render());
    let moved = things
        .iter()
        .zip(&second)
        .filter(|(t, s)| t.address != **s)
        .count();
    match moved {
        7 => say!(
            "parts: all seven moved: Linux lays out every process at random (ASLR), at each start"
        ),
        0 => {
            say!("parts: none of the seven moved: the layout is not randomised here")
        }
        n => say!("parts: {n} of the seven moved"),
    }
    lesson_kit::fact("parts", facts);
    lesson_kit::fact("second_run_pid", pid);
    lesson_kit::fact("randomize_va_space", randomisation());
    Ok(())
}

/// "the program file lesson-11-anatomy: 4 regions, r--p r-xp r--p rw-p":
/// the regions the file itself fills, in address order.
fn file_regions(regions: &[Region]) -> String {
    let Some(file) = fs::read_link("/proc/self/exe").ok() else {
        return String::new();
    };
    let file = file.display().to_string();
    let perms: Vec<&str> = (regions.iter())
        .filter(|region| region.path == file)
        .map(|region| region.perms.as_str())
        .collect();
    let name = file.rsplit('/').next().unwrap_or(&file);
    format!(
        "the program file {name}: {} regions, {}",
        perms.len(),
        perms.join(" ")
    )
}

/// "code r-xp, data rw-p, ...": each part once, with its regions' perms.
fn permissions(found: &[(&str, &Region)]) -> String {
    let mut parts: Vec<(&str, Vec<&str>)> = Vec::new();
    for &(part, region) in found {
        let perms = region.perms.as_str();
        match parts.iter_mut().find(|(known, _)| *known == part) {
            Some((_, all)) if all.contains(&perms) => {}
            Some((_, all)) => all.push(perms),
            None => parts.push((part, vec![perms])),
        }
    }
    let described: Vec<String> = (parts.iter())
        .map(|(part, perms)| format!("{part} {}", perms.join(" and ")))
        .collect();
    described.join(", ")
}

/// The system's address-space randomisation: 2 (all), 1 (not the heap) or
/// 0 (none), from `/proc/sys/kernel/randomize_va_space`.
fn randomisation() -> Option<u64> {
    let text = proc::read("/proc/sys/kernel/randomize_va_space").ok()?;
    text.trim().parse().ok()
}

// ANCHOR: second_run
/// Runs the program again, as a child that locates its own seven and
/// prints their addresses; returns its PID and what it printed.
fn second_run() -> Result<(u32, Vec<usize>), String> {
    let command = children::command_for_self(["--role", "locate"])
        .map_err(|err| format!("cannot start a second run: {err}"))?;
    let start = lesson_kit::elapsed();
    let mut child =
        Child::spawn(SECOND_RUN, command).map_err(|err| err.to_string())?;
    // Stopped from outside (kill -STOP), it would hold the read for ever.
    child.give_up_when_stopped();
    let stdout = child.take_stdout().ok_or("the second run has no stdout")?;
    let mut addresses = Vec::new();
    children::read_lines(stdout, |line| {
        let address = line
            .ok()
            .and_then(|l| usize::from_str_radix(l.strip_prefix("0x")?, 16).ok());
        addresses.extend(address);
        true
    });
    let status = child.wait().map_err(|err| format!("{SECOND_RUN}: {err}"))?;
    if !status.success() && !lesson_kit::stopped() {
        let how = children::describe(status);
        return Err(format!("{SECOND_RUN} failed: {how}"));
    }
    if addresses.len() != 7 && !lesson_kit::stopped() {
        return Err(format!(
            "{SECOND_RUN} located {} things, not 7",
            addresses.len()
        ));
    }
    lesson_kit::record_task(SECOND_RUN, "located", start, lesson_kit::elapsed());
    Ok((child.pid(), addresses))
}
// ANCHOR_END: second_run

/// The child's side: locates its own seven and prints their addresses.
pub fn tell_parent() -> Result<(), String> {
    let (things, _) = locate()?;
    let mut stdout = io::stdout().lock();
    for thing in things {
        children::write_line(&mut stdout, &format!("{:#x}", thing.address))
            .map_err(|err| format!("cannot tell the parent: {err}"))?;
    }
    Ok(())
}
