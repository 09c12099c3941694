//! The tests of exercise 11-open-files: `open_files` lists a file and a
//! pipe the test opened, each with what it points to, in the order of
//! their numbers, without the listing's own descriptor, and every other
//! descriptor the process has open. The test's file is removed at the end
//! of its test, whether the test passed or not.

use std::env;
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::process;
use std::time::Duration;

use exercise::open_files;
use exercise_support::within;

/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// A file the test makes in the temporary folder, open for writing, and
/// removed when it is dropped: at the end of the test, failed or not.
struct TempFile {
    file: File,
    /// Its path, as the kernel names it (symbolic links resolved).
    path: PathBuf,
}

impl TempFile {
    fn new(name: &str) -> Self {
        let name = format!("exercise-11-open-files-{}-{name}", process::id());
        let path = env::temp_dir().join(name);
        let file = File::create(&path).expect("the test makes a temporary file");
        // Made, so removed by Drop from here on, whatever fails next.
        let mut made = Self { file, path };
        made.path = fs::canonicalize(&made.path).expect("the test finds its file");
        made
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// `open_files()`, within the time limit; an `Err` fails the test.
#[track_caller]
fn listed() -> Vec<(RawFd, PathBuf)> {
    let got = within(LIMIT, "open_files", open_files);
    got.unwrap_or_else(|err| {
        panic!(
            "open_files gave Err({err}), where the process can list \
             /proc/self/fd.\nhint: leave out only an entry whose link cannot \
             be read (let Ok(target) = fs::read_link(...) else {{ continue }}), \
             rather than returning its error."
        )
    })
}

/// What `fd` points to in `files`, if it is there.
fn target_of(files: &[(RawFd, PathBuf)], fd: RawFd) -> Option<&Path> {
    let (_, target) = files.iter().find(|(n, _)| *n == fd)?;
    Some(target)
}

#[test]
fn lists_a_file_the_test_opened_with_its_path() {
    let temp = TempFile::new("listed.txt");
    let fd = temp.file.as_raw_fd();
    let files = listed();
    let target = target_of(&files, fd).unwrap_or_else(|| {
        panic!(
            "the test opened {} as fd {fd}, and it is not in the list: \
             {files:?}.\nhint: one (number, target) for every entry of \
             /proc/self/fd.",
            temp.path.display()
        )
    });
    assert_eq!(
        target,
        temp.path,
        "fd {fd} is the file the test opened, {}, but the list says it points \
         to {}.\nhint: entry.path() is the link itself, /proc/self/fd/{fd}; \
         fs::read_link(entry.path()) reads where it points.",
        temp.path.display(),
        target.display()
    );
}

#[test]
fn lists_both_ends_of_a_pipe() {
    let (reader, writer) = io::pipe().expect("the test makes a pipe");
    let ends = [reader.as_raw_fd(), writer.as_raw_fd()];
    let files = listed();
    let targets: Vec<Option<&Path>> =
        ends.iter().map(|&fd| target_of(&files, fd)).collect();
    let [Some(read_end), Some(write_end)] = targets[..] else {
        let said: Vec<String> = (ends.iter().zip(&targets))
            .map(|(fd, target)| match target {
                Some(target) => format!("fd {fd} points to {}", target.display()),
                None => format!("fd {fd} is not there"),
            })
            .collect();
        panic!(
            "the test opened a pipe, its reading end as fd {} and its writing \
             end as fd {}; the list says: {}. Both should be there, each \
             pointing to pipe:[N].\nhint: a pipe is open too. Its link's target \
             is a name, not a path: fs::read_link reads it; following it \
             (fs::canonicalize, File::open) fails.",
            ends[0],
            ends[1],
            said.join(", ")
        );
    };
    let name = read_end.to_string_lossy();
    assert!(
        name.starts_with("pipe:[") && name.ends_with(']'),
        "fd {} is a pipe's reading end, and the list says it points to {name}: \
         the kernel names it pipe:[N].\nhint: fs::read_link(entry.path()).",
        ends[0]
    );
    assert_eq!(
        read_end, write_end,
        "the two ends of one pipe point to the same pipe:[N], its inode"
    );
}

#[test]
fn lists_the_descriptors_in_the_order_of_their_numbers() {
    // Enough open files for numbers of two digits: 10 comes after 9.
    let nulls: Vec<File> = (0..12)
        .map(|_| File::open("/dev/null").expect("the test opens /dev/null"))
        .collect();
    let files = listed();
    let fds: Vec<RawFd> = files.iter().map(|(fd, _)| *fd).collect();
    assert!(
        fds.is_sorted() && fds.windows(2).all(|pair| pair[0] != pair[1]),
        "the descriptors came in the order {fds:?}: they should come once each, \
         in increasing order of their numbers.\nhint: sort by the number (an \
         integer), not by the entry's name: as text, \"10\" comes before \"9\"."
    );
    for null in &nulls {
        let fd = null.as_raw_fd();
        assert_eq!(
            target_of(&files, fd),
            Some(Path::new("/dev/null")),
            "fd {fd} is /dev/null, opened by the test: the list should say so \
             ({files:?})"
        );
    }
}

#[test]
fn leaves_out_its_own_listing() {
    let listing = PathBuf::from(format!("/proc/{}/fd", process::id()));
    let files = listed();
    if let Some((fd, _)) = files.iter().find(|(_, target)| *target == listing) {
        panic!(
            "the list has fd {fd}, pointing to {}: that descriptor was the \
             listing of /proc/self/fd itself, open only while the folder was \
             read, and closed now that open_files has returned.\nhint: leave \
             out the entry whose target is /proc/PID/fd \
             (format!(\"/proc/{{}}/fd\", std::process::id())).",
            listing.display()
        );
    }
}

#[test]
fn lists_every_open_descriptor_and_no_other() {
    let _temp = TempFile::new("every.txt");
    let (_reader, _writer) = io::pipe().expect("the test makes a pipe");
    let files = listed();
    // The process's descriptors as the test reads them now, its own
    // listing's left out.
    let listing = PathBuf::from(format!("/proc/{}/fd", process::id()));
    let mut open: Vec<(RawFd, PathBuf)> = fs::read_dir("/proc/self/fd")
        .expect("the test lists its descriptors")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let fd = path.file_name()?.to_str()?.parse().ok()?;
            Some((fd, fs::read_link(&path).ok()?))
        })
        .filter(|(_, target)| *target != listing)
        .collect();
    open.sort();
    let missing: Vec<_> = open.iter().filter(|f| !files.contains(f)).collect();
    let extra: Vec<_> = files.iter().filter(|f| !open.contains(f)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the process has these descriptors open: {open:?}.\nThe list leaves out \
         {missing:?}, and has {extra:?}, which are not open.\nhint: every entry \
         of /proc/self/fd, whatever it points to (a file, a pipe, a terminal, \
         /dev/null), but the listing's own."
    );
}
