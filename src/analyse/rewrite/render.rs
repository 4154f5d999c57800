//! Templates rendered over the user's own text: each hole filled with the argument's
//! source (kept verbatim, parenthesised where precedence needs it), and the imports the
//! result names.

use crate::analyse::sites::Site;
use crate::fix::edit::merge_text;
use crate::fix::edit::Piece;
use crate::fix::Request;
use crate::recipe::Action;
use crate::recipe::Filter;
use crate::recipe::HoleValue;
use crate::recipe::Recipe;
use crate::recipe::Segment;
use crate::recipe::SiteKind;
use crate::recipe::Target;
use crate::recipe::Template;
use crate::syntax::imports::ImportSpec;
use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use super::*;

/// What the holes of a template are filled from.
#[derive(Clone, Copy)]
pub(super) struct Holes<'a> {
    pub(super) call: Option<&'a ExprCall>,
    pub(super) receiver: Option<TextRange>,
    pub(super) target: Option<TextRange>,
    /// The enclosing function's own `*args` and `**kwargs` (never rebound there): passed on
    /// whole, they are rendered as themselves (`args=args`), not re-packed (`args=(*args,)`).
    pub(super) own: (Option<&'a str>, Option<&'a str>),
}

impl Holes<'_> {
    /// A template without holes (a callee, a reference).
    pub(super) const NONE: Holes<'static> = Holes {
        call: None,
        receiver: None,
        target: None,
        own: (None, None),
    };
}

/// Renders a template; `None` when a hole outside an optional section has no value.
pub(super) fn render(template: &Template, holes: &Holes<'_>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for segment in &template.segments {
        match segment {
            Segment::Text(t) => out.push(Piece::Text(t.clone())),
            Segment::Hole(hole) => out.extend(hole_value(&hole.value, hole.filter, holes)?.0),
            Segment::Optional(inner) => {
                let mut section = Vec::new();
                let mut present = true;
                for segment in inner {
                    match segment {
                        Segment::Text(t) => section.push(Piece::Text(t.clone())),
                        Segment::Hole(hole) => match hole_value(&hole.value, hole.filter, holes) {
                            Some((pieces, false)) => section.extend(pieces),
                            _ => present = false,
                        },
                        Segment::Optional(_) => present = false,
                    }
                }
                if present {
                    out.extend(section);
                }
            }
        }
    }
    Some(merge_text(out))
}

/// The module a string literal names (`'os.path'`), when it is a dotted name.
pub(super) fn module_named(expr: &Expr) -> Option<String> {
    let Expr::StringLiteral(literal) = expr else {
        return None;
    };
    let name = literal.value.to_str();
    let dotted = !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        });
    dotted.then(|| name.to_string())
}

/// The imports `{…|module}` holes of `template` ask for, for this call.
pub(super) fn module_requests(
    template: &Template,
    call: &ExprCall,
    site: &Site<'_>,
) -> Vec<Request> {
    let holes = Holes {
        call: Some(call),
        receiver: None,
        target: None,
        own: (None, None),
    };
    template
        .holes()
        .into_iter()
        .filter(|hole| hole.filter == Some(Filter::Module))
        .filter_map(|hole| hole_value(&hole.value, hole.filter, &holes))
        .filter_map(|(pieces, _)| match pieces.as_slice() {
            [Piece::Text(module)] => ImportSpec::parse(&format!("import {module}")).ok(),
            _ => None,
        })
        .map(|spec| Request {
            spec,
            scope: site.scope,
            at: site.range.start(),
        })
        .collect()
}

