//! Objects across functions and modules: the parameter an object passed to a function
//! reaches, what a function returns, and the calls of a function and what they do with it.

use crate::fix::PassedAs;
use crate::syntax::semantic::{BindingKind, ScopeKind, Semantic};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::*;

/// How the project plan names the function `function` denotes: its qualified name when
/// imported (`pkg.helpers.notify`, `.helpers.notify`), its bare name for a module-level
/// name of this module bound once (`notify`: no dot).
pub fn passed_callee(semantic: &Semantic, function: &Expr) -> Option<String> {
    if let Expr::Name(name) = function {
        let reference = semantic.reference_at(name.range.start())?;
        let module = crate::syntax::semantic::MODULE_SCOPE;
        if reference.resolved == Some(module) {
            return match semantic.bindings_of(module, name.id.as_str()) {
                [binding] if matches!(semantic.bindings[*binding].kind, BindingKind::Other) => {
                    Some(name.id.to_string())
                }
                _ => imported_callee(semantic, function),
            };
        }
    }
    imported_callee(semantic, function)
}

/// The qualified name of `function` when it is a name imported here, or an attribute of
/// one (`helpers.notify` after `from pkg import helpers`).
pub fn imported_callee(semantic: &Semantic, function: &Expr) -> Option<String> {
    let mut base = function;
    while let Expr::Attribute(attr) = base {
        base = &attr.value;
    }
    let Expr::Name(name) = base else {
        return None;
    };
    let reference = semantic.reference_at(name.range.start())?;
    semantic.unique_import(reference.resolved?, name.id.as_str())?;
    semantic.expr_qualified_name(function)
}

/// The uses of the parameter that the argument at `argument` is passed to, if it can be told.
pub(super) fn parameter_uses<'a>(
    flow: &Flow<'_, 'a>,
    argument: TextRange,
    crossed: &mut Vec<String>,
) -> Option<Vec<Use<'a>>> {
    let (call, function, slot) = passed_to(flow.parents, argument)?;
    let (def, receiver) = match function {
        Expr::Name(name) => (module_function(flow, name, crossed)?, 0),
        Expr::Attribute(attr) => (method(flow, call, attr, crossed)?, 1),
        _ => return None,
    };
    parameter_in(flow, def, receiver, slot)
        .ok()
        .map(|(_, uses)| uses)
}

/// The uses of the parameter of `def` that an argument passed as `slot` reaches (`receiver`:
/// how many leading parameters the call does not fill, `self`), or why it cannot be told:
/// a slot into `*args`/`**kwargs`, a parameter bound again in the function.
pub fn parameter_in<'a>(
    flow: &Flow<'_, 'a>,
    def: &'a ruff_python_ast::StmtFunctionDef,
    receiver: usize,
    slot: Slot<'_>,
) -> Result<(&'a ruff_python_ast::ParameterWithDefault, Vec<Use<'a>>), Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let parameters = &def.parameters;
    let parameter = match slot {
        Slot::Position(index) => {
            if !parameters.kwonlyargs.is_empty()
                || parameters.vararg.is_some()
                || parameters.kwarg.is_some()
            {
                return Err(
                    "it goes to a function with `*args`, `**kwargs` or keyword-only parameters"
                        .into(),
                );
            }
            crate::syntax::names::positional(parameters).nth(index + receiver)
        }
        // By name: an ordinary or keyword-only parameter (not positional-only, nor `self`).
        Slot::Keyword(keyword) => parameters
            .args
            .iter()
            .skip(receiver)
            .chain(&parameters.kwonlyargs)
            .find(|p| p.parameter.name.as_str() == keyword),
    }
    .ok_or("no parameter of the function takes it")?;
    let param = parameter.parameter.name.as_str();
    // The function's scope: where the parameter is bound.
    let function_scope = semantic
        .bindings
        .iter()
        .find(|b| b.name == param && b.start == parameter.parameter.name.range.start())
        .ok_or("the parameter is not bound")?
        .scope;
    if semantic.bindings_of(function_scope, param).len() != 1 {
        return Err(format!("`{param}` is bound again in `{}`", def.name));
    }
    Ok((parameter, uses_of(semantic, parents, function_scope, param)))
}

