//! The tests of exercise 11-region-of: `region_of` finds the region that
//! holds an address in a sample map (its start in it, its end not, gaps in
//! no region, the path whole), then in this test's own `/proc/self/maps`,
//! where a function, a `static`, a literal, a `Box` and a local each lie
//! in memory with the permissions chapter 11 found.

use std::fs;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use exercise::{Region, region_of};
use exercise_support::within;

/// Time enough for any of these tests; a hang fails after it.
const LIMIT: Duration = Duration::from_secs(5);

/// A map as the kernel writes it: an old program at fixed addresses (every
/// digit of theirs a decimal digit too), a heap, a thread's arena and the
/// guard after it, a library whose folder's name has a space, a deleted
/// file shared with another process, and a stack. An anonymous region's
/// line ends with a space, as the kernel writes it.
const SAMPLE: &str = "\
00400000-00401000 r--p 00000000 fd:01 1311                               /usr/bin/old-tool\n\
00401000-00452000 r-xp 00001000 fd:01 1311                               /usr/bin/old-tool\n\
00452000-00460000 r--p 00052000 fd:01 1311                               /usr/bin/old-tool\n\
00661000-00663000 rw-p 00061000 fd:01 1311                               /usr/bin/old-tool\n\
01b3e000-01b5f000 rw-p 00000000 00:00 0                                  [heap]\n\
7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0 \n\
7f3a1c021000-7f3a20000000 ---p 00000000 00:00 0 \n\
7f3a21e00000-7f3a21e28000 r--p 00000000 fd:01 2623                       /opt/my libs/libdemo.so\n\
7f3a21e28000-7f3a21fbd000 r-xp 00028000 fd:01 2623                       /opt/my libs/libdemo.so\n\
7f3a22200000-7f3a22201000 rw-s 00000000 00:05 7781                       /tmp/scratch file (deleted)\n\
7ffc6882b000-7ffc6884c000 rw-p 00000000 00:00 0                          [stack]\n";

/// The region a line of `SAMPLE` stands for, written out by hand.
fn region(start: usize, end: usize, perms: &str, path: &str) -> Region {
    Region {
        start,
        end,
        perms: perms.to_owned(),
        path: path.to_owned(),
    }
}

/// `region_of(SAMPLE, address)` for each address, within the time limit.
#[track_caller]
fn look_up(addresses: &[usize]) -> Vec<Option<Region>> {
    let addresses = addresses.to_vec();
    within(LIMIT, "region_of", move || {
        addresses.iter().map(|&a| region_of(SAMPLE, a)).collect()
    })
}

/// What is wrong when `region_of` gave `got` for `address` instead of
/// `expected`, in words, with a hint.
fn explain(
    address: usize,
    got: &Option<Region>,
    expected: &Option<Region>,
) -> String {
    let said = format!(
        "region_of(SAMPLE, {address:#x}) gave {}, where it should give {}.",
        shown(got),
        shown(expected)
    );
    let why = match (got, expected) {
        (None, _) => "\nhint: the addresses in maps are hexadecimal, without \
                      0x: usize::from_str_radix(text, 16) reads them (parse() \
                      reads decimal, and fails on a-f)."
            .to_owned(),
        (Some(r), _) if r.end == address => format!(
            "\nThe address is exactly where the region you gave ends ({:#x}): \
             `end` is the first address after the region, so the address is \
             not in it.\nhint: start <= address && address < end.",
            r.end
        ),
        (Some(r), _) if address < r.start => format!(
            "\nThe region you gave starts at {:#x}, after the address: it does \
             not hold it.\nhint: the region must hold the address: start <= \
             address && address < end, the numbers read as hexadecimal.",
            r.start
        ),
        (Some(r), _) if address >= r.end => format!(
            "\nThe region you gave ends at {:#x}, before the address: its start \
             is below the address, but that is not enough.\nhint: the region \
             must hold the address: start <= address && address < end.",
            r.end
        ),
        (Some(_), None) => "\nThe address is in a gap, in no region of the map: \
                            no line of it, read right, holds the address.\nhint: \
                            the numbers are hexadecimal: `00400000` is \
                            0x400000, not 400000."
            .to_owned(),
        (Some(r), Some(e)) if (r.start, r.end) == (e.start, e.end) => {
            "\nThe range is right, but not the fields.\nhint: perms is the \
             second field; the path is everything after the inode, trimmed (a \
             file's name may hold spaces), and empty when there is none."
                .to_owned()
        }
        (Some(_), Some(_)) => "\nThat is not the line that holds the address.\n\
                               hint: the numbers are hexadecimal: `00400000` is \
                               0x400000, not 400000."
            .to_owned(),
    };
    format!("{said}{why}")
}

