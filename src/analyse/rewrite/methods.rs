//! The object a constructor makes, followed: its methods rewritten by the rule's method
//! table wherever the object goes (a name, an attribute, a container, a return, another
//! module), or the reason it cannot be.

use crate::analyse::objects::track;
use crate::analyse::objects::track_elements;
use crate::analyse::objects::Parent;
use crate::analyse::objects::Slot;
use crate::analyse::objects::Tracked;
use crate::analyse::objects::Use;
use crate::analyse::sites::{Site, SiteNode};
use crate::fix::edit::merge_text;
use crate::fix::edit::Edit;
use crate::fix::edit::Piece;
use crate::fix::RemoteCallers;
use crate::fix::RemoteParameter;
use crate::fix::Safety;
use crate::fix::{Crossing, Return};
use crate::recipe::CompiledMethod;
use crate::recipe::CompiledRule;
use crate::recipe::MethodAction;
use crate::syntax::source::{indentation_at, line_ending, starts_line};
use ruff_python_ast::{Expr, ExprCall};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};
use std::collections::BTreeSet;

use super::*;

/// Rewrites the uses of the object a method call returns (`gt = pool.spawn(f)`, then
/// `gt.wait()`) with `methods`, or says why it cannot be done.
pub(super) fn follow_result(
    cx: &RewriteContext<'_, '_>,
    methods: &[CompiledMethod],
    call: &ExprCall,
    draft: &mut Draft,
) -> Result<(), String> {
    let stmt = cx
        .semantic
        .innermost_stmt(call.range())
        .map(|s| cx.semantic.stmts[s].range)
        .ok_or("it is not in a statement")?;
    let tracked = match track_elements(&cx.flow(), call, stmt) {
        Some(tracked) => tracked?,
        None => match cx.parents.get().assigned_to(call.range()) {
            Some(target) => track(&cx.flow(), target, stmt)?,
            None => return Err("it is used directly, not stored".to_string()),
        },
    };
    if tracked.is_attribute {
        return Err("it is stored in an attribute".to_string());
    }
    for u in &tracked.uses {
        let Some(Parent::Method {
            call: inner,
            attr,
            discarded,
        }) = u.parent
        else {
            match u.parent {
                Some(Parent::Test) => continue,
                _ => return Err("it is used other than by calling its methods".to_string()),
            }
        };
        let name = attr.attr.as_str();
        let method = pick_method(cx, methods, name, Some((inner, discarded)))
            .ok_or_else(|| format!("`.{name}()` has no equivalent in the new API"))?;
        rewrite_method_call(method, inner, attr, draft)
            .map_err(|why| format!("`.{name}()`{why}"))?;
        super::timeouts::bound(cx, method, inner, draft);
    }
    Ok(())
}

/// Rewrites one call of a method of a followed object with its rule; the error completes a
/// sentence about the call (`: why`, ` does not fit its template`).
pub(super) fn rewrite_method_call(
    method: &CompiledMethod,
    call: &ExprCall,
    attr: &ruff_python_ast::ExprAttribute,
    draft: &mut Draft,
) -> Result<(), String> {
    match &method.action {
        MethodAction::Manual(why) => return Err(format!(": {why}")),
        MethodAction::Rename(new) => {
            if new != attr.attr.as_str() {
                draft
                    .edits
                    .push(Edit::replace(attr.attr.range, new.clone()));
            }
        }
        MethodAction::Replace(template) => {
            let holes = Holes {
                call: Some(call),
                receiver: Some(attr.value.range()),
                target: None,
                own: (None, None),
            };
            let pieces =
                render(template, &holes).ok_or(" does not fit its template".to_string())?;
            draft.push_template(call.range(), pieces);
        }
    }
    raise(draft, method);
    Ok(())
}

