//! The two pages a run's figures become, both rendered from the raw figures
//! the benchmark saves (`results.json`), so that `course-bench table` can
//! render them again without measuring anything:
//!
//! - `table.md`, which the Measured chapter includes: what a learner reads,
//!   narrow enough for the book's column (each lesson row with an anchor
//!   the chapters link to);
//! - `targets.md`, for the course's contributors: every target the course
//!   set itself, beside its figure, and whether it is met.

use std::fmt::Write;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lessons::{Kind, Measured, Side};
use crate::machine::Machine;
use crate::stats::{Spread, Unit};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Lang {
    Rust,
    Python,
}

/// What a figure should be, from the issue and the design.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Target {
    /// The median under this.
    Below(f64),
    /// The median at least this ("at least 0.9 x cores").
    AtLeast(f64),
    /// The median over this many times another row's median (by id).
    TimesOther(f64, &'static str),
    /// The median at most another row's divided by this ("a tenth of").
    TimesBelowOther(f64, &'static str),
    /// A target with no figure to check.
    Described(&'static str),
}

/// One micro-measurement, as the benchmark makes it.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub id: &'static str,
    pub group: &'static str,
    pub what: &'static str,
    pub lang: Lang,
    pub unit: Unit,
    pub figure: Result<Spread, String>,
    pub targets: Vec<Target>,
}

impl Measure {
    pub fn new(
        id: &'static str,
        group: &'static str,
        what: &'static str,
        lang: Lang,
        unit: Unit,
        figure: Result<Spread, String>,
    ) -> Self {
        Self {
            id,
            group,
            what,
            lang,
            unit,
            figure,
            targets: Vec::new(),
        }
    }

    pub fn target(mut self, target: Target) -> Self {
        self.targets.push(target);
        self
    }
}

/// One run's raw figures, as `results.json` holds them: what both pages
/// are rendered from.
#[derive(Debug, Deserialize)]
pub struct Results {
    pub machine: Machine,
    pub time_scale: f64,
    pub runs: usize,
    /// The command that made the figures (a file without it: `make bench`).
    #[serde(default = "make_bench")]
    pub command: String,
    /// What the run could not measure, and why.
    #[serde(default)]
    pub skipped: Vec<String>,
    pub lessons: Vec<LessonFigures>,
    pub micro: Vec<MeasureFigures>,
}

fn make_bench() -> String {
    "make bench".to_owned()
}

/// A lesson and its twin, as saved.
#[derive(Debug, Deserialize)]
pub struct LessonFigures {
    pub lesson: LessonName,
    pub rust: Result<Side, String>,
    pub python: Result<Side, String>,
    /// `Some(false)` when the twin printed other lines than the lesson.
    pub same_lines: Option<bool>,
}

/// What the pages need to know about a lesson.
#[derive(Debug, Deserialize)]
pub struct LessonName {
    /// `01-threads`: the chapter's file, the row's anchor.
    pub name: String,
    pub kind: Kind,
    pub note: String,
}

/// A micro-measurement, as saved.
#[derive(Debug, Deserialize)]
pub struct MeasureFigures {
    pub id: String,
    pub group: String,
    pub what: String,
    pub lang: Lang,
    pub unit: Unit,
    pub figure: Result<Spread, String>,
    pub targets: Vec<Goal>,
}

/// A [`Target`] as saved (the other row's id is owned now).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Goal {
    Below(f64),
    AtLeast(f64),
    TimesOther(f64, String),
    TimesBelowOther(f64, String),
    Described(String),
}

/// The `results.json` document of a run: everything both pages show.
pub fn raw(
    machine: &Machine,
    command: &str,
    time_scale: f64,
    runs: usize,
    skipped: &[String],
    lessons: &[Measured],
    micro: &[Measure],
) -> Value {
    serde_json::json!({
        "machine": machine,
        "command": command,
        "time_scale": time_scale,
        "runs": runs,
        "skipped": skipped,
        "lessons": lessons,
        "micro": micro,
    })
}

