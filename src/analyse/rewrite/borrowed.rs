//! Uses rewritten where another file's object arrives: the parameter of a function it is
//! passed to, or the result of a call of a function that returns it.

use crate::analyse::objects::Tracked;
use crate::fix::Fix;
use crate::fix::PassedAs;
use crate::fix::Request;
use crate::fix::Safety;
use crate::recipe::Recipe;
use ruff_text_size::{Ranged, TextRange};

use super::*;

/// The rewrite of the uses of the parameter of `function` (of this module) that an object
/// made elsewhere is passed to as `slot`, by the rule (`rule`, by its place) that rewrote it
/// where it is made; `made` names the object for the review note. The callers are the
/// project plan's to check.
pub fn rewrite_parameter(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    function: &str,
    slot: &PassedAs,
    made: &Fix,
) -> Result<Fix, String> {
    let crate::analyse::objects::Parameter {
        name: parameter,
        range,
        tracked,
        ..
    } = crate::analyse::objects::track_parameter(&cx.flow(), function, slot)?;
    let note = format!(
        "`{parameter}` receives the `{}` its callers make, rewritten with them",
        made.subject
    );
    let found = Found {
        tracked,
        range,
        subject: parameter,
        note,
    };
    borrowed_fix(cx, recipe, rule, found, made)
}

/// The rewrite of the uses of what the call at `call` returns (an object the function it
/// calls makes, in this module or another), by the rule (`rule`) that rewrote it where it
/// is made.
pub fn rewrite_result(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    call: TextRange,
    made: &Fix,
) -> Result<Fix, String> {
    let expr = crate::analyse::objects::call_at(cx.parents.body(), call)
        .ok_or_else(|| "the call is not found".to_string())?;
    let tracked = crate::analyse::objects::track_result(&cx.flow(), expr)?;
    let subject = crate::syntax::names::first_line(&cx.text[expr.func.range()]).to_string();
    let note = format!(
        "what `{subject}()` returns is the `{}` it makes, rewritten with it",
        made.subject
    );
    let found = Found {
        tracked,
        range: call,
        subject: format!("{subject}()"),
        note,
    };
    borrowed_fix(cx, recipe, rule, found, made)
}

/// An object made elsewhere, as the module that uses it sees it.
pub(super) struct Found<'a> {
    tracked: Tracked<'a>,
    /// Where the fix is reported, and as what.
    range: TextRange,
    subject: String,
    note: String,
}

/// The fix of the uses of an object made elsewhere (`made` fixes where it is made) by the
/// rule (`rule`) that rewrote it there: the uses' edits and the imports they name.
pub(super) fn borrowed_fix(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    found: Found<'_>,
    made: &Fix,
) -> Result<Fix, String> {
    let compiled = recipe
        .rules(cx.target)
        .get(rule)
        .ok_or_else(|| format!("recipe `{}` has no rule {rule}", recipe.id))?;
    let mut draft = Draft {
        edits: Vec::new(),
        removals: Vec::new(),
        rebind: None,
        requests: Vec::new(),
        safety: Safety::Review,
        note: None,
        family: None,
        handed: None,
        crossings: Vec::new(),
        returns: Vec::new(),
        rule,
        wrap: Vec::new(),
        guard: None,
        takes: Vec::new(),
    };
    let object = Object::Tracked(found.tracked, None);
    let escapes = escapes_of(&object);
    follow(cx, compiled, &object, &mut draft).map_err(|stop| match stop {
        Stop::Manual(why) | Stop::Skip(why) => why,
    })?;
    if !draft.crossings.is_empty() || !draft.returns.is_empty() {
        return Err(format!("`{}` passes it on to other code", found.subject));
    }
    // The rule's imports that the rewritten uses name (`futures.` in a pile's `spawn`).
    let named = |bound: &str| names(&draft.edits, &[], bound);
    let at = draft.edits.iter().map(|e| e.range.start()).min();
    if let Some(at) = at {
        // What the uses asked for themselves (`contextlib` for a bounded call) stays.
        let own = std::mem::take(&mut draft.requests);
        draft.requests = compiled
            .imports
            .iter()
            .filter(|spec| named(spec.bound_name()))
            .map(|spec| Request {
                spec: spec.clone(),
                scope: crate::syntax::semantic::MODULE_SCOPE,
                at,
            })
            .chain(own)
            .collect();
    }
    let needs_removed = usable(cx, &draft.requests, &made.name)?;
    add_note(&mut draft, &found.note);
    Ok(Fix {
        recipe: recipe.id.clone(),
        safety: draft.safety,
        note: draft.note,
        range: found.range,
        edits: draft.edits,
        removals: draft.removals,
        requests: draft.requests,
        rebind: None,
        needs_removed,
        kept_comments: None,
        subject: found.subject,
        name: made.name.clone(),
        guide: made.guide.clone(),
        last: false,
        dual_mode: made.dual_mode,
        patch_target: None,
        family: None,
        defines: Vec::new(),
        crossings: Vec::new(),
        returns: Vec::new(),
        link: None,
        denotes: compiled
            .imports
            .iter()
            .map(|spec| spec.denotes_module())
            .collect(),
        wrap: draft.wrap,
        takes: draft.takes,
        escapes,
        guard: None,
    })
}
