//! One file through the whole pipeline: bytes → parsed module → sites → fixes → edits → new
//! bytes, re-parsed before anything is returned.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ruff_source_file::{LineIndex, LineRanges};
use ruff_text_size::{Ranged, TextRange};

use crate::analyse::objects::{CallRole, LazyParents};
use crate::analyse::rewrite::{rewrite, Diagnostic, Fix, Outcome, RewriteContext};
use crate::analyse::sites::{find_sites, Index, Site, SiteNode};
use crate::emit::apply::apply;
use crate::fix::edit::{Edit, Safety};
use crate::plan::imports::{self, ImportContext, ImportSpec, Request};
use crate::plan::removal::remove_statements;
use crate::project::processes::{monkey_patch_flags, needed_flags, ProcessContext};
use crate::recipe::{Action, Catalog, Target};
use crate::syntax::comments::Comments;
use crate::syntax::semantic::{ImportBinding, Semantic, StmtId};
use crate::syntax::source::{indentation_at, line_column, line_ending, SourceText};

/// Which recipes run, for which target.
#[derive(Debug, Clone)]
pub struct Engine {
    pub catalog: Catalog,
    pub target: Target,
    /// Recipe ids to run; all when `None`.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Apply only `safe` rewrites.
    pub safe_only: bool,
    /// Insert a `# TODO(eventlet-migrate): …` comment above each manual item.
    pub annotate: bool,
    /// Parse every file, even those that never mention eventlet (corpus sweeps).
    pub all_files: bool,
    /// The oldest Python the project supports, where it declares one (or `--python` says).
    pub python: Option<crate::project::python::Floor>,
    /// The import order the project's isort configuration asks for, if it has one.
    pub import_order: Option<crate::plan::imports::ImportOrder>,
}

/// A rewrite that was applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub recipe: String,
    pub safety: Safety,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A site reported for a human.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Manual {
    pub recipe: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
}

/// A file decoded, parsed and resolved once, to be migrated in one context after another
/// while its project is planned.
pub struct Prepared {
    source: SourceText,
    parsed: ruff_python_parser::Parsed<ruff_python_ast::ModModule>,
    semantic: Semantic,
}

impl Prepared {
    /// `None` for a file that never mentions eventlet (unless `all_files`): nothing to do.
    pub fn new(bytes: &[u8], all_files: bool) -> Result<Option<Prepared>, FileError> {
        // Most files of a repository never mention eventlet: skip them before decoding.
        if !all_files && memchr::memmem::find(bytes, b"eventlet").is_none() {
            return Ok(None);
        }
        let source = SourceText::decode(bytes)?;
        if let Some(depth) = too_deep(&source.text) {
            return Err(FileError::TooDeep(depth));
        }
        let text = source.text.as_str();
        let parsed = ruff_python_parser::parse_module(text).map_err(|e| {
            let index = LineIndex::from_source_text(text);
            let (line, column) = line_column(text, &index, e.location.start());
            FileError::Syntax {
                line,
                column,
                message: e.error.to_string(),
            }
        })?;
        let semantic = Semantic::build(parsed.syntax());
        Ok(Some(Prepared {
            source,
            parsed,
            semantic,
        }))
    }

    pub fn module(&self) -> &ruff_python_ast::ModModule {
        self.parsed.syntax()
    }

    pub fn semantic(&self) -> &Semantic {
        &self.semantic
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }
}

/// The rewrites a run applied, by recipe and position.
pub type Plan = BTreeSet<(String, (usize, usize))>;

impl Migration {
    /// What this run applied, to bound a run over the same bytes ([`Engine::migrate_within`]).
    pub fn plan(&self) -> Plan {
        self.applied
            .iter()
            .map(|a| (a.recipe.clone(), (a.line, a.column)))
            .collect()
    }
}

/// Why a file could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Read(String),
    #[error("{0}")]
    Decode(#[from] crate::syntax::source::DecodeError),
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("internal error: {0}; file left untouched")]
    Internal(String),
    #[error("expressions nested {0} deep: more than this tool follows; file left untouched")]
    TooDeep(usize),
}

/// The result of migrating one file's contents.
#[derive(Debug, Clone, Default)]
pub struct Migration {
    /// The new contents, when anything changed.
    pub output: Option<Vec<u8>>,
    pub applied: Vec<Applied>,
    pub manual: Vec<Manual>,
    pub imports_added: Vec<String>,
    /// Rewrites not applied because they need review (`--safe-only`).
    pub skipped: Vec<Applied>,
    /// The top-level edits applied, over the decoded text (for checking untouched bytes).
    pub edits: Vec<Edit>,
    /// What keeps this file on eventlet after this run (monkey patching aside), if anything:
    /// `line:column (code)`. Its processes stay on the hub.
    pub stays: Option<String>,
    /// The flags the `monkey_patch()` calls in this file patch (their union); `None` when a
    /// call's flags are not literals.
    pub patches: Option<BTreeSet<String>>,
    /// What of this result a context where more processes stay could change.
    pub sensitivity: Sensitivity,
    /// Test doubles that patch an eventlet name and cannot follow its rewrite: `(canonical
    /// name, line:column)`. The code they double must stay as it is in their processes.
    pub stale_doubles: Vec<(String, String)>,
    /// Links of fixes not applied here (their fixes in other files go too): `(link,
    /// line:column: why)`.
    pub cut: Vec<(String, String)>,
}

/// What a migration's result depends on in its context: the rewrites a process that stays
/// could hold back, and monkey patching that goes only if every process leaves the hub.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sensitivity {
    /// The flags the applied rewrites need where their process stays on the hub.
    pub needs: BTreeSet<String>,
    /// An applied rewrite is right only where its process leaves the hub.
    pub native_only: bool,
    /// Monkey patching was removed.
    pub removes_patching: bool,
    /// The canonical names the applied rewrites replace.
    pub names: BTreeSet<String>,
}

impl Sensitivity {
    /// Whether migrating again in `context` could give another result. Contexts only grow
    /// stricter while a project is planned, so what was held back stays held back.
    pub fn affected_by(&self, context: &ProcessContext) -> bool {
        self.names.iter().any(|n| context.frozen_for(n).is_some())
            || (!context.staying.is_empty()
                && (self.native_only
                    || self.removes_patching
                    // Held back, or right only through patching the note must name.
                    || !self.needs.is_empty()))
    }
}

impl Engine {
    pub fn new(catalog: Catalog, target: Target) -> Engine {
        Engine {
            catalog,
            target,
            select: None,
            ignore: Vec::new(),
            safe_only: false,
            annotate: false,
            all_files: false,
            python: None,
            import_order: None,
        }
    }

