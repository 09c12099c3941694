//! The Markdown the Measured chapter includes: the machine, the lessons'
//! table (Rust beside Python, each lesson row with an anchor the chapters
//! link to) and the micro-measurements' table, each target beside its
//! figure with whether it is met.

use std::fmt::Write;

use serde::Serialize;

use crate::lessons::{Kind, Measured, Side};
use crate::machine::Machine;
use crate::stats::{Spread, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

/// One micro-measurement: a row of the second table.
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

/// Whether a figure meets a target: `None` when it cannot be told (no
/// figure, or the other row it is compared with has none).
pub fn verdict(
    median: Option<f64>,
    target: Target,
    all: &[Measure],
) -> Option<bool> {
    let median = median?;
    match target {
        Target::Below(bound) => Some(median < bound),
        Target::AtLeast(bound) => Some(median >= bound),
        Target::TimesOther(times, other) => {
            let other = all.iter().find(|m| m.id == other)?;
            let theirs = other.figure.as_ref().ok()?.median;
            Some(median >= times * theirs)
        }
        Target::TimesBelowOther(times, other) => {
            let other = all.iter().find(|m| m.id == other)?;
            let theirs = other.figure.as_ref().ok()?.median;
            Some(median * times <= theirs)
        }
        Target::Described(_) => None,
    }
}

fn describe(target: Target, unit: Unit, all: &[Measure]) -> String {
    match target {
        Target::Below(bound) => format!("< {}", unit.bound(bound)),
        Target::AtLeast(bound) => format!("≥ {}", unit.bound(bound)),
        Target::TimesOther(times, other) => {
            let name = all.iter().find(|m| m.id == other).map_or(other, |m| m.what);
            if times == 1.0 {
                format!("more than {name}")
            } else {
                format!("≥ {times}x {name}")
            }
        }
        Target::TimesBelowOther(times, other) => {
            let name = all.iter().find(|m| m.id == other).map_or(other, |m| m.what);
            format!("≤ {name} / {times}")
        }
        Target::Described(text) => text.to_owned(),
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

/// The whole generated page fragment.
pub fn render(
    machine: &Machine,
    command: &str,
    time_scale: f64,
    runs: usize,
    lessons: &[Measured],
    micro: &[Measure],
    skipped: &[String],
) -> String {
    let mut out = String::new();
    let python = machine.python.as_deref().unwrap_or("not found");
    let _ = writeln!(out, "Measured on {} by `{command}`.\n", machine.date);
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
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped in this run:\n");
        for why in skipped {
            let _ = writeln!(out, "- {why}");
        }
    }
    let _ = writeln!(
        out,
        "\n### The lessons\n\nEach lesson and its Python twin at time scale {time_scale}, \
         {runs} {} each in alternation; median (min..max). Overhead is elapsed - ideal; \
         speedup is sequential / elapsed, against the ideal's.\n",
        if runs == 1 { "run" } else { "runs" }
    );
    let _ = writeln!(
        out,
        "| lesson | ideal | Rust overhead | Python overhead | speedup Rust | speedup Python | ideal speedup | target (Rust overhead) | met |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for row in lessons {
        out.push_str(&lesson_row(row));
    }
    out.push_str(&where_it_goes(lessons));
    let _ = writeln!(
        out,
        "\n### Threads, processes and pools\n\nMedian (min..max) of the rounds; \
         each round times a batch and divides by its count.\n"
    );
    let _ = writeln!(out, "| measurement | side | what | figure | target | met |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for m in micro {
        let median = m.figure.as_ref().ok().map(|s| s.median);
        let figure = match &m.figure {
            Ok(spread) => m.unit.show_spread(spread),
            Err(why) => why.clone(),
        };
        let targets: Vec<String> = (m.targets.iter())
            .map(|t| describe(*t, m.unit, micro))
            .collect();
        let verdicts: Vec<Option<bool>> = (m.targets.iter())
            .filter(|t| !matches!(t, Target::Described(_)))
            .map(|t| verdict(median, *t, micro))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {:?} | {} | {figure} | {} | {} |",
            m.group,
            m.lang,
            m.what,
            targets.join("; "),
            yes_no(&verdicts)
        );
    }
    out
}

/// Where a process lesson's overhead goes, from the Rust lesson's own
/// tasks: starting the workers, and the end after the last result.
fn where_it_goes(lessons: &[Measured]) -> String {
    let mut out = String::new();
    let rows: Vec<(&Measured, &Side)> = (lessons.iter())
        .filter(|m| m.lesson.kind == Kind::Process)
        .filter_map(|m| Some((m, m.rust.as_ref().ok()?)))
        .collect();
    if rows.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nWhere a process lesson's overhead goes, from the Rust lesson's own tasks: \
         when the last worker to start began its first task (the children's start), \
         and the time from the last result to the end (the shutdown).\n"
    );
    let _ = writeln!(
        out,
        "| lesson | last worker's first task began | last result to the end |"
    );
    let _ = writeln!(out, "|---|---|---|");
    let show =
        |s: Option<Spread>| s.map_or("n/a".to_owned(), |s| Unit::Ms.show_spread(&s));
    for (m, side) in rows {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            m.lesson.package(),
            show(side.start_ms),
            show(side.tail_ms)
        );
    }
    out
}

