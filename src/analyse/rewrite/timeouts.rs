//! A blocking method call that `with eventlet.Timeout(t):` bounds on its own: the new call
//! takes the timeout itself (its method rule's `bounded`), and the code around it keeps the
//! behaviour it relied on. Silent (`Timeout(t, False)`): a call that raises on expiry is
//! wrapped in `contextlib.suppress(...)`, one that returns a false value just returns it.
//! Raising, inside `try:` whose first handler is `except eventlet.Timeout:`: the handler
//! catches what the call raises (`queue.Empty`), or the false value raises `TimeoutError`.
//! Any other shape keeps the `with`, reported as before.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtTry, StmtWith};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::Request;
use crate::recipe::{Bounding, CompiledMethod, Expiry};
use crate::syntax::imports::ImportSpec;
use crate::syntax::source::{indentation_at, line_ending, starts_line};

use super::*;

/// The canonical name of the timeout a `with` bounds calls by.
const TIMEOUT: &str = "eventlet.timeout.Timeout";

/// Takes over the `with eventlet.Timeout(...)` around `call` alone, when `method` says how
/// the new call is bounded: its edits join `draft`, and the timeout's sites are taken
/// ([`Draft::takes`]). Any other shape leaves the draft as it was.
pub(super) fn bound(
    cx: &RewriteContext<'_, '_>,
    method: &CompiledMethod,
    call: &ExprCall,
    draft: &mut Draft,
) {
    let Some(bounding) = &method.bounded else {
        return;
    };
    let path = statements_to(cx.parents.body(), call.range());
    let Some(shape) = Shape::of(cx, &path, call) else {
        return;
    };
    if !fits(bounding, call) {
        return;
    }
    let Some(edits) = shape.edits(cx, bounding, call) else {
        return;
    };
    draft.edits.extend(edits);
    if shape.handler.is_none() && matches!(bounding.expiry, Expiry::Raises(_)) {
        if let Ok(spec) = ImportSpec::parse("import contextlib") {
            let scope = cx
                .semantic
                .innermost_stmt(shape.with.range())
                .map(|s| cx.semantic.stmts[s].scope);
            if let Some(scope) = scope {
                draft.requests.push(Request {
                    spec,
                    scope,
                    at: shape.with.start(),
                });
            }
        }
    }
    draft.takes.push(shape.timeout.range());
    draft.takes.extend(shape.handler.map(Expr::range));
    draft.safety = draft.safety.max(crate::fix::Safety::Review);
    let seconds = &cx.text[shape.seconds.range()];
    add_note(
        draft,
        &format!(
            "`{}` became the call's own `{}={seconds}`{}",
            &cx.text[shape.timeout.range()],
            bounding.keyword,
            match (&bounding.expiry, shape.handler.is_some()) {
                (Expiry::Raises(e), true) => format!(", and its handler catches `{e}`"),
                (Expiry::Raises(e), false) => format!(", `{e}` suppressed as the timeout was"),
                (Expiry::ReturnsFalse, true) => {
                    ", whose false result raises `TimeoutError` for its handler".to_string()
                }
                (Expiry::ReturnsFalse, false) => String::new(),
            }
        ),
    );
}

/// Whether the call as written can take the timeout: the arguments the rule expects, none
/// unpacked, and not already the keyword.
fn fits(bounding: &Bounding, call: &ExprCall) -> bool {
    let arguments = &call.arguments;
    arguments.len() == bounding.args
        && !arguments.args.iter().any(Expr::is_starred_expr)
        && arguments.keywords.iter().all(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| a.as_str() != bounding.keyword)
        })
}

/// The `with` around the call, and the `try` handler that catches its timeout.
struct Shape<'a> {
    with: &'a StmtWith,
    /// The statement the call is the value of, first in the `with`.
    statement: &'a Stmt,
    /// The statements after it in the `with`, which never yield (where a timeout can fire):
    /// they run after the call as they did, out of the `with`.
    rest: &'a [Stmt],
    timeout: &'a ExprCall,
    seconds: &'a Expr,
    /// The timeout the first handler of the `try` around the `with` alone names.
    handler: Option<&'a Expr>,
}