impl Results {
    /// The figures in a `results.json` document.
    pub fn from_value(raw: Value) -> Result<Self, String> {
        serde_json::from_value(raw)
            .map_err(|err| format!("not the benchmark's results: {err}"))
    }

    /// The figures in the file `path`.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = fs::read_to_string(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        let raw = serde_json::from_str(&text)
            .map_err(|err| format!("{} is not JSON: {err}", path.display()))?;
        Self::from_value(raw).map_err(|err| format!("{}: {err}", path.display()))
    }
}

/// Whether a figure meets a goal: `None` when it cannot be told (no
/// figure, a goal with nothing to check, or another row with no figure).
pub fn verdict(
    median: Option<f64>,
    goal: &Goal,
    all: &[MeasureFigures],
) -> Option<bool> {
    let median = median?;
    match goal {
        Goal::Below(bound) => Some(median < *bound),
        Goal::AtLeast(bound) => Some(median >= *bound),
        Goal::TimesOther(times, other) => {
            let other = all.iter().find(|m| m.id == *other)?;
            let theirs = other.figure.as_ref().ok()?.median;
            Some(median >= times * theirs)
        }
        Goal::TimesBelowOther(times, other) => {
            let other = all.iter().find(|m| m.id == *other)?;
            let theirs = other.figure.as_ref().ok()?.median;
            Some(median * times <= theirs)
        }
        Goal::Described(_) => None,
    }
}

fn describe(goal: &Goal, unit: Unit, all: &[MeasureFigures]) -> String {
    match goal {
        Goal::Below(bound) => format!("< {}", unit.bound(*bound)),
        Goal::AtLeast(bound) => format!("≥ {}", unit.bound(*bound)),
        Goal::TimesOther(times, other) => {
            let name = (all.iter().find(|m| m.id == *other))
                .map_or(other.as_str(), |m| m.what.as_str());
            if *times == 1.0 {
                format!("more than {name}")
            } else {
                format!("≥ {times}x {name}")
            }
        }
        Goal::TimesBelowOther(times, other) => {
            let name = (all.iter().find(|m| m.id == *other))
                .map_or(other.as_str(), |m| m.what.as_str());
            format!("≤ {name} / {times}")
        }
        Goal::Described(text) => text.clone(),
    }
}

fn yes_no(verdicts: &[Option<bool>]) -> &'static str {
    if verdicts.is_empty() {
        ""
    } else if verdicts.contains(&Some(false)) {
        "**no**"
    } else if verdicts.iter().all(|v| *v == Some(true)) {
        "yes"
    } else {
        "—"
    }
}

/// A side's figure in a unit, or why there is none.
fn figure(
    side: &Result<Side, String>,
    pick: impl Fn(&Side) -> Option<Spread>,
    unit: Unit,
) -> String {
    match side {
        Ok(side) => pick(side).map_or("n/a".to_owned(), |s| unit.show_spread(&s)),
        Err(why) => why.clone(),
    }
}

/// The lesson's name, linked to its chapter, after the anchor that the
/// chapters' "Measured" links point at.
fn lesson_cell(name: &str) -> String {
    format!("<span id=\"lesson-{name}\"></span>[{name}]({name}.md)")
}

/// The page the Measured chapter includes: the machine, then each table
/// narrow enough for the book's column (a few columns each, no targets).
pub fn book(results: &Results) -> String {
    let mut out = String::new();
    let machine = &results.machine;
    let python = machine.python.as_deref().unwrap_or("not found");
    let _ = writeln!(
        out,
        "Measured on {} by `{}`.\n",
        machine.date, results.command
    );
    let _ = writeln!(out, "| machine | |\n|---|---|");
    for (what, value) in [
        ("CPU", machine.cpu.clone()),
        ("cores", machine.cores.to_string()),
        ("memory", machine.memory.clone()),
        ("OS", machine.os.clone()),
        ("Rust", machine.rustc.clone()),
        ("Python", python.to_owned()),
        ("load average at the start", machine.load.clone()),
    ] {
        let _ = writeln!(out, "| {what} | {value} |");
    }
    if !results.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped in this run:\n");
        for why in &results.skipped {
            let _ = writeln!(out, "- {why}");
        }
    }
    out.push_str(&lessons_tables(results));
    out.push_str(&where_it_goes(&results.lessons));
    out.push_str(&micro_tables(&results.micro));
    out
}

