//! Reading `/proc`, where Linux shows a process what the kernel keeps about
//! it. Every file there is plain text, made afresh by the kernel each time it
//! is read. The lesson reads them with `std::fs`, as `cat` would, and these
//! functions pick out what it needs, so that you can `cat` the same file
//! and find the same figure.

use std::collections::BTreeMap;
use std::fs;

/// Reads a file of `/proc`; the error names the file.
pub fn read(path: &str) -> Result<String, String> {
    fs::read_to_string(path).map_err(|err| format!("cannot read {path}: {err}"))
}

/// One line of `/proc/PID/maps`: a region of the process's address space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The first address in the region.
    pub start: usize,
    /// The first address after it.
    pub end: usize,
    /// `r-xp`: readable, writable, executable, then `p` for private (a
    /// write makes a copy of its own) or `s` for shared.
    pub perms: String,
    /// Device and inode of the file behind it (`fd:01 1234`); `00:00 0`
    /// when there is none.
    pub device: String,
    pub inode: u64,
    /// The file, or `[heap]`, `[stack]`, `[vdso]`...; empty for an
    /// anonymous mapping (memory with no file behind it).
    pub path: String,
    /// The line as the kernel wrote it.
    pub line: String,
}

impl Region {
    /// Parses a line of `maps`: `start-end perms offset dev inode  path`.
    pub fn parse(line: &str) -> Option<Self> {
        let mut fields = line.splitn(6, ' ');
        let (start, end) = fields.next()?.split_once('-')?;
        let perms = fields.next()?.to_owned();
        let _offset = fields.next()?;
        let device = fields.next()?.to_owned();
        let inode = fields.next()?.parse().ok()?;
        // The kernel pads before the path; a path may hold spaces.
        let path = fields.next().unwrap_or("").trim().to_owned();
        Some(Self {
            start: usize::from_str_radix(start, 16).ok()?,
            end: usize::from_str_radix(end, 16).ok()?,
            perms,
            device,
            inode,
            path,
            line: line.to_owned(),
        })
    }

    /// Whether `address` falls inside the region.
    pub fn contains(&self, address: usize) -> bool {
        self.start <= address && address < self.end
    }

    /// Whether the region may be written and also run as code: what a
    /// careful system never allows.
    pub fn writable_and_executable(&self) -> bool {
        self.perms.contains('w') && self.perms.contains('x')
    }

    /// What backs the region, in a few words: a file's name, a name the
    /// kernel gives (`[heap]`), or "(anonymous)".
    pub fn backing(&self) -> String {
        if self.path.is_empty() {
            return "(anonymous)".to_owned();
        }
        if self.path.starts_with('[') {
            return self.path.clone();
        }
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.to_owned()
    }

    /// The range as `maps` shows it: `55d0c8a00000-55d0c8b00000`.
    pub fn range(&self) -> String {
        format!("{:x}-{:x}", self.start, self.end)
    }
}

/// Every region of a `maps` file.
pub fn regions(maps: &str) -> Vec<Region> {
    maps.lines().filter_map(Region::parse).collect()
}

/// The region that holds `address`, if any.
pub fn region_of(regions: &[Region], address: usize) -> Option<&Region> {
    regions.iter().find(|region| region.contains(address))
}

/// A field of a `status` file, its words one space apart: `field(text,
/// "VmRSS")` is `"3456 kB"`, `field(text, "Uid")` is `"1000 1000 1000 1000"`.
pub fn field(status: &str, name: &str) -> Option<String> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        Some(value.split_whitespace().collect::<Vec<_>>().join(" "))
    })
}

/// A field of a `status` file as a number: "3456 kB" is 3456.
pub fn number(status: &str, name: &str) -> Option<u64> {
    field(status, name)?.split(' ').next()?.parse().ok()
}

/// The state letter of a `stat` file (`R`, `S`, `T`, `Z`...). It follows
/// the command name, which is in parentheses and may hold spaces and
/// parentheses itself: the letter comes after the last `)`.
pub fn state(stat: &str) -> Option<char> {
    let (_, after) = stat.rsplit_once(')')?;
    after.trim_start().chars().next()
}

/// A thread's `schedstat`: nanoseconds on a core, nanoseconds spent ready
/// to run but waiting for one, and how many times it got a core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SchedStat {
    pub on_cpu_ns: u64,
    pub waiting_ns: u64,
    pub slices: u64,
}

impl SchedStat {
    pub fn parse(text: &str) -> Option<Self> {
        let mut numbers = text.split_whitespace().map(|n| n.parse().ok());
        Some(Self {
            on_cpu_ns: numbers.next()??,
            waiting_ns: numbers.next()??,
            slices: numbers.next()??,
        })
    }
}