fn lesson_row(row: &Measured) -> String {
    let lesson = row.lesson;
    let target = lesson.kind.target_ms();
    let target_text =
        target.map_or(String::new(), |b| format!("< {}", Unit::Ms.bound(b)));
    let anchor = format!("<span id=\"lesson-{}\"></span>", lesson.name);
    if let Err(why) = &row.rust {
        // Neither side is worth a figure then: one reason, once.
        return format!(
            "| {anchor}`{}` | | {why} | | | | | {target_text} | |\n",
            lesson.package()
        );
    }
    let show = |side: &Result<Side, String>,
                pick: &dyn Fn(&Side) -> Option<(Spread, Unit)>| {
        match side {
            Ok(side) => {
                pick(side).map_or("n/a".to_owned(), |(s, unit)| unit.show_spread(&s))
            }
            Err(why) => why.clone(),
        }
    };
    let overhead = |s: &Side| s.overhead_ms.map(|o| (o, Unit::Ms));
    let speedup = |s: &Side| s.speedup.map(|o| (o, Unit::Times));
    let rust_overhead = match &row.rust {
        // A lesson with no plan shows its elapsed time instead.
        Ok(side) if side.overhead_ms.is_none() => {
            format!("elapsed {}", Unit::Ms.show_spread(&side.elapsed_ms))
        }
        _ => show(&row.rust, &overhead),
    };
    let python_overhead = match &row.python {
        Ok(side) if side.overhead_ms.is_none() => {
            format!("elapsed {}", Unit::Ms.show_spread(&side.elapsed_ms))
        }
        _ => show(&row.python, &overhead),
    };
    let plan = row.rust.as_ref().ok();
    let ideal = plan
        .and_then(|s| s.ideal_ms)
        .map_or(String::new(), |ms| Unit::Ms.show(ms));
    let ideal_speedup = plan
        .and_then(|s| s.ideal_speedup)
        .map_or(String::new(), |x| Unit::Times.show(x));
    let met = match (&row.rust, target) {
        (Ok(side), Some(bound)) => match side.overhead_ms {
            Some(over) if over.median < bound => "yes",
            Some(_) => "**no**",
            None => "",
        },
        _ => "",
    };
    let mut notes = Vec::new();
    if !lesson.note.is_empty() {
        notes.push(lesson.note.to_owned());
    }
    if row.same_lines == Some(false) {
        notes.push("**the twin printed other lines than the lesson**".to_owned());
    }
    let name = if notes.is_empty() {
        format!("`{}`", lesson.package())
    } else {
        format!("`{}` ({})", lesson.package(), notes.join("; "))
    };
    format!(
        "| {anchor}{name} | {ideal} | {rust_overhead} | {python_overhead} | {} | {} | {ideal_speedup} | {target_text} | {met} |\n",
        show(&row.rust, &speedup),
        show(&row.python, &speedup),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::{LESSONS, Run, Side};

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

    #[test]
    fn targets_against_another_row_need_its_figure() {
        let all = vec![
            Measure::new(
                "ours",
                "pool",
                "ours",
                Lang::Rust,
                Unit::PerSecond,
                spread(&[2e5]),
            ),
            Measure::new(
                "theirs",
                "pool",
                "theirs",
                Lang::Python,
                Unit::PerSecond,
                spread(&[1e4]),
            ),
            Measure::new(
                "gone",
                "pool",
                "gone",
                Lang::Python,
                Unit::PerSecond,
                Err("missing".into()),
            ),
        ];
        assert_eq!(
            verdict(Some(2e5), Target::TimesOther(20.0, "theirs"), &all),
            Some(true)
        );
        assert_eq!(
            verdict(Some(1.9e5), Target::TimesOther(20.0, "theirs"), &all),
            Some(false)
        );
        assert_eq!(
            verdict(Some(2e5), Target::TimesOther(20.0, "gone"), &all),
            None
        );
        assert_eq!(verdict(None, Target::Below(1.0), &all), None);
        assert_eq!(verdict(Some(0.9), Target::Below(1.0), &all), Some(true));
        assert_eq!(verdict(Some(1.0), Target::Below(1.0), &all), Some(false));
        // "At least 20x smaller": a twentieth of the other's, or less.
        let below = Target::TimesBelowOther(20.0, "theirs");
        assert_eq!(verdict(Some(500.0), below, &all), Some(true));
        assert_eq!(verdict(Some(501.0), below, &all), Some(false));
        // "At least 0.9 x cores": the bound itself meets it.
        assert_eq!(verdict(Some(1.8), Target::AtLeast(1.8), &all), Some(true));
        assert_eq!(verdict(Some(1.79), Target::AtLeast(1.8), &all), Some(false));
    }

    #[test]
    fn the_table_has_a_row_per_lesson_and_measure_with_its_verdict() {
        let run = |elapsed_ms| Run {
            elapsed_ms,
            ideal_ms: Some(10_000.0),
            sequential_ms: Some(18_000.0),
            lines: Vec::new(),
            start_ms: Some(1.5),
            tail_ms: Some(0.4),
        };
        let lessons: Vec<Measured> = LESSONS
            .iter()
            .map(|lesson| Measured {
                lesson,
                rust: Side::of(&[run(10_000.2), run(10_000.4), run(10_000.3)])
                    .ok_or_else(String::new),
                python: Err("python3 not found".into()),
                same_lines: None,
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
        let text =
            render(&machine(), "make bench", 1.0, 3, &lessons, &micro, &skipped);
        assert!(text.contains("| CPU | Test CPU |"), "{text}");
        assert!(text.contains("- Python: python3 not found"), "{text}");
        for lesson in LESSONS {
            let anchor = format!("<span id=\"lesson-{}\"></span>", lesson.name);
            assert_eq!(text.matches(&anchor).count(), 1, "{anchor} in\n{text}");
        }
        let row = (text.lines())
            .find(|l| l.contains("lesson-01-threads`"))
            .expect("lesson 01's row");
        assert!(
            row.contains("| 0.300 ms (0.200..0.400) | python3 not found |"),
            "{row}"
        );
        assert!(row.contains("| < 0.5 ms | yes |"), "{row}");
        // Only the process lessons say where their overhead goes.
        assert!(text.contains("| `lesson-02-processes` | 1.50 ms (1.50..1.50) | 0.400 ms (0.400..0.400) |"), "{text}");
        assert!(!text.contains("| `lesson-01-threads` | 1.50 ms"), "{text}");
        let slow = text
            .lines()
            .find(|l| l.contains("| slow |"))
            .expect("the micro row");
        assert!(
            slow.ends_with("| 1.45 ms (1.40..1.50) | < 1 ms | **no** |"),
            "{slow}"
        );
    }
}
