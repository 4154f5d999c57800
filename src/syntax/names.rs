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

/// Where `text` holds `name` as a whole word (not inside a longer identifier).
pub(crate) fn word_matches<'t>(text: &'t [u8], name: &'t str) -> impl Iterator<Item = usize> + 't {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(text, name.as_bytes()).filter(move |&at| {
        let end = at + name.len();
        (at == 0 || !word(text[at - 1])) && text.get(end).is_none_or(|&b| !word(b))
    })
}

/// Whether `text` holds `name` as a whole word.
pub(crate) fn mentions_word(text: &str, name: &str) -> bool {
    word_matches(text.as_bytes(), name).next().is_some()
}

/// A function's positional parameters, positional-only ones first.
pub(crate) fn positional(
    parameters: &ruff_python_ast::Parameters,
) -> impl Iterator<Item = &ruff_python_ast::ParameterWithDefault> {
    parameters.posonlyargs.iter().chain(&parameters.args)
}
