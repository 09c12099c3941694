//! Exercise 11-open-files, a WRONG solution the tests must reject: each
//! descriptor is given the path of its entry, `/proc/self/fd/N`, the link
//! itself, and not what the link points to.

use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;
use std::process;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    let listing = format!("/proc/{}/fd", process::id());
    let mut files = Vec::new();
    for entry in fs::read_dir("/proc/self/fd")? {
        let entry = entry?;
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        // The listing's own descriptor is left out, as asked.
        if fs::read_link(entry.path()).is_ok_and(|target| target == *listing) {
            continue;
        }
        files.push((fd, entry.path()));
    }
    files.sort();
    Ok(files)
}
