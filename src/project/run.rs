//! The one driver every mode goes through: the files are found, checked as a whole (a tree
//! that is Eventlet itself is refused), and each is migrated on worker threads with large
//! stacks and a panic guard. `migrate` (diff or write), `--patches` and `--commit` differ only
//! in what they do with the results, so they cannot disagree about what a file becomes.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::plan::context::ProcessContext;
use crate::plan::migration::Migration;
use crate::project::crossing;
use crate::project::crossing::{Others, Workspace};
use crate::project::index::entry_points;
use crate::project::index::index;
use crate::project::index::index_text;
use crate::project::index::module_names;
use crate::project::index::ModuleInfo;
use crate::project::index::Project;
use crate::project::index::Source;
use crate::project::processes as process;
use crate::project::processes::processes;
use crate::project::processes::Assumption;
use crate::project::processes::Process;
use crate::project::rounds;
use crate::project::workers::{guarded, run_all, shown};
use crate::syntax::prepared::{FileError, Prepared};
use crate::trace;

/// One file through the engine, guarded.
pub fn migrate_file(engine: &Engine, bytes: &[u8]) -> Result<Migration, FileError> {
    guarded(|| engine.migrate(bytes))
}

/// Eventlet's own source among the paths: the tool would rewrite the library against
/// itself. Returns the package directory found.
pub fn eventlet_itself(paths: &[PathBuf], files: &[PathBuf]) -> Option<PathBuf> {
    let is_eventlet_package =
        |dir: &Path| dir.join("__init__.py").is_file() && dir.join("greenthread.py").is_file();
    // A package named `eventlet` among the files found…
    let in_files = files.iter().find_map(|file| {
        file.ancestors()
            .skip(1)
            .find(|dir| {
                dir.file_name().is_some_and(|n| n == "eventlet") && is_eventlet_package(dir)
            })
            .map(Path::to_path_buf)
    });
    // …or beside a given path or one of its parents (its `tests/` given alone).
    in_files.or_else(|| {
        paths.iter().find_map(|path| {
            let absolute = std::path::absolute(path).ok()?;
            absolute
                .ancestors()
                .map(|dir| dir.join("eventlet"))
                .find(|dir| is_eventlet_package(dir))
        })
    })
}

/// The refusal printed for [`eventlet_itself`].
pub fn eventlet_itself_message(package: &Path) -> String {
    format!(
        "{} is Eventlet's own package: eventlet-migrate migrates code that uses Eventlet, not Eventlet itself; nothing was changed",
        package.display()
    )
}

/// The processes of a project, found before anything is rewritten.
pub struct Analysis {
    pub processes: Vec<Process>,
    /// The context each file (by index) was migrated in.
    pub contexts: Vec<ProcessContext>,
    /// The files of each link of fixes applied together (objects passed between modules).
    pub links: Vec<BTreeSet<usize>>,
    /// The processes that stay on eventlet, and the sites that keep them there.
    pub staying: Vec<crate::project::blockers::Staying>,
}

/// Migrates the files of a project together, in three phases: every file is parsed and
/// indexed (modules, imports, calls, monkey patching, entry points); the processes are
/// planned project-wide, a file's context depending on what stays on eventlet in the other
/// files of its processes, until that settles; then each file is migrated in its context.
/// `contents[i]` is `files[i]`'s bytes (`Err`: could not be read).
pub fn migrate_project(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    paths: &[PathBuf],
    assumption: &Assumption,
) -> (Vec<Result<Migration, FileError>>, Analysis) {
    let started = std::time::Instant::now();
    // Largest files first, so that the last file started is a small one and neither worker
    // waits long for the other at the end of a phase.
    let size = |i: usize| contents[i].as_ref().map_or(0, Vec::len);
    let mut indices: Vec<usize> = (0..files.len()).collect();
    indices.sort_by_key(|&i| std::cmp::Reverse(size(i)));
    // Module names ask the file system (`__init__.py` up the tree), once per directory.
    let names: Vec<String> = module_names(files);
    let (prepared, mut project) = index_project(engine, pool, files, contents, &indices, &names);
    let backends = project.select_backends();
    let extended = with_project_helpers(engine, &project);
    let engine = extended.as_ref().unwrap_or(engine);
    trace::phase(
        &format!("indexed {} modules", project.modules.len()),
        started,
    );
    let entries = entry_points(&project, paths);
    let processes = pool.install(|| processes(&project, &entries));
    trace::phase(&format!("{} processes", processes.len()), started);
    // Module → (the round it was found in, what keeps it on eventlet): a process is
    // explained by its earliest cause, not by what that cause held back.
    let stays = unmigratable(&prepared, &names, files);
    let answers = OnceLock::new();
    let others: Vec<Others<'_>> = (0..files.len())
        .map(|except| Others {
            contents,
            except,
            asked: Mutex::default(),
            answers: &answers,
        })
        .collect();
    // What holds whatever the context: found once, judged again each round.
    let workspace = Workspace {
        files,
        names: &names,
        contents,
        prepared: &prepared,
        others: &others,
        answers: &answers,
    };
    let mut analysed = analyse_all(engine, pool, &indices, &workspace);
    trace::phase("analysed", started);
    // Objects passed to functions of other modules: followed there, their fixes linked.
    let crossings = crossing::follow(engine, Some(pool), &workspace, &mut analysed, &|j, m| {
        project
            .modules
            .get(&names[j])
            .is_some_and(|info| info.imports.contains(&names[m]))
    });
    trace::phase("objects followed across modules", started);
    let groups = process::groups(&project, &processes);
    let selects = process::selects(&processes);
    let doubles = project.doubles_through_modules(&|q| engine.catalog.canonical(q));
    let settled = rounds::settle(
        &rounds::Inputs {
            engine,
            pool: Some(pool),
            workspace: &workspace,
            indices: &indices,
            analysed: &analysed,
            crossings: &crossings,
            judged: rounds::Judged::InProcesses(rounds::Processes {
                processes: &processes,
                groups: &groups,
                assumption,
                backends: &backends,
                selects: &selects,
                doubles: &doubles,
            }),
            within: None,
        },
        stays,
        started,
    );
    drop(analysed);
    // Freeing hundreds of syntax trees takes as long as a planning round: on the workers.
    pool.install(|| prepared.into_par_iter().for_each(drop));
    trace::phase("planned", started);
    trace::report();
    let rounds::Settled {
        results,
        contexts,
        cut,
    } = settled;
    let links = crossings
        .members
        .iter()
        .filter(|(link, _)| !cut.contains_key(*link))
        .map(|(_, files)| files.clone())
        .collect();
    let staying = crate::project::blockers::staying(&processes, &names, files, &results);
    let analysis = Analysis {
        processes,
        contexts,
        links,
        staying,
    };
    (results, analysis)
}

