//! A lesson's `--json` run as an SVG timeline, the picture beside the
//! terminal's: a row per worker, a bar per task, each bar labelled with
//! the task's line when it fits (else its last word), and a cross where a
//! task was lost with its worker.

use std::collections::HashMap;

use plotters::prelude::*;
use plotters::style::text_anchor;
use serde_json::Value;

use crate::charts::{self, RUST};

/// The colour of the cross where a task was lost, as the terminal's `X`.
const LOST: RGBColor = RGBColor(0x8B, 0x00, 0x00);

/// A task as the JSON document records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub worker: String,
    pub label: String,
    pub start_ms: f64,
    pub end_ms: f64,
}

/// What the timeline needs from a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub lesson: String,
    pub elapsed_ms: f64,
    pub ideal_ms: Option<f64>,
    /// Kinds of worker (`thread`, `worker`) in the order they first ran a
    /// task; each kind in its numbers' order, `thread 2` before `thread 10`.
    pub workers: Vec<String>,
    pub tasks: Vec<Task>,
    /// Tasks lost with their worker: each ends where the worker died.
    pub lost: Vec<Task>,
}

impl Timeline {
    /// Reads a lesson's `--json` document.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|err| format!("not a lesson's --json document: {err}"))?;
        let elapsed_ms = doc["elapsed_ms"]
            .as_f64()
            .ok_or("the document has no elapsed_ms")?;
        let list = doc["tasks"].as_array().ok_or("the document has no tasks")?;
        let tasks = read_tasks(list)?;
        // Older documents have no lost tasks.
        let lost = match doc["lost_tasks"].as_array() {
            Some(list) => read_tasks(list)?,
            None => Vec::new(),
        };
        let mut workers: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for task in tasks.iter().chain(&lost) {
            if seen.insert(task.worker.as_str()) {
                workers.push(task.worker.clone());
            }
        }
        order_rows(&mut workers, &tasks);
        Ok(Self {
            lesson: doc["lesson"].as_str().unwrap_or("a lesson").to_owned(),
            elapsed_ms,
            ideal_ms: doc["ideal_ms"].as_f64(),
            workers,
            tasks,
            lost,
        })
    }

    /// The SVG document.
    pub fn svg(&self, title: Option<&str>) -> Result<String, String> {
        let failed =
            |err: &dyn std::fmt::Display| format!("cannot draw the timeline: {err}");
        let rows = self.workers.len().max(1);
        // Room below the chart for the key to the crosses.
        let key = if self.lost.is_empty() { 0 } else { 24 };
        let (width, height) = (820, 90 + 34 * rows as u32 + key);
        let seconds = self.elapsed_ms >= 2000.0;
        let scale = if seconds { 1e-3 } else { 1.0 };
        let end = (self.elapsed_ms * scale).max(1e-9);
        let mut heading = title.map_or_else(|| self.lesson.clone(), str::to_owned);
        let unit = if seconds { "s" } else { "ms" };
        heading
            .push_str(&format!(": elapsed {:.2} {unit}", self.elapsed_ms * scale));
        if let Some(ideal) = self.ideal_ms {
            heading.push_str(&format!(", ideal {:.2} {unit}", ideal * scale));
        }
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, (width, height))
                .into_drawing_area();
            root.fill(&WHITE).map_err(|e| failed(&e))?;
            let (area, key_area) = root.split_vertically(height - key);
            let mut chart = ChartBuilder::on(&area)
                .caption(heading, ("sans-serif", 16))
                .margin(10)
                .margin_right(30)
                .x_label_area_size(30)
                .y_label_area_size(150)
                .build_cartesian_2d(0.0..end, 0.0..rows as f64)
                .map_err(|e| failed(&e))?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .x_desc(unit)
                .label_style(("sans-serif", 12))
                .draw()
                .map_err(|e| failed(&e))?;
            // Row r spans y r..r+1 from the bottom: the first worker takes
            // the top row, as in the terminal's timeline.
            let bottom = |worker: usize| (rows - 1 - worker) as f64;
            let index: HashMap<&str, usize> = (self.workers.iter())
                .enumerate()
                .map(|(i, worker)| (worker.as_str(), i))
                .collect();
            let row_of = |task: &Task| {
                bottom(index.get(task.worker.as_str()).copied().unwrap_or(0))
            };
            let names =
                TextStyle::from(("sans-serif", 12)).pos(text_anchor::Pos::new(
                    text_anchor::HPos::Right,
                    text_anchor::VPos::Center,
                ));
            for (i, worker) in self.workers.iter().enumerate() {
                let (x, y) = chart.backend_coord(&(0.0, bottom(i) + 0.5));
                let name = Text::new(worker.clone(), (x - 8, y), names.clone());
                area.draw(&name).map_err(|e| failed(&e))?;
            }
            let plot_width = chart.plotting_area().dim_in_pixel().0;
            chart
                .draw_series(self.tasks.iter().map(|task| {
                    let row = row_of(task);
                    Rectangle::new(
                        [
                            (task.start_ms * scale, row + 0.18),
                            (task.end_ms * scale, row + 0.82),
                        ],
                        RUST.mix(0.85).filled(),
                    )
                }))
                .map_err(|e| failed(&e))?;
            // A thin white line between bars that touch, as the terminal's
            // `][` does.
            chart
                .draw_series(self.tasks.iter().map(|task| {
                    let row = row_of(task);
                    let x = task.start_ms * scale;
                    PathElement::new(vec![(x, row + 0.18), (x, row + 0.82)], WHITE)
                }))
                .map_err(|e| failed(&e))?;
            let style = TextStyle::from(("sans-serif", 11)).color(&WHITE).pos(
                text_anchor::Pos::new(
                    text_anchor::HPos::Left,
                    text_anchor::VPos::Center,
                ),
            );
            let labels = self.tasks.iter().filter_map(|task| {
                let pixels = (task.end_ms - task.start_ms) / self.elapsed_ms
                    * plot_width as f64;
                let label = fitting(&task.label, pixels)?;
                let at = (task.start_ms * scale, row_of(task) + 0.5);
                Some(EmptyElement::at(at) + Text::new(label, (4, 0), style.clone()))
            });
            chart.draw_series(labels).map_err(|e| failed(&e))?;
            // A lost task: a pale bar for the work done, and a cross where
            // the worker died, as the terminal's `[--X`.
            chart
                .draw_series(self.lost.iter().map(|task| {
                    let row = row_of(task);
                    Rectangle::new(
                        [
                            (task.start_ms * scale, row + 0.18),
                            (task.end_ms * scale, row + 0.82),
                        ],
                        RUST.mix(0.3).filled(),
                    )
                }))
                .map_err(|e| failed(&e))?;
            let stroke = |i: usize| PathElement::new(CROSS[i], LOST.stroke_width(2));
            chart
                .draw_series(self.lost.iter().map(|task| {
                    EmptyElement::at((task.end_ms * scale, row_of(task) + 0.5))
                        + stroke(0)
                        + stroke(1)
                }))
                .map_err(|e| failed(&e))?;
            if !self.lost.is_empty() {
                let at = chart.backend_coord(&(0.0, 0.0)).0;
                let mark = EmptyElement::at((at + 6, key as i32 / 2))
                    + stroke(0)
                    + stroke(1);
                key_area.draw(&mark).map_err(|e| failed(&e))?;
                let said = "a task lost with its worker (it runs again elsewhere)";
                let style =
                    TextStyle::from(("sans-serif", 12)).pos(text_anchor::Pos::new(
                        text_anchor::HPos::Left,
                        text_anchor::VPos::Center,
                    ));
                let text = Text::new(said, (at + 18, key as i32 / 2), style);
                key_area.draw(&text).map_err(|e| failed(&e))?;
            }
            root.present().map_err(|e| failed(&e))?;
        }
        Ok(charts::tidy(&text))
    }
}

