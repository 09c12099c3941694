//! Program and process: the same program file run as two processes, this
//! lesson and a child. Two PIDs, one file (the same path, device and inode
//! in both memory maps), and one copy of its code in memory: each
//! process's `/proc/PID/smaps` counts the code pages the other uses too as
//! shared (`Shared_Clean`, or `Shared_Dirty` while the file just built is
//! not yet written to disk), and `Pss` gives each its share of them.

use std::fs;

use lesson_kit::say;
use serde_json::json;

use crate::proc::{self, Region};
use crate::roles;
use crate::table::Table;

/// The timeline's row for the child.
const CHILD: &str = "child: same program";

/// What one process shows of the program's code.
struct Code {
    who: &'static str,
    pid: u32,
    /// The program file, from `/proc/PID/exe`.
    file: String,
    /// Its code mapping, and that mapping's figures in kB.
    region: Region,
    rss: u64,
    pss: u64,
    shared_clean: u64,
    shared_dirty: u64,
}

pub fn run() -> Result<(), String> {
    say!(
        "program: one file, two processes: this lesson and a child running the same program"
    );
    let start = lesson_kit::elapsed();
    let child = roles::start_staying(CHILD, true)?;
    let seen = [
        code_of("this lesson", std::process::id())?,
        code_of("the child", child.pid())?,
    ];
    // Done with it: dropping the kit's Child kills the child and reaps it.
    drop(child);
    lesson_kit::record_task(CHILD, "ran", start, lesson_kit::elapsed());
    if lesson_kit::stopped() {
        return Ok(());
    }

    let mut table = Table::new([
        "process",
        "pid",
        "code: device inode",
        "Rss",
        "Shared_Clean",
        "Shared_Dirty",
        "Pss",
    ]);
    for code in &seen {
        let kb = |n: u64| format!("{n} kB");
        table.row([
            code.who.to_owned(),
            code.pid.to_string(),
            format!("{} {}", code.region.device, code.region.inode),
            kb(code.rss),
            kb(code.shared_clean),
            kb(code.shared_dirty),
            kb(code.pss),
        ]);
    }
    lesson_kit::show(&table.render());
    lesson_kit::show(&format!("the file: {}", seen[0].file));
    let [lesson, child] = &seen;
    let one_file = lesson.file == child.file
        && (&lesson.region.device, lesson.region.inode)
            == (&child.region.device, child.region.inode);
    if one_file {
        say!(
            "program: two PIDs, one file: the same path, device and inode in both maps"
        );
    } else {
        say!(
            "program: two PIDs, and two different files: was the program rebuilt meanwhile?"
        );
    }
    say!(
        "program: the code pages both use are in memory once: each process counts them as Shared, and Pss gives it its share"
    );
    if seen.iter().any(|code| code.shared_dirty > 0) {
        lesson_kit::show(
            "Shared_Dirty: pages of a file just built, not yet written to disk (the code itself never changes)",
        );
    }
    let facts: Vec<_> = (seen.iter())
        .map(|c| {
            json!({
                "who": c.who, "pid": c.pid, "file": c.file,
                "device": c.region.device, "inode": c.region.inode,
                "rss_kib": c.rss, "pss_kib": c.pss,
                "shared_clean_kib": c.shared_clean, "shared_dirty_kib": c.shared_dirty,
            })
        })
        .collect();
    lesson_kit::fact("program", facts);
    Ok(())
}

// ANCHOR: code_of
/// The program's code as process `pid` maps it: the first executable
/// mapping of the file `/proc/PID/exe` names, with its `smaps` figures.
fn code_of(who: &'static str, pid: u32) -> Result<Code, String> {
    let exe = format!("/proc/{pid}/exe");
    let file =
        fs::read_link(&exe).map_err(|err| format!("cannot read {exe}: {err}"))?;
    let file = file.display().to_string();
    let smaps = proc::read(&format!("/proc/{pid}/smaps"))?;
    let (region, figures) = proc::smaps(&smaps)
        .into_iter()
        .find(|(region, _)| region.path == file && region.perms.contains('x'))
        .ok_or_else(|| format!("{who} has no code mapping of {file}"))?;
    let figure = |name: &str| figures.get(name).copied().unwrap_or(0);
    Ok(Code {
        who,
        pid,
        rss: figure("Rss"),
        pss: figure("Pss"),
        shared_clean: figure("Shared_Clean"),
        shared_dirty: figure("Shared_Dirty"),
        file,
        region,
    })
}
// ANCHOR_END: code_of
