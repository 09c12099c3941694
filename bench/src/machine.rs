//! The machine a run was measured on, for the table's heading: figures mean
//! little without the CPU, the cores, the load and the versions beside them.

use std::fs;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::child;

/// How long a program may take to say its version: one that hangs must not
/// hang the benchmark.
const VERSION_LIMIT: Duration = Duration::from_secs(10);

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
            rustc: version_of("rustc", &["--version"]).unwrap_or_else(|_| unknown()),
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
/// programs that print their version there), within [`VERSION_LIMIT`]; or
/// why not.
pub fn version_of(program: &str, args: &[&str]) -> Result<String, String> {
    version_within(program, args, VERSION_LIMIT)
}

fn version_within(
    program: &str,
    args: &[&str],
    limit: Duration,
) -> Result<String, String> {
    let asked = format!("`{program} {}`", args.join(" "));
    let mut command = Command::new(program);
    command.args(args);
    let out =
        child::finish(command, limit).map_err(|err| format!("{asked}: {err}"))?;
    if !out.status.success() {
        return Err(format!("{asked} failed ({})", out.status));
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    let first = text.lines().next().map(|l| l.trim().to_owned());
    first.ok_or_else(|| format!("{asked} printed nothing"))
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
    fn a_version_comes_within_its_limit_or_not_at_all() {
        let second = Duration::from_secs(1);
        let said = version_within("sh", &["-c", "echo 'Python 3.11.2' >&2"], second);
        assert_eq!(said.as_deref(), Ok("Python 3.11.2"));
        let failed = version_within("sh", &["-c", "exit 3"], second);
        assert!(
            failed.as_ref().is_err_and(|e| e.contains("failed")),
            "{failed:?}"
        );
        let missing = version_within("/nonexistent/python3", &["--version"], second);
        assert!(
            missing.as_ref().is_err_and(|e| e.contains("cannot start")),
            "{missing:?}"
        );
        // A program that never answers, through a shell that waits for it
        // (the shell's child holds the pipes too): both are killed in time.
        let pid_file = std::env::temp_dir()
            .join(format!("bench-version-{}.pid", std::process::id()));
        let script = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        let began = std::time::Instant::now();
        let hung =
            version_within("sh", &["-c", &script], Duration::from_millis(300));
        let took = began.elapsed();
        let sleeper = fs::read_to_string(&pid_file).unwrap_or_default();
        let _ = fs::remove_file(&pid_file);
        let message = hung.expect_err("no answer");
        assert!(message.contains("did not finish within 0.3 s"), "{message}");
        assert!(took < Duration::from_secs(5), "took {took:?}");
        let state = || {
            let stat = fs::read_to_string(format!("/proc/{}/stat", sleeper.trim()));
            let stat = stat.ok()?;
            let (_, after) = stat.rsplit_once(')')?;
            after.split_whitespace().next().map(str::to_owned)
        };
        // Gone, or a zombie that nobody reaps (PID 1 here does not), once
        // the kernel has delivered the kill: polled, within a limit.
        let dead = || state().is_none_or(|s| s == "Z");
        let began = std::time::Instant::now();
        while !dead() && began.elapsed() < Duration::from_secs(3) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(dead(), "sleep {sleeper} left in state {:?}", state());
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
