//! Removing whole statements the way a person would: the line goes, `pass` stands in for a
//! block that would become empty, and the blank lines around a removed group collapse.

use std::collections::{BTreeSet, HashSet};

use ruff_source_file::LineRanges;
use ruff_text_size::{TextLen, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::syntax::comments::{is_line_pragma, Comments};
use crate::syntax::semantic::{Semantic, StmtId};
use crate::syntax::source::{indentation_at, is_blank_line, line_ending, starts_line};

/// The edits that remove `removed`, and the statements whose removal had to move a comment
/// (those rewrites need review).
pub struct Removal {
    pub edits: Vec<Edit>,
    pub moved_comments: Vec<StmtId>,
}

/// `anchors` are offsets where other edits insert text: a removal starting there is a
/// replacement, and its surrounding blank lines stay as they are.
pub fn remove_statements(
    text: &str,
    semantic: &Semantic,
    comments: &Comments,
    removed: &BTreeSet<StmtId>,
    anchors: &HashSet<TextSize>,
) -> Removal {
    let mut removal = Removal {
        edits: Vec::new(),
        moved_comments: Vec::new(),
    };
    let cx = Remover {
        text,
        semantic,
        comments,
        anchors,
        nl: line_ending(text),
    };
    // Full-line deletions, merged into runs afterwards for the blank-line rule.
    let mut line_deletions: Vec<TextRange> = Vec::new();
    let bodies: BTreeSet<usize> = removed.iter().map(|&s| semantic.stmts[s].body).collect();
    for body_id in bodies {
        let body = &semantic.bodies[body_id];
        let mut to_remove: Vec<StmtId> = body
            .stmts
            .iter()
            .copied()
            .filter(|s| removed.contains(s))
            .collect();
        if !body.is_module && to_remove.len() == body.stmts.len() {
            // A block cannot be empty: the first statement becomes `pass`.
            let first = to_remove.remove(0);
            cx.pass_instead(first, &mut removal);
        }
        for (i, &sid) in to_remove.iter().enumerate() {
            cx.remove_one(
                body,
                (sid, &to_remove[..i]),
                &mut removal,
                &mut line_deletions,
            );
        }
    }
    delete_runs(text, line_deletions, anchors, &mut removal.edits);
    removal
}

/// What removing statements reads.
struct Remover<'a> {
    text: &'a str,
    semantic: &'a Semantic,
    comments: &'a Comments,
    anchors: &'a HashSet<TextSize>,
    nl: &'a str,
}

