//! Exercise 11-open-files, a WRONG solution the tests must reject: it
//! follows each link as a path, with `fs::canonicalize`, which works for a
//! file and fails for a pipe, whose target (`pipe:[N]`) is a name and not
//! a path. The pipe is then left out, as a link that cannot be read.

use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;
use std::process;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    let listing = PathBuf::from(format!("/proc/{}/fd", process::id()));
    let mut files = Vec::new();
    for entry in fs::read_dir("/proc/self/fd")? {
        let entry = entry?;
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        let Ok(target) = fs::canonicalize(entry.path()) else {
            continue;
        };
        if target != listing {
            files.push((fd, target));
        }
    }
    files.sort();
    Ok(files)
}
