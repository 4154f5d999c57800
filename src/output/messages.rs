//! A patch of the series and its words: its subject and body as a careful OpenStack
//! contributor writes them (what changed, why, what needs review, what is left), its
//! Change-Id, and the `git format-patch` mbox it is written as.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::analyse::engine::Engine;
use crate::output::diff::git_diff;
use crate::output::report::plural;
use crate::plan::migration::Manual;
use crate::recipe::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitBy {
    /// One patch per recipe.
    Recipe,
    /// One patch per use case, in the guide's order (monkey patching last).
    Category,
    /// One patch per top-level package (a directory with `__init__.py`).
    Package,
    /// Everything in one patch.
    None,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub split: SplitBy,
    /// `Name <email>`.
    pub author: String,
    /// RFC 2822, as in a `Date:` header.
    pub date: String,
    pub prefix: String,
    pub trailers: Vec<String>,
}

/// One patch of the series.
#[derive(Debug, Clone)]
pub struct Patch {
    pub subject: String,
    /// The message after the subject line (body and trailers).
    pub body: String,
    /// `(path, old, new)` for each changed file, in path order.
    pub files: Vec<(String, String, String)>,
}

/// What one recipe did in one patch.
#[derive(Default)]
pub(crate) struct RecipeInPatch {
    pub(crate) sites: usize,
    pub(crate) files: BTreeSet<String>,
    /// Why the rewrites that need review do.
    pub(crate) notes: BTreeSet<String>,
}

pub(crate) struct Group {
    pub(crate) label: GroupLabel,
    pub(crate) recipes: Option<Vec<String>>,
    pub(crate) package: Option<Option<String>>,
}

pub(crate) enum GroupLabel {
    Recipe(String),
    Category(Category),
    Package(String),
    All,
}

fn category_subject(category: Category) -> &'static str {
    match category {
        Category::GreenThreads => "Replace eventlet green threads with native threads",
        Category::BackgroundTask => "Run background tasks in daemon threads",
        Category::DeferredTask => "Replace eventlet deferred calls with Timers",
        Category::WorkerPool => "Use thread pool executors instead of GreenPool",
        Category::Synchronisation => "Use threading and queue primitives",
        Category::Timing => "Replace eventlet sleeps with time.sleep",
        Category::Network => "Use standard library sockets and modules",
        Category::WsgiServer => "Serve WSGI with a threaded server",
        Category::Websocket => "Prepare websocket handlers for eventlet removal",
        Category::LibraryIntegration => "Call blocking libraries directly, not via tpool",
        Category::Testing => "Make test doubles patch the standard library",
        Category::Debugging => "Drop eventlet hub and debug settings",
        Category::Other => "Prepare for the eventlet removal",
        Category::MonkeyPatching => "Remove eventlet monkey patching",
    }
}