/// A region as maps writes it (`401000-452000 r-xp "/usr/bin/old-tool"`),
/// or `None`.
fn shown(region: &Option<Region>) -> String {
    match region {
        None => "None".to_owned(),
        Some(r) => format!("{:x}-{:x} {} {:?}", r.start, r.end, r.perms, r.path),
    }
}

/// Looks up each address in `SAMPLE` and compares with what it should give.
#[track_caller]
fn assert_sample(cases: &[(usize, Option<Region>)]) {
    let addresses: Vec<usize> = cases.iter().map(|(a, _)| *a).collect();
    let got = look_up(&addresses);
    for ((address, expected), got) in cases.iter().zip(&got) {
        assert!(got == expected, "{}", explain(*address, got, expected));
    }
}

#[test]
fn finds_the_region_that_holds_an_address() {
    let tool = "/usr/bin/old-tool";
    assert_sample(&[
        // Code, data and read-only data of the program; its heap.
        (0x40_1234, Some(region(0x40_1000, 0x45_2000, "r-xp", tool))),
        (0x66_2010, Some(region(0x66_1000, 0x66_3000, "rw-p", tool))),
        (0x40_0500, Some(region(0x40_0000, 0x40_1000, "r--p", tool))),
        (
            0x1b4_0000,
            Some(region(0x1b3_e000, 0x1b5_f000, "rw-p", "[heap]")),
        ),
        // An anonymous region: no path.
        (
            0x7f3a_1c00_0ca0,
            Some(region(0x7f3a_1c00_0000, 0x7f3a_1c02_1000, "rw-p", "")),
        ),
        (
            0x7ffc_6884_6810,
            Some(region(
                0x7ffc_6882_b000,
                0x7ffc_6884_c000,
                "rw-p",
                "[stack]",
            )),
        ),
    ]);
}

#[test]
fn a_region_holds_its_start_but_not_its_end() {
    let tool = "/usr/bin/old-tool";
    let code = region(0x40_1000, 0x45_2000, "r-xp", tool);
    assert_sample(&[
        // The last address of a region, then its end, where the next begins.
        (0x45_1fff, Some(code.clone())),
        (0x40_1000, Some(code)),
        (
            0x7f3a_1c02_1000,
            Some(region(0x7f3a_1c02_1000, 0x7f3a_2000_0000, "---p", "")),
        ),
        // The end of the program's data, and a gap after it.
        (0x66_3000, None),
    ]);
}

#[test]
fn an_address_in_a_gap_is_in_no_region() {
    assert_sample(&[
        (0x1000, None),
        // 400500 in decimal: below the first region, 0x400000.
        (400_500, None),
        (0x50_0000, None),
        (0x7f3a_2000_0000, None),
        (0x7fff_ffff_f000, None),
    ]);
}

#[test]
fn the_path_is_all_the_rest_of_the_line() {
    let library = "/opt/my libs/libdemo.so";
    assert_sample(&[
        (
            0x7f3a_21e3_0000,
            Some(region(0x7f3a_21e2_8000, 0x7f3a_21fb_d000, "r-xp", library)),
        ),
        (
            0x7f3a_2220_0010,
            Some(region(
                0x7f3a_2220_0000,
                0x7f3a_2220_1000,
                "rw-s",
                "/tmp/scratch file (deleted)",
            )),
        ),
    ]);
}