/// Orders the rows: by kind (the name before its first digit), kinds in the
/// order their first task started, each kind's workers by their numbers:
/// workers started together (four threads at once) keep their numbers'
/// order, whichever happened to start first. Each key is worked out once,
/// so that tens of thousands of rows take no longer than their sort.
fn order_rows(workers: &mut [String], tasks: &[Task]) {
    let kind = |name: &str| {
        name.split(|c: char| c.is_ascii_digit())
            .next()
            .unwrap_or("")
            .to_owned()
    };
    let mut first_start: HashMap<String, f64> = HashMap::new();
    for task in tasks {
        let first = first_start
            .entry(kind(&task.worker))
            .or_insert(f64::INFINITY);
        *first = first.min(task.start_ms);
    }
    // The kinds in the order their first task started (a kind that only
    // lost a task, last), and each kind's place in that order.
    let mut kinds: Vec<(f64, String)> = (first_start.iter())
        .map(|(kind, first)| (*first, kind.clone()))
        .chain(workers.iter().map(|w| (f64::INFINITY, kind(w))))
        .collect();
    kinds.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut place: HashMap<String, usize> = HashMap::new();
    for (_, kind) in kinds {
        let next = place.len();
        place.entry(kind).or_insert(next);
    }
    workers.sort_by_cached_key(|worker| {
        (place.get(&kind(worker)).copied(), natural(worker))
    });
}

