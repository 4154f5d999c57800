//! Module-level definitions a replacement names (a threading WSGI server class): written
//! once per file, above the first top-level statement that uses one (and the comment lines
//! that belong to it), with the two blank lines pycodestyle asks for around a definition.

use std::collections::{BTreeMap, HashSet};

use ruff_python_ast::Stmt;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::Definition;
use crate::fix::Fix;
use crate::syntax::source::line_ending;

/// The insertions, and the fixes whose definition would come before an import it needs
/// (new imports placed below the use): those cannot be applied.
pub struct Placed {
    pub edits: Vec<Edit>,
    pub misplaced: Vec<usize>,
}

pub fn place(
    text: &str,
    body: &[Stmt],
    fixes: &[Fix],
    import_anchors: &HashSet<TextSize>,
) -> Placed {
    // Each definition (by name) at the first top-level statement using it.
    let mut first: BTreeMap<&str, (TextSize, &Definition, Vec<usize>)> = BTreeMap::new();
    let mut misplaced = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        for definition in &fix.defines {
            // Outside every top-level statement there is nowhere to put it above the use.
            let Some(at) = insertion_point(text, body, fix.range) else {
                misplaced.push(i);
                continue;
            };
            let entry =
                first
                    .entry(definition.name.as_str())
                    .or_insert((at, definition, Vec::new()));
            entry.0 = entry.0.min(at);
            entry.2.push(i);
        }
    }
    let mut by_offset: BTreeMap<TextSize, Vec<&Definition>> = BTreeMap::new();
    for (at, definition, users) in first.into_values() {
        if import_anchors.iter().any(|&anchor| anchor > at) {
            misplaced.extend(users);
        } else {
            by_offset.entry(at).or_default().push(definition);
        }
    }
    let nl = line_ending(text);
    let edits = by_offset
        .into_iter()
        .map(|(at, definitions)| {
            let mut insert = nl.repeat(2usize.saturating_sub(blank_lines_above(text, at)));
            for definition in definitions {
                insert.push_str(&definition.text.replace('\n', nl));
                insert.push_str(&nl.repeat(2));
            }
            Edit::insert(at, insert)
        })
        .collect();
    misplaced.sort_unstable();
    misplaced.dedup();
    Placed { edits, misplaced }
}

/// The start of the top-level statement holding `range`, or of the comment lines right
/// above it.
fn insertion_point(text: &str, body: &[Stmt], range: TextRange) -> Option<TextSize> {
    let stmt = body.iter().find(|s| s.range().contains_range(range))?;
    let mut at = text.line_start(stmt.start());
    while at > TextSize::from(0) {
        let previous = text.line_start(at - TextSize::from(1));
        if !text[TextRange::new(previous, at)]
            .trim_start()
            .starts_with('#')
        {
            break;
        }
        at = previous;
    }
    Some(at)
}

/// Blank lines right above `at` (a line start); two when nothing is above.
fn blank_lines_above(text: &str, at: TextSize) -> usize {
    let above = crate::plan::removal::blank_lines_above(text, at);
    let first = above.last().map_or(at, |line| line.start());
    if first == TextSize::from(0) {
        2
    } else {
        above.len()
    }
}
