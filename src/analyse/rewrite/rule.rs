//! Which of a recipe's rules applies to a call: its `when` conditions (arguments given,
//! their text, the result used or discarded, the object an argument is made by).

use crate::analyse::sites::{Site, SiteNode};
use crate::fix::Request;
use crate::recipe::CompiledRule;
use crate::recipe::ResultUse;
use crate::recipe::SiteKind;
use crate::recipe::When;
use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_text_size::Ranged;
use std::collections::BTreeSet;

use super::*;

/// The matched code as written (`eventlet.sleep`), for messages.
pub(super) fn display_name<'t>(text: &'t str, site: &Site<'_>) -> &'t str {
    let range = match site.node {
        SiteNode::Call { call, .. } => call.func.range(),
        _ => site.range,
    };
    &text[range]
}

pub(super) fn rule_requests(rule: &CompiledRule, site: &Site<'_>) -> Vec<Request> {
    rule.imports
        .iter()
        .map(|spec| Request {
            spec: spec.clone(),
            scope: site.scope,
            at: site.range.start(),
        })
        .collect()
}

pub(super) fn call_fits(when: &When, call: &ExprCall, discarded: bool) -> bool {
    let n = call.arguments.len();
    let starred = call
        .arguments
        .iter_source_order()
        .any(|a| a.is_variadic() || matches!(a, ArgOrKeyword::Arg(Expr::Starred(_))));
    when.args.is_none_or(|a| a == n)
        && when.min_args.is_none_or(|a| n >= a)
        && when.max_args.is_none_or(|a| n <= a)
        && when
            .result
            .is_none_or(|r| (r == ResultUse::Discarded) == discarded)
        && when
            .has_keywords
            .iter()
            .all(|k| call.arguments.find_keyword(k).is_some())
        && when.starred.is_none_or(|s| s == starred)
        && when
            .positional
            .is_none_or(|p| p == call.arguments.args.len())
        && when.allowed_keywords.as_ref().is_none_or(|allowed| {
            call.arguments.keywords.iter().all(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|a| allowed.iter().any(|x| x == a.as_str()))
            })
        })
}

pub(super) fn applies(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    site: &Site<'_>,
    facts: &BTreeSet<String>,
) -> bool {
    let when = &rule.when;
    if let (Some(arg_call), SiteNode::Call { call, .. }) = (&when.arg_call, site.node) {
        let inner = call
            .arguments
            .args
            .get(arg_call.index)
            .and_then(|a| a.as_call_expr());
        let name = inner
            .and_then(|c| {
                cx.semantic
                    .expr_qualified_name(&c.func)
                    .or_else(|| cx.semantic.builtin_name(&c.func))
            })
            .map(|q| (cx.canonical)(&q));
        if name.as_deref() != Some(arg_call.name.as_str()) {
            return false;
        }
    }
    if let (Some(made_by), SiteNode::Call { call, .. }) = (&when.arg_made_by, site.node) {
        if !argument_made_by(cx, call, made_by) {
            return false;
        }
    }
    if when.name.as_ref().is_some_and(|n| *n != site.name) {
        return false;
    }
    let uses_ok = (when.uses_any.is_empty() || when.uses_any.iter().any(|f| facts.contains(f)))
        && !when.uses_none.iter().any(|f| facts.contains(f));
    match (rule.on, site.node) {
        (
            SiteKind::Call,
            SiteNode::Call {
                call, discarded, ..
            },
        ) => {
            call_fits(when, call, discarded)
                && uses_ok
                && when
                    .arg
                    .as_ref()
                    .is_none_or(|a| arg_text_matches(cx, a, call))
        }
        (SiteKind::Reference, SiteNode::Reference { .. }) => true,
        (SiteKind::Module, SiteNode::Reference { expr }) => matches!(expr, Expr::Attribute(_)),
        (SiteKind::Module, SiteNode::Import { .. }) => true,
        _ => false,
    }
}