/// The user-space stack pointer and program counter of a thread blocked in
/// a system call, from its `syscall` file: "NR args... sp pc". `None` for
/// a thread that is running ("running") or not in a system call.
pub fn saved_registers(syscall: &str) -> Option<(u64, usize, usize)> {
    let fields: Vec<&str> = syscall.split_whitespace().collect();
    let [number, .., sp, pc] = fields.as_slice() else {
        return None;
    };
    let hex = |text: &str| usize::from_str_radix(text.strip_prefix("0x")?, 16).ok();
    Some((number.parse().ok()?, hex(sp)?, hex(pc)?))
}

/// The name of a system call by its number, for the few the lesson's
/// threads wait in (x86-64 numbers; elsewhere only the number shows).
pub fn syscall_name(number: u64) -> Option<&'static str> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    Some(match number {
        0 => "read",
        1 => "write",
        7 => "poll",
        35 => "nanosleep",
        61 => "wait4",
        202 => "futex",
        230 => "clock_nanosleep",
        247 => "waitid",
        _ => return None,
    })
}

/// One mapping of a `smaps` file: its region and its figures in kB
/// (`Rss`, `Pss`, `Shared_Clean`...).
pub type Mapping = (Region, BTreeMap<String, u64>);

/// Every mapping of a `smaps` file: the `maps` line, then one line per
/// figure (`Rss:   1234 kB`).
pub fn smaps(text: &str) -> Vec<Mapping> {
    let mut mappings: Vec<Mapping> = Vec::new();
    for line in text.lines() {
        if let Some(region) = Region::parse(line) {
            mappings.push((region, BTreeMap::new()));
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let kb = value
            .trim()
            .strip_suffix(" kB")
            .and_then(|n| n.parse().ok());
        if let (Some(kb), Some((_, figures))) = (kb, mappings.last_mut()) {
            figures.insert(name.to_owned(), kb);
        }
    }
    mappings
}

/// One row of a `limits` file: its name, soft limit, hard limit, unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub name: String,
    pub soft: String,
    pub hard: String,
    pub unit: String,
}

/// The rows of a `limits` file. The kernel writes them in fixed columns
/// (`%-25s %-20s %-20s %-10s`), and a name holds spaces.
pub fn limits(text: &str) -> Vec<Limit> {
    let column = |line: &str, from: usize, to: usize| {
        let end = to.min(line.len());
        line.get(from.min(end)..end).unwrap_or("").trim().to_owned()
    };
    text.lines()
        .skip(1)
        .map(|line| Limit {
            name: column(line, 0, 26),
            soft: column(line, 26, 47),
            hard: column(line, 47, 68),
            unit: column(line, 68, line.len()),
        })
        .filter(|limit| !limit.name.is_empty())
        .collect()
}

/// How much more memory this process can take, in bytes, and what sets
/// that bound: the least of the machine's available memory, the
/// address-space limit (`ulimit -v`) and the limit of each memory cgroup
/// it is in. `None` if none of them can be read. Past a cgroup's limit the
/// kernel kills the process (the out-of-memory killer), without a word.
pub fn memory_room() -> Option<(u64, &'static str)> {
    let mut bounds = Vec::new();
    if let Some(kb) = read("/proc/meminfo")
        .ok()
        .and_then(|meminfo| number(&meminfo, "MemAvailable"))
    {
        bounds.push((kb * 1024, "the machine's available memory"));
    }
    let limit = read("/proc/self/limits").ok().and_then(|text| {
        let all = limits(&text);
        let limit = all.into_iter().find(|l| l.name == "Max address space")?;
        limit.soft.parse::<u64>().ok()
    });
    if let (Some(limit), Ok(status)) = (limit, read("/proc/self/status")) {
        let used = number(&status, "VmSize").unwrap_or(0) * 1024;
        bounds.push((limit.saturating_sub(used), "the address-space limit"));
    }
    let cgroups = read("/proc/self/cgroup").unwrap_or_default();
    if let Some(room) = cgroup_room(&cgroups, |path| read(path).ok()) {
        bounds.push((room, "a memory cgroup's limit"));
    }
    bounds.into_iter().min_by_key(|&(bytes, _)| bytes)
}

