//! How a process runs after the migration: whether it stays on Eventlet's hub and what
//! `monkey_patch()` patches there. A rewrite by a standard-library API is right where the
//! process leaves the hub completely, or stays on it with that module patched (dual mode);
//! anywhere else it would half-migrate the process.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::{Expr, ExprCall};

use crate::project::index::{EntryPoint, Project};
use crate::recipe::model::ProcessData;

/// What the processes running a file look like after this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessContext {
    /// The processes running the file that stay on the hub; none: every one leaves it.
    pub staying: Vec<Staying>,
    /// What else a rewrite's correctness depends on (other files of its processes, or the
    /// assumption about processes outside the tree): such a rewrite is never `safe`.
    pub depends_on: Option<String>,
    /// Eventlet names (canonical) that a test double in a process running the file patches
    /// and cannot follow: their sites stay as they are, and why.
    pub frozen: BTreeMap<String, String>,
    /// The file's fixes linked to fixes of other files (objects passed between modules).
    pub links: crate::project::crossing::FileLinks,
    /// Its code that other modules select by name as an eventlet backend: left as it is.
    pub backend: crate::project::index::ModuleBackend,
}

/// A process that stays on the hub after this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staying {
    /// Which process, and what keeps it there.
    pub why: String,
    /// The flags its `monkey_patch()` calls patch.
    pub patched: BTreeSet<String>,
    /// Where those flags come from.
    pub patching: Patching,
}

/// Where the monkey patching of a process that stays comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patching {
    /// The `monkey_patch()` calls its entry point reaches (`name`: the process).
    Found { name: String, sites: Vec<PatchSite> },
    /// Nothing among the paths reaches the code: `--assume-patched`, as spelled.
    Assumed(String),
    /// A script judged alone: its own `monkey_patch()` calls.
    ThisFile,
}

/// A `monkey_patch()` call a process reaches, with literal flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchSite {
    /// `path:line:col`.
    pub at: String,
    pub flags: BTreeSet<String>,
}

impl Staying {
    /// Where `flag` is patched, for a note: `at nova/cmd/api.py:3:1 (console script
    /// `nova-api`)`, or the assumption; `None` when it is not.
    pub fn patched_where(&self, flag: &str) -> Option<String> {
        if !self.patched.contains(flag) {
            return None;
        }
        Some(match &self.patching {
            Patching::Found { name, sites } => {
                let site = sites.iter().find(|s| s.flags.contains(flag))?;
                format!("at {} ({name})", site.at)
            }
            Patching::Assumed(spelled) => format!(
                "as assumed for code no entry point among the paths reaches (`--assume-patched {spelled}`)"
            ),
            Patching::ThisFile => "in this file".to_string(),
        })
    }

    /// What the process patches, as computed, for a message: `it patches `socket`,
    /// `thread` (at swift/common/utils.py:40:5)`.
    pub fn patching_described(&self) -> String {
        let flags = |set: &BTreeSet<String>| {
            set.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.patching {
            Patching::Found { sites, .. } if sites.is_empty() => {
                "it reaches no `monkey_patch()` call".to_string()
            }
            Patching::Found { sites, .. } => {
                let each: Vec<String> = sites
                    .iter()
                    .map(|s| match s.flags.is_empty() {
                        true => format!("nothing at {}", s.at),
                        false => format!("{} at {}", flags(&s.flags), s.at),
                    })
                    .collect();
                format!("it patches {}", each.join("; "))
            }
            Patching::Assumed(spelled) => {
                format!("assumed patched: `--assume-patched {spelled}`")
            }
            Patching::ThisFile if self.patched.is_empty() => {
                "this file calls no `monkey_patch()`".to_string()
            }
            Patching::ThisFile => format!("it patches {} in this file", flags(&self.patched)),
        }
    }
}

impl ProcessContext {
    /// Every process leaves the hub.
    pub fn native() -> ProcessContext {
        ProcessContext::default()
    }

    /// One process that stays, for `why`, patched with `patched` as `patching` says.
    pub fn staying(why: String, patched: BTreeSet<String>, patching: Patching) -> ProcessContext {
        ProcessContext {
            staying: vec![Staying {
                why,
                patched,
                patching,
            }],
            depends_on: None,
            frozen: BTreeMap::new(),
            links: crate::project::crossing::FileLinks::default(),
            backend: Default::default(),
        }
    }

