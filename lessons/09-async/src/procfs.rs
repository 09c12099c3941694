//! What the kernel says about this process, read from `/proc` as `cat`
//! would: how many OS threads it has and what they are called, how much
//! memory it holds, how many threads the system allows, and how many
//! files the process may open.
//!
//! Reading these files costs microseconds and never waits for a disk, so
//! even async code may read them directly.

use std::fs;

/// One look at the process's threads and memory.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// `Threads:` in /proc/self/status.
    pub threads: u64,
    /// `VmRSS:`: the memory the process has in RAM, its threads' stacks
    /// included, in KiB.
    pub resident_kib: u64,
    /// `VmPTE:`: the kernel's page tables for the process's memory, in
    /// KiB; not part of the resident memory.
    pub page_tables_kib: u64,
    /// `KernelStack:` in /proc/meminfo: every thread's kernel stack, for
    /// the whole system (other programs' threads too), in KiB.
    pub kernel_stacks_kib: u64,
}

impl Usage {
    /// Reads the figures now; a figure `/proc` does not give is 0.
    pub fn now() -> Self {
        let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        Self {
            threads: field(&status, "Threads:"),
            resident_kib: field(&status, "VmRSS:"),
            page_tables_kib: field(&status, "VmPTE:"),
            kernel_stacks_kib: field(&meminfo, "KernelStack:"),
        }
    }
}

/// The number after `name` on its line ("VmRSS:   2048 kB" gives 2048).
fn field(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

/// The limits on OS threads, from the files a learner can `cat`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreadLimits {
    /// `/proc/sys/kernel/threads-max`: threads in the whole system.
    pub threads_max: u64,
    /// `/proc/sys/kernel/pid_max`: every thread takes an id below it.
    pub pid_max: u64,
    /// `ulimit -u` ("Max processes" in /proc/self/limits): threads and
    /// processes of this user; `None` when unlimited.
    pub user_max: Option<u64>,
    /// Threads that exist now in the whole system (/proc/loadavg).
    pub in_use: u64,
}

impl ThreadLimits {
    pub fn here() -> Self {
        let number = |path: &str| {
            let text = fs::read_to_string(path).unwrap_or_default();
            text.trim().parse().unwrap_or(u64::MAX)
        };
        let limits = fs::read_to_string("/proc/self/limits").unwrap_or_default();
        let user_max = limits
            .lines()
            .find_map(|line| line.strip_prefix("Max processes"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok());
        // "0.52 0.58 0.59 2/431 12345": 431 threads exist.
        let loadavg = fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let in_use = loadavg
            .split_whitespace()
            .nth(3)
            .and_then(|field| field.split_once('/')?.1.parse().ok())
            .unwrap_or(0);
        Self {
            threads_max: number("/proc/sys/kernel/threads-max"),
            pid_max: number("/proc/sys/kernel/pid_max"),
            user_max,
            in_use,
        }
    }

    /// About how many more threads the system would start: the tightest
    /// limit, less the threads that exist. (A user's own count is not in
    /// /proc, so `ulimit -u` is taken against every thread: on the safe
    /// side.)
    pub fn room(&self) -> u64 {
        let tightest = [Some(self.threads_max), Some(self.pid_max), self.user_max]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(u64::MAX);
        tightest.saturating_sub(self.in_use)
    }

    /// "threads-max 192735, pid_max 32768, ulimit -u 96367; 431 in use".
    pub fn describe(&self) -> String {
        let user = self
            .user_max
            .map_or("unlimited".to_owned(), |n| n.to_string());
        format!(
            "kernel.threads-max {}, kernel.pid_max {}, ulimit -u {user}; {} \
             threads exist now",
            self.threads_max, self.pid_max, self.in_use
        )
    }
}

/// Open files (sockets among them): how many this process may have, and
/// how many it has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FileLimits {
    /// `ulimit -n` ("Max open files" in /proc/self/limits, the soft limit);
    /// `None` when unlimited or unknown.
    pub max: Option<u64>,
    /// Open now: the entries of /proc/self/fd.
    pub open: u64,
}

impl FileLimits {
    pub fn here() -> Self {
        let limits = fs::read_to_string("/proc/self/limits").unwrap_or_default();
        let max = limits
            .lines()
            .find_map(|line| line.strip_prefix("Max open files"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok());
        let open = fs::read_dir("/proc/self/fd").map_or(0, |fds| fds.count() as u64);
        Self { max, open }
    }

    /// How many more files the process may open.
    pub fn room(&self) -> u64 {
        self.max
            .map_or(u64::MAX, |max| max.saturating_sub(self.open))
    }
}

/// The names of this process's OS threads, from /proc/self/task/*/comm,
/// in the order of their ids. The main thread, whose id is the process's,
/// is called "main" here, as Rust calls it; its comm is the program's name.
pub fn thread_names() -> Vec<String> {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut ids: Vec<u32> = (tasks.flatten())
        .filter_map(|task| task.file_name().to_str()?.parse().ok())
        .collect();
    ids.sort_unstable();
    let main = std::process::id();
    ids.into_iter()
        .filter_map(|id| match id == main {
            true => Some("main".to_owned()),
            false => fs::read_to_string(format!("/proc/self/task/{id}/comm"))
                .ok()
                .map(|name| name.trim_end().to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_name() {
        let status = "Name:\tx\nVmRSS:\t    2048 kB\nThreads:\t3\n";
        assert_eq!(field(status, "VmRSS:"), 2048);
        assert_eq!(field(status, "Threads:"), 3);
        assert_eq!(field(status, "VmPTE:"), 0);
    }

    #[test]
    fn this_process_is_seen() {
        let usage = Usage::now();
        assert!(usage.threads >= 1 && usage.resident_kib > 0, "{usage:?}");
        assert!(!thread_names().is_empty());
    }

    #[test]
    fn this_process_has_files_open_under_its_limit() {
        let files = FileLimits::here();
        // stdin, stdout and stderr at least.
        assert!(files.open >= 3, "{files:?}");
        assert!(files.max.is_none_or(|max| max >= files.open), "{files:?}");
        let tight = FileLimits {
            max: Some(1024),
            open: 1030,
        };
        assert_eq!(tight.room(), 0);
    }

    #[test]
    fn the_room_is_the_tightest_limit_less_what_is_used() {
        let limits = ThreadLimits {
            threads_max: 192_735,
            pid_max: 32_768,
            user_max: Some(96_367),
            in_use: 768,
        };
        assert_eq!(limits.room(), 32_000);
        let unlimited = ThreadLimits {
            user_max: None,
            pid_max: 4_194_304,
            ..limits
        };
        assert_eq!(unlimited.room(), 192_735 - 768);
        assert!(limits.describe().contains("ulimit -u 96367"));
    }
}