/// The least room under the memory limits of the cgroups in `cgroups` (the
/// text of `/proc/self/cgroup`), each group's and every group's above it,
/// with `read` to read their files. A group's room is its limit less what
/// it uses, not counting the file pages the kernel drops first
/// (`inactive_file`). Both versions of cgroups: v2 (`0::/path`) and v1's
/// memory controller (`4:memory:/path`).
fn cgroup_room(cgroups: &str, read: impl Fn(&str) -> Option<String>) -> Option<u64> {
    let mut least: Option<u64> = None;
    for line in cgroups.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (base, files) = if controllers.is_empty() {
            ("/sys/fs/cgroup".to_owned(), V2)
        } else if controllers.split(',').any(|c| c == "memory") {
            (format!("/sys/fs/cgroup/{controllers}"), V1)
        } else {
            continue;
        };
        let mut group = path.trim_end_matches('/');
        loop {
            let dir = format!("{base}{group}");
            let file = |name: &str| read(&format!("{dir}/{name}"));
            let limit =
                file(files[0]).and_then(|text| text.trim().parse::<u64>().ok());
            let used =
                file(files[1]).and_then(|text| text.trim().parse::<u64>().ok());
            if let (Some(limit), Some(used)) = (limit, used) {
                let stat = file("memory.stat").unwrap_or_default();
                let droppable = stat.lines().find_map(|line| {
                    line.strip_prefix(files[2])?.trim().parse::<u64>().ok()
                });
                let room = limit
                    .saturating_sub(used.saturating_sub(droppable.unwrap_or(0)));
                least = Some(least.map_or(room, |least| least.min(room)));
            }
            match group.rsplit_once('/') {
                Some((above, _)) => group = above,
                None => break,
            }
        }
    }
    least
}

