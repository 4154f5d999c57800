//! Objects held in containers: a list, set or dict of them, appended to or filled by a
//! comprehension, and the uses of its elements (a loop over it, an index, a `.values()`).

use crate::fix::Family;
use crate::syntax::semantic::Semantic;
use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use super::*;

/// Follows the objects a call creates when the call is an element of a list assigned to a
/// name (`threads = [eventlet.spawn(f, x) for x in xs]`, `[spawn(f), spawn(g)]`): the list
/// may only be iterated (or tested), and each iteration's variable is the object. `None`
/// when the call is not such an element.
pub fn track_elements<'a>(
    flow: &Flow<'_, 'a>,
    call: &ExprCall,
    stmt_range: TextRange,
) -> Option<Result<Tracked<'a>, Untrackable>> {
    let parents = flow.parents;
    // Every element must be made the same way, or the loop variable would be objects of
    // different kinds.
    let same = |e: &Expr| {
        e.as_call_expr()
            .is_some_and(|c| ComparableExpr::from(&*c.func) == ComparableExpr::from(&*call.func))
    };
    let (target, stmt_range) = match parents.elements.get(&call.range()) {
        // A display assigned to a name (not one unpacked into names).
        Some(&(list, display)) if parents.assigned.contains_key(&list) => {
            if display.is_some_and(|elts| !elts.iter().all(same)) {
                return Some(Err("the list holds other objects too".into()));
            }
            (*parents.assigned.get(&list)?, stmt_range)
        }
        // `threads.append(spawn(f))` to a list made empty (`threads = []`).
        _ => match appended_to(flow, call) {
            Some(found) => found,
            // `pending[key] = spawn(f)` in a dict made empty.
            None => {
                let (target, stmt_range) = stored_in(flow, call)?;
                return Some(dict_uses(flow, target, stmt_range, &same));
            }
        },
    };
    Some(element_uses(flow, target, stmt_range, &same))
}

/// The dict `call`'s object is stored in (`pending[key] = spawn(f)`), when that dict is a
/// name made empty (`pending = {}` or `dict()`) once: its name and the statement that
/// makes it.
pub(super) fn stored_in<'a>(flow: &Flow<'_, 'a>, call: &ExprCall) -> Option<(&'a Expr, TextRange)> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    // A value of a dict display assigned to a name (`{'a': spawn(f), 'b': spawn(g)}`).
    if let Some(dict) = parents.dict_values.get(&call.range()) {
        let target = *parents.assigned.get(&dict.range)?;
        let stmt = semantic.innermost_stmt(dict.range)?;
        return Some((target, semantic.stmts[stmt].range));
    }
    let sub = parents.stored_at.get(&call.range())?;
    let Expr::Name(dict) = &*sub.value else {
        return None;
    };
    let scope = semantic.reference_at(dict.range.start())?.resolved?;
    let [binding] = semantic.bindings_of(scope, dict.id.as_str()) else {
        return None;
    };
    let value = parents.assignment_value(semantic.bindings[*binding].start)?;
    let empty = match value {
        Expr::Dict(d) => d.items.is_empty(),
        Expr::Call(c) => {
            c.arguments.is_empty()
                && semantic.builtin_name(&c.func).as_deref() == Some("builtins.dict")
        }
        _ => false,
    };
    if !empty {
        return None;
    }
    let target = *parents.assigned.get(&value.range())?;
    let stmt = semantic.innermost_stmt(value.range())?;
    Some((target, semantic.stmts[stmt].range))
}

/// The uses of the objects the dict `target` names holds: `d[key]` read, the loop variable
/// over `d.values()`, what `d.pop(key)` and `d.get(key)` return. Only objects made the way
/// `same` tells may be stored in it (`d[key] = spawn(f)`); its keys may be used freely
/// (`key in d`, `for key in d`, `del d[key]`, `len(d)`). The objects stored are one family.
pub(super) fn dict_uses<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
    same: &dyn Fn(&Expr) -> bool,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let dict = track(flow, target, stmt_range)?;
    let name = match target {
        Expr::Name(n) => n.id.as_str(),
        _ => return Err("assigned to something other than a name".into()),
    };
    let other = || format!("the dict `{name}` is used other than by reading its objects");
    let mut uses = Vec::new();
    // A display's values are objects made for it (each made the same way, or none is one).
    let mut members = match parents.assignment_value(target.start()) {
        Some(Expr::Dict(display)) => {
            if !display
                .items
                .iter()
                .all(|item| item.key.is_some() && same(&item.value))
            {
                return Err(format!("the dict `{name}` holds other objects too"));
            }
            display.items.len()
        }
        _ => 0,
    };
    for u in &dict.uses {
        if let Some(sub) = parents.subscripts.get(&u.range) {
            match sub.ctx {
                ruff_python_ast::ExprContext::Store => match parents.stores.get(&sub.range) {
                    Some(value) if same(value) => members += 1,
                    _ => return Err(format!("the dict `{name}` holds other objects too")),
                },
                ruff_python_ast::ExprContext::Del => {}
                _ => uses.push(Use {
                    range: sub.range,
                    parent: parents.parent(sub.range),
                }),
            }
            continue;
        }
        match u.parent {
            Some(Parent::Test | Parent::Iter) => {}
            None if counted(semantic, parents, u.range) || parents.contained.contains(&u.range) => {
            }
            Some(Parent::Method { call, attr, .. }) => match attr.attr.as_str() {
                "keys" | "clear" => {}
                "values" if call.arguments.is_empty() => {
                    uses.extend(loop_variable_uses(flow, call.range(), name)?);
                }
                "pop" | "get" if call.arguments.len() == 1 => {
                    uses.extend(track_result(flow, call)?.uses);
                }
                _ => return Err(other()),
            },
            _ => return Err(other()),
        }
    }
    Ok(Tracked {
        uses,
        is_attribute: false,
        borrowed: false,
        made_elsewhere: false,
        within: dict.within,
        crossed: dict.crossed,
        family: (members > 1).then(|| Family {
            key: format!("{}:{name}[]", u32::from(target.start())),
            members,
            name: name.to_string(),
            tie: crate::fix::Tie::Held,
        }),
        in_place: false,
        made_at: None,
    })
}

