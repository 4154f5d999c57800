//! The one driver every mode goes through: the files are found, checked as a whole (a tree
//! that is Eventlet itself is refused), and each is migrated on worker threads with large
//! stacks and a panic guard. `migrate` (diff or write), `--patches` and `--commit` differ only
//! in what they do with the results, so they cannot disagree about what a file becomes.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use crate::crossing::{self, FileLinks, Others};
use crate::pipeline::{Analysed, Engine, FileError, Migration, Prepared};
use crate::process::{self, contexts, processes, Assumption, Process, ProcessContext};
use crate::project::{entry_points, index, index_text, module_names, ModuleInfo, Project};
use crate::trace;

/// Deeply nested expressions recurse deeply in the parser and the visitors.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// Worker threads for migrating files (`jobs = 0`: one per CPU).
pub fn pool(jobs: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
}

/// Migrates every item on `pool`, in order: `migrate` gets each item and returns its result.
pub fn run_all<T: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    items: &[T],
    migrate: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    // One task per item: files differ in cost by orders of magnitude, and a worker must be
    // able to take any file another has not started.
    pool.install(|| items.par_iter().with_max_len(1).map(migrate).collect())
}

/// A panic is a bug, but it must not take the other files down with it: it is reported as
/// this file's internal error and the file is left untouched.
pub fn guarded<T>(run: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(FileError::Internal(format!("panic: {message}")))
    })
}

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
    let all_names: BTreeSet<String> = names.iter().cloned().collect();
    // Parsed and indexed on the workers: their stacks take deep nesting. A file that
    // mentions eventlet is kept prepared (parsed, names resolved) for the rounds below.
    let analysed = run_all(pool, &indices, |&i| {
        let bytes = contents[i].as_ref().ok()?;
        index_file(engine, &files[i], &names[i], bytes, &all_names)
    });
    // Settable later through a shared borrow: a module objects are passed to is prepared
    // when the plan follows them there.
    let mut prepared: Vec<OnceLock<Result<Prepared, FileError>>> = Vec::with_capacity(files.len());
    let mut infos = Vec::new();
    for entry in in_file_order(&indices, analysed) {
        let (info, p) = entry.unwrap_or((None, None));
        infos.extend(info);
        prepared.push(p.map_or_else(OnceLock::new, OnceLock::from));
    }
    let project = Project::from_modules(infos);
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
    let mut stays: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if let Some(Err(error)) = p.get() {
            stays.insert(
                names[i].clone(),
                (0, format!("{} (not migrated: {error})", shown(&files[i]))),
            );
        }
    }
    let mut current: Vec<Option<Arc<ProcessContext>>> = vec![None; files.len()];
    let mut results: Vec<Result<Migration, FileError>> = contents
        .iter()
        .map(|c| match c {
            Ok(_) => Ok(Migration::default()),
            Err(e) => Err(e.clone()),
        })
        .collect();
    let native = Arc::new(ProcessContext::native());
    let groups = process::groups(&project, &processes);
    let group_of: Vec<Option<usize>> = names
        .iter()
        .map(|n| groups.of_module.get(n).copied())
        .collect();
    // A group's context, kept from round to round while it does not change.
    let mut shared: Vec<Arc<ProcessContext>> = Vec::new();
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
    let mut analysed: Vec<Result<Option<Analysed<'_>>, FileError>> = in_file_order(
        &indices,
        run_all(pool, &indices, |&i| match prepared[i].get() {
            Some(Ok(p)) => {
                trace::timed("analyse", || guarded(|| Ok(engine.analyse(p, &others[i]))))
            }
            Some(Err(e)) => Err(e.clone()),
            None => Ok(None),
        }),
    );
    // Objects passed to functions of other modules: followed there, their fixes linked.
    let crossings = crossing::follow(
        engine,
        pool,
        files,
        &names,
        contents,
        &prepared,
        &mut analysed,
        &others,
        &answers,
    );
    // Links cut so far (a fix of theirs not applied somewhere), and why.
    let mut cut: BTreeMap<String, String> = BTreeMap::new();
    // Whether a file's current result still has its edits to apply.
    let mut pending = vec![false; files.len()];
    // Monotone: what stays on eventlet only grows, so this settles; the bound is a guard.
    for round in 0..MAX_ROUNDS {
        shared = contexts(&groups, &processes, &stays, assumption)
            .into_iter()
            .enumerate()
            .map(|(g, context)| match shared.get(g) {
                Some(old) if **old == context => old.clone(),
                _ => Arc::new(context),
            })
            .collect();
        let frozen = frozen_names(&processes, &names, files, &results);
        let wanted: Vec<Arc<ProcessContext>> = names
            .iter()
            .zip(&group_of)
            .enumerate()
            .map(|(i, (n, group))| {
                let links = crossings.links_of(i, &cut);
                with_constraints(group.map_or(&native, |g| &shared[g]), frozen.get(n), links)
            })
            .collect();
        // A file is judged again only if its new context could change its result.
        let changed: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&i| contents[i].is_ok() && judged_again(&current[i], &results[i], &wanted[i]))
            .collect();
        if changed.is_empty() {
            // Settled: the new texts. A file that cannot be written stays as it was, which
            // is a new constraint on its processes: the plan settles again with it.
            let failed = emit_pending(
                engine,
                pool,
                &indices,
                &prepared,
                &mut results,
                &mut pending,
            );
            if failed.is_empty() {
                break;
            }
            for (i, error) in failed {
                crossings.cut_file(
                    i,
                    &format!("{} is not rewritten ({error})", shown(&files[i])),
                    &mut cut,
                );
                stays.entry(names[i].clone()).or_insert_with(|| {
                    (
                        round,
                        format!("{} (not rewritten: {error})", shown(&files[i])),
                    )
                });
            }
            continue;
        }
        trace::phase(&format!("round {round}: {} files", changed.len()), started);
        let rerun = run_all(pool, &changed, |&i| {
            match (prepared[i].get(), &analysed[i]) {
                (Some(Ok(p)), Ok(Some(a))) => trace::timed("decide", || {
                    guarded(|| Ok(engine.decide(p, a, None, &wanted[i], &crossings.injected[i])))
                }),
                (_, Err(e)) => Err(e.clone()),
                _ => Ok(Migration::default()),
            }
        });
        for (i, result) in changed.into_iter().zip(rerun) {
            if let Ok(m) = &result {
                if let Some(why) = &m.stays {
                    stays
                        .entry(names[i].clone())
                        .or_insert_with(|| (round, format!("{}:{why}", shown(&files[i]))));
                }
            }
            match &result {
                Ok(m) => {
                    for (link, why) in &m.cut {
                        cut.entry(link.clone())
                            .or_insert_with(|| format!("{}:{why}", shown(&files[i])));
                    }
                }
                Err(error) => crossings.cut_file(
                    i,
                    &format!("{} is not migrated ({error})", shown(&files[i])),
                    &mut cut,
                ),
            }
            pending[i] = result.as_ref().is_ok_and(|m| !m.edits.is_empty());
            results[i] = result;
            current[i] = Some(wanted[i].clone());
        }
    }
    // Only if the guard ended the rounds early.
    emit_pending(
        engine,
        pool,
        &indices,
        &prepared,
        &mut results,
        &mut pending,
    );
    drop(analysed);
    let contexts = current
        .into_iter()
        .map(|c| c.map_or_else(ProcessContext::native, |c| ProcessContext::clone(&c)))
        .collect();
    // Freeing hundreds of syntax trees takes as long as a planning round: on the workers.
    pool.install(|| prepared.into_par_iter().for_each(drop));
    trace::phase("planned", started);
    trace::report();
    let links = crossings
        .members
        .iter()
        .filter(|(link, _)| !cut.contains_key(*link))
        .map(|(_, files)| files.clone())
        .collect();
    (
        results,
        Analysis {
            processes,
            contexts,
            links,
        },
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
        Prepared::new(bytes, engine.all_files)
    });
    std::panic::catch_unwind(|| match prepared {
        Ok(Some(prepared)) => {
            let info = trace::timed("index syntax", || {
                let semantic = Some(prepared.semantic());
                index(
                    file,
                    name,
                    prepared.module(),
                    semantic,
                    all_names,
                    &engine.catalog,
                )
            });
            Some((Some(info), Some(Ok(prepared))))
        }
        // Eventlet code that cannot be parsed stays as it is: its imports, read as text,
        // still tell which processes it keeps on the hub.
        Err(e) => Some((Some(by_text(&String::from_utf8_lossy(bytes))), Some(Err(e)))),
        Ok(None) if memchr::memmem::find(bytes, b"monkey_patch").is_none() => {
            let info = match std::str::from_utf8(bytes) {
                // No copy for the common case: only imports and names are read.
                Ok(text) => trace::timed("index text", || by_text(text)),
                Err(_) => by_text(&crate::source::SourceText::decode(bytes).ok()?.text),
            };
            Some((Some(info), None))
        }
        Ok(None) => {
            let text = crate::source::SourceText::decode(bytes).ok()?.text;
            if crate::pipeline::too_deep(&text).is_some() {
                return None;
            }
            let parsed = ruff_python_parser::parse_module(&text).ok()?;
            let info = index(
                file,
                name,
                parsed.syntax(),
                None,
                all_names,
                &engine.catalog,
            );
            Some((Some(info), None))
        }
    })
    .ok()
    .flatten()
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

