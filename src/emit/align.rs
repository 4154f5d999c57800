//! Continuation lines keep their alignment. A line aligned under the first token after an
//! open bracket (pycodestyle's visual indent) moves with that token when an edit changes
//! the length of the text before it: `eventlet.listen(addr,` becoming
//! `socket.create_server(addr,` takes the `backlog=…` line under it along. The
//! re-indentation is made of edits of its own (the leading spaces of those lines), so it
//! shows in the diff like any other change and every other byte stays as it was.

use ruff_python_ast::token::{Token, TokenKind};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::emit::apply::{apply_mapped, Copied, OverlapError};
use crate::fix::edit::Edit;

/// The text `edits` make, and the edits that re-indent the continuation lines they would
/// leave misaligned (the text is final when there are none).
pub fn realign(
    text: &str,
    tokens: &[Token],
    edits: &[Edit],
) -> Result<(String, Vec<Edit>), OverlapError> {
    let mut copied = Vec::new();
    let new_text = apply_mapped(text, edits, Some(&mut copied))?;
    let landing = Landing::new(&copied);
    let mut lines = Lines {
        text,
        new_text: &new_text,
        landing,
        shifted: FxHashMap::default(),
    };
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut previous_end = TextSize::from(0);
    for (at, token) in tokens.iter().enumerate() {
        if let Some(&bracket) = open.last() {
            if let Some(edit) = lines.realign(tokens, bracket, token, previous_end) {
                out.push(edit);
            }
        }
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => open.push(at),
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                open.pop();
            }
            _ => {}
        }
        previous_end = token.end();
    }
    drop(lines);
    Ok((new_text, out))
}

/// Where a byte of the original landed in the new text, when it was copied exactly once and
/// in place.
struct Landing<'c> {
    in_place: Vec<&'c Copied>,
    elsewhere: Vec<&'c Copied>,
}

impl<'c> Landing<'c> {
    fn new(copied: &'c [Copied]) -> Self {
        let (mut in_place, elsewhere): (Vec<&Copied>, Vec<&Copied>) =
            copied.iter().partition(|c| c.in_place);
        in_place.sort_by_key(|c| c.old.start());
        Landing {
            in_place,
            elsewhere,
        }
    }

    /// The new offset of `old`, and the copied slice holding it.
    fn of(&self, old: TextSize) -> Option<(TextSize, TextRange)> {
        if self.elsewhere.iter().any(|c| c.old.contains(old)) {
            return None;
        }
        let after = self.in_place.partition_point(|c| c.old.start() <= old);
        let slice = self.in_place[..after].last()?;
        slice
            .old
            .contains(old)
            .then(|| (slice.new + (old - slice.old.start()), slice.old))
    }
}

/// The old and new texts, and how far each re-indented new line moved (keyed by the new
/// offset of its start).
struct Lines<'t> {
    text: &'t str,
    new_text: &'t str,
    landing: Landing<'t>,
    shifted: FxHashMap<TextSize, i64>,
}