/// The list `call`'s object is appended to (`threads.append(spawn(f))`), when that list is
/// a local made empty (`threads = []`) once: its name and the statement that makes it.
pub(super) fn appended_to<'a>(
    flow: &Flow<'_, 'a>,
    call: &ExprCall,
) -> Option<(&'a Expr, TextRange)> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    // `threads.append(spawn(f))`, `threads.add(spawn(f))`, or the element of a display or
    // comprehension extending it: `threads.extend([spawn(f, x) for x in xs])`.
    let argument = match parents.elements.get(&call.range()) {
        Some(&(list, _)) => list,
        None => call.range(),
    };
    let (outer, Slot::Position(0)) = *parents.arguments.get(&argument)? else {
        return None;
    };
    let Expr::Attribute(attr) = &*outer.func else {
        return None;
    };
    let Expr::Name(list) = &*attr.value else {
        return None;
    };
    let method = attr.attr.as_str();
    let fits = match method {
        "append" | "add" => argument == call.range(),
        "extend" => argument != call.range(),
        _ => false,
    };
    if !fits || outer.arguments.len() != 1 {
        return None;
    }
    let scope = semantic.reference_at(list.range.start())?.resolved?;
    let [binding] = semantic.bindings_of(scope, list.id.as_str()) else {
        return None;
    };
    let value = parents.assignment_value(semantic.bindings[*binding].start)?;
    // Made empty: `[]` for a list, `set()` for a set (whose method is `add`).
    let empty = match (value, method) {
        (Expr::List(l), "append" | "extend") => l.elts.is_empty(),
        (Expr::Call(c), "add") => {
            c.arguments.is_empty()
                && semantic.builtin_name(&c.func).as_deref() == Some("builtins.set")
        }
        _ => false,
    };
    if !empty {
        return None;
    }
    let target = *parents.assigned.get(&value.range())?;
    let stmt = semantic.innermost_stmt(value.range())?;
    Some((target, semantic.stmts[stmt].range))
}

/// Whether `range` is the only argument of the builtin `len`.
pub(super) fn counted(semantic: &Semantic, parents: &Parents<'_>, range: TextRange) -> bool {
    parents
        .sole_argument_of(range)
        .and_then(|call| semantic.builtin_name(&call.func))
        .is_some_and(|name| name == "builtins.len")
}

/// The uses of the loop variable of the loop (or comprehension) iterating `iterable`, which
/// yields the objects of `name`.
pub(super) fn loop_variable_uses<'a>(
    flow: &Flow<'_, 'a>,
    iterable: TextRange,
    name: &str,
) -> Result<Vec<Use<'a>>, Untrackable> {
    let Some((Expr::Name(var), within)) = flow.parents.iterations.get(&iterable) else {
        return Err(format!(
            "`{name}` is iterated into something other than a name"
        ));
    };
    variable_uses(flow, var, *within)
}

/// The uses of `var`, a loop's variable over `within` (the loop, or the comprehension).
fn variable_uses<'a>(
    flow: &Flow<'_, 'a>,
    var: &ruff_python_ast::ExprName,
    within: TextRange,
) -> Result<Vec<Use<'a>>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let references: Vec<_> = semantic
        .references
        .iter()
        .filter(|r| r.name == var.id.as_str() && within.contains_range(r.range))
        .collect();
    // The loop variable must be the object everywhere it is read in the loop: the loop's own
    // target is its only binding there (other loops may reuse the name).
    let scope = references.first().and_then(|r| r.resolved);
    let inside = |s: crate::syntax::semantic::ScopeId| {
        semantic
            .bindings_of(s, var.id.as_str())
            .iter()
            .filter(|&&b| within.contains(semantic.bindings[b].start))
            .count()
    };
    if scope.is_some_and(|s| inside(s) != 1) {
        return Err(format!(
            "`{}` is assigned more than once in the loop",
            var.id
        ));
    }
    Ok(references
        .into_iter()
        .map(|r| Use {
            range: r.range,
            parent: if r.is_del {
                None
            } else {
                parents.parent(r.range)
            },
        })
        .collect())
}

