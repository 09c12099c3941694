//! The temporary directory that holds the counter files, removed however
//! the lesson ends. std is enough for it (no `tempfile` crate): the name
//! carries the lesson's PID and the time, the directory is created only if
//! it is new (so no other run's directory is ever reused), and removed
//!
//! - when the [`Scratch`] is dropped: at the end, on an error, after Ctrl-C
//!   (the first press lets the lesson finish), or in a panic's unwinding;
//! - by a kit exit hook when the kit ends the process itself (a second
//!   Ctrl-C, a closed stdout), which skips destructors.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory of this run's own, removed with everything in it.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Creates a new directory under the system's temporary directory.
    pub fn new() -> io::Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!("lesson-05-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
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