/// Where the result of a call site goes.
pub(super) fn object_of<'a>(cx: &RewriteContext<'a, '_>, site: &Site<'_>) -> Object<'a> {
    let SiteNode::Call {
        call,
        discarded,
        bound,
    } = site.node
    else {
        return Object::Lost("not a call".to_string());
    };
    if discarded {
        return Object::Discarded;
    }
    let stmt_range = cx.semantic.stmts[site.stmt].range;
    // An element of a list that is then iterated: each iteration's variable is the object.
    if let Some(elements) = track_elements(&cx.flow(), call, stmt_range) {
        return match elements {
            Ok(tracked) => Object::Tracked(tracked, None),
            Err(why) => Object::Lost(why),
        };
    }
    // Unpacked (`a, b = Event(), Event()`): the name at its place.
    let bound = bound.or_else(|| cx.parents.get().assigned_to(call.range()));
    let Some(target) = bound else {
        // Passed to a function that can be followed (`serve(eventlet.listen(addr))`).
        if let Some(tracked) =
            crate::analyse::objects::track_argument(&cx.flow(), call.range(), stmt_range)
        {
            return Object::Tracked(tracked, None);
        }
        // Used in place (`getcurrent().parent`, `Event().wait()`): a single use.
        return match cx.parents.get().parent(call.range()) {
            Some(parent) => {
                Object::Tracked(Tracked::in_place(call.range(), parent, stmt_range), None)
            }
            None => Object::Lost("its result is used directly, not stored".to_string()),
        };
    };
    match track(&cx.flow(), target, stmt_range) {
        Ok(tracked) => Object::Tracked(tracked, Some(target.range())),
        Err(why) => Object::Lost(why),
    }
}

