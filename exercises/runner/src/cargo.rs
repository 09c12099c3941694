//! Cargo, run by the runner: the exercises' tests built with
//! `cargo build --tests`, and where cargo put each test executable (its
//! JSON messages say).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The cargo that started the runner (`cargo run` sets `CARGO`), else the
/// one on the PATH.
pub fn program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `command` and returns its stdout; its stderr is the error if it
/// fails.
pub fn output(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run {shown}: {err}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("{shown} failed: {}", stderr.trim()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("{shown}: its output is not UTF-8"))
}

/// What a build of test targets produced: the test executables of each
/// package, by the package's folder. A package that did not compile (its
/// library or one of its tests) has none.
#[derive(Debug, Default)]
pub struct Built {
    pub tests: BTreeMap<PathBuf, Vec<PathBuf>>,
}

impl Built {
    /// The test executables of the package in `dir`; empty if it did not
    /// compile.
    pub fn tests_of(&self, dir: &Path) -> &[PathBuf] {
        self.tests.get(dir).map_or(&[], Vec::as_slice)
    }
}

/// Compiler errors: shown on stderr as the compiler writes them, or hidden.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    Shown,
    Hidden,
}

/// Builds the test targets of the workspace at `root` with `args` added
/// (which packages; `--locked` or `--offline`), on as many packages as
/// compile (`--keep-going`), and reads where the executables went. That
/// some did not compile is not an error here: they have no executables.
pub fn build_tests(
    root: &Path,
    target: &Path,
    args: &[&str],
    errors: Errors,
) -> Result<Built, String> {
    let format = match errors {
        Errors::Shown => "--message-format=json-render-diagnostics",
        Errors::Hidden => "--message-format=json",
    };
    let mut command = Command::new(program());
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        // As exercises/.cargo/config.toml says, for the copies outside it.
        .env("CARGO_INCREMENTAL", "0")
        .args(["build", "--quiet", "--tests", "--keep-going", format])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if errors == Errors::Hidden {
        command.stderr(Stdio::null());
    }
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|err| format!("cannot run {shown}: {err}"))?;
    let messages = String::from_utf8_lossy(&output.stdout);
    let built = read_messages(&messages);
    if !output.status.success() && built.tests.is_empty() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    Ok(built)
}

/// Reads cargo's JSON messages, one per line.
fn read_messages(messages: &str) -> Built {
    let mut built = Built::default();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let kinds = message["target"]["kind"].as_array();
        let is_test = kinds.is_some_and(|k| k.iter().any(|k| k == "test"));
        if let (true, Some(exe)) = (is_test, message["executable"].as_str()) {
            let manifest =
                Path::new(message["manifest_path"].as_str().unwrap_or_default());
            let dir = manifest.parent().unwrap_or(manifest).to_owned();
            built.tests.entry(dir).or_default().push(PathBuf::from(exe));
        }
    }
    built
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_test_executables() {
        let messages = r#"
{"reason":"compiler-artifact","manifest_path":"/x/01-a/Cargo.toml","target":{"kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","manifest_path":"/x/01-a/Cargo.toml","target":{"kind":["test"]},"executable":"/t/debug/deps/a-1"}
{"reason":"compiler-artifact","manifest_path":"/x/01-a/Cargo.toml","target":{"kind":["bin"]},"executable":"/t/debug/a"}
{"reason":"compiler-message","manifest_path":"/x/03-c/Cargo.toml","message":{"level":"error"}}
not json: a line cargo did not write
{"reason":"build-finished","success":false}
"#;
        let built = read_messages(messages);
        let tests: Vec<_> = built.tests.iter().collect();
        assert_eq!(
            tests,
            [(
                &PathBuf::from("/x/01-a"),
                &vec![PathBuf::from("/t/debug/deps/a-1")]
            )]
        );
        assert!(built.tests_of(Path::new("/x/03-c")).is_empty());
    }
}
