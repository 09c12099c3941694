//! The machine a run was measured on, for the table's heading: figures mean
//! little without the CPU, the cores, the load and the versions beside them.

use std::fs;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// What the table says about the machine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub os: String,
    pub rustc: String,
    /// `None` when no Python was found.
    pub python: Option<String>,
    /// The 1-minute load average when the run began: on a shared machine
    /// it says how much the figures were disturbed.
    pub load: String,
    /// `2026-12-01 14:05 UTC`.
    pub date: String,
}

impl Machine {
    /// Looks at this machine; whatever cannot be read says "unknown".
    pub fn here(python: Option<String>) -> Self {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let os_release = fs::read_to_string("/etc/os-release").unwrap_or_default();
        let kernel =
            fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let loadavg = fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            cpu: field(&cpuinfo, "model name").unwrap_or_else(unknown),
            cores: cores(),
            memory: memory(&meminfo).unwrap_or_else(unknown),
            os: format!(
                "{} (Linux {})",
                field(&os_release, "PRETTY_NAME").map_or_else(unknown, unquote),
                kernel.trim()
            ),
            rustc: version_of("rustc", &["--version"]).unwrap_or_else(unknown),
            python,
            load: loadavg.split(' ').next().unwrap_or("unknown").to_owned(),
            date: utc_date(seconds),
        }
    }
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The first line of what `program args` prints (stdout, or stderr for
/// programs that print their version there).
pub fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    let text = String::from_utf8_lossy(&text);
    text.lines().next().map(|l| l.trim().to_owned())
}

fn unknown() -> String {
    "unknown".to_owned()
}

fn unquote(text: String) -> String {
    text.trim_matches('"').to_owned()
}

/// The value of `name` in `name : value` or `name=value` lines.
fn field(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':').or_else(|| line.split_once('='))?;
        (key.trim() == name).then(|| value.trim().to_owned())
    })
}

/// `MemTotal: 24576000 kB` as `23.4 GiB`.
fn memory(meminfo: &str) -> Option<String> {
    let total = field(meminfo, "MemTotal")?;
    let kib: f64 = total.split_whitespace().next()?.parse().ok()?;
    Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM UTC` (the civil-from-days
/// algorithm: no date crate for one line of the table).
pub fn utc_date(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let minutes = seconds % 86_400 / 60;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_date(0), "1970-01-01 00:00 UTC");
        // 2000-02-29 12:34, a leap day in a century year.
        assert_eq!(utc_date(951_827_640), "2000-02-29 12:34 UTC");
        assert_eq!(utc_date(1_796_128_800), "2026-12-01 12:40 UTC");
    }

    #[test]
    fn fields_are_read_from_either_format() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\n";
        assert_eq!(
            field(cpuinfo, "model name").as_deref(),
            Some("Some CPU @ 2.0GHz")
        );
        let os = "NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n";
        assert_eq!(
            field(os, "PRETTY_NAME").map(unquote).as_deref(),
            Some("Debian GNU/Linux 12")
        );
        assert_eq!(
            memory("MemTotal:       2097152 kB\n").as_deref(),
            Some("2.0 GiB")
        );
    }
}
