//! Exercise 11-region-of: the reference SOLUTION. Write your own in
//! src/lib.rs first; compare once its tests pass.
//!
//! Each line is read into a `Region`; the first whose `start..end` holds
//! the address is the one. A line that cannot be read is no region (a
//! `maps` file always can be, but a test may give anything).

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
pub fn region_of(maps: &str, address: usize) -> Option<Region> {
    maps.lines()
        .filter_map(parse)
        .find(|region| (region.start..region.end).contains(&address))
}

/// A line of `maps`: `start-end perms offset device inode path`.
fn parse(line: &str) -> Option<Region> {
    // Five fields, then the rest: the path, which may hold spaces.
    let mut fields = line.splitn(6, ' ');
    let (start, end) = fields.next()?.split_once('-')?;
    let perms = fields.next()?.to_owned();
    // The offset, device and inode: where in which file, not needed here.
    fields.nth(2)?;
    let path = fields.next().unwrap_or("").trim().to_owned();
    Some(Region {
        start: usize::from_str_radix(start, 16).ok()?,
        end: usize::from_str_radix(end, 16).ok()?,
        perms,
        path,
    })
}
