//! Exercise 11-region-of: find the region of a process's memory map that
//! holds an address, and say what kind of memory it is.
//!
//! Chapter: Lesson 11, "The plain version" and "The parts, located" (the
//! lines of `/proc/self/maps`, and which region holds code, data, a
//! literal, a `Box` and a local).
//!
//! Write `region_of`. It gets the text of a `maps` file, one region per
//! line, as the kernel writes it:
//!
//! ```text
//! 55d0c8a3f000-55d0c8c8e000 r-xp 0005a000 fd:01 1234567      /usr/bin/demo
//! 55d0d9e27000-55d0d9e48000 rw-p 00000000 00:00 0            [heap]
//! 7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0
//! ```
//!
//! and returns the region that holds `address`, or `None` if none does.
//! Each line is `start-end perms offset device inode path`:
//!
//! - `start` and `end` are hexadecimal, without `0x`:
//!   `usize::from_str_radix(text, 16)` reads them. The region holds every
//!   address from `start` up to, but not including, `end`: `end` is the
//!   first address after it, often the very `start` of the next region;
//! - `perms` is four letters: `r`, `w`, `x` (read, write, execute, or `-`),
//!   then `p` (private) or `s` (shared);
//! - `path` is what backs the region: a file, a name in brackets that the
//!   kernel gives (`[heap]`, `[stack]`), or nothing at all for anonymous
//!   memory. The kernel pads with spaces before it, and a file's name may
//!   hold spaces of its own: the path is everything after the inode,
//!   trimmed. (`line.splitn(6, ' ')` gives the first five fields one by one
//!   and leaves the rest of the line whole.)
//!
//! The lines are in the order of their addresses, and there are gaps
//! between regions: an address in a gap is in no region.
//!
//! The tests try `region_of` on a sample map, then on their own process's
//! `/proc/self/maps`, where they expect what the chapter found: a function
//! in `r-xp` memory backed by the test's program file, a `static` that can
//! change in `rw-p` from the same file, a string literal in `r--p`, and a
//! `Box` and a local in `rw-p` memory that no file backs.
//!
//! Run the tests: `make exercise EXERCISE=11-region-of` from the course's
//! folder, or `cargo test` in this one.

/// One region of a process's address space: a line of `/proc/PID/maps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The first address in the region.
    pub start: usize,
    /// The first address after it: the region is `start..end`.
    pub end: usize,
    /// `r-xp`: readable, writable, executable (or `-`), then `p` private
    /// or `s` shared.
    pub perms: String,
    /// The file behind it, or `[heap]`, `[stack]`...; empty for anonymous
    /// memory.
    pub path: String,
}

/// The region of `maps` (the text of a `/proc/PID/maps` file) that holds
/// `address`, or `None` if it is in none.
#[allow(unused_variables)] // until the body uses them: then delete this line
pub fn region_of(maps: &str, address: usize) -> Option<Region> {
    todo!("find the line whose start..end holds the address, and read it")
}
