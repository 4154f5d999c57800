//! How a process runs after the migration: whether it stays on Eventlet's hub and what
//! `monkey_patch()` patches there. A rewrite by a standard-library API is right where the
//! process leaves the hub completely, or stays on it with that module patched (dual mode);
//! anywhere else it would half-migrate the process.

use std::collections::{BTreeMap, BTreeSet};

use crate::plan::context::{PatchSite, Patching, ProcessContext, Staying};
use crate::project::index::EntryPoint;
use crate::project::index::LibraryUse;
use crate::project::index::Project;
use crate::recipe::model::ProcessData;

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
    /// Imports of libraries known to keep a process on the hub.
    pub libraries: Vec<LibraryUse>,
    /// Where it selects the threading backend of the libraries it uses that have one, when
    /// it can (see [`switch_site`]); those then keep it on the hub no longer.
    pub switch: Option<Switched>,
}

/// The `monkey_patch()` calls of a process that become the selection of its libraries'
/// threading backends: the module-level ones of the module that runs first, and those of
/// other modules, which run after it (selecting the same backend again does nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    /// The module whose calls run first.
    pub module: String,
    pub calls: Calls,
    /// The switches it selects (`oslo.service`).
    pub switches: BTreeSet<String>,
}

/// By module, the lines and columns of `monkey_patch()` calls (one, or one per branch that
/// patches).
pub type Calls = BTreeMap<String, Vec<(usize, usize)>>;

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
            let selecting = modules.iter().any(|m| {
                project
                    .modules
                    .get(m)
                    .is_some_and(|i| !i.selects_backend.is_empty())
            });
            // Most processes patch nowhere: no need to know what they call.
            let reachable = if patching || selecting {
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
            let how = Running {
                modules: &modules,
                reachable: &reachable,
                unknown_flags,
            };
            let (libraries, switch) = backend_switch(project, entry, &how, libraries);
            Process {
                name: entry.name.clone(),
                modules,
                patched,
                sites,
                unknown_flags,
                libraries,
                switch,
            }
        })
        .collect()
}

/// What a process runs: its modules, the functions reachable there, and whether one of its
/// `monkey_patch()` calls has flags that are not literals.
struct Running<'r> {
    modules: &'r BTreeSet<String>,
    reachable: &'r rustc_hash::FxHashSet<&'r str>,
    unknown_flags: bool,
}

/// The libraries that keep the process on the hub, and where it selects the threading
/// backend of those that have one (`[process.backend-switch]`), if it can; if it cannot,
/// those keep it too, each saying why.
fn backend_switch(
    project: &Project,
    entry: &EntryPoint,
    how: &Running<'_>,
    libraries: Vec<LibraryUse>,
) -> (Vec<LibraryUse>, Option<Switched>) {
    // What the project already selects itself keeps nothing on the hub.
    let selected = selected_by_hand(project, how);
    let (switchable, mut libraries): (Vec<LibraryUse>, Vec<LibraryUse>) = libraries
        .into_iter()
        .filter(|l| l.switch.as_ref().is_none_or(|s| !selected.contains(s)))
        .partition(|l| l.switch.is_some());
    let mut switches: BTreeSet<String> =
        switchable.iter().filter_map(|l| l.switch.clone()).collect();
    for module in how.modules {
        switches.extend(project.modules[module].picks_backend.iter().cloned());
    }
    switches.retain(|s| !selected.contains(s));
    if switches.is_empty() {
        return (libraries, None);
    }
    let site = match how.unknown_flags {
        true => Err("its `monkey_patch()` flags are not literals".to_string()),
        false => switch_site(project, entry, how.modules, how.reachable),
    };
    match site {
        Ok((module, calls)) => {
            let switched = Switched {
                module,
                calls,
                switches,
            };
            (libraries, Some(switched))
        }
        Err(why) => {
            libraries.extend(switchable.into_iter().map(|l| LibraryUse {
                named: format!(
                    "{}, whose threading backend cannot be selected: {why}",
                    l.named
                ),
                ..l
            }));
            (libraries, None)
        }
    }
}

/// The switches whose threading backend the process selects itself, where it runs the call
/// (`init_backend(BackendType.THREADING)` in module code or a function it reaches).
fn selected_by_hand(project: &Project, how: &Running<'_>) -> BTreeSet<String> {
    how.modules
        .iter()
        .flat_map(|m| &project.modules[m].selects_backend)
        .filter(|(function, _)| Project::runs(function, how.modules, how.reachable))
        .map(|(_, switch)| switch.clone())
        .collect()
}

