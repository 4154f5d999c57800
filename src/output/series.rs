//! Gerrit-ready patch series: the migration split into small, focused commits in the order
//! the guide recommends, each with a commit message a careful OpenStack contributor would
//! write, in `git format-patch` mbox format.
//!
//! Write mode's result is the plan; each intermediate state is what the engine writes with
//! the recipes of the patches so far, bounded by that plan, so every intermediate state is a
//! consistent file (imports are added by the patch that first needs them and an Eventlet
//! import goes with its last use) and the series cannot apply anything write mode does not.

use std::collections::{BTreeMap, BTreeSet};

use crate::analyse::engine::Engine;
use crate::fix::Safety;
use crate::output::messages::{Group, GroupLabel, Options, Patch, RecipeInPatch, SplitBy};
use crate::plan::context::ProcessContext;
use crate::plan::migration::{AppliedSites, Manual, Migration};
use crate::project::processes::Assumption;
use crate::project::run as driver;
use crate::recipe::Category;
use crate::syntax::prepared::FileError;

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
        let subject = crate::output::messages::subject(engine, group, &applied, &options.prefix);
        let body = crate::output::messages::body(engine, &applied, &left, &options.trailers);
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
