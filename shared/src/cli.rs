//! The options every lesson takes, parsed with clap so that a bad value gets
//! a clear message naming the option and exit status 2.

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser};

/// Options shared by every lesson.
#[derive(Args, Debug, Clone, PartialEq)]
pub struct Common {
    /// Multiply every sleep by S: 1 keeps the notebook's timings, 0.1 runs
    /// ten times quicker
    #[arg(
        long,
        value_name = "S",
        env = "LESSON_TIME_SCALE",
        default_value_t = 1.0,
        allow_negative_numbers = true,
        value_parser = parse_time_scale
    )]
    pub time_scale: f64,

    /// Do not draw the timeline at the end
    #[arg(long)]
    pub no_timeline: bool,

    /// Print the run as one JSON document instead of lines, summary and timeline
    #[arg(long)]
    pub json: bool,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            time_scale: 1.0,
            no_timeline: false,
            json: false,
        }
    }
}

/// A lesson with no options of its own.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct NoArgs {}

#[derive(Parser, Debug)]
struct Cli<A: Args> {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    lesson: A,
}

/// Parses the command line into the shared options and the lesson's own.
/// On a bad argument clap prints the problem and exits with status 2.
pub(crate) fn parse<A: Args>(name: &str, about: &str) -> (Common, A) {
    let mut command = Cli::<A>::command()
        .name(name.to_owned())
        .bin_name(name.to_owned())
        .about(about_text(about))
        .after_help(chapter_text(name))
        // A value that starts with '-' ("-inf", "-1") is still the value of
        // the option before it, which then refuses it with clap's "invalid
        // value" message naming the option; otherwise clap would read
        // "-inf" as the flags -i, -n and -f, and complain about those.
        .mut_args(|arg| {
            let takes_a_value = arg.get_action().takes_values();
            if arg.get_long().is_some() && takes_a_value {
                arg.allow_hyphen_values(true)
            } else {
                arg
            }
        });
    let from_env = std::env::var_os(TIME_SCALE_ENV);
    // Not text at all: clap would only say "invalid UTF-8 was detected",
    // without naming the variable. Left to the check below.
    let not_text = from_env.as_ref().is_some_and(|v| v.to_str().is_none());
    // An empty variable is taken as unset, as shells and most tools do.
    let empty = from_env.is_some_and(|v| v.to_string_lossy().trim().is_empty());
    if not_text || empty {
        command = command.mut_arg("time_scale", |arg| arg.env(None));
    }
    let matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|err| exit_with(&err));
    if not_text
        && matches.value_source("time_scale") != Some(ValueSource::CommandLine)
    {
        let message = format!(
            "invalid value for {TIME_SCALE_ENV} in the environment: it is not \
             valid UTF-8 (unset it, or give --time-scale S)"
        );
        exit_with(
            &clap::Error::raw(ErrorKind::InvalidUtf8, message).format(&mut command),
        );
    }
    let cli =
        Cli::<A>::from_arg_matches(&matches).unwrap_or_else(|err| exit_with(&err));
    (cli.common, cli.lesson)
}

/// Prints clap's message (the help, or an error) and exits: 0 after the
/// help, 2 after an error. Where clap would exit 0 without a word when the
/// help cannot be written (`--help >/dev/full`), this says so and exits 1.
fn exit_with(err: &clap::Error) -> ! {
    let printed = err.print();
    // The help goes to stdout; an error message to stderr, where a failed
    // write changes nothing: the status still says "usage error".
    if let (Err(why), false) = (printed, err.use_stderr()) {
        crate::output::warn(format_args!("cannot write the output: {why}"));
        std::process::exit(1);
    }
    std::process::exit(err.exit_code())
}

/// The variable that sets the time scale when `--time-scale` is not given.
const TIME_SCALE_ENV: &str = "LESSON_TIME_SCALE";

/// The top line of `--help`: the package's description, or a general line.
fn about_text(about: &str) -> String {
    if about.is_empty() {
        "A lesson of the Rust concurrency course".to_owned()
    } else {
        about.to_owned()
    }
}

/// Where the lesson's chapter is: `lesson-01-threads` is chapter
/// `01-threads` of the book in docs/.
fn chapter_text(name: &str) -> String {
    let chapter = name.strip_prefix("lesson-").unwrap_or(name);
    format!(
        "Its chapter: docs/src/{chapter}.md in the course's repository; \
         `make docs` builds the book (docs/book/html/{chapter}.html)."
    )
}

/// The largest time scale: a lesson of 18 s then runs for five hours, and
/// every scaled sleep still fits a `Duration`.
const MAX_TIME_SCALE: f64 = 1000.0;

/// Accepts a number above 0 and at most [`MAX_TIME_SCALE`].
pub(crate) fn parse_time_scale(text: &str) -> Result<f64, String> {
    // The value may come from LESSON_TIME_SCALE: say so, or the learner
    // looks for a --time-scale they never typed.
    let from = "(from --time-scale, or LESSON_TIME_SCALE in the environment)";
    let scale: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("not a number {from}"))?;
    // Written so that NaN, which fails every comparison, is refused too.
    if !(scale > 0.0 && scale <= MAX_TIME_SCALE) {
        return Err(format!(
            "must be above 0 and at most {MAX_TIME_SCALE} {from}"
        ));
    }
    Ok(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_scale_accepts_positive_numbers() {
        assert_eq!(parse_time_scale("1"), Ok(1.0));
        assert_eq!(parse_time_scale("0.05"), Ok(0.05));
        assert_eq!(parse_time_scale(" 2.5 "), Ok(2.5));
        assert_eq!(parse_time_scale("1000"), Ok(1000.0));
    }

    #[test]
    fn time_scale_rejects_what_cannot_scale_a_sleep() {
        for bad in [
            "-1", "0", "NaN", "nan", "inf", "-inf", "abc", "", "1s", "1e308",
        ] {
            assert!(parse_time_scale(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::<NoArgs>::command().debug_assert();
    }
}
