//! Each site's outcome sorted out in source order.

use ruff_text_size::{Ranged, TextRange};

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::analyse::rewrite::Outcome;
use crate::analyse::sites::SiteNode;
use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::plan::context::ProcessContext;
use crate::plan::migration::AppliedSites;
use crate::syntax::prepared::Prepared;
use crate::syntax::semantic::Semantic;
use crate::syntax::source::line_column;

impl Engine {
    /// Each site's outcome sorted out in source order: the fixes that may apply, what is
    /// reported, and what stays on eventlet in this file (calls and objects that code
    /// handed to them must not leave).
    pub(crate) fn triage<'a>(
        &self,
        prepared: &'a Prepared,
        analysed: &'a Analysed<'_>,
        plan: Option<&AppliedSites>,
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
}

/// A file's sites sorted out ([`Engine::triage`](crate::analyse::engine::Engine::triage)).
pub(crate) struct Triage<'a> {
    pub(crate) fixes: Vec<Fix>,
    /// Links of fixes not applied and not reported (a recipe not selected, code another
    /// rewrite replaces).
    pub(crate) silently_cut: Vec<String>,
    pub(crate) manual_items: Vec<Diagnostic>,
    /// Calls left on eventlet (their argument list, or their `with` statement), by callee.
    pub(crate) manual_calls: Vec<(TextRange, String)>,
    /// Sites of recipes not selected, which keep the file on eventlet all the same.
    pub(crate) unselected_manual: Vec<TextRange>,
    /// The monkey-patching calls.
    pub(crate) patch_calls: Vec<&'a ruff_python_ast::ExprCall>,
    /// Test doubles left for a human: the name each patches, and where.
    pub(crate) stale_doubles: Vec<(String, String)>,
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