pub(crate) fn subject(
    engine: &Engine,
    group: &Group,
    applied: &BTreeMap<String, RecipeInPatch>,
    prefix: &str,
) -> String {
    let single = (applied.len() == 1)
        .then(|| applied.keys().next())
        .flatten();
    let category = |c: Category| category_subject(c).to_string();
    let candidates: Vec<String> = match (&group.label, single) {
        (GroupLabel::Package(p), _) if !p.is_empty() => vec![format!("Migrate {p} off eventlet")],
        (GroupLabel::Package(_), _) => {
            vec!["Migrate the remaining modules off eventlet".to_string()]
        }
        (_, Some(id)) => {
            let recipe = engine.catalog.get(id);
            recipe
                .map(|r| r.summary.clone())
                .into_iter()
                .chain(recipe.map(|r| category(r.category)))
                .collect()
        }
        (GroupLabel::Category(c), None) => vec![category(*c)],
        (GroupLabel::Recipe(id), None) => engine
            .catalog
            .get(id)
            .map(|r| r.summary.clone())
            .into_iter()
            .collect(),
        (GroupLabel::All, None) => vec!["Migrate from eventlet to native threads".to_string()],
    };
    // The most specific subject that fits in 72 columns; else cut at a word.
    let fits = candidates
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .find(|s| s.chars().count() <= 72);
    fits.unwrap_or_else(|| {
        let full = format!(
            "{prefix}{}",
            candidates.first().cloned().unwrap_or_default()
        );
        let mut out = String::new();
        for word in full.split_whitespace() {
            if out.chars().count() + word.chars().count() + 1 > 72 {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    })
}

/// Wraps `text` at 72 columns, `indent` before continuation lines.
fn wrap(text: &str, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > 72 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

pub(crate) fn body(
    engine: &Engine,
    applied: &BTreeMap<String, RecipeInPatch>,
    left: &[(String, Manual)],
    trailers: &[String],
) -> String {
    let mut out = String::new();
    let mut recipes: Vec<(&String, &RecipeInPatch)> = applied.iter().collect();
    recipes.sort_by_key(|(id, _)| (engine.catalog.get(id).map(|r| r.category), (*id).clone()));
    for (id, applied) in recipes {
        let Some(recipe) = engine.catalog.get(id) else {
            continue;
        };
        // The description's first paragraph says what is replaced with what, and why.
        let paragraphs: Vec<&str> = recipe
            .description
            .as_deref()
            .unwrap_or("")
            .split("\n\n")
            .collect();
        let mut what = paragraphs
            .first()
            .copied()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // A paragraph that introduces a list: keep the sentences before it.
        if what.ends_with(':') {
            what = match what.rfind(". ") {
                Some(end) => what[..=end].trim_end().to_string(),
                None => String::new(),
            };
        }
        let what = if what.is_empty() {
            recipe.summary.clone()
        } else {
            what
        };
        let (sites, files) = (applied.sites, applied.files.len());
        let count = format!(
            "{sites} site{} in {files} file{}",
            if sites == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        );
        out.push_str(&wrap(
            &format!("{} ({count}). {what}", recipe.summary),
            "",
            "",
        ));
        if !applied.notes.is_empty() {
            let notes: Vec<&str> = applied.notes.iter().map(String::as_str).collect();
            out.push('\n');
            out.push_str(&wrap(&format!("To review: {}.", notes.join("; ")), "", ""));
        }
        out.push('\n');
    }
    if !left.is_empty() {
        out.push_str("Left for manual migration in the files this change touches:\n\n");
        for (path, item) in left {
            out.push_str(&wrap(
                &format!("{path}:{} [{}] {}", item.line, item.recipe, item.message),
                "- ",
                "  ",
            ));
        }
        out.push('\n');
    }
    out.push_str("Generated by eventlet-migrate.\n\n");
    for trailer in trailers {
        out.push_str(trailer.trim());
        out.push('\n');
    }
    out
}

/// Gerrit's Change-Id, derived from the patch so reruns give the same one.
pub fn change_id(patch: &Patch) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(patch.subject.as_bytes());
    for (path, old, new) in &patch.files {
        hasher.update(path.as_bytes());
        hasher.update(old.as_bytes());
        hasher.update(new.as_bytes());
    }
    format!("I{}", hasher.digest())
}

/// `0001-replace-eventlet-sleep-with-time-sleep.patch`, as `git format-patch` names it.
pub fn file_name(number: usize, subject: &str) -> String {
    let mut slug = String::new();
    for c in subject.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches(['-', '.']).chars().take(52).collect();
    format!("{number:04}-{}.patch", slug.trim_end_matches(['-', '.']))
}

/// The full commit message: subject, body, trailers, Change-Id.
pub fn message(patch: &Patch) -> String {
    format!(
        "{}\n\n{}Change-Id: {}\n",
        patch.subject,
        patch.body,
        change_id(patch)
    )
}

/// One patch in `git format-patch` mbox format.
pub fn mbox(patch: &Patch, number: usize, total: usize, options: &Options) -> String {
    let id = change_id(patch);
    let mut out = String::new();
    // git puts the commit id here; any 40 hex digits do for `git am`.
    writeln!(out, "From {} Mon Sep 17 00:00:00 2001", &id[1..]).ok();
    writeln!(out, "From: {}", options.author).ok();
    writeln!(out, "Date: {}", options.date).ok();
    writeln!(out, "Subject: [PATCH {number}/{total}] {}", patch.subject).ok();
    out.push('\n');
    out.push_str(&patch.body);
    writeln!(out, "Change-Id: {id}").ok();
    out.push_str("---\n");
    out.push_str(&diffstat(patch));
    out.push('\n');
    for (path, old, new) in &patch.files {
        out.push_str(&git_diff(path, old, new));
    }
    out.push_str("-- \neventlet-migrate\n\n");
    out
}

fn diffstat(patch: &Patch) -> String {
    let mut rows = Vec::new();
    let (mut plus, mut minus) = (0, 0);
    for (path, old, new) in &patch.files {
        let diff = similar::TextDiff::from_lines(old.as_str(), new.as_str());
        let (mut p, mut m) = (0, 0);
        for change in diff.iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Insert => p += 1,
                similar::ChangeTag::Delete => m += 1,
                similar::ChangeTag::Equal => {}
            }
        }
        plus += p;
        minus += m;
        rows.push((path.clone(), p, m));
    }
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let digits = rows
        .iter()
        .map(|r| (r.1 + r.2).to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (path, p, m) in &rows {
        writeln!(
            out,
            " {path:<width$} | {:>digits$} {}{}",
            p + m,
            "+".repeat(*p),
            "-".repeat(*m)
        )
        .ok();
    }
    write!(out, " {} changed", plural(rows.len(), "file", "files")).ok();
    if plus > 0 {
        write!(out, ", {}(+)", plural(plus, "insertion", "insertions")).ok();
    }
    if minus > 0 {
        write!(out, ", {}(-)", plural(minus, "deletion", "deletions")).ok();
    }
    out.push('\n');
    out
}

/// Parses `2026-01-01T00:00:00Z` or `…+02:00` into an RFC 2822 date (`Thu, 1 Jan 2026
/// 00:00:00 +0000`).
pub fn rfc2822(rfc3339: &str) -> Result<String, String> {
    let bad = || format!("`{rfc3339}` is not an RFC 3339 date (2026-01-01T00:00:00Z)");
    let s = rfc3339.trim();
    if s.len() < 20 {
        return Err(bad());
    }
    let num = |a: usize, b: usize| {
        s.get(a..b)
            .and_then(|x| x.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if &s[4..5] != "-"
        || &s[7..8] != "-"
        || !matches!(&s[10..11], "T" | "t" | " ")
        || &s[13..14] != ":"
        || &s[16..17] != ":"
    {
        return Err(bad());
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let zone = match rest {
        "Z" | "z" => "+0000".to_string(),
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            format!("{}{}{}", &z[..1], &z[1..3], &z[4..6])
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    // Days since 1970-01-01 (Howard Hinnant's algorithm), for the weekday.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    Ok(format!(
        "{weekday}, {day} {} {year} {hour:02}:{minute:02}:{second:02} {zone}",
        months[(month - 1) as usize]
    ))
}

/// Now, as an RFC 3339 UTC date.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_names() {
        assert_eq!(
            rfc2822("2026-01-01T00:00:00Z").unwrap(),
            "Thu, 1 Jan 2026 00:00:00 +0000"
        );
        assert_eq!(
            rfc2822("2024-02-29T13:05:09+02:00").unwrap(),
            "Thu, 29 Feb 2024 13:05:09 +0200"
        );
        assert!(rfc2822("yesterday").is_err());
        assert_eq!(
            file_name(1, "Replace eventlet.sleep with time.sleep"),
            "0001-replace-eventlet.sleep-with-time.sleep.patch"
        );
        assert_eq!(wrap("a b", "- ", "  "), "- a b\n");
    }
}