/// `(x for x in y)` as the only argument of a call needs no parentheses of its own
/// (`sum(x for x in y)`): the template's outer pair is dropped when it encloses the whole
/// replacement (its first piece opens it and does not close it, its last piece is `)`).
pub(super) fn unparenthesized(mut pieces: Vec<Piece>) -> Vec<Piece> {
    let encloses = match (pieces.first(), pieces.last()) {
        (Some(Piece::Text(first)), Some(Piece::Text(last))) if pieces.len() > 1 => {
            first.starts_with('(')
                && last == ")"
                && first[1..]
                    .chars()
                    .try_fold(1usize, |depth, c| match c {
                        '(' => Some(depth + 1),
                        ')' => depth.checked_sub(1).filter(|&d| d > 0),
                        _ => Some(depth),
                    })
                    .is_some()
        }
        _ => false,
    };
    if !encloses {
        return pieces;
    }
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        first.remove(0);
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.pop();
    }
    pieces
}

/// A tuple display's elements as arguments, else the value starred.
pub(super) fn unpacked(expr: &Expr, atomic: bool) -> Vec<Piece> {
    match expr {
        Expr::Tuple(tuple)
            if !tuple.elts.is_empty() && !tuple.elts.iter().any(Expr::is_starred_expr) =>
        {
            let mut out = Vec::new();
            for (i, element) in tuple.elts.iter().enumerate() {
                if i > 0 {
                    out.push(Piece::Text(", ".into()));
                }
                out.push(Piece::Source(element.range()));
            }
            out
        }
        _ if atomic => vec![Piece::Text("*".into()), Piece::Source(expr.range())],
        _ => vec![
            Piece::Text("*(".into()),
            Piece::Source(expr.range()),
            Piece::Text(")".into()),
        ],
    }
}

/// The pieces of a hole and whether the selection is empty.
pub(super) fn hole_value(
    value: &HoleValue,
    filter: Option<Filter>,
    holes: &Holes<'_>,
) -> Option<(Vec<Piece>, bool)> {
    match value {
        HoleValue::Receiver => return holes.receiver.map(|r| (vec![Piece::Source(r)], false)),
        HoleValue::Target => return holes.target.map(|r| (vec![Piece::Source(r)], false)),
        _ => {}
    }
    let single = |expr: &Expr| single_value(expr, filter);
    let call = holes.call?;
    let args = &call.arguments;
    let ordered: Vec<ArgOrKeyword<'_>> = args.iter_source_order().collect();
    let positional_ok = |upto: usize| !args.args.iter().take(upto).any(Expr::is_starred_expr);
    let selection: Vec<ArgOrKeyword<'_>> = match value {
        // Everything between the parentheses, as written: line breaks, comments and a
        // trailing comma included.
        HoleValue::Args => {
            let empty = args.is_empty();
            let pieces = if empty {
                Vec::new()
            } else {
                vec![Piece::Source(args.inner_range())]
            };
            return Some((pieces, empty));
        }
        HoleValue::NestedArg(n, m) => {
            if !positional_ok(*n + 1) {
                return None;
            }
            let inner = args.args.get(*n)?.as_call_expr()?;
            if inner
                .arguments
                .args
                .iter()
                .take(*m + 1)
                .any(Expr::is_starred_expr)
            {
                return None;
            }
            return single(inner.arguments.args.get(*m)?);
        }
        HoleValue::Arg(n) => {
            let arg = args.args.get(*n)?;
            if !positional_ok(*n + 1) {
                return None;
            }
            return single(arg);
        }
        HoleValue::ArgsFrom(n) => {
            if !positional_ok(*n) || args.args.len() < *n {
                return None;
            }
            let skipped: Vec<TextRange> = args.args.iter().take(*n).map(Ranged::range).collect();
            ordered
                .iter()
                .copied()
                .filter(|a| !skipped.contains(&a.range()))
                .collect()
        }
        HoleValue::PosArgsFrom(n) => {
            if !positional_ok(*n) || args.args.len() < *n {
                return None;
            }
            args.args.iter().skip(*n).map(ArgOrKeyword::Arg).collect()
        }
        HoleValue::Kwargs => args.keywords.iter().map(ArgOrKeyword::Keyword).collect(),
        HoleValue::Kw(name) => {
            let keyword = args.find_keyword(name)?;
            return single(&keyword.value);
        }
        HoleValue::Receiver | HoleValue::Target => return None,
    };
    let empty = selection.is_empty();
    let pieces = selection_pieces(&ordered, &selection, filter, holes);
    Some((merge_text(pieces), empty))
}

