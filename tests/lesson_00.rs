//! lesson-00-sequential: nine lines in a fixed order, as long as all the
//! sleeps added up.

use crate::util::{self, Report, SCALE, TOLERANCE_MS, bin};

fn lesson() -> std::path::PathBuf {
    bin("lesson-00-sequential")
}

fn scale() -> String {
    SCALE.to_string()
}

#[test]
fn prints_numbers_then_letters_in_order() {
    let report = util::report(&lesson(), &["--time-scale", &scale()], 0);
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_lines_eq(&expected, &report.lines());
}

#[test]
fn every_task_runs_on_the_main_thread_and_reports_its_line() {
    let report = util::report(&lesson(), &["--time-scale", &scale()], 0);
    let workers = report.by_worker();
    assert_eq!(workers.keys().collect::<Vec<_>>(), ["main"]);
    // The tasks, ordered by when they ended, carry the notebook's lines.
    let expected = [util::number_lines(), util::letter_lines()].concat();
    util::assert_lines_eq(&expected, &workers["main"]);
}

#[test]
fn takes_the_sum_of_its_sleeps() {
    let report = util::report(&lesson(), &["--time-scale", &scale()], 0);
    // Nine sleeps of 2 s, one after another, at the time scale.
    let ideal = 9.0 * 2000.0 * SCALE;
    report.assert_plan(ideal, ideal);
    report.assert_near_ideal();
}

#[test]
fn each_task_ends_no_sooner_than_its_sleeps_allow() {
    let report = util::report(&lesson(), &["--time-scale", &scale()], 0);
    let tasks = report.tasks();
    assert_eq!(tasks.len(), 9);
    let first_start = tasks[0].2;
    let pause = 2000.0 * SCALE;
    for (i, (_, label, start, end)) in tasks.iter().enumerate() {
        assert!(end > start, "{label}: ends before it starts");
        // However the sleeps are scheduled, task i cannot end before i + 1
        // pauses have passed since the first began.
        let earliest = first_start + (i as f64 + 1.0) * pause;
        assert!(
            *end >= earliest,
            "{label} ended at {end} ms, before {earliest} ms"
        );
    }
}

#[test]
fn the_human_output_has_lines_summary_and_a_one_row_timeline() {
    let run = util::run(&lesson(), &["--time-scale", &scale()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (lines, rest) = run
        .stdout
        .split_once("\n\n")
        .expect("a blank line after the lines");
    let expected = [util::number_lines(), util::letter_lines()].concat();
    let got: Vec<String> = lines.lines().map(str::to_owned).collect();
    util::assert_lines_eq(&expected, &got);
    for figure in ["elapsed", "ideal", "sequential", "speedup", "overhead"] {
        assert!(
            rest.lines().any(|l| l.starts_with(figure)),
            "no {figure}:\n{rest}"
        );
    }
    // No concurrency: the speedup over running in turn is at most 1, and
    // only lateness (within the tolerance) takes it below.
    let speedup_line = rest
        .lines()
        .find(|l| l.starts_with("speedup"))
        .unwrap_or_default();
    let figure = speedup_line.split_whitespace().nth(1).unwrap_or_default();
    let speedup: f64 = figure
        .trim_end_matches('x')
        .parse()
        .expect("a speedup figure");
    let sequential = 9.0 * 2000.0 * SCALE;
    let floor = sequential / (sequential + TOLERANCE_MS);
    assert!(
        (floor..=1.0).contains(&speedup),
        "speedup {speedup}:\n{rest}"
    );
    let rows: Vec<&str> = rest.lines().filter(|l| l.starts_with("main ")).collect();
    assert_eq!(rows.len(), 1, "{rest}");
    assert_eq!(rows[0].matches('[').count(), 9, "{rest}");
}

#[test]
fn a_report_is_one_json_document() {
    let report: Report = util::report(&lesson(), &["--time-scale", &scale()], 0);
    assert_eq!(report.doc["lesson"], "lesson-00-sequential");
    assert_eq!(report.doc["time_scale"], SCALE);
    assert_eq!(report.doc["interrupted"], false);
    assert_eq!(report.doc["errors"], serde_json::json!([]));
}
