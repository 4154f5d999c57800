//! Each site's outcome sorted out in source order.

use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange};

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::analyse::rewrite::Outcome;
use crate::analyse::sites::{Site, SiteNode};
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
        let sorting = Sorting {
            text: prepared.text(),
            semantic: prepared.semantic(),
            index: &analysed.index,
            plan,
            context,
        };
        let mut triage = Triage {
            fixes: Vec::new(),
            silently_cut: Vec::new(),
            manual_items: analysed.manual.clone(),
            manual_calls: Vec::new(),
            manual_objects: Vec::new(),
            unselected_manual: Vec::new(),
            patch_calls: Vec::new(),
            stale_doubles: Vec::new(),
            taken: Vec::new(),
            displaced: Vec::new(),
        };
        // Fixes, in source order; a fix that touches what an earlier one did is reported.
        for (site, outcome) in &analysed.sites {
            self.sort_site(&sorting, site, outcome.as_ref(), &mut triage);
        }
        // What objects of other files need here, judged as this file's own fixes are.
        for fix in injected {
            self.sort_injected(&sorting, fix.clone(), &mut triage);
        }
        triage
    }

    /// One site of this file sorted out.
    fn sort_site<'a>(
        &self,
        sorting: &Sorting<'_, '_>,
        site: &Site<'a>,
        outcome: Option<&Outcome>,
        triage: &mut Triage<'a>,
    ) {
        let (text, semantic) = (sorting.text, sorting.semantic);
        if let SiteNode::Call { call, .. } = site.node {
            if site.name == self.catalog.process.monkey_patch {
                triage.patch_calls.push(call);
            }
        }
        let recipe = &self.catalog.recipes[site.recipe];
        // Suppressed by a comment.
        let Some(outcome) = outcome else {
            return;
        };
        // Not applied, silently: what other files apply with it goes too.
        let unlinked = |cut: &mut Vec<String>| {
            if let Outcome::Fix(fix) = outcome {
                let mut fix = (**fix).clone();
                if sorting.context.links.judge(&mut fix).is_none() {
                    cut.extend(fix.link);
                }
            }
        };
        if !self.enabled(&recipe.id) {
            unlinked(&mut triage.silently_cut);
            // Not selected: it changes nothing, but what it would leave for a human still
            // holds monkey-patch removal back.
            // Its objects stay eventlet objects, and code under its calls stays under
            // eventlet: nothing may hand them to threads either.
            let left = match outcome {
                Outcome::Manual(item) => Some(item.range),
                Outcome::Fix(_) => Some(site.range),
                Outcome::Nothing | Outcome::Holds => None,
            };
            if let Some(range) = left {
                triage.unselected_manual.push((range, recipe.id.clone()));
                triage.record_staying(text, semantic, site);
            }
            return;
        }
        // A site an accepted rewrite takes over and rewrites itself (a sleep of the function
        // it tells to stop): its own fix waits in `displaced`, back if that one goes.
        if let Outcome::Fix(fix) = outcome {
            let taker = triage.fixes.iter().find(|f| f.takes_site(site.range));
            if let Some(taker) = taker {
                let message = taken_by(sorting, fix, taker);
                triage.displaced.push(((**fix).clone(), message));
                return;
            }
        }
        // Code an accepted rewrite replaces (an argument it does not copy, a statement it
        // removes) is gone with it; a site it takes over is reported until it applies
        // ([`crate::plan::judge::take_over`]).
        let subsumed = triage.fixes.iter().any(|f| {
            !f.takes_site(site.range) && f.edits.iter().any(|e| e.drops(site.range))
                || f.removals
                    .iter()
                    .any(|&s| semantic.stmts[s].range.contains_range(site.range))
        });
        if subsumed {
            unlinked(&mut triage.silently_cut);
            return;
        }
        match outcome.clone() {
            Outcome::Fix(fix) => sort_fix(sorting, site, *fix, triage),
            Outcome::Manual(item) => {
                freeze_doubled(sorting, site, triage);
                triage.record_staying(text, semantic, site);
                triage.manual_items.push(item);
            }
            Outcome::Holds => freeze_doubled(sorting, site, triage),
            Outcome::Nothing => {}
        }
    }

    /// A fix another file's object needs here, judged as this file's own are.
    fn sort_injected(&self, sorting: &Sorting<'_, '_>, mut fix: Fix, triage: &mut Triage<'_>) {
        let context = sorting.context;
        if !self.enabled(&fix.recipe) || !sorting.planned(&fix) {
            triage.silently_cut.extend(fix.link);
            return;
        }
        let frozen = context
            .frozen_for(&fix.name)
            .map(|why| held_for_double(&fix, why));
        match frozen.or_else(|| context.links.judge(&mut fix)) {
            Some(message) => triage.manual_items.push(fix.withdraw(message)),
            None if overlaps(&fix, &triage.fixes, sorting.semantic) => triage
                .manual_items
                .push(fix.withdraw("overlaps another rewrite; migrate it by hand".to_string())),
            None => triage.fixes.push(fix),
        }
    }
}