/// A cgroup's memory files, v2 and v1: its limit (v2 writes "max" for none),
/// what it uses, and the line of `memory.stat` that counts inactive file pages.
const V2: [&str; 3] = ["memory.max", "memory.current", "inactive_file "];
const V1: [&str; 3] = [
    "memory.limit_in_bytes",
    "memory.usage_in_bytes",
    "total_inactive_file ",
];

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
5566c2f40000-5566c2f6a000 r--p 00000000 fd:01 1049 /srv/my lesson/lesson-11
5566c2f6a000-5566c3255000 r-xp 0002a000 fd:01 1049 /srv/my lesson/lesson-11
5566c4b1d000-5566c4b3e000 rw-p 00000000 00:00 0                          [heap]
7f1b5a7ff000-7f1b5a9ff000 rw-p 00000000 00:00 0 \n\
7ffc31c6e000-7ffc31c8f000 rw-p 00000000 00:00 0                          [stack]";

    #[test]
    fn maps_lines_give_their_regions() {
        let regions = regions(MAPS);
        assert_eq!(regions.len(), 5);
        let code = &regions[1];
        assert_eq!((code.start, code.end), (0x5566c2f6a000, 0x5566c3255000));
        assert_eq!(code.perms, "r-xp");
        assert_eq!((code.device.as_str(), code.inode), ("fd:01", 1049));
        assert_eq!(code.path, "/srv/my lesson/lesson-11");
        assert_eq!(code.backing(), "lesson-11");
        assert_eq!(regions[2].backing(), "[heap]");
        assert_eq!(regions[3].backing(), "(anonymous)");
        assert_eq!(code.range(), "5566c2f6a000-5566c3255000");
    }

    #[test]
    fn an_address_is_in_the_region_from_its_start_to_before_its_end() {
        let regions = regions(MAPS);
        let found = |address| region_of(&regions, address).map(|r| r.perms.clone());
        assert_eq!(found(0x5566c2f6a000).as_deref(), Some("r-xp"));
        assert_eq!(found(0x5566c3254fff).as_deref(), Some("r-xp"));
        assert_eq!(found(0x5566c2f69fff).as_deref(), Some("r--p"));
        assert_eq!(found(0x5566c3255000), None);
        assert_eq!(found(0x10), None);
    }

    #[test]
    fn status_fields_are_found_by_name_only() {
        let status =
            "Name:\tlesson\nPid:\t42\nPPid:\t7\nUid:\t0\t0\nVmRSS:\t    3456 kB\n";
        assert_eq!(field(status, "Pid").as_deref(), Some("42"));
        assert_eq!(field(status, "PPid").as_deref(), Some("7"));
        assert_eq!(field(status, "Uid").as_deref(), Some("0 0"));
        assert_eq!(number(status, "VmRSS"), Some(3456));
        assert_eq!(field(status, "Vm"), None);
        assert_eq!(number(status, "Threads"), None);
    }

    #[test]
    fn the_state_follows_the_last_parenthesis() {
        assert_eq!(state("42 (lesson) S 7 42"), Some('S'));
        assert_eq!(state("42 (a) b) (c) Z 7"), Some('Z'));
        assert_eq!(state("garbage"), None);
    }

    #[test]
    fn schedstat_and_syscall_lines_are_read() {
        let stat = SchedStat::parse("150000000 149000000 75\n");
        assert_eq!(
            stat,
            Some(SchedStat {
                on_cpu_ns: 150_000_000,
                waiting_ns: 149_000_000,
                slices: 75
            })
        );
        assert_eq!(SchedStat::parse("1 2"), None);
        let syscall =
            "230 0x0 0x0 0x7ffc 0x7ffc 0x0 0x0 0x7ffcf8042278 0x7f825b3ce503";
        assert_eq!(
            saved_registers(syscall),
            Some((230, 0x7ffcf8042278, 0x7f825b3ce503))
        );
        assert_eq!(saved_registers("running"), None);
    }

    #[test]
    fn smaps_figures_belong_to_the_mapping_above_them() {
        let text = "\
5566c2f6a000-5566c3255000 r-xp 0002a000 fd:01 1049 /srv/lesson-11
Size:               11180 kB
Rss:                 2048 kB
Shared_Clean:        1900 kB
VmFlags: rd ex mr mw me
7ffc31c6e000-7ffc31c8f000 rw-p 00000000 00:00 0                          [stack]
Rss:                   12 kB
";
        let mappings = smaps(text);
        assert_eq!(mappings.len(), 2);
        let (code, figures) = &mappings[0];
        assert_eq!(code.perms, "r-xp");
        assert_eq!(figures.get("Rss"), Some(&2048));
        assert_eq!(figures.get("Shared_Clean"), Some(&1900));
        assert_eq!(figures.get("VmFlags"), None);
        assert_eq!(mappings[1].1.get("Rss"), Some(&12));
    }

    #[test]
    fn limits_rows_are_cut_at_the_kernels_columns() {
        let text = "\
Limit                     Soft Limit           Hard Limit           Units     \n\
Max stack size            8388608              unlimited            bytes     \n\
Max open files            20000                20000                files     \n";
        let rows = limits(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            Limit {
                name: "Max stack size".to_owned(),
                soft: "8388608".to_owned(),
                hard: "unlimited".to_owned(),
                unit: "bytes".to_owned(),
            }
        );
        assert_eq!(rows[1].soft, "20000");
    }

    /// Fake cgroup files: path, text.
    fn files(
        all: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<String> {
        |path| {
            all.iter()
                .find(|(p, _)| *p == path)
                .map(|(_, text)| (*text).to_owned())
        }
    }

    #[test]
    fn a_cgroup_v1_limit_leaves_its_limit_less_what_it_cannot_drop() {
        let cgroups = "8:pids:/\n4:memory:/box/lesson\n0::/\n";
        let room = cgroup_room(
            cgroups,
            files(&[
                (
                    "/sys/fs/cgroup/memory/box/lesson/memory.limit_in_bytes",
                    "209715200\n",
                ),
                (
                    "/sys/fs/cgroup/memory/box/lesson/memory.usage_in_bytes",
                    "157286400\n",
                ),
                (
                    "/sys/fs/cgroup/memory/box/lesson/memory.stat",
                    "inactive_file 1\ntotal_inactive_file 10485760\n",
                ),
                // No limit above it: v1 writes a huge number.
                (
                    "/sys/fs/cgroup/memory/box/memory.limit_in_bytes",
                    "9223372036854771712\n",
                ),
                (
                    "/sys/fs/cgroup/memory/box/memory.usage_in_bytes",
                    "157286400\n",
                ),
            ]),
        );
        // 200 MiB, less 150 MiB used of which 10 MiB can be dropped: 60 MiB.
        assert_eq!(room, Some(60 << 20));
    }

    #[test]
    fn a_cgroup_v2_limit_above_the_process_group_counts_too() {
        let room = cgroup_room(
            "0::/user.slice/lesson.scope\n",
            files(&[
                ("/sys/fs/cgroup/user.slice/lesson.scope/memory.max", "max\n"),
                (
                    "/sys/fs/cgroup/user.slice/lesson.scope/memory.current",
                    "1000\n",
                ),
                ("/sys/fs/cgroup/user.slice/memory.max", "1073741824\n"),
                ("/sys/fs/cgroup/user.slice/memory.current", "943718400\n"),
                (
                    "/sys/fs/cgroup/user.slice/memory.stat",
                    "anon 1\ninactive_file 104857600\n",
                ),
            ]),
        );
        // 1 GiB, less 900 MiB used of which 100 MiB can be dropped: 224 MiB.
        assert_eq!(room, Some(224 << 20));
        // No memory controller, or no limit anywhere: no bound.
        assert_eq!(cgroup_room("3:cpuset:/\n", files(&[])), None);
        assert_eq!(cgroup_room("0::/\n", files(&[])), None);
    }
}
