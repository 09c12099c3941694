//! The Measured chapter's charts, drawn as SVG with plotters (its SVG
//! backend only: no system library, text sizes estimated). Each chart is
//! rendered to a string, so that the tests can read what it drew.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

use crate::lessons::Measured;
use crate::stats::{Spread, Unit};
use crate::table::{Lang, Measure};

/// Rust's colour and Python's, the same in every chart.
pub const RUST: RGBColor = RGBColor(0xB7, 0x41, 0x0E);
pub const PYTHON: RGBColor = RGBColor(0x30, 0x69, 0x98);
const IDEAL: RGBColor = RGBColor(0x33, 0x33, 0x33);
const FONT: &str = "sans-serif";

type Result<T> = std::result::Result<T, String>;

/// The series' legend, in the upper left corner, as every chart has it.
fn draw_legend<'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
) -> Result<()> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font((FONT, 13))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(failed)
}

fn failed(err: impl std::fmt::Display) -> String {
    format!("cannot draw the chart: {err}")
}

/// The categories of a segmented axis: plotters' `0..n` holds n + 1 keys,
/// and so would draw an empty last slot.
pub fn slots(n: usize) -> std::ops::Range<usize> {
    0..n.saturating_sub(1)
}

/// The `n`th shade of a side's colour, for charts with several lines a side.
fn shade(lang: Lang, n: usize) -> RGBColor {
    const RUSTS: [RGBColor; 4] = [
        RUST,
        RGBColor(0xE0, 0x7A, 0x3F),
        RGBColor(0x7A, 0x2A, 0x08),
        RGBColor(0xF2, 0xA6, 0x6B),
    ];
    const PYTHONS: [RGBColor; 3] = [
        PYTHON,
        RGBColor(0x6F, 0xA8, 0xDC),
        RGBColor(0x1B, 0x3F, 0x66),
    ];
    match lang {
        Lang::Rust => RUSTS[n % RUSTS.len()],
        Lang::Python => PYTHONS[n % PYTHONS.len()],
    }
}

fn colour(lang: Lang) -> RGBColor {
    match lang {
        Lang::Rust => RUST,
        Lang::Python => PYTHON,
    }
}

/// Draws into an SVG document of `size` and returns it.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        draw(&root)?;
        root.present().map_err(failed)?;
    }
    Ok(tidy(&text))
}

/// The SVG without its blank lines (an empty label is one): the book
/// inlines some SVGs in Markdown, where a blank line ends the HTML block.
/// It also scales down to a narrow page, keeping its proportions.
pub fn tidy(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let svg =
        svg.replacen("<svg ", "<svg style=\"max-width: 100%; height: auto\" ", 1);
    for line in svg.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A note in the middle of an empty chart: what is not measured yet.
fn note(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    why: &str,
) -> Result<()> {
    let (w, h) = root.dim_in_pixel();
    root.titled(title, (FONT, 20)).map_err(failed)?;
    let style = TextStyle::from((FONT, 15)).pos(text_anchor::Pos::new(
        text_anchor::HPos::Center,
        text_anchor::VPos::Center,
    ));
    root.draw(&Text::new(
        why.to_owned(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
    .map_err(failed)
}

/// Speedup per lesson, Rust and Python side by side, the ideal marked.
pub fn speedup(lessons: &[Measured]) -> Result<String> {
    let rows: Vec<(&str, Option<Spread>, Option<Spread>, f64)> = lessons
        .iter()
        .filter_map(|m| {
            let rust = m.rust.as_ref().ok();
            let ideal = rust?.ideal_speedup?;
            let python = m.python.as_ref().ok().and_then(|p| p.speedup);
            Some((m.lesson.name, rust?.speedup, python, ideal))
        })
        .collect();
    let title = "Speedup over sequential: Rust and Python against the ideal (line)";
    svg((820, 420), |root| {
        if rows.is_empty() {
            return note(root, title, "no lesson measured");
        }
        let top = rows.iter().map(|r| r.3).fold(1.0, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(slots(rows.len()).into_segmented(), 0.0..top)
            .map_err(failed)?;
        let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => {
                names.get(*i).copied().unwrap_or("").to_owned()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&label)
            .y_desc("sequential / elapsed")
            .label_style((FONT, 13))
            .draw()
            .map_err(failed)?;
        let segment = chart.plotting_area().dim_in_pixel().0 / rows.len() as u32;
        let (outer, inner) = (segment / 8, segment / 2);
        for (lang, left, right) in
            [(Lang::Rust, outer, inner), (Lang::Python, inner, outer)]
        {
            let bars = rows.iter().enumerate().filter_map(|(i, row)| {
                let value = if lang == Lang::Rust { row.1 } else { row.2 }?;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), value.median),
                    ],
                    colour(lang).filled(),
                );
                bar.set_margin(0, 0, left, right);
                Some(bar)
            });
            chart
                .draw_series(bars)
                .map_err(failed)?
                .label(format!("{lang:?}"))
                .legend(move |(x, y)| {
                    Rectangle::new(
                        [(x, y - 5), (x + 10, y + 5)],
                        colour(lang).filled(),
                    )
                });
        }
        let ideals = rows.iter().enumerate().map(|(i, row)| {
            PathElement::new(
                vec![
                    (SegmentValue::Exact(i), row.3),
                    (SegmentValue::Exact(i + 1), row.3),
                ],
                IDEAL.stroke_width(2),
            )
        });
        chart
            .draw_series(ideals)
            .map_err(failed)?
            .label("ideal")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 10, y)], IDEAL.stroke_width(2))
            });
        draw_legend(&mut chart)
    })
}

