//! The run summary (stderr): files scanned and changed, edits per recipe and safety, manual
//! items, and files that could not be processed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::pipeline::{FileError, Migration};
use crate::recipe::Safety;

/// What happened to one file.
#[derive(Debug)]
pub struct FileResult {
    /// The path as shown to the user (relative to the current directory when possible).
    pub display: String,
    pub outcome: Result<Migration, FileError>,
    /// Set when the new contents could not be written.
    pub write_error: Option<String>,
}

impl FileResult {
    pub fn changed(&self) -> bool {
        matches!(&self.outcome, Ok(m) if m.output.is_some()) && self.write_error.is_none()
    }

    pub fn failed(&self) -> bool {
        self.outcome.is_err() || self.write_error.is_some()
    }
}

/// Counts by recipe and safety.
pub fn edit_counts(files: &[FileResult]) -> BTreeMap<String, BTreeMap<Safety, usize>> {
    let mut counts: BTreeMap<String, BTreeMap<Safety, usize>> = BTreeMap::new();
    for file in files {
        if let Ok(m) = &file.outcome {
            if m.output.is_none() {
                continue;
            }
            for applied in &m.applied {
                *counts
                    .entry(applied.recipe.clone())
                    .or_default()
                    .entry(applied.safety)
                    .or_default() += 1;
            }
        }
    }
    counts
}

pub fn summary(files: &[FileResult], walk_errors: &[(String, String)], dry_run: bool) -> String {
    let mut out = String::new();
    let changed = files.iter().filter(|f| f.changed()).count();
    let verb = if dry_run { "would change" } else { "changed" };
    writeln!(
        out,
        "eventlet-migrate: {} files scanned, {changed} {verb}{}",
        files.len(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    )
    .ok();
    let counts = edit_counts(files);
    for (recipe, by_safety) in &counts {
        let total: usize = by_safety.values().sum();
        let detail: Vec<String> = by_safety.iter().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(
            out,
            "  {recipe:<20} {total:>5} edits ({})",
            detail.join(", ")
        )
        .ok();
    }
    let review: Vec<String> = files
        .iter()
        .filter_map(|f| {
            f.outcome
                .as_ref()
                .ok()
                .filter(|m| m.output.is_some())
                .map(|m| (f, m))
        })
        .flat_map(|(f, m)| {
            m.applied
                .iter()
                .filter(|a| a.safety == Safety::Review)
                .map(move |a| {
                    let why = a
                        .note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default();
                    format!(
                        "  {}:{}:{} [{}] needs review{why}",
                        f.display, a.line, a.column, a.recipe
                    )
                })
        })
        .collect();
    if !review.is_empty() {
        writeln!(out, "rewrites to review ({}):", review.len()).ok();
        for line in review {
            writeln!(out, "{line}").ok();
        }
    }
    let manual: Vec<String> = files
        .iter()
        .filter_map(|f| f.outcome.as_ref().ok().map(|m| (f, m)))
        .flat_map(|(f, m)| {
            m.manual.iter().map(move |item| {
                let guide = item
                    .guide
                    .as_deref()
                    .map(|g| format!(" (guide: {g})"))
                    .unwrap_or_default();
                format!(
                    "  {}:{}:{} [{}] {}{guide}",
                    f.display, item.line, item.column, item.recipe, item.message
                )
            })
        })
        .collect();
    if !manual.is_empty() {
        writeln!(out, "manual items ({}):", manual.len()).ok();
        for line in manual {
            writeln!(out, "{line}").ok();
        }
    }
    let mut failures: Vec<String> = walk_errors
        .iter()
        .map(|(p, e)| format!("  {p}: {e}"))
        .collect();
    for file in files {
        match (&file.outcome, &file.write_error) {
            (Err(FileError::Syntax { .. }), _) => failures.push(format!(
                "  {}:{}",
                file.display,
                file.outcome
                    .as_ref()
                    .err()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )),
            (Err(e), _) => failures.push(format!("  {}: {e}", file.display)),
            (Ok(_), Some(e)) => failures.push(format!("  {}: {e}", file.display)),
            _ => {}
        }
    }
    if !failures.is_empty() {
        writeln!(out, "could not process ({}):", failures.len()).ok();
        for line in failures {
            writeln!(out, "{line}").ok();
        }
    }
    out
}
