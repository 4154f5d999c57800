//! Gerrit-ready patch series: the migration split into small, focused commits in the order
//! the guide recommends, each with a commit message a careful OpenStack contributor would
//! write, in `git format-patch` mbox format.
//!
//! Write mode's result is the plan; each intermediate state is what the engine writes with
//! the recipes of the patches so far, bounded by that plan, so every intermediate state is a
//! consistent file (imports are added by the patch that first needs them and an Eventlet
//! import goes with its last use) and the series cannot apply anything write mode does not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::analyse::engine::Engine;
use crate::fix::Safety;
use crate::output::diff::git_diff;
use crate::plan::context::ProcessContext;
use crate::plan::migration::{AppliedSites, Manual, Migration};
use crate::project::processes::Assumption;
use crate::project::run as driver;
use crate::recipe::Category;
use crate::syntax::prepared::FileError;

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

/// A file of the tree: its path relative to the repository root, and its contents.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    /// Where it is on disk (the project index looks for packages around it).
    pub location: std::path::PathBuf,
    pub contents: Vec<u8>,
    /// Its top-level package, for `--split-by package`.
    pub package: Option<String>,
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
struct RecipeInPatch {
    sites: usize,
    files: BTreeSet<String>,
    /// Why the rewrites that need review do.
    notes: BTreeSet<String>,
}

struct Group {
    label: GroupLabel,
    recipes: Option<Vec<String>>,
    package: Option<Option<String>>,
}

enum GroupLabel {
    Recipe(String),
    Category(Category),
    Package(String),
    All,
}

/// A file of the tree with what write mode makes of it: the plan every patch draws from.
struct Planned<'a> {
    file: &'a SourceFile,
    full: Migration,
    /// The process context write mode migrated it in.
    context: ProcessContext,
}

/// What the series is computed from besides the files: the paths given (entry points are
/// found at and above them) and the assumption for code no entry point reaches.
pub struct SeriesInputs<'a> {
    pub paths: &'a [std::path::PathBuf],
    pub assumption: &'a Assumption,
}

/// Builds the series. `failures` collects files that could not be processed.
///
/// Write mode's result is computed first; patch k is the difference between two runs bounded
/// by it (the recipes of groups 1..k-1, then 1..k), and the last state is write mode's output
/// itself. So the series applies exactly what write mode applies, never more, and ends where
/// write mode ends.
pub fn series(
    engine: &Engine,
    files: &[SourceFile],
    options: &Options,
    pool: &rayon::ThreadPool,
    scope: &SeriesInputs<'_>,
    failures: &mut Vec<(String, String)>,
) -> Vec<Patch> {
    let locations: Vec<std::path::PathBuf> = files.iter().map(|f| f.location.clone()).collect();
    let contents: Vec<Result<Vec<u8>, FileError>> =
        files.iter().map(|f| Ok(f.contents.clone())).collect();
    let (full, analysis) = driver::migrate_project(
        engine,
        pool,
        &locations,
        &contents,
        scope.paths,
        scope.assumption,
    );
    let driver::Analysis {
        contexts, links, ..
    } = analysis;
    let planned = planned_files(files, full, contexts, failures);
    // The state each file is in after the patches so far, and what was applied to reach it.
    let mut current: Vec<(Vec<u8>, AppliedSites)> = planned
        .iter()
        .map(|p| (p.file.contents.clone(), AppliedSites::new()))
        .collect();
    // Packages whose files hold fixes linked to each other (an object passed from one to a
    // function of the other) go in one patch: apart, the tree between them would be
    // half-migrated.
    let joined = joined_packages(files, &links);
    let groups = groups(engine, files, options.split, &joined);
    let mut selected: Vec<String> = Vec::new();
    let mut patches = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        let mut group_engine = engine.clone();
        if let (Some(recipes), None) = (&group.recipes, &group.package) {
            selected.extend(recipes.iter().cloned());
            group_engine.select = Some(selected.clone());
        }
        let last = k + 1 == groups.len();
        let in_group = |p: &Planned<'_>| {
            group
                .package
                .as_ref()
                .is_none_or(|package| joined.get(&p.file.package) == Some(package))
        };
        let states = crate::project::workers::run_all(pool, &planned, |p| {
            if !in_group(p) {
                return None;
            }
            // A package's patch, or the last one, is write mode's output.
            if last || group.package.is_some() {
                return Some(Ok(p.full.clone()));
            }
            Some(crate::project::workers::guarded(|| {
                group_engine.migrate_within(
                    &p.file.contents,
                    &p.full.applied_sites(),
                    Some(&p.context),
                )
            }))
        });
        let (changed, applied) = record_changes(states, &planned, &mut current, k, failures);
        if changed.is_empty() {
            continue;
        }
        let left = left_for_human(engine, pool, &changed);
        let subject = subject(engine, group, &applied, &options.prefix);
        let body = body(engine, &applied, &left, &options.trailers);
        let files = changed
            .into_iter()
            .map(|(path, old, new)| {
                (
                    path,
                    String::from_utf8_lossy(&old).to_string(),
                    String::from_utf8_lossy(&new).to_string(),
                )
            })
            .collect();
        patches.push(Patch {
            subject,
            body,
            files,
        });
    }
    patches
}

