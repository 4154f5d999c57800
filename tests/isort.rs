//! isort: in every fixture project configured for isort (`[tool.isort]` in `pyproject.toml`,
//! or `.isort.cfg`), the original passes `isort --check-only` and so does every file the
//! migration changes: new imports go where isort, run with the project's configuration,
//! would put them.
//!
//! isort comes from `scripts/equivalence-env` (`target/equivalence/flake8`, pinned). With
//! `CI=true` a missing interpreter or a failed install fails the test; locally it is skipped
//! with a message naming the command to run.

mod common;

use common::{python_files, BIN};

use std::path::{Path, PathBuf};
use std::process::Command;

fn isort_configured(dir: &Path) -> bool {
    dir.join(".isort.cfg").is_file()
        || std::fs::read_to_string(dir.join("pyproject.toml"))
            .is_ok_and(|t| t.contains("[tool.isort]"))
}

/// `isort --check-only --diff` with the project's settings: its complaint, if any.
fn isort_check(isort: &Path, project: &Path, files: &[PathBuf]) -> Option<String> {
    let out = Command::new(isort)
        .args(["--check-only", "--diff", "--settings-path"])
        .arg(project)
        .args(files)
        .output()
        .expect("isort runs");
    (!out.status.success()).then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn new_imports_keep_the_projects_isort_order() {
    let envs = match common::equivalence_envs() {
        Ok(dir) => dir,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{e}"),
        Err(e) => {
            eprintln!("isort test skipped: {e} (run scripts/equivalence-env)");
            return;
        }
    };
    let isort = envs.join("flake8").join("bin").join("isort");
    let projects: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/fixtures/projects"))
        .expect("tests/fixtures/projects exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| isort_configured(p))
        .collect();
    assert!(
        !projects.is_empty(),
        "no fixture project is configured for isort"
    );
    for project in projects {
        let scratch = tempfile::tempdir().expect("temp dir");
        let copy = scratch.path().join("project");
        common::copy_tree(&project, &copy).expect("copied");
        let before = python_files(&copy);
        if let Some(complaint) = isort_check(&isort, &copy, &before) {
            panic!(
                "{}: the original is not in isort's order:\n{complaint}",
                project.display()
            );
        }
        let originals: Vec<Vec<u8>> = before
            .iter()
            .map(|f| std::fs::read(f).expect("read"))
            .collect();
        let out = Command::new(BIN)
            .args(["migrate", "--target", "threading", "--quiet", "."])
            .current_dir(&copy)
            .output()
            .expect("binary runs");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let changed: Vec<PathBuf> = before
            .iter()
            .zip(&originals)
            .filter(|(f, old)| std::fs::read(f).is_ok_and(|new| &new != *old))
            .map(|(f, _)| f.clone())
            .collect();
        assert!(
            !changed.is_empty(),
            "{}: nothing migrated",
            project.display()
        );
        if let Some(complaint) = isort_check(&isort, &copy, &changed) {
            panic!(
                "{}: isort would reorder the migrated imports:\n{complaint}",
                project.display()
            );
        }
    }
}
