//! This process's threads and children, as Linux shows them in `/proc`:
//! `/proc/self/task` holds one folder per thread, and `/proc/PID/stat` says
//! each process's state and parent.

use std::fs;
use std::process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How many threads this process has now, the test's own included.
pub fn threads_now() -> usize {
    fs::read_dir("/proc/self/task").map_or(0, Iterator::count)
}

/// Waits, at most `limit`, until this process has no more than `baseline`
/// threads; returns how many it has then. A thread that was joined is gone
/// at once; one that was not may still be running.
pub fn threads_back_to(baseline: usize, limit: Duration) -> usize {
    let began = Instant::now();
    loop {
        let now = threads_now();
        if now <= baseline || began.elapsed() >= limit {
            return now;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A child process of this one.
#[derive(Clone, Debug)]
pub struct Process {
    pub pid: u32,
    /// `R` running, `S` sleeping, `Z` a zombie: it has ended, and nobody has
    /// waited for it (read its exit status) yet.
    pub state: char,
    /// The program's name, as `/proc/PID/stat` gives it.
    pub name: String,
}

/// Every child process of this one, zombies included.
pub fn children() -> Vec<Process> {
    let me = process::id();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(stat)
        .filter(|(_, parent)| *parent == me)
        .map(|(child, _)| child)
        .collect()
}

/// Runs `work`, and meanwhile looks every few milliseconds at how many
/// child processes this process has (zombies left out); returns what
/// `work` returned and the most children seen at once.
pub fn most_children_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        let watch = s.spawn(|| {
            let mut most = 0;
            while !done.load(Ordering::SeqCst) {
                let running = children().iter().filter(|c| c.state != 'Z').count();
                most = most.max(running);
                thread::sleep(Duration::from_millis(5));
            }
            most
        });
        let value = work();
        done.store(true, Ordering::SeqCst);
        (value, watch.join().unwrap_or(0))
    })
}

/// `/proc/PID/stat` is "PID (NAME) STATE PPID ...", and NAME may hold
/// spaces and parentheses: it ends at the last ')'.
fn stat(pid: u32) -> Option<(Process, u32)> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = text.rsplit_once(')')?;
    let (_, name) = head.split_once('(')?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    let name = name.to_owned();
    Some((Process { pid, state, name }, parent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn sees_a_thread_come_and_go() {
        let before = threads_now();
        let (stop, wait) = std::sync::mpsc::channel::<()>();
        let helper = thread::spawn(move || wait.recv());
        assert_eq!(threads_now(), before + 1);
        drop(stop);
        let _ = helper.join();
        assert_eq!(threads_back_to(before, Duration::from_secs(1)), before);
    }

    #[test]
    fn counts_the_children_at_once() {
        let ((), most) = most_children_during(|| {
            let mut sleeps: Vec<_> = (0..3)
                .map(|_| Command::new("sleep").arg("0.3").spawn().expect("sleep"))
                .collect();
            for sleep in &mut sleeps {
                sleep.wait().expect("wait");
            }
        });
        assert_eq!(most, 3);
    }

    #[test]
    fn sees_a_child_then_its_zombie() {
        let mut child = Command::new("sleep").arg("0.2").spawn().expect("sleep");
        let pid = child.id();
        let find = || children().into_iter().find(|c| c.pid == pid);
        assert_eq!(find().map(|c| c.name), Some("sleep".to_owned()));
        // It ends by itself after 0.2 s, and stays a zombie until waited for.
        let began = Instant::now();
        while find().is_some_and(|c| c.state != 'Z') {
            assert!(
                began.elapsed() < Duration::from_secs(5),
                "sleep 0.2 never ended"
            );
            thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(find().map(|c| c.state), Some('Z'));
        child.wait().expect("wait");
        assert!(find().is_none());
    }
}
