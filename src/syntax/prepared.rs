//! A file decoded, parsed and resolved once, and why a file could not be.

use ruff_source_file::LineIndex;

use crate::syntax::semantic::Semantic;
use crate::syntax::source::{line_column, SourceText};

/// A file decoded, parsed and resolved once, to be migrated in one context after another
/// while its project is planned.
pub struct Prepared {
    pub(crate) source: SourceText,
    pub(crate) parsed: ruff_python_parser::Parsed<ruff_python_ast::ModModule>,
    pub(crate) semantic: Semantic,
}

/// The words one of which a file must contain for anything in it to be migrated: `eventlet`,
/// and the names of the eventlet-backed library APIs the recipes match
/// (`GreenThreadPoolExecutor`), which a module can use without ever writing `eventlet`.
/// Searched for together, in one pass over a file.
#[derive(Debug, Clone)]
pub struct Needles(aho_corasick::AhoCorasick);

impl Needles {
    pub fn new(words: impl IntoIterator<Item = String>) -> Result<Needles, String> {
        aho_corasick::AhoCorasick::new(words)
            .map(Needles)
            .map_err(|e| format!("the words files are searched for: {e}"))
    }

    pub fn found_in(&self, bytes: &[u8]) -> bool {
        self.0.is_match(bytes)
    }
}

impl Prepared {
    /// `None` for a file that contains none of `needles` (`None`: every file is prepared):
    /// nothing in it to do.
    pub fn new(bytes: &[u8], needles: Option<&Needles>) -> Result<Option<Prepared>, FileError> {
        // Most files of a repository never mention eventlet: skip them before decoding.
        if needles.is_some_and(|n| !n.found_in(bytes)) {
            return Ok(None);
        }
        let source = SourceText::decode(bytes)?;
        if let Some(depth) = too_deep(&source.text) {
            return Err(FileError::TooDeep(depth));
        }
        let text = source.text.as_str();
        let parsed = ruff_python_parser::parse_module(text).map_err(|e| {
            let index = LineIndex::from_source_text(text);
            let (line, column) = line_column(text, &index, e.location.start());
            FileError::Syntax {
                line,
                column,
                message: e.error.to_string(),
            }
        })?;
        let semantic = Semantic::build(parsed.syntax());
        Ok(Some(Prepared {
            source,
            parsed,
            semantic,
        }))
    }

    pub fn module(&self) -> &ruff_python_ast::ModModule {
        self.parsed.syntax()
    }

    pub fn semantic(&self) -> &Semantic {
        &self.semantic
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }
}

/// Why a file could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Read(String),
    #[error("{0}")]
    Decode(#[from] crate::syntax::source::DecodeError),
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("internal error: {0}; file left untouched")]
    Internal(String),
    #[error("expressions nested {0} deep: more than this tool follows; file left untouched")]
    TooDeep(usize),
}

/// The nesting the parser and the visitors recurse through: brackets, and operators chained
/// on one logical line. Returns it when over the limit, so a pathological file is reported
/// instead of overflowing the stack. Strings and comments are counted too: the estimate only
/// errs on the side of caution, far beyond what real code does.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    const LIMIT: usize = 100_000;
    // Each level takes at least a byte: a shorter text cannot be that deep.
    if text.len() <= LIMIT {
        return None;
    }
    let (mut brackets, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                brackets += 1;
                deepest = deepest.max(brackets);
            }
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'@' | b'<' | b'>' | b'.' => {
                operators += 1;
                deepest = deepest.max(operators);
            }
            b'\n' if brackets == 0 => operators = 0,
            _ => {}
        }
    }
    (deepest > LIMIT).then_some(deepest)
}