/// The pieces of a hole that is one expression (an argument, a keyword's value), as the
/// filter wants it: unpacked, as a module name, parenthesised unless atomic, or verbatim.
fn single_value(expr: &Expr, filter: Option<Filter>) -> Option<(Vec<Piece>, bool)> {
    let source = vec![Piece::Source(expr.range())];
    let atomic = matches!(
        expr,
        Expr::Name(_)
            | Expr::Attribute(_)
            | Expr::Call(_)
            | Expr::Subscript(_)
            | Expr::StringLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::List(_)
            | Expr::Dict(_)
            | Expr::Tuple(_)
    );
    if filter == Some(Filter::Unpacked) {
        return Some((unpacked(expr, atomic), false));
    }
    if filter == Some(Filter::Module) {
        return module_named(expr).map(|m| (vec![Piece::Text(m)], false));
    }
    if filter == Some(Filter::Atom) && !atomic {
        let mut wrapped = vec![Piece::Text("(".into())];
        wrapped.extend(source);
        wrapped.push(Piece::Text(")".into()));
        Some((wrapped, false))
    } else {
        Some((source, false))
    }
}

/// The pieces of a selection of arguments, as the filter wants them: verbatim (the user's
/// separators kept), or gathered into a tuple or a dict (unless the selection is exactly
/// the function's own `*args` or `**kwargs`).
fn selection_pieces(
    ordered: &[ArgOrKeyword<'_>],
    selection: &[ArgOrKeyword<'_>],
    filter: Option<Filter>,
    holes: &Holes<'_>,
) -> Vec<Piece> {
    match filter {
        // Arguments are separate already.
        None | Some(Filter::Atom | Filter::Unpacked | Filter::Module) => {
            verbatim(ordered, selection)
        }
        Some(Filter::Tuple) if own_passed(selection, holes.own.0, true) => {
            verbatim_value(selection)
        }
        Some(Filter::Dict) if own_passed(selection, holes.own.1, false) => {
            verbatim_value(selection)
        }
        Some(Filter::Tuple) => {
            let mut pieces = vec![Piece::Text("(".into())];
            pieces.extend(joined(selection, |a| vec![Piece::Source(a.range())]));
            // `(a,)` and `(*a,)`: a one-element tuple needs its comma, starred or not.
            let single = selection.len() == 1;
            pieces.push(Piece::Text(if single { ",)" } else { ")" }.into()));
            pieces
        }
        Some(Filter::Dict) => {
            let mut pieces = vec![Piece::Text("{".into())];
            pieces.extend(joined(selection, |a| match a {
                ArgOrKeyword::Keyword(k) => match &k.arg {
                    Some(name) => vec![
                        Piece::Text(format!("'{name}': ")),
                        Piece::Source(k.value.range()),
                    ],
                    None => vec![Piece::Text("**".into()), Piece::Source(k.value.range())],
                },
                ArgOrKeyword::Arg(e) => vec![Piece::Source(e.range())],
            }));
            pieces.push(Piece::Text("}".into()));
            pieces
        }
    }
}

/// Whether `selection` is exactly `*own` (`star`) or `**own`: the function's own varargs.
pub(super) fn own_passed(selection: &[ArgOrKeyword<'_>], own: Option<&str>, star: bool) -> bool {
    let Some(own) = own else { return false };
    let is_own = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == own);
    match selection {
        [ArgOrKeyword::Arg(Expr::Starred(s))] => star && is_own(&s.value),
        [ArgOrKeyword::Keyword(k)] => !star && k.arg.is_none() && is_own(&k.value),
        _ => false,
    }
}

/// The value under the single `*x` or `**x` of `selection`: `x` as written.
pub(super) fn verbatim_value(selection: &[ArgOrKeyword<'_>]) -> Vec<Piece> {
    match selection {
        [ArgOrKeyword::Arg(Expr::Starred(s))] => vec![Piece::Source(s.value.range())],
        [ArgOrKeyword::Keyword(k)] => vec![Piece::Source(k.value.range())],
        _ => Vec::new(),
    }
}

/// The `*args` and `**kwargs` names of the function whose body holds `range`, when that
/// function never rebinds them (each is bound once: by the parameter).
pub(super) fn own_varargs<'a>(
    cx: &RewriteContext<'a, '_>,
    call: &ExprCall,
) -> (Option<&'a str>, Option<&'a str>) {
    // Most calls pass nothing on whole: no need to look for the function around them.
    let args = &call.arguments;
    if !args.args.iter().any(Expr::is_starred_expr) && args.keywords.iter().all(|k| k.arg.is_some())
    {
        return (None, None);
    }
    let Some(def) = innermost_def(cx, call.range()) else {
        return (None, None);
    };
    let once = |name: &'a str| {
        let scope = cx
            .semantic
            .bindings
            .iter()
            .find(|b| b.name == name && def.range.contains(b.start))?
            .scope;
        (cx.semantic.bindings_of(scope, name).len() == 1).then_some(name)
    };
    let vararg = def
        .parameters
        .vararg
        .as_ref()
        .and_then(|p| once(p.name.as_str()));
    let kwarg = def
        .parameters
        .kwarg
        .as_ref()
        .and_then(|p| once(p.name.as_str()));
    (vararg, kwarg)
}

/// The innermost function definition around `range`.
pub(super) fn innermost_def<'a>(
    cx: &RewriteContext<'a, '_>,
    range: TextRange,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let parents = cx.parents.get();
    let function = parents.innermost(range, false)?;
    parents.function_def_at(function)
}