fn lessons_tables(results: &Results) -> String {
    let mut out = String::new();
    let runs = match results.runs {
        1 => "1 run each, taking turns.".to_owned(),
        n => format!(
            "{n} runs each, taking turns. A figure is the median of the runs, \
             with the fastest and the slowest in brackets."
        ),
    };
    let _ = writeln!(
        out,
        "\n### The lessons\n\nEach lesson and its Python twin at time scale {}, {runs}\n",
        results.time_scale,
    );
    let planned = |l: &&LessonFigures| {
        l.rust
            .as_ref()
            .map_or(l.lesson.kind != Kind::Unplanned, |s| s.ideal_ms.is_some())
    };
    let (with_plan, without): (Vec<&LessonFigures>, Vec<&LessonFigures>) =
        results.lessons.iter().partition(planned);

    let _ = writeln!(
        out,
        "How long each lesson took beyond its ideal time (elapsed - ideal):\n"
    );
    let _ = writeln!(out, "| lesson | ideal | Rust | Python |\n|---|---|---|---|");
    for row in &with_plan {
        let ideal = (row.rust.as_ref().ok())
            .and_then(|s| s.ideal_ms)
            // A plan's sums of whole sleeps: `18 s`, `0.5 s`, not `18000 ms`.
            .map_or(String::new(), |ms| format!("{} s", ms / 1e3));
        let _ = writeln!(
            out,
            "| {} | {ideal} | {} | {} |",
            lesson_cell(&row.lesson.name),
            figure(&row.rust, |s| s.overhead_ms, Unit::Ms),
            figure(&row.python, |s| s.overhead_ms, Unit::Ms),
        );
    }

    let _ = writeln!(
        out,
        "\nTheir speedup (sequential / elapsed), beside the most their plan allows:\n"
    );
    let _ = writeln!(out, "| lesson | ideal | Rust | Python |\n|---|---|---|---|");
    for row in &with_plan {
        let ideal = (row.rust.as_ref().ok())
            .and_then(|s| s.ideal_speedup)
            // No sequential time (lesson 09's crowd of waits): no speedup.
            .map_or_else(|| "n/a".to_owned(), |x| Unit::Times.show(x));
        let _ = writeln!(
            out,
            "| [{name}]({name}.md) | {ideal} | {} | {} |",
            figure(&row.rust, |s| s.speedup, Unit::Times),
            figure(&row.python, |s| s.speedup, Unit::Times),
            name = row.lesson.name,
        );
    }

    if !without.is_empty() {
        let _ = writeln!(
            out,
            "\nThe lessons with no ideal time (they time several ways of doing \
             one thing): how long a whole run took.\n"
        );
        let _ = writeln!(out, "| lesson | Rust | Python |\n|---|---|---|");
        for row in &without {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                lesson_cell(&row.lesson.name),
                figure(&row.rust, |s| Some(s.elapsed_ms), Unit::Ms),
                figure(&row.python, |s| Some(s.elapsed_ms), Unit::Ms),
            );
        }
    }

    let notes: Vec<String> = (results.lessons.iter())
        .filter_map(|row| {
            let mut said = Vec::new();
            if !row.lesson.note.is_empty() {
                said.push(row.lesson.note.clone());
            }
            if row.same_lines == Some(false) {
                said.push(
                    "**the twin printed other lines than the lesson**".to_owned(),
                );
            }
            (!said.is_empty())
                .then(|| format!("- {}: {}.", row.lesson.name, said.join("; ")))
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\nWhat to know about some of these rows:\n");
        for note in notes {
            let _ = writeln!(out, "{note}");
        }
    }
    out
}