/// Every file parsed (on the workers: their stacks take deep nesting) and indexed into the
/// project; a file that mentions eventlet is kept prepared (parsed, names resolved) for the
/// rounds, in a cell a later step may fill for the others (a module objects are passed to
/// is prepared when the plan follows them there).
fn index_project(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    indices: &[usize],
    names: &[String],
) -> (Vec<OnceLock<Result<Prepared, FileError>>>, Project) {
    let all_names: BTreeSet<String> = names.iter().cloned().collect();
    let analysed = run_all(pool, indices, |&i| {
        let bytes = contents[i].as_ref().ok()?;
        index_file(engine, &files[i], &names[i], bytes, &all_names)
    });
    let mut prepared: Vec<OnceLock<Result<Prepared, FileError>>> = Vec::with_capacity(files.len());
    let mut infos = Vec::new();
    for entry in in_file_order(indices, analysed) {
        let (info, p) = entry.unwrap_or((None, None));
        infos.extend(info);
        prepared.push(p.map_or_else(OnceLock::new, OnceLock::from));
    }
    let mut project = Project::from_modules(infos);
    read_calls_of_patching_callers(engine, pool, &mut project, files, contents, names);
    (prepared, project)
}

/// The modules known to stay on eventlet before the first round, those that cannot be
/// migrated at all: module → (round 0, why).
fn unmigratable(
    prepared: &[OnceLock<Result<Prepared, FileError>>],
    names: &[String],
    files: &[PathBuf],
) -> BTreeMap<String, (usize, String)> {
    let mut stays = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if let Some(Err(error)) = p.get() {
            stays.insert(
                names[i].clone(),
                (0, format!("{} (not migrated: {error})", shown(&files[i]))),
            );
        }
    }
    stays
}

/// Every prepared file analysed once (what holds whatever the context), in file order.
fn analyse_all<'p>(
    engine: &'p Engine,
    pool: &rayon::ThreadPool,
    indices: &[usize],
    workspace: &Workspace<'p>,
) -> Vec<Result<Option<Analysed<'p>>, FileError>> {
    let Workspace {
        prepared, others, ..
    } = *workspace;
    in_file_order(
        indices,
        run_all(pool, indices, |&i| match prepared[i].get() {
            Some(Ok(p)) => {
                trace::timed("analyse", || guarded(|| Ok(engine.analyse(p, &others[i]))))
            }
            Some(Err(e)) => Err(e.clone()),
            None => Ok(None),
        }),
    )
}

/// What indexing a file gives: its module (if it could be read) and, for a file that
/// mentions eventlet, the file prepared for the rounds (or why it cannot be).
type Indexed = (Option<ModuleInfo>, Option<Result<Prepared, FileError>>);

