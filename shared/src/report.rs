//! `--json`: the run as one JSON document, with fixed fields (the `Report`
//! below) so that the tests, the benchmark and scripts can rely on them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::record::{Recording, Span};
use crate::summary::Facts;

#[derive(Serialize)]
struct Report<'a> {
    lesson: &'a str,
    time_scale: f64,
    lines: &'a [String],
    tasks: Vec<Task<'a>>,
    /// Tasks lost with their worker (a child process that died): where the
    /// work stopped. Each runs again, and is among `tasks` once it finishes.
    lost_tasks: Vec<Task<'a>>,
    elapsed_ms: f64,
    ideal_ms: Option<f64>,
    sequential_ms: Option<f64>,
    interrupted: bool,
    errors: &'a [String],
    /// Fields of the lesson's own (pids, counts), beside the common ones.
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

#[derive(Serialize)]
struct Task<'a> {
    worker: &'a str,
    label: &'a str,
    start_ms: f64,
    end_ms: f64,
    /// The OS thread that ran an async task: only for those.
    #[serde(skip_serializing_if = "Option::is_none")]
    thread: Option<&'a str>,
}

/// The whole document, pretty-printed, ending with a newline.
pub fn render<'a>(
    lesson: &str,
    time_scale: f64,
    rec: &'a Recording,
    facts: &Facts,
    extra: &Map<String, Value>,
) -> String {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let task = |span: &'a Span| Task {
        worker: rec.workers.get(span.worker).map_or("?", String::as_str),
        label: &span.label,
        start_ms: ms(span.start),
        end_ms: span.end.map_or(0.0, ms),
        thread: (span.thread)
            .and_then(|t| rec.task_threads.get(t))
            .map(|(name, _)| name.as_str()),
    };
    let report = Report {
        lesson,
        time_scale,
        lines: &rec.lines,
        tasks: rec.finished().map(task).collect(),
        lost_tasks: rec.spans.iter().filter(|s| s.lost).map(task).collect(),
        elapsed_ms: ms(facts.elapsed),
        ideal_ms: facts.ideal.map(ms),
        sequential_ms: facts.sequential.map(ms),
        interrupted: facts.interrupted,
        errors: &rec.errors,
        extra,
    };
    // Serialising plain strings and numbers cannot fail; NaN cannot occur
    // because every figure is a duration.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_document_has_the_fixed_fields() {
        let mut rec = Recording::default();
        let worker = rec.worker("thread 1");
        rec.add(
            worker,
            "Number : 0",
            Duration::from_millis(1),
            Duration::from_millis(101),
        );
        rec.lines.push("Number : 0".to_owned());
        let child = rec.worker("worker 2");
        rec.lost(
            child,
            "5",
            Duration::from_millis(20),
            Duration::from_millis(30),
        );
        rec.open(worker, Duration::from_millis(102));
        let facts = Facts {
            elapsed: Duration::from_millis(150),
            ideal: Some(Duration::from_millis(100)),
            sequential: None,
            finished: 1,
            planned: 2,
            interrupted: true,
        };
        let mut extra = Map::new();
        extra.insert("pids".to_owned(), Value::from(vec![1, 2]));
        let text = render("lesson-xx", 0.05, &rec, &facts, &extra);
        let doc: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(doc["lesson"], "lesson-xx");
        assert_eq!(doc["time_scale"], 0.05);
        assert_eq!(doc["lines"], serde_json::json!(["Number : 0"]));
        // The cut span is not a task: it never printed its line.
        assert_eq!(doc["tasks"].as_array().map(Vec::len), Some(1));
        assert_eq!(doc["tasks"][0]["worker"], "thread 1");
        assert_eq!(doc["tasks"][0]["start_ms"], 1.0);
        assert_eq!(doc["tasks"][0]["end_ms"], 101.0);
        // A lost one is listed apart, ending where its worker died.
        let lost = &doc["lost_tasks"];
        assert_eq!(lost.as_array().map(Vec::len), Some(1), "{lost}");
        assert_eq!(lost[0]["worker"], "worker 2");
        assert_eq!(
            (lost[0]["start_ms"].as_f64(), lost[0]["end_ms"].as_f64()),
            (Some(20.0), Some(30.0))
        );
        assert_eq!(doc["elapsed_ms"], 150.0);
        assert_eq!(doc["ideal_ms"], 100.0);
        assert_eq!(doc["sequential_ms"], Value::Null);
        assert_eq!(doc["interrupted"], true);
        assert_eq!(doc["pids"], serde_json::json!([1, 2]));
    }
}
