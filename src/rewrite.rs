//! Turning a matched site into a fix: choose the recipe's rule, render its template over the
//! user's own text, and say which imports it needs.

use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::comments::Comments;
use crate::edit::{Edit, Piece, Safety};
use crate::imports::{availability, Availability, ImportSpec, Request};
use crate::matcher::{Site, SiteNode};
use crate::recipe::{
    Action, CompiledRule, Filter, HoleValue, Recipe, ResultUse, Segment, SiteKind, Target, Template,
};
use crate::resolve::{BindingKind, ImportBinding, Semantic, StmtId};

/// A rewrite of one site.
#[derive(Debug, Clone)]
pub struct Fix {
    pub recipe: String,
    pub safety: Safety,
    pub note: Option<String>,
    pub range: TextRange,
    pub edits: Vec<Edit>,
    /// Statements to delete (`remove-statement`).
    pub removals: Vec<StmtId>,
    pub requests: Vec<Request>,
    /// An import binding to rebind to another module, keeping its name.
    pub rebind: Option<(usize, ImportSpec)>,
    /// Eventlet import bindings that must go for this fix's imports to be usable.
    pub needs_removed: Vec<usize>,
}

/// A site left for a human.
#[derive(Debug, Clone)]
pub struct ManualItem {
    pub recipe: String,
    pub range: TextRange,
    pub message: String,
    pub guide: Option<String>,
}

pub enum Outcome {
    Fix(Fix),
    Manual(ManualItem),
    /// Nothing to do here (a name kept by a rebound import).
    Nothing,
}

pub struct RewriteContext<'a> {
    pub text: &'a str,
    pub semantic: &'a Semantic,
    pub comments: &'a Comments,
    pub target: Target,
    /// What an Eventlet import binding will denote once module rules have run.
    pub migrated: &'a dyn Fn(&ImportBinding) -> String,
}

pub fn rewrite(cx: &RewriteContext<'_>, recipe: &Recipe, site: &Site<'_>) -> Outcome {
    let manual = |message: String| {
        Outcome::Manual(ManualItem {
            recipe: recipe.id.clone(),
            range: site.range,
            message,
            guide: recipe.guide.get(&cx.target).cloned(),
        })
    };
    let mut conflict: Option<String> = None;
    for rule in recipe.rules(cx.target) {
        if !applies(rule, site) {
            continue;
        }
        let (edits, removals, rebind, requests) = match (&rule.action, site.node) {
            (Action::Manual(guidance), _) => {
                return manual(format!("`{}`: {guidance}", display_name(cx.text, site)));
            }
            (Action::Replace(template), SiteNode::Call { call, .. }) => {
                let Some(pieces) = render(template, cx.text, Some(call)) else {
                    continue;
                };
                (
                    vec![Edit {
                        range: call.range(),
                        pieces,
                    }],
                    vec![],
                    None,
                    rule_requests(rule, site),
                )
            }
            (Action::Replace(template), SiteNode::Reference { expr }) => {
                let Some(pieces) = render(template, cx.text, None) else {
                    continue;
                };
                (
                    vec![Edit {
                        range: expr.range(),
                        pieces,
                    }],
                    vec![],
                    None,
                    rule_requests(rule, site),
                )
            }
            (Action::ReplaceCallee(template), SiteNode::Call { call, .. }) => {
                let Some(pieces) = render(template, cx.text, None) else {
                    continue;
                };
                (
                    vec![Edit {
                        range: call.func.range(),
                        pieces,
                    }],
                    vec![],
                    None,
                    rule_requests(rule, site),
                )
            }
            (Action::RemoveStatement, SiteNode::Call { .. }) => {
                (vec![], vec![site.stmt], None, vec![])
            }
            (Action::ModuleMap(map), SiteNode::Reference { expr }) => {
                let Some(module) = map.get(&site.name) else {
                    continue;
                };
                let spec = ImportSpec {
                    module: module.clone(),
                    member: None,
                    asname: None,
                };
                let request = Request {
                    spec,
                    scope: site.scope,
                };
                (
                    vec![Edit::replace(expr.range(), module.clone())],
                    vec![],
                    None,
                    vec![request],
                )
            }
            (Action::ModuleMap(map), SiteNode::Import { binding }) => {
                let BindingKind::Import(import) = &cx.semantic.bindings[binding].kind else {
                    continue;
                };
                let Some(module) = map.get(&site.name) else {
                    continue;
                };
                let rest = &import.qualified[site.name.len().min(import.qualified.len())..];
                let spec = ImportSpec::binding(
                    &format!("{module}{rest}"),
                    &cx.semantic.bindings[binding].name,
                );
                (vec![], vec![], Some((binding, spec)), vec![])
            }
            _ => continue,
        };
        let mut needs_removed = Vec::new();
        let mut problem = None;
        for request in &requests {
            match availability(
                cx.semantic,
                &request.spec,
                request.scope,
                cx.migrated,
                &site.name,
            ) {
                Availability::Conflict(why) => problem = Some(why),
                Availability::Replaces(bindings) => needs_removed.extend(bindings),
                Availability::Present | Availability::Missing => {}
            }
        }
        if let Some(problem) = problem {
            conflict.get_or_insert(problem);
            continue;
        }
        return Outcome::Fix(Fix {
            recipe: recipe.id.clone(),
            safety: rule.safety,
            note: rule.note.clone(),
            range: site.range,
            edits,
            removals,
            requests,
            rebind,
            needs_removed,
        });
    }
    if let SiteNode::Import { .. } = site.node {
        return Outcome::Nothing;
    }
    match conflict {
        Some(problem) => manual(format!(
            "`{}` not rewritten: {problem}",
            display_name(cx.text, site)
        )),
        None => {
            let how = match site.node {
                SiteNode::Call { .. } => "this call",
                _ => "a reference that is not a call",
            };
            manual(format!(
                "`{}`: no rule of this recipe fits {how}",
                display_name(cx.text, site)
            ))
        }
    }
}

