//! `--annotate`: a `# TODO(eventlet-migrate): …` comment above each manual item.

use std::collections::BTreeMap;

use ruff_source_file::LineRanges;
use ruff_text_size::TextRange;

use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::syntax::semantic::Semantic;
use crate::syntax::source::{indentation_at, line_ending};

/// The marker of the comments `--annotate` writes.
pub const TODO_MARKER: &str = "# TODO(eventlet-migrate):";

/// `# TODO(eventlet-migrate): [recipe] message` above the statement of each manual item,
/// unless the same line is already there (a second run adds nothing).
pub fn annotations(
    text: &str,
    semantic: &Semantic,
    items: &[Diagnostic],
    edits: &[Edit],
) -> Vec<Edit> {
    let nl = line_ending(text);
    let mut by_line: BTreeMap<ruff_text_size::TextSize, Vec<String>> = BTreeMap::new();
    for item in items {
        let stmt = semantic
            .innermost_stmt(item.range)
            .map_or(item.range, |s| semantic.stmts[s].range);
        let line_start = text.line_start(stmt.start());
        // A statement that an applied edit removes needs no note.
        if edits.iter().any(|e| e.drops(stmt)) {
            continue;
        }
        let indent = indentation_at(text, stmt.start());
        let message = without_positions(&item.message.replace(['\n', '\r'], " "));
        let note = todo_comment(indent, &format!("[{}] {message}", item.recipe), nl);
        // Already annotated by an earlier run: the TODO comments sit right above the statement.
        let present = comment_lines_above(text, line_start).contains(&note);
        let notes = by_line.entry(line_start).or_default();
        if !present && !notes.contains(&note) {
            notes.push(note);
        }
    }
    by_line
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(at, lines)| Edit::insert(at, lines.concat()))
        .collect()
}

/// The widest line `--annotate` writes (OpenStack's limit, as for replacements).
const TODO_WIDTH: usize = 79;

/// `# TODO(eventlet-migrate): text`, wrapped at word boundaries to [`TODO_WIDTH`] columns;
/// continuation lines are indented under the marker. A word longer than a line stays whole.
fn todo_comment(indent: &str, text: &str, nl: &str) -> String {
    let first = format!("{indent}{TODO_MARKER}");
    let next = format!("{indent}#   ");
    let mut out = String::new();
    let mut line = first;
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > TODO_WIDTH {
            out.push_str(&line);
            out.push_str(nl);
            line = next.clone();
            empty = true;
        }
        if !empty || line.ends_with(':') {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push_str(nl);
    out
}

/// The comment lines right above the line starting at `line_start`, as one string.
fn comment_lines_above(text: &str, line_start: ruff_text_size::TextSize) -> &str {
    let mut above = line_start;
    while above > ruff_text_size::TextSize::from(0) {
        let prev_start = text.line_start(above - ruff_text_size::TextSize::from(1));
        if !text[TextRange::new(prev_start, above)]
            .trim_start()
            .starts_with('#')
        {
            break;
        }
        above = prev_start;
    }
    &text[TextRange::new(above, line_start)]
}

/// Drops ` at 12:5` from a message: positions move when lines are added above them, and an
/// annotation must read the same on the next run.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at ") {
        let after = &rest[at + 4..];
        let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
        let line = digits(after);
        let column = after[line..].strip_prefix(':').map_or(0, digits);
        out.push_str(&rest[..at]);
        if line > 0 && column > 0 {
            rest = &after[line + 1 + column..];
        } else {
            out.push_str(" at ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