/// The files write mode changes, with what it makes of each and the context it did it in;
/// the files it could not process join `failures`.
fn planned_files<'a>(
    files: &'a [SourceFile],
    full: Vec<Result<Migration, FileError>>,
    contexts: Vec<ProcessContext>,
    failures: &mut Vec<(String, String)>,
) -> Vec<Planned<'a>> {
    let mut planned = Vec::new();
    for ((file, outcome), context) in files.iter().zip(full).zip(contexts) {
        match outcome {
            Err(e) => failures.push((file.path.clone(), e.to_string())),
            Ok(full) if full.output.is_some() => planned.push(Planned {
                file,
                full,
                context,
            }),
            Ok(_) => {}
        }
    }
    planned
}

/// The files patch `k` changes (`(path, old, new)`), moving `current` to their new states,
/// and what each recipe applied in them.
type Changes = (
    Vec<(String, Vec<u8>, Vec<u8>)>,
    BTreeMap<String, RecipeInPatch>,
);

/// The changes of patch `k` from each planned file's state after it (`None`: not in the
/// patch's group); an intermediate state that fails joins `failures`.
fn record_changes(
    states: Vec<Option<Result<Migration, FileError>>>,
    planned: &[Planned<'_>],
    current: &mut [(Vec<u8>, AppliedSites)],
    k: usize,
    failures: &mut Vec<(String, String)>,
) -> Changes {
    let mut changed = Vec::new();
    let mut applied: BTreeMap<String, RecipeInPatch> = BTreeMap::new();
    for (i, state) in states.into_iter().enumerate() {
        let migration = match state {
            None => continue,
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                // Left as it is until the last patch, which is write mode's output.
                failures.push((
                    planned[i].file.path.clone(),
                    format!("intermediate patch {}: {e}", k + 1),
                ));
                continue;
            }
        };
        let new = migration
            .output
            .clone()
            .unwrap_or_else(|| planned[i].file.contents.clone());
        if new == current[i].0 {
            continue;
        }
        let path = planned[i].file.path.clone();
        let plan = migration.applied_sites();
        for a in migration.applied.iter().filter(|a| {
            !current[i]
                .1
                .contains(&(a.recipe.clone(), (a.line, a.column)))
        }) {
            let entry = applied.entry(a.recipe.clone()).or_default();
            entry.sites += 1;
            entry.files.insert(path.clone());
            if a.safety != Safety::Safe {
                entry.notes.insert(
                    a.note
                        .clone()
                        .unwrap_or_else(|| "check the rewrite".to_string()),
                );
            }
        }
        let old = std::mem::replace(&mut current[i], (new.clone(), plan)).0;
        changed.push((path, old, new));
    }
    (changed, applied)
}

