//! The run summary (stderr): files scanned and changed, edits per recipe and safety, manual
//! items, and files that could not be processed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fix::Safety;
use crate::plan::migration::{Applied, Migration};
use crate::project::blockers::Staying;
use crate::recipe::Target;
use crate::syntax::prepared::FileError;

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
pub fn edit_counts<'a>(
    files: impl IntoIterator<Item = &'a FileResult>,
) -> BTreeMap<String, BTreeMap<Safety, usize>> {
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

pub fn summary(
    files: &[FileResult],
    walk_errors: &[(String, String)],
    staying: &[Staying],
    dry_run: bool,
) -> String {
    let mut out = String::new();
    let changed = files.iter().filter(|f| f.changed()).count();
    let verb = if dry_run { "would change" } else { "changed" };
    writeln!(
        out,
        "eventlet-migrate: {} scanned, {changed} {verb}{}",
        plural(files.len(), "file", "files"),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    )
    .ok();
    let counts = edit_counts(files.iter());
    for (recipe, by_safety) in &counts {
        let total: usize = by_safety.values().sum();
        let detail: Vec<String> = by_safety.iter().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(
            out,
            "  {recipe:<20} {:>11} ({})",
            plural(total, "edit", "edits"),
            detail.join(", ")
        )
        .ok();
    }
    // One line per rewrite or item, under a heading with the count.
    let section = |out: &mut String, heading: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            writeln!(out, "{heading} ({}):", lines.len()).ok();
            for line in lines {
                writeln!(out, "{line}").ok();
            }
        }
    };
    let rewrite_line = |f: &FileResult, a: &Applied, what: String| {
        let why = a
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        format!(
            "  {}:{}:{} [{}] {what}{why}",
            f.display, a.line, a.column, a.recipe
        )
    };
    let changed_files = || {
        files.iter().filter_map(|f| {
            f.outcome
                .as_ref()
                .ok()
                .filter(|m| m.output.is_some())
                .map(|m| (f, m))
        })
    };
    let all_files = || {
        files
            .iter()
            .filter_map(|f| f.outcome.as_ref().ok().map(|m| (f, m)))
    };
    let review = changed_files()
        .flat_map(|(f, m)| {
            m.applied
                .iter()
                .filter(|a| a.safety == Safety::Review)
                .map(move |a| rewrite_line(f, a, "needs review".to_string()))
        })
        .collect();
    section(&mut out, "rewrites to review", review);
    let skipped = all_files()
        .flat_map(|(f, m)| {
            m.skipped
                .iter()
                .map(move |a| rewrite_line(f, a, a.safety.to_string()))
        })
        .collect();
    section(&mut out, "not applied, need review (--safe-only)", skipped);
    let manual = all_files()
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
    section(&mut out, "manual items", manual);
    if !staying.is_empty() {
        let processes: usize = staying.iter().map(|s| s.processes.len()).sum();
        writeln!(
            out,
            "staying on eventlet ({}):",
            plural(processes, "process", "processes")
        )
        .ok();
        for group in staying {
            out.push_str(&told(group));
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
    section(&mut out, "could not process", failures);
    out
}

/// At most this many sites of a group of processes are listed in the summary (the JSON
/// report has them all).
const SITES_SHOWN: usize = 12;

/// A group of processes that stay: which, the sites that keep them, and what fixing those
/// would let apply.
fn told(group: &Staying) -> String {
    let mut out = String::new();
    let names = match group.processes.as_slice() {
        [one] => format!("{one} stays"),
        [first, second] => format!("{first} and {second} stay"),
        [first, rest @ ..] => format!(
            "{first} and {} stay",
            plural(rest.len(), "other process", "other processes")
        ),
        [] => return out,
    };
    let mut gained = Vec::new();
    if group.held_back > 0 {
        gained.push(format!(
            "{} more {} apply",
            group.held_back,
            if group.held_back == 1 {
                "rewrite"
            } else {
                "rewrites"
            }
        ));
    }
    if !group.patching.is_empty() {
        let shown: Vec<&str> = group.patching.iter().take(3).map(String::as_str).collect();
        let more = match group.patching.len() - shown.len() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        gained.push(format!("monkey patching go ({}{more})", shown.join(", ")));
    }
    let them = if group.sites.len() == 1 { "it" } else { "them" };
    let gain = if gained.is_empty() {
        String::new()
    } else {
        format!("; fixing {them} would let {}", gained.join(" and "))
    };
    writeln!(
        out,
        "  {names} on eventlet because of {}{gain}:",
        plural(group.sites.len(), "site", "sites")
    )
    .ok();
    for site in group.sites.iter().take(SITES_SHOWN) {
        writeln!(out, "    {} {}", site.at, site.what).ok();
    }
    if group.sites.len() > SITES_SHOWN {
        writeln!(
            out,
            "    and {} more (the JSON report lists them all)",
            group.sites.len() - SITES_SHOWN
        )
        .ok();
    }
    out
}

/// The JSON report: a summary, then every file with edits, skipped rewrites, manual items or
/// an error (and its diff, in a dry run). Files are in path order.
pub fn json(
    results: &[(FileResult, Option<String>)],
    walk_errors: &[(String, String)],
    staying: &[Staying],
    target: Target,
    dry_run: bool,
) -> String {
    use serde_json::{json, Value};
    let files: Vec<&FileResult> = results.iter().map(|(f, _)| f).collect();
    let counts = edit_counts(results.iter().map(|(f, _)| f));
    let mut entries: Vec<Value> = Vec::new();
    for (file, diff) in results {
        let error = match (&file.outcome, &file.write_error) {
            (Err(e), _) => Some(e.to_string()),
            (Ok(_), Some(e)) => Some(e.clone()),
            _ => None,
        };
        let (applied, skipped, manual) = match &file.outcome {
            Ok(m) if m.output.is_some() => (
                m.applied.as_slice(),
                m.skipped.as_slice(),
                m.manual.as_slice(),
            ),
            Ok(m) => (&[][..], m.skipped.as_slice(), m.manual.as_slice()),
            Err(_) => (&[][..], &[][..], &[][..]),
        };
        if applied.is_empty() && skipped.is_empty() && manual.is_empty() && error.is_none() {
            continue;
        }
        entries.push(json!({
            "path": file.display,
            "changed": file.changed(),
            "edits": applied,
            "skipped": skipped,
            "manual": manual,
            "error": error,
            "diff": diff,
        }));
    }
    let manual_total: usize = entries
        .iter()
        .map(|e| e["manual"].as_array().map_or(0, Vec::len))
        .sum();
    let document = json!({
        "target": target.name(),
        "dry_run": dry_run,
        "summary": {
            "files_scanned": files.len(),
            "files_changed": files.iter().filter(|f| f.changed()).count(),
            "edits": counts,
            "manual_items": manual_total,
            "files_failed": files.iter().filter(|f| f.failed()).count() + walk_errors.len(),
        },
        "staying": staying,
        "walk_errors": walk_errors.iter().map(|(p, e)| json!({"path": p, "error": e})).collect::<Vec<_>>(),
        "files": entries,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