impl<'a> Shape<'a> {
    fn of(cx: &RewriteContext<'_, '_>, path: &[&'a Stmt], call: &ExprCall) -> Option<Shape<'a>> {
        let [.., outer, with, statement] = path else {
            return None;
        };
        let value = match statement {
            Stmt::Expr(s) => &s.value,
            Stmt::Assign(s) => &s.value,
            Stmt::Return(s) => s.value.as_ref()?,
            _ => return None,
        };
        if value.range() != call.range() {
            return None;
        }
        let Stmt::With(with) = with else { return None };
        let [item] = with.items.as_slice() else {
            return None;
        };
        if with.is_async
            || with.body.first().map(Ranged::range) != Some(statement.range())
            || item.optional_vars.is_some()
        {
            return None;
        }
        let rest = &with.body[1..];
        if !rest.iter().all(|s| never_yields(cx, s)) {
            return None;
        }
        let Expr::Call(timeout) = &item.context_expr else {
            return None;
        };
        if !is_timeout(cx, &timeout.func) || !timeout.arguments.keywords.is_empty() {
            return None;
        }
        let (seconds, silent) = match timeout.arguments.args.as_ref() {
            [seconds] => (seconds, false),
            [seconds, Expr::BooleanLiteral(b)] if !b.value => (seconds, true),
            _ => return None,
        };
        if seconds.is_starred_expr() {
            return None;
        }
        let handler = if silent {
            None
        } else {
            Some(handler_of(cx, outer, with)?)
        };
        Some(Shape {
            with,
            statement,
            rest,
            timeout,
            seconds,
            handler,
        })
    }

    /// The edits: the call's new argument, the `with` and the handler rewritten.
    fn edits(
        &self,
        cx: &RewriteContext<'_, '_>,
        bounding: &Bounding,
        call: &ExprCall,
    ) -> Option<Vec<Edit>> {
        let text = cx.text;
        let seconds = &text[self.seconds.range()];
        let argument = match call.arguments.iter_source_order().last() {
            Some(last) => Edit::insert(last.end(), format!(", {}={seconds}", bounding.keyword)),
            None => Edit::insert(
                call.arguments.start() + ruff_text_size::TextSize::from(1),
                format!("{}={seconds}", bounding.keyword),
            ),
        };
        let mut edits = vec![argument];
        // The header `with ...:` up to the statement; dropping it dedents the statement,
        // which must then be one line (its continuation lines would keep their indent).
        let header = TextRange::new(self.with.start(), self.statement.start());
        // On a line of its own too: the new `raise` is indented as the statement was.
        let one_line = !text[header].contains('#')
            && !text[self.statement.range()].contains('\n')
            && starts_line(text, self.statement.start());
        let discarded = matches!(self.statement, Stmt::Expr(_));
        // The statements after it leave the `with` with it: one line each, no comment
        // among them (it would keep the deeper indent).
        let dedent = self.dedent(cx);
        let movable = dedent.is_some();
        match (&bounding.expiry, self.handler) {
            (Expiry::Raises(exception), None) => edits.push(Edit::replace(
                self.timeout.range(),
                format!("contextlib.suppress({exception})"),
            )),
            // A silent timeout skipped what follows the call; a false result does not.
            (Expiry::ReturnsFalse, None) if one_line && discarded && self.rest.is_empty() => {
                edits.push(Edit::delete(header));
            }
            (Expiry::Raises(exception), Some(named)) if one_line && movable => {
                edits.push(Edit::delete(header));
                edits.extend(dedent.into_iter().flatten());
                edits.push(Edit::replace(named.range(), exception.clone()));
            }
            (Expiry::ReturnsFalse, Some(named)) if one_line && discarded && movable => {
                let indent = indentation_at(text, self.statement.start());
                edits.extend(dedent.into_iter().flatten());
                edits.push(Edit::replace(header, "if not "));
                edits.push(Edit::insert(
                    self.statement.end(),
                    format!(":{}{indent}raise TimeoutError", line_ending(text)),
                ));
                edits.push(Edit::replace(named.range(), "TimeoutError"));
            }
            _ => return None,
        }
        Some(edits)
    }
}

impl Shape<'_> {
    /// The edits that take the statements after the call out of the `with` (the
    /// indentation the `with` adds, deleted on each of their lines), or `None` where one
    /// spans lines or a comment is among them.
    fn dedent(&self, cx: &RewriteContext<'_, '_>) -> Option<Vec<Edit>> {
        let (Some(first), Some(last)) = (self.rest.first(), self.rest.last()) else {
            return Some(Vec::new());
        };
        let text = cx.text;
        let span = TextRange::new(self.statement.end(), last.end());
        if !cx.comments.within(span).is_empty() {
            return None;
        }
        let outer = indentation_at(text, self.with.start()).len();
        let inner = indentation_at(text, first.start()).len();
        let added = inner.checked_sub(outer).filter(|n| *n > 0)?;
        self.rest
            .iter()
            .map(|s| {
                let one_line = !text[s.range()].contains('\n') && starts_line(text, s.start());
                let start = text.line_start(s.start()) + TextSize::try_from(outer).ok()?;
                let width = TextSize::try_from(added).ok()?;
                (one_line && indentation_at(text, s.start()).len() == inner)
                    .then(|| Edit::delete(TextRange::at(start, width)))
            })
            .collect()
    }
}

/// Builtins that never yield to the hub: a statement calling nothing else runs the same
/// inside a timeout or after it.
const NEVER_YIELD: &[&str] = &[
    "print",
    "len",
    "str",
    "repr",
    "int",
    "float",
    "bool",
    "list",
    "dict",
    "set",
    "tuple",
    "sorted",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "isinstance",
    "format",
    "enumerate",
    "zip",
    "range",
];

/// Whether `stmt` can run out of a timeout's reach unchanged: a simple statement whose
/// calls are all of [`NEVER_YIELD`].
fn never_yields(cx: &RewriteContext<'_, '_>, stmt: &Stmt) -> bool {
    struct Calls<'c, 'a, 'p> {
        cx: &'c RewriteContext<'a, 'p>,
        other: bool,
    }
    impl<'v> Visitor<'v> for Calls<'_, '_, '_> {
        fn visit_expr(&mut self, expr: &'v Expr) {
            match expr {
                Expr::Call(call) => {
                    let builtin = self.cx.semantic.builtin_name(&call.func);
                    let known = builtin
                        .as_deref()
                        .and_then(|b| b.strip_prefix("builtins."))
                        .is_some_and(|b| NEVER_YIELD.contains(&b));
                    self.other |= !known;
                    visitor::walk_expr(self, expr);
                }
                Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Lambda(_) => {
                    self.other = true;
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    if !matches!(
        stmt,
        Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AugAssign(_) | Stmt::AnnAssign(_) | Stmt::Pass(_)
    ) {
        return false;
    }
    let mut calls = Calls { cx, other: false };
    calls.visit_stmt(stmt);
    !calls.other
}

/// The timeout the first handler of the `try` that is `outer` names (alone or in a tuple),
/// when the `with` is all its body and the handler does not bind it.
fn handler_of<'a>(
    cx: &RewriteContext<'_, '_>,
    outer: &'a Stmt,
    with: &StmtWith,
) -> Option<&'a Expr> {
    let Stmt::Try(StmtTry {
        body,
        handlers,
        is_star: false,
        ..
    }) = outer
    else {
        return None;
    };
    if body.len() != 1 || body[0].range() != with.range() {
        return None;
    }
    let ruff_python_ast::ExceptHandler::ExceptHandler(first) = handlers.first()?;
    if first.name.is_some() {
        return None;
    }
    let caught = first.type_.as_deref()?;
    let named = match caught {
        Expr::Tuple(tuple) => tuple.elts.iter().find(|e| is_timeout(cx, e))?,
        other if is_timeout(cx, other) => other,
        _ => return None,
    };
    Some(named)
}

/// Whether `expr` names eventlet's `Timeout`.
fn is_timeout(cx: &RewriteContext<'_, '_>, expr: &Expr) -> bool {
    cx.semantic
        .expr_qualified_name(expr)
        .is_some_and(|q| (cx.canonical)(&q) == TIMEOUT)
}

/// The statements from the module's body down to the innermost one holding `range`.
pub(super) fn statements_to(body: &[Stmt], range: TextRange) -> Vec<&Stmt> {
    struct Path<'a> {
        range: TextRange,
        found: Vec<&'a Stmt>,
    }
    impl<'a> Visitor<'a> for Path<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if stmt.range().contains_range(self.range) {
                self.found.push(stmt);
                visitor::walk_stmt(self, stmt);
            }
        }
        // Statements only: expressions hold none (lambdas have no statements).
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut path = Path {
        range,
        found: Vec::new(),
    };
    path.visit_body(body);
    path.found
}