/// The plain module-level `def` of `function`, the only binding of its name.
pub fn module_def<'a>(
    flow: &Flow<'_, 'a>,
    function: &str,
) -> Result<&'a ruff_python_ast::StmtFunctionDef, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let [binding] = semantic.bindings_of(crate::syntax::semantic::MODULE_SCOPE, function) else {
        return Err(format!("`{function}` is not bound once at module level"));
    };
    let def = parents
        .function_defs
        .iter()
        .copied()
        .find(|d| d.range.start() == semantic.bindings[*binding].start)
        .ok_or_else(|| format!("`{function}` is not a function definition"))?;
    if !def.decorator_list.is_empty() || def.is_async {
        return Err(format!("`{function}` is decorated or async"));
    }
    Ok(def)
}

/// How many times `name` appears in the module, as a name or an attribute.
pub fn mentions_of(semantic: &Semantic, parents: &Parents<'_>, name: &str) -> usize {
    semantic
        .references
        .iter()
        .filter(|r| r.name == name)
        .count()
        + parents.attribute_count(name)
}

/// How many `return` statements of the module-level `function` (not of functions nested
/// in it) return something other than `None`.
pub fn returned_values(flow: &Flow<'_, '_>, function: &str) -> Result<usize, Untrackable> {
    struct Returns(usize);
    impl<'b> Visitor<'b> for Returns {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Return(ret) => {
                    self.0 += usize::from(
                        ret.value
                            .as_deref()
                            .is_some_and(|v| !v.is_none_literal_expr()),
                    );
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let def = module_def(flow, function)?;
    let mut returns = Returns(0);
    returns.visit_body(&def.body);
    Ok(returns.0)
}

/// The calls in this module whose callee is `name` (its last name) and which `resolves`
/// says are calls of the function the plan follows (`resolves` gets the callee as
/// [`passed_callee`] names it).
pub fn calls_named<'a>(
    semantic: &Semantic,
    body: &'a [Stmt],
    name: &str,
    resolves: &dyn Fn(&str) -> bool,
) -> Vec<&'a ExprCall> {
    struct Calls<'a, 'n> {
        name: &'n str,
        found: Vec<&'a ExprCall>,
    }
    impl<'a> Visitor<'a> for Calls<'a, '_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let last = match &*call.func {
                    Expr::Name(n) => Some(n.id.as_str()),
                    Expr::Attribute(a) => Some(a.attr.as_str()),
                    _ => None,
                };
                if last == Some(self.name) {
                    self.found.push(call);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_body(body);
    calls
        .found
        .into_iter()
        .filter(|call| passed_callee(semantic, &call.func).is_some_and(|c| resolves(&c)))
        .collect()
}

/// Follows what a call returns when it is an object another module's (or this module's)
/// function makes: where the result is stored and every use of it. A result used as a
/// statement has no use; one the plan cannot follow says why.
pub fn track_result<'a>(flow: &Flow<'_, 'a>, call: &ExprCall) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let stmt = semantic
        .innermost_stmt(call.range())
        .map(|s| semantic.stmts[s].range)
        .ok_or("it is not in a statement")?;
    let mut tracked = match track_elements(flow, call, stmt) {
        Some(elements) => elements?,
        None => match (
            parents.assigned_to(call.range()),
            parents.parent(call.range()),
        ) {
            (Some(target), _) => track(flow, target, stmt)?,
            (None, Some(parent)) => Tracked::in_place(call.range(), parent, stmt),
            (None, None) if stmt == call.range() => Tracked::unused(stmt),
            (None, None) => return Err("its result is used directly, not stored".into()),
        },
    };
    // A new object each call (its maker keeps no other reference): its last use here is
    // its last; it is started where it is made.
    tracked.made_elsewhere = true;
    Ok(tracked)
}

/// The call whose range is `range` in `body`.
pub fn call_at(body: &[Stmt], range: TextRange) -> Option<&ExprCall> {
    struct At<'a> {
        range: TextRange,
        found: Option<&'a ExprCall>,
    }
    impl<'a> Visitor<'a> for At<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found.is_none() && stmt.range().contains_range(self.range) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Call(call) if call.range() == self.range => self.found = Some(call),
                _ if expr.range().contains_range(self.range) => visitor::walk_expr(self, expr),
                _ => {}
            }
        }
    }
    let mut at = At { range, found: None };
    at.visit_body(body);
    at.found
}

