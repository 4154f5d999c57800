//! Finding the Python files to migrate: explicit files always, directories walked with
//! `.gitignore` honoured (the `ignore` crate, as ripgrep does) and the usual non-source
//! directories skipped.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

/// Directories never worth walking into.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".eggs",
    "build",
    "dist",
    "__pycache__",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked, with the reason.
    pub errors: Vec<(PathBuf, String)>,
}

/// Compiles `--exclude` globs; they match a path, or any of its components' names.
pub fn exclude_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).map_err(|e| format!("invalid --exclude glob `{glob}`: {e}"))?);
    }
    builder.build().map_err(|e| e.to_string())
}

fn excluded(excludes: &GlobSet, path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let relative = path.strip_prefix("./").unwrap_or(path);
    excludes.is_match(relative) || path.file_name().is_some_and(|name| excludes.is_match(name))
}

fn is_virtualenv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

pub fn discover(paths: &[PathBuf], excludes: &GlobSet) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push((path.clone(), e.to_string()));
                continue;
            }
        };
        if !metadata.is_dir() {
            // An explicit file is always processed, whatever its name or ignore rules say.
            found.files.push(path.clone());
            continue;
        }
        let excludes_for_walk = excludes.clone();
        let walker = WalkBuilder::new(path)
            .standard_filters(true)
            .require_git(false)
            .filter_entry(move |entry| {
                let p = entry.path();
                if excluded(&excludes_for_walk, p) {
                    return false;
                }
                if entry.file_type().is_some_and(|t| t.is_dir()) && entry.depth() > 0 {
                    let name = entry.file_name().to_string_lossy();
                    if SKIPPED_DIRS.contains(&name.as_ref())
                        || name.ends_with(".egg-info")
                        || is_virtualenv(p)
                    {
                        return false;
                    }
                }
                true
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                        found.files.push(entry.into_path());
                    }
                }
                Err(error) => {
                    let at = match &error {
                        ignore::Error::WithPath { path, .. } => path.clone(),
                        _ => path.clone(),
                    };
                    found.errors.push((at, error.to_string()));
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}