    /// Why a test double keeps the code of `name` (canonical) as it is, if one does: a
    /// double of the name, or of a module it is under (`eventlet` replaced as a whole).
    pub fn frozen_for(&self, name: &str) -> Option<&String> {
        self.frozen.get(name).or_else(|| {
            self.frozen.iter().find_map(|(k, why)| {
                name.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
                    .then_some(why)
            })
        })
    }

    /// Why the first process that stays does, if any does.
    pub fn stays(&self) -> Option<&str> {
        self.staying.first().map(|s| s.why.as_str())
    }

    /// The first staying process that lacks one of `needed`, with the flags it lacks.
    pub fn lacking<'a>(
        &'a self,
        needed: &'a BTreeSet<String>,
    ) -> Option<(&'a Staying, Vec<&'a str>)> {
        self.staying.iter().find_map(|s| {
            let missing: Vec<&str> = needed
                .iter()
                .filter(|f| !s.patched.contains(*f))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then_some((s, missing))
        })
    }
}

/// What a `monkey_patch(...)` call patches, as `eventlet.patcher.monkey_patch` decides:
/// `all` (when given) or else "no flag is True" is the default for every flag not named;
/// the explicit-only flags (`MySQLdb`, `builtins`) default to off. `None` when an argument is
/// not a literal boolean keyword.
pub fn monkey_patch_flags(call: &ExprCall, data: &ProcessData) -> Option<BTreeSet<String>> {
    if !call.arguments.args.is_empty() {
        return None;
    }
    let mut given: std::collections::BTreeMap<String, bool> = Default::default();
    let mut all: Option<bool> = None;
    for keyword in &call.arguments.keywords {
        let name = keyword.arg.as_ref()?.as_str();
        let Expr::BooleanLiteral(value) = &keyword.value else {
            return None;
        };
        if name == "all" {
            all = Some(value.value);
        } else {
            given.insert(name.to_string(), value.value);
        }
    }
    let default_on = all.unwrap_or(!given.values().any(|v| *v));
    let accepted = data.default_flags.iter().chain(&data.explicit_flags);
    Some(
        accepted
            .filter(|flag| match given.get(flag.as_str()) {
                Some(on) => *on,
                None => default_on && !data.explicit_flags.contains(flag),
            })
            .cloned()
            .collect(),
    )
}

/// The flags a replacement needs where its process stays on the hub: one per module it
/// imports that runs green only when patched.
pub fn needed_flags<'a>(
    modules: impl IntoIterator<Item = &'a str>,
    data: &ProcessData,
) -> BTreeSet<String> {
    modules
        .into_iter()
        .filter_map(|m| data.flag_for(m))
        .map(str::to_string)
        .collect()
}

/// A process of the project: what starts it, the modules it runs, what it patches.
#[derive(Debug, Clone)]
pub struct Process {
    pub name: String,
    pub modules: BTreeSet<String>,
    /// The flags its reachable `monkey_patch()` calls patch.
    pub patched: BTreeSet<String>,
    /// Those calls (with literal flags).
    pub sites: Vec<PatchSite>,
    /// A reachable `monkey_patch()` call whose flags are not literals.
    pub unknown_flags: bool,
    /// Libraries known to keep a process on the hub that it imports.
    pub libraries: Vec<String>,
}

/// The processes the entry points start.
/// Independent of each other: computed in parallel (on the caller's rayon pool).
pub fn processes(project: &Project, entries: &[EntryPoint]) -> Vec<Process> {
    use rayon::prelude::*;
    entries
        .par_iter()
        .map(|entry| {
            let modules = project.closure(&entry.modules);
            let patching = modules.iter().any(|m| {
                project
                    .modules
                    .get(m)
                    .is_some_and(|i| !i.patches.is_empty())
            });
            // Most processes patch nowhere: no need to know what they call.
            let reachable = if patching {
                project.reachable(&modules, &entry.functions)
            } else {
                Default::default()
            };
            let mut patched = BTreeSet::new();
            let mut sites = Vec::new();
            let mut unknown_flags = false;
            let mut libraries = Vec::new();
            for module in &modules {
                let info = &project.modules[module];
                for patch in &info.patches {
                    if !Project::runs(&patch.function, &modules, &reachable) {
                        continue;
                    }
                    match &patch.flags {
                        Some(flags) => {
                            patched.extend(flags.iter().cloned());
                            sites.push(PatchSite {
                                at: patch.at.clone(),
                                flags: flags.clone(),
                            });
                        }
                        // `monkey_patch(**kwargs)`: what each call of its function that runs
                        // here passes (`hub.patch(thread=False)`).
                        None if patch.forwarded => {
                            for call in forwarding_calls(project, &modules, &reachable, patch) {
                                patched.extend(call.flags.iter().cloned());
                                sites.push(PatchSite {
                                    at: format!("{} (through {})", call.at, patch.at),
                                    flags: call.flags.clone(),
                                });
                            }
                        }
                        None => unknown_flags = true,
                    }
                }
                libraries.extend(info.eventlet_libraries.iter().cloned());
            }
            Process {
                name: entry.name.clone(),
                modules,
                patched,
                sites,
                unknown_flags,
                libraries,
            }
        })
        .collect()
}

