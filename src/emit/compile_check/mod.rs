//! What CPython's compiler rejects in a module that parses.
//!
//! The parser accepts some programs that CPython's symbol table and compiler refuse:
//! `nonlocal x` with no binding of `x` in an enclosing function, `await` outside an async
//! function, `return`/`yield` outside a function, a name used before its `global`
//! declaration, duplicate parameters, `break` outside a loop, and so on. ruff's
//! [`SemanticSyntaxChecker`] detects these when driven by a visitor that answers its
//! [`SemanticSyntaxContext`] queries; this module is that visitor.
//!
//! Two passes: `ErrorCollector` records, for every scope, the names bound and declared
//! `global`/`nonlocal` there (CPython decides these per scope, whatever the textual order);
//! `Driver` then walks the tree with a frame stack, feeding every statement and expression
//! to the checker before its children.
//!
//! Every answer leans towards accepting: the check runs on every rewritten file, and a false
//! positive would make the tool refuse a valid file.

mod symbols;
use symbols::*;
mod checker;
use checker::*;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::Visitor;
use ruff_python_ast::{ModModule, PythonVersion, Stmt};
use ruff_python_parser::semantic_errors::{SemanticSyntaxChecker, SemanticSyntaxErrorKind};
use ruff_text_size::TextRange;

/// The Python version the checks assume (`PythonVersion::PY311`). Few checks depend on it:
/// async comprehensions inside sync ones are refused before 3.11 only, and walrus/`yield`/
/// `await` in annotations from 3.14 on, `del __debug__` from 3.9.
const TARGET_VERSION: PythonVersion = PythonVersion::PY311;

/// Comprehensions nested deeper than this are not handed to the checker: it walks each
/// comprehension's whole element (nested comprehensions included) and looks up the frame
/// stack, which is quadratic in the nesting. Real code never comes near.
const MAX_CHECKED_COMPREHENSION_DEPTH: usize = 100;

/// One error CPython's compiler would raise (a `SyntaxError` at compile time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub range: TextRange,
    pub message: String,
}

/// What CPython's compiler would reject in a module that parses.
///
/// Errors come sorted by position. The tree may be deeply nested: both passes recurse once
/// per nesting level, so call this on a thread with a large stack for hostile inputs.
pub fn compile_errors(module: &ModModule, source: &str) -> Vec<CompileError> {
    let mut collector = ErrorCollector {
        scopes: vec![SymbolTable::new(TableKind::Module, None)],
        index: HashMap::new(),
        stack: vec![0],
    };
    collector.visit_body(&module.body);

    let mut driver = Driver {
        scopes: collector.scopes,
        index: collector.index,
        frames: vec![Frame {
            kind: FrameKind::Module,
            scope: Some(0),
            loop_depth: 0,
        }],
        checker: SemanticSyntaxChecker::new(),
        source,
        future_annotations: has_future_annotations(&module.body),
        errors: RefCell::new(Vec::new()),
        nonsimple_annotated: HashSet::new(),
        comprehension_depth: 0,
    };
    driver.visit_body(&module.body);

    let Driver {
        errors,
        nonsimple_annotated,
        ..
    } = driver;
    let mut out: Vec<CompileError> = errors
        .into_inner()
        .into_iter()
        .filter(|error| match error.kind {
            // CPython only refuses a *simple* annotated target (`x: int`) declared global;
            // the checker also flags a parenthesised one (`(x): int`).
            SemanticSyntaxErrorKind::AnnotatedGlobal(_) => {
                !nonsimple_annotated.contains(&error.range)
            }
            _ => true,
        })
        .map(|error| CompileError {
            range: error.range,
            message: error.to_string(),
        })
        .collect();
    out.sort_by_key(|error| (error.range.start(), error.range.end()));
    out.dedup();
    out
}

/// `from __future__ import annotations` among the module's leading statements.
fn has_future_annotations(body: &[Stmt]) -> bool {
    body.iter()
        .filter_map(Stmt::as_import_from_stmt)
        .any(|import| {
            import.module.as_deref() == Some("__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| &alias.name == "annotations")
        })
}

// ---------------------------------------------------------------------------------------------
// Pass 1: what each scope binds and declares.
// ---------------------------------------------------------------------------------------------

/// Scopes are keyed by their kind and the range of the node that opens them.
type ScopeIndex = HashMap<(TableKind, TextRange), usize>;

// ---------------------------------------------------------------------------------------------
// Pass 2: drive the checker with a frame stack.
// ---------------------------------------------------------------------------------------------
