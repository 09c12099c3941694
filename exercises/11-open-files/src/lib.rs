//! Exercise 11-open-files: list this process's open file descriptors, and
//! what each one points to, as the kernel's record of the process keeps
//! them.
//!
//! Chapter: Lesson 11, "The process control block" (its open files:
//! `/proc/self/fd`, one link per descriptor).
//!
//! Write `open_files`. A file descriptor is the number a process uses for
//! something it has open: a file, a pipe, a terminal, a socket. The kernel
//! shows each in `/proc/self/fd`, a folder with one entry per descriptor,
//! named by its number (`0`, `1`, `2`, ...), and each entry is a symbolic
//! link to what the descriptor stands for:
//!
//! 1. list the folder with `std::fs::read_dir("/proc/self/fd")`, and read
//!    each entry's number from its name (`entry.file_name()`, then
//!    `.to_str()` and `.parse()`);
//! 2. read where each entry's link points with `std::fs::read_link`: a
//!    file's path, `/dev/pts/0` for a terminal, `pipe:[123456]` for a pipe.
//!    A pipe's target is only a name, not a path: to follow the link as a
//!    path (opening it, or `fs::canonicalize`) fails for a pipe, where
//!    reading the link works for every descriptor;
//! 3. listing the folder opens it: while you read it, one descriptor is the
//!    listing itself, and its link points to the folder, `/proc/PID/fd`
//!    (`std::process::id()` is the PID). Leave it out: it is closed by the
//!    time you return;
//! 4. return them in increasing order of their numbers. (Linux happens to
//!    list the folder in that order, but `read_dir` promises no order at
//!    all: sort them.)
//!
//! An entry whose link cannot be read (a descriptor another thread closed
//! meanwhile) is left out; a folder that cannot be listed is an `Err`.
//!
//! The tests open a file and a pipe of their own, and look for them in
//! what you return.
//!
//! Run the tests: `make exercise EXERCISE=11-open-files` from the course's
//! folder, or `cargo test` in this one.

use std::io;
use std::os::fd::RawFd;
use std::path::PathBuf;

/// This process's open file descriptors, each with what it points to, in
/// increasing order of their numbers, from `/proc/self/fd`.
pub fn open_files() -> io::Result<Vec<(RawFd, PathBuf)>> {
    todo!("list /proc/self/fd, and read each entry's link")
}