    fn python_support(&self) -> Option<crate::analyse::rewrite::PythonSupport<'_>> {
        self.python
            .as_ref()
            .map(|floor| crate::analyse::rewrite::PythonSupport {
                floor,
                since: &self.catalog.python_since,
            })
    }

    fn enabled(&self, id: &str) -> bool {
        self.select
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == id))
            && !self.ignore.iter().any(|x| x == id)
    }

    /// Migrates a file that is its own process: it stays on the hub when anything in it is
    /// left on eventlet, patched by its own `monkey_patch()` calls.
    pub fn migrate(&self, bytes: &[u8]) -> Result<Migration, FileError> {
        self.migrate_planned(bytes, None, None)
    }

    /// Migrates a file of a project, whose processes run as `context` says.
    pub fn migrate_in(
        &self,
        bytes: &[u8],
        context: &ProcessContext,
    ) -> Result<Migration, FileError> {
        self.migrate_planned(bytes, None, Some(context))
    }

    /// Migrates `bytes` applying only rewrites in `plan` (what a run with every selected
    /// recipe applied to the same bytes: [`Migration::plan`]). A patch series takes its
    /// intermediate states from here, so it can only apply a subset of what write mode does.
    pub fn migrate_within(
        &self,
        bytes: &[u8],
        plan: &Plan,
        context: Option<&ProcessContext>,
    ) -> Result<Migration, FileError> {
        self.migrate_planned(bytes, Some(plan), context)
    }

    fn migrate_planned(
        &self,
        bytes: &[u8],
        plan: Option<&Plan>,
        context: Option<&ProcessContext>,
    ) -> Result<Migration, FileError> {
        if let Some(context) = context {
            return self.run(bytes, plan, context);
        }
        // A module alone, as the command line judges a file no entry point reaches: it runs
        // in processes that stay on the hub with everything patched.
        if !crate::project::index::is_script(bytes) {
            let context = ProcessContext::staying(
                "no entry point reaches this module: assumed to run on the hub with `--assume-patched all`".to_string(),
                self.catalog.process.default_flags.iter().cloned().collect(),
                crate::project::processes::Patching::Assumed("all".to_string()),
            );
            return self.run(bytes, plan, &context);
        }
        // A script is its own process: native unless something in it stays on eventlet.
        let native = self.run(bytes, plan, &ProcessContext::native())?;
        match &native.stays {
            None => Ok(native),
            Some(why) => {
                let context = ProcessContext::staying(
                    format!("this module keeps eventlet code at {why}"),
                    native.patches.clone().unwrap_or_default(),
                    crate::project::processes::Patching::ThisFile,
                );
                self.run(bytes, plan, &context)
            }
        }
    }

    /// Judged alone, a file is the whole project: objects its functions pass to each
    /// other or return are followed as a run over a project follows them, and linked fixes
    /// not applied are cut until that settles.
    fn run(
        &self,
        bytes: &[u8],
        plan: Option<&Plan>,
        context: &ProcessContext,
    ) -> Result<Migration, FileError> {
        let Some(prepared) = Prepared::new(bytes, self.all_files)? else {
            return Ok(Migration::default());
        };
        let contents: [Result<Vec<u8>, FileError>; 1] = [Ok(bytes.to_vec())];
        let prepared: [std::sync::OnceLock<Result<Prepared, FileError>>; 1] =
            [std::sync::OnceLock::from(Ok(prepared))];
        let answers = std::sync::OnceLock::new();
        let others = [crate::project::crossing::Others {
            contents: &contents,
            except: 0,
            asked: std::sync::Mutex::default(),
            answers: &answers,
        }];
        let p = match prepared[0].get() {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(e.clone()),
            None => return Ok(Migration::default()),
        };
        let mut analysed = [Ok(self.analyse(p, &others[0]))];
        let crossings = crate::project::crossing::follow(
            self,
            None,
            &[std::path::PathBuf::from("this module")],
            &[String::new()],
            &contents,
            &prepared,
            &mut analysed,
            &others,
            &answers,
            // One file: no other module imports it.
            &|_, _| false,
        );
        let analysed = match &analysed[0] {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(Migration::default()),
            Err(e) => return Err(e.clone()),
        };
        let mut cut = BTreeMap::new();
        loop {
            let mut context = context.clone();
            if let Some(links) = crossings.links_of(0, &cut) {
                context.links = links;
            }
            let mut migration = self.decide(p, analysed, plan, &context, &crossings.injected[0]);
            let known = cut.len();
            for (link, why) in &migration.cut {
                cut.entry(link.clone()).or_insert_with(|| why.clone());
            }
            // Each round cuts at least one more link, or it is the last.
            if cut.len() == known {
                self.emit(p, &mut migration)?;
                return Ok(migration);
            }
        }
    }

    /// Finds a file's sites and what each would become: what holds whatever the processes
    /// running the file are (`None`: no recipe can apply).
    /// `elsewhere`: the other files of the project.
    pub fn analyse<'p>(
        &'p self,
        prepared: &'p Prepared,
        elsewhere: &'p dyn crate::analyse::objects::OtherFiles,
    ) -> Option<Analysed<'p>> {
        let parsed = &prepared.parsed;
        let semantic = &prepared.semantic;
        let text = prepared.source.text.as_str();
        let body = &parsed.syntax().body;
        let comments = Comments::new(text, parsed.tokens());
        // Every recipe matches, so a name keeps its own recipe whatever is selected; only the
        // selected ones rewrite and report.
        let recipes = Index::new(&self.catalog, self.target, &|_| true);
        if recipes.is_empty() {
            return None;
        }
        let mut manual: Vec<Diagnostic> = Vec::new();
        for (stmt, module) in &semantic.star_imports {
            if imports::is_eventlet(module) {
                manual.push(Diagnostic {
                    recipe: "imports".to_string(),
                    range: semantic.stmts[*stmt].range,
                    message: format!("`from {module} import *`: the names it brings are migrated where a recipe knows them and reported otherwise; import them explicitly"),
                    guide: None,
                    link: None,
                });
            }
        }
        manual.extend(crate::analyse::ambiguous::ambiguous_uses(semantic, text));

        let target = self.target;
        let migrated = |import: &ImportBinding| self.migrated_name(&recipes, import);
        let catalog = &self.catalog;
        let calls_function = move |call: &ruff_python_ast::ExprCall| {
            // Cheap first: the callee's last name must end one of the listed names.
            let last = last_name(&call.func)?;
            let listed = |table: &BTreeMap<String, usize>| {
                table.keys().any(|k| k.rsplit('.').next() == Some(last))
            };
            let (calls, iterates) = (
                listed(&catalog.calls_function),
                listed(&catalog.iterates_argument),
            );
            if !calls && !iterates {
                return None;
            }
            let name = semantic
                .expr_qualified_name(&call.func)
                .or_else(|| semantic.builtin_name(&call.func))?;
            let name = catalog.canonical(&name);
            let role = |table: &BTreeMap<String, usize>| table.get(&name).copied();
            role(&catalog.calls_function)
                .map(CallRole::CallsFunction)
                .or_else(|| role(&catalog.iterates_argument).map(CallRole::Iterates))
        };
        let parents = LazyParents::new(body, Box::new(calls_function));
        let sites = crate::trace::timed("find sites", || {
            find_sites(body, semantic, &recipes, target)
        });
        let cx = RewriteContext {
            parents: &parents,
            text,
            semantic,
            comments: &comments,
            target,
            migrated: &migrated,
            canonical: &|q: &str| self.catalog.canonical(q),
            elsewhere,
            python: self.python_support(),
        };
        let sites = sites
            .into_iter()
            .map(|site| {
                let recipe = &self.catalog.recipes[site.recipe];
                let outcome = (!comments.suppresses(text, site.range, Some(&recipe.id)))
                    .then(|| crate::trace::timed("rewrite", || rewrite(&cx, recipe, &site)));
                (site, outcome)
            })
            .collect();
        let index = LineIndex::from_source_text(text);
        let position = |range: TextRange| {
            let (line, column) = line_column(text, &index, range.start());
            format!("{line}:{column}")
        };
        let backends = crate::analyse::backend::selected_here(body, text, &position);
        Some(Analysed {
            index,
            comments,
            parents,
            sites,
            manual,
            backends,
        })
    }

    /// What an Eventlet import binding will denote once module rules have run.
    fn migrated_name(&self, recipes: &Index, import: &ImportBinding) -> String {
        match recipes
            .module_of(self.target, &import.qualified)
            .filter(|(recipe, _)| self.enabled(&self.catalog.recipes[*recipe].id))
        {
            Some((recipe, module)) => self.catalog.recipes[recipe]
                .rules(self.target)
                .iter()
                .find_map(|rule| match &rule.action {
                    Action::ModuleMap(map) => map.get(&module).map(|m| {
                        format!(
                            "{m}{}",
                            &self.catalog.canonical(&import.qualified)[module.len()..]
                        )
                    }),
                    _ => None,
                })
                .unwrap_or_else(|| import.qualified.clone()),
            None => self.catalog.canonical(&import.qualified),
        }
    }

    /// Follows an object passed, as `slot`, to the module-level `function` of this file: the
    /// parameter it reaches, the facts of its uses there, and how many times this file
    /// names the function.
    pub fn parameter_facts(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        function: &str,
        slot: &crate::analyse::objects::PassedAs,
    ) -> Result<(String, BTreeSet<String>, usize), String> {
        let flow = analysed.flow(prepared, elsewhere);
        let parameter = crate::analyse::objects::track_parameter(&flow, function, slot)?;
        let mut facts = crate::analyse::objects::facts(&parameter.tracked, flow.parents);
        // Handed to eventlet there (`eventlet.wsgi.server(sock, ...)`): that code expects
        // the eventlet object, whatever becomes of it.
        let to_eventlet = parameter.tracked.uses.iter().any(|u| {
            u.parent.is_none()
                && flow
                    .parents
                    .call_of_argument(u.range)
                    .and_then(|call| prepared.semantic.expr_qualified_name(&call.func))
                    .is_some_and(|name| crate::plan::imports::is_eventlet(&name))
        });
        if to_eventlet {
            facts.insert("to-eventlet".to_string());
        }
        Ok((parameter.name, facts, parameter.mentions))
    }

    /// How many `return` statements of the module-level `function` return a value.
    pub fn returned_values(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        function: &str,
    ) -> Result<usize, String> {
        crate::analyse::objects::returned_values(&analysed.flow(prepared, elsewhere), function)
    }

    /// The calls in this file of a function that returns objects (`resolves` tells a call
    /// of it by how the file names its callee), what each does with the result (its
    /// facts), and how many times the file names the function.
    pub fn result_calls(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        function: &str,
        resolves: &dyn Fn(&str) -> bool,
    ) -> Result<ResultCalls, String> {
        let flow = analysed.flow(prepared, elsewhere);
        let parents = flow.parents;
        let body = analysed.parents.body();
        let calls =
            crate::analyse::objects::calls_named(&prepared.semantic, body, function, resolves)
                .into_iter()
                .map(|call| {
                    let tracked = crate::analyse::objects::track_result(&flow, call)?;
                    Ok((
                        call.range(),
                        crate::analyse::objects::facts(&tracked, parents),
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?;
        let mentions = crate::analyse::objects::mentions_of(&prepared.semantic, parents, function);
        Ok((calls, mentions))
    }

    /// The rewrite of the uses of what the call at `call` (this file's) returns: the object
    /// `made` fixes where the called function makes it, by the rule that fixes it there.
    pub fn result_fix(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        call: TextRange,
        made: &Fix,
        rule: usize,
    ) -> Result<Fix, String> {
        self.with_context(
            prepared,
            analysed,
            elsewhere,
            |cx, recipe| crate::analyse::rewrite::rewrite_result(cx, recipe, rule, call, made),
            made,
        )
    }

    /// The rewrite of the uses of `function`'s parameter (this file's) that the object `made`
    /// fixes in another module is passed to, by the rule that fixes it there.
    pub fn parameter_fix(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        passed: (&str, &crate::analyse::objects::PassedAs),
        made: &Fix,
        rule: usize,
    ) -> Result<Fix, String> {
        self.with_context(
            prepared,
            analysed,
            elsewhere,
            |cx, recipe| {
                crate::analyse::rewrite::rewrite_parameter(
                    cx, recipe, rule, passed.0, passed.1, made,
                )
            },
            made,
        )
    }

    /// Runs `f` with this file's rewrite context and the recipe that fixes `made`.
    fn with_context<R>(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        elsewhere: &dyn crate::analyse::objects::OtherFiles,
        f: impl FnOnce(&RewriteContext<'_, '_>, &crate::recipe::Recipe) -> Result<R, String>,
        made: &Fix,
    ) -> Result<R, String> {
        let recipe = self
            .catalog
            .recipes
            .iter()
            .find(|r| r.id == made.recipe)
            .ok_or_else(|| format!("no recipe `{}`", made.recipe))?;
        let recipes = Index::new(&self.catalog, self.target, &|_| true);
        let migrated = |import: &ImportBinding| self.migrated_name(&recipes, import);
        let cx = RewriteContext {
            parents: &analysed.parents,
            text: prepared.source.text.as_str(),
            semantic: &prepared.semantic,
            comments: &analysed.comments,
            target: self.target,
            migrated: &migrated,
            canonical: &|q: &str| self.catalog.canonical(q),
            elsewhere,
            python: self.python_support(),
        };
        f(&cx, recipe)
    }

    /// Judges a file's sites in `context`: what is applied, held back or left for a human, and
    /// the edits that do it (not yet applied: [`Engine::emit`]). `injected`: the fixes other
    /// files' objects need here (the uses of the parameters they are passed to).
    pub fn decide(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        plan: Option<&Plan>,
        context: &ProcessContext,
        injected: &[Fix],
    ) -> Migration {
        let source = &prepared.source;
        let parsed = &prepared.parsed;
        let semantic = &prepared.semantic;
        let text = source.text.as_str();
        let index = &analysed.index;
        let body = &parsed.syntax().body;
        let comments = &analysed.comments;
        let parents = &analysed.parents;
        let target = self.target;
        let recipes = Index::new(&self.catalog, self.target, &|_| true);
        let mut migration = Migration::default();
        let position = |range: TextRange| line_column(text, index, range.start());
        let to_manual = |item: Diagnostic| {
            let (line, column) = position(item.range);
            Manual {
                recipe: item.recipe,
                line,
                column,
                message: item.message,
                guide: item.guide,
            }
        };
        let Triage {
            mut fixes,
            mut silently_cut,
            mut manual_items,
            manual_calls,
            mut unselected_manual,
            mut patch_calls,
            stale_doubles,
        } = self.triage(prepared, analysed, plan, context, injected);
        migration.stale_doubles = stale_doubles;

        withdraw_partial_families(&mut fixes, &mut manual_items);

        // Code that exists to run on eventlet (a backend selected by name) stays as it is,
        // reported once, and keeps nothing else on the hub.
        let backends = analysed.backends(&context.backend);
        let in_backend = |range: TextRange| backends.iter().any(|b| b.holds(range));
        silently_cut.extend(
            fixes
                .iter()
                .filter(|f| in_backend(f.range))
                .filter_map(|f| f.link.clone()),
        );
        unselected_manual.retain(|r| !in_backend(*r));
        patch_calls.retain(|call| !in_backend(call.range()));
        let set_aside = self.set_aside_backends(&backends, &mut fixes, &mut manual_items);

        // Comments a replacement would drop are kept on a line of their own above the statement.
        let mut edits: Vec<Edit> =
            crate::plan::judge::keep_dropped_comments(text, comments, semantic, &mut fixes);

        // `--safe-only`: rewrites that need review are reported, not applied.
        if self.safe_only {
            migration.skipped = skip_unsafe(&mut fixes, &mut edits, &position);
        }

        // A test double of `eventlet.sleep` patched to `time.sleep` would miss code of this
        // module that now imports `sleep` itself: neither is rewritten, both are reported.
        let stale = crate::plan::judge::stale_patch_target(&fixes);
        crate::plan::judge::withdraw_where(&mut fixes, &mut manual_items, stale);

        // Functions of this module called under a `with` left for a human (`with
        // eventlet.Timeout(...)`) run under it too: their rewrites are held back.
        crate::plan::judge::withdraw_where(
            &mut fixes,
            &mut manual_items,
            crate::plan::judge::under_manual_with(&manual_calls, semantic, parents),
        );

        // An object handed to a call left on eventlet must stay the eventlet object.
        crate::plan::judge::withdraw_where(
            &mut fixes,
            &mut manual_items,
            crate::plan::judge::handed_to_manual(&manual_calls, &position),
        );

        // What keeps this file on eventlet (monkey patching aside).
        let remaining = manual_items
            .iter()
            .map(|m| m.range)
            .chain(unselected_manual.iter().copied())
            .min_by_key(|r| r.start());
        migration.stays = remaining.map(|r| {
            let (line, column) = position(r);
            format!("{line}:{column} (`{}`)", first_line(&text[r]))
        });
        migration.patches = self.own_patches(&patch_calls);
        // What is held back stays on eventlet too.
        let held = self.hold_back(&mut fixes, &mut manual_items, context, &position);
        if migration.stays.is_none() {
            migration.stays = held;
        }

        // A replacement that runs green only because another file (or the assumption)
        // monkey-patches its module is never `safe`: the note says where.
        for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
            if let Some(relies) = self.relies_on(fix, context, migration.patches.as_ref()) {
                fix.safety = Safety::Review;
                fix.note = Some(relies);
            }
        }
        // A rewrite that is right only together with other files is never `safe`.
        if let Some(depends) = &context.depends_on {
            for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
                fix.safety = Safety::Review;
                fix.note = Some(format!("safe only together with {depends}"));
            }
        }

        // Monkey patching goes last: while anything in the file or its processes is left on
        // eventlet, the code still runs on the hub and needs it.
        let first_left = remaining.or_else(|| context.stays().map(|_| TextRange::default()));
        if let Some(first) = first_left {
            let (line, column) = position(first);
            crate::plan::judge::withdraw_where(&mut fixes, &mut manual_items, |fix| {
                fix.last.then(|| match (&remaining, context.stays()) {
                    (Some(_), _) | (None, None) => format!("`{}` kept: Eventlet code in this file is left for a human at {line}:{column}; remove monkey patching last", fix.subject),
                    (None, Some(why)) => format!("`{}` kept: its process stays on eventlet ({why}); remove monkey patching last", fix.subject),
                })
            });
        }

        // Settle imports; a fix whose import needs an Eventlet import gone that stays (other
        // uses remain) is withdrawn, and imports are settled again without it.
        let ictx = ImportContext {
            text,
            body,
            semantic,
            comments,
            configured: self.import_order,
        };
        let replaced_module = |module: &str| {
            recipes
                .module_of(target, module)
                .is_some_and(|(recipe, _)| self.enabled(&self.catalog.recipes[recipe].id))
        };
        let (settled, removals, definitions) =
            settle_imports(&ictx, &mut fixes, &mut manual_items, &replaced_module);

        let mut all_removals = removals.clone();
        all_removals.extend(settled.removed_stmts.iter().copied());
        // A local whose last reader was removed goes too when assigning it did nothing else;
        // otherwise only its binding goes, and the rewrite that removed its reader says so.
        edits.extend(crate::plan::judge::drop_dangling_locals(
            semantic,
            parents,
            &manual_items,
            &mut fixes,
            &mut all_removals,
        ));
        let mut anchors: HashSet<_> = settled.anchors.clone();
        anchors.extend(edits.iter().map(|e| e.range.start()));
        anchors.extend(definitions.iter().map(|e| e.range.start()));
        let removal = remove_statements(text, semantic, comments, &all_removals, &anchors);
        for fix in &mut fixes {
            if fix
                .removals
                .iter()
                .any(|s| removal.moved_comments.contains(s))
            {
                fix.safety = fix.safety.max(Safety::Review);
            }
        }
        for edit in fixes.iter().flat_map(|f| f.edits.iter()) {
            if !edits.contains(edit) {
                edits.push(edit.clone());
            }
        }
        // Rewrites wrapped on their own where several share a line: their display breaks.
        let unwrapped: Vec<Edit> = fixes.iter().flat_map(|f| f.unwrapped.clone()).collect();
        crate::emit::regroup::regroup(text, body, &mut edits, &unwrapped);
        edits.extend(settled.edits);
        // After the imports inserted at the same place, which they use.
        edits.extend(definitions);
        edits.extend(removal.edits);

        migration.sensitivity = self.sensitivity(&fixes);
        for fix in &fixes {
            let (line, column) = position(fix.range);
            migration.applied.push(Applied {
                recipe: fix.recipe.clone(),
                safety: fix.safety,
                line,
                column,
                note: fix.note.clone(),
            });
        }
        migration.imports_added = settled.added;
        if self.annotate {
            edits.extend(annotations(text, semantic, &manual_items, &edits));
        }
        // A linked fix not applied cuts its link in the other files too.
        migration.cut = manual_items
            .iter()
            .filter_map(|item| {
                let (line, column) = position(item.range);
                Some((
                    item.link.clone()?,
                    format!("{line}:{column}: {}", item.message),
                ))
            })
            .chain(
                silently_cut
                    .into_iter()
                    .map(|link| (link, "its object is not rewritten in this run".to_string())),
            )
            .collect();
        migration
            .manual
            .extend(manual_items.into_iter().chain(set_aside).map(to_manual));
        migration.manual.sort_by_key(|m| (m.line, m.column));
        migration.edits = edits;
        migration
    }

    /// Each site's outcome sorted out in source order: the fixes that may apply, what is
    /// reported, and what stays on eventlet in this file (calls and objects that code
    /// handed to them must not leave).
    fn triage<'a>(
        &self,
        prepared: &'a Prepared,
        analysed: &'a Analysed<'_>,
        plan: Option<&Plan>,
        context: &ProcessContext,
        injected: &[Fix],
    ) -> Triage<'a> {
        let text = prepared.source.text.as_str();
        let semantic = &prepared.semantic;
        let position = |range: TextRange| line_column(text, &analysed.index, range.start());
        let mut manual_items: Vec<Diagnostic> = analysed.manual.clone();
        let mut stale_doubles = Vec::new();

        // Fixes, in source order; a fix that touches what an earlier one did is reported.
        let mut fixes: Vec<Fix> = Vec::new();
        let mut manual_calls: Vec<(TextRange, String)> = Vec::new();
        let mut manual_objects: Vec<String> = Vec::new();
        let mut unselected_manual: Vec<TextRange> = Vec::new();
        let mut patch_calls = Vec::new();
        let mut silently_cut = Vec::new();
        for (site, outcome) in &analysed.sites {
            if let SiteNode::Call { call, .. } = site.node {
                if site.name == self.catalog.process.monkey_patch {
                    patch_calls.push(call);
                }
            }
            let recipe = &self.catalog.recipes[site.recipe];
            // Suppressed by a comment.
            let Some(outcome) = outcome else {
                continue;
            };
            // Not applied, silently: what other files apply with it goes too.
            let unlinked = |cut: &mut Vec<String>| {
                if let Outcome::Fix(fix) = outcome {
                    let mut fix = (**fix).clone();
                    if context.links.judge(&mut fix).is_none() {
                        cut.extend(fix.link);
                    }
                }
            };
            if !self.enabled(&recipe.id) {
                unlinked(&mut silently_cut);
                // Not selected: it changes nothing, but what it would leave for a human still
                // holds monkey-patch removal back.
                // Its objects stay eventlet objects, and code under its calls stays under
                // eventlet: nothing may hand them to threads either.
                let left = match outcome {
                    Outcome::Manual(item) => Some(item.range),
                    Outcome::Fix(_) => Some(site.range),
                    Outcome::Nothing => None,
                };
                if let Some(range) = left {
                    unselected_manual.push(range);
                    stays(text, semantic, site, &mut manual_calls, &mut manual_objects);
                }
                continue;
            }
            // Code an accepted rewrite replaces (an argument it does not copy, a statement it
            // removes) is gone with it.
            let subsumed = fixes.iter().any(|f| {
                f.edits.iter().any(|e| e.drops(site.range))
                    || f.removals
                        .iter()
                        .any(|&s| semantic.stmts[s].range.contains_range(site.range))
            });
            if subsumed {
                unlinked(&mut silently_cut);
                continue;
            }
            match outcome.clone() {
                Outcome::Fix(fix) => {
                    let mut fix = *fix;
                    // Linked to fixes of other files: the project plan says whether it holds.
                    if let Some(message) = context.links.judge(&mut fix) {
                        manual_items.push(fix.withdraw(message));
                        continue;
                    }
                    // Its test double cannot follow: the code stays as the double expects.
                    if let Some(why) = context
                        .frozen_for(&fix.name)
                        .filter(|_| fix.patch_target.is_none())
                    {
                        let message = format!(
                            "`{}` held back: {why}; migrate the code and its test double together",
                            fix.subject
                        );
                        manual_items.push(fix.withdraw(message));
                        continue;
                    }
                    // Not applied by the full run: left for the patch that does what it does
                    // (with the fixes of other places it is linked to).
                    if plan.is_some_and(|p| !p.contains(&(fix.recipe.clone(), position(fix.range))))
                    {
                        silently_cut.extend(fix.link);
                        continue;
                    }
                    // Code a call left for a human receives (or runs under, for `with`)
                    // still works the eventlet way; so must what is handed to it.
                    let blocked = manual_calls
                        .iter()
                        .find(|(args, _)| args.contains_range(site.range))
                        .map(|(_, outer)| format!("`{}` is under `{outer}`, which is not migrated: migrate them together", fix.subject))
                        .or_else(|| {
                            passes_manual_object(text, site, &fix, &manual_objects).map(|object| {
                                format!("`{}` is given `{object}`, an eventlet object that stays on eventlet (left for a human, or its recipe not selected): migrate them together", fix.subject)
                            })
                        });
                    if let Some(message) = blocked {
                        manual_items.push(fix.withdraw(message));
                        continue;
                    }
                    if overlaps(&fix, &fixes, semantic) {
                        manual_items.push(Diagnostic {
                            recipe: fix.recipe,
                            range: fix.range,
                            message: "overlaps another rewrite; migrate it by hand".to_string(),
                            guide: None,
                            link: fix.link,
                        });
                    } else {
                        fixes.push(fix);
                    }
                }
                Outcome::Manual(item) => {
                    // (A double through a project module freezes that module only: the
                    // project plan sees it in the index.)
                    if matches!(
                        site.node,
                        SiteNode::PatchName { start: 0, .. } | SiteNode::PatchObject { .. }
                    ) {
                        let (line, column) = position(site.range);
                        stale_doubles.push((site.name.clone(), format!("{line}:{column}")));
                    }
                    stays(text, semantic, site, &mut manual_calls, &mut manual_objects);
                    manual_items.push(item);
                }
                Outcome::Nothing => {}
            }
        }
        // What objects of other files need here, judged as this file's own fixes are.
        for fix in injected {
            let mut fix = fix.clone();
            let planned =
                plan.is_none_or(|p| p.contains(&(fix.recipe.clone(), position(fix.range))));
            if !self.enabled(&fix.recipe) || !planned {
                silently_cut.extend(fix.link);
                continue;
            }
            let frozen = context.frozen_for(&fix.name).map(|why| {
                format!(
                    "`{}` held back: {why}; migrate the code and its test double together",
                    fix.subject
                )
            });
            match frozen.or_else(|| context.links.judge(&mut fix)) {
                Some(message) => manual_items.push(fix.withdraw(message)),
                None if overlaps(&fix, &fixes, semantic) => manual_items
                    .push(fix.withdraw("overlaps another rewrite; migrate it by hand".to_string())),
                None => fixes.push(fix),
            }
        }
        Triage {
            fixes,
            silently_cut,
            manual_items,
            manual_calls,
            unselected_manual,
            patch_calls,
            stale_doubles,
        }
    }

    /// Applies a decided migration's edits to the file's text: the new contents, checked to
    /// parse and compile. A failure is a bug of the tool: the file is left untouched.
    pub fn emit(&self, prepared: &Prepared, migration: &mut Migration) -> Result<(), FileError> {
        let source = &prepared.source;
        let text = source.text.as_str();
        if migration.edits.is_empty() {
            return Ok(());
        }
        let internal = |e: crate::emit::apply::OverlapError| FileError::Internal(e.to_string());
        let (new_text, realigned) =
            crate::emit::align::realign(text, prepared.parsed.tokens(), &migration.edits)
                .map_err(internal)?;
        let new_text = if realigned.is_empty() {
            new_text
        } else {
            migration.edits.extend(realigned);
            apply(text, &migration.edits).map_err(internal)?
        };
        if new_text == text {
            migration.edits.clear();
            return Ok(());
        }
        let reparsed = match crate::trace::timed("reparse output", || {
            ruff_python_parser::parse_module(&new_text)
        }) {
            Ok(parsed) => parsed,
            Err(error) => {
                let index = LineIndex::from_source_text(&new_text);
                let (line, column) = line_column(&new_text, &index, error.location.start());
                return Err(FileError::Internal(format!(
                    "the rewritten file would not parse ({line}:{column}: {})",
                    error.error
                )));
            }
        };
        crate::trace::timed("compile check", || {
            check_compiles(text, prepared.parsed.syntax(), &new_text, reparsed.syntax())
        })?;
        migration.output = Some(source.encode(&new_text).ok_or_else(|| {
            FileError::Internal(
                "the rewritten text does not fit the file's declared encoding".to_string(),
            )
        })?);
        Ok(())
    }
}

