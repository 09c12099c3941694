//! Medians and ranges: every figure in the table is the median of several
//! runs, shown with the smallest and largest, so that a reader sees how
//! much a busy machine moved it.

use serde::{Deserialize, Serialize};

/// The median of some samples, with their range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// How many samples.
    pub runs: usize,
}

impl Spread {
    /// The spread of `samples`, or `None` if there are none (or a NaN,
    /// which no measurement should produce). An even count takes the mean
    /// of the two middle samples.
    pub fn of(samples: &[f64]) -> Option<Self> {
        if samples.is_empty() || samples.iter().any(|s| s.is_nan()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            runs: n,
        })
    }
}

/// The units the table shows, each with its own number of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Ms,
    Us,
    PerSecond,
    Times,
    MbPerSecond,
    /// Memory, in KiB (lesson 09's memory per wait).
    KiB,
}

impl Unit {
    /// A figure in this unit, with its unit: `0.42 ms`, `1.40 M/s`.
    pub fn show(self, value: f64) -> String {
        match self {
            Unit::Ms => format!("{} ms", digits(value)),
            // A process start is thousands of us: a millisecond reads better.
            Unit::Us if value.abs() >= 1e3 => format!("{} ms", digits(value / 1e3)),
            Unit::Us => format!("{} us", digits(value)),
            Unit::Times => format!("{value:.2}x"),
            Unit::MbPerSecond => format!("{} MB/s", digits(value)),
            Unit::KiB => format!("{} KiB", digits(value)),
            Unit::PerSecond if value.abs() >= 1e6 => {
                format!("{} M/s", digits(value / 1e6))
            }
            Unit::PerSecond if value.abs() >= 1e3 => {
                format!("{:.1} k/s", value / 1e3)
            }
            Unit::PerSecond => format!("{value:.0}/s"),
        }
    }

    /// A target's bound, as written in the issue: `0.5 ms`, `200.0 k/s`.
    pub fn bound(self, value: f64) -> String {
        match self {
            Unit::Ms => format!("{value} ms"),
            Unit::Us if value.abs() >= 1e3 => format!("{} ms", value / 1e3),
            Unit::Us => format!("{value} us"),
            _ => self.show(value),
        }
    }

    /// A spread: `0.42 ms (0.31..0.77)`; one run shows the figure alone.
    pub fn show_spread(self, spread: &Spread) -> String {
        // The range in the median's unit: 1.22 ms (0.950..1.98), not 950.
        if self == Unit::Us && spread.median.abs() >= 1e3 {
            let ms = |us: f64| us / 1e3;
            let in_ms = Spread {
                median: ms(spread.median),
                min: ms(spread.min),
                max: ms(spread.max),
                runs: spread.runs,
            };
            return Unit::Ms.show_spread(&in_ms);
        }
        let median = self.show(spread.median);
        if spread.runs < 2 {
            return median;
        }
        // The ends in the median's unit, even where one of them alone would
        // switch units: 844 us (775..1191), never 844 us (775..1.19).
        let bare = |v: f64| match self {
            Unit::Times => format!("{v:.2}"),
            // Rates keep their own prefix: 996.1 k/s (897.8 k..1.05 M).
            Unit::PerSecond => self.show(v).trim_end_matches("/s").to_owned(),
            Unit::Ms | Unit::Us | Unit::MbPerSecond | Unit::KiB => digits(v),
        };
        format!("{median} ({}..{})", bare(spread.min), bare(spread.max))
    }
}

/// Three significant digits or so: 0.0421, 0.421, 4.21, 42.1, 421, 4210.
fn digits(value: f64) -> String {
    let size = value.abs();
    if size >= 100.0 {
        format!("{value:.0}")
    } else if size >= 10.0 {
        format!("{value:.1}")
    } else if size >= 1.0 || size == 0.0 {
        format!("{value:.2}")
    } else if size >= 0.1 {
        format!("{value:.3}")
    } else {
        format!("{value:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_sample() {
        let spread = Spread::of(&[5.0, 1.0, 3.0]).expect("samples");
        assert_eq!(
            spread,
            Spread {
                median: 3.0,
                min: 1.0,
                max: 5.0,
                runs: 3
            }
        );
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let spread = Spread::of(&[4.0, 1.0, 10.0, 2.0]).expect("samples");
        assert_eq!((spread.median, spread.min, spread.max), (3.0, 1.0, 10.0));
    }

    #[test]
    fn no_samples_or_a_nan_is_no_spread() {
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(Spread::of(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn figures_show_their_unit_and_range() {
        let spread = Spread::of(&[0.31, 0.42, 0.77]).expect("samples");
        assert_eq!(Unit::Ms.show_spread(&spread), "0.420 ms (0.310..0.770)");
        let rate = Spread::of(&[1.2e6, 1.4e6, 1.5e6]).expect("samples");
        assert_eq!(
            Unit::PerSecond.show_spread(&rate),
            "1.40 M/s (1.20 M..1.50 M)"
        );
        let one = Spread::of(&[1.8]).expect("a sample");
        assert_eq!(Unit::Times.show_spread(&one), "1.80x");
        assert_eq!(Unit::Us.show(94.0), "94.0 us");
        let process = Spread::of(&[950.0, 1220.0, 1980.0]).expect("samples");
        assert_eq!(Unit::Us.show_spread(&process), "1.22 ms (0.950..1.98)");
        // A median under a millisecond keeps its ends in us, the slowest too.
        let bare = Spread::of(&[775.5, 843.5, 1191.3]).expect("samples");
        assert_eq!(Unit::Us.show_spread(&bare), "844 us (776..1191)");
        let quick = Spread::of(&[42.6, 50.7, 71.1]).expect("samples");
        assert_eq!(Unit::Us.show_spread(&quick), "50.7 us (42.6..71.1)");
        let rayon = Spread::of(&[197.2e6]).expect("a sample");
        assert_eq!(Unit::PerSecond.show_spread(&rayon), "197 M/s");
        assert_eq!(Unit::PerSecond.show(9750.0), "9.8 k/s");
        assert_eq!(Unit::KiB.show(9.13), "9.13 KiB");
        assert_eq!(Unit::KiB.show(0.457), "0.457 KiB");
    }
}