/// One horizontal bar per measurement of `group`, on a log scale, the
/// median as the bar and min..max as a whisker.
pub fn log_bars(
    title: &str,
    axis: &str,
    unit: Unit,
    measures: &[&Measure],
) -> Result<String> {
    let bars: Vec<(&Measure, Spread)> = (measures.iter())
        .filter_map(|m| Some((*m, *m.figure.as_ref().ok()?)))
        .collect();
    let height = 90 + 34 * bars.len().max(1) as u32;
    svg((820, height), |root| {
        if bars.is_empty() {
            return note(root, title, "nothing measured");
        }
        let low = bars.iter().map(|b| b.1.min).fold(f64::INFINITY, f64::min) / 3.0;
        let high = bars.iter().map(|b| b.1.max).fold(0.0, f64::max) * 3.0;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(330)
            .build_cartesian_2d(
                (low..high).log_scale(),
                slots(bars.len()).into_segmented(),
            )
            .map_err(failed)?;
        // Slot 0 is at the bottom: the first measurement goes in the top one.
        let bars: Vec<_> = bars.iter().rev().collect();
        let names: Vec<String> = (bars.iter())
            .map(|(m, _)| format!("{:?}: {}", m.lang, short(m.what)))
            .collect();
        let value = |v: &f64| unit.show(*v);
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(bars.len())
            .y_label_formatter(&label)
            .x_label_formatter(&value)
            .x_desc(axis)
            .label_style((FONT, 12))
            .draw()
            .map_err(failed)?;
        let segment = chart.plotting_area().dim_in_pixel().1 / bars.len() as u32;
        let gap = segment / 5;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (m, s))| {
                let mut bar = Rectangle::new(
                    [
                        (low, SegmentValue::Exact(i)),
                        (s.median, SegmentValue::Exact(i + 1)),
                    ],
                    colour(m.lang).filled(),
                );
                bar.set_margin(gap, gap, 0, 0);
                bar
            }))
            .map_err(failed)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, s))| {
                PathElement::new(
                    vec![
                        (s.min, SegmentValue::CenterOf(i)),
                        (s.max, SegmentValue::CenterOf(i)),
                    ],
                    BLACK.stroke_width(2),
                )
            }))
            .map_err(failed)?;
        Ok(())
    })
}

/// The first words of a description, for a chart's narrow label column.
fn short(what: &str) -> String {
    let cut = what.split(" (").next().unwrap_or(what);
    let cut = cut.split(", results").next().unwrap_or(cut);
    cut.chars().take(48).collect()
}

/// One method's line on the CPU chart: its name, its side, and its
/// (cores used, speedup) points.
pub type Scaling = (String, Lang, Vec<(usize, f64)>);