/// The tests' own data: a `static` that can change (an atomic) is in the
/// program's writable data, not its read-only data.
static NUMBER: AtomicU64 = AtomicU64::new(7);

/// The tests' own code.
fn a_function() -> u64 {
    NUMBER.load(Ordering::Relaxed)
}

/// Where a value is, as a number: looking at an address needs no `unsafe`.
fn address_of<T>(value: &T) -> usize {
    value as *const T as usize
}

/// This process's memory map, and each address's region in it as
/// `region_of` finds it.
#[track_caller]
fn look_up_in_this_process(addresses: Vec<usize>) -> Vec<Option<Region>> {
    let maps =
        fs::read_to_string("/proc/self/maps").expect("the test reads its map");
    within(LIMIT, "region_of", move || {
        addresses.iter().map(|&a| region_of(&maps, a)).collect()
    })
}

/// The region `region_of` found for something of this process, which must
/// hold its address.
#[track_caller]
fn found(what: &str, address: usize, region: Option<Region>) -> Region {
    let Some(region) = region else {
        panic!(
            "region_of found no region for {what} at {address:#x} in this \
             process's /proc/self/maps, where every address the process uses \
             is.\nhint: the addresses in maps are hexadecimal: \
             usize::from_str_radix(text, 16)."
        );
    };
    assert!(
        region.start <= address && address < region.end,
        "region_of gave {:#x}-{:#x} for {what} at {address:#x}: the address is \
         not in it.\nhint: the region must hold the address: start <= address \
         && address < end.",
        region.start,
        region.end
    );
    region
}

#[test]
fn finds_this_process_code_data_and_literal() {
    let program =
        fs::read_link("/proc/self/exe").expect("the test finds its program");
    let program = program.display().to_string();
    let literal = "a string literal of the tests";
    let things = [
        (
            "a function (code)",
            a_function as *const () as usize,
            "r-xp",
        ),
        ("a static (data)", address_of(&NUMBER), "rw-p"),
        ("a string literal", literal.as_ptr() as usize, "r--p"),
    ];
    let got = look_up_in_this_process(things.iter().map(|t| t.1).collect());
    for ((what, address, perms), region) in things.into_iter().zip(got) {
        let region = found(what, address, region);
        assert_eq!(
            region.perms, perms,
            "{what} is in a region with permissions {:?}; chapter 11 found it \
             in {perms:?} memory.\nhint: perms is the second field of the line.",
            region.perms
        );
        assert_eq!(
            region.path, program,
            "{what} is in a region backed by {:?}, where it should be the \
             program's own file, the test's program.\nhint: the path is all \
             after the inode, trimmed.",
            region.path
        );
    }
}

#[test]
fn finds_this_process_box_and_local_in_memory_no_file_backs() {
    let boxed = Box::new(11_u64);
    let local = 11_u64;
    let things = [
        // The test runs on a thread: its Box is in the thread's arena, an
        // anonymous region, or in [heap] if it shares main's.
        ("a Box (heap)", address_of(&*boxed), ["", "[heap]"]),
        // A thread's stack is an anonymous region; main's is [stack].
        ("a local (stack)", address_of(&local), ["", "[stack]"]),
    ];
    let got = look_up_in_this_process(things.iter().map(|t| t.1).collect());
    for ((what, address, paths), region) in things.into_iter().zip(got) {
        let region = found(what, address, region);
        assert_eq!(
            region.perms, "rw-p",
            "{what} is in a region with permissions {:?}; chapter 11 found it \
             in \"rw-p\" memory: readable and writable, never executable.\n\
             hint: perms is the second field of the line.",
            region.perms
        );
        assert!(
            paths.contains(&region.path.as_str()),
            "{what} is in a region backed by {:?}; no file backs a heap or a \
             stack: the path should be one of {paths:?} (empty for anonymous \
             memory).\nhint: the path is all after the inode, trimmed; a line \
             of anonymous memory has none.",
            region.path
        );
    }
}
