//! A callback given the object a rewrite changes (`gt.link(report)`, `report(gt)` reading
//! `gt.wait()`): adapted to the new object where it only calls the methods the rule
//! renames on it (`future.result()`), in a lambda or a `def` of the module named nowhere
//! else (another caller would still pass it the old object).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Parameters};
use ruff_text_size::{Ranged, TextRange};
use std::collections::BTreeMap;

use super::*;
use crate::recipe::model::Callback;
use crate::syntax::names::positional;

/// The edits that adapt the callback `call` is given, joined to `draft`; or why it cannot be
/// adapted (completing a sentence about the call: `: why`).
pub(super) fn adapt(
    cx: &RewriteContext<'_, '_>,
    callback: &Callback,
    call: &ExprCall,
    draft: &mut Draft,
) -> Result<(), String> {
    let function = call
        .arguments
        .args
        .get(callback.argument)
        .ok_or(": it is given no callback")?;
    let shown = &cx.text[function.range()];
    match function {
        Expr::Lambda(lambda) if lambda.parameters.is_none() => {
            return Err(": the lambda takes nothing".to_string())
        }
        Expr::Lambda(_) => {}
        Expr::Name(name) => {
            let def = def_named(cx, name)
                .filter(|d| d.decorator_list.is_empty())
                .ok_or_else(|| {
                    format!(": `{shown}` is not an undecorated function of this module")
                })?;
            let name = def.name.as_str();
            if code_mentions(cx, name) != 2 || cx.elsewhere.mention(name) {
                return Err(format!(
                    ": `{shown}` is named elsewhere, where it may get another object"
                ));
            }
        }
        _ => {
            return Err(format!(
                ": `{shown}` is not a lambda or a function of this module"
            ))
        }
    }
    let renames = first_parameter_uses(cx, function, &callback.methods)
        .ok_or(": the callback takes no positional parameter")?
        .map_err(|at| {
            format!(
                ": the callback reads what it is given other than by calling {} on it, at `{}`",
                callback
                    .methods
                    .keys()
                    .map(|m| format!("`{m}()`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                &cx.text[at]
            )
        })?;
    draft.edits.extend(renames);
    Ok(())
}

/// What a callback (a lambda, or an undecorated `def` of this module the name is bound to
/// once) does with its first positional parameter: only calls of `methods` without
/// arguments, each renamed (the edits), or the first other use. `None`: it is no such
/// function, or takes no positional parameter.
pub(super) fn first_parameter_uses(
    cx: &RewriteContext<'_, '_>,
    function: &Expr,
    methods: &BTreeMap<String, String>,
) -> Option<Result<Vec<Edit>, TextRange>> {
    let mut uses = match function {
        Expr::Lambda(lambda) => {
            let mut uses = Uses::of(methods, lambda.parameters.as_deref()?)?;
            uses.visit_expr(&lambda.body);
            uses
        }
        Expr::Name(name) => {
            let def = def_named(cx, name).filter(|d| d.decorator_list.is_empty())?;
            let mut uses = Uses::of(methods, &def.parameters)?;
            uses.visit_body(&def.body);
            uses
        }
        _ => return None,
    };
    Some(match uses.other.take() {
        Some(at) => Err(at),
        None => Ok(uses.renames),
    })
}

/// The uses of a callback's first parameter: each a call of a renamed method without
/// arguments, or the first other use.
struct Uses<'m> {
    methods: &'m BTreeMap<String, String>,
    parameter: String,
    renames: Vec<Edit>,
    other: Option<TextRange>,
}

impl<'m> Uses<'m> {
    fn of(methods: &'m BTreeMap<String, String>, parameters: &Parameters) -> Option<Uses<'m>> {
        Some(Uses {
            methods,
            parameter: positional(parameters).next()?.parameter.name.to_string(),
            renames: Vec::new(),
            other: None,
        })
    }
}

impl Visitor<'_> for Uses<'_> {
    fn visit_expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Call(call) if call.arguments.is_empty() => {
                let renamed = match &*call.func {
                    Expr::Attribute(attr)
                        if attr
                            .value
                            .as_name_expr()
                            .is_some_and(|n| n.id.as_str() == self.parameter) =>
                    {
                        self.methods
                            .get(attr.attr.as_str())
                            .map(|new| Edit::replace(attr.attr.range, new.clone()))
                    }
                    _ => None,
                };
                match renamed {
                    Some(edit) => self.renames.push(edit),
                    None => visitor::walk_expr(self, expr),
                }
            }
            Expr::Name(name) if name.id.as_str() == self.parameter => {
                self.other.get_or_insert(name.range);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
