//! The temporary directory that holds the counter files, removed however
//! the lesson ends. std is enough for it (no `tempfile` crate): the name
//! carries the lesson's PID and the time, the directory is created only if
//! it is new (so no other run's directory is ever reused), and removed
//!
//! - when the [`Scratch`] is dropped: at the end, on an error, after Ctrl-C
//!   (the first press lets the lesson finish), or in a panic's unwinding;
//! - by a kit exit hook when the kit ends the process itself (a second
//!   Ctrl-C, a closed stdout), which skips destructors;
//! - at the next run's start, when nothing could: a run killed by SIGKILL
//!   or SIGQUIT (Ctrl-\) leaves its directory behind, and the next run
//!   removes every one whose run's process is gone.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory of this run's own, removed with everything in it.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Creates a new directory under the system's temporary directory,
    /// after removing those that earlier runs left behind.
    pub fn new() -> io::Result<Self> {
        let temp = std::env::temp_dir();
        remove_left_behind(&temp);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!("{PREFIX}{}-{nanos}", std::process::id());
        let path = temp.join(name);
        // 0o700: the counters are this user's; `create` fails if it exists.
        DirBuilder::new().mode(0o700).create(&path)?;
        let on_exit = path.clone();
        lesson_kit::on_exit(move || {
            let _ = fs::remove_dir_all(&on_exit);
        });
        Ok(Self { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The start of every run's directory name: `lesson-05-PID-NANOS`.
const PREFIX: &str = "lesson-05-";

/// Removes the directories of runs whose process is gone: this user's
/// `lesson-05-PID-NANOS` directories under `temp` whose PID names no
/// process. A run still going (or a process that happens to have its PID
/// now) keeps its directory.
fn remove_left_behind(temp: &Path) {
    let Ok(entries) = fs::read_dir(temp) else {
        return; // no temporary directory to look in: `new` will say so
    };
    let Ok(me) = fs::metadata("/proc/self").map(|proc| proc.uid()) else {
        return; // no /proc: no way to tell a run that is gone
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(run_pid) else {
            continue;
        };
        let mine = entry
            .metadata()
            .is_ok_and(|meta| meta.is_dir() && meta.uid() == me);
        let gone = !Path::new(&format!("/proc/{pid}")).exists();
        if mine && gone {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The PID in a run's directory name, `lesson-05-PID-NANOS`.
fn run_pid(name: &str) -> Option<u32> {
    let (pid, nanos) = name.strip_prefix(PREFIX)?.split_once('-')?;
    nanos.parse::<u32>().ok()?;
    pid.parse().ok()
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(err) = fs::remove_dir_all(&self.path) {
            lesson_kit::fail(format!(
                "cannot remove {}: {err}",
                self.path.display()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_runs_directory_name_gives_a_pid() {
        assert_eq!(run_pid("lesson-05-4242-123456789"), Some(4242));
        for other in [
            "lesson-05-4242",
            "lesson-05-x-123",
            "lesson-05-4242-x",
            "lesson-04-4242-123",
            "lesson-05--123",
        ] {
            assert_eq!(run_pid(other), None, "{other}");
        }
    }
}