/// The matched code as written (`eventlet.sleep`), for messages.
fn display_name<'t>(text: &'t str, site: &Site<'_>) -> &'t str {
    let range = match site.node {
        SiteNode::Call { call, .. } => call.func.range(),
        _ => site.range,
    };
    &text[range]
}

fn rule_requests(rule: &CompiledRule, site: &Site<'_>) -> Vec<Request> {
    rule.imports
        .iter()
        .map(|spec| Request {
            spec: spec.clone(),
            scope: site.scope,
        })
        .collect()
}

fn applies(rule: &CompiledRule, site: &Site<'_>) -> bool {
    match (rule.on, site.node) {
        (SiteKind::Call, SiteNode::Call { call, discarded }) => {
            let when = &rule.when;
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
                && when.positional.is_none_or(|p| p == call.arguments.args.len())
                && when.allowed_keywords.as_ref().is_none_or(|allowed| {
                    call.arguments.keywords.iter().all(|k| k.arg.as_ref().is_some_and(|a| allowed.iter().any(|x| x == a.as_str())))
                })
        }
        (SiteKind::Reference, SiteNode::Reference { .. }) => true,
        (SiteKind::Module, SiteNode::Reference { expr }) => matches!(expr, Expr::Attribute(_)),
        (SiteKind::Module, SiteNode::Import { .. }) => true,
        _ => false,
    }
}

/// Renders a template; `None` when a hole outside an optional section has no value.
fn render(template: &Template, text: &str, call: Option<&ExprCall>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for segment in &template.segments {
        match segment {
            Segment::Text(t) => out.push(Piece::Text(t.clone())),
            Segment::Hole(hole) => out.extend(hole_value(&hole.value, hole.filter, text, call?)?.0),
            Segment::Optional(inner) => {
                let mut section = Vec::new();
                let mut present = true;
                for segment in inner {
                    match segment {
                        Segment::Text(t) => section.push(Piece::Text(t.clone())),
                        Segment::Hole(hole) => {
                            match call.and_then(|c| hole_value(&hole.value, hole.filter, text, c)) {
                                Some((pieces, false)) => section.extend(pieces),
                                _ => present = false,
                            }
                        }
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

fn merge_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, piece) => out.push(piece),
        }
    }
    out
}

/// The pieces of a hole and whether the selection is empty.
fn hole_value(
    value: &HoleValue,
    filter: Option<Filter>,
    _text: &str,
    call: &ExprCall,
) -> Option<(Vec<Piece>, bool)> {
    let args = &call.arguments;
    let ordered: Vec<ArgOrKeyword<'_>> = args.iter_source_order().collect();
    let positional_ok = |upto: usize| !args.args.iter().take(upto).any(Expr::is_starred_expr);
    let selection: Vec<ArgOrKeyword<'_>> = match value {
        HoleValue::Args => ordered.clone(),
        HoleValue::Arg(n) => {
            let arg = args.args.get(*n)?;
            if !positional_ok(*n + 1) {
                return None;
            }
            return Some((vec![Piece::Source(arg.range())], false));
        }
        HoleValue::ArgsFrom(n) => {
            if !positional_ok(*n) || args.args.len() < *n {
                return None;
            }
            let skipped: Vec<TextRange> = args.args.iter().take(*n).map(Ranged::range).collect();
            ordered.iter().copied().filter(|a| !skipped.contains(&a.range())).collect()
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
            return Some((vec![Piece::Source(keyword.value.range())], false));
        }
        HoleValue::Receiver => return None,
    };
    let empty = selection.is_empty();
    let pieces = match filter {
        None => verbatim(&ordered, &selection),
        Some(Filter::Tuple) => {
            let mut pieces = vec![Piece::Text("(".into())];
            pieces.extend(joined(&selection, |a| vec![Piece::Source(a.range())]));
            // `(a,)` and `(*a,)`: a one-element tuple needs its comma, starred or not.
            let single = selection.len() == 1;
            pieces.push(Piece::Text(if single { ",)" } else { ")" }.into()));
            pieces
        }
        Some(Filter::Dict) => {
            let mut pieces = vec![Piece::Text("{".into())];
            pieces.extend(joined(&selection, |a| match a {
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
    };
    Some((merge_text(pieces), empty))
}

/// The selected arguments as the user wrote them: one slice when they are contiguous in the
/// source (comments and line breaks between them kept), else joined with `, `.
fn verbatim(ordered: &[ArgOrKeyword<'_>], selection: &[ArgOrKeyword<'_>]) -> Vec<Piece> {
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

fn joined(
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
