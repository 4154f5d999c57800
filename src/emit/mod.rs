//! Applying a settled plan to one file: its edits laid out and applied, the new text
//! re-parsed and compiled.

pub mod align;
pub mod annotate;
pub mod apply;
pub mod compile_check;
pub mod regroup;
pub mod wrap;

use std::collections::BTreeSet;

use ruff_source_file::LineIndex;

use crate::emit::apply::apply;
use crate::plan::migration::Migration;
use crate::syntax::prepared::{FileError, Prepared};
use crate::syntax::source::line_column;

/// Applies a decided migration's edits to the file's text: the new contents, checked to
/// parse and compile. A failure is a bug of the tool: the file is left untouched.
pub fn emit(prepared: &Prepared, migration: &mut Migration) -> Result<(), FileError> {
    let source = &prepared.source;
    let text = source.text.as_str();
    lay_out(prepared, migration);
    if migration.edits.is_empty() {
        return Ok(());
    }
    let internal = |e: crate::emit::apply::OverlapError| FileError::Internal(e.to_string());
    let (new_text, realigned) =
        crate::emit::align::realign(text, prepared.parsed.tokens(), &migration.edits)
            .map_err(internal)?;
    let new_text = if realigned.is_empty() {
        new_text
    } else {
        migration.edits.extend(realigned);
        apply(text, &migration.edits).map_err(internal)?
    };
    if new_text == text {
        migration.edits.clear();
        return Ok(());
    }
    let reparsed = match crate::trace::timed("reparse output", || {
        ruff_python_parser::parse_module(&new_text)
    }) {
        Ok(parsed) => parsed,
        Err(error) => {
            let index = LineIndex::from_source_text(&new_text);
            let (line, column) = line_column(&new_text, &index, error.location.start());
            return Err(FileError::Internal(format!(
                "the rewritten file would not parse ({line}:{column}: {})",
                error.error
            )));
        }
    };
    crate::trace::timed("compile check", || {
        check_compiles(text, prepared.parsed.syntax(), &new_text, reparsed.syntax())
    })?;
    migration.output = Some(source.encode(&new_text).ok_or_else(|| {
        FileError::Internal(
            "the rewritten text does not fit the file's declared encoding".to_string(),
        )
    })?);
    Ok(())
}

/// What CPython's compiler rejects beyond the grammar (`nonlocal` without a binding, `await`
/// outside `async def`, …) must not appear in a rewrite: an error the original did not have
/// leaves the file untouched and is reported as an internal error.
fn check_compiles(
    old_text: &str,
    old: &ruff_python_ast::ModModule,
    new_text: &str,
    new: &ruff_python_ast::ModModule,
) -> Result<(), FileError> {
    let after = crate::emit::compile_check::compile_errors(new, new_text);
    if after.is_empty() {
        return Ok(());
    }
    let before: BTreeSet<String> = crate::emit::compile_check::compile_errors(old, old_text)
        .into_iter()
        .map(|e| e.message)
        .collect();
    match after.iter().find(|e| !before.contains(&e.message)) {
        None => Ok(()),
        Some(error) => {
            let index = LineIndex::from_source_text(new_text);
            let (line, column) = line_column(new_text, &index, error.range.start());
            Err(FileError::Internal(format!(
                "the rewritten file would not compile ({line}:{column}: {})",
                error.message
            )))
        }
    }
}

/// The plan's edits in the order they apply: the fixes' own, wrapped where a replacement
/// makes its line too long, and regrouped where rewrites that share a line were each wrapped
/// on their own (their display breaks instead); then imports, definitions and removals;
/// then `--annotate`'s comments.
fn lay_out(prepared: &Prepared, migration: &mut Migration) {
    let layout = std::mem::take(&mut migration.layout);
    let text = prepared.text();
    let mut edits = layout.fixes;
    let mut unwrapped = Vec::new();
    for edit in layout.wrap {
        let wrapped = wrap::wrap_long_line(text, edit.range, edit.pieces.clone());
        if wrapped == edit.pieces {
            continue;
        }
        for e in edits.iter_mut().filter(|e| **e == edit) {
            e.pieces = wrapped.clone();
        }
        unwrapped.push(edit);
    }
    regroup::regroup(text, &prepared.module().body, &mut edits, &unwrapped);
    edits.extend(layout.placed);
    if !layout.annotate.is_empty() {
        let notes = annotate::annotations(text, prepared.semantic(), &layout.annotate, &edits);
        edits.extend(notes);
    }
    migration.edits = edits;
}