/// Where the process can select its libraries' threading backends: the `monkey_patch()`
/// calls it runs, when one module's run first (its entry module, or a package all of the
/// modules it imports first are in), in that module's module-level code, with nothing run
/// before each call (the packages above, what the module imported first) importing a
/// library that picks a backend when imported. The calls of its other modules run later,
/// and select the same backend again, which does nothing. Else why not.
fn switch_site(
    project: &Project,
    entry: &EntryPoint,
    modules: &BTreeSet<String>,
    reachable: &rustc_hash::FxHashSet<&str>,
) -> Result<(String, Calls), String> {
    let mut running: BTreeMap<&String, Vec<&crate::project::index::Patch>> = BTreeMap::new();
    for module in modules {
        for patch in &project.modules[module].patches {
            if Project::runs(&patch.function, modules, reachable) {
                running.entry(module).or_default().push(patch);
            }
        }
    }
    let any_patches = running
        .values()
        .next()
        .ok_or(
        "it calls no `monkey_patch()` that could become the selection: select the threading backend by hand where the process starts, before anything imports the library",
    )?;
    // The outermost of the modules that run first: a package runs before what it contains.
    let first = running
        .keys()
        .filter(|m| runs_first(entry, m))
        .min_by_key(|m| m.len())
        .copied();
    let Some(module) = first else {
        return Err(match running.iter().nth(1) {
            Some((_, other)) => format!(
                "it reaches `monkey_patch()` in more than one module ({} and {}), none of which runs first",
                any_patches[0].at, other[0].at
            ),
            None => format!(
                "its `monkey_patch()` at {} is not in its entry module, nor in a package its entry point imports first",
                any_patches[0].at
            ),
        });
    };
    let mut calls = BTreeMap::new();
    for (m, patches) in &running {
        let positions = if *m == module {
            patches
                .iter()
                .map(|patch| selectable(project, entry, module, patch))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            patches.iter().map(|patch| patch.position).collect()
        };
        calls.insert((*m).clone(), positions);
    }
    Ok((module.clone(), calls))
}

/// Whether the module-level code of `module` runs before anything else the process runs:
/// it is the entry module, or a package that every module the entry point imports first
/// is in (whose `__init__` Python runs before them).
fn runs_first(entry: &EntryPoint, module: &str) -> bool {
    let package = format!("{module}.");
    entry.modules == [module]
        || (!entry.first.is_empty() && entry.first.iter().all(|e| e.starts_with(&package)))
}

/// Where `patch`, a `monkey_patch()` call of `module` (run first in its process), can select
/// the backends: in module-level code, with nothing run before it picking one. Else why not.
fn selectable(
    project: &Project,
    entry: &EntryPoint,
    module: &str,
    patch: &crate::project::index::Patch,
) -> Result<(usize, usize), String> {
    let at = &patch.at;
    let preceding = match &patch.preceded_by {
        Some(p) if patch.function == format!("{module}:") => p,
        _ => {
            return Err(format!(
                "its `monkey_patch()` at {at} runs in a function, after the module's imports"
            ))
        }
    };
    if preceding.switched {
        return Err(format!(
            "its module imports the library before its `monkey_patch()` at {at}"
        ));
    }
    let mut before: Vec<String> = preceding.modules.iter().cloned().collect();
    if !entry.first.is_empty() {
        before.extend(crate::project::index::parents(module).map(str::to_string));
    }
    let picks = project
        .closure(&before)
        .into_iter()
        .find(|m| m != module && project.modules[m].picks_a_backend());
    if let Some(early) = picks {
        return Err(format!(
            "`{early}` imports it before the `monkey_patch()` at {at} runs"
        ));
    }
    Ok(patch.position)
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
            return Some((0, format!("{} uses {}", process.name, library.named)));
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
        links: crate::plan::links::FileLinks::default(),
        backend: Default::default(),
        selects: Default::default(),
    }
}