impl<'p> Analysed<'p> {
    /// What following objects in this file needs.
    fn flow<'a>(
        &'a self,
        prepared: &'a Prepared,
        elsewhere: &'a dyn crate::analyse::objects::OtherFiles,
    ) -> crate::analyse::objects::Flow<'a, 'p> {
        crate::analyse::objects::Flow {
            semantic: &prepared.semantic,
            parents: self.parents.get(),
            elsewhere,
        }
    }

    /// The fixes found that pass objects to functions of other modules.
    pub fn crossing_fixes(&self) -> impl Iterator<Item = &Fix> {
        self.sites.iter().filter_map(|(_, outcome)| match outcome {
            Some(Outcome::Fix(fix)) if !fix.crossings.is_empty() || !fix.returns.is_empty() => {
                Some(&**fix)
            }
            _ => None,
        })
    }
}

/// The calls of a function found in a file, with the facts of what each does with its
/// result, and how many times the file names the function.
pub type ResultCalls = (Vec<(TextRange, BTreeSet<String>)>, usize);

/// A file's sites sorted out ([`Engine::triage`]).
struct Triage<'a> {
    fixes: Vec<Fix>,
    /// Links of fixes not applied and not reported (a recipe not selected, code another
    /// rewrite replaces).
    silently_cut: Vec<String>,
    manual_items: Vec<Diagnostic>,
    /// Calls left on eventlet (their argument list, or their `with` statement), by callee.
    manual_calls: Vec<(TextRange, String)>,
    /// Sites of recipes not selected, which keep the file on eventlet all the same.
    unselected_manual: Vec<TextRange>,
    /// The monkey-patching calls.
    patch_calls: Vec<&'a ruff_python_ast::ExprCall>,
    /// Test doubles left for a human: the name each patches, and where.
    stale_doubles: Vec<(String, String)>,
}

