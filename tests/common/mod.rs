//! Helpers shared by the integration tests: temp trees, running the binary, reading back.

#![allow(dead_code)]

pub mod fixtures;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_eventlet-migrate");

/// The repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A module using eventlet.sleep, and what the threading target makes of it.
pub const SLEEPY: &str = "import eventlet\n\n\ndef f():\n    eventlet.sleep(1)\n";
pub const SLEEPY_AFTER: &str = "import time\n\n\ndef f():\n    time.sleep(1)\n";

/// A temp directory holding `files` (`(relative path, contents)`).
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().expect("has parent")).expect("mkdir");
        fs::write(full, text).expect("write fixture");
    }
    dir
}

/// Runs the binary in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

/// `eventlet-migrate migrate --target threading ARGS…` in `dir`.
pub fn migrate(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["migrate", "--target", "threading"];
    all.extend_from_slice(args);
    run(dir, &all)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).expect("read back")
}

/// The `.py` files under `path` (or `path` itself, a file), sorted; `.git` and Python
/// caches left out.
pub fn python_files(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(path).into_iter().flatten().flatten() {
        let child = entry.path();
        if child.is_dir() {
            if entry.file_name() != ".git" && entry.file_name() != "__pycache__" {
                out.extend(python_files(&child));
            }
        } else if child.extension().is_some_and(|e| e == "py") {
            out.push(child);
        }
    }
    out.sort();
    out
}

/// Copies a directory tree (Python caches left out).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            if entry.file_name() == "__pycache__" {
                continue;
            }
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

/// The directory of the Python environments `scripts/equivalence-env` makes (it runs it: it
/// does nothing once they are ready). `EQUIVALENCE_ENVS` overrides where they go.
pub fn equivalence_envs() -> Result<std::path::PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("EQUIVALENCE_ENVS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target").join("equivalence"));
    let script = root.join("scripts").join("equivalence-env");
    let status = Command::new("bash")
        .arg(&script)
        .env("EQUIVALENCE_ENVS", &dir)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", script.display()));
    }
    Ok(dir)
}