/// Indexes one file (`None`: it cannot be read as Python at all). A file that mentions
/// eventlet is kept prepared (parsed, names resolved) for the planning rounds; the others are
/// read as text, unless they may call a monkey-patching helper.
fn index_file(
    engine: &Engine,
    file: &Path,
    name: &str,
    bytes: &[u8],
    all_names: &BTreeSet<String>,
) -> Option<Indexed> {
    let by_text = |text: &str| index_text(file, name, text, all_names, &engine.catalog);
    let prepared = trace::timed("parse and resolve", || {
        Prepared::new(bytes, engine.needles())
    });
    std::panic::catch_unwind(|| match prepared {
        Ok(Some(prepared)) => {
            let info = trace::timed("index syntax", || {
                let semantic = Some(prepared.semantic());
                let source = Source {
                    module: prepared.module(),
                    text: prepared.text(),
                };
                index(file, name, source, semantic, all_names, &engine.catalog)
            });
            Some((Some(info), Some(Ok(prepared))))
        }
        // Eventlet code that cannot be parsed stays as it is: its imports, read as text,
        // still tell which processes it keeps on the hub.
        Err(e) => Some((Some(by_text(&String::from_utf8_lossy(bytes))), Some(Err(e)))),
        Ok(None) if !may_patch_or_select(engine, bytes) => {
            let info = match std::str::from_utf8(bytes) {
                // No copy for the common case: only imports and names are read.
                Ok(text) => trace::timed("index text", || by_text(text)),
                Err(_) => by_text(&crate::syntax::source::SourceText::decode(bytes).ok()?.text),
            };
            Some((Some(info), None))
        }
        Ok(None) => Some((
            Some(index_calls(engine, file, name, bytes, all_names)?),
            None,
        )),
    })
    .ok()
    .flatten()
}

/// Whether a module that never mentions eventlet may still call a monkey-patching helper, or
/// select a threading backend itself: its calls are read.
fn may_patch_or_select(engine: &Engine, bytes: &[u8]) -> bool {
    let names = |word: &str| memchr::memmem::find(bytes, word.as_bytes()).is_some();
    names("monkey_patch") || engine.catalog.process.selecting_functions().any(names)
}

/// Indexes a module that never mentions eventlet from its syntax, for its calls (no names
/// resolved: nothing in it is migrated); `None` when it does not parse.
fn index_calls(
    engine: &Engine,
    file: &Path,
    name: &str,
    bytes: &[u8],
    all_names: &BTreeSet<String>,
) -> Option<ModuleInfo> {
    let text = crate::syntax::source::SourceText::decode(bytes).ok()?.text;
    if crate::syntax::prepared::too_deep(&text).is_some() {
        return None;
    }
    let parsed = ruff_python_parser::parse_module(&text).ok()?;
    let source = Source {
        module: parsed.syntax(),
        text: &text,
    };
    Some(index(file, name, source, None, all_names, &engine.catalog))
}

/// Modules read only as text (they never mention eventlet) may call a project function
/// that monkey-patches (`hub.patch(thread=False)`, a base class's `setUp` calling
/// `utils.monkey_patch()`): those that name one are parsed for their calls, until no new
/// caller turns up (three rounds at most: wrappers of wrappers).
fn read_calls_of_patching_callers(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    project: &mut Project,
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    names: &[String],
) {
    let all_names: BTreeSet<String> = names.iter().cloned().collect();
    for _ in 0..3 {
        let helpers: Vec<String> = project
            .patching_names()
            .into_iter()
            .map(|name| format!("{name}("))
            .collect();
        let todo: Vec<usize> = (0..files.len())
            .filter(|&i| {
                project
                    .modules
                    .get(&names[i])
                    .is_some_and(|m| !m.calls_read)
                    && contents[i].as_ref().is_ok_and(|bytes| {
                        helpers
                            .iter()
                            .any(|h| memchr::memmem::find(bytes, h.as_bytes()).is_some())
                    })
            })
            .collect();
        if todo.is_empty() {
            return;
        }
        let read = run_all(pool, &todo, |&i| {
            index_calls(
                engine,
                &files[i],
                &names[i],
                contents[i].as_ref().ok()?,
                &all_names,
            )
        });
        let mut changed = false;
        for (i, info) in todo.iter().zip(read) {
            // One that does not parse keeps its text index (and is not tried again).
            let info = info.unwrap_or_else(|| ModuleInfo {
                calls_read: true,
                ..project.modules[&names[*i]].clone()
            });
            changed |= !info.calls.is_empty();
            project.modules.insert(info.name.clone(), info);
        }
        if !changed {
            return;
        }
    }
}

/// The engine with the project's own test-double helpers (`self.patchobject(eventlet,
/// 'sleep')`) among its patchers; `None` when the project has none.
fn with_project_helpers(engine: &Engine, project: &Project) -> Option<Engine> {
    let helpers: Vec<&(String, bool)> = project
        .modules
        .values()
        .flat_map(|m| m.patch_helpers.iter())
        .collect();
    if helpers.is_empty() {
        return None;
    }
    let mut with_helpers = engine.clone();
    let patchers = &mut with_helpers.catalog.patchers;
    for (name, by_object) in helpers {
        let list = if *by_object {
            &mut patchers.by_object_method
        } else {
            &mut patchers.by_name_method
        };
        if !list.contains(name) {
            list.push(name.clone());
        }
    }
    Some(with_helpers)
}

/// `values[k]` belongs to file `order[k]`: the values in the files' order.
fn in_file_order<T>(order: &[usize], values: Vec<T>) -> Vec<T> {
    let mut placed: Vec<(usize, T)> = order.iter().copied().zip(values).collect();
    placed.sort_by_key(|(i, _)| *i);
    placed.into_iter().map(|(_, v)| v).collect()
}
