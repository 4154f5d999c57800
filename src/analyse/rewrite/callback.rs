//! A callback given the object a rewrite changes (`gt.link(report)`, `report(gt)` reading
//! `gt.wait()`): adapted to the new object where it only calls the methods the rule
//! renames on it (`future.result()`), in a lambda or a `def` of the module named nowhere
//! else (another caller would still pass it the old object).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Parameters};
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use super::*;
use crate::recipe::model::Callback;
use crate::syntax::names::word_matches;

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
    let renames = match function {
        Expr::Lambda(lambda) => {
            let parameters = lambda
                .parameters
                .as_deref()
                .ok_or(": the lambda takes nothing")?;
            let mut uses = Uses::of(callback, parameters)?;
            uses.visit_expr(&lambda.body);
            uses.renames()
        }
        Expr::Name(name) => {
            let def = def_named(cx, name)
                .filter(|d| d.decorator_list.is_empty())
                .ok_or_else(|| {
                    format!(": `{shown}` is not an undecorated function of this module")
                })?;
            named_only_here(cx, def.name.as_str())
                .then_some(())
                .ok_or_else(|| {
                    format!(": `{shown}` is named elsewhere, where it may get another object")
                })?;
            let mut uses = Uses::of(callback, &def.parameters)?;
            uses.visit_body(&def.body);
            uses.renames()
        }
        _ => {
            return Err(format!(
                ": `{shown}` is not a lambda or a function of this module"
            ))
        }
    }
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

/// Whether the function `name` is named twice in the module (its `def` and the one
/// argument), comments aside, and in no other module.
fn named_only_here(cx: &RewriteContext<'_, '_>, name: &str) -> bool {
    let everywhere = TextRange::up_to(cx.text.text_len());
    let comments = cx.comments.within(everywhere);
    let in_comment = |at: usize| {
        let at = TextSize::try_from(at).unwrap_or_default();
        comments.iter().any(|c| c.contains(at))
    };
    let mentions = word_matches(cx.text.as_bytes(), name)
        .filter(|&at| !in_comment(at))
        .count();
    mentions == 2 && !cx.elsewhere.mention(name)
}

/// The uses of a callback's first parameter: each a call of a renamed method without
/// arguments, or the first other use.
struct Uses<'c> {
    callback: &'c Callback,
    parameter: String,
    renames: Vec<Edit>,
    other: Option<TextRange>,
}

impl<'c> Uses<'c> {
    fn of(callback: &'c Callback, parameters: &Parameters) -> Result<Uses<'c>, String> {
        let first = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .next()
            .ok_or(": the callback takes no positional parameter")?;
        Ok(Uses {
            callback,
            parameter: first.parameter.name.to_string(),
            renames: Vec::new(),
            other: None,
        })
    }

    fn renames(self) -> Result<Vec<Edit>, TextRange> {
        match self.other {
            Some(at) => Err(at),
            None => Ok(self.renames),
        }
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
                        self.callback
                            .methods
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
