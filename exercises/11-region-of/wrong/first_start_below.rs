//! Exercise 11-region-of, a WRONG solution the tests must reject: it takes
//! the first region whose start is at or below the address, without
//! looking at its end. The lines are in the order of their addresses, so
//! that is the first region of the map for nearly every address.

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
    maps.lines()
        .filter_map(parse)
        .find(|region| region.start <= address)
}

/// A line of `maps`: `start-end perms offset device inode path`.
fn parse(line: &str) -> Option<Region> {
    let mut fields = line.splitn(6, ' ');
    let (start, end) = fields.next()?.split_once('-')?;
    let perms = fields.next()?.to_owned();
    let path = fields.nth(3).unwrap_or("").trim().to_owned();
    Some(Region {
        start: usize::from_str_radix(start, 16).ok()?,
        end: usize::from_str_radix(end, 16).ok()?,
        perms,
        path,
    })
}
