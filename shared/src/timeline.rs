//! The terminal timeline: one row per worker, one bar per task on a common
//! time axis, in plain ASCII so it reads the same with or without colour, in
//! a terminal, a pipe or the book.
//!
//! ```text
//!           0s    2s    4s    6s    8s    10s
//!           +-----+-----+-----+-----+-----+
//! thread 1  [0---][1---][2---][3---]
//! thread 2  [a---][b---][c---][d---][e---]
//! ```

use std::fmt::Write as _;
use std::time::Duration;

use crate::record::{Recording, Span};

/// The narrowest bar area the timeline draws, whatever the width.
const MIN_COLUMNS: usize = 10;
/// Room a tick label needs, so that labels never run into each other.
const TICK_ROOM: usize = 7;
/// Worker names longer than this are cut to keep room for the bars.
const MAX_NAME: usize = 20;

/// Draws the timeline of `rec` from 0 to `total` in at most `width` columns
/// (a floor of a few columns for the bars applies to very narrow widths).
/// A task that did not finish (Ctrl-C, a panic) ends in `>`, where it
/// stopped, or at `total` if it never did; a task lost with its worker ends
/// in `X` where the worker died. Workers side by side that never ran a
/// task share one line ("worker 4-64  idle").
pub fn render(rec: &Recording, total: Duration, width: usize) -> String {
    let rows = rows(rec);
    let name_width = rows
        .iter()
        .map(|row| row.name.chars().count())
        .max()
        .unwrap_or(0);
    let name_width = name_width.min(MAX_NAME);
    // The ruler has one more column than the bars: the tick at the very end.
    let columns = width.saturating_sub(name_width + 3).max(MIN_COLUMNS);
    let axis = Axis::new(total, columns);
    let margin = " ".repeat(name_width + 2);

    let mut out = String::new();
    let mut narrow = false;
    let _ = writeln!(out, "timeline: one column = {}", axis.column_text());
    let _ = writeln!(out, "{margin}{}", axis.labels());
    let _ = writeln!(out, "{margin}{}", axis.ruler());
    for row in rows {
        let bars: String = match row.worker {
            Some(worker) => {
                let mut cells = vec![' '; columns];
                for span in rec.spans.iter().filter(|s| s.worker == worker) {
                    narrow |= draw_bar(&mut cells, span, &axis);
                }
                cells.into_iter().collect()
            }
            None => "idle".to_owned(),
        };
        let name: String = row.name.chars().take(name_width).collect();
        let line = format!("{name:<name_width$}  {bars}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if rec.spans.iter().any(|span| !span.finished && !span.lost) {
        let _ = writeln!(out, "{margin}[--> a task that did not finish");
    }
    if rec.spans.iter().any(|span| span.lost) {
        let _ = writeln!(
            out,
            "{margin}[--X a task lost with its worker (it runs again elsewhere)"
        );
    }
    if narrow {
        let _ = writeln!(out, "{margin}#    a finished task one column wide");
    }
    out
}

/// A line of the timeline: one worker's row, or several idle workers.
struct Row {
    name: String,
    /// The worker whose bars the row shows; `None` for idle workers.
    worker: Option<usize>,
}

/// The timeline's rows: one per worker, except that two or more workers in
/// a row without a single task share one line, so that a pool of 64 with
/// work for 14 does not draw 50 blank rows.
fn rows(rec: &Recording) -> Vec<Row> {
    let busy = |worker: usize| rec.spans.iter().any(|s| s.worker == worker);
    let mut rows = Vec::new();
    let mut worker = 0;
    while worker < rec.workers.len() {
        let idle = (worker..rec.workers.len())
            .take_while(|&w| !busy(w))
            .count();
        if idle >= 2 {
            let (first, last) =
                (&rec.workers[worker], &rec.workers[worker + idle - 1]);
            rows.push(Row {
                name: span_of_names(first, last),
                worker: None,
            });
            worker += idle;
        } else {
            rows.push(Row {
                name: row_name(rec, worker),
                worker: Some(worker),
            });
            worker += 1;
        }
    }
    rows
}

/// A row's name: its worker's, and for an async task the OS threads that
/// ran it ("numbers on main", "task 3 on worker 1+2").
fn row_name(rec: &Recording, worker: usize) -> String {
    let name = rec.workers[worker].clone();
    let threads = rec.threads_of(worker);
    if threads.is_empty() {
        return name;
    }
    // "worker 1" and "worker 2" make "worker 1+2".
    let numbered: Option<Vec<(&str, &str)>> = (threads.iter())
        .map(|t| t.rsplit_once(' ').filter(|(_, n)| n.parse::<u64>().is_ok()))
        .collect();
    let ran_on = match numbered {
        Some(parts) if parts.iter().all(|(word, _)| *word == parts[0].0) => {
            let numbers: Vec<&str> = parts.iter().map(|(_, n)| *n).collect();
            format!("{} {}", parts[0].0, numbers.join("+"))
        }
        _ => threads.join("+"),
    };
    format!("{name} on {ran_on}")
}

/// "worker 4" and "worker 64" make "worker 4-64"; names that are not one
/// word and a number make "first..last".
fn span_of_names(first: &str, last: &str) -> String {
    let split = |name: &str| {
        let (word, number) = name.rsplit_once(' ')?;
        number
            .parse::<u64>()
            .ok()
            .map(|_| (word.to_owned(), number.to_owned()))
    };
    match (split(first), split(last)) {
        (Some((word, from)), Some((same, to))) if word == same => {
            format!("{word} {from}-{to}")
        }
        _ => format!("{first}..{last}"),
    }
}

/// Maps times to columns.
struct Axis {
    total: Duration,
    columns: usize,
}

impl Axis {
    fn new(total: Duration, columns: usize) -> Self {
        // A zero-length run still gets an axis: one millisecond wide.
        Self {
            total: total.max(Duration::from_millis(1)),
            columns,
        }
    }

    /// The column a moment falls in, rounded, within 0..=columns.
    fn column(&self, at: Duration) -> usize {
        let fraction = at.as_secs_f64() / self.total.as_secs_f64();
        ((fraction * self.columns as f64).round() as usize).min(self.columns)
    }

    fn column_text(&self) -> String {
        duration_text(self.total.as_secs_f64() / self.columns as f64)
    }

    /// The tick spacing: the smallest of 1, 2, 5 x 10^k seconds that leaves
    /// room for a label between ticks.
    fn tick(&self) -> f64 {
        let per_column = self.total.as_secs_f64() / self.columns as f64;
        let wanted = per_column * TICK_ROOM as f64;
        let mut step = 10f64.powf(wanted.log10().floor());
        for factor in [1.0, 2.0, 5.0, 10.0] {
            if step * factor >= wanted {
                step *= factor;
                break;
            }
        }
        step
    }

    fn ticks(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        let step = self.tick();
        (0..)
            .map(move |i| i as f64 * step)
            .take_while(move |&t| t <= self.total.as_secs_f64() + step * 1e-9)
            .map(|t| (self.column(Duration::from_secs_f64(t)), t))
    }

    fn labels(&self) -> String {
        let step = self.tick();
        let mut line = String::new();
        for (column, at) in self.ticks() {
            let text = tick_text(at, step);
            // The last label ends at the ruler's end rather than past it.
            let column = column.min((self.columns + 1).saturating_sub(text.len()));
            // Skip a label that would touch the one before it.
            if column >= line.len() + usize::from(!line.is_empty()) {
                line.push_str(&" ".repeat(column - line.len()));
                line.push_str(&text);
            }
        }
        line
    }

    fn ruler(&self) -> String {
        let mut ruler = vec!['-'; self.columns + 1];
        for (column, _) in self.ticks() {
            ruler[column] = '+';
        }
        ruler.into_iter().collect()
    }
}

/// Draws one task as `[tag---]`, `[tag-->` if it was cut short, or
/// `[tag--X` if it was lost with its worker; returns whether it was a
/// finished task only one column wide, drawn `#`.
fn draw_bar(row: &mut [char], span: &Span, axis: &Axis) -> bool {
    let last = row.len() - 1;
    let start = axis.column(span.start).min(last);
    let end = axis
        .column(span.end.unwrap_or(axis.total))
        .clamp(start + 1, row.len());
    let width = end - start;
    let last_cell = if span.lost {
        'X'
    } else if span.finished {
        ']'
    } else {
        '>'
    };
    if width == 1 {
        row[start] = if span.finished { '#' } else { last_cell };
        return span.finished;
    }
    let tag = short_label(&span.label);
    let mut inside = tag.chars().take(width - 2).chain(std::iter::repeat('-'));
    row[start] = '[';
    for cell in &mut row[start + 1..end - 1] {
        *cell = inside.next().unwrap_or('-');
    }
    row[end - 1] = last_cell;
    false
}

/// The part of a line worth printing inside a bar: what follows the last
/// colon ("Number : 3" -> "3", "Square: 16" -> "16"), or the line itself.
pub fn short_label(label: &str) -> &str {
    match label.rsplit_once(':') {
        Some((_, tail)) if !tail.trim().is_empty() => tail.trim(),
        _ => label.trim(),
    }
}

/// A tick's label: seconds from a second up, with the decimals the step
/// needs ("1s", "1.5s"); milliseconds below a second ("500ms", "1ms",
/// "0.2ms"); microseconds only below a millisecond on an axis whose step is
/// under a millisecond too ("200us").
fn tick_text(at: f64, step: f64) -> String {
    let trimmed = |value: f64, step: f64| {
        let decimals = (-step.log10()).ceil().clamp(0.0, 3.0) as usize;
        let text = format!("{value:.decimals$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        }
    };
    if step >= 1.0 || at >= 1.0 {
        format!("{}s", trimmed(at, step))
    } else if step >= 0.001 || at >= 0.001 {
        format!("{}ms", trimmed(at * 1e3, step * 1e3))
    } else {
        format!("{:.0}us", at * 1e6)
    }
}

fn duration_text(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 0.001 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.0} us", secs * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Two threads as in lesson 01: 4 and 5 tasks of 2 s, side by side.
    fn two_threads() -> Recording {
        let mut rec = Recording::default();
        let numbers = rec.worker("thread 1");
        let letters = rec.worker("thread 2");
        for i in 0..4 {
            let t = 2.0 * f64::from(i);
            rec.add(numbers, &format!("Number : {i}"), secs(t), secs(t + 2.0));
        }
        for (i, letter) in ('a'..='e').enumerate() {
            let t = 2.0 * i as f64;
            rec.add(
                letters,
                &format!("letter : {letter}"),
                secs(t),
                secs(t + 2.0),
            );
        }
        rec
    }

    fn rows(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("thread")).collect()
    }

    #[test]
    fn one_row_per_worker_with_its_bars_in_order() {
        let text = render(&two_threads(), secs(10.0), 80);
        let rows = rows(&text);
        assert_eq!(rows.len(), 2, "{text}");
        assert_eq!(rows[0].matches('[').count(), 4, "{text}");
        assert_eq!(rows[1].matches('[').count(), 5, "{text}");
        let tags: Vec<&str> = rows[1]
            .split('[')
            .skip(1)
            .map(|bar| bar.trim_end_matches(['-', ']', ' ']))
            .collect();
        assert_eq!(tags, ["a", "b", "c", "d", "e"], "{text}");
    }

    #[test]
    fn bars_sit_on_a_common_time_axis() {
        let text = render(&two_threads(), secs(10.0), 80);
        let rows = rows(&text);
        // Task 0 and task a both start at 0 s; Number : 3 ends at 8 s, 4/5 of
        // the way along, where letter d ends too.
        assert_eq!(rows[0].find('['), rows[1].find('['));
        assert_eq!(
            rows[0].rfind(']'),
            rows[1].match_indices(']').nth(3).map(|m| m.0)
        );
        let axis_start = text.lines().nth(2).and_then(|l| l.find('+'));
        assert_eq!(rows[0].find('['), axis_start);
    }

    #[test]
    fn every_line_fits_the_width() {
        for (width, total) in [(40, 10.0), (80, 10.0), (132, 10.0), (80, 0.5)] {
            let text = render(&two_threads(), secs(total), width);
            for line in text.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
    }

    #[test]
    fn the_axis_is_labelled_in_round_steps() {
        let text = render(&two_threads(), secs(10.0), 80);
        let labels = text.lines().nth(1).unwrap_or_default();
        let words: Vec<&str> = labels.split_whitespace().collect();
        assert_eq!(words, ["0s", "2s", "4s", "6s", "8s", "10s"], "{text}");
        let quick = render(&two_threads(), secs(0.5), 80);
        assert!(
            quick.lines().nth(1).unwrap_or_default().contains("100ms"),
            "{quick}"
        );
    }

    #[test]
    fn a_cut_span_ends_with_an_arrow_and_a_legend() {
        let mut rec = Recording::default();
        let main = rec.worker("main");
        rec.add(main, "Number : 0", secs(0.0), secs(2.0));
        rec.open(main, secs(2.0));
        let text = render(&rec, secs(3.0), 60);
        let row = text
            .lines()
            .find(|l| l.starts_with("main"))
            .unwrap_or_default();
        assert!(row.starts_with("main  [0"), "{text}");
        assert!(row.ends_with('>'), "{text}");
        assert!(text.contains("a task that did not finish"), "{text}");
        let whole = render(&two_threads(), secs(10.0), 80);
        assert!(!whole.contains("did not finish"), "{whole}");
    }

    #[test]
    fn a_task_one_column_wide_is_a_hash_and_the_legend_says_so() {
        let mut rec = Recording::default();
        let main = rec.worker("main");
        rec.add(main, "short", secs(0.0), secs(0.01));
        rec.add(main, "Number : 1", secs(1.0), secs(10.0));
        let text = render(&rec, secs(10.0), 60);
        let row = text
            .lines()
            .find(|l| l.starts_with("main"))
            .unwrap_or_default();
        assert!(row.starts_with("main  #"), "{text}");
        assert!(
            text.contains("#    a finished task one column wide"),
            "{text}"
        );
        let whole = render(&two_threads(), secs(10.0), 80);
        assert!(!whole.contains("one column wide"), "{whole}");
    }

    #[test]
    fn a_task_abandoned_midway_stops_where_it_stopped() {
        let mut rec = Recording::default();
        let thread = rec.worker("thread 1");
        let task = rec.open(thread, secs(0.0));
        rec.abandon(task, secs(5.0));
        let text = render(&rec, secs(10.0), 80);
        let row = text
            .lines()
            .find(|l| l.starts_with("thread 1"))
            .unwrap_or_default();
        let axis = text.lines().nth(2).unwrap_or_default();
        // Halfway along the axis, not at its end.
        let half = axis.find('+').unwrap_or(0) + (axis.trim_end().len() - 10) / 2;
        assert!(row.ends_with('>'), "{text}");
        assert!(row.len().abs_diff(half + 1) <= 1, "{text}");
    }

    #[test]
    fn a_lost_task_ends_in_an_x_where_its_worker_died() {
        let mut rec = Recording::default();
        let first = rec.worker("worker 1");
        let second = rec.worker("worker 2");
        rec.lost(first, "5", secs(2.0), secs(2.0));
        rec.add(second, "Square: 25", secs(2.0), secs(4.0));
        let text = render(&rec, secs(4.0), 60);
        let row = |name: &str| {
            let line = text.lines().find(|l| l.starts_with(name));
            line.unwrap_or_default().to_owned()
        };
        // Half way along: where worker 2's bar for the same task starts.
        assert!(row("worker 1").ends_with('X'), "{text}");
        assert_eq!(
            row("worker 1").len() - 1,
            row("worker 2").find('[').unwrap_or_default(),
            "{text}"
        );
        assert!(text.contains("[--X a task lost with its worker"), "{text}");
        assert!(!text.contains("did not finish"), "{text}");
        let long = Recording {
            spans: vec![Span {
                worker: first,
                label: "9".to_owned(),
                start: secs(0.0),
                end: Some(secs(2.0)),
                finished: false,
                lost: true,
                thread: None,
            }],
            ..rec.clone()
        };
        let text = render(&long, secs(4.0), 60);
        assert!(
            row_of(&text, "worker 1").starts_with("worker 1  [9"),
            "{text}"
        );
        assert!(row_of(&text, "worker 1").ends_with("-X"), "{text}");
    }

    fn row_of<'a>(text: &'a str, name: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
    }

    #[test]
    fn idle_workers_side_by_side_share_one_line() {
        let mut rec = Recording::default();
        for n in 1..=64 {
            rec.worker(&format!("worker {n}"));
        }
        rec.add(0, "Square: 1", secs(0.0), secs(2.0));
        rec.add(1, "Square: 4", secs(0.0), secs(2.0));
        // Worker 4 ran one: the idle ones are worker 3 alone, then 5-64.
        rec.add(3, "Square: 9", secs(0.0), secs(2.0));
        let text = render(&rec, secs(2.0), 80);
        let names: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("worker"))
            .map(|l| l.split("  ").next().unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            [
                "worker 1",
                "worker 2",
                "worker 3",
                "worker 4",
                "worker 5-64"
            ],
            "{text}"
        );
        assert!(text.lines().any(|l| l == "worker 5-64  idle"), "{text}");
        assert_eq!(span_of_names("squares", "cubes"), "squares..cubes");
    }

    #[test]
    fn a_task_row_names_the_os_threads_that_ran_it() {
        let mut rec = Recording::default();
        let numbers = rec.add_row("numbers");
        let moved = rec.add_row("task 3");
        let plain = rec.add_row("thread 1");
        let main = rec.task_thread("main", 1);
        let (first, second) =
            (rec.task_thread("worker", 7), rec.task_thread("worker", 5));
        for (row, thread, at) in [
            (numbers, Some(main), 0.0),
            (numbers, Some(main), 2.0),
            (moved, Some(first), 0.0),
            (moved, Some(second), 2.0),
            (plain, None, 0.0),
        ] {
            rec.add(row, "x", secs(at), secs(at + 2.0));
            rec.spans.last_mut().expect("a span").thread = thread;
        }
        rec.number_threads();
        let text = render(&rec, secs(4.0), 80);
        let names: Vec<&str> = (text.lines().skip(3))
            .map(|l| l.split("  ").next().unwrap_or_default())
            .collect();
        // Worker 5 was spawned first: it is worker 1.
        assert_eq!(
            names,
            ["numbers on main", "task 3 on worker 2+1", "thread 1"],
            "{text}"
        );
    }

    #[test]
    fn tick_labels_below_a_second_are_in_milliseconds() {
        assert_eq!(tick_text(0.001, 0.0002), "1ms");
        assert_eq!(tick_text(0.0012, 0.0002), "1.2ms");
        assert_eq!(tick_text(0.0002, 0.0002), "200us");
        assert_eq!(tick_text(0.5, 0.1), "500ms");
        assert_eq!(tick_text(1.5, 0.5), "1.5s");
        assert_eq!(tick_text(4.0, 2.0), "4s");
        // A run of a fraction of a millisecond (--time-scale 1e-5).
        let text = render(&two_threads(), secs(0.0011), 80);
        let labels = text.lines().nth(1).unwrap_or_default();
        assert!(!labels.contains("1000us"), "{text}");
        assert!(labels.contains("1ms"), "{text}");
    }

    #[test]
    fn a_worker_without_tasks_has_an_empty_row() {
        let mut rec = two_threads();
        rec.worker("thread 3");
        let text = render(&rec, secs(10.0), 80);
        assert!(text.lines().any(|l| l == "thread 3"), "{text}");
    }

    #[test]
    fn a_tiny_task_still_shows() {
        let mut rec = Recording::default();
        let main = rec.worker("main");
        rec.add(main, "x", secs(0.0), secs(0.0001));
        let text = render(&rec, secs(10.0), 80);
        assert!(text.lines().any(|l| l == "main  #"), "{text}");
    }

    #[test]
    fn short_labels_keep_what_follows_the_colon() {
        assert_eq!(short_label("Number : 3"), "3");
        assert_eq!(short_label("Square: 16"), "16");
        assert_eq!(short_label("Processed 7"), "Processed 7");
        assert_eq!(short_label("odd:"), "odd:");
    }
}
