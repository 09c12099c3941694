//! Exercise 11-region-of, a WRONG solution the tests must reject: the line
//! is split on whitespace and the path taken as the sixth word, so a path
//! that holds a space (`/opt/my libs/libdemo.so`) is cut at it.

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
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some((start, end)) = fields[0].split_once('-') else {
            continue;
        };
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        if start <= address && address < end {
            return Some(Region {
                start,
                end,
                perms: fields[1].to_owned(),
                path: fields.get(5).unwrap_or(&"").to_string(),
            });
        }
    }
    None
}
