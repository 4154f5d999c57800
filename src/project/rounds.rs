//! The planning rounds of a project run: each file is judged in the context its processes
//! give it; what that leaves on eventlet (a file that stays, a link cut, a test double that
//! cannot follow) changes other files' contexts, and those files are judged again. What
//! stays only grows, so the rounds settle; then the settled results are emitted (new texts,
//! re-parsed and compiled), and a file that cannot be written is one more thing that stays.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::plan::context::ModuleBackend;
use crate::plan::context::ProcessContext;
use crate::plan::links::FileLinks;
use crate::plan::migration::{AppliedSites, Migration};
use crate::project::crossing;
use crate::project::processes::contexts;
use crate::project::processes::Assumption;
use crate::project::processes::Groups;
use crate::project::processes::Process;
use crate::project::workers::guarded;
use crate::project::workers::run_each;
use crate::project::workers::shown;
use crate::syntax::prepared::FileError;
use crate::trace;

/// What every round reads: the files, their analyses, where their contexts come from and
/// the links.
pub struct Inputs<'r, 'p> {
    pub engine: &'r Engine,
    /// The workers (`None`: a file alone, judged on its caller's thread).
    pub pool: Option<&'r rayon::ThreadPool>,
    pub workspace: &'r crossing::Workspace<'p>,
    /// The files in the order the workers take them (largest first).
    pub indices: &'r [usize],
    pub analysed: &'r [Result<Option<Analysed<'p>>, FileError>],
    pub crossings: &'r crossing::CrossingPlan,
    pub judged: Judged<'r>,
    /// Only these rewrites may apply (a patch series' intermediate state), or all (`None`).
    pub within: Option<&'r AppliedSites>,
}

/// Where each file's context comes from.
pub enum Judged<'r> {
    /// A project: each file in the context its processes give it.
    InProcesses(Processes<'r>),
    /// A file alone, in the one context its caller chose. Its messages name lines only:
    /// there is no other file to tell it from.
    Alone(&'r ProcessContext),
}

/// The processes of a project, and what else shapes its files' contexts.
pub struct Processes<'r> {
    pub processes: &'r [Process],
    pub groups: &'r Groups,
    pub assumption: &'r Assumption,
    /// Code of each module that others select by name as an eventlet backend.
    pub backends: &'r BTreeMap<String, ModuleBackend>,
    /// Test doubles that name eventlet through a project module.
    pub doubles: &'r [crate::project::index::DoubleThrough],
    /// Per module, where its processes select libraries' threading backends.
    pub selects: &'r BTreeMap<&'r str, crate::plan::context::Selects>,
}

impl Inputs<'_, '_> {
    /// `why`, found in file `i`, as other files' messages show it.
    fn found_in(&self, i: usize, why: &str) -> String {
        match self.judged {
            Judged::InProcesses(_) => format!("{}:{why}", shown(&self.workspace.files[i])),
            Judged::Alone(_) => why.to_string(),
        }
    }
}

/// What the rounds settle on.
pub struct Settled {
    pub results: Vec<Result<Migration, FileError>>,
    /// The context each file was judged in last.
    pub contexts: Vec<ProcessContext>,
    /// Links cut (a fix of theirs not applied somewhere), and why.
    pub cut: BTreeMap<String, String>,
}

/// What the rounds have found so far.
struct State {
    /// Module → (the round it was found in, what keeps it on eventlet): a process is
    /// explained by its earliest cause, not by what that cause held back.
    stays: BTreeMap<String, (usize, String)>,
    cut: BTreeMap<String, String>,
    /// The context each file was last judged in (`None`: not yet).
    current: Vec<Option<Arc<ProcessContext>>>,
    results: Vec<Result<Migration, FileError>>,
    /// Whether a file's current result still has its edits to apply.
    pending: Vec<bool>,
    /// Each group's context, kept from round to round while it does not change.
    shared: Vec<Arc<ProcessContext>>,
}

/// At most this many planning rounds (each only adds what stays on eventlet).
const MAX_ROUNDS: usize = 16;