/// What is still left for a human in the files a patch touches, by every recipe.
fn left_for_human(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    changed: &[(String, Vec<u8>, Vec<u8>)],
) -> Vec<(String, Manual)> {
    let mut all = engine.clone();
    all.select = None;
    crate::project::workers::run_all(pool, changed, |(path, _, new)| {
        driver::migrate_file(&all, new)
            .map(|m| {
                m.manual
                    .into_iter()
                    .map(|item| (path.clone(), item))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    })
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
}

/// Each file's package → the package whose patch holds it: itself, or the first of the
/// packages joined to it by linked fixes (`links`: the files of each link applied).
fn joined_packages(
    files: &[SourceFile],
    links: &[BTreeSet<usize>],
) -> BTreeMap<Option<String>, Option<String>> {
    let mut joined: BTreeMap<Option<String>, Option<String>> = files
        .iter()
        .map(|f| (f.package.clone(), f.package.clone()))
        .collect();
    let root = |joined: &BTreeMap<Option<String>, Option<String>>, mut p: Option<String>| {
        while let Some(next) = joined.get(&p).filter(|n| **n != p) {
            p = next.clone();
        }
        p
    };
    for link in links {
        let roots: BTreeSet<Option<String>> = link
            .iter()
            .filter_map(|&i| files.get(i))
            .map(|f| root(&joined, f.package.clone()))
            .collect();
        // Packages sort before `None` (files outside any package) only if named first.
        if let Some(first) = roots.iter().next().cloned() {
            for other in roots {
                joined.insert(other, first.clone());
            }
        }
    }
    let packages: Vec<Option<String>> = joined.keys().cloned().collect();
    for p in packages {
        let r = root(&joined, p.clone());
        joined.insert(p, r);
    }
    joined
}

fn groups(
    engine: &Engine,
    files: &[SourceFile],
    split: SplitBy,
    joined: &BTreeMap<Option<String>, Option<String>>,
) -> Vec<Group> {
    let enabled: Vec<&crate::recipe::Recipe> = engine
        .catalog
        .recipes
        .iter()
        .filter(|r| !r.rules(engine.target).is_empty())
        .filter(|r| {
            engine.select.as_ref().is_none_or(|s| s.contains(&r.id))
                && !engine.ignore.contains(&r.id)
        })
        .collect();
    match split {
        SplitBy::None => vec![Group {
            label: GroupLabel::All,
            recipes: engine.select.clone(),
            package: None,
        }],
        SplitBy::Recipe => {
            let mut recipes = enabled.clone();
            recipes.sort_by_key(|r| (r.category, r.id.clone()));
            recipes
                .into_iter()
                .map(|r| Group {
                    label: GroupLabel::Recipe(r.id.clone()),
                    recipes: Some(vec![r.id.clone()]),
                    package: None,
                })
                .collect()
        }
        SplitBy::Category => {
            let categories: BTreeSet<Category> = enabled.iter().map(|r| r.category).collect();
            categories
                .into_iter()
                .map(|c| Group {
                    label: GroupLabel::Category(c),
                    recipes: Some(
                        enabled
                            .iter()
                            .filter(|r| r.category == c)
                            .map(|r| r.id.clone())
                            .collect(),
                    ),
                    package: None,
                })
                .collect()
        }
        SplitBy::Package => {
            // Each patch's package, with the packages joined to it.
            let mut members: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
            for f in files {
                let lead = joined.get(&f.package).cloned().unwrap_or(f.package.clone());
                let names = members.entry(lead).or_default();
                if let Some(name) = &f.package {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            // Files outside any package go last, after the packages.
            let mut ordered: Vec<Option<String>> =
                members.keys().flatten().cloned().map(Some).collect();
            if members.contains_key(&None) {
                ordered.push(None);
            }
            ordered
                .into_iter()
                .map(|p| Group {
                    label: GroupLabel::Package(members[&p].join(" and ")),
                    recipes: engine.select.clone(),
                    package: Some(p),
                })
                .collect()
        }
    }
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

fn subject(
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

fn body(
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
    let files = rows.len();
    write!(
        out,
        " {files} file{} changed",
        if files == 1 { "" } else { "s" }
    )
    .ok();
    if plus > 0 {
        write!(
            out,
            ", {plus} insertion{}(+)",
            if plus == 1 { "" } else { "s" }
        )
        .ok();
    }
    if minus > 0 {
        write!(
            out,
            ", {minus} deletion{}(-)",
            if minus == 1 { "" } else { "s" }
        )
        .ok();
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
