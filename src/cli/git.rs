//! `migrate --patches DIR` and `migrate --commit`: the tree is read, the series computed in
//! memory (`patch`), then written as patch files, or committed with `git am`.

use std::path::{Path, PathBuf};
use std::process::Command;

use globset::GlobSet;

use crate::analyse::engine::Engine;
use crate::cli::exit::{EXIT_CHANGES, EXIT_CLEAN, EXIT_ERROR};
use crate::output::messages::{Options, SplitBy};
use crate::output::series::{self as patch, SourceFile};
use crate::project::discovery::discover;
use crate::project::run as driver;

pub struct SeriesArgs {
    pub patches: Option<PathBuf>,
    pub commit: bool,
    pub split: SplitBy,
    pub author: Option<String>,
    pub date: Option<String>,
    pub prefix: String,
    pub trailers: Vec<String>,
    pub quiet: bool,
    /// Worker threads (0: one per CPU).
    pub jobs: usize,
    /// How code no entry point reaches is judged.
    pub assumption: crate::project::processes::Assumption,
}

fn git(args: &[&str], cwd: &Path) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_string())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The shallowest directory on `relative`'s path that holds an `__init__.py`.
fn top_package(root: &Path, relative: &Path) -> Option<String> {
    let mut dir = PathBuf::new();
    let components: Vec<_> = relative.components().collect();
    for component in &components[..components.len().saturating_sub(1)] {
        dir.push(component);
        if root.join(&dir).join("__init__.py").is_file() {
            return Some(dir.to_string_lossy().replace('\\', "/"));
        }
    }
    None
}

pub fn run(
    engine: &Engine,
    paths: &[PathBuf],
    excludes: &GlobSet,
    args: &SeriesArgs,
) -> Result<i32, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    // Patch paths are relative to the repository root, as `git am` expects.
    let root = match git(&["rev-parse", "--show-toplevel"], &cwd) {
        Ok(top) => PathBuf::from(top),
        Err(e) if args.commit => return Err(format!("--commit needs a git work tree: {e}")),
        Err(_) => cwd.clone(),
    };
    let root = root.canonicalize().unwrap_or(root);
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut failures: Vec<(String, String)> = Vec::new();
    let files = read_tree(&cwd, &root, &paths, excludes, &mut failures)?;
    let options = series_options(args, &cwd)?;
    let pool = crate::project::workers::pool(args.jobs)?;
    let scope = patch::SeriesInputs {
        paths: &paths,
        assumption: &args.assumption,
    };
    let series = patch::series(engine, &files, &options, &pool, &scope, &mut failures);
    let total = series.len();
    let rendered: Vec<(String, String)> = series
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                crate::output::messages::file_name(i + 1, &p.subject),
                crate::output::messages::mbox(p, i + 1, total, &options),
            )
        })
        .collect();
    if args.commit {
        commit_series(&series, &rendered, &root, args.quiet)?;
    } else if let Some(dir) = &args.patches {
        write_patches(dir, &rendered, args.quiet)?;
    }
    summarise(files.len(), total, &failures, args.quiet);
    Ok(if !failures.is_empty() {
        EXIT_ERROR
    } else if total > 0 {
        EXIT_CHANGES
    } else {
        EXIT_CLEAN
    })
}

/// The files to migrate under `paths`, read, with their paths relative to the repository
/// `root`; what cannot be read joins `failures`. A tree that is Eventlet itself is refused.
fn read_tree(
    cwd: &Path,
    root: &Path,
    paths: &[PathBuf],
    excludes: &GlobSet,
    failures: &mut Vec<(String, String)>,
) -> Result<Vec<SourceFile>, String> {
    let found = discover(paths, excludes);
    if let Some(package) = driver::eventlet_itself(paths, &found.files) {
        return Err(driver::eventlet_itself_message(&package));
    }
    failures.extend(
        found
            .errors
            .iter()
            .map(|(p, e)| (p.display().to_string(), e.clone())),
    );
    let mut files = Vec::new();
    for path in &found.files {
        let absolute = cwd.join(path);
        let absolute = absolute.canonicalize().unwrap_or(absolute);
        let Ok(relative) = absolute.strip_prefix(root).map(Path::to_path_buf) else {
            failures.push((
                path.display().to_string(),
                "outside the repository".to_string(),
            ));
            continue;
        };
        match std::fs::read(&absolute) {
            Ok(contents) => files.push(SourceFile {
                path: relative.to_string_lossy().replace('\\', "/"),
                location: absolute.clone(),
                package: top_package(root, &relative),
                contents,
            }),
            Err(e) => failures.push((path.display().to_string(), e.to_string())),
        }
    }
    Ok(files)
}