/// What a file's sites come to whatever its context ([`Engine::analyse`]): found once per
/// run, judged again in each planning round ([`Engine::decide`]).
pub struct Analysed<'p> {
    index: LineIndex,
    comments: Comments,
    parents: LazyParents<'p>,
    /// Each site and its rewrite (`None`: a comment suppresses it).
    sites: Vec<(Site<'p>, Option<Outcome>)>,
    /// Star imports and ambiguous names, reported whatever else happens.
    manual: Vec<Diagnostic>,
    /// The eventlet backends the file selects itself (a decorated definition, an `if`
    /// branch, a function of its own in a dict keyed `'eventlet'`).
    backends: Vec<crate::analyse::backend::Region>,
}

impl Analysed<'_> {
    /// The regions of the file that are eventlet backends: those it selects itself and those
    /// other modules select (`backend`).
    fn backends(
        &self,
        backend: &crate::project::index::ModuleBackend,
    ) -> Vec<crate::analyse::backend::Region> {
        crate::analyse::backend::with_selected_elsewhere(
            self.parents.body(),
            &self.backends,
            backend.whole.as_deref(),
            &backend.defs,
        )
    }
}

/// Takes the fixes that are not `safe` out (with the comments they kept), as reported.
fn skip_unsafe(
    fixes: &mut Vec<Fix>,
    edits: &mut Vec<Edit>,
    position: &dyn Fn(TextRange) -> (usize, usize),
) -> Vec<Applied> {
    let (kept, skipped): (Vec<Fix>, Vec<Fix>) = std::mem::take(fixes)
        .into_iter()
        .partition(|f| f.safety == Safety::Safe);
    *fixes = kept;
    edits.retain(|e| {
        fixes
            .iter()
            .any(|f| f.kept_comments == Some(e.range.start()))
    });
    skipped
        .into_iter()
        .map(|fix| {
            let (line, column) = position(fix.range);
            Applied {
                recipe: fix.recipe,
                safety: fix.safety,
                line,
                column,
                note: fix.note,
            }
        })
        .collect()
}

