//! Exercise 11-region-of, a WRONG solution the tests must reject: the end
//! is taken as the region's last address (`address <= end`), where it is
//! the first address after it. An address where one region ends and the
//! next begins is given to the first.

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
    for line in maps.lines() {
        let mut fields = line.splitn(6, ' ');
        let (start, end) = fields.next()?.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        if start <= address && address <= end {
            let perms = fields.next()?.to_owned();
            let path = fields.nth(3).unwrap_or("").trim().to_owned();
            return Some(Region {
                start,
                end,
                perms,
                path,
            });
        }
    }
    None
}
