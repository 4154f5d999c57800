//! A file's sites and what each would become, found once per run.

use std::collections::BTreeMap;

use ruff_source_file::LineIndex;
use ruff_text_size::TextRange;

use crate::analyse::engine::Engine;
use crate::analyse::objects::CallRole;
use crate::analyse::objects::LazyParents;
use crate::analyse::rewrite::rewrite;
use crate::analyse::rewrite::Outcome;
use crate::analyse::rewrite::RewriteContext;
use crate::analyse::sites::{find_sites, Index, Site};
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::syntax::comments::Comments;
use crate::syntax::names::last_name;
use crate::syntax::prepared::Prepared;
use crate::syntax::semantic::ImportBinding;
use crate::syntax::source::line_column;

impl Engine {
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
            if crate::syntax::imports::is_eventlet(module) {
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
            engine: self,
            prepared,
            elsewhere,
            index,
            comments,
            parents,
            sites,
            manual,
            backends,
        })
    }
}

/// What a file's sites come to whatever its context ([`Engine::analyse`]): found once per
/// run, judged again in each planning round ([`Engine::decide`]).
pub struct Analysed<'p> {
    /// What analysed it, the file, and the project's other files, for the questions the
    /// project plan asks of it ([`crate::analyse::queries`]).
    pub(crate) engine: &'p Engine,
    pub(crate) prepared: &'p Prepared,
    pub(crate) elsewhere: &'p dyn crate::analyse::objects::OtherFiles,
    pub(crate) index: LineIndex,
    pub(crate) comments: Comments,
    pub(crate) parents: LazyParents<'p>,
    /// Each site and its rewrite (`None`: a comment suppresses it).
    pub(crate) sites: Vec<(Site<'p>, Option<Outcome>)>,
    /// Star imports and ambiguous names, reported whatever else happens.
    pub(crate) manual: Vec<Diagnostic>,
    /// The eventlet backends the file selects itself (a decorated definition, an `if`
    /// branch, a function of its own in a dict keyed `'eventlet'`).
    pub(crate) backends: Vec<crate::analyse::backend::Region>,
}

impl<'p> Analysed<'p> {
    /// What following objects in this file needs.
    pub(crate) fn flow(&self) -> crate::analyse::objects::Flow<'_, 'p> {
        crate::analyse::objects::Flow {
            semantic: &self.prepared.semantic,
            parents: self.parents.get(),
            elsewhere: self.elsewhere,
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