/// Settles the imports the fixes need; a fix whose import needs an Eventlet import gone that
/// stays (other uses remain), or whose definition would precede an import it uses, is
/// withdrawn, and imports are settled again without it. The settled imports, the statements
/// the fixes remove, and the definitions' insertions.
fn settle_imports(
    ictx: &ImportContext<'_>,
    fixes: &mut Vec<Fix>,
    manual_items: &mut Vec<Diagnostic>,
    replaced_module: &dyn Fn(&str) -> bool,
) -> (imports::Settled, BTreeSet<StmtId>, Vec<Edit>) {
    loop {
        let removals: BTreeSet<StmtId> = fixes
            .iter()
            .flat_map(|f| f.removals.iter().copied())
            .collect();
        let rebinds: BTreeMap<usize, ImportSpec> =
            fixes.iter().filter_map(|f| f.rebind.clone()).collect();
        let requests: Vec<Request> = fixes
            .iter()
            .flat_map(|f| f.requests.iter().cloned())
            .collect();
        let dropped =
            |range: TextRange| fixes.iter().any(|f| f.edits.iter().any(|e| e.drops(range)));
        let settled = imports::settle(
            ictx,
            &dropped,
            &requests,
            &rebinds,
            replaced_module,
            &removals,
        );
        let placed = crate::plan::definitions::place(ictx.text, ictx.body, fixes, &settled.anchors);
        let stuck: Vec<usize> = (0..fixes.len())
            .filter(|&i| {
                placed.misplaced.contains(&i)
                    || fixes[i]
                        .needs_removed
                        .iter()
                        .any(|b| !settled.removed_bindings.contains(b))
            })
            .collect();
        if stuck.is_empty() {
            break (settled, removals, placed.edits);
        }
        for i in stuck.into_iter().rev() {
            let misplaced = placed.misplaced.contains(&i);
            let fix = fixes.remove(i);
            let message = if misplaced {
                format!(
                    "`{}` not rewritten: the definition its replacement needs would come before the imports it uses",
                    fix.subject
                )
            } else {
                format!(
                    "`{}` not rewritten: its replacement needs the name `{}`, still imported from eventlet for other uses",
                    fix.subject,
                    fix.requests.first().map(|r| r.spec.bound_name().to_string()).unwrap_or_default()
                )
            };
            manual_items.push(fix.withdraw(message));
        }
    }
}