/// A parameter an object is passed to, followed in its function's module.
pub struct Parameter<'a> {
    pub name: String,
    pub range: TextRange,
    pub tracked: Tracked<'a>,
    /// How many times the function's name appears in its own module (as a name or an
    /// attribute): each must be a call that passes such an object.
    pub mentions: usize,
}

/// Follows an object passed, as `slot`, to the module-level function `function` of this
/// module (from another module, or from several places in this one): the parameter it
/// reaches and that parameter's uses. The function must be a plain `def`, the only binding
/// of its name; the parameter bound once, its default none or `None`. Whether every caller
/// passes such an object is the project plan's to check ([`Parameter::mentions`]).
pub fn track_parameter<'a>(
    flow: &Flow<'_, 'a>,
    function: &str,
    slot: &PassedAs,
) -> Result<Parameter<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let def = module_def(flow, function)?;
    let mentions = mentions_of(semantic, parents, function);
    let slot = match slot {
        PassedAs::Position(i) => Slot::Position(*i),
        PassedAs::Keyword(k) => Slot::Keyword(k.as_str()),
    };
    let (parameter, uses) = parameter_in(flow, def, 0, slot)?;
    if parameter
        .default
        .as_deref()
        .is_some_and(|d| !d.is_none_literal_expr())
    {
        return Err(format!(
            "`{}` has a default value other than `None`",
            parameter.parameter.name
        ));
    }
    let mut crossed = Vec::new();
    let uses = into_functions(flow, uses, 3, &mut crossed);
    Ok(Parameter {
        name: parameter.parameter.name.to_string(),
        range: parameter.parameter.name.range,
        tracked: Tracked {
            uses,
            is_attribute: false,
            borrowed: true,
            made_elsewhere: true,
            within: def.range,
            crossed,
            family: None,
            in_place: false,
            made_at: None,
        },
        mentions,
    })
}

/// The function `name` calls: the only binding of its name, a `def` of this module,
/// referenced once. A module-level one is recorded in `crossed` (other modules may call it).
pub(super) fn module_function<'a>(
    flow: &Flow<'_, 'a>,
    name: &ruff_python_ast::ExprName,
    crossed: &mut Vec<String>,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let reference = semantic.reference_at(name.range.start())?;
    let scope = reference.resolved?;
    let [binding] = semantic.bindings_of(scope, name.id.as_str()) else {
        return None;
    };
    let def = parents
        .function_defs
        .iter()
        .find(|d| d.range.start() == semantic.bindings[*binding].start)?;
    if semantic.references_to(scope, name.id.as_str()).count() != 1 {
        return None;
    }
    if semantic.scopes[scope].kind == ScopeKind::Module {
        crossed.push(name.id.to_string());
    }
    Some(def)
}

/// The method `self.<attr>(...)` calls: a plain `def` of the enclosing class, the only
/// definition of that name in the module, named nowhere else in the module nor in any other
/// file of the project (so no other caller, and no override, can hand it something else). A
/// public one is recorded in `crossed`: code outside the project could still call it.
pub(super) fn method<'a>(
    flow: &Flow<'_, 'a>,
    call: &ExprCall,
    attr: &ruff_python_ast::ExprAttribute,
    crossed: &mut Vec<String>,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let parents = flow.parents;
    if !matches!(&*attr.value, Expr::Name(base) if base.id.as_str() == "self") {
        return None;
    }
    let name = attr.attr.as_str();
    let class = parents.innermost(call.range(), true)?;
    let [def] = parents
        .function_defs
        .iter()
        .filter(|d| d.name.as_str() == name)
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let member = parents.innermost(def.range, true) == Some(class)
        && parents
            .innermost(def.range, false)
            .is_none_or(|f| !class.contains_range(f));
    if !member
        || !def.decorator_list.is_empty()
        || parents.attribute_names.get(name) != Some(&1)
        || flow.elsewhere.mention(name)
    {
        return None;
    }
    if !name.starts_with('_') {
        crossed.push(name.to_string());
    }
    Some(def)
}
