//! Exercise 11-open-files, a WRONG solution the tests must reject: every
//! entry of /proc/self/fd is listed, the listing's own descriptor too. It
//! was open only while the folder was read, and is closed by the time the
//! caller sees the list.

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
        if let Ok(target) = fs::read_link(entry.path()) {
            files.push((fd, target));
        }
    }
    files.sort();
    Ok(files)
}