/// `context`, with the names test doubles freeze in the module's processes and the links
/// of its fixes to other files'.
fn with_constraints(
    context: &Arc<ProcessContext>,
    frozen: Option<&BTreeMap<String, String>>,
    links: Option<FileLinks>,
) -> Arc<ProcessContext> {
    if frozen.is_none() && links.is_none() {
        return context.clone();
    }
    Arc::new(ProcessContext {
        frozen: frozen.cloned().unwrap_or_else(|| context.frozen.clone()),
        links: links.unwrap_or_else(|| context.links.clone()),
        ..ProcessContext::clone(context)
    })
}

/// Whether a file judged in `current` (`None`: not yet) must be judged again in `wanted`:
/// only if the new context could change its result.
fn judged_again(
    current: &Option<Arc<ProcessContext>>,
    result: &Result<Migration, FileError>,
    wanted: &Arc<ProcessContext>,
) -> bool {
    match (current, result) {
        (None, _) => true,
        (Some(c), _) if Arc::ptr_eq(c, wanted) || c == wanted => false,
        (Some(c), Ok(m)) if c.depends_on == wanted.depends_on && c.links == wanted.links => {
            m.sensitivity.affected_by(wanted)
        }
        _ => true,
    }
}

/// A path as reports show it (without a leading `./`).
fn shown(path: &Path) -> std::path::Display<'_> {
    path.strip_prefix(".").unwrap_or(path).display()
}