/// Judges every file until nothing changes, then emits the results. `stays`: what is known
/// to stay on eventlet before the first round (files that cannot be migrated).
pub fn settle(
    inputs: &Inputs<'_, '_>,
    stays: BTreeMap<String, (usize, String)>,
    started: std::time::Instant,
) -> Settled {
    let n = inputs.workspace.files.len();
    let mut state = State {
        stays,
        cut: BTreeMap::new(),
        current: vec![None; n],
        results: inputs
            .workspace
            .contents
            .iter()
            .map(|c| match c {
                Ok(_) => Ok(Migration::default()),
                Err(e) => Err(e.clone()),
            })
            .collect(),
        pending: vec![false; n],
        shared: Vec::new(),
    };
    for round in 0..MAX_ROUNDS {
        let wanted = state.wanted(inputs);
        // A file is judged again only if its new context could change its result.
        let changed: Vec<usize> = inputs
            .indices
            .iter()
            .copied()
            .filter(|&i| {
                // A file with nothing to judge (no eventlet in it) keeps its empty result.
                let judged = !matches!(inputs.analysed[i], Ok(None));
                inputs.workspace.contents[i].is_ok()
                    && judged
                    && judged_again(&state.current[i], &state.results[i], &wanted[i])
            })
            .collect();
        if changed.is_empty() {
            // Settled: the new texts. A file that cannot be written stays as it was, which
            // is a new constraint on its processes: the plan settles again with it.
            let failed = state.emit_pending(inputs);
            if failed.is_empty() {
                break;
            }
            for (i, error) in failed {
                state.fail(inputs, round, i, &format!("not rewritten: {error}"));
            }
            continue;
        }
        trace::phase(&format!("round {round}: {} files", changed.len()), started);
        let rerun = run_each(inputs.pool, &changed, |&i| {
            match (inputs.workspace.prepared[i].get(), &inputs.analysed[i]) {
                (Some(Ok(p)), Ok(Some(a))) => trace::timed("decide", || {
                    let injected = &inputs.crossings.injected[i];
                    let within = inputs.within;
                    guarded(|| Ok(inputs.engine.decide(p, a, within, &wanted[i], injected)))
                }),
                (_, Err(e)) => Err(e.clone()),
                _ => Ok(Migration::default()),
            }
        });
        for (i, result) in changed.into_iter().zip(rerun) {
            state.record(inputs, round, i, result, &wanted[i]);
        }
    }
    // Only if the guard ended the rounds early.
    state.emit_pending(inputs);
    Settled {
        results: state.results,
        contexts: state
            .current
            .into_iter()
            .map(|c| c.map_or_else(ProcessContext::native, |c| ProcessContext::clone(&c)))
            .collect(),
        cut: state.cut,
    }
}

