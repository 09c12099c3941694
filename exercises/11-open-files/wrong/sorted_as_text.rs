//! Exercise 11-open-files, a WRONG solution the tests must reject: the
//! entries are sorted by their names, which are text, so descriptor 10
//! comes before descriptor 9 (as `sorted(os.listdir(...))` does in Python).

use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;
use std::process;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    let listing = PathBuf::from(format!("/proc/{}/fd", process::id()));
    let mut entries: Vec<fs::DirEntry> =
        fs::read_dir("/proc/self/fd")?.collect::<io::Result<_>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    let mut files = Vec::new();
    for entry in entries {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok())
        else {
            continue;
        };
        if let Ok(target) = fs::read_link(entry.path())
            && target != listing
        {
            files.push((fd, target));
        }
    }
    Ok(files)
}