/// `values[k]` belongs to file `order[k]`: the values in the files' order.
fn in_file_order<T>(order: &[usize], values: Vec<T>) -> Vec<T> {
    let mut placed: Vec<(usize, T)> = order.iter().copied().zip(values).collect();
    placed.sort_by_key(|(i, _)| *i);
    placed.into_iter().map(|(_, v)| v).collect()
}

/// At most this many planning rounds (each only adds what stays on eventlet).
const MAX_ROUNDS: usize = 16;

/// Applies the edits of the results still `pending` (on the workers); the files whose new
/// text failed its checks, now errors, and why.
fn emit_pending(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    indices: &[usize],
    prepared: &[OnceLock<Result<Prepared, FileError>>],
    results: &mut [Result<Migration, FileError>],
    pending: &mut [bool],
) -> Vec<(usize, FileError)> {
    let todo: Vec<usize> = indices.iter().copied().filter(|&i| pending[i]).collect();
    let emitted = run_all(pool, &todo, |&i| {
        let (Some(Ok(p)), Ok(m)) = (prepared[i].get(), &results[i]) else {
            return None;
        };
        let mut m = m.clone();
        Some(trace::timed("emit", || guarded(|| engine.emit(p, &mut m))).map(|()| m))
    });
    let mut failed = Vec::new();
    for (i, outcome) in todo.into_iter().zip(emitted) {
        pending[i] = false;
        match outcome {
            Some(Ok(m)) => results[i] = Ok(m),
            Some(Err(e)) => {
                failed.push((i, e.clone()));
                results[i] = Err(e);
            }
            None => {}
        }
    }
    failed
}

/// Per module, the eventlet names a test double in one of its processes patches and cannot
/// follow (`mock.patch.object(eventlet, 'spawn_n', ...)` when `spawn_n` becomes a thread):
/// that code must stay, or the test would double nothing.
fn frozen_names(
    processes: &[Process],
    names: &[String],
    files: &[PathBuf],
    results: &[Result<Migration, FileError>],
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut frozen: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (i, result) in results.iter().enumerate() {
        let Ok(migration) = result else { continue };
        for (name, at) in &migration.stale_doubles {
            let why = format!(
                "a test double at {}:{at} patches it and cannot follow the rewrite",
                shown(&files[i])
            );
            for process in processes.iter().filter(|p| p.modules.contains(&names[i])) {
                for module in &process.modules {
                    frozen
                        .entry(module.clone())
                        .or_default()
                        .entry(name.clone())
                        .or_insert_with(|| why.clone());
                }
            }
        }
    }
    frozen
}
