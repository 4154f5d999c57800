//! Following the objects Eventlet constructors create: where a call's result is stored (a
//! local or global name, or `self.<attr>` set in a method), and every later use of it, so a
//! recipe can rewrite the methods called on it or report what it cannot.

mod parents;
pub use parents::*;
mod functions;
pub use functions::*;
mod containers;
pub use containers::*;
mod facts;
pub use facts::*;
#[cfg(test)]
mod tests;

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::fix::{Family, PassedAs, RemoteCallers, RemoteParameter};
use crate::syntax::semantic::{BindingKind, ScopeKind, Semantic};

/// What a constructor call's result is bound to, and how it is used.
#[derive(Debug, Clone)]
pub struct Tracked<'a> {
    pub uses: Vec<Use<'a>>,
    /// `self.<attr>`: code outside the class may use it too.
    pub is_attribute: bool,
    /// A parameter another module passes the object to: the caller may use it after the
    /// call, so no use here is its last.
    pub borrowed: bool,
    /// Made by code elsewhere (passed in, or returned by a call): it is started where it
    /// is made, not here.
    pub made_elsewhere: bool,
    /// The scope range the object lives in (function or class), for loop checks.
    pub within: TextRange,
    /// Module-level functions it was followed into (other modules may call them too).
    pub crossed: Vec<String>,
    /// The objects bound to the same name, made the same way, if there are others.
    pub family: Option<Family>,
    /// Used where it is made, never stored (`spawn(f).wait()`): its one use is all there is.
    pub in_place: bool,
    /// The statement that makes it, when it is made once (not one per element of a list).
    pub made_at: Option<TextRange>,
}

impl<'a> Tracked<'a> {
    /// An object used where it is made, never stored (`Event().wait()`): its one use.
    pub fn in_place(range: TextRange, parent: Parent<'a>, within: TextRange) -> Tracked<'a> {
        Tracked {
            uses: vec![Use {
                range,
                parent: Some(parent),
            }],
            in_place: true,
            ..Tracked::unused(within)
        }
    }

    /// An object nothing uses (the value of an expression statement).
    fn unused(within: TextRange) -> Tracked<'a> {
        Tracked {
            uses: Vec::new(),
            is_attribute: false,
            borrowed: false,
            made_elsewhere: false,
            within,
            crossed: Vec::new(),
            family: None,
            in_place: false,
            made_at: None,
        }
    }

    /// Whether the use at `range` is the object's last in the run that makes it: a local
    /// that each call of its function creates afresh (an attribute or a global is used
    /// again on the next call, a borrowed object by its lender), used nowhere after it and
    /// not inside a loop that could reach it again.
    pub fn is_final_use(&self, range: TextRange, parents: &Parents<'_>) -> bool {
        let same_run = !self.is_attribute
            && !self.borrowed
            && match parents.innermost(range, false) {
                Some(function) => function == self.within,
                None => {
                    !self.within.is_empty()
                        && self.within.start() == 0.into()
                        && self.within.len() == u32::MAX.into()
                }
            };
        let last = self.uses.iter().map(|u| u.range.start()).max();
        same_run && Some(range.start()) == last && !parents.in_loop(range, self.within)
    }
}

/// Why an object cannot be followed.
pub type Untrackable = String;

/// What following an object needs: its module's names and parent contexts, and whether a
/// name is mentioned by another file of the project (code there could call what the object
/// is passed to).
#[derive(Clone, Copy)]
pub struct Flow<'m, 'a> {
    pub semantic: &'m Semantic,
    pub parents: &'m Parents<'a>,
    pub elsewhere: &'m dyn OtherFiles,
}

/// The other files of the project, as far as following an object needs them.
pub trait OtherFiles: Sync {
    /// Whether any of them mentions `name` (as a whole word).
    fn mention(&self, name: &str) -> bool;

    /// The parameter of another module's function that an argument passed to `callee` (its
    /// qualified name as imported here, `.helpers.notify` when relative) as `slot` reaches:
    /// `None` while the project plan has not looked (the question is remembered), or an
    /// error saying why it cannot be followed there.
    fn parameter(
        &self,
        _callee: &str,
        _slot: &PassedAs,
    ) -> Option<Result<&RemoteParameter, String>> {
        None
    }

    /// What the callers of `function` (a module-level function of this module) do with
    /// what it returns, wherever in the project they are: `None` while the plan has not
    /// looked (the question is remembered), or why they cannot be followed.
    fn callers(&self, _function: &str) -> Option<Result<&RemoteCallers, String>> {
        None
    }
}

/// A file judged alone: it is the whole project.
pub struct NoOtherFiles;

impl OtherFiles for NoOtherFiles {
    fn mention(&self, _name: &str) -> bool {
        false
    }
}