/// The commits' author (`--author`, else git's configuration), date and trailers, checked.
fn series_options(args: &SeriesArgs, cwd: &Path) -> Result<Options, String> {
    let author = match &args.author {
        Some(a) => a.clone(),
        None => {
            let name = git(&["config", "user.name"], cwd)
                .ok()
                .filter(|s| !s.is_empty());
            let email = git(&["config", "user.email"], cwd)
                .ok()
                .filter(|s| !s.is_empty());
            match (name, email) {
                (Some(n), Some(e)) => format!("{n} <{e}>"),
                _ => "eventlet-migrate <eventlet-migrate@localhost>".to_string(),
            }
        }
    };
    if !author.contains('<') || !author.ends_with('>') {
        return Err(format!("--author `{author}` is not `Name <email>`"));
    }
    let date = crate::output::messages::rfc2822(
        &args
            .date
            .clone()
            .unwrap_or_else(crate::output::messages::now_rfc3339),
    )?;
    for trailer in &args.trailers {
        if !trailer.contains(": ") {
            return Err(format!("--trailer `{trailer}` is not `Key: value`"));
        }
    }
    Ok(Options {
        split: args.split,
        author,
        date,
        prefix: args.prefix.clone(),
        trailers: args.trailers.clone(),
    })
}

/// `--commit`: the series applied with `git am`, refused when a file it changes has
/// uncommitted changes; aborted as a whole if one patch fails.
fn commit_series(
    series: &[crate::output::messages::Patch],
    rendered: &[(String, String)],
    root: &Path,
    quiet: bool,
) -> Result<(), String> {
    let touched: std::collections::BTreeSet<&str> = series
        .iter()
        .flat_map(|p| p.files.iter().map(|f| f.0.as_str()))
        .collect();
    if !touched.is_empty() {
        let mut status_args = vec!["status", "--porcelain", "--"];
        status_args.extend(touched.iter().copied());
        let dirty = git(&status_args, root)?;
        if !dirty.is_empty() {
            return Err(format!(
                "refusing to commit: files the series changes have uncommitted changes (commit or stash them first):\n{dirty}"
            ));
        }
    }
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut mbox_paths = Vec::new();
    for (name, text) in rendered {
        let path = temp.path().join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        mbox_paths.push(path.to_string_lossy().to_string());
    }
    if !mbox_paths.is_empty() {
        // --keep-non-patch: a `--message-prefix` such as `[eventlet-removal] ` stays.
        let mut am = vec!["am", "--keep-cr", "--keep-non-patch", "--quiet"];
        am.extend(mbox_paths.iter().map(String::as_str));
        if let Err(e) = git(&am, root) {
            git(&["am", "--abort"], root).ok();
            return Err(format!("git am failed, nothing committed: {e}"));
        }
    }
    if !quiet {
        for p in series {
            eprintln!("committed: {}", p.subject);
        }
    }
    Ok(())
}

/// `--patches DIR`: the series written as `git format-patch` files.
fn write_patches(dir: &Path, rendered: &[(String, String)], quiet: bool) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in rendered {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !quiet {
            eprintln!("{}", path.display());
        }
    }
    Ok(())
}

/// The run's summary on stderr (always when something failed).
fn summarise(files: usize, total: usize, failures: &[(String, String)], quiet: bool) {
    if !quiet || !failures.is_empty() {
        eprintln!(
            "eventlet-migrate: {} scanned, {}",
            crate::output::report::plural(files, "file", "files"),
            crate::output::report::plural(total, "patch", "patches")
        );
        if !failures.is_empty() {
            eprintln!("could not process ({}):", failures.len());
            for (path, e) in failures {
                eprintln!("  {path}: {e}");
            }
        }
    }
}