/// Objects bound to one name by the same constructor are rewritten together: when a member
/// of a family is not rewritten, the others' rewrites (which rename the name's methods for
/// all of them) are withdrawn and reported.
fn withdraw_partial_families(fixes: &mut Vec<Fix>, manual_items: &mut Vec<Diagnostic>) {
    let mut accepted: BTreeMap<&str, usize> = BTreeMap::new();
    for family in fixes.iter().filter_map(|f| f.family.as_ref()) {
        *accepted.entry(family.key.as_str()).or_default() += 1;
    }
    let partial: BTreeSet<String> = fixes
        .iter()
        .filter_map(|f| f.family.as_ref())
        .filter(|family| accepted[family.key.as_str()] < family.members)
        .map(|family| family.key.clone())
        .collect();
    if partial.is_empty() {
        return;
    }
    let (withdrawn, kept): (Vec<Fix>, Vec<Fix>) = std::mem::take(fixes)
        .into_iter()
        .partition(|f| f.family.as_ref().is_some_and(|g| partial.contains(&g.key)));
    *fixes = kept;
    for fix in withdrawn {
        // Only fixes of a family are withdrawn here.
        let (name, held) = fix
            .family
            .as_ref()
            .map_or(("", false), |f| (f.name.as_str(), f.held));
        let how = if held {
            "also holds"
        } else {
            "is also bound to"
        };
        let message = format!(
            "`{}` not rewritten: `{name}` {how} another object made the same way that is not rewritten; migrate them together",
            fix.subject
        );
        manual_items.push(fix.withdraw(message));
    }
}