/// What sorting a file's sites reads besides them.
struct Sorting<'a, 'c> {
    text: &'a str,
    semantic: &'a Semantic,
    index: &'c LineIndex,
    /// What the full run applied, when this run is bounded by it (a patch of a series).
    plan: Option<&'c AppliedSites>,
    context: &'c ProcessContext,
}

impl Sorting<'_, '_> {
    fn position(&self, range: TextRange) -> (usize, usize) {
        line_column(self.text, self.index, range.start())
    }

    /// Whether this run applies `fix`: every fix, unless it is bounded by a full run's.
    fn planned(&self, fix: &Fix) -> bool {
        self.plan
            .is_none_or(|p| p.contains(&(fix.recipe.clone(), self.position(fix.range))))
    }
}

/// A fix of this file's own judged: applied, or reported with why not (links cut, a test
/// double that cannot follow, code left on eventlet around it, an overlap), or left out of a
/// run bounded by the full one.
fn sort_fix(sorting: &Sorting<'_, '_>, site: &Site<'_>, mut fix: Fix, triage: &mut Triage<'_>) {
    let (text, semantic, context) = (sorting.text, sorting.semantic, sorting.context);
    // Linked to fixes of other files: the project plan says whether it holds.
    if let Some(message) = context.links.judge(&mut fix) {
        triage.manual_items.push(fix.withdraw(message));
        return;
    }
    // Its test double cannot follow: the code stays as the double expects.
    if let Some(why) = context
        .frozen_for(&fix.name)
        .filter(|_| fix.patch_target.is_none())
    {
        let message = held_for_double(&fix, why);
        triage.manual_items.push(fix.withdraw(message));
        return;
    }
    // Not applied by the full run: left for the patch that does what it does
    // (with the fixes of other places it is linked to).
    if !sorting.planned(&fix) {
        triage.silently_cut.extend(fix.link);
        return;
    }
    // Code a call left for a human receives (or runs under, for `with`)
    // still works the eventlet way; so must what is handed to it.
    let blocked = triage.manual_calls
                        .iter()
                        .find(|(args, _)| args.contains_range(site.range))
                        .map(|(_, outer)| format!("`{}` is under `{outer}`, which is not migrated: migrate them together", fix.subject))
                        .or_else(|| {
                            passes_manual_object(text, site, &fix, &triage.manual_objects).map(|object| {
                                format!("`{}` is given `{object}`, an eventlet object that stays on eventlet (left for a human, or its recipe not selected): migrate them together", fix.subject)
                            })
                        });
    if let Some(message) = blocked {
        triage.manual_items.push(fix.withdraw(message));
        return;
    }
    // The fixes of earlier sites it takes over do not count: they wait in `displaced`.
    let kept = triage.fixes.iter().filter(|f| !fix.takes_site(f.range));
    if overlaps(&fix, kept, semantic) {
        triage.manual_items.push(Diagnostic {
            recipe: fix.recipe,
            range: fix.range,
            message: "overlaps another rewrite; migrate it by hand".to_string(),
            guide: None,
            link: fix.link,
        });
    } else {
        // (Most fixes take nothing over: the accepted ones are left as they are.)
        if !fix.takes.is_empty() {
            let (taken, kept): (Vec<Fix>, Vec<Fix>) = std::mem::take(&mut triage.fixes)
                .into_iter()
                .partition(|f| fix.takes_site(f.range));
            triage.fixes = kept;
            for one in taken {
                let message = taken_by(sorting, &one, &fix);
                triage.displaced.push((one, message));
            }
        }
        triage.fixes.push(fix);
    }
}

