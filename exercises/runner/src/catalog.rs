//! The exercises, as `cargo metadata` describes them: every package of the
//! exercises' workspace with `[package.metadata.exercise]` in its
//! Cargo.toml. Adding an exercise is adding its folder; nothing here lists
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::cargo;

/// What the learner does in an exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Write the code, in place of the stub's `todo!()`.
    Write,
    /// Find and fix the bug in working-looking code.
    Bug,
}

/// One exercise: the folder `exercises/NN-name/`.
#[derive(Clone, Debug)]
pub struct Exercise {
    /// The folder's name, `NN-name`: what the learner types.
    pub name: String,
    /// The package's name, `exercise-NN-name`.
    pub package: String,
    pub dir: PathBuf,
    /// One line on what to write (the package's `description`).
    pub description: String,
    /// The chapter that teaches it: `docs/src/{chapter}.md`.
    pub chapter: String,
    /// The section of that chapter.
    pub section: String,
    pub kind: Kind,
}

impl Exercise {
    /// The lesson it follows: the `NN` of `NN-name`.
    pub fn lesson(&self) -> &str {
        self.name.get(..2).unwrap_or_default()
    }
}

/// The exercises' workspace: its folder, cargo's target folder, and the
/// exercises in it, by lesson.
pub struct Catalog {
    pub root: PathBuf,
    pub target: PathBuf,
    pub exercises: Vec<Exercise>,
}

impl Catalog {
    /// Reads the workspace at `root` with `cargo metadata`.
    pub fn load(root: &Path) -> Result<Catalog, String> {
        let mut command = Command::new(cargo::program());
        command.current_dir(root).args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--locked",
        ]);
        let text = cargo::output(&mut command)?;
        let metadata: Value = serde_json::from_str(&text)
            .map_err(|err| format!("cannot read cargo metadata's answer: {err}"))?;
        let target = metadata["target_directory"]
            .as_str()
            .ok_or("cargo metadata gave no target_directory")?;
        // "exercises/../target" as the configuration says it: made plain,
        // since its paths are shown, and it must exist for that.
        let _ = std::fs::create_dir_all(target);
        let target =
            std::fs::canonicalize(target).unwrap_or_else(|_| PathBuf::from(target));
        let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
        let mut exercises = Vec::new();
        for package in &packages {
            if !package["metadata"]["exercise"].is_null() {
                exercises.push(exercise(package)?);
            }
        }
        // By lesson; in a lesson, the ones to write before the bugs to find.
        exercises.sort_by_key(|e| {
            (e.lesson().to_owned(), e.kind == Kind::Bug, e.name.clone())
        });
        Ok(Catalog {
            root: root.to_owned(),
            target,
            exercises,
        })
    }

    /// The course's folder, the exercises' parent.
    pub fn course(&self) -> &Path {
        self.root.parent().unwrap_or(&self.root)
    }

    /// The one exercise whose name is `wanted` or starts with it.
    pub fn find(&self, wanted: &str) -> Result<&Exercise, String> {
        if let Some(exact) = self.exercises.iter().find(|e| e.name == wanted) {
            return Ok(exact);
        }
        let matching: Vec<&Exercise> = self
            .exercises
            .iter()
            .filter(|e| e.name.starts_with(wanted))
            .collect();
        match matching.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "no exercise matches EXERCISE={wanted:?}; the exercises: {}",
                self.names(&self.exercises.iter().collect::<Vec<_>>())
            )),
            several => Err(format!(
                "EXERCISE={wanted:?} matches {}: give more of the name",
                self.names(several)
            )),
        }
    }

    fn names(&self, exercises: &[&Exercise]) -> String {
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        names.join(", ")
    }

    /// The chapter's title, from the first line of its file: "Lesson 01:
    /// two threads". The chapter's name if the file cannot be read.
    pub fn chapter_title(&self, exercise: &Exercise) -> String {
        let file = self.chapter_file(exercise);
        std::fs::read_to_string(file)
            .ok()
            .and_then(|text| {
                Some(text.lines().next()?.trim_start_matches("# ").to_owned())
            })
            .unwrap_or_else(|| exercise.chapter.clone())
    }

    /// `docs/src/{chapter}.md`.
    pub fn chapter_file(&self, exercise: &Exercise) -> PathBuf {
        let file = format!("{}.md", exercise.chapter);
        self.course().join("docs/src").join(file)
    }

    /// A path shown to the learner: relative to the course's folder.
    pub fn shown(&self, path: &Path) -> String {
        let relative = path.strip_prefix(self.course()).unwrap_or(path);
        relative.display().to_string()
    }
}

