//! Name and text helpers every phase uses for messages and matching.

/// The last name of a callee (`spawn` in `eventlet.spawn`, `f` in `f`).
pub(crate) fn last_name(func: &ruff_python_ast::Expr) -> Option<&str> {
    match func {
        ruff_python_ast::Expr::Name(name) => Some(name.id.as_str()),
        ruff_python_ast::Expr::Attribute(attr) => Some(attr.attr.as_str()),
        _ => None,
    }
}

/// The first line of `code`, for messages.
pub(crate) fn first_line(code: &str) -> &str {
    code.lines().next().unwrap_or(code)
}
