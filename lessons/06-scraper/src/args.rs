//! The lesson's own command-line options, beside the kit's
//! (`--time-scale`, `--json`...). Lesson 09 takes its URLs and its
//! `--timeout` with the same parsers.

use std::ffi::OsStr;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use reqwest::Url;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Pages to scrape (http or https); none: the embedded site's pages
    #[arg(value_name = "URL", value_parser = UrlParser)]
    pub urls: Vec<String>,
    /// A pool of N threads instead of one thread per URL, 1 to 64
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u8).range(1..=64),
        conflicts_with = "sequential"
    )]
    pub workers: Option<u8>,
    /// Fetch the pages one after another, for comparison
    #[arg(long)]
    pub sequential: bool,
    /// Give up on a page after this many seconds, headers and body together
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Give up on a page whose body is larger than this
    #[arg(long, value_name = "BYTES", default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_bytes: u64,
    /// Print each page's links too (picked with a CSS selector)
    #[arg(long)]
    pub links: bool,
    /// Only run the embedded site, until Ctrl-C: point Python at it
    #[arg(long, conflicts_with = "urls")]
    pub serve: bool,
    /// The embedded site's port on 127.0.0.1 (0: any free port)
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,
}

/// The shortest `--timeout`: a millisecond, already too short for most
/// servers; less is no timeout anyone means.
const MIN_TIMEOUT: f64 = 0.001;
/// The longest: a day.
const MAX_TIMEOUT: f64 = 86_400.0;

/// Seconds from [`MIN_TIMEOUT`] to [`MAX_TIMEOUT`].
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| "not a number of seconds".to_owned())?;
    if !(MIN_TIMEOUT..=MAX_TIMEOUT).contains(&secs) {
        return Err(format!(
            "must be from {MIN_TIMEOUT} to {MAX_TIMEOUT} seconds"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// An http or https URL, kept as typed. Anything else (not a URL, another
/// scheme, a port past 65535) is a bad argument, refused before the run.
pub fn parse_url(text: &str) -> Result<String, String> {
    // `Url::parse` drops a newline or a tab silently, and would fetch
    // another page than the one the learner sees.
    if text.chars().any(char::is_control) {
        return Err("a URL has no control characters (a newline?)".to_owned());
    }
    let url = Url::parse(text).map_err(|err| format!("not a URL: {err}"))?;
    match url.scheme() {
        "http" | "https" => Ok(text.to_owned()),
        other => Err(format!("unsupported scheme {other:?}: only http and https")),
    }
}

/// clap's parser for URL arguments: [`parse_url`], with a message that
/// shows the value as [`masked`] does, where clap's own would echo a
/// password, and a newline raw.
#[derive(Clone, Copy, Debug)]
pub struct UrlParser;

impl TypedValueParser for UrlParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let name = arg.map_or_else(|| "URL".to_owned(), ToString::to_string);
        let refuse = |shown: String, why: String| {
            let message = format!("invalid value {shown} for '{name}': {why}\n");
            clap::Error::raw(ErrorKind::ValueValidation, message).with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| {
            refuse(format!("{value:?}"), "not valid UTF-8".to_owned())
        })?;
        parse_url(text).map_err(|why| refuse(format!("{:?}", masked(text)), why))
    }
}

/// `text` with the password of its `user:password@`, if any, replaced by
/// `***`, by reading the text alone: it may be no valid URL at all.
pub fn masked(text: &str) -> String {
    // The authority: after the scheme's colon and its slashes, up to the
    // path, the query or the fragment.
    let Some(colon) = text.find(':') else {
        return text.to_owned();
    };
    let rest = &text[colon + 1..];
    let start =
        colon + 1 + (rest.len() - rest.trim_start_matches(['/', '\\']).len());
    let authority = text[start..]
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or_default();
    // The user's part ends at the last '@'; its password after its first ':'.
    let secret = authority.rfind('@').and_then(|at| {
        let password = authority[..at].find(':')?;
        Some((start + password + 1, start + at))
    });
    match secret {
        Some((from, to)) => format!("{}***{}", &text[..from], &text[to..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_arguments() {
        for good in ["http://127.0.0.1:8/a", "https://example.org", "HTTP://x/"] {
            assert_eq!(parse_url(good).as_deref(), Ok(good));
        }
        let bad = [
            ("not a url", "not a URL: relative URL without a base"),
            ("", "not a URL: relative URL without a base"),
            ("-", "not a URL: relative URL without a base"),
            ("http://127.0.0.1:99999/", "not a URL: invalid port number"),
            (
                "ftp://127.0.0.1/",
                "unsupported scheme \"ftp\": only http and https",
            ),
            (
                "file:///etc/passwd",
                "unsupported scheme \"file\": only http and https",
            ),
            (
                "data:text/html,x",
                "unsupported scheme \"data\": only http and https",
            ),
            ("http://", "not a URL: empty host"),
            ("http://[::1", "not a URL: invalid IPv6 address"),
            (
                "http://127.0.0.1:8/a\nb",
                "a URL has no control characters (a newline?)",
            ),
        ];
        for (text, why) in bad {
            assert_eq!(parse_url(text), Err(why.to_owned()), "{text:?}");
        }
    }

    #[test]
    fn a_password_is_masked_even_in_what_is_no_url() {
        for (text, shown) in [
            (
                "http://user:s3cret@127.0.0.1:99999/a",
                "http://user:***@127.0.0.1:99999/a",
            ),
            ("http:user:s3cret@host", "http:user:***@host"),
            ("http://a:b@c@[::1/x:y@z", "http://a:***@[::1/x:y@z"),
            ("ftp://u:p@host?q", "ftp://u:***@host?q"),
        ] {
            assert_eq!(masked(text), shown, "{text:?}");
        }
        for plain in ["not a url", "http://user@host/a:b", "http://[::1", ""] {
            assert_eq!(masked(plain), plain);
        }
    }

    #[test]
    fn a_timeout_is_a_millisecond_to_a_day() {
        assert_eq!(parse_timeout("0.001"), Ok(Duration::from_millis(1)));
        assert_eq!(parse_timeout(" 86400 "), Ok(Duration::from_secs(86_400)));
        for bad in [
            "0", "4.9e-324", "0.0009", "86400.5", "NaN", "inf", "-1", "soon",
        ] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