/// An exercise from its package in cargo's metadata.
fn exercise(package: &Value) -> Result<Exercise, String> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let package_name = text(&package["name"]);
    let manifest = PathBuf::from(text(&package["manifest_path"]));
    let dir = manifest.parent().unwrap_or(Path::new(".")).to_owned();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = &package["metadata"]["exercise"];
    let problem = |what: &str| format!("{}: {what}", manifest.display());
    let bytes = name.as_bytes();
    if !(bytes.len() > 3
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[2] == b'-')
    {
        return Err(problem(
            "an exercise's folder is named NN-name, NN the lesson it follows",
        ));
    }
    if package_name != format!("exercise-{name}") {
        return Err(problem(&format!(
            "the package of the folder {name} must be named exercise-{name}"
        )));
    }
    let kind = match meta["kind"].as_str() {
        Some("write") => Kind::Write,
        Some("bug") => Kind::Bug,
        _ => {
            return Err(problem(
                "[package.metadata.exercise] kind must be \"write\" or \"bug\"",
            ));
        }
    };
    let exercise = Exercise {
        name,
        package: package_name,
        dir,
        description: text(&package["description"]),
        chapter: text(&meta["chapter"]),
        section: text(&meta["section"]),
        kind,
    };
    for (field, value) in [
        ("description", &exercise.description),
        ("[package.metadata.exercise] chapter", &exercise.chapter),
        ("[package.metadata.exercise] section", &exercise.section),
    ] {
        if value.is_empty() {
            return Err(problem(&format!("{field} is missing")));
        }
    }
    Ok(exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(names: &[&str]) -> Catalog {
        let exercises = names
            .iter()
            .map(|name| Exercise {
                name: (*name).to_owned(),
                package: format!("exercise-{name}"),
                dir: PathBuf::from(name),
                description: String::new(),
                chapter: String::new(),
                section: String::new(),
                kind: Kind::Write,
            })
            .collect();
        Catalog {
            root: PathBuf::from("/course/exercises"),
            target: PathBuf::from("/course/target"),
            exercises,
        }
    }

    #[test]
    fn a_unique_prefix_finds_an_exercise() {
        let catalog =
            catalog(&["01-join-two", "03-map", "03-map-in-order", "04-worker"]);
        assert_eq!(catalog.find("04").map(|e| e.name.as_str()), Ok("04-worker"));
        assert_eq!(
            catalog.find("01-j").map(|e| e.name.as_str()),
            Ok("01-join-two")
        );
        // A whole name wins over the longer names it begins.
        assert_eq!(
            catalog.find("03-map").map(|e| e.name.as_str()),
            Ok("03-map")
        );
        let several = catalog.find("03").expect_err("two match");
        assert!(several.contains("03-map, 03-map-in-order"), "{several}");
        let none = catalog.find("09").expect_err("none match");
        assert!(none.starts_with("no exercise matches"), "{none}");
    }

    #[test]
    fn a_folder_is_named_for_its_lesson() {
        let package = serde_json::json!({
            "name": "exercise-join-two",
            "manifest_path": "/course/exercises/join-two/Cargo.toml",
            "metadata": {"exercise": {"kind": "write"}}
        });
        let wrong = exercise(&package).expect_err("no lesson number");
        assert!(
            wrong.ends_with("named NN-name, NN the lesson it follows"),
            "{wrong}"
        );
    }

    #[test]
    fn a_package_must_carry_its_folders_name() {
        let package = serde_json::json!({
            "name": "exercise-01-other",
            "manifest_path": "/course/exercises/01-join-two/Cargo.toml",
            "description": "d",
            "metadata": {"exercise": {"chapter": "c", "section": "s", "kind": "write"}}
        });
        let wrong = exercise(&package).expect_err("a mismatched name");
        assert!(
            wrong.contains("must be named exercise-01-join-two"),
            "{wrong}"
        );
    }

    #[test]
    fn metadata_is_read_and_checked() {
        let mut package = serde_json::json!({
            "name": "exercise-01-join-two",
            "manifest_path": "/course/exercises/01-join-two/Cargo.toml",
            "description": "Join two",
            "metadata": {"exercise": {"chapter": "01-threads", "section": "s", "kind": "bug"}}
        });
        let read = exercise(&package).expect("valid");
        assert_eq!((read.name.as_str(), read.kind), ("01-join-two", Kind::Bug));
        package["metadata"]["exercise"]["kind"] = "other".into();
        assert!(exercise(&package).is_err());
        package["metadata"]["exercise"]["kind"] = "write".into();
        package["metadata"]["exercise"]["section"] = "".into();
        let missing = exercise(&package).expect_err("no section");
        assert!(missing.ends_with("section is missing"), "{missing}");
    }
}
