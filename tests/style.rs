//! Style: the migrated output of every fixture must not bring flake8 findings its original
//! did not have. A finding on a line the tool wrote is a bug in the tool.
//!
//! One trial per single-file fixture (`tests/fixtures/<recipe-id>/*.py` through that recipe,
//! `tests/use-cases/*.py` through every recipe, as `tests/fixtures.rs` runs them) and per
//! project of `tests/fixtures/projects/` (migrated by the built binary in a copy, as
//! `tests/projects.rs` runs it). Every file the migration changed is written, original and
//! migrated, into one temp tree; flake8 (`--isolated`: pycodestyle and pyflakes with their
//! defaults, lines up to 79 columns) runs once over it, on first use, and each trial looks up
//! its files: for every file and every code, the output must not have more findings than the
//! original. The failure lists the output's findings of each such code that no finding of the
//! original on an identical line accounts for, with the line.
//!
//! flake8 comes from `scripts/equivalence-env` (`target/equivalence/flake8`, pinned), run on
//! first use. With `CI=true` a missing interpreter or a failed install fails the suite;
//! locally the suite is skipped with a message naming the command to run.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use common::fixtures::{engine, fixtures, root};
use common::{copy_tree, python_files};
use libtest_mimic::{Arguments, Failed, Trial};

mod common;

use common::BIN;

/// Where the original and the migrated copy of each changed file go in the temp tree.
const ORIGINAL: &str = "original";
const MIGRATED: &str = "migrated";

/// flake8 from `scripts/equivalence-env`, which it runs (it does nothing once the
/// environments are ready).
fn flake8() -> Result<PathBuf, String> {
    let dir = common::equivalence_envs()?;
    let flake8 = dir.join("flake8").join("bin").join("flake8");
    if !flake8.exists() {
        return Err(format!("{} is missing", flake8.display()));
    }
    Ok(flake8)
}

/// What a trial checks.
#[derive(Clone)]
enum Subject {
    /// A single-file fixture and the recipe (or `use-cases`) it runs through.
    Fixture { recipe: String, path: PathBuf },
    /// A directory of `tests/fixtures/projects/`.
    Project(PathBuf),
}

