//! Exercise 11-region-of, a WRONG solution the tests must reject: the
//! addresses are read as decimal numbers (`parse()`), where maps writes
//! them in hexadecimal. Most lines hold a letter from a to f and cannot be
//! read at all; the few with digits only are read as the wrong numbers.

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

/// The region of `maps` that holds `address`, or `None` if it is in none.
pub fn region_of(maps: &str, address: usize) -> Option<Region> {
    maps.lines().find_map(|line| {
        let mut fields = line.splitn(6, ' ');
        let (start, end) = fields.next()?.split_once('-')?;
        let start: usize = start.parse().ok()?;
        let end: usize = end.parse().ok()?;
        if !(start..end).contains(&address) {
            return None;
        }
        let perms = fields.next()?.to_owned();
        let path = fields.nth(3).unwrap_or("").trim().to_owned();
        Some(Region {
            start,
            end,
            perms,
            path,
        })
    })
}