/// A test double that cannot follow a rewrite holds what it doubles in its processes as it
/// is (a double through a project module freezes that module only: the project plan sees
/// it in the index).
fn freeze_doubled(sorting: &Sorting<'_, '_>, site: &Site<'_>, triage: &mut Triage<'_>) {
    if matches!(
        site.node,
        SiteNode::PatchName { start: 0, .. } | SiteNode::PatchObject { .. }
    ) {
        let (line, column) = sorting.position(site.range);
        triage
            .stale_doubles
            .push((site.name.clone(), format!("{line}:{column}")));
    }
}

/// Why a site's own fix is not applied when `taker` rewrites it (shown only if `taker` is
/// withdrawn after the fix could have come back: the site is then left as it was).
fn taken_by(sorting: &Sorting<'_, '_>, fix: &Fix, taker: &Fix) -> String {
    let (line, _) = sorting.position(taker.range);
    format!(
        "`{}` goes with the rewrite of `{}` at line {line}, which takes it over: migrate them together",
        fix.subject, taker.subject
    )
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
    /// Sites of recipes not selected, which keep the file on eventlet all the same (with
    /// the recipe's id).
    pub(crate) unselected_manual: Vec<(TextRange, String)>,
    /// The monkey-patching calls.
    pub(crate) patch_calls: Vec<&'a ruff_python_ast::ExprCall>,
    /// Test doubles left for a human: the name each patches, and where.
    pub(crate) stale_doubles: Vec<(String, String)>,
    /// Objects made by calls left on eventlet (by the text they are stored in).
    manual_objects: Vec<String>,
    /// Items of sites that fixes take over ([`crate::plan::judge::take_over`]).
    pub(crate) taken: Vec<Diagnostic>,
    /// Fixes of sites that other fixes take over and rewrite themselves, with what to
    /// report if they cannot come back ([`crate::plan::judge::restore_displaced`]).
    pub(crate) displaced: Vec<(Fix, String)>,
}

impl Triage<'_> {
    /// Records a call that stays on eventlet (left for a human, or its recipe not
    /// selected): code passed to it (or run under it, for `with`) still works the eventlet
    /// way, and the object it creates is still an eventlet object, which must not be handed
    /// to threads.
    fn record_staying(&mut self, text: &str, semantic: &Semantic, site: &Site<'_>) {
        let SiteNode::Call { call, bound, .. } = site.node else {
            return;
        };
        let callee = text[call.func.range()].to_string();
        self.manual_calls
            .push((call.arguments.range, callee.clone()));
        let stmt = &semantic.stmts[site.stmt];
        if stmt.is_with {
            self.manual_calls
                .push((stmt.range, format!("with {callee}(...)")));
        }
        if let Some(target) = bound {
            self.manual_objects.push(text[target.range()].to_string());
        }
    }
}

/// Why `fix` is held back where a test double freezes its name (`why`).
fn held_for_double(fix: &Fix, why: &str) -> String {
    format!(
        "`{}` held back: {why}; migrate the code and its test double together",
        fix.subject
    )
}

/// Whether `fix` touches code an accepted fix already changes.
fn overlaps<'f>(
    fix: &Fix,
    accepted: impl IntoIterator<Item = &'f Fix>,
    semantic: &Semantic,
) -> bool {
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
    accepted.into_iter().any(|other| {
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