/// The selected arguments as the user wrote them: one slice when they are contiguous in the
/// source (comments and line breaks between them kept), else joined with `, `.
pub(super) fn verbatim(ordered: &[ArgOrKeyword<'_>], selection: &[ArgOrKeyword<'_>]) -> Vec<Piece> {
    let (Some(first), Some(last)) = (selection.first(), selection.last()) else {
        return Vec::new();
    };
    let start = ordered.iter().position(|a| a.range() == first.range());
    let contiguous = start.is_some_and(|s| {
        ordered[s..].len() >= selection.len()
            && ordered[s..s + selection.len()]
                .iter()
                .zip(selection)
                .all(|(a, b)| a.range() == b.range())
    });
    if contiguous {
        vec![Piece::Source(TextRange::new(
            first.range().start(),
            last.range().end(),
        ))]
    } else {
        joined(selection, |a| vec![Piece::Source(a.range())])
    }
}

pub(super) fn joined(
    selection: &[ArgOrKeyword<'_>],
    each: impl Fn(&ArgOrKeyword<'_>) -> Vec<Piece>,
) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, a) in selection.iter().enumerate() {
        if i > 0 {
            out.push(Piece::Text(", ".into()));
        }
        out.extend(each(a));
    }
    out
}

/// The single object a recipe replaces the matched name with (`time.sleep`), when its rules
/// say so plainly: a callee or reference replaced by a dotted name from the rule's imports.
pub(super) fn dotted_target(recipe: &Recipe, target: Target, name: &str) -> Option<String> {
    recipe.rules(target).iter().find_map(|rule| {
        if rule.when.name.as_ref().is_some_and(|n| n != name) {
            return None;
        }
        let template = match &rule.action {
            Action::ReplaceCallee(t) => t,
            Action::Replace(t) if rule.on == SiteKind::Reference => t,
            _ => return None,
        };
        let [Segment::Text(text)] = &template.segments[..] else {
            return None;
        };
        if !text
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return None;
        }
        let (head, rest) = text
            .split_once('.')
            .map_or((text.as_str(), ""), |(h, r)| (h, r));
        let import = rule.imports.iter().find(|i| i.bound_name() == head)?;
        Some(if rest.is_empty() {
            import.denotes()
        } else {
            format!("{}.{rest}", import.denotes())
        })
    })
}