impl Remover<'_> {
    /// The statement becomes `pass` (the block it is alone in cannot be empty); its
    /// comments stay above it.
    fn pass_instead(&self, first: StmtId, removal: &mut Removal) {
        let (text, nl) = (self.text, self.nl);
        let range = self.semantic.stmts[first].range;
        let kept = keep_comments(text, self.comments, range, nl);
        if !kept.is_empty() {
            removal.moved_comments.push(first);
        }
        if !kept.is_empty() && starts_line(text, range.start()) {
            let indent = indentation_at(text, range.start());
            removal.edits.push(Edit::insert(
                text.line_start(range.start()),
                kept.replace("\0", indent),
            ));
        }
        removal.edits.push(Edit::replace(range, "pass"));
    }

    /// One statement of `body` removed: its whole lines (with the comment that describes
    /// it), or itself and a semicolon, or `pass` in its place. `earlier`: the statements of
    /// the body removed before it.
    fn remove_one(
        &self,
        body: &crate::syntax::semantic::Body,
        (sid, earlier): (StmtId, &[StmtId]),
        removal: &mut Removal,
        line_deletions: &mut Vec<TextRange>,
    ) {
        let (text, semantic, comments, anchors, nl) = (
            self.text,
            self.semantic,
            self.comments,
            self.anchors,
            self.nl,
        );
        let edits = &mut removal.edits;
        let moved_comments = &mut removal.moved_comments;
        let range = semantic.stmts[sid].range;
        let position = body.stmts.iter().position(|&s| s == sid).unwrap_or(0);
        let next = body
            .stmts
            .get(position + 1)
            .map(|&s| semantic.stmts[s].range);
        let previous = position
            .checked_sub(1)
            .map(|p| semantic.stmts[body.stmts[p]].range);
        let line_end = text.line_end(range.end());
        let after = &text[TextRange::new(range.end(), line_end)];
        let after_trimmed = after.trim_start_matches([' ', '\t', '\x0c']);
        let alone = starts_line(text, range.start())
            && (after_trimmed.is_empty() || after_trimmed.starts_with('#'));
        let inner = keep_comments(text, comments, range, nl);
        if !inner.is_empty() {
            moved_comments.push(sid);
        }
        if alone {
            let indent = indentation_at(text, range.start());
            let mut replacement = inner.replace("\0", indent);
            if after_trimmed.starts_with('#') && !is_line_pragma(after_trimmed) {
                // A trailing comment says something about the code: keep it on its own line.
                replacement.push_str(indent);
                replacement.push_str(after_trimmed.trim_end());
                replacement.push_str(nl);
                moved_comments.push(sid);
            }
            let mut first_line = text.line_start(range.start());
            if replacement.is_empty() && !anchors.contains(&first_line) {
                // The comment that introduces a statement standing alone in its
                // paragraph describes it: it goes too.
                if let Some(comment) = describing_comment(text, comments, range, indent) {
                    first_line = comment;
                }
            }
            let lines = TextRange::new(first_line, text.full_line_end(range.end()));
            if replacement.is_empty() {
                line_deletions.push(lines);
            } else {
                edits.push(Edit::replace(lines, replacement));
            }
        } else if let Some(next) = next.filter(|n| {
            text[TextRange::new(range.end(), n.start())]
                .trim()
                .starts_with(';')
        }) {
            // `a; b` → `b`: the statement, its semicolon and the space after it.
            edits.push(Edit::delete(TextRange::new(range.start(), next.start())));
        } else if let Some(previous) = previous.filter(|p| {
            text[TextRange::new(p.end(), range.start())].trim() == ";"
                && !earlier.contains(&body.stmts[position - 1])
        }) {
            edits.push(Edit::delete(TextRange::new(previous.end(), range.end())));
        } else {
            edits.push(Edit::replace(range, "pass"));
        }
    }
}

/// The full-line deletions merged into runs (apart only by blank lines, one run), each
/// taking the blank lines it leaves in surplus, unless other edits insert text there.
fn delete_runs(
    text: &str,
    mut line_deletions: Vec<TextRange>,
    anchors: &HashSet<TextSize>,
    edits: &mut Vec<Edit>,
) {
    line_deletions.sort_by_key(|r| r.start());
    let mut runs: Vec<TextRange> = Vec::new();
    for range in line_deletions {
        // Runs apart only by blank lines are one run: each would otherwise trim the same
        // blank lines between them.
        match runs.last_mut() {
            Some(last) if is_blank_gap(text, last.end(), range.start()) => {
                *last = last.cover(range);
            }
            _ => runs.push(range),
        }
    }
    for run in runs {
        edits.push(Edit::delete(run));
        if !anchors.contains(&run.start()) {
            if let Some(extra) = surplus_blank_lines(text, run) {
                edits.push(Edit::delete(extra));
            }
        }
    }
}

