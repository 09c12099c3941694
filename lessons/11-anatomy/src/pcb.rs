//! The process control block, as Linux keeps it: the kernel's record of
//! this process (a `task_struct` per thread), shown through
//! `/proc/self/status` and the files beside it, each field named beside the
//! concept it stands for.

use std::fs;

use lesson_kit::say;
use serde_json::json;

use crate::proc;
use crate::table::Table;

/// The limits the table shows, of the sixteen in `/proc/self/limits`.
const LIMITS: [&str; 3] = ["Max open files", "Max processes", "Max stack size"];

pub fn run() -> Result<(), String> {
    say!(
        "pcb: the kernel's record of this process, from /proc/self/status and beside it"
    );
    // ANCHOR: status
    let status = proc::read("/proc/self/status")?;
    let field = |name| proc::field(&status, name).unwrap_or_default();
    // ANCHOR_END: status
    let threads = tasks()?;
    let files = open_files()?;
    let limits = proc::limits(&proc::read("/proc/self/limits")?);
    let regions = proc::regions(&proc::read("/proc/self/maps")?).len();

    let mut table = Table::new(["concept", "where", "value"]);
    let mut row = |concept: &str, place: &str, value: String| {
        table.row([concept.to_owned(), place.to_owned(), value]);
    };
    row("process id (PID)", "status: Pid", field("Pid"));
    row("its parent's", "status: PPid", field("PPid"));
    row("owner (user id)", "status: Uid", field("Uid"));
    row("state", "status: State", field("State"));
    row("threads", "status: Threads", field("Threads"));
    for (tid, name) in &threads {
        row(
            "  a thread: its id, name",
            "task/TID/comm",
            format!("{tid} {name}"),
        );
    }
    row("memory in use", "status: VmRSS", field("VmRSS"));
    row("  of it, main's stack", "status: VmStk", field("VmStk"));
    row("memory map", "maps", format!("{regions} regions"));
    let switches = "status: voluntary_ctxt_switches";
    row("gave a core up", switches, field("voluntary_ctxt_switches"));
    let forced = "status: nonvoluntary_ctxt_switches";
    row(
        "had a core taken",
        forced,
        field("nonvoluntary_ctxt_switches"),
    );
    for (fd, target) in &files {
        row("an open file", &format!("fd/{fd}"), target.clone());
    }
    for limit in limits.iter().filter(|l| LIMITS.contains(&l.name.as_str())) {
        let value =
            format!("{} (at most {}) {}", limit.soft, limit.hard, limit.unit);
        row("a limit", &format!("limits: {}", limit.name), value);
    }
    lesson_kit::show(&table.render());
    say!(
        "pcb: the main thread's id is the PID; every thread is a task of its own, in /proc/self/task"
    );
    say!(
        "pcb: files 0, 1 and 2 (stdin, stdout, stderr) came from whoever started the lesson, which may pass more; the one marked is this listing of /proc/self/fd"
    );

    let number = |name| proc::number(&status, name);
    lesson_kit::fact(
        "pcb",
        json!({
            "pid": number("Pid"),
            "ppid": number("PPid"),
            "state": field("State"),
            "threads": number("Threads"),
            "tasks": threads.iter().map(|(tid, name)| json!({"tid": tid, "name": name})).collect::<Vec<_>>(),
            "vm_rss_kib": number("VmRSS"),
            "vm_stk_kib": number("VmStk"),
            "voluntary_switches": number("voluntary_ctxt_switches"),
            "involuntary_switches": number("nonvoluntary_ctxt_switches"),
            "fds": files.iter().map(|(fd, target)| json!({"fd": fd, "target": target})).collect::<Vec<_>>(),
            "limits": limits.iter().map(|l| json!({"name": l.name, "soft": l.soft, "hard": l.hard})).collect::<Vec<_>>(),
            "regions": regions,
        }),
    );
    Ok(())
}

/// This process's threads: each one's id (TID) and name, from
/// `/proc/self/task`, in the order of their ids.
fn tasks() -> Result<Vec<(u32, String)>, String> {
    let dir = "/proc/self/task";
    let entries =
        fs::read_dir(dir).map_err(|err| format!("cannot list {dir}: {err}"))?;
    let mut tasks = Vec::new();
    for tid in entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()) {
        // A thread that ended since the listing has no comm left to read.
        if let Ok(name) = proc::read(&format!("{dir}/{tid}/comm")) {
            tasks.push((tid, name.trim().to_owned()));
        }
    }
    tasks.sort();
    Ok(tasks)
}

// ANCHOR: fds
/// This process's open files: each descriptor and what it points to, from
/// the links in `/proc/self/fd`. Listing the folder opens it: one of them
/// is the listing itself, marked so.
fn open_files() -> Result<Vec<(u32, String)>, String> {
    let dir = "/proc/self/fd";
    let entries =
        fs::read_dir(dir).map_err(|err| format!("cannot list {dir}: {err}"))?;
    let mut files = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        if let Ok(target) = fs::read_link(entry.path()) {
            let mut target = target.display().to_string();
            if target == format!("/proc/{}/fd", std::process::id()) {
                target.push_str(" (this listing)");
            }
            files.push((fd, target));
        }
    }
    files.sort();
    Ok(files)
}
// ANCHOR_END: fds