/// The elements a use of a list reaches other than through a plain loop over it: an index
/// (`threads[0]`), or the loop variable of its slot in a loop over `zip(names, threads)` or
/// `enumerate(threads)`. `None`: the use is none of these.
fn elements_reached<'a>(
    flow: &Flow<'_, 'a>,
    range: TextRange,
) -> Option<Result<Vec<Use<'a>>, Untrackable>> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    if let Some(sub) = parents.subscripts.get(&range) {
        let indexed = sub.ctx.is_load() && !sub.slice.is_slice_expr();
        let element = Use {
            range: sub.range,
            parent: parents.parent(sub.range),
        };
        return indexed.then(|| Ok(vec![element]));
    }
    let (call, Slot::Position(position)) = parents.arguments.get(&range)? else {
        return None;
    };
    let args = &call.arguments.args;
    if args.iter().any(Expr::is_starred_expr) {
        return None;
    }
    let (slot, slots) = match semantic.builtin_name(&call.func)?.as_str() {
        "builtins.zip" => (*position, args.len()),
        "builtins.enumerate" if *position == 0 => (1, 2),
        _ => return None,
    };
    let (Expr::Tuple(target), within) = parents.iterations.get(&call.range())? else {
        return None;
    };
    if target.elts.len() != slots {
        return None;
    }
    let Expr::Name(var) = &target.elts[slot] else {
        return None;
    };
    Some(variable_uses(flow, var, *within))
}

/// How many objects made the way `same` tells `list.method(argument)` adds to a list or
/// set (`None`: it adds something else, or does something else).
pub(super) fn added_objects(
    method: &str,
    args: &[Expr],
    same: &dyn Fn(&Expr) -> bool,
) -> Option<usize> {
    let [argument] = args else {
        return None;
    };
    match (method, argument) {
        ("append" | "add", call) if same(call) => Some(1),
        ("extend", Expr::ListComp(comp)) if same(&comp.elt) => Some(1),
        ("extend", Expr::List(display)) if display.elts.iter().all(same) => {
            Some(display.elts.len())
        }
        _ => None,
    }
}

/// The uses of the objects of the list `target` names: its loop variables'. `same` tells an
/// object made the way this one is: only such objects may be appended to it. The objects
/// made for the list (each element of its display, its comprehension's, each one appended)
/// are one family.
pub(super) fn element_uses<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
    same: &dyn Fn(&Expr) -> bool,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let list = track(flow, target, stmt_range)?;
    let name = match target {
        Expr::Name(n) => n.id.as_str(),
        _ => return Err("assigned to something other than a name".into()),
    };
    let other = || format!("the list `{name}` is used other than by iterating it");
    let mut uses = Vec::new();
    // The objects made where the list is: each element of its display, its
    // comprehension's; none for a list (or set) made empty. A name bound to such a list more than once: the objects of all its lists.
    let mut members = match (&list.family, parents.assignment_value(target.start())) {
        (Some(lists), _) => lists.members,
        (None, Some(Expr::List(display))) => display.elts.len(),
        (None, Some(Expr::ListComp(_))) => 1,
        _ => 0,
    };
    for u in &list.uses {
        match u.parent {
            Some(Parent::Test) => {}
            Some(Parent::Method { call, attr, .. }) if call.arguments.len() == 1 => {
                let Some(added) = added_objects(attr.attr.as_str(), &call.arguments.args, same)
                else {
                    return Err(other());
                };
                members += added;
            }
            // `len(threads)` counts the list and touches no element.
            None if counted(semantic, parents, u.range) => {}
            Some(Parent::Iter) => uses.extend(loop_variable_uses(flow, u.range, name)?),
            None => uses.extend(elements_reached(flow, u.range).ok_or_else(other)??),
            _ => return Err(other()),
        }
    }
    Ok(Tracked {
        uses,
        is_attribute: false,
        borrowed: false,
        made_elsewhere: false,
        within: list.within,
        crossed: list.crossed,
        family: (members > 1).then(|| Family {
            key: match &list.family {
                Some(lists) => format!("{}[]", lists.key),
                None => format!("{}:{name}[]", u32::from(target.start())),
            },
            members,
            name: name.to_string(),
            tie: crate::fix::Tie::Held,
        }),
        in_place: false,
        made_at: None,
    })
}
