//! What the project plan asks of one file's analysis, which answers from what it holds: the
//! parameters and returns objects reach, the calls of a function, and the rewrites of their
//! uses.

use std::collections::BTreeSet;

use ruff_text_size::{Ranged, TextRange};

use crate::analyse::analysis::Analysed;
use crate::analyse::rewrite::RewriteContext;
use crate::analyse::sites::Index;
use crate::fix::Fix;
use crate::syntax::semantic::ImportBinding;

impl<'p> Analysed<'p> {
    /// Follows an object passed, as `slot`, to the module-level `function` of this file: the
    /// parameter it reaches, the facts of its uses there, and how many times this file
    /// names the function.
    pub fn parameter_facts(
        &self,
        function: &str,
        slot: &crate::fix::PassedAs,
    ) -> Result<(String, BTreeSet<String>, usize), String> {
        let flow = self.flow();
        let parameter = crate::analyse::objects::track_parameter(&flow, function, slot)?;
        let mut facts = crate::analyse::objects::facts(&parameter.tracked, flow.parents);
        // Handed to eventlet there (`eventlet.wsgi.server(sock, ...)`): that code expects
        // the eventlet object, whatever becomes of it.
        let to_eventlet = parameter.tracked.uses.iter().any(|u| {
            u.parent.is_none()
                && flow
                    .parents
                    .call_of_argument(u.range)
                    .and_then(|call| self.prepared.semantic.expr_qualified_name(&call.func))
                    .is_some_and(|name| crate::syntax::imports::is_eventlet(&name))
        });
        if to_eventlet {
            facts.insert("to-eventlet".to_string());
        }
        Ok((parameter.name, facts, parameter.mentions))
    }

    /// How many `return` statements of the module-level `function` return a value.
    pub fn returned_values(&self, function: &str) -> Result<usize, String> {
        crate::analyse::objects::returned_values(&self.flow(), function)
    }

    /// The calls in this file of a function that returns objects (`resolves` tells a call
    /// of it by how the file names its callee), what each does with the result (its
    /// facts), and how many times the file names the function.
    pub fn result_calls(
        &self,
        function: &str,
        resolves: &dyn Fn(&str) -> bool,
    ) -> Result<ResultCalls, String> {
        let flow = self.flow();
        let parents = flow.parents;
        let body = self.parents.body();
        let calls =
            crate::analyse::objects::calls_named(&self.prepared.semantic, body, function, resolves)
                .into_iter()
                .map(|call| {
                    let tracked = crate::analyse::objects::track_result(&flow, call)?;
                    Ok((
                        call.range(),
                        crate::analyse::objects::facts(&tracked, parents),
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?;
        let mentions =
            crate::analyse::objects::mentions_of(&self.prepared.semantic, parents, function);
        Ok((calls, mentions))
    }

    /// The rewrite of the uses of what the call at `call` (this file's) returns: the object
    /// `made` fixes where the called function makes it, by the rule that fixes it there.
    pub fn result_fix(&self, call: TextRange, made: &Fix, rule: usize) -> Result<Fix, String> {
        self.with_context(
            |cx, recipe| crate::analyse::rewrite::rewrite_result(cx, recipe, rule, call, made),
            made,
        )
    }

    /// The rewrite of the uses of `function`'s parameter (this file's) that the object `made`
    /// fixes in another module is passed to, by the rule that fixes it there.
    pub fn parameter_fix(
        &self,
        passed: (&str, &crate::fix::PassedAs),
        made: &Fix,
        rule: usize,
    ) -> Result<Fix, String> {
        self.with_context(
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
        f: impl FnOnce(&RewriteContext<'_, '_>, &crate::recipe::Recipe) -> Result<R, String>,
        made: &Fix,
    ) -> Result<R, String> {
        let engine = self.engine;
        let recipe = engine
            .catalog
            .recipes
            .iter()
            .find(|r| r.id == made.recipe)
            .ok_or_else(|| format!("no recipe `{}`", made.recipe))?;
        let recipes = Index::new(&engine.catalog, engine.target, &|_| true);
        let migrated = |import: &ImportBinding| engine.migrated_name(&recipes, import);
        let cx = RewriteContext {
            parents: &self.parents,
            text: self.prepared.text(),
            semantic: &self.prepared.semantic,
            comments: &self.comments,
            target: engine.target,
            migrated: &migrated,
            canonical: &|q: &str| engine.catalog.canonical(q),
            elsewhere: self.elsewhere,
            python: engine.python_support(),
        };
        f(&cx, recipe)
    }
}

/// The calls of a function found in a file, with the facts of what each does with its
/// result, and how many times the file names the function.
pub type ResultCalls = (Vec<(TextRange, BTreeSet<String>)>, usize);
