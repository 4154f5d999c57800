//! Rewrites that share a line and were each wrapped on their own (`[spawn(f), spawn(g)]`
//! made too long by both) read badly: each breaks inside its own call, one after the other.
//! The display or call holding them breaks instead, one element a line under a hanging
//! indent, with the rewrites as they were before wrapping.

use std::collections::BTreeMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::edit::Piece;
use crate::syntax::source::{indentation_at, line_ending};

/// Regroups, in `edits`, the wrapped rewrites (`unwrapped`: as they were before wrapping)
/// that share a line with another.
pub fn regroup(text: &str, body: &[Stmt], edits: &mut Vec<Edit>, unwrapped: &[Edit]) {
    let mut by_line: BTreeMap<TextSize, Vec<&Edit>> = BTreeMap::new();
    for edit in unwrapped {
        if edits.iter().any(|e| e.range == edit.range) {
            by_line
                .entry(text.line_start(edit.range.start()))
                .or_default()
                .push(edit);
        }
    }
    for (line, wrapped) in by_line {
        if wrapped.len() < 2 {
            continue;
        }
        let ranges: Vec<TextRange> = wrapped.iter().map(|e| e.range).collect();
        let Some((open, elements)) = holder(body, &ranges) else {
            continue;
        };
        let (Some(first), Some(last)) = (elements.first(), elements.last()) else {
            continue;
        };
        let span = TextRange::new(open, last.end());
        if text[span].contains('\n') {
            continue;
        }
        let inside: Vec<Edit> = edits
            .iter()
            .filter(|e| span.contains_range(e.range))
            .map(|e| {
                wrapped
                    .iter()
                    .find(|w| w.range == e.range)
                    .map_or_else(|| e.clone(), |w| (*w).clone())
            })
            .collect();
        // Every rewrite must lie within one element, and no element start before the first.
        if first.start() < open
            || inside
                .iter()
                .any(|e| !elements.iter().any(|el| el.contains_range(e.range)))
        {
            continue;
        }
        let indent = format!("{}    ", indentation_at(text, line));
        let nl = line_ending(text);
        let mut pieces = vec![Piece::Text(format!("{nl}{indent}"))];
        for (k, element) in elements.iter().enumerate() {
            if k > 0 {
                pieces.push(Piece::Text(format!(",{nl}{indent}")));
            }
            let mut at = element.start();
            let mut within: Vec<&Edit> = inside
                .iter()
                .filter(|e| element.contains_range(e.range))
                .collect();
            within.sort_by_key(|e| e.range.start());
            for edit in within {
                if at < edit.range.start() {
                    pieces.push(Piece::Source(TextRange::new(at, edit.range.start())));
                }
                pieces.extend(edit.pieces.iter().cloned());
                at = edit.range.end();
            }
            if at < element.end() {
                pieces.push(Piece::Source(TextRange::new(at, element.end())));
            }
        }
        edits.retain(|e| !span.contains_range(e.range));
        edits.push(Edit {
            range: span,
            pieces: crate::fix::edit::merge_text(pieces),
        });
    }
}

/// The innermost bracketed display or call holding all of `ranges`, each within one of its
/// elements: where its elements start (just after the bracket) and the elements.
fn holder(body: &[Stmt], ranges: &[TextRange]) -> Option<(TextSize, Vec<TextRange>)> {
    struct Finder<'r> {
        ranges: &'r [TextRange],
        found: Option<(TextSize, Vec<TextRange>)>,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if !self.ranges.iter().all(|r| expr.range().contains_range(*r)) {
                return;
            }
            let elements: Option<(TextSize, Vec<TextRange>)> = match expr {
                Expr::List(l) => Some((l.start() + TextSize::from(1), ranges_of(&l.elts))),
                Expr::Set(l) => Some((l.start() + TextSize::from(1), ranges_of(&l.elts))),
                Expr::Tuple(t) if t.parenthesized => {
                    Some((t.start() + TextSize::from(1), ranges_of(&t.elts)))
                }
                Expr::Dict(d) if d.items.iter().all(|item| item.key.is_some()) => Some((
                    d.start() + TextSize::from(1),
                    d.items
                        .iter()
                        .filter_map(|item| {
                            let key = item.key.as_ref()?;
                            Some(TextRange::new(key.start(), item.value.end()))
                        })
                        .collect(),
                )),
                Expr::Call(call) => Some((
                    call.arguments.start() + TextSize::from(1),
                    call.arguments
                        .iter_source_order()
                        .map(|a| a.range())
                        .collect(),
                )),
                _ => None,
            };
            if let Some((open, elements)) = elements {
                let each_in_one = self
                    .ranges
                    .iter()
                    .all(|r| elements.iter().any(|e| e.contains_range(*r)));
                if each_in_one && !elements.is_empty() {
                    self.found = Some((open, elements));
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    fn ranges_of(elts: &[Expr]) -> Vec<TextRange> {
        elts.iter().map(Ranged::range).collect()
    }
    let mut finder = Finder {
        ranges,
        found: None,
    };
    finder.visit_body(body);
    finder.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_wrapped_on_one_line_break_their_display_instead() {
        let text = "def f():\n    ts = [spawn(a), spawn(b)]\n";
        let parsed = ruff_python_parser::parse_module(text).expect("parses");
        let at = |needle: &str| {
            let start = text.find(needle).expect("in the text");
            TextRange::at(
                TextSize::try_from(start).expect("small"),
                TextSize::try_from(needle.len()).expect("small"),
            )
        };
        let edit = |range: TextRange, new: &str| Edit {
            range,
            pieces: vec![Piece::Text(new.to_string())],
        };
        let unwrapped = vec![
            edit(at("spawn(a)"), "run(a)"),
            edit(at("spawn(b)"), "run(b)"),
        ];
        let mut edits = vec![
            edit(at("spawn(a)"), "run(\n        a)"),
            edit(at("spawn(b)"), "run(\n        b)"),
        ];
        regroup(text, &parsed.syntax().body, &mut edits, &unwrapped);
        let new = crate::emit::apply::apply(text, &edits).expect("applies");
        assert_eq!(
            new,
            "def f():\n    ts = [\n        run(a),\n        run(b)]\n"
        );
    }

    #[test]
    fn a_single_wrapped_rewrite_on_its_line_stays_as_wrapped() {
        let text = "ts = [spawn(a), b]\n";
        let parsed = ruff_python_parser::parse_module(text).expect("parses");
        let range = TextRange::at(TextSize::from(6), TextSize::from(8));
        let wrapped = Edit {
            range,
            pieces: vec![Piece::Text("run(\n    a)".to_string())],
        };
        let mut edits = vec![wrapped.clone()];
        let unwrapped = vec![Edit {
            range,
            pieces: vec![Piece::Text("run(a)".to_string())],
        }];
        regroup(text, &parsed.syntax().body, &mut edits, &unwrapped);
        assert_eq!(edits, vec![wrapped]);
    }
}