impl Lines<'_> {
    /// The edit re-indenting the line `token` starts, when it was aligned under the first
    /// token after the bracket `tokens[bracket]` and that token moved.
    fn realign(
        &mut self,
        tokens: &[Token],
        bracket: usize,
        token: &Token,
        previous_end: TextSize,
    ) -> Option<Edit> {
        let text = self.text;
        // Only spaces back to the line's start (cheap: most tokens are not first on their
        // line), and those spaces nobody's token (not the inside of a string).
        let before = &text.as_bytes()[..token.start().to_usize()];
        let spaces = before.iter().rev().take_while(|&&b| b == b' ').count();
        let line_start = TextSize::try_from(before.len() - spaces).ok()?;
        if !matches!(before[..line_start.to_usize()].last(), None | Some(b'\n'))
            || line_start < previous_end
        {
            return None;
        }
        let indentation = TextRange::new(line_start, token.start());
        let opening = &tokens[bracket];
        let anchor = tokens.get(bracket + 1)?;
        if matches!(
            anchor.kind(),
            TokenKind::NonLogicalNewline | TokenKind::Newline | TokenKind::Comment
        ) || text[TextRange::new(opening.end(), anchor.start())].contains('\n')
            || std::ptr::eq(anchor, token)
        {
            return None;
        }
        let old_column = column(text, anchor.start())?;
        if old_column != indentation.len().to_usize() {
            return None;
        }
        let mut new_column = self.new_column(anchor.start()).or_else(|| {
            let bracket_column = column(text, opening.start())?;
            Some(self.new_column(opening.start())? + (old_column - bracket_column))
        })?;
        // The indentation itself must land in place, whole, at the start of a new line.
        let (new_start, slice) = self.landing.of(line_start)?;
        let starts_new_line =
            new_start == TextSize::from(0) || self.new_text[..new_start.to_usize()].ends_with('\n');
        if !slice.contains_range(indentation) || !starts_new_line {
            return None;
        }
        // A line the edits started left of the anchor, between it and this line (a call
        // broken after its bracket), ends pycodestyle's visual indent there: this line takes
        // the bracket's hanging indent instead (E126/E128).
        let anchor_new = self
            .landing
            .of(anchor.start())
            .or_else(|| self.landing.of(opening.start()))?
            .0;
        let old_lines = (anchor.start(), line_start);
        if !self.lower_line_between(text, old_lines, old_column, false)
            && self.lower_line_between(self.new_text, (anchor_new, new_start), new_column, true)
        {
            new_column = self.indentation_of_line_at(anchor_new)? + 4;
        }
        if new_column == old_column {
            return None;
        }
        let moved = i64::try_from(new_column).ok()? - i64::try_from(old_column).ok()?;
        self.shifted.insert(new_start, moved);
        Some(Edit::replace(indentation, " ".repeat(new_column)))
    }

    /// Whether a non-blank line starts left of `column` among the lines after the one holding
    /// `span.0` and before the one starting at `span.1` (in the new text, `shifted` counts).
    fn lower_line_between(
        &self,
        text: &str,
        span: (TextSize, TextSize),
        column: usize,
        shifted: bool,
    ) -> bool {
        let (from, to) = (span.0.to_usize(), span.1.to_usize());
        let Some(first) = text[from..to].find('\n') else {
            return false;
        };
        let mut start = from + first + 1;
        while start < to {
            let end = text[start..to].find('\n').map_or(to, |i| start + i);
            let line = &text[start..end];
            let body = line.trim_start_matches(' ');
            if !body.trim().is_empty() {
                let moved = if shifted {
                    TextSize::try_from(start)
                        .ok()
                        .and_then(|at| self.shifted.get(&at).copied())
                        .unwrap_or(0)
                } else {
                    0
                };
                let indent = i64::try_from(line.len() - body.len()).unwrap_or(i64::MAX) + moved;
                if indent < i64::try_from(column).unwrap_or(i64::MAX) {
                    return true;
                }
            }
            start = end + 1;
        }
        false
    }

    /// The indentation of the new line holding `new` (its re-indentation counted).
    fn indentation_of_line_at(&self, new: TextSize) -> Option<usize> {
        let before = &self.new_text[..new.to_usize()];
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = &self.new_text[start..];
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let moved = self
            .shifted
            .get(&TextSize::try_from(start).ok()?)
            .copied()
            .unwrap_or(0);
        usize::try_from(i64::try_from(spaces).ok()? + moved).ok()
    }

    /// The column `old` lands at in the new text, counting the re-indentation of its line.
    fn new_column(&self, old: TextSize) -> Option<usize> {
        let (new, _) = self.landing.of(old)?;
        let before = &self.new_text[..new.to_usize()];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let prefix = &before[line_start..];
        if prefix.contains('\t') {
            return None;
        }
        let moved = self
            .shifted
            .get(&TextSize::try_from(line_start).ok()?)
            .copied()
            .unwrap_or(0);
        usize::try_from(i64::try_from(prefix.chars().count()).ok()? + moved).ok()
    }
}