/// Follows the object assigned by `stmt` (an assignment whose value is the constructor call).
pub fn track<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let everything = TextRange::up_to(u32::MAX.into());
    match target {
        Expr::Name(name) => {
            let Some(stmt) = semantic.stmt_id(stmt_range) else {
                return Err("statement not found".into());
            };
            let scope = semantic.stmts[stmt].scope;
            let bindings = semantic.bindings_of(scope, name.id.as_str());
            let others = bindings
                .iter()
                .filter(|&&b| !matches!(semantic.bindings[b].kind, BindingKind::Other))
                .count();
            // The name must bind here (`global x` binds elsewhere: its uses are not these).
            if !bindings
                .iter()
                .any(|&b| semantic.bindings[b].start == name.range.start())
            {
                return Err(format!("`{}` is bound in another scope", name.id));
            }
            let mut family = None;
            if bindings.len() != 1 || others > 0 {
                // Every binding a new object made the same way (`gt = spawn(f)` twice in one
                // test): one family, whose members are rewritten together or not at all.
                // A list of them made again (`threads = [spawn(f, x) for x in xs]` for a
                // second batch) is one family too.
                let made: Vec<_> = bindings
                    .iter()
                    .map(|&b| {
                        let start = semantic.bindings[b].start;
                        parents
                            .assignments
                            .get(&start)
                            .and_then(|v| made_objects(v))
                    })
                    .collect();
                // The same constructor, alone or as lists, at every binding (this one too).
                type Made<'e> = Option<(ComparableExpr<'e>, bool, usize)>;
                fn kind<'m, 'e>(m: &'m Made<'e>) -> Option<(&'m ComparableExpr<'e>, bool)> {
                    m.as_ref().map(|(func, list, _)| (func, *list))
                }
                let first = made.first().and_then(kind);
                let same = first.is_some() && others == 0 && made.iter().all(|m| kind(m) == first);
                if !same {
                    return Err(format!("`{}` is assigned more than once", name.id));
                }
                family = Some(Family {
                    key: format!("{scope}:{}", name.id),
                    members: made.iter().flatten().map(|(_, _, n)| n).sum(),
                    name: name.id.to_string(),
                    tie: crate::fix::Tie::Bound,
                });
            }
            let uses = uses_of(semantic, parents, scope, name.id.as_str());
            let mut crossed = Vec::new();
            let uses = into_functions(flow, uses, 3, &mut crossed);
            let within = if semantic.scopes[scope].kind == ScopeKind::Module {
                everything
            } else {
                parents.innermost(stmt_range, false).unwrap_or(everything)
            };
            Ok(Tracked {
                uses,
                is_attribute: false,
                borrowed: false,
                made_elsewhere: false,
                within,
                crossed,
                family,
                in_place: false,
                made_at: Some(stmt_range),
            })
        }
        Expr::Attribute(attr) => {
            let Some(class) = parents.innermost(stmt_range, true) else {
                return Err("assigned to an attribute outside a class".into());
            };
            let key = (class, attr.attr.to_string());
            let Some(accesses) = parents.self_attrs.get(&key) else {
                return Err("assigned to an attribute of something other than `self`".into());
            };
            // The constructor this site stores: another method may store a new object made
            // the same way (`self._pool = GreenPool(n)` in `__init__` and in `reset`): one
            // family, rewritten together.
            let mine = accesses.iter().find_map(|(range, access)| match access {
                SelfAccess::Store(Expr::Call(call)) if range == &attr.range => Some(&call.func),
                _ => None,
            });
            let same_constructor = |value: &Expr| {
                matches!((value, mine), (Expr::Call(call), Some(func))
                    if ComparableExpr::from(&*call.func) == ComparableExpr::from(&**func))
            };
            let mut uses = Vec::new();
            for (range, access) in accesses {
                match access {
                    SelfAccess::Load => uses.push(Use {
                        range: *range,
                        parent: parents.parent(*range),
                    }),
                    SelfAccess::Store(_) if range == &attr.range => {}
                    SelfAccess::Store(Expr::NoneLiteral(_)) => {}
                    SelfAccess::Store(value) if same_constructor(value) => {}
                    SelfAccess::Store(_) | SelfAccess::Other => {
                        return Err(format!("`self.{}` is assigned more than once", attr.attr));
                    }
                }
            }
            Ok(Tracked {
                uses,
                is_attribute: true,
                borrowed: false,
                made_elsewhere: false,
                within: class,
                crossed: Vec::new(),
                family: None,
                in_place: false,
                made_at: Some(stmt_range),
            })
        }
        _ => Err("assigned to something other than a name or `self.<attr>`".into()),
    }
}

