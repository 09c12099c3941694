//! Exercise 11-open-files: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! Each entry of `/proc/self/fd` is named by its descriptor's number and
//! links to what it stands for: `read_link` reads that, for a file and a
//! pipe alike. The listing's own descriptor, open only while the folder is
//! read, is left out; the rest are sorted by number.

use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};
use std::process;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    let listing = PathBuf::from(format!("/proc/{}/fd", process::id()));
    let mut files = Vec::new();
    for entry in fs::read_dir("/proc/self/fd")? {
        let path = entry?.path();
        let Some(fd) = number(&path) else {
            continue;
        };
        // Gone since the listing (another thread closed it): not open now.
        let Ok(target) = fs::read_link(&path) else {
            continue;
        };
        if target != listing {
            files.push((fd, target));
        }
    }
    files.sort();
    Ok(files)
}

/// The descriptor an entry stands for: its name, a number.
fn number(entry: &Path) -> Option<RawFd> {
    entry.file_name()?.to_str()?.parse().ok()
}
