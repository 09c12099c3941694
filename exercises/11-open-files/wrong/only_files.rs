//! Exercise 11-open-files, a WRONG solution the tests must reject: it asks
//! each entry's metadata whether it is a file, and lists only those. A
//! pipe, a terminal, /dev/null are open too, and their descriptors are
//! left out.

use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir("/proc/self/fd")? {
        let entry = entry?;
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        // "Open files": a regular file behind the link (the listing's
        // own descriptor, a folder, is not one either).
        if !fs::metadata(entry.path()).is_ok_and(|meta| meta.is_file()) {
            continue;
        }
        if let Ok(target) = fs::read_link(entry.path()) {
            files.push((fd, target));
        }
    }
    files.sort();
    Ok(files)
}
