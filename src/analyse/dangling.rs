//! Locals left dangling by removed statements: a function's variable whose every read was
//! in a statement a rewrite removes (pyflakes would report it as assigned but never used).

use std::collections::BTreeSet;

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use crate::analyse::objects::LazyParents;
use crate::syntax::semantic::{ScopeKind, Semantic, StmtId};

/// A local whose readers are all removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dangling {
    pub name: String,
    /// A removed statement that read it.
    pub reader: StmtId,
    /// Its one assignment (`x = value`).
    pub assignment: StmtId,
    /// Where `x = ` ends: what is left of the assignment when only its value's evaluation
    /// is kept.
    pub value_start: ruff_text_size::TextSize,
    /// Evaluating the value does nothing but produce it (`x = a.b`, `x = 3`): the
    /// assignment can go too. Otherwise (a call) only the binding can.
    pub inert: bool,
}

/// The function locals read only in `removed` statements, each bound by one assignment.
pub fn dangling_locals(
    semantic: &Semantic,
    parents: &LazyParents<'_>,
    removed: &BTreeSet<StmtId>,
) -> Vec<Dangling> {
    if removed.is_empty() {
        return Vec::new();
    }
    let ranges: Vec<(StmtId, TextRange)> = removed
        .iter()
        .map(|&s| (s, semantic.stmts[s].range))
        .collect();
    let reader = |range: TextRange| {
        ranges
            .iter()
            .find(|(_, r)| r.contains_range(range))
            .map(|(s, _)| *s)
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for reference in &semantic.references {
        let (Some(scope), Some(stmt)) = (reference.resolved, reader(reference.range)) else {
            continue;
        };
        if semantic.scopes[scope].kind != ScopeKind::Function
            || !seen.insert((scope, reference.name.clone()))
        {
            continue;
        }
        let [binding] = semantic.bindings_of(scope, &reference.name) else {
            continue;
        };
        if semantic
            .references_to(scope, &reference.name)
            .any(|r| reader(r.range).is_none())
        {
            continue;
        }
        let start = semantic.bindings[*binding].start;
        // Only a plain `name = value` (not a parameter, loop target, `with` or import).
        let Some(value) = parents.get().assignment_value(start) else {
            continue;
        };
        let Some(assignment) = semantic.innermost_stmt(TextRange::empty(start)) else {
            continue;
        };
        out.push(Dangling {
            name: reference.name.to_string(),
            reader: stmt,
            assignment,
            value_start: value.range().start(),
            inert: inert(value),
        });
    }
    out
}

/// Evaluating it does nothing but produce a value: a literal, a name, an attribute of one.
fn inert(value: &Expr) -> bool {
    match value {
        Expr::Name(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::Attribute(attr) => inert(&attr.value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dangling(source: &str, removed_line: usize) -> Vec<(String, bool)> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        let semantic = Semantic::build(parsed.syntax());
        let parents = LazyParents::new(
            &parsed.syntax().body,
            Box::new(|_: &ruff_python_ast::ExprCall| None),
        );
        let start: usize = source
            .split_inclusive('\n')
            .take(removed_line - 1)
            .map(str::len)
            .sum();
        let removed: BTreeSet<StmtId> = semantic
            .stmts
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                usize::from(s.range.start())
                    == start + source[start..].len() - source[start..].trim_start().len()
            })
            .map(|(id, _)| id)
            .collect();
        dangling_locals(&semantic, &parents, &removed)
            .into_iter()
            .map(|d| (d.name, d.inert))
            .collect()
    }

    #[test]
    fn a_local_read_only_by_a_removed_statement_is_dangling() {
        let src = "def f(conf):\n    state = conf.debug\n    value = compute(conf)\n    hub(state, value)\n    return 1\n";
        // The attribute read goes with it; the call may do something else: reported.
        assert_eq!(
            dangling(src, 4),
            vec![("state".to_string(), true), ("value".to_string(), false)]
        );
    }

    #[test]
    fn a_local_read_elsewhere_too_or_a_parameter_is_not() {
        let src = "def f(conf):\n    state = conf.debug\n    hub(state, conf)\n    return state\n";
        assert_eq!(dangling(src, 3), vec![]);
    }
}
