//! An object handed to calls whose own recipe rewrites them with it (`GreenPile(pool)`: the
//! pile becomes a list of the pool's futures, which only an executor makes): the object's
//! rewrite and theirs are one family, applied together or not at all.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use super::Draft;
use super::Object;
use super::RewriteContext;
use super::Stop;
use crate::analyse::objects::{Parent, Slot, Tracked};
use crate::analyse::sites::{Site, SiteNode};
use crate::fix::{Family, Tie};
use crate::recipe::model::WithArgument;
use crate::recipe::CompiledRule;

/// A rule rewriting its object with the one its argument names (`with-argument`): the two
/// become one family, provided the object is used only before the other may end.
pub(super) fn with_argument(
    cx: &RewriteContext<'_, '_>,
    (rule, with): (&CompiledRule, &WithArgument),
    site: &Site<'_>,
    object: &Object<'_>,
    draft: &mut Draft,
) -> Result<(), Stop> {
    let (Some(made_by), SiteNode::Call { call, .. }) = (&rule.when.arg_made_by, site.node) else {
        return Err(Stop::Skip(
            "it is not a call with the argument it is rewritten with".to_string(),
        ));
    };
    let argument =
        call.arguments.args.get(made_by.index).ok_or_else(|| {
            Stop::Skip("the argument it is rewritten with is missing".to_string())
        })?;
    let family = family(cx, argument, made_by.index, &site.name).ok_or_else(|| {
        Stop::Skip("the argument it is rewritten with is not a name bound once".to_string())
    })?;
    if let Object::Tracked(tracked, _) = object {
        if let Some(why) = used_after_end(cx, argument, &with.until, tracked) {
            return Err(Stop::Skip(why));
        }
    }
    if draft.family.is_some() {
        return Err(Stop::Skip(
            "it is bound more than once, and is rewritten with its argument only on its own"
                .to_string(),
        ));
    }
    draft.family = Some(family);
    Ok(())
}

/// The family of the object bound to the name `argument` and the calls of `callee` it is
/// passed to as their argument `index`; `None` unless the name has exactly one binding.
pub(super) fn family(
    cx: &RewriteContext<'_, '_>,
    argument: &Expr,
    index: usize,
    callee: &str,
) -> Option<Family> {
    let Expr::Name(name) = argument else {
        return None;
    };
    let scope = cx.semantic.reference_at(name.range.start())?.resolved?;
    let [binding] = cx.semantic.bindings_of(scope, name.id.as_str()) else {
        return None;
    };
    let start = cx.semantic.bindings[*binding].start;
    let handed = cx
        .semantic
        .references_to(scope, name.id.as_str())
        .filter(|r| handed_to(cx, r.range).is_some_and(|(i, c)| i == index && c == callee))
        .count();
    Some(Family {
        key: format!("{callee}({}@{})", name.id, u32::from(start)),
        members: 1 + handed,
        name: name.id.to_string(),
        tie: Tie::HandedTo,
    })
}

/// The family a use of the object at `range` puts it in: it is the argument of a call the
/// rule lists in `handed-to`.
pub(super) fn handed_off(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    range: TextRange,
) -> Option<Family> {
    let (index, callee) = handed_to(cx, range)?;
    let argument = cx
        .parents
        .get()
        .argument_slot(range)?
        .0
        .arguments
        .args
        .get(index)?;
    rule.handed_to
        .iter()
        .any(|h| h.index == index && h.name == callee)
        .then(|| family(cx, argument, index, &callee))?
}

/// The position the expression at `range` is passed at, and the canonical name of the call.
pub(super) fn handed_to(cx: &RewriteContext<'_, '_>, range: TextRange) -> Option<(usize, String)> {
    let (call, Slot::Position(index)) = cx.parents.get().argument_slot(range)? else {
        return None;
    };
    let qualified = cx.semantic.expr_qualified_name(&call.func)?;
    Some((index, (cx.canonical)(&qualified)))
}

/// Why the object made here (`pile`) cannot be rewritten with the one its argument names
/// (`pool`), if it cannot: it is used after (or apart from) one of the methods that may end
/// the other (`until`: a pool's last `waitall()` shuts its executor down).
pub(super) fn used_after_end(
    cx: &RewriteContext<'_, '_>,
    argument: &Expr,
    until: &[String],
    tracked: &Tracked<'_>,
) -> Option<String> {
    let Expr::Name(name) = argument else {
        return Some("its argument is not a name".to_string());
    };
    let Some(scope) = cx
        .semantic
        .reference_at(name.range.start())
        .and_then(|r| r.resolved)
    else {
        return Some("its argument cannot be resolved".to_string());
    };
    let parents = cx.parents.get();
    let last_use = tracked.uses.iter().map(|u| u.range.end()).max();
    let within = parents.innermost(argument.range(), false);
    cx.semantic
        .references_to(scope, name.id.as_str())
        .find_map(|r| match parents.parent(r.range) {
            Some(Parent::Method { call, attr, .. })
                if until.iter().any(|m| m == attr.attr.as_str())
                    && (last_use.is_some_and(|end| r.range.start() < end)
                        || parents.innermost(r.range, false) != within) =>
            {
                Some(format!(
                    "it is used after `{}` (or apart from it), which may end what it needs",
                    &cx.text[call.range()]
                ))
            }
            _ => None,
        })
}