/// The column (in characters) of `offset` in `text`; `None` after a tab.
fn column(text: &str, offset: TextSize) -> Option<usize> {
    let prefix = &text[TextRange::new(text.line_start(offset), offset)];
    (!prefix.contains('\t')).then(|| prefix.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::apply::apply;

    /// The text after `edits` and the re-indentation they call for.
    fn realigned(text: &str, edits: Vec<Edit>) -> String {
        let parsed = ruff_python_parser::parse_module(text).expect("test source parses");
        let mut all = edits;
        let (_, extra) = realign(text, parsed.tokens(), &all).expect("edits do not overlap");
        all.extend(extra);
        apply(text, &all).expect("edits do not overlap")
    }

    fn range_of(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).expect("needle in text");
        TextRange::at(TextSize::try_from(start).unwrap(), TextSize::of(needle))
    }

    #[test]
    fn aligned_lines_follow_a_longer_callee() {
        let text = "sock = eventlet.listen(addr, family=f,\n                       backlog=b)\n";
        let edit = Edit::replace(range_of(text, "eventlet.listen"), "socket.create_server");
        assert_eq!(
            realigned(text, vec![edit]),
            "sock = socket.create_server(addr, family=f,\n                            backlog=b)\n"
        );
    }

    #[test]
    fn nested_brackets_move_with_their_line() {
        let text = "x = spawn(f, a,\n          g(b,\n            c))\n";
        let edit = Edit::replace(range_of(text, "spawn"), "pool.submit");
        assert_eq!(
            realigned(text, vec![edit]),
            "x = pool.submit(f, a,\n                g(b,\n                  c))\n"
        );
    }

    #[test]
    fn hanging_and_unaligned_lines_stay() {
        let text = "x = spawn(\n    f, a)\ny = spawn(f,\n    a)\n";
        let edits: Vec<Edit> = ["x = spawn(", "y = spawn("]
            .iter()
            .map(|n| {
                let r = range_of(text, n);
                Edit::replace(TextRange::at(r.start() + TextSize::from(4), 5.into()), "go")
            })
            .collect();
        assert_eq!(
            realigned(text, edits),
            "x = go(\n    f, a)\ny = go(f,\n    a)\n"
        );
    }

    #[test]
    fn lines_inside_a_replacement_follow_its_kept_arguments() {
        // The whole call is replaced; its arguments are kept as one slice spanning lines.
        let text = "t = spawn(f,\n          a)\n";
        let call = range_of(text, "spawn(f,\n          a)");
        let args = range_of(text, "f,\n          a");
        let edit = Edit {
            range: call,
            pieces: vec![
                crate::fix::edit::Piece::Text("ex.submit(".into()),
                crate::fix::edit::Piece::Source(args),
                crate::fix::edit::Piece::Text(")".into()),
            ],
        };
        assert_eq!(
            realigned(text, vec![edit]),
            "t = ex.submit(f,\n              a)\n"
        );
    }

    #[test]
    fn a_call_broken_after_its_bracket_ends_the_outer_visual_indent() {
        // `submit(` now ends its line and its arguments hang at 8: the comprehension's
        // `for`, aligned under the list's first token, takes the list's hanging indent.
        let text = "xs = [spawn(f,\n            a)\n      for a in b]\n";
        let call = range_of(text, "spawn(f,\n            a)");
        let args = range_of(text, "f,\n            a");
        let edit = Edit {
            range: call,
            pieces: vec![
                crate::fix::edit::Piece::Text("ex.submit(\n    ".into()),
                crate::fix::edit::Piece::Source(args),
                crate::fix::edit::Piece::Text(")".into()),
            ],
        };
        assert_eq!(
            realigned(text, vec![edit]),
            "xs = [ex.submit(\n    f,\n    a)\n    for a in b]\n"
        );
    }

    #[test]
    fn strings_spanning_lines_are_not_touched() {
        let text = "x = spawn(f, '''a\n          b''',\n          c)\n";
        let edit = Edit::replace(range_of(text, "spawn"), "go");
        assert_eq!(
            realigned(text, vec![edit]),
            "x = go(f, '''a\n          b''',\n       c)\n"
        );
    }
}