/// A name as text and numbers, so that names sort by their numbers' values.
fn natural(name: &str) -> Vec<(String, u64)> {
    let mut parts = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let text_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (text, after) = rest.split_at(text_len);
        let digits = after.len()
            - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, after) = after.split_at(digits);
        parts.push((text.to_owned(), number.parse().unwrap_or(0)));
        rest = after;
    }
    parts
}

/// A cross 10 pixels wide around a point: its two strokes, in pixels.
const CROSS: [[(i32, i32); 2]; 2] = [[(-5, -5), (5, 5)], [(-5, 5), (5, -5)]];

/// The tasks of a document's list: each with a worker, label, start_ms and
/// end_ms.
fn read_tasks(list: &[Value]) -> Result<Vec<Task>, String> {
    let mut tasks = Vec::new();
    for task in list {
        let text = |field: &str| task[field].as_str().map(str::to_owned);
        let number = |field: &str| task[field].as_f64();
        // An async task's row names the OS thread that ran it, as the
        // terminal's timeline does ("numbers on main").
        let worker = match (text("worker"), text("thread")) {
            (Some(task), Some(thread)) => Some(format!("{task} on {thread}")),
            (worker, _) => worker,
        };
        match (worker, text("label"), number("start_ms"), number("end_ms")) {
            (Some(worker), Some(label), Some(start_ms), Some(end_ms)) => {
                tasks.push(Task {
                    worker,
                    label,
                    start_ms,
                    end_ms,
                })
            }
            _ => {
                return Err(format!(
                    "a task without worker, label, start_ms and end_ms: {task}"
                ));
            }
        }
    }
    Ok(tasks)
}

