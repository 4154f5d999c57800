//! Edits over the original source text.
//!
//! An edit replaces a range with pieces: literal text, or slices of the original source. A
//! slice may itself contain other edits (an argument that holds another match), which are
//! applied inside it; this is how nested rewrites compose without overlapping.

use ruff_text_size::{TextRange, TextSize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Source(TextRange),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub pieces: Vec<Piece>,
}

impl Edit {
    pub fn replace(range: TextRange, text: impl Into<String>) -> Edit {
        Edit {
            range,
            pieces: vec![Piece::Text(text.into())],
        }
    }

    pub fn delete(range: TextRange) -> Edit {
        Edit {
            range,
            pieces: Vec::new(),
        }
    }

    pub fn insert(at: TextSize, text: impl Into<String>) -> Edit {
        Edit::replace(TextRange::empty(at), text)
    }

    /// Source slices this edit copies verbatim.
    pub fn kept(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Source(r) => Some(*r),
            Piece::Text(_) => None,
        })
    }

    /// True when `range` is inside the replaced range and not copied to the output.
    pub fn drops(&self, range: TextRange) -> bool {
        self.range.contains_range(range)
            && !self.range.is_empty()
            && !self.kept().any(|kept| kept.contains_range(range))
    }

    /// Whether `other` lies wholly inside one of the slices this edit keeps.
    pub fn nests(&self, other: &Edit) -> bool {
        // Only slices kept in place count: a piece may also copy text from elsewhere (the
        // target of an appended statement), which does not make edits there nested.
        self != other
            && self.range.contains_range(other.range)
            && self.kept().any(|kept| kept.contains_range(other.range))
    }

    /// Whether two edits touch the same bytes without one nesting in the other.
    pub fn conflicts(&self, other: &Edit) -> bool {
        if self.nests(other) || other.nests(self) {
            return false;
        }
        let (a, b) = (self.range, other.range);
        if a.is_empty() || b.is_empty() {
            // An insertion conflicts only with an edit that strictly surrounds it.
            let (point, span) = if a.is_empty() { (a, b) } else { (b, a) };
            return span.start() < point.start() && point.start() < span.end();
        }
        a.start() < b.end() && b.start() < a.end()
    }
}

/// Adjacent text pieces joined into one.
pub fn merge_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, piece) => out.push(piece),
        }
    }
    out
}