impl Subject {
    fn name(&self) -> String {
        match self {
            Subject::Fixture { recipe, path } => format!(
                "style/{recipe}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
            Subject::Project(dir) => format!(
                "style/projects/{}",
                dir.file_name().unwrap_or_default().to_string_lossy()
            ),
        }
    }
}

fn subjects() -> Vec<Subject> {
    let mut out: Vec<Subject> = fixtures()
        .into_iter()
        .map(|(recipe, path)| Subject::Fixture { recipe, path })
        .collect();
    let dir = root().join("tests").join("fixtures").join("projects");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/fixtures/projects exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    out.extend(projects.into_iter().map(Subject::Project));
    out
}

/// A file the migration changed: its path in the temp tree (under [`ORIGINAL`] and
/// [`MIGRATED`]), and both texts.
struct Changed {
    rel: String,
    original: String,
    migrated: String,
}

impl Changed {
    fn new(rel: String, original: &[u8], migrated: &[u8]) -> Changed {
        Changed {
            rel,
            original: String::from_utf8_lossy(original).to_string(),
            migrated: String::from_utf8_lossy(migrated).to_string(),
        }
    }
}

struct Finding {
    row: usize,
    col: usize,
    code: String,
    text: String,
}

/// Everything flake8 found, by trial.
struct Report {
    /// Trial name → its changed files, or why it could not be migrated.
    changed: HashMap<String, Result<Vec<Changed>, String>>,
    /// Temp-tree path (`original/…`, `migrated/…`) → findings.
    findings: HashMap<String, Vec<Finding>>,
}

/// Migrates every subject, writes the changed files into a temp tree and runs flake8 over it
/// once.
fn report(flake8: &Path, subjects: &[Subject]) -> Result<Report, String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let tree = scratch.path().join("tree");
    let work = scratch.path().join("work");
    let write = |rel: &str, original: &[u8], migrated: &[u8]| -> Result<(), String> {
        for (side, bytes) in [(ORIGINAL, original), (MIGRATED, migrated)] {
            let path = tree.join(side).join(rel);
            std::fs::create_dir_all(path.parent().expect("has a parent"))
                .and_then(|()| std::fs::write(&path, bytes))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    };
    let mut changed = HashMap::new();
    for subject in subjects {
        let files = match subject {
            Subject::Fixture { recipe, path } => migrate_fixture(recipe, path, &write),
            Subject::Project(dir) => migrate_project(dir, &work, &write),
        };
        changed.insert(subject.name(), files);
    }

    let mut findings: HashMap<String, Vec<Finding>> = HashMap::new();
    if tree.exists() {
        let out = Command::new(flake8)
            .args(["--isolated", "--max-line-length", "79", ORIGINAL, MIGRATED])
            .current_dir(&tree)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", flake8.display()))?;
        if !matches!(out.status.code(), Some(0 | 1)) || !out.stderr.is_empty() {
            return Err(format!(
                "flake8 failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let (path, finding) =
                parse(line).ok_or_else(|| format!("unexpected flake8 output: {line}"))?;
            findings.entry(path).or_default().push(finding);
        }
    }
    Ok(Report { changed, findings })
}

/// `path:row:col: CODE text`, flake8's default format.
fn parse(line: &str) -> Option<(String, Finding)> {
    let mut parts = line.splitn(4, ':');
    let path = parts.next()?;
    let row = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    let (code, text) = parts.next()?.trim_start().split_once(' ')?;
    let path = path.strip_prefix("./").unwrap_or(path).to_string();
    Some((
        path,
        Finding {
            row,
            col,
            code: code.to_string(),
            text: text.to_string(),
        },
    ))
}

type WriteFn<'a> = dyn Fn(&str, &[u8], &[u8]) -> Result<(), String> + 'a;

fn migrate_fixture(recipe: &str, path: &Path, write: &WriteFn) -> Result<Vec<Changed>, String> {
    let original = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let migration = engine(recipe)
        .migrate(&original)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(migrated) = migration.output else {
        return Ok(Vec::new());
    };
    let rel = format!(
        "{recipe}/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    write(&rel, &original, &migrated)?;
    Ok(vec![Changed::new(rel, &original, &migrated)])
}

/// Runs the binary as `tests/projects.rs` does, without `--dry-run`, on a copy of the project
/// under `work`.
fn migrate_project(project: &Path, work: &Path, write: &WriteFn) -> Result<Vec<Changed>, String> {
    let name = project
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let copy = work.join(&name);
    copy_tree(project, &copy).map_err(|e| format!("copying {}: {e}", project.display()))?;
    let out = Command::new(BIN)
        .args(["migrate", "--target", "threading", "--jobs", "2", "."])
        .current_dir(&copy)
        .output()
        .map_err(|e| format!("cannot run the binary: {e}"))?;
    let code = out.status.code().unwrap_or(-1);
    if code > 2 {
        return Err(format!(
            "exit {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut changed = Vec::new();
    for file in python_files(project) {
        let inner = file.strip_prefix(project).expect("under the project");
        let original = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let migrated =
            std::fs::read(copy.join(inner)).map_err(|e| format!("{}: {e}", file.display()))?;
        if original == migrated {
            continue;
        }
        let rel = format!("projects/{name}/{}", inner.to_string_lossy());
        write(&rel, &original, &migrated)?;
        changed.push(Changed::new(rel, &original, &migrated));
    }
    Ok(changed)
}

/// Line `row` (1-based) of `text`; empty past the end (W391 and the like).
fn line_at(text: &str, row: usize) -> &str {
    row.checked_sub(1)
        .and_then(|i| text.lines().nth(i))
        .unwrap_or("")
}

fn check(report: &Report, name: &str) -> Result<(), Failed> {
    let files = report
        .changed
        .get(name)
        .ok_or_else(|| format!("{name}: not migrated"))?
        .as_ref()
        .map_err(Clone::clone)?;
    let mut problems = String::new();
    for file in files {
        let findings = |side: &str| {
            report
                .findings
                .get(&format!("{side}/{}", file.rel))
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let mut by_code: BTreeMap<&str, (Vec<&Finding>, Vec<&Finding>)> = BTreeMap::new();
        for f in findings(ORIGINAL) {
            by_code.entry(&f.code).or_default().0.push(f);
        }
        for f in findings(MIGRATED) {
            by_code.entry(&f.code).or_default().1.push(f);
        }
        for (code, (old, new)) in by_code {
            if new.len() <= old.len() {
                continue;
            }
            writeln!(
                problems,
                "{}: {code}: {} in the output, {} in the original",
                file.rel,
                new.len(),
                old.len()
            )
            .ok();
            // The output's findings that no finding of the original accounts for: one of the
            // same code on an identical line accounts for one.
            let mut left = new;
            for o in old {
                let text = line_at(&file.original, o.row);
                if let Some(i) = left
                    .iter()
                    .position(|n| line_at(&file.migrated, n.row) == text)
                {
                    left.remove(i);
                }
            }
            for f in left {
                writeln!(
                    problems,
                    "  {}:{}:{}: {} {}\n  | {}",
                    file.rel,
                    f.row,
                    f.col,
                    f.code,
                    f.text,
                    line_at(&file.migrated, f.row)
                )
                .ok();
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("new flake8 findings in the migrated output:\n{problems}").into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let subjects = subjects();
    let flake8 = if args.list {
        Err("listing".to_string())
    } else {
        flake8()
    };
    let mut trials = Vec::new();
    let flake8 = match flake8 {
        Ok(flake8) => Some(flake8),
        Err(e) if in_ci => {
            trials.push(Trial::test("style/flake8-environment", move || {
                Err(format!("CI=true and flake8 is not available: {e}").into())
            }));
            None
        }
        Err(e) => {
            if !args.list {
                eprintln!(
                    "\n!!! style suite SKIPPED: {e}\n!!! run `scripts/equivalence-env` (needs python3 and PyPI), then `cargo test --test style`\n"
                );
            }
            None
        }
    };
    // Migrated and linted once, by the first trial that runs; the others wait for it.
    let shared: Arc<OnceLock<Result<Report, String>>> = Arc::new(OnceLock::new());
    let all = Arc::new(subjects.clone());
    for subject in subjects {
        let name = subject.name();
        let trial = match &flake8 {
            Some(flake8) => {
                let (flake8, shared, all) = (flake8.clone(), shared.clone(), all.clone());
                let key = name.clone();
                Trial::test(name, move || {
                    match shared.get_or_init(|| report(&flake8, &all)) {
                        Ok(report) => check(report, &key),
                        Err(e) => Err(e.clone().into()),
                    }
                })
            }
            None => Trial::test(name, || Ok(())).with_ignored_flag(true),
        };
        trials.push(trial);
    }
    libtest_mimic::run(&args, trials).exit();
}
