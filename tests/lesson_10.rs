//! Lesson 10: threads that wait for each other. The deadlock is found and
//! its cycle named, and the lesson still ends; both fixes feed every
//! philosopher; the Condvar queue and sync_channel deliver every item once;
//! a bound keeps the queue at its bound while an unbounded channel grows;
//! RwLock readers overlap and Mutex readers do not; the memory-order counts
//! are reported, and SeqCst's is 0; LazyLock loads once; Ctrl-C in every
//! part exits 130; bad options are usage errors.

use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::Value;

use crate::procs;
use crate::util::{self, Report, Running, bin};

const LESSON: &str = "lesson-10-sync";
/// No run in these tests takes more than a few seconds: past this, it hangs.
const LIMIT: Duration = Duration::from_secs(30);
/// The philosophers, and the meals each eats.
const PHILOSOPHERS: usize = 5;
const MEALS: usize = 2;

/// Runs the lesson with `--json` and `args` within [`LIMIT`], checks that
/// it exited with 0, and returns its report.
fn report(args: &[&str]) -> Report {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = Running::start(&bin(LESSON), &all).finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{all:?}\nstderr:\n{}", run.stderr);
    Report::parse(&run.stdout)
}

/// The lesson's tasks whose label starts with `prefix`: (worker, start,
/// end), by start.
fn bars(report: &Report, prefix: &str) -> Vec<(String, f64, f64)> {
    let mut bars: Vec<(String, f64, f64)> = (report.tasks().into_iter())
        .filter(|t| t.1.starts_with(prefix))
        .map(|t| (t.0, t.2, t.3))
        .collect();
    bars.sort_by(|a, b| a.1.total_cmp(&b.1));
    bars
}

/// Whether two bars share some time.
fn overlap(a: &(String, f64, f64), b: &(String, f64, f64)) -> bool {
    a.1 < b.2 && b.1 < a.2
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not a whole number: {value}"))
}