/// The calls with literal keywords, run in a process of `modules`, of the function whose
/// `monkey_patch(**kwargs)` is `patch`.
fn forwarding_calls<'a>(
    project: &'a Project,
    modules: &'a BTreeSet<String>,
    reachable: &'a rustc_hash::FxHashSet<&str>,
    patch: &'a crate::project::index::Patch,
) -> impl Iterator<Item = &'a crate::project::index::KeywordCall> + 'a {
    modules
        .iter()
        .filter_map(|m| project.modules.get(m))
        .flat_map(|info| &info.keyword_calls)
        .filter(move |call| {
            call.callee == patch.function && Project::runs(&call.caller, modules, reachable)
        })
}

/// How code that no entry point reaches is judged: it is assumed to run in processes that
/// stay on the hub with these flags patched (`--assume-patched`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    pub patched: BTreeSet<String>,
    /// As the user wrote it, for messages.
    pub spelled: String,
}

impl Assumption {
    /// `all`, `none`, or flags separated by commas (`socket,time`).
    pub fn parse(text: &str, data: &ProcessData) -> Result<Assumption, String> {
        let valid: BTreeSet<&str> = data
            .default_flags
            .iter()
            .chain(&data.explicit_flags)
            .map(String::as_str)
            .collect();
        let patched = match text {
            "all" => data.default_flags.iter().cloned().collect(),
            "none" => BTreeSet::new(),
            list => list
                .split(',')
                .map(str::trim)
                .map(|f| {
                    valid.contains(f).then(|| f.to_string()).ok_or_else(|| {
                        format!(
                            "unknown flag `{f}` in --assume-patched; valid: all, none, or {}",
                            valid.iter().copied().collect::<Vec<_>>().join(", ")
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Assumption {
            patched,
            spelled: text.to_string(),
        })
    }
}

/// Modules run by the same processes: each group shares one context, whatever stays.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Per group, the processes (indices) running its modules; empty: no entry point does.
    pub processes: Vec<Vec<usize>>,
    /// Module → its group.
    pub of_module: BTreeMap<String, usize>,
}

/// Groups the modules of `project` by the processes that run them (these do not change
/// while a project is planned; what stays in them does).
pub fn groups(project: &Project, processes: &[Process]) -> Groups {
    let mut runs_in: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, process) in processes.iter().enumerate() {
        for module in &process.modules {
            runs_in.entry(module.as_str()).or_default().push(i);
        }
    }
    let mut groups = Groups::default();
    let mut index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for module in project.modules.keys() {
        let mine = runs_in.get(module.as_str()).cloned().unwrap_or_default();
        let group = *index.entry(mine).or_insert_with_key(|mine| {
            groups.processes.push(mine.clone());
            groups.processes.len() - 1
        });
        groups.of_module.insert(module.clone(), group);
    }
    groups
}

/// The context of each group: which of its processes stay on the hub after this run, and
/// why. `stays` says, per module, what keeps it on eventlet (`path:line:col (code)`) and in
/// which round of the planning that was found.
pub fn contexts(
    groups: &Groups,
    processes: &[Process],
    stays: &BTreeMap<String, (usize, String)>,
    assumption: &Assumption,
) -> Vec<ProcessContext> {
    // Why a process stays, and the round its cause was found in.
    let why_stays = |process: &Process| -> Option<(usize, String)> {
        if let Some(library) = process.libraries.first() {
            return Some((0, format!("{} uses {library}", process.name)));
        }
        // Few modules stay: look them up in the process, not the other way round.
        stays
            .iter()
            .filter(|(module, _)| process.modules.contains(*module))
            .map(|(_, found)| found)
            .min_by_key(|(round, _)| *round)
            .map(|(round, why)| {
                (
                    *round,
                    format!("{} keeps eventlet code at {why}", process.name),
                )
            })
    };
    // Earliest cause first: a module two processes share is explained by the process that
    // held it back, not by the one it then kept on the hub.
    let mut found: Vec<(usize, usize, String)> = processes
        .iter()
        .enumerate()
        .filter_map(|(i, p)| why_stays(p).map(|(round, why)| (round, i, why)))
        .collect();
    found.sort_by_key(|(round, i, _)| (*round, *i));
    let staying: Vec<(usize, String)> = found.into_iter().map(|(_, i, why)| (i, why)).collect();
    groups
        .processes
        .iter()
        .map(|mine| context_of(mine, processes, &staying, assumption))
        .collect()
}

/// The context of a module run by the processes `mine` (indices into `processes`).
fn context_of(
    mine: &[usize],
    processes: &[Process],
    staying: &[(usize, String)],
    assumption: &Assumption,
) -> ProcessContext {
    if mine.is_empty() {
        // Right under the documented assumption; no other file is involved.
        return ProcessContext::staying(
            format!(
                "no entry point among the given paths reaches it: assumed to run on the hub with `--assume-patched {}`",
                assumption.spelled
            ),
            assumption.patched.clone(),
            Patching::Assumed(assumption.spelled.clone()),
        );
    }
    let others: Vec<&str> = mine
        .iter()
        .filter(|&&i| processes[i].modules.len() > 1)
        .map(|&i| processes[i].name.as_str())
        .collect();
    ProcessContext {
        staying: staying
            .iter()
            .filter(|(i, _)| mine.contains(i))
            .map(|(i, why)| Staying {
                why: why.clone(),
                patched: processes[*i].patched.clone(),
                patching: Patching::Found {
                    name: processes[*i].name.clone(),
                    sites: processes[*i].sites.clone(),
                },
            })
            .collect(),
        depends_on: (!others.is_empty())
            .then(|| format!("the other modules of {}", others.join(", "))),
        frozen: BTreeMap::new(),
        links: crate::project::crossing::FileLinks::default(),
        backend: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ProcessData {
        let names: crate::recipe::model::NamesFile =
            toml::from_str(include_str!("../../transforms/names.toml")).expect("names.toml");
        names.process
    }

    fn flags(call: &str) -> Option<Vec<String>> {
        let parsed = ruff_python_parser::parse_expression(call).expect("parses");
        let Expr::Call(call) = parsed.expr() else {
            panic!("not a call");
        };
        monkey_patch_flags(call, &data()).map(|f| f.into_iter().collect())
    }

    fn set(names: &[&str]) -> Option<Vec<String>> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort();
        Some(v)
    }

    #[test]
    fn monkey_patch_flags_follow_eventlets_rules() {
        let all = [
            "os",
            "psycopg",
            "select",
            "socket",
            "subprocess",
            "thread",
            "time",
        ];
        assert_eq!(flags("monkey_patch()"), set(&all));
        assert_eq!(flags("monkey_patch(socket=True)"), set(&["socket"]));
        assert_eq!(
            flags("monkey_patch(os=False)"),
            set(&[
                "psycopg",
                "select",
                "socket",
                "subprocess",
                "thread",
                "time"
            ])
        );
        assert_eq!(
            flags("monkey_patch(all=False, socket=True, select=True, thread=True)"),
            set(&["select", "socket", "thread"])
        );
        assert_eq!(flags("monkey_patch(all=False)"), set(&[]));
        assert_eq!(
            flags("monkey_patch(all=True, socket=False)"),
            set(&["os", "psycopg", "select", "subprocess", "thread", "time"])
        );
        assert_eq!(flags("monkey_patch(MySQLdb=True)"), set(&["MySQLdb"]));
        assert_eq!(flags("monkey_patch(thread=use_threads)"), None);
        assert_eq!(flags("monkey_patch(**kwargs)"), None);
    }

    #[test]
    fn replacements_need_the_flag_of_each_module_they_import() {
        let needed = needed_flags(["time", "concurrent.futures", "importlib"], &data());
        assert_eq!(
            needed.into_iter().collect::<Vec<_>>(),
            vec!["thread".to_string(), "time".to_string()]
        );
    }
}