/// Rewrites every use of the created object, or says why it cannot be done (every use that
/// blocks it, not only the first).
pub(super) fn follow(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    object: &Object<'_>,
    draft: &mut Draft,
) -> Result<(), Stop> {
    let (tracked, target) = match object {
        Object::Discarded => return Ok(()),
        Object::Lost(why) if rule.allow_escape => {
            escaped(draft, format!("the object is not followed ({why})"));
            return Ok(());
        }
        Object::Lost(why) => {
            return Err(Stop::Skip(format!(
                "the object it creates cannot be followed: {why}"
            )))
        }
        Object::Tracked(tracked, target) => (tracked, *target),
    };
    let mut problems: Vec<String> = Vec::new();
    for u in &tracked.uses {
        if let Err(problem) = follow_use(cx, rule, tracked, u, draft) {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(Stop::Skip(problems.join("; ")));
    }
    note_reach(tracked, draft);
    if let Some(handed) = draft.handed.take() {
        if draft.family.is_some() {
            return Err(Stop::Skip(format!(
                "the object is bound more than once, and handed to code rewritten with it (`{}`)",
                handed.name
            )));
        }
        draft.family = Some(handed);
    }
    match rule.append.as_ref().filter(|_| !tracked.made_elsewhere) {
        Some(template) => append_statement(cx, template, target, draft),
        None => Ok(()),
    }
}

/// The object escapes to code that is not followed: the rewrite needs review.
fn escaped(draft: &mut Draft, why: String) {
    draft.safety = draft.safety.max(Safety::Review);
    add_note(
        draft,
        &format!("{why}; check it calls no eventlet-only method"),
    );
}

/// `line:column` of `range` in `text`, for messages.
fn position(text: &str, range: TextRange) -> String {
    let line = text[..usize::from(range.start())].matches('\n').count() + 1;
    let column = text[usize::from(text.line_start(range.start()))..usize::from(range.start())]
        .chars()
        .count()
        + 1;
    format!("{line}:{column}")
}

/// One use of a followed object, rewritten by the rule's method table, or why it cannot be.
fn follow_use(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    tracked: &Tracked<'_>,
    u: &Use<'_>,
    draft: &mut Draft,
) -> Result<(), String> {
    let at = position(cx.text, u.range);
    // Handed to a call its own recipe rewrites with it (`GreenPile(pool)`): one family.
    if u.parent.is_none() {
        if let Some(family) = super::handoff::handed_off(cx, rule, u.range) {
            draft.handed = Some(family);
            return Ok(());
        }
    }
    match u.parent {
        None if rule.allow_escape => {
            escaped(draft, format!("the object is passed to other code at {at}"));
            Ok(())
        }
        None => Err(format!(
            "the object is passed to other code at {at}, whose use of it cannot be checked"
        )),
        Some(Parent::With | Parent::Test) => Ok(()),
        Some(Parent::Returned) if rule.allow_escape => {
            escaped(draft, format!("the object is returned at {at}"));
            Ok(())
        }
        Some(Parent::Returned) => follow_returned(cx, u, draft),
        Some(Parent::Passed { .. }) if rule.allow_escape => {
            escaped(draft, format!("the object is passed to other code at {at}"));
            Ok(())
        }
        Some(Parent::Passed {
            call,
            function,
            slot,
        }) => follow_passed(cx, u, (call, function, slot), draft),
        Some(Parent::Iter) => rewrite_iteration(cx, rule, u, draft),
        Some(Parent::Method {
            call,
            attr,
            discarded,
        }) => follow_method(cx, rule, tracked, u, (call, attr, discarded), draft),
        Some(Parent::Attribute { attr }) => follow_attribute(cx, rule, attr, draft),
    }
}

/// The object returned by a module-level function: followed into its callers, where the
/// project plan found them.
fn follow_returned(
    cx: &RewriteContext<'_, '_>,
    u: &Use<'_>,
    draft: &mut Draft,
) -> Result<(), String> {
    let at = position(cx.text, u.range);
    match returning(cx, u.range) {
        Some((_, Some(Ok(to)))) => {
            draft.returns.push(Return {
                to: to.clone(),
                at: u.range,
                rule: draft.rule,
            });
            Ok(())
        }
        Some((function, Some(Err(why)))) => Err(format!(
            "the object is returned at {at} (by `{function}`: {why})"
        )),
        _ => Err(format!(
            "the object is returned at {at}, to callers whose use of it cannot be checked"
        )),
    }
}

/// The object passed to a function of another module: followed into its parameter there,
/// where the project plan found it.
fn follow_passed(
    cx: &RewriteContext<'_, '_>,
    u: &Use<'_>,
    (call, function, slot): (&ExprCall, &Expr, Slot<'_>),
    draft: &mut Draft,
) -> Result<(), String> {
    let at = position(cx.text, u.range);
    match (
        remote(cx, function, slot),
        crate::syntax::names::last_name(function),
    ) {
        (Some(Ok(to)), Some(local)) => {
            draft.crossings.push(Crossing {
                to: to.clone(),
                call: call.range(),
                argument: u.range,
                mentions: crate::analyse::objects::mentions_of(
                    cx.semantic,
                    cx.parents.get(),
                    local,
                ),
                rule: draft.rule,
            });
            Ok(())
        }
        (Some(Err(why)), _) => Err(format!(
            "the object is passed to other code at {at} (`{}`: {why})",
            &cx.text[function.range()]
        )),
        _ => Err(format!(
            "the object is passed to other code at {at}, whose use of it cannot be checked"
        )),
    }
}

/// Iterating the object: the `__iter__` method rule says what to iterate instead.
fn rewrite_iteration(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    u: &Use<'_>,
    draft: &mut Draft,
) -> Result<(), String> {
    let at = position(cx.text, u.range);
    let Some((method, MethodAction::Replace(template))) =
        pick_method(cx, &rule.methods, "__iter__", None).map(|m| (m, &m.action))
    else {
        return Err(format!(
            "the object is iterated at {at}, which the recipe cannot map"
        ));
    };
    let holes = Holes {
        call: None,
        receiver: Some(u.range),
        target: None,
        own: (None, None),
    };
    let pieces = render(template, &holes)
        .ok_or_else(|| format!("iterating at {at} does not fit its template"))?;
    let pieces = match cx.parents.get().sole_argument_of(u.range) {
        Some(call) if cx.text[TextRange::new(u.range.end(), call.end())].trim() == ")" => {
            unparenthesized(pieces)
        }
        _ => pieces,
    };
    draft.push_template(u.range, pieces);
    raise(draft, method);
    Ok(())
}

/// A method called on the object: rewritten by its method rule, and what it returns
/// followed where the rule says.
fn follow_method(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    tracked: &Tracked<'_>,
    u: &Use<'_>,
    (call, attr, discarded): (&ExprCall, &ruff_python_ast::ExprAttribute, bool),
    draft: &mut Draft,
) -> Result<(), String> {
    let name = attr.attr.as_str();
    let at = position(cx.text, attr.attr.range);
    let Some(method) = pick_method(cx, &rule.methods, name, Some((call, discarded))) else {
        return Err(format!(
            "`.{name}()` at {at} has no equivalent in the new API"
        ));
    };
    if method.last_use && !tracked.is_final_use(u.range, cx.parents.get()) {
        return Err(format!(
            "`.{name}()` at {at} is not the last use of a local object outside a loop"
        ));
    }
    let mut problems = Vec::new();
    let rewritten = rewrite_method_call(method, call, attr, draft).and_then(|()| {
        super::timeouts::bound(cx, method, call, draft);
        match &method.callback {
            Some(callback) => super::callback::adapt(cx, callback, call, draft),
            None => Ok(()),
        }
    });
    if let Err(why) = rewritten {
        problems.push(format!("`.{name}()` at {at}{why}"));
    }
    if !discarded && !method.result.is_empty() {
        if let Err(why) = follow_result(cx, &method.result, call, draft) {
            problems.push(format!("what `.{name}()` at {at} returns: {why}"));
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("; ")),
    }
}

/// An attribute of the object read without a call: renamed by its method rule.
fn follow_attribute(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    attr: &ruff_python_ast::ExprAttribute,
    draft: &mut Draft,
) -> Result<(), String> {
    let name = attr.attr.as_str();
    let at = position(cx.text, attr.attr.range);
    match pick_method(cx, &rule.methods, name, None).map(|m| (m, &m.action)) {
        Some((method, MethodAction::Rename(new))) => {
            if new != name {
                draft
                    .edits
                    .push(Edit::replace(attr.attr.range, new.clone()));
            }
            raise(draft, method);
            Ok(())
        }
        Some((_, MethodAction::Manual(why))) => Err(format!("`.{name}` at {at}: {why}")),
        _ => Err(format!(
            "`.{name}` at {at} is used without a call the recipe can map"
        )),
    }
}

/// What the notes of a followed object say about where it reaches: an attribute, the
/// callers it is returned to, the other modules it is passed to, and the functions it was
/// followed into; each makes the rewrite one to review.
fn note_reach(tracked: &Tracked<'_>, draft: &mut Draft) {
    if tracked.is_attribute {
        draft.safety = draft.safety.max(Safety::Review);
        add_note(draft, "the attribute may also be used outside its class");
    }
    draft.family = tracked.family.clone();
    if !draft.returns.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        let function = draft.returns[0].to.function.clone();
        add_note(
            draft,
            &format!(
                "the object is returned to the callers of `{function}`, whose uses of it are rewritten with it"
            ),
        );
        if !function.starts_with('_') {
            add_note(
                draft,
                &format!(
                    "`{function}` is public: a caller outside the project gets the new object too"
                ),
            );
        }
    }
    if !draft.crossings.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        let places: BTreeSet<String> = draft
            .crossings
            .iter()
            .map(|c| format!("`{}` ({})", c.to.function, c.to.path))
            .collect();
        add_note(
            draft,
            &format!(
                "the object is passed to {}, whose uses of it are rewritten with it",
                places.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
        let public: BTreeSet<&str> = draft
            .crossings
            .iter()
            .map(|c| c.to.function.as_str())
            .filter(|f| !f.starts_with('_'))
            .collect();
        if !public.is_empty() {
            let names: Vec<String> = public.iter().map(|f| format!("`{f}`")).collect();
            add_note(
                draft,
                &format!(
                    "{} public: a caller outside the project that passes an eventlet object would break",
                    if names.len() == 1 { format!("{} is", names[0]) } else { format!("{} are", names.join(", ")) }
                ),
            );
        }
    }
    if !tracked.crossed.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        add_note(
            draft,
            &format!(
                "the object is followed into {}, which other modules could also call",
                tracked
                    .crossed
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

/// The rule's `append` statement, on a line of its own after the assignment that stores
/// the object (`t.start()` after `t = threading.Thread(...)`).
fn append_statement(
    cx: &RewriteContext<'_, '_>,
    template: &Template,
    target: Option<TextRange>,
    draft: &mut Draft,
) -> Result<(), Stop> {
    let Some(target) = target else {
        return Err(Stop::Skip(
            "its result is not stored, so it cannot be started on the next line".to_string(),
        ));
    };
    let stmt = cx
        .semantic
        .innermost_stmt(target)
        .map(|s| cx.semantic.stmts[s].range)
        .ok_or_else(|| Stop::Skip("no statement".to_string()))?;
    let after = &cx.text[TextRange::new(stmt.end(), cx.text.line_end(stmt.end()))];
    if !starts_line(cx.text, stmt.start())
        || !(after.trim().is_empty() || after.trim_start().starts_with('#'))
    {
        return Err(Stop::Skip(
            "the assignment shares its line with other code".to_string(),
        ));
    }
    let holes = Holes {
        call: None,
        receiver: None,
        target: Some(target),
        own: (None, None),
    };
    let pieces =
        render(template, &holes).ok_or_else(|| Stop::Skip("append-statement".to_string()))?;
    let indent = indentation_at(cx.text, stmt.start()).to_string();
    let nl = line_ending(cx.text).to_string();
    // Each `\n`-separated statement of the template on a line of its own.
    let mut inserted = vec![Piece::Text(indent.clone())];
    for piece in pieces {
        match piece {
            Piece::Text(t) => inserted.push(Piece::Text(t.replace('\n', &format!("{nl}{indent}")))),
            source => inserted.push(source),
        }
    }
    inserted.push(Piece::Text(nl));
    draft.edits.push(Edit {
        range: TextRange::empty(cx.text.full_line_end(stmt.end())),
        pieces: merge_text(inserted),
    });
    Ok(())
}

/// What the project plan found of the parameter an object passed to `function` as `slot`
/// reaches in another module (`None`: not looked at).
pub(super) fn remote<'c>(
    cx: &RewriteContext<'c, '_>,
    function: &Expr,
    slot: Slot<'_>,
) -> Option<Result<&'c RemoteParameter, String>> {
    let callee = crate::analyse::objects::passed_callee(cx.semantic, function)?;
    cx.elsewhere.parameter(&callee, &slot.owned())
}

/// The module-level function whose `return` statement returns the expression at `range`,
/// and what the project plan found of its callers (`None`: not looked at).
pub(super) fn returning<'c>(
    cx: &RewriteContext<'c, '_>,
    range: TextRange,
) -> Option<(String, Option<Result<&'c RemoteCallers, String>>)> {
    let parents = cx.parents.get();
    let def = parents.function_def_at(parents.innermost(range, false)?)?;
    let name = def.name.as_str();
    // Module-level: the only binding of its name in the module scope is this `def`.
    let module_level = matches!(
        cx.semantic.bindings_of(crate::syntax::semantic::MODULE_SCOPE, name),
        [b] if cx.semantic.bindings[*b].start == def.range.start()
    );
    module_level.then(|| (name.to_string(), cx.elsewhere.callers(name)))
}

/// The facts of the uses of the object in the functions of other modules it is passed to
/// (what they call on it decides the rule as much as what is called here); passed where
/// the plan cannot see, it escapes. Iterated on both sides, it is iterated again.
pub(super) fn remote_facts(
    cx: &RewriteContext<'_, '_>,
    tracked: &Tracked<'_>,
    found: &mut BTreeSet<String>,
) {
    let mut iterating = usize::from(found.contains("iter"));
    for u in &tracked.uses {
        let facts = match u.parent {
            Some(Parent::Passed { function, slot, .. }) => match remote(cx, function, slot) {
                Some(Ok(to)) => Some(&to.facts),
                _ => None,
            },
            Some(Parent::Returned) => match returning(cx, u.range) {
                Some((_, Some(Ok(to)))) => Some(&to.facts),
                _ => None,
            },
            _ => continue,
        };
        match facts {
            Some(facts) => {
                iterating += usize::from(facts.contains("iter"));
                found.extend(facts.iter().cloned());
            }
            None => {
                found.insert("escapes".to_string());
                found.insert("passed".to_string());
            }
        }
    }
    if iterating > 1 {
        found.insert("iter-again".to_string());
    }
}

pub(super) fn add_note(draft: &mut Draft, note: &str) {
    match &mut draft.note {
        Some(existing) if !existing.contains(note) => {
            existing.push_str("; ");
            existing.push_str(note);
        }
        Some(_) => {}
        None => draft.note = Some(note.to_string()),
    }
}

pub(super) fn raise(draft: &mut Draft, method: &CompiledMethod) {
    draft.safety = draft.safety.max(method.safety);
    if let Some(note) = &method.note {
        add_note(draft, note);
    }
}

/// The first method rule for `name` whose conditions hold for this use.
pub(super) fn pick_method<'r>(
    cx: &RewriteContext<'_, '_>,
    methods: &'r [CompiledMethod],
    name: &str,
    call: Option<(&ExprCall, bool)>,
) -> Option<&'r CompiledMethod> {
    methods.iter().find(|m| {
        m.name == name
            && match call {
                Some((call, discarded)) => {
                    call_fits(&m.when, call, discarded)
                        && m.when
                            .arg
                            .as_ref()
                            .is_none_or(|a| arg_text_matches(cx, a, call))
                }
                None => m.when.args.is_none() && m.when.result.is_none() && m.when.arg.is_none(),
            }
    })
}