impl State {
    /// Each file's context for this round: its processes' (shared by the files of a group),
    /// with the names test doubles freeze there and the links of its fixes.
    fn wanted(&mut self, inputs: &Inputs<'_, '_>) -> Vec<Arc<ProcessContext>> {
        let project = match &inputs.judged {
            Judged::InProcesses(project) => project,
            Judged::Alone(context) => {
                let context = Arc::new(ProcessContext::clone(context));
                return (0..inputs.workspace.files.len())
                    .map(|i| {
                        let links = inputs.crossings.links_of(i, &self.cut);
                        with_constraints(
                            &context,
                            Constraints {
                                links,
                                ..Default::default()
                            },
                        )
                    })
                    .collect();
            }
        };
        let fresh = contexts(
            project.groups,
            project.processes,
            &self.stays,
            project.assumption,
        );
        self.shared = fresh
            .into_iter()
            .enumerate()
            .map(|(g, context)| match self.shared.get(g) {
                Some(old) if **old == context => old.clone(),
                _ => Arc::new(context),
            })
            .collect();
        let mut frozen = frozen_names(
            project.processes,
            inputs.workspace.names,
            inputs.workspace.files,
            &self.results,
        );
        freeze_doubled_through_modules(&mut frozen, project.doubles);
        let native = Arc::new(ProcessContext::native());
        inputs
            .workspace
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let group = project.groups.of_module.get(n).map(|&g| &self.shared[g]);
                let links = inputs.crossings.links_of(i, &self.cut);
                let per_module = Constraints {
                    frozen: frozen.get(n),
                    links,
                    backend: project.backends.get(n),
                    selects: project.selects.get(n.as_str()),
                };
                with_constraints(group.unwrap_or(&native), per_module)
            })
            .collect()
    }

    /// Keeps file `i`'s new result, judged in `wanted`, and what it leaves on eventlet.
    fn record(
        &mut self,
        inputs: &Inputs<'_, '_>,
        round: usize,
        i: usize,
        result: Result<Migration, FileError>,
        wanted: &Arc<ProcessContext>,
    ) {
        match &result {
            Ok(m) => {
                if let Some(why) = &m.stays {
                    self.stays
                        .entry(inputs.workspace.names[i].clone())
                        .or_insert_with(|| (round, inputs.found_in(i, why)));
                }
                for (link, why) in &m.cut {
                    self.cut
                        .entry(link.clone())
                        .or_insert_with(|| inputs.found_in(i, why));
                }
            }
            Err(error) => inputs.crossings.cut_file(
                i,
                &format!(
                    "{} is not migrated ({error})",
                    shown(&inputs.workspace.files[i])
                ),
                &mut self.cut,
            ),
        }
        self.pending[i] = result.as_ref().is_ok_and(|m| !m.layout.is_empty());
        self.results[i] = result;
        self.current[i] = Some(wanted.clone());
    }

    /// File `i` stays as it was (`why`): its processes stay, and its links are cut.
    fn fail(&mut self, inputs: &Inputs<'_, '_>, round: usize, i: usize, why: &str) {
        let at = shown(&inputs.workspace.files[i]);
        inputs
            .crossings
            .cut_file(i, &format!("{at} is {why}"), &mut self.cut);
        self.stays
            .entry(inputs.workspace.names[i].clone())
            .or_insert_with(|| (round, format!("{at} ({why})")));
    }

    /// Applies the edits of the results still pending (on the workers); the files whose new
    /// text failed its checks, now errors, and why.
    fn emit_pending(&mut self, inputs: &Inputs<'_, '_>) -> Vec<(usize, FileError)> {
        let todo: Vec<usize> = inputs
            .indices
            .iter()
            .copied()
            .filter(|&i| self.pending[i])
            .collect();
        let results = &self.results;
        let emitted = run_each(inputs.pool, &todo, |&i| {
            let (Some(Ok(p)), Ok(m)) = (inputs.workspace.prepared[i].get(), &results[i]) else {
                return None;
            };
            let mut m = m.clone();
            Some(trace::timed("emit", || guarded(|| crate::emit::emit(p, &mut m))).map(|()| m))
        });
        let mut failed = Vec::new();
        for (i, outcome) in todo.into_iter().zip(emitted) {
            self.pending[i] = false;
            match outcome {
                Some(Ok(m)) => self.results[i] = Ok(m),
                Some(Err(e)) => {
                    failed.push((i, e.clone()));
                    self.results[i] = Err(e);
                }
                None => {}
            }
        }
        failed
    }
}

/// `context`, with the names test doubles freeze in the module's processes and the links
/// of its fixes to other files'.
/// What one file's context adds to its group's.
#[derive(Default)]
struct Constraints<'c> {
    frozen: Option<&'c BTreeMap<String, String>>,
    links: Option<FileLinks>,
    backend: Option<&'c ModuleBackend>,
    selects: Option<&'c crate::plan::context::Selects>,
}

fn with_constraints(
    context: &Arc<ProcessContext>,
    per_module: Constraints<'_>,
) -> Arc<ProcessContext> {
    let Constraints {
        frozen,
        links,
        backend,
        selects,
    } = per_module;
    if frozen.is_none() && links.is_none() && backend.is_none() && selects.is_none() {
        return context.clone();
    }
    Arc::new(ProcessContext {
        frozen: frozen.cloned().unwrap_or_else(|| context.frozen.clone()),
        links: links.unwrap_or_else(|| context.links.clone()),
        backend: backend.cloned().unwrap_or_else(|| context.backend.clone()),
        selects: selects.cloned().unwrap_or_else(|| context.selects.clone()),
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

/// A test double naming eventlet through a project module keeps what it doubles in that
/// module as it is: the object (`'pkg.wsgi.eventlet.listen'`: `eventlet.listen` in
/// `pkg.wsgi`), or every eventlet name under an import it replaces (`'pkg.cli.run.eventlet'`,
/// which without the import fails with AttributeError). Found from the index, so a test that
/// never names eventlet itself counts too.
fn freeze_doubled_through_modules(
    frozen: &mut BTreeMap<String, BTreeMap<String, String>>,
    doubles: &[crate::project::index::DoubleThrough],
) {
    for double in doubles {
        let what = if double.whole_module {
            format!(
                "replaces the `{}` that `{}` imports",
                double.doubled, double.through
            )
        } else {
            format!("patches it through `{}`", double.through)
        };
        frozen
            .entry(double.through.clone())
            .or_default()
            .entry(double.doubled.clone())
            .or_insert_with(|| {
                format!(
                    "a test double at {} {what}, and cannot follow the rewrite",
                    double.at
                )
            });
    }
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