/// Whether the positional argument `made_by.index` is a name whose one binding in its scope
/// assigns it a call of `made_by.name`.
pub(super) fn argument_made_by(
    cx: &RewriteContext<'_, '_>,
    call: &ExprCall,
    made_by: &crate::recipe::model::ArgCall,
) -> bool {
    let Some(Expr::Name(name)) = call.arguments.args.get(made_by.index) else {
        return false;
    };
    let Some(scope) = cx
        .semantic
        .reference_at(name.range.start())
        .and_then(|r| r.resolved)
    else {
        return false;
    };
    let [binding] = cx.semantic.bindings_of(scope, name.id.as_str()) else {
        return false;
    };
    let start = cx.semantic.bindings[*binding].start;
    let Some(Expr::Call(value)) = cx.parents.get().assignment_value(start) else {
        return false;
    };
    cx.semantic
        .expr_qualified_name(&value.func)
        .is_some_and(|q| (cx.canonical)(&q) == made_by.name)
}

/// The argument `arg` names in `call`: by position, else by keyword.
pub(super) fn selected_argument<'c>(
    arg: &crate::recipe::ArgText,
    call: &'c ExprCall,
) -> Option<&'c Expr> {
    arg.index
        .and_then(|i| call.arguments.args.get(i))
        .or_else(|| {
            arg.keyword
                .as_ref()
                .and_then(|k| call.arguments.find_keyword(k))
                .map(|k| &k.value)
        })
}

pub(super) fn arg_text_matches(
    cx: &RewriteContext<'_, '_>,
    arg: &crate::recipe::ArgText,
    call: &ExprCall,
) -> bool {
    selected_argument(arg, call).is_some_and(|v| {
        let int = int_literal(v);
        source_text(v).is_some_and(|text| arg.text.contains(&text))
            || (arg.positive_int && int.is_some_and(|i| i > 0))
            || (arg.non_positive_int && int.is_some_and(|i| i <= 0))
            || (arg.ignores_first_parameter && ignores_first_parameter(cx, v))
    })
}

/// The `def` of this module that `name` denotes, where the name is bound once, by it.
pub(super) fn def_named<'p>(
    cx: &RewriteContext<'_, 'p>,
    name: &ruff_python_ast::ExprName,
) -> Option<&'p ruff_python_ast::StmtFunctionDef> {
    let scope = cx.semantic.reference_at(name.range.start())?.resolved?;
    let [binding] = cx.semantic.bindings_of(scope, name.id.as_str()) else {
        return None;
    };
    let start = cx.semantic.bindings[*binding].start;
    cx.parents.get().function_def_starting(start)
}

/// Whether `function` is a lambda, or names an undecorated `def` of this module bound once,
/// whose first positional parameter its body never names.
fn ignores_first_parameter(cx: &RewriteContext<'_, '_>, function: &Expr) -> bool {
    let none = std::collections::BTreeMap::new();
    matches!(
        super::callback::first_parameter_uses(cx, function, &none),
        Some(Ok(_))
    )
}

/// The value of an integer literal (`3`, `-1`) that fits an `i128`.
pub(super) fn int_literal(expr: &Expr) -> Option<i128> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ruff_python_ast::Number::Int(i) => i.as_u64().map(i128::from),
            _ => None,
        },
        Expr::UnaryOp(u) if u.op == ruff_python_ast::UnaryOp::USub => {
            int_literal(&u.operand).map(|i| -i)
        }
        _ => None,
    }
}

/// The source text of an expression, for `when.arg` checks.
pub(super) fn source_text(expr: &Expr) -> Option<String> {
    // Literal values are compared by their canonical spelling.
    Some(match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ruff_python_ast::Number::Int(i) => i.to_string(),
            ruff_python_ast::Number::Float(f) => f.to_string(),
            ruff_python_ast::Number::Complex { .. } => return None,
        },
        Expr::NoneLiteral(_) => "None".to_string(),
        Expr::StringLiteral(s) => format!("'{}'", s.value.to_str()),
        Expr::BooleanLiteral(b) => if b.value { "True" } else { "False" }.to_string(),
        Expr::UnaryOp(u) if u.op == ruff_python_ast::UnaryOp::USub => {
            format!("-{}", source_text(&u.operand)?)
        }
        _ => return None,
    })
}