/// Speedup of the CPU job against the number of cores used, beside the
/// ideal (a speedup equal to the cores). `series` holds each method's
/// points; none yet draws the ideal and says so.
pub fn cpu_scaling(cores: usize, series: &[Scaling], why: &str) -> Result<String> {
    let title = "CPU job: speedup over sequential against cores used";
    svg((820, 420), |root| {
        let top = (cores as f64 * 1.2).max(1.5);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.5..cores as f64 + 0.5, 0.0..top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_labels(cores + 1)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("cores used")
            .y_desc("speedup")
            .label_style((FONT, 13))
            .draw()
            .map_err(failed)?;
        let ideal = (1..=cores).map(|c| (c as f64, c as f64));
        chart
            .draw_series(LineSeries::new(ideal, IDEAL.stroke_width(1)))
            .map_err(failed)?
            .label("ideal")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 10, y)], IDEAL));
        // Each line its own shade of its side's colour, and its own marker.
        let mut drawn = [0, 0];
        for (name, lang, points) in series {
            let side = usize::from(*lang == Lang::Python);
            let shade = shade(*lang, drawn[side]);
            drawn[side] += 1;
            let line = points.iter().map(|(c, s)| (*c as f64, *s));
            chart
                .draw_series(LineSeries::new(line.clone(), shade.stroke_width(2)))
                .map_err(failed)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + 10, y)],
                        shade.stroke_width(2),
                    )
                });
            chart
                .draw_series(line.map(|point| Circle::new(point, 3, shade.filled())))
                .map_err(failed)?;
        }
        if series.is_empty() {
            let (w, h) = chart.plotting_area().dim_in_pixel();
            let style = TextStyle::from((FONT, 15)).pos(text_anchor::Pos::new(
                text_anchor::HPos::Center,
                text_anchor::VPos::Center,
            ));
            let centre = chart.plotting_area().strip_coord_spec();
            centre
                .draw(&Text::new(
                    why.to_owned(),
                    (w as i32 / 2, h as i32 / 2),
                    style,
                ))
                .map_err(failed)?;
        }
        draw_legend(&mut chart)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    #[test]
    fn log_bars_draw_a_bar_per_measured_figure() {
        let measure =
            |id, lang, figure| Measure::new(id, "g", id, lang, Unit::Us, figure);
        let all = [
            measure(
                "fast",
                Lang::Rust,
                Spread::of(&[30.0, 40.0]).ok_or_else(String::new),
            ),
            measure(
                "slow",
                Lang::Python,
                Spread::of(&[57_000.0]).ok_or_else(String::new),
            ),
            measure("gone", Lang::Python, Err("missing".into())),
        ];
        let refs: Vec<&Measure> = all.iter().collect();
        let text = log_bars("spawn", "us", Unit::Us, &refs).expect("a chart");
        assert!(text.starts_with("<svg style=\"max-width: 100%"), "{text}");
        assert!(text.contains("Rust: fast") && text.contains("Python: slow"));
        assert!(!text.contains("gone"));
        assert_eq!(text.matches(&format!("fill=\"{}\"", hex(RUST))).count(), 1);
        assert_eq!(
            text.matches(&format!("fill=\"{}\"", hex(PYTHON))).count(),
            1
        );
    }

    #[test]
    fn cpu_lines_of_one_side_differ_in_shade() {
        let series = vec![
            (
                "Rust: rayon".to_owned(),
                Lang::Rust,
                vec![(1, 1.0), (2, 1.9)],
            ),
            (
                "Rust: scope".to_owned(),
                Lang::Rust,
                vec![(1, 1.0), (2, 1.8)],
            ),
            (
                "Python: processes".to_owned(),
                Lang::Python,
                vec![(1, 1.0), (2, 1.5)],
            ),
        ];
        let text = cpu_scaling(2, &series, "").expect("a chart");
        for colour in [
            shade(Lang::Rust, 0),
            shade(Lang::Rust, 1),
            shade(Lang::Python, 0),
        ] {
            let stroke = format!("stroke=\"{}\"", hex(colour));
            assert!(text.contains(&stroke), "{stroke} in {text}");
        }
        assert!(text.contains("Rust: scope") && text.contains("Python: processes"));
    }

    #[test]
    fn an_empty_cpu_chart_says_why() {
        let text = cpu_scaling(2, &[], "not yet measured").expect("a chart");
        assert!(text.contains("not yet measured"), "{text}");
    }
}