/// Per module, where the processes select their libraries' threading backends.
pub fn selects(processes: &[Process]) -> BTreeMap<&str, crate::plan::context::Selects> {
    let mut selects: BTreeMap<&str, crate::plan::context::Selects> = BTreeMap::new();
    for switched in processes.iter().filter_map(|p| p.switch.as_ref()) {
        for (module, positions) in &switched.calls {
            let module = selects.entry(module.as_str()).or_default();
            for position in positions {
                module
                    .entry(*position)
                    .or_default()
                    .extend(switched.switches.iter().cloned());
            }
        }
    }
    selects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::index::tests::project_of;

    /// The process `svc-x = <module>:main` starts in a project of `files`.
    fn process_of(files: &[(&str, &str)], module: &str) -> Process {
        let project = project_of(files);
        let entry = EntryPoint {
            name: "console script `svc-x`".to_string(),
            modules: vec![module.to_string()],
            functions: vec![format!("{module}:main")],
            first: vec![module.to_string()],
        };
        processes(&project, &[entry]).remove(0)
    }

    const PATCHING_PACKAGE: (&str, &str) = (
        "svc/cmd/__init__.py",
        "import eventlet\n\neventlet.monkey_patch()\n",
    );
    const WORKER: (&str, &str) = ("svc/cmd/worker.py", "from oslo_service import service\n\ndef main():\n    service.launch(None, service.Service()).wait()\n");

    #[test]
    fn a_package_patching_first_selects_the_threading_backend_of_what_its_modules_import() {
        let process = process_of(
            &[("svc/__init__.py", ""), PATCHING_PACKAGE, WORKER],
            "svc.cmd.worker",
        );
        assert!(process.libraries.is_empty(), "{:?}", process.libraries);
        let switch = process.switch.expect("a switch");
        assert_eq!(switch.module, "svc.cmd");
        assert_eq!(switch.calls["svc.cmd"], [(3, 1)]);
        assert_eq!(
            switch.switches,
            BTreeSet::from(["oslo.service".to_string()])
        );
    }

    #[test]
    fn a_switch_after_the_library_is_imported_or_in_a_function_is_not_made() {
        // The package above imports the library before the patching module runs.
        let early = ("svc/__init__.py", "from oslo_service import loopingcall\n");
        let process = process_of(&[early, PATCHING_PACKAGE, WORKER], "svc.cmd.worker");
        assert!(process.switch.is_none());
        assert!(process
            .libraries
            .iter()
            .any(|l| l.named.contains("cannot be selected")));
        // Patching in a function runs after the module's imports.
        let late = ("svc/manage.py", "import eventlet\nfrom oslo_service import service\n\ndef main():\n    eventlet.monkey_patch()\n");
        let process = process_of(&[("svc/__init__.py", ""), late], "svc.manage");
        assert!(process.switch.is_none());
        // The patching module imports it itself before patching.
        let first = (
            "svc/cmd/__init__.py",
            "import eventlet\nfrom oslo_service import service\n\neventlet.monkey_patch()\n",
        );
        let process = process_of(&[("svc/__init__.py", ""), first, WORKER], "svc.cmd.worker");
        assert!(process.switch.is_none());
    }

    #[test]
    fn a_library_that_imports_a_switched_one_is_selected_for_and_must_come_after() {
        // oslo.messaging imports oslo_service.service: the script selects the backend first.
        let script = ("rpc.py", "import eventlet\n\neventlet.monkey_patch()\n\nimport oslo_messaging\n\ndef main():\n    oslo_messaging.get_rpc_server(None, None, [], executor='eventlet')\n");
        let process = process_of(&[script], "rpc");
        assert!(process.libraries.is_empty());
        assert_eq!(process.switch.expect("a switch").calls["rpc"], [(3, 1)]);
        // Imported before the patching, it has picked the eventlet backend already; alone it
        // keeps nothing on the hub.
        let late = ("rpc.py", "import eventlet\nimport oslo_messaging\n\neventlet.monkey_patch()\n\ndef main():\n    pass\n");
        let process = process_of(&[late], "rpc");
        assert!(process.switch.is_none());
        assert!(process.libraries.is_empty());
    }

    #[test]
    fn each_branch_that_patches_selects_and_a_test_runner_selects_only_from_a_package_of_all() {
        let branches = ("svc/cmd/__init__.py", "import os\n\nimport eventlet\nif os.name == 'nt':\n    eventlet.monkey_patch(os=False)\nelse:\n    eventlet.monkey_patch()\n");
        let process = process_of(
            &[("svc/__init__.py", ""), branches, WORKER],
            "svc.cmd.worker",
        );
        assert_eq!(
            process.switch.expect("a switch").calls["svc.cmd"],
            [(5, 5), (7, 5)]
        );
        // A runner imports its modules in an order of its own: a test module's patching
        // may run after another test module imported the library.
        let project = project_of(&[
            ("tests/test_a.py", "from oslo_service import loopingcall\n"),
            (
                "tests/test_b.py",
                "import eventlet\n\neventlet.monkey_patch()\n",
            ),
        ]);
        let runner = EntryPoint {
            name: "the test runner of `tests`".to_string(),
            modules: vec!["tests.test_a".to_string(), "tests.test_b".to_string()],
            functions: Vec::new(),
            first: vec!["tests.test_a".to_string(), "tests.test_b".to_string()],
        };
        let process = processes(&project, &[runner]).remove(0);
        assert!(process.switch.is_none());
        assert!(process.libraries[0]
            .named
            .contains("is not in its entry module"));
    }

    /// A test runner of `svc.tests` whose test files are `tests` (all under the package).
    fn runner_of(project: &Project, tests: &[&str]) -> Process {
        let modules: Vec<String> = project
            .modules
            .keys()
            .filter(|m| m.starts_with("svc.tests"))
            .cloned()
            .collect();
        let runner = EntryPoint {
            name: "the test runner of `svc.tests`".to_string(),
            modules,
            functions: Vec::new(),
            first: tests.iter().map(|t| t.to_string()).collect(),
        };
        processes(project, &[runner]).remove(0)
    }

    #[test]
    fn a_test_runner_selects_where_the_package_of_its_test_files_patches_and_again_elsewhere() {
        let files = [
            ("svc/__init__.py", ""),
            PATCHING_PACKAGE,
            WORKER,
            ("svc/tests/__init__.py", ""),
            (
                "svc/tests/base.py",
                "import eventlet\neventlet.monkey_patch(os=False)\n",
            ),
            (
                "svc/tests/unit/__init__.py",
                "import eventlet\n\neventlet.monkey_patch()\n",
            ),
            (
                "svc/tests/unit/test_worker.py",
                "from svc.cmd import worker\nfrom svc.tests import base\n",
            ),
        ];
        let project = project_of(&files);
        let process = runner_of(&project, &["svc.tests.unit.test_worker"]);
        assert!(process.libraries.is_empty(), "{:?}", process.libraries);
        let switch = process.switch.expect("a switch");
        // The test package's `__init__` runs before any test file: it selects first; the
        // helper's and the command package's calls, imported by the test file, run later.
        assert_eq!(switch.module, "svc.tests.unit");
        assert_eq!(
            switch.calls.keys().collect::<Vec<_>>(),
            ["svc.cmd", "svc.tests.base", "svc.tests.unit"]
        );
        // A test file outside that package may be imported first: no module runs first.
        let mut more = files.to_vec();
        more.push(("svc/tests/test_other.py", "from svc.cmd import worker\n"));
        let project = project_of(&more);
        let process = runner_of(
            &project,
            &["svc.tests.unit.test_worker", "svc.tests.test_other"],
        );
        assert!(process.switch.is_none());
        assert!(process.libraries[0]
            .named
            .contains("in more than one module"));
    }

    #[test]
    fn a_process_that_never_patches_is_told_to_select_the_backend_where_it_starts() {
        let process = process_of(&[("svc/__init__.py", ""), WORKER], "svc.cmd.worker");
        assert!(process.switch.is_none());
        assert!(process.libraries[0]
            .named
            .contains("calls no `monkey_patch()` that could become the selection: select the threading backend by hand where the process starts"));
    }

    #[test]
    fn a_process_that_selects_the_threading_backend_itself_is_not_kept_by_it() {
        // As heat's and mistral's entry points do: nothing to switch, nothing keeps it.
        let worker = (
            "svc/cmd/worker.py",
            "from oslo_service import backend\nbackend.init_backend(backend.BackendType.THREADING)\n\nfrom oslo_service import service\n",
        );
        let process = process_of(&[("svc/__init__.py", ""), worker], "svc.cmd.worker");
        assert!(process.switch.is_none());
        assert!(process.libraries.is_empty(), "{:?}", process.libraries);
        // In a function the process never calls, it selects nothing.
        let unused = (
            "svc/cmd/worker.py",
            "from oslo_service import backend\nfrom oslo_service import service\n\n\ndef unused():\n    backend.init_backend(backend.BackendType.THREADING)\n",
        );
        let process = process_of(&[("svc/__init__.py", ""), unused], "svc.cmd.worker");
        assert_eq!(process.libraries.len(), 1);
    }

    #[test]
    fn a_library_without_a_switch_still_keeps_the_process() {
        let api = ("svc/cmd/api.py", "from oslo_service import service\nfrom oslo_service import wsgi\n\ndef main():\n    wsgi.Server(None, 'api', None).wait()\n");
        let process = process_of(
            &[("svc/__init__.py", ""), PATCHING_PACKAGE, api],
            "svc.cmd.api",
        );
        assert!(process.switch.is_some());
        assert_eq!(process.libraries.len(), 1);
        assert!(process.libraries[0].named.contains("oslo_service.wsgi"));
    }
}