#[test]
fn the_deadlock_is_found_its_cycle_named_and_the_lesson_ends() {
    let report = report(&["--part", "deadlock", "--time-scale", "0.05"]);
    // The watchdog waits 25 ms without a meal at this scale, the fixes
    // take a few tens: five seconds is far more than the run needs, and
    // far less than a lesson stuck for good.
    let elapsed = report.ms("elapsed_ms");
    assert!(elapsed < 5000.0, "the deadlock part took {elapsed} ms");
    // Each philosopher holds its left fork and waits for its right one,
    // held by the next philosopher: 1 -> 2 -> 3 -> 4 -> 5 -> 1.
    let cycle = report.doc["deadlock"]["cycle"]
        .as_array()
        .expect("a cycle in the JSON document");
    assert_eq!(cycle.len(), PHILOSOPHERS, "{cycle:?}");
    for (i, link) in cycle.iter().enumerate() {
        let (me, next) = (i as u64 + 1, (i as u64 + 1) % 5 + 1);
        assert_eq!(number(&link["philosopher"]), me, "{link}");
        assert_eq!(link["holds"], serde_json::json!([me]), "{link}");
        assert_eq!(number(&link["waits_for"]), next, "{link}");
        assert_eq!(number(&link["held_by"]), next, "{link}");
    }
    let lines = report.lines();
    for i in 1..=5 {
        let next = i % 5 + 1;
        let line = format!(
            "deadlock: philosopher {i} holds fork {i} and waits for fork {next}, \
             which philosopher {next} holds"
        );
        assert!(lines.contains(&line), "no {line:?} in {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("a cycle, 1 -> 2 -> 3 -> 4 -> 5 -> 1")),
        "{lines:#?}"
    );
    // No meal at all in the dinner that deadlocked.
    assert!(bars(&report, "left then right").is_empty());
}

#[test]
fn both_fixes_feed_every_philosopher_every_meal() {
    for scale in ["0.02", "0.05", "0.2"] {
        let report = report(&["--part", "deadlock", "--time-scale", scale]);
        let fixes = report.doc["fixes"].as_array().expect("fixes");
        let names: Vec<&str> =
            fixes.iter().filter_map(|f| f["manners"].as_str()).collect();
        assert_eq!(names, ["lowest fork first", "try_lock and back off"]);
        for fix in fixes {
            assert_eq!(
                fix["meals"],
                serde_json::json!(vec![MEALS; PHILOSOPHERS]),
                "{fix}"
            );
            let name = fix["manners"].as_str().unwrap_or_default();
            let line = format!("{name}: every philosopher ate {MEALS} meals");
            assert!(report.lines().contains(&line), "{:#?}", report.lines());
            // Each meal is a bar in its philosopher's row, and two
            // neighbours, who share a fork, never eat at the same time.
            let meals = bars(&report, &format!("{name}: "));
            assert_eq!(meals.len(), PHILOSOPHERS * MEALS, "{meals:?}");
            for a in &meals {
                for b in &meals {
                    let seat = |bar: &(String, f64, f64)| -> usize {
                        let n = bar.0.trim_start_matches("philosopher ");
                        n.parse().expect("a philosopher's number")
                    };
                    let neighbours =
                        (seat(a) % 5 + 1 == seat(b)) || (seat(b) % 5 + 1 == seat(a));
                    assert!(!(neighbours && overlap(a, b)), "{a:?} and {b:?}");
                }
            }
        }
    }
}

#[test]
fn the_timeline_shows_the_waits_that_never_end() {
    let run =
        Running::start(&bin(LESSON), &["--part", "deadlock", "--time-scale", "0.1"])
            .finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for i in 1..=5 {
        let row = (run.stdout.lines())
            .find(|l| l.starts_with(&format!("philosopher {i} ")))
            .unwrap_or_else(|| {
                panic!("no row for philosopher {i}:\n{}", run.stdout)
            });
        // The wait is the first bar, and it ends in `>`: it never finished.
        let first_bar = row[format!("philosopher {i}").len()..].trim_start();
        let end = first_bar.find([']', '>', '#']).unwrap_or_default();
        assert!(first_bar.starts_with("[wa"), "{row}");
        assert_eq!(first_bar.as_bytes().get(end), Some(&b'>'), "{row}");
    }
    assert!(
        run.stdout.contains("a task that did not finish"),
        "{}",
        run.stdout
    );
}

#[test]
fn ctrl_c_during_the_deadlock_still_draws_the_five_waits() {
    // At this scale the watchdog waits 5 s before it reads the record;
    // the five reach for their forks within milliseconds of the line.
    let mut lesson =
        Running::start(&bin(LESSON), &["--part", "deadlock", "--time-scale", "10"]);
    while let Some(line) = lesson.next_line() {
        if line.starts_with("left then right: ") {
            break;
        }
    }
    // A wide margin for five threads to start on a busy machine, and far
    // less than the watchdog's five seconds.
    std::thread::sleep(Duration::from_secs(1));
    let stopped =
        lesson.signal_group_and_wait(Signal::SIGINT, Duration::from_secs(1));
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    for i in 1..=5 {
        let next = i % 5 + 1;
        let row = (stopped.rest.iter())
            .find(|l| l.starts_with(&format!("philosopher {i} ")))
            .unwrap_or_else(|| {
                panic!("no row for philosopher {i}: {:#?}", stopped.rest)
            });
        let bar = row[format!("philosopher {i}").len()..].trim();
        assert!(
            bar.starts_with(&format!("[waits for fork {next}"))
                && bar.ends_with('>'),
            "philosopher {i}'s row: {row}"
        );
    }
}

#[test]
fn the_condvar_queue_and_sync_channel_deliver_every_item_once() {
    for scale in ["0.02", "0.1"] {
        let report = report(&["--part", "condvar", "--time-scale", scale]);
        let expected = [
            "condvar: 2 producers put 12 items each on a queue of 4; 2 consumers \
             take them, each slower than a producer",
            "Mutex + Condvar: 24 items taken, each once, in order from each producer",
            "Mutex + Condvar: never more than 4 items in the queue",
            "Mutex + Condvar: close() ended the consumers, waiting or not, once it was drained",
            "sync_channel(4): 24 items taken, each once, in order from each producer",
            "sync_channel(4): the channel closed when the last producer dropped its sender",
        ];
        util::assert_lines_eq(&expected.map(str::to_owned), &report.lines());
        let queues = report.doc["condvar"].as_array().expect("condvar");
        assert_eq!(queues.len(), 2, "{queues:?}");
        for queue in queues {
            assert_eq!(number(&queue["taken"]), 24, "{queue}");
        }
        let peak = number(&queues[0]["peak"]);
        assert!((1..=4).contains(&peak), "peak {peak}");
    }
}

#[test]
fn a_bound_holds_the_queue_at_its_bound_and_no_bound_lets_it_grow() {
    // At full time: the producer makes an item every 2 ms, the consumer
    // takes 10 ms over each, 60 items; sleeps a little late on a busy
    // machine leave that ratio about as it is.
    let report = report(&["--part", "backpressure"]);
    let flows = report.doc["backpressure"].as_array().expect("backpressure");
    assert_eq!(flows.len(), 2, "{flows:?}");
    let (unbounded, bounded) = (&flows[0], &flows[1]);
    assert_eq!(unbounded["channel"], "channel()");
    assert_eq!(bounded["channel"], "sync_channel(4)");
    assert_eq!(number(&bounded["peak_items"]), 4, "{bounded}");
    // The producer is done after 120 ms, the consumer has then taken
    // about 12 of the 60: some 48 wait.
    let peak = number(&unbounded["peak_items"]);
    assert!(peak >= 30, "only {peak} items queued without a bound");
    assert_eq!(number(&unbounded["peak_bytes"]), peak * 64 * 1024);
    // The timeline: without a bound the producer's bar is a fraction of
    // the consumer's; with one, it lasts nearly as long.
    let length = |worker: &str, label: &str| -> f64 {
        let found = bars(&report, label).into_iter().find(|b| b.0 == worker);
        let (_, start, end) =
            found.unwrap_or_else(|| panic!("no {label} bar for {worker}"));
        end - start
    };
    let (producer, consumer) = (
        length("fast producer", "channel()"),
        length("slow consumer", "channel()"),
    );
    assert!(
        producer < consumer / 2.0,
        "{producer} ms against {consumer} ms"
    );
    let (producer, consumer) = (
        length("fast producer", "sync_channel(4)"),
        length("slow consumer", "sync_channel(4)"),
    );
    assert!(
        producer > consumer * 0.7,
        "{producer} ms against {consumer} ms"
    );
}

#[test]
fn rwlock_readers_overlap_and_mutex_readers_take_turns() {
    let scale = 0.5;
    let report = report(&["--part", "rwlock", "--time-scale", &scale.to_string()]);
    let reads = bars(&report, "RwLock read: ");
    assert_eq!(reads.len(), 6, "{reads:?}");
    let together = (reads.iter())
        .enumerate()
        .any(|(i, a)| reads[i + 1..].iter().any(|b| overlap(a, b)));
    assert!(together, "no two RwLock reads at once: {reads:?}");
    let reads = bars(&report, "Mutex read: ");
    assert_eq!(reads.len(), 6, "{reads:?}");
    for pair in reads.windows(2) {
        assert!(
            !overlap(&pair[0], &pair[1]),
            "Mutex reads at once: {pair:?}"
        );
    }
    // Under either lock, nobody reads while the writer writes; each
    // lock's readers and writer have rows of their own.
    for lock in ["RwLock", "Mutex"] {
        let write = bars(&report, &format!("{lock} writer: write"));
        assert_eq!(write.len(), 1, "{write:?}");
        assert_eq!(write[0].0, format!("{lock} writer"));
        for read in bars(&report, &format!("{lock} read: ")) {
            assert!(read.0.starts_with(&format!("{lock} reader ")), "{read:?}");
            assert!(!overlap(&read, &write[0]), "{read:?} during {write:?}");
        }
    }
    // Each read's bar is labelled with the total it saw: the three prices
    // summed, before the write (10+20+30) or after it (11+21+31).
    let tasks = report.tasks();
    let totals: Vec<&str> = (tasks.iter())
        .filter(|t| t.1.contains(" read: "))
        .map(|t| t.1.rsplit(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(totals.len(), 12, "{totals:?}");
    assert!(
        totals.iter().all(|t| ["60", "63"].contains(t)),
        "{totals:?}"
    );
    // Six reads of 100 ms one at a time, at this scale: the Mutex run
    // cannot be shorter.
    let runs = report.doc["rwlock"].as_array().expect("rwlock");
    let mutex = runs[1]["elapsed_ms"].as_f64().expect("elapsed_ms");
    assert!(mutex >= 6.0 * 100.0 * scale, "{mutex} ms");
    let rwlock = runs[0]["elapsed_ms"].as_f64().expect("elapsed_ms");
    assert!(rwlock < mutex, "RwLock {rwlock} ms, Mutex {mutex} ms");
}

#[test]
fn memory_order_counts_are_reported_and_seq_cst_sees_none() {
    // The default rounds at full time, half a second at most for each
    // experiment: enough rounds that a broken SeqCst would show.
    let report = report(&["--part", "ordering"]);
    let ordering = &report.doc["ordering"];
    let buffering = ordering["store_buffering"]
        .as_array()
        .expect("store_buffering");
    let names: Vec<&str> = buffering
        .iter()
        .filter_map(|b| b["ordering"].as_str())
        .collect();
    assert_eq!(names, ["Relaxed", "Release/Acquire", "SeqCst"]);
    for row in buffering {
        let rounds = number(&row["rounds"]);
        assert!((1..=200_000).contains(&rounds), "{row}");
        assert!(number(&row["both_old"]) <= rounds, "{row}");
    }
    assert_eq!(
        number(&buffering[2]["both_old"]),
        0,
        "SeqCst: {}",
        buffering[2]
    );
    let passing = ordering["message_passing"]
        .as_array()
        .expect("message_passing");
    let names: Vec<&str> = passing
        .iter()
        .filter_map(|b| b["ordering"].as_str())
        .collect();
    assert_eq!(names, ["Release/Acquire", "Relaxed"]);
    assert_eq!(
        number(&passing[0]["stale"]),
        0,
        "Release/Acquire: {}",
        passing[0]
    );
    assert!(number(&passing[1]["rounds"]) >= 1, "{}", passing[1]);
}

#[test]
fn the_text_run_prints_every_count_with_a_word_on_it() {
    let args = [
        "--part",
        "ordering",
        "--time-scale",
        "0.1",
        "--rounds",
        "5000",
    ];
    let run = Running::start(&bin(LESSON), &args).finish_within(LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for heading in ["store buffering", "message passing"] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(heading)),
            "{}",
            run.stdout
        );
    }
    let seq_cst = (run.stdout.lines())
        .find(|l| l.trim_start().starts_with("SeqCst"))
        .unwrap_or_else(|| panic!("no SeqCst row:\n{}", run.stdout));
    let words: Vec<&str> = seq_cst.split_whitespace().collect();
    assert_eq!(words.get(2), Some(&"0"), "{seq_cst}");
    assert!(seq_cst.contains("SeqCst forbids it"), "{seq_cst}");
    // Every row says what its count means, whatever the count: the rows
    // are the measurements' indented lines, before the summary.
    let rows: Vec<&str> = (run.stdout.lines())
        .skip_while(|l| !l.starts_with("store buffering"))
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  "))
        .collect();
    assert_eq!(rows.len(), 5, "{}", run.stdout);
    assert!(rows.iter().all(|r| r.ends_with(')')), "{rows:#?}");
}

#[test]
fn lazy_lock_loads_once_while_the_others_wait_and_thread_locals_stay_apart() {
    let scale = 0.2;
    let report = report(&["--part", "once", "--time-scale", &scale.to_string()]);
    let once = &report.doc["once"];
    assert_eq!(number(&once["loads"]), 1, "{once}");
    assert_eq!(once["calls"], serde_json::json!([1, 2, 3, 4]), "{once}");
    let loads = bars(&report, "LazyLock: load");
    let waits = bars(&report, "LazyLock: wait");
    assert_eq!((loads.len(), waits.len()), (1, 3), "{loads:?} {waits:?}");
    assert_eq!(loads[0].0, format!("asker {}", number(&once["loaded_by"])));
    // The OnceLock holds one asker's number, which every asker read.
    assert!((1..=4).contains(&number(&once["first"])), "{once}");
    let line =
        "OnceLock: set once, by the first asker to come; all 4 got its number";
    assert!(
        report.lines().iter().any(|l| l == line),
        "{:#?}",
        report.lines()
    );
    // The load takes 100 ms at full time; each waiter got the settings
    // only once it was done.
    let loaded = loads[0].1 + 100.0 * scale;
    for wait in &waits {
        assert!(wait.2 >= loaded, "{wait:?} ended before the load {loads:?}");
    }
}

#[test]
fn ctrl_c_in_every_part_exits_130_at_once() {
    // Each part at a scale where it runs for a second or more, stopped
    // after its first line; the deadlock part also once its first fix
    // has begun, the dinner that must be joined.
    let cases: [(&str, &[&str], &str); 7] = [
        ("deadlock", &["--time-scale", "2"], "deadlock: "),
        ("deadlock", &["--time-scale", "2"], "lowest fork first: "),
        ("condvar", &["--time-scale", "5"], "condvar: "),
        ("backpressure", &["--time-scale", "5"], "backpressure: "),
        ("rwlock", &["--time-scale", "5"], "rwlock: "),
        (
            "ordering",
            &["--time-scale", "20", "--rounds", "100000000"],
            "ordering: ",
        ),
        ("once", &["--time-scale", "20"], "once: "),
    ];
    for (part, extra, wait_for) in cases {
        let mut args = vec!["--part", part];
        args.extend_from_slice(extra);
        let mut lesson = Running::start(&bin(LESSON), &args);
        loop {
            let line = lesson.next_line();
            let line =
                line.unwrap_or_else(|| panic!("{part}: ended before {wait_for:?}"));
            if line.starts_with(wait_for) {
                break;
            }
        }
        procs::assert_stops_cleanly(lesson, &[], Signal::SIGINT);
    }
}

#[test]
fn bad_options_are_usage_errors_naming_the_option() {
    for (option, bad) in [
        ("--part", "lunch"),
        ("--part", ""),
        ("--rounds", "0"),
        ("--rounds", "-5"),
        ("--rounds", "100000001"),
        ("--rounds", "many"),
    ] {
        util::usage_error(&bin(LESSON), &[option, bad], option);
    }
}