/// Records a call that stays on eventlet (left for a human, or its recipe not selected): code
/// passed to it (or run under it, for `with`) still works the eventlet way, and the object it
/// creates is still an eventlet object, which must not be handed to threads.
fn stays(
    text: &str,
    semantic: &Semantic,
    site: &crate::analyse::sites::Site<'_>,
    calls: &mut Vec<(TextRange, String)>,
    objects: &mut Vec<String>,
) {
    let SiteNode::Call { call, bound, .. } = site.node else {
        return;
    };
    let callee = text[call.func.range()].to_string();
    calls.push((call.arguments.range, callee.clone()));
    let stmt = &semantic.stmts[site.stmt];
    if stmt.is_with {
        calls.push((stmt.range, format!("with {callee}(...)")));
    }
    if let Some(target) = bound {
        objects.push(text[target.range()].to_string());
    }
}

/// What CPython's compiler rejects beyond the grammar (`nonlocal` without a binding, `await`
/// outside `async def`, …) must not appear in a rewrite: an error the original did not have
/// leaves the file untouched and is reported as an internal error.
fn check_compiles(
    old_text: &str,
    old: &ruff_python_ast::ModModule,
    new_text: &str,
    new: &ruff_python_ast::ModModule,
) -> Result<(), FileError> {
    let after = crate::emit::compile_check::compile_errors(new, new_text);
    if after.is_empty() {
        return Ok(());
    }
    let before: BTreeSet<String> = crate::emit::compile_check::compile_errors(old, old_text)
        .into_iter()
        .map(|e| e.message)
        .collect();
    match after.iter().find(|e| !before.contains(&e.message)) {
        None => Ok(()),
        Some(error) => {
            let index = LineIndex::from_source_text(new_text);
            let (line, column) = line_column(new_text, &index, error.range.start());
            Err(FileError::Internal(format!(
                "the rewritten file would not compile ({line}:{column}: {})",
                error.message
            )))
        }
    }
}

impl Engine {
    /// Why `fix` would block the hub of a process that stays; `None` when it runs green in
    /// every one.
    fn blocks_hub(&self, fix: &Fix, context: &ProcessContext) -> Option<String> {
        let first = context.stays()?;
        if !fix.dual_mode {
            let what = if fix.removals.is_empty() {
                "the replacement is right only in a process that leaves the hub (whatever is patched)".to_string()
            } else {
                let option = fix.guard.as_ref().map_or(String::new(), |guard| {
                    format!(" (it serves an option, `if {guard}`, that keeps working with it)")
                });
                format!("the statement still acts on its hub{option}")
            };
            return Some(format!(
                "its process stays on eventlet ({first}), and {what}"
            ));
        }
        let needed = self.flags_needed(fix);
        let (process, missing) = context.lacking(&needed)?;
        Some(format!(
            "its process stays on eventlet ({}) and does not monkey-patch {} ({}): the replacement would block the hub there",
            process.why,
            missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
            process.patching_described()
        ))
    }

    /// Where the monkey patching that `fix` needs to run green happens, when that is not in
    /// its own file (`own`: the flags this file's `monkey_patch()` calls patch).
    fn relies_on(
        &self,
        fix: &Fix,
        context: &ProcessContext,
        own: Option<&BTreeSet<String>>,
    ) -> Option<String> {
        let needed = self.flags_needed(fix);
        let mut places: Vec<String> = Vec::new();
        for staying in &context.staying {
            if staying.patching == crate::project::processes::Patching::ThisFile {
                continue;
            }
            for flag in needed
                .iter()
                .filter(|f| !own.is_some_and(|o| o.contains(*f)))
            {
                if let Some(place) = staying.patched_where(flag) {
                    let said = format!("`{flag}` is monkey-patched {place}");
                    if !places.contains(&said) {
                        places.push(said);
                    }
                }
            }
        }
        (!places.is_empty()).then(|| {
            format!(
                "runs green on the hub only because {}",
                places.join(", and ")
            )
        })
    }

    /// Withdraws what the file's processes and links hold back: a replacement that would
    /// block the hub of a process that stays, then a fix linked to fixes of other files that
    /// were not applied (after this file's own reasons, which say more). The first one held
    /// back, as `line:column (code)`.
    fn hold_back(
        &self,
        fixes: &mut Vec<Fix>,
        manual_items: &mut Vec<Diagnostic>,
        context: &ProcessContext,
        position: &dyn Fn(TextRange) -> (usize, usize),
    ) -> Option<String> {
        let mut first = None;
        let mut note = |fix: &Fix| {
            first.get_or_insert_with(|| {
                let (line, column) = position(fix.range);
                format!("{line}:{column} (`{}`)", first_line(&fix.subject))
            });
        };
        crate::plan::judge::withdraw_where(fixes, manual_items, |fix| {
            let block = self.blocks_hub(fix, context).filter(|_| !fix.last)?;
            note(fix);
            Some(format!(
                "`{}` held back: {block}; migrate the rest of the process first",
                fix.subject
            ))
        });
        crate::plan::judge::withdraw_where(fixes, manual_items, |fix| {
            let why = context.links.cut_off(fix)?;
            note(fix);
            Some(why)
        });
        first
    }

    /// Takes the fixes and manual items inside eventlet backends out: one item per backend
    /// reports it (with how many eventlet uses it keeps), without holding anything back.
    fn set_aside_backends(
        &self,
        backends: &[crate::analyse::backend::Region],
        fixes: &mut Vec<Fix>,
        manual_items: &mut Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let advice = &self.catalog.backends;
        let mut uses = vec![0usize; backends.len()];
        let mut inside = |range: TextRange| {
            let found = backends.iter().position(|b| b.holds(range));
            if let Some(i) = found {
                uses[i] += 1;
            }
            found.is_none()
        };
        fixes.retain(|f| inside(f.range));
        manual_items.retain(|m| inside(m.range));
        backends
            .iter()
            .zip(uses)
            .filter(|(_, n)| *n > 0)
            .map(|(backend, n)| Diagnostic {
                recipe: advice.id.clone(),
                range: backend.range.map_or(TextRange::default(), |r| {
                    TextRange::empty(r.start())
                }),
                message: format!(
                    "{} exists to run on eventlet ({}): left as it is, with its {n} eventlet use{}, and kept out of the plans of the processes that do not select it; {}",
                    backend.what,
                    backend.why,
                    if n == 1 { "" } else { "s" },
                    advice.advice
                ),
                guide: Some(advice.guide.clone()),
                link: None,
            })
            .collect()
    }

    /// The monkey-patch flags under which `fix`'s replacement runs green: those of the
    /// modules its imports and rebinds bring in.
    fn flags_needed(&self, fix: &Fix) -> BTreeSet<String> {
        let modules: Vec<String> = fix
            .requests
            .iter()
            .map(|r| r.spec.denotes_module())
            .chain(fix.rebind.iter().map(|(_, spec)| spec.denotes_module()))
            .chain(fix.denotes.iter().cloned())
            .collect();
        needed_flags(modules.iter().map(String::as_str), &self.catalog.process)
    }

    /// What of the applied `fixes` a stricter context could change.
    fn sensitivity(&self, fixes: &[Fix]) -> Sensitivity {
        let mut sensitivity = Sensitivity::default();
        for fix in fixes {
            sensitivity.names.insert(fix.name.clone());
            if fix.last {
                sensitivity.removes_patching = true;
                continue;
            }
            sensitivity.native_only |= !fix.dual_mode;
            sensitivity.needs.extend(self.flags_needed(fix));
        }
        sensitivity
    }