/// The label, or its last word, if it fits in a bar `pixels` wide (11 px
/// sans-serif is about 6.5 px a character); else none.
fn fitting(label: &str, pixels: f64) -> Option<String> {
    let fits = |text: &str| (text.chars().count() as f64 * 6.5 + 8.0) <= pixels;
    if fits(label) {
        return Some(label.to_owned());
    }
    let word = label.rsplit([' ', ':']).find(|w| !w.is_empty())?;
    fits(word).then(|| word.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = r#"{"lesson": "lesson-01-threads", "time_scale": 0.05,
        "lines": ["letter : a", "Number : 0", "letter : b"],
        "tasks": [
            {"worker": "thread 2", "label": "letter : a", "start_ms": 0.2, "end_ms": 100.3},
            {"worker": "thread 1", "label": "Number : 0", "start_ms": 0.1, "end_ms": 100.4},
            {"worker": "thread 2", "label": "letter : b", "start_ms": 100.3, "end_ms": 200.5}
        ],
        "elapsed_ms": 250.9, "ideal_ms": 250.0, "sequential_ms": 450.0}"#;

    #[test]
    fn rows_go_by_kind_in_start_order_then_by_number() {
        let task = |worker: &str, start_ms| Task {
            worker: worker.to_owned(),
            label: String::new(),
            start_ms,
            end_ms: start_ms + 1.0,
        };
        let tasks = [
            task("rayon 2", 30.0),
            task("thread 2", 20.1),
            task("main", 0.0),
            task("thread 1", 20.2),
            task("rayon 1-2", 40.0),
            task("thread 10", 20.0),
            task("rayon 1", 31.0),
        ];
        let mut rows: Vec<String> = tasks.iter().map(|t| t.worker.clone()).collect();
        order_rows(&mut rows, &tasks);
        let expected = [
            "main",
            "thread 1",
            "thread 2",
            "thread 10",
            "rayon 1",
            "rayon 1-2",
            "rayon 2",
        ];
        assert_eq!(rows, expected);
    }

    #[test]
    fn workers_are_rows_in_their_numbers_order() {
        let timeline = Timeline::from_json(RUN).expect("a run");
        assert_eq!(timeline.workers, ["thread 1", "thread 2"]);
        let mut names =
            vec!["worker 10", "worker 2", "process 1 (squares)", "worker 1"];
        names.sort_by_key(|name| natural(name));
        assert_eq!(
            names,
            ["process 1 (squares)", "worker 1", "worker 2", "worker 10"]
        );
        assert_eq!(timeline.tasks.len(), 3);
        assert_eq!(timeline.tasks[2].label, "letter : b");
    }

    #[test]
    fn the_svg_has_a_bar_per_task_and_a_label_per_row() {
        let svg = Timeline::from_json(RUN)
            .expect("a run")
            .svg(None)
            .expect("an SVG");
        assert!(svg.starts_with("<svg"), "{svg}");
        // The bars are the only shapes in the lesson's colour.
        assert_eq!(svg.matches("fill=\"#B7410E\"").count(), 3, "{svg}");
        for text in [
            "thread 1",
            "thread 2",
            "letter : a",
            "Number : 0",
            "ideal 250.00 ms",
        ] {
            assert!(svg.contains(text), "{text} missing in {svg}");
        }
        // The first worker's row is the top one, as in the terminal.
        assert!(text_y(&svg, "thread 1") < text_y(&svg, "thread 2"), "{svg}");
        // Inlined in a Markdown page, a blank line would end the SVG early.
        assert!(!svg.contains("\n\n"));
    }

    /// The y of the `<text>` element that says `text`.
    fn text_y(svg: &str, text: &str) -> f64 {
        let at = svg.find(&format!(">\n{text}\n</text>")).expect("the text");
        let element = &svg[svg[..at].rfind("<text").expect("its element")..at];
        let y = element
            .split(" y=\"")
            .nth(1)
            .expect("a y")
            .split('"')
            .next();
        y.and_then(|y| y.parse().ok()).expect("a number")
    }

    #[test]
    fn a_lost_task_ends_in_a_cross_where_its_worker_died() {
        let run = r#"{"lesson": "lesson-04-processpool", "elapsed_ms": 300.0,
            "tasks": [
                {"worker": "worker 1", "label": "Square: 1", "start_ms": 0.0, "end_ms": 100.0},
                {"worker": "worker 1", "label": "Square: 25", "start_ms": 150.0, "end_ms": 250.0}
            ],
            "lost_tasks": [
                {"worker": "worker 2", "label": "5", "start_ms": 0.5, "end_ms": 120.0}
            ]}"#;
        let timeline = Timeline::from_json(run).expect("a run");
        // The worker that died has its row, though it finished nothing.
        assert_eq!(timeline.workers, ["worker 1", "worker 2"]);
        let svg = timeline.svg(None).expect("an SVG");
        // Two strokes at the end of the lost bar, two in the key below.
        let crosses = svg.matches("stroke=\"#8B0000\"").count();
        assert_eq!(crosses, 4, "{svg}");
        assert!(svg.contains("a task lost with its worker"), "{svg}");
        // Without a lost task, no cross and no key.
        let svg = Timeline::from_json(RUN)
            .expect("a run")
            .svg(None)
            .expect("an SVG");
        assert!(!svg.contains("#8B0000") && !svg.contains("lost"), "{svg}");
        let bad =
            r#"{"elapsed_ms": 1.0, "tasks": [], "lost_tasks": [{"worker": "w"}]}"#;
        assert!(Timeline::from_json(bad).is_err());
    }

    #[test]
    fn long_labels_shrink_to_their_last_word_or_vanish() {
        assert_eq!(
            fitting("Square: 144", 200.0).as_deref(),
            Some("Square: 144")
        );
        assert_eq!(fitting("Square: 144", 40.0).as_deref(), Some("144"));
        assert_eq!(fitting("Square: 144", 10.0), None);
    }

    #[test]
    fn a_document_without_tasks_is_refused() {
        assert!(Timeline::from_json(r#"{"elapsed_ms": 1.0}"#).is_err());
        assert!(Timeline::from_json("elapsed 1 s").is_err());
        let bad = r#"{"elapsed_ms": 1.0, "tasks": [{"worker": "w"}]}"#;
        assert!(Timeline::from_json(bad).is_err());
    }
}