/// The start of the comment lines right above the statement at `range` (same indentation,
/// no pragma, not the comments that open the file), when the statement ends its paragraph
/// (a blank line, a dedent or the end of the file follows): together they read as one note
/// and its code.
fn describing_comment(
    text: &str,
    comments: &Comments,
    range: TextRange,
    indent: &str,
) -> Option<TextSize> {
    let next_start = text.full_line_end(range.end());
    if next_start < text.text_len() {
        let next = text.line_str(next_start);
        let next_indent = &next[..next.len() - next.trim_start().len()];
        if !is_blank_line(next) && next_indent.len() >= indent.len() {
            return None;
        }
    }
    let mut start = text.line_start(range.start());
    let mut found = None;
    while let Some(above) = previous_line_start(text, start) {
        let line = text.line_str(above);
        let body = line.trim_start();
        let comment = TextRange::at(
            above + TextSize::of(&line[..line.len() - body.len()]),
            TextSize::of(body.trim_end()),
        );
        // A real comment token (not a line of a string), at the statement's indentation.
        if !body.starts_with('#')
            || &line[..line.len() - body.len()] != indent
            || comments.within(comment).is_empty()
        {
            break;
        }
        if is_line_pragma(body.trim_end()) {
            return None;
        }
        start = above;
        found = Some(above);
    }
    // Comments opening the file speak for the module (a licence, a summary), not for this.
    let code_above = text[TextRange::up_to(start)]
        .lines()
        .any(|l| !is_blank_line(l) && !l.trim_start().starts_with('#'));
    found.filter(|_| code_above)
}

/// Whether only blank lines lie between `end` and `start`.
fn is_blank_gap(text: &str, end: TextSize, start: TextSize) -> bool {
    end <= start && text[TextRange::new(end, start)].lines().all(is_blank_line)
}

/// Comments inside a removed statement, as lines to keep (`\0` stands for the indentation).
fn keep_comments(text: &str, comments: &Comments, range: TextRange, nl: &str) -> String {
    let mut out = String::new();
    for comment in comments.within(range) {
        out.push('\0');
        out.push_str(&text[*comment]);
        out.push_str(nl);
    }
    out
}

/// When a removed run of lines had blank lines both above and below, the two groups of blank
/// lines would merge: keep only the larger one (start and end of file count as infinitely
/// many blank lines, so no blank line is left there).
fn surplus_blank_lines(text: &str, run: TextRange) -> Option<TextRange> {
    let above = blank_lines_above(text, run.start());
    let below = blank_lines_below(text, run.end());
    let first_kept = above.last().map_or(run.start(), |r| r.start());
    let at_start = first_kept == TextSize::from(0) || opens_block(text, first_kept);
    let at_end = below.last().map_or(run.end(), |r| r.end()) == text.text_len();
    let (lines, from_below) = match (at_start, at_end) {
        (true, true) => return None,
        (true, false) => (below.len(), true),
        (false, true) => (above.len(), false),
        (false, false) => (above.len().min(below.len()), true),
    };
    if lines == 0 {
        return None;
    }
    Some(if from_below {
        TextRange::new(run.end(), below[lines - 1].end())
    } else {
        TextRange::new(above[lines - 1].start(), run.start())
    })
}

/// The blank lines right above the line starting at `offset`, nearest first.
pub(crate) fn blank_lines_above(text: &str, mut offset: TextSize) -> Vec<TextRange> {
    let mut out = Vec::new();
    while let Some(start) = previous_line_start(text, offset) {
        let line = TextRange::new(start, offset);
        if !is_blank_line(&text[line]) {
            break;
        }
        out.push(line);
        offset = start;
    }
    out
}

/// The start of the line before the one starting at `offset` (CRLF-safe).
fn previous_line_start(text: &str, offset: TextSize) -> Option<TextSize> {
    let end = usize::from(offset).checked_sub(1)?;
    let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    Some(TextSize::try_from(start).unwrap_or_default())
}

/// Whether the code line just above `offset` opens a block (`def f():`): blank lines right
/// after it are as out of place as blank lines at the start of the file.
fn opens_block(text: &str, offset: TextSize) -> bool {
    let Some(start) = previous_line_start(text, offset) else {
        return false;
    };
    let line = text[TextRange::new(start, offset)].trim_end();
    let code = line.split(" #").next().unwrap_or(line).trim_end();
    code.ends_with(':')
}

fn blank_lines_below(text: &str, mut offset: TextSize) -> Vec<TextRange> {
    let mut out = Vec::new();
    while offset < text.text_len() {
        let end = text.full_line_end(offset);
        let line = TextRange::new(offset, end);
        if !is_blank_line(&text[line]) {
            break;
        }
        out.push(line);
        offset = end;
    }
    out
}