    /// The union of what the `monkey_patch()` calls among `sites` patch.
    fn own_patches(&self, calls: &[&ruff_python_ast::ExprCall]) -> Option<BTreeSet<String>> {
        let mut all = BTreeSet::new();
        for call in calls {
            all.extend(monkey_patch_flags(call, &self.catalog.process)?);
        }
        Some(all)
    }
}

/// The last name of a callee (`spawn` in `eventlet.spawn`, `f` in `f`).
pub(crate) fn last_name(func: &ruff_python_ast::Expr) -> Option<&str> {
    match func {
        ruff_python_ast::Expr::Name(name) => Some(name.id.as_str()),
        ruff_python_ast::Expr::Attribute(attr) => Some(attr.attr.as_str()),
        _ => None,
    }
}

/// The first line of `code`, for messages.
pub(crate) fn first_line(code: &str) -> &str {
    code.lines().next().unwrap_or(code)
}

/// Whether `fix` touches code an accepted fix already changes.
fn overlaps(fix: &Fix, accepted: &[Fix], semantic: &Semantic) -> bool {
    // A removed statement is a deletion of its range, for the overlap test.
    let all = |f: &Fix| {
        f.edits
            .iter()
            .cloned()
            .chain(
                f.removals
                    .iter()
                    .map(|&s| Edit::delete(semantic.stmts[s].range)),
            )
            .collect::<Vec<_>>()
    };
    let mine = all(fix);
    // The same edit made by two fixes (the methods of a list's objects, rewritten for each of
    // its elements) is made once.
    accepted.iter().any(|other| {
        all(other)
            .iter()
            .any(|b| mine.iter().any(|a| a != b && a.conflicts(b)))
    })
}

/// The marker of the comments `--annotate` writes.
pub const TODO_MARKER: &str = "# TODO(eventlet-migrate):";

/// `# TODO(eventlet-migrate): [recipe] message` above the statement of each manual item,
/// unless the same line is already there (a second run adds nothing).
fn annotations(text: &str, semantic: &Semantic, items: &[Diagnostic], edits: &[Edit]) -> Vec<Edit> {
    let nl = line_ending(text);
    let mut by_line: BTreeMap<ruff_text_size::TextSize, Vec<String>> = BTreeMap::new();
    for item in items {
        let stmt = semantic
            .innermost_stmt(item.range)
            .map_or(item.range, |s| semantic.stmts[s].range);
        let line_start = text.line_start(stmt.start());
        // A statement that an applied edit removes needs no note.
        if edits.iter().any(|e| e.drops(stmt)) {
            continue;
        }
        let indent = indentation_at(text, stmt.start());
        let message = without_positions(&item.message.replace(['\n', '\r'], " "));
        let note = todo_comment(indent, &format!("[{}] {message}", item.recipe), nl);
        // Already annotated by an earlier run: the TODO comments sit right above the statement.
        let present = comment_lines_above(text, line_start).contains(&note);
        let notes = by_line.entry(line_start).or_default();
        if !present && !notes.contains(&note) {
            notes.push(note);
        }
    }
    by_line
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(at, lines)| Edit::insert(at, lines.concat()))
        .collect()
}

/// The widest line `--annotate` writes (OpenStack's limit, as for replacements).
const TODO_WIDTH: usize = 79;

/// `# TODO(eventlet-migrate): text`, wrapped at word boundaries to [`TODO_WIDTH`] columns;
/// continuation lines are indented under the marker. A word longer than a line stays whole.
fn todo_comment(indent: &str, text: &str, nl: &str) -> String {
    let first = format!("{indent}{TODO_MARKER}");
    let next = format!("{indent}#   ");
    let mut out = String::new();
    let mut line = first;
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > TODO_WIDTH {
            out.push_str(&line);
            out.push_str(nl);
            line = next.clone();
            empty = true;
        }
        if !empty || line.ends_with(':') {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push_str(nl);
    out
}

/// The comment lines right above the line starting at `line_start`, as one string.
fn comment_lines_above(text: &str, line_start: ruff_text_size::TextSize) -> &str {
    let mut above = line_start;
    while above > ruff_text_size::TextSize::from(0) {
        let prev_start = text.line_start(above - ruff_text_size::TextSize::from(1));
        if !text[TextRange::new(prev_start, above)]
            .trim_start()
            .starts_with('#')
        {
            break;
        }
        above = prev_start;
    }
    &text[TextRange::new(above, line_start)]
}

/// Drops ` at 12:5` from a message: positions move when lines are added above them, and an
/// annotation must read the same on the next run.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at ") {
        let after = &rest[at + 4..];
        let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
        let line = digits(after);
        let column = after[line..].strip_prefix(':').map_or(0, digits);
        out.push_str(&rest[..at]);
        if line > 0 && column > 0 {
            rest = &after[line + 1 + column..];
        } else {
            out.push_str(" at ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The nesting the parser and the visitors recurse through: brackets, and operators chained
/// on one logical line. Returns it when over the limit, so a pathological file is reported
/// instead of overflowing the stack. Strings and comments are counted too: the estimate only
/// errs on the side of caution, far beyond what real code does.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    const LIMIT: usize = 100_000;
    // Each level takes at least a byte: a shorter text cannot be that deep.
    if text.len() <= LIMIT {
        return None;
    }
    let (mut brackets, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                brackets += 1;
                deepest = deepest.max(brackets);
            }
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'@' | b'<' | b'>' | b'.' => {
                operators += 1;
                deepest = deepest.max(operators);
            }
            b'\n' if brackets == 0 => operators = 0,
            _ => {}
        }
    }
    (deepest > LIMIT).then_some(deepest)
}

/// The eventlet object that stays (by the text of what it is stored in: `evt`,
/// `self._event`) that a rewritten call still passes on: among the call's arguments and
/// copied into the replacement (an argument the rewrite drops is not handed to anyone).
fn passes_manual_object(
    text: &str,
    site: &crate::analyse::sites::Site<'_>,
    fix: &Fix,
    objects: &[String],
) -> Option<String> {
    let SiteNode::Call { call, .. } = site.node else {
        return None;
    };
    if objects.is_empty() {
        return None;
    }
    // A rewrite that leaves the arguments alone (`replace-callee`) passes all of them on.
    let untouched = !fix
        .edits
        .iter()
        .any(|e| e.range.contains_range(call.arguments.range));
    if untouched {
        let arguments = &text[call.arguments.range];
        return objects.iter().find(|o| mentions(arguments, o)).cloned();
    }
    let copied: Vec<&str> = fix
        .edits
        .iter()
        .flat_map(|e| e.pieces.iter())
        .filter_map(|p| match p {
            crate::fix::edit::Piece::Source(r) if call.arguments.range.contains_range(*r) => {
                Some(&text[*r])
            }
            _ => None,
        })
        .collect();
    objects
        .iter()
        .find(|object| copied.iter().any(|slice| mentions(slice, object)))
        .cloned()
}

/// Whether `slice` names `object` as a whole expression (not `x.object` or `object_2`).
fn mentions(slice: &str, object: &str) -> bool {
    slice.match_indices(object).any(|(at, _)| {
        let before = slice[..at].chars().next_back();
        let after = slice[at + object.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        boundary(before) && boundary(after) && before != Some('.')
    })
}
