//! Replacement templates: Python text with holes for the user's own argument text.
//!
//! Syntax: `{args}` all arguments, `{arg0}` … the N-th positional argument, `{args[1:]}`
//! every argument after the first N positional ones, `{posargs[1:]}` only the positional
//! ones, `{kwargs}` keyword arguments, `{kw.NAME}` the value
//! of keyword `NAME`, `{receiver}` the object a method is called on. A `|tuple` or `|dict`
//! filter packs the selection as a tuple / dict display. `{[ … ]}` is an optional section,
//! left out when a hole inside it is absent or empty. `{{` and `}}` are literal braces.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Hole(Hole),
    Optional(Vec<Segment>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    pub value: HoleValue,
    pub filter: Option<Filter>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoleValue {
    Args,
    Arg(usize),
    /// `{arg0.arg0}`: a positional argument of the call that is a positional argument.
    NestedArg(usize, usize),
    /// Every argument (positional and keyword) after the first N positional ones.
    ArgsFrom(usize),
    /// Positional arguments after the first N.
    PosArgsFrom(usize),
    Kwargs,
    Kw(String),
    Receiver,
    /// What the call's result is assigned to (`append-statement`).
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Tuple,
    Dict,
    /// Parenthesised unless it is a name, attribute, call, subscript or literal, so it can
    /// be called or have an attribute taken (`{arg0|atom}(…)`).
    Atom,
    /// The elements of a tuple display, as separate arguments (`(host, port)` → `host,
    /// port`); anything else starred (`*addr`).
    Unpacked,
    /// A string literal naming a module (`'threading'`), as the module itself: its name,
    /// imported by the rewrite. Anything else leaves the hole without a value.
    Module,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub source: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Template {
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut chars = source.char_indices().peekable();
        let mut stack: Vec<Vec<Segment>> = vec![Vec::new()];
        let mut text = String::new();
        let flush = |text: &mut String, stack: &mut Vec<Vec<Segment>>| {
            if !text.is_empty() {
                if let Some(top) = stack.last_mut() {
                    top.push(Segment::Text(std::mem::take(text)));
                }
            }
        };
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '{' if chars.peek().map(|&(_, c)| c) == Some('[') => {
                    chars.next();
                    if stack.len() > 1 {
                        return Err(TemplateError(format!(
                            "optional sections cannot nest (at byte {at})"
                        )));
                    }
                    flush(&mut text, &mut stack);
                    stack.push(Vec::new());
                }
                ']' if chars.peek().map(|&(_, c)| c) == Some('}') && stack.len() > 1 => {
                    chars.next();
                    flush(&mut text, &mut stack);
                    let section = stack.pop().unwrap_or_default();
                    if let Some(top) = stack.last_mut() {
                        top.push(Segment::Optional(section));
                    }
                }
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        inner.push(c);
                    }
                    if !closed {
                        return Err(TemplateError(format!("unclosed `{{` at byte {at}")));
                    }
                    flush(&mut text, &mut stack);
                    let hole = parse_hole(&inner)?;
                    if let Some(top) = stack.last_mut() {
                        top.push(Segment::Hole(hole));
                    }
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '}' => {
                    return Err(TemplateError(format!(
                        "unmatched `}}` at byte {at} (write `}}}}` for a literal brace)"
                    )))
                }
                c => text.push(c),
            }
        }
        if stack.len() > 1 {
            return Err(TemplateError("unclosed optional section `{[`".to_string()));
        }
        flush(&mut text, &mut stack);
        Ok(Template {
            source: source.to_string(),
            segments: stack.pop().unwrap_or_default(),
        })
    }

    /// Every hole, including those in optional sections.
    pub fn holes(&self) -> Vec<&Hole> {
        fn walk<'a>(segments: &'a [Segment], out: &mut Vec<&'a Hole>) {
            for segment in segments {
                match segment {
                    Segment::Hole(hole) => out.push(hole),
                    Segment::Optional(inner) => walk(inner, out),
                    Segment::Text(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.segments, &mut out);
        out
    }

    /// The template with every hole filled by a placeholder name, to check it parses.
    pub fn sample(&self, placeholder: &str) -> String {
        fn walk(segments: &[Segment], placeholder: &str, out: &mut String) {
            for segment in segments {
                match segment {
                    Segment::Text(text) => out.push_str(text),
                    Segment::Optional(inner) => walk(inner, placeholder, out),
                    Segment::Hole(hole) => match hole.filter {
                        Some(Filter::Tuple) => {
                            out.push('(');
                            out.push_str(placeholder);
                            out.push_str(",)");
                        }
                        Some(Filter::Dict) => {
                            out.push_str("{'k': ");
                            out.push_str(placeholder);
                            out.push('}');
                        }
                        Some(Filter::Unpacked) => {
                            out.push('*');
                            out.push_str(placeholder);
                        }
                        Some(Filter::Atom | Filter::Module) | None => out.push_str(placeholder),
                    },
                }
            }
        }
        let mut out = String::new();
        walk(&self.segments, placeholder, &mut out);
        out
    }
}

fn parse_hole(inner: &str) -> Result<Hole, TemplateError> {
    let (name, filter) = match inner.split_once('|') {
        Some((name, filter)) => (name.trim(), Some(filter.trim())),
        None => (inner.trim(), None),
    };
    let filter = match filter {
        None => None,
        Some("tuple") => Some(Filter::Tuple),
        Some("dict") => Some(Filter::Dict),
        Some("atom") => Some(Filter::Atom),
        Some("unpacked") => Some(Filter::Unpacked),
        Some("module") => Some(Filter::Module),
        Some(other) => {
            return Err(TemplateError(format!(
                "unknown filter `{other}` in `{{{inner}}}` (known: tuple, dict, atom, unpacked, module)"
            )))
        }
    };
    let value = if name == "args" {
        HoleValue::Args
    } else if name == "kwargs" {
        HoleValue::Kwargs
    } else if name == "receiver" {
        HoleValue::Receiver
    } else if name == "target" {
        HoleValue::Target
    } else if let Some(rest) = name.strip_prefix("kw.") {
        if rest.is_empty() || !rest.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(TemplateError(format!("bad keyword name in `{{{inner}}}`")));
        }
        HoleValue::Kw(rest.to_string())
    } else if let Some(rest) = name
        .strip_prefix("posargs[")
        .and_then(|r| r.strip_suffix(":]"))
    {
        HoleValue::PosArgsFrom(
            rest.parse()
                .map_err(|_| TemplateError(format!("bad slice in `{{{inner}}}`")))?,
        )
    } else if let Some(rest) = name
        .strip_prefix("args[")
        .and_then(|r| r.strip_suffix(":]"))
    {
        HoleValue::ArgsFrom(
            rest.parse()
                .map_err(|_| TemplateError(format!("bad slice in `{{{inner}}}`")))?,
        )
    } else if let Some((outer, inner)) = name.split_once('.').and_then(|(o, i)| {
        Some((
            o.strip_prefix("arg")?.parse().ok()?,
            i.strip_prefix("arg")?.parse().ok()?,
        ))
    }) {
        HoleValue::NestedArg(outer, inner)
    } else if let Some(n) = name.strip_prefix("arg").and_then(|n| n.parse().ok()) {
        HoleValue::Arg(n)
    } else {
        return Err(TemplateError(format!(
            "unknown hole `{{{inner}}}` (known: args, argN, argN.argM, args[N:], posargs[N:], kwargs, kw.NAME, receiver, target)"
        )));
    };
    match (&value, filter) {
        (
            HoleValue::Arg(_) | HoleValue::NestedArg(..) | HoleValue::Kw(_) | HoleValue::Receiver,
            Some(Filter::Atom),
        )
        | (
            HoleValue::Arg(_) | HoleValue::NestedArg(..) | HoleValue::Kw(_),
            Some(Filter::Unpacked | Filter::Module),
        ) => Ok(Hole { value, filter }),
        (HoleValue::Args | HoleValue::ArgsFrom(_) | HoleValue::Target, Some(_))
        | (_, Some(Filter::Atom))
        | (HoleValue::PosArgsFrom(_), Some(Filter::Dict))
        | (HoleValue::Kwargs, Some(Filter::Tuple))
        | (HoleValue::Arg(_) | HoleValue::Kw(_) | HoleValue::Receiver, Some(_)) => Err(
            TemplateError(format!("filter does not apply in `{{{inner}}}`")),
        ),
        _ => Ok(Hole { value, filter }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_holes_sections_and_escapes() {
        let t = Template::parse(
            "threading.Thread(target={arg0}{[, args={posargs[1:]|tuple}]}, x={{}})",
        )
        .expect("parses");
        assert_eq!(t.holes().len(), 2);
        assert_eq!(
            t.sample("_x"),
            "threading.Thread(target=_x, args=(_x,), x={})"
        );
    }

    #[test]
    fn rejects_unknown_holes_and_filters() {
        assert!(Template::parse("f({argz})").is_err());
        assert!(Template::parse("f({args|list})").is_err());
        assert!(Template::parse("f({arg0|tuple})").is_err());
        assert!(Template::parse("f({args").is_err());
        assert!(Template::parse("f(})").is_err());
        assert!(Template::parse("f({[{[x]}]})").is_err());
    }
}