/// Where a process lesson's overhead goes, from the Rust lesson's own
/// tasks: starting the workers, and the end after the last result.
fn where_it_goes(lessons: &[LessonFigures]) -> String {
    let mut out = String::new();
    let rows: Vec<(&LessonFigures, &Side)> = (lessons.iter())
        .filter(|m| m.lesson.kind == Kind::Process)
        .filter_map(|m| Some((m, m.rust.as_ref().ok()?)))
        .collect();
    if rows.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nWhere a process lesson's time beyond the ideal goes, from the Rust \
         lesson's own record of its tasks: when the last worker to start began \
         its first task (starting the children), and the time from the last \
         result to the end (the shutdown).\n"
    );
    let _ = writeln!(
        out,
        "| lesson | the last worker began | last result to the end |\n|---|---|---|"
    );
    let show =
        |s: Option<Spread>| s.map_or("n/a".to_owned(), |s| Unit::Ms.show_spread(&s));
    for (m, side) in rows {
        let _ = writeln!(
            out,
            "| [{name}]({name}.md) | {} | {} |",
            show(side.start_ms),
            show(side.tail_ms),
            name = m.lesson.name,
        );
    }
    out
}

/// One small table per group of measurements, the group's name heading
/// its first column.
fn micro_tables(micro: &[MeasureFigures]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n### Threads, processes and pools\n\nMedian (min..max) of the rounds; \
         each round times a batch and divides by its count.\n"
    );
    let mut groups: Vec<&str> = Vec::new();
    for m in micro {
        if !groups.contains(&m.group.as_str()) {
            groups.push(&m.group);
        }
    }
    for group in groups {
        let _ = writeln!(out, "| {group} | side | figure |\n|---|---|---|");
        for m in micro.iter().filter(|m| m.group == group) {
            let figure = match &m.figure {
                Ok(spread) => m.unit.show_spread(spread),
                Err(why) => why.clone(),
            };
            let _ = writeln!(out, "| {} | {:?} | {figure} |", m.what, m.lang);
        }
        out.push('\n');
    }
    out
}