/// The object a call makes as an argument (`serve(eventlet.listen(addr))`), when it can be
/// followed into the function it is passed to: that parameter's uses, as for a name passed
/// there. `None` when it is not an argument, or goes where nothing follows it.
pub fn track_argument<'a>(
    flow: &Flow<'_, 'a>,
    argument: TextRange,
    stmt_range: TextRange,
) -> Option<Tracked<'a>> {
    flow.parents.arguments.get(&argument)?;
    let mut crossed = Vec::new();
    let passed = vec![Use {
        range: argument,
        parent: None,
    }];
    let uses = into_functions(flow, passed, 3, &mut crossed);
    if let [Use {
        parent: None,
        range,
    }] = uses[..]
    {
        if range == argument {
            return None;
        }
    }
    let everything = TextRange::up_to(u32::MAX.into());
    Some(Tracked {
        uses,
        crossed,
        made_at: Some(stmt_range),
        ..Tracked::unused(
            flow.parents
                .innermost(stmt_range, false)
                .unwrap_or(everything),
        )
    })
}

/// Every read of `name` bound in `scope`, with its parent context (`del name` escapes).
fn uses_of<'a>(
    semantic: &Semantic,
    parents: &Parents<'a>,
    scope: crate::syntax::semantic::ScopeId,
    name: &str,
) -> Vec<Use<'a>> {
    semantic
        .references_to(scope, name)
        .map(|r| Use {
            range: r.range,
            parent: if r.is_del {
                None
            } else {
                parents.parent(r.range)
            },
        })
        .collect()
}

/// Uses that pass the object to a function of the module (`worker(done)`, or through a call
/// that calls it: `eventlet.spawn_n(worker, done)`) become the uses of that function's
/// parameter, when the function is called nowhere else and does not rebind the parameter.
/// Other escaping uses stay escapes. `depth` bounds the chain of functions followed.
fn into_functions<'a>(
    flow: &Flow<'_, 'a>,
    uses: Vec<Use<'a>>,
    depth: usize,
    crossed: &mut Vec<String>,
) -> Vec<Use<'a>> {
    let mut out = Vec::with_capacity(uses.len());
    for u in uses {
        match (u.parent, depth > 0) {
            (None, true) => match parameter_uses(flow, u.range, crossed) {
                Some(inner) => out.extend(into_functions(flow, inner, depth - 1, crossed)),
                None => out.push(Use {
                    range: u.range,
                    parent: passed_elsewhere(flow, u.range),
                }),
            },
            _ => out.push(u),
        }
    }
    out
}

/// Where an argument goes: the call, the function that receives it (the callee, or the
/// function a spawn-like call calls), and its slot there.
fn passed_to<'a>(
    parents: &Parents<'a>,
    argument: TextRange,
) -> Option<(&'a ExprCall, &'a Expr, Slot<'a>)> {
    let (call, slot) = *parents.arguments.get(&argument)?;
    // A call that calls the function it is given passes it the arguments after it, and every
    // keyword (`spawn(f, x, done=ev)`).
    Some(match (parents.function_args.get(&call.range()), slot) {
        (Some(&f), Slot::Position(p)) if p > f => {
            (call, call.arguments.args.get(f)?, Slot::Position(p - f - 1))
        }
        (Some(_), Slot::Position(_)) => return None,
        (Some(&f), keyword) => (call, call.arguments.args.get(f)?, keyword),
        (None, slot) => (call, &*call.func, slot),
    })
}

/// The argument at `argument` as passed to a function imported from another module (not
/// eventlet's), or to a function of this module called from several places: the project
/// plan may follow it there, with every caller.
fn passed_elsewhere<'a>(flow: &Flow<'_, 'a>, argument: TextRange) -> Option<Parent<'a>> {
    let (call, function, slot) = passed_to(flow.parents, argument)?;
    let callee = passed_callee(flow.semantic, function)?;
    (!crate::syntax::imports::is_eventlet(&callee)).then_some(Parent::Passed {
        call,
        function,
        slot,
    })
}

/// What an assigned value makes: objects of the constructor it calls, alone (`spawn(f)`) or
/// as a list (`[spawn(f, x) for x in xs]`, `[spawn(f), spawn(g)]`), and how many of them
/// are written there. `None`: anything else.
fn made_objects(value: &Expr) -> Option<(ComparableExpr<'_>, bool, usize)> {
    fn func(e: &Expr) -> Option<ComparableExpr<'_>> {
        e.as_call_expr().map(|c| ComparableExpr::from(&*c.func))
    }
    match value {
        Expr::Call(call) => Some((ComparableExpr::from(&*call.func), false, 1)),
        Expr::ListComp(comp) => Some((func(&comp.elt)?, true, 1)),
        Expr::List(list) => {
            let first = func(list.elts.first()?)?;
            list.elts
                .iter()
                .all(|e| func(e).as_ref() == Some(&first))
                .then_some((first, true, list.elts.len()))
        }
        _ => None,
    }
}