/// The contributors' page: every target the course set itself, beside the
/// figure of the same run and whether it is met.
pub fn targets(results: &Results) -> String {
    let mut out = String::new();
    let machine = &results.machine;
    let _ = writeln!(
        out,
        "# The course's targets, against the last run\n\n\
         Written by `course-bench` with the Measured chapter's table, from the \
         same `results.json`: the run `{}` made on {} ({} cores, load average \
         {} at the start). Each figure is the median, with the smallest and \
         largest in brackets; the targets are medians on a machine doing \
         nothing else. `bench/README.md` says where each one stands and why.\n",
        results.command, machine.date, machine.cores, machine.load
    );
    let _ = writeln!(
        out,
        "| measurement | figure | target | met |\n|---|---|---|---|"
    );
    for row in &results.lessons {
        let Some(bound) = row.lesson.kind.target_ms() else {
            continue;
        };
        let over = row.rust.as_ref().ok().and_then(|s| s.overhead_ms);
        let met = match over {
            Some(over) if over.median < bound => "yes",
            Some(_) => "**no**",
            None => "",
        };
        let _ = writeln!(
            out,
            "| `lesson-{}`: Rust's time over the ideal | {} | < {} | {met} |",
            row.lesson.name,
            figure(&row.rust, |s| s.overhead_ms, Unit::Ms),
            Unit::Ms.bound(bound),
        );
    }
    for m in results.micro.iter().filter(|m| !m.targets.is_empty()) {
        let median = m.figure.as_ref().ok().map(|s| s.median);
        let figure = match &m.figure {
            Ok(spread) => m.unit.show_spread(spread),
            Err(why) => why.clone(),
        };
        let goals: Vec<String> = (m.targets.iter())
            .map(|goal| describe(goal, m.unit, &results.micro))
            .collect();
        let verdicts: Vec<Option<bool>> = (m.targets.iter())
            .filter(|goal| !matches!(goal, Goal::Described(_)))
            .map(|goal| verdict(median, goal, &results.micro))
            .collect();
        let _ = writeln!(
            out,
            "| {}, {:?}: {} | {figure} | {} | {} |",
            m.group,
            m.lang,
            m.what,
            goals.join("; "),
            yes_no(&verdicts)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::lessons::{LESSONS, Run};

    /// mdBook's content column (its `--content-max-width`), in CSS pixels.
    const COLUMN: f64 = 750.0;
    /// A table cell's padding in mdBook (20 px each side) and its border.
    const CELL: f64 = 41.0;

    /// How wide a word is drawn in the book, erring wide: Open Sans at
    /// 16 px is under 9.5 px a character, bold included; inline code
    /// (Source Code Pro at 14 px) is 8.4 px a character, plus its padding.
    fn word_width(word: &str, code: bool) -> f64 {
        let chars = word.chars().count() as f64;
        if code { chars * 8.4 + 6.0 } else { chars * 9.5 }
    }

    /// What a cell shows: the text of its links, without its HTML anchors
    /// or bold marks.
    fn shown(cell: &str) -> String {
        let mut text = cell.replace("**", "");
        while let (Some(open), Some(close)) =
            (text.find("<span"), text.find("</span>"))
        {
            text.replace_range(open..close + "</span>".len(), "");
        }
        while let Some(start) = text.find("](") {
            let end = text[start..]
                .find(')')
                .map_or(text.len(), |e| start + e + 1);
            text.replace_range(start..end, "");
            if let Some(open) = text[..start].rfind('[') {
                text.remove(open);
            }
        }
        text
    }

    /// The narrowest width of a cell: its longest word (a cell wraps at
    /// spaces only).
    fn narrowest_cell(cell: &str) -> f64 {
        let mut widest: f64 = 0.0;
        for (n, piece) in shown(cell).split('`').enumerate() {
            let code = n % 2 == 1;
            for word in piece.split_whitespace() {
                widest = widest.max(word_width(word, code));
            }
        }
        widest
    }

    /// The narrowest a browser can draw a Markdown table: each column as
    /// wide as its widest word, plus each cell's padding.
    fn narrowest(table: &[&str]) -> f64 {
        let mut columns: Vec<f64> = Vec::new();
        for row in table.iter().filter(|row| !row.starts_with("|---")) {
            let cells = row.trim().trim_start_matches('|').trim_end_matches('|');
            for (n, cell) in cells.split('|').enumerate() {
                if columns.len() <= n {
                    columns.push(0.0);
                }
                columns[n] = columns[n].max(narrowest_cell(cell));
            }
        }
        columns.iter().map(|width| width + CELL).sum()
    }

    /// The Markdown tables of a page, each as its lines.
    fn tables(page: &str) -> Vec<Vec<&str>> {
        let mut found: Vec<Vec<&str>> = Vec::new();
        let mut inside = false;
        for line in page.lines() {
            match (line.starts_with('|'), inside) {
                (true, true) => found.last_mut().expect("a table").push(line),
                (true, false) => found.push(vec![line]),
                (false, _) => {}
            }
            inside = line.starts_with('|');
        }
        found
    }

    fn committed(file: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/src/measured")
            .join(file)
    }

    fn spread(samples: &[f64]) -> Result<Spread, String> {
        Spread::of(samples).ok_or_else(|| "none".to_owned())
    }

    fn machine() -> Machine {
        Machine {
            cpu: "Test CPU".into(),
            cores: 2,
            memory: "1.0 GiB".into(),
            os: "Test OS".into(),
            rustc: "rustc 1.95.0".into(),
            python: None,
            load: "0.00".into(),
            date: "2026-12-01 12:00 UTC".into(),
        }
    }

    /// A run of every lesson, saved and read back as `course-bench table`
    /// reads it: 0.2, 0.4 and 0.3 ms over a 10 s ideal for each lesson
    /// with a plan, and one slow micro-measurement with a target.
    fn saved_run() -> Results {
        let run = |elapsed_ms, planned: bool| Run {
            elapsed_ms,
            ideal_ms: planned.then_some(10_000.0),
            sequential_ms: planned.then_some(18_000.0),
            lines: Vec::new(),
            start_ms: Some(1.5),
            tail_ms: Some(0.4),
        };
        let lessons: Vec<Measured> = (LESSONS.iter())
            .map(|lesson| {
                let planned = lesson.kind != Kind::Unplanned;
                let runs = [10_000.2, 10_000.4, 10_000.3].map(|ms| run(ms, planned));
                Measured {
                    lesson,
                    rust: Side::of(&runs).ok_or_else(String::new),
                    python: Err("python3 not found".into()),
                    same_lines: None,
                }
            })
            .collect();
        let micro = vec![
            Measure::new(
                "slow",
                "process spawn + wait",
                "slow",
                Lang::Rust,
                Unit::Us,
                spread(&[1500.0, 1400.0]),
            )
            .target(Target::Below(1000.0)),
        ];
        let skipped = vec!["Python: python3 not found".to_owned()];
        let raw = raw(
            &machine(),
            "make bench-quick",
            1.0,
            3,
            &skipped,
            &lessons,
            &micro,
        );
        // Through text, as results.json is written and read.
        let text = serde_json::to_string_pretty(&raw).expect("JSON");
        Results::from_value(serde_json::from_str(&text).expect("JSON"))
            .expect("results")
    }

    #[test]
    fn the_book_shows_every_lesson_once_and_no_targets() {
        let page = book(&saved_run());
        assert!(page.contains("by `make bench-quick`"), "{page}");
        assert!(page.contains("| CPU | Test CPU |"), "{page}");
        assert!(page.contains("- Python: python3 not found"), "{page}");
        for lesson in LESSONS {
            let anchor = format!("<span id=\"lesson-{}\"></span>", lesson.name);
            assert_eq!(page.matches(&anchor).count(), 1, "{anchor} in\n{page}");
        }
        let row = (page.lines())
            .find(|l| l.contains("id=\"lesson-01-threads\""))
            .expect("lesson 01's row");
        // Medians and ranges of 0.2, 0.4 and 0.3 ms over the ideal.
        assert!(
            row.ends_with("| 10 s | 0.300 ms (0.200..0.400) | python3 not found |"),
            "{row}"
        );
        // 18 s of sleeps in 10 000.3 ms, against 18 / 10 allowed.
        assert!(
            page.contains(
                "| [01-threads](01-threads.md) | 1.80x | 1.80x (1.80..1.80) |"
            ),
            "{page}"
        );
        // A lesson with no plan shows its elapsed time instead.
        assert!(page.contains("| 10000 ms (10000..10000) |"), "{page}");
        // Only the process lessons say where their overhead goes.
        assert!(page.contains("| [02-processes](02-processes.md) | 1.50 ms (1.50..1.50) | 0.400 ms (0.400..0.400) |"), "{page}");
        assert!(
            !page.contains("| [01-threads](01-threads.md) | 1.50 ms"),
            "{page}"
        );
        // Medians of 1.4 and 1.5 ms, shown in ms.
        assert!(
            page.contains("| slow | Rust | 1.45 ms (1.40..1.50) |"),
            "{page}"
        );
        for word in ["target", "met", "< 1 ms", "< 0.5 ms", "**no**"] {
            assert!(
                !page.contains(word),
                "the book's table says {word:?}:\n{page}"
            );
        }
    }

    #[test]
    fn the_targets_page_judges_each_target() {
        let page = targets(&saved_run());
        assert!(
            page.contains("the run `make bench-quick` made on 2026-12-01 12:00 UTC"),
            "{page}"
        );
        // 0.3 ms over: a sleep lesson's target is under 0.5 ms, a process
        // lesson's under 3 ms.
        assert!(page.contains("| `lesson-01-threads`: Rust's time over the ideal | 0.300 ms (0.200..0.400) | < 0.5 ms | yes |"), "{page}");
        assert!(page.contains("| `lesson-02-processes`: Rust's time over the ideal | 0.300 ms (0.200..0.400) | < 3 ms | yes |"), "{page}");
        // No target for the scraper or the lessons with no plan.
        for lesson in ["06-scraper", "05-locked-counter", "08-rayon"] {
            assert!(
                !page.contains(&format!("`lesson-{lesson}`")),
                "{lesson} in\n{page}"
            );
        }
        assert!(page.contains("| process spawn + wait, Rust: slow | 1.45 ms (1.40..1.50) | < 1 ms | **no** |"), "{page}");
    }

    #[test]
    fn targets_against_another_row_need_its_figure() {
        let measure = |id: &str, figure| MeasureFigures {
            id: id.to_owned(),
            group: "pool".to_owned(),
            what: id.to_owned(),
            lang: Lang::Python,
            unit: Unit::PerSecond,
            figure,
            targets: Vec::new(),
        };
        let all = vec![
            measure("theirs", spread(&[1e4])),
            measure("gone", Err("missing".into())),
        ];
        let times = |n, other: &str| Goal::TimesOther(n, other.to_owned());
        assert_eq!(verdict(Some(2e5), &times(20.0, "theirs"), &all), Some(true));
        assert_eq!(
            verdict(Some(1.9e5), &times(20.0, "theirs"), &all),
            Some(false)
        );
        assert_eq!(verdict(Some(2e5), &times(20.0, "gone"), &all), None);
        // "At least 20x smaller": a twentieth of the other's, or less.
        let below = Goal::TimesBelowOther(20.0, "theirs".to_owned());
        assert_eq!(verdict(Some(500.0), &below, &all), Some(true));
        assert_eq!(verdict(Some(501.0), &below, &all), Some(false));
        assert_eq!(verdict(None, &Goal::Below(1.0), &all), None);
        assert_eq!(verdict(Some(0.9), &Goal::Below(1.0), &all), Some(true));
        assert_eq!(verdict(Some(1.0), &Goal::Below(1.0), &all), Some(false));
        // "At least 0.9 x cores": the bound itself meets it.
        assert_eq!(verdict(Some(1.8), &Goal::AtLeast(1.8), &all), Some(true));
        assert_eq!(verdict(Some(1.79), &Goal::AtLeast(1.8), &all), Some(false));
    }

    #[test]
    fn the_measure_of_a_table_tells_one_too_wide_for_the_book() {
        // The nine columns the lessons' table had, with targets and verdicts.
        let wide = [
            "| lesson | ideal | Rust overhead | Python overhead | speedup Rust | speedup Python | ideal speedup | target (Rust overhead) | met |",
            "|---|---|---|---|---|---|---|---|---|",
            "| <span id=\"lesson-00-sequential\"></span>`lesson-00-sequential` | 18000 ms | 0.0809 ms (0.0575..0.175) | 1.76 ms (1.73..1.80) | 1.00x (1.00..1.00) | 1.00x (1.00..1.00) | 1.00x | < 0.5 ms | yes |",
        ];
        assert!(narrowest(&wide) > COLUMN, "{}", narrowest(&wide));
        // A word is measured whole, a link by its text.
        assert_eq!(
            narrowest(&["| [ab](x.md) | `abc` |"]),
            2.0 * 9.5 + 3.0 * 8.4 + 6.0 + 2.0 * CELL
        );
    }

    #[test]
    fn every_table_of_the_book_fits_its_column() {
        let saved = Results::read(&committed("results.json"))
            .expect("the committed results");
        for results in [saved, saved_run()] {
            let page = book(&results);
            let found = tables(&page);
            assert!(found.len() >= 5, "{page}");
            for table in found {
                let width = narrowest(&table);
                assert!(
                    width <= COLUMN,
                    "{width:.0} px, over {COLUMN}:\n{}",
                    table.join("\n")
                );
            }
        }
    }

    #[test]
    fn the_committed_pages_are_the_committed_results_rendered() {
        // `make bench-table` renders them again after a change here.
        let results = Results::read(&committed("results.json"))
            .expect("the committed results");
        for (file, page) in [
            ("table.md", book(&results)),
            ("targets.md", targets(&results)),
        ] {
            let text = fs::read_to_string(committed(file)).expect(file);
            assert!(
                text == page,
                "{file} is not results.json rendered: run `make bench-table`"
            );
        }
    }
}
