//! Applying edits in one pass over the original text.

use ruff_text_size::{TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::edit::Piece;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edits overlap at {0:?} and {1:?}")]
pub struct OverlapError(pub TextRange, pub TextRange);

/// Applies `edits` to `source`: untouched bytes are copied verbatim; nested edits are applied
/// inside the source slices of the edit that contains them. Insertions at the same offset
/// keep their given order.
pub fn apply(source: &str, edits: &[Edit]) -> Result<String, OverlapError> {
    apply_mapped(source, edits, None)
}

/// A slice of the original copied to the output: `old` lands at offset `new`. `in_place` is
/// false for a slice an edit copies from somewhere else than the range it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub old: TextRange,
    pub new: TextSize,
    pub in_place: bool,
}

/// [`apply`], also recording in `copied` where each untouched slice of the original landed.
pub fn apply_mapped(
    source: &str,
    edits: &[Edit],
    copied: Option<&mut Vec<Copied>>,
) -> Result<String, OverlapError> {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    // Insertions before replacements at the same offset; an enclosing edit before those it nests.
    order.sort_by_key(|&i| {
        let range = edits[i].range;
        (
            range.start(),
            !range.is_empty(),
            std::cmp::Reverse(range.end()),
            i,
        )
    });
    let sorted: Vec<&Edit> = order.iter().map(|&i| &edits[i]).collect();
    let mut out = String::with_capacity(source.len() + 64);
    let mut sink = Sink {
        out: &mut out,
        copied,
    };
    emit(
        source,
        TextRange::up_to(TextSize::of(source)),
        true,
        &sorted,
        &mut sink,
    )?;
    Ok(out)
}

/// The output being written, and where copied slices landed when that is wanted.
struct Sink<'a> {
    out: &'a mut String,
    copied: Option<&'a mut Vec<Copied>>,
}

impl Sink<'_> {
    fn copy(&mut self, source: &str, old: TextRange, in_place: bool) {
        if old.is_empty() {
            return;
        }
        if let Some(copied) = self.copied.as_deref_mut() {
            copied.push(Copied {
                old,
                new: TextSize::of(self.out.as_str()),
                in_place,
            });
        }
        self.out.push_str(&source[old]);
    }
}

/// Emits `span` of `source` with the edits that fall inside it.
fn emit(
    source: &str,
    span: TextRange,
    in_place: bool,
    edits: &[&Edit],
    out: &mut Sink<'_>,
) -> Result<(), OverlapError> {
    let mut cursor = span.start();
    let mut i = 0;
    while i < edits.len() {
        let edit = edits[i];
        if edit.range.start() < cursor {
            return Err(OverlapError(edits[i - 1].range, edit.range));
        }
        // Edits nested in this one's kept slices are applied while emitting those slices.
        let mut j = i + 1;
        while j < edits.len() && edits[j].range.start() < edit.range.end() {
            if !edit.nests(edits[j]) {
                return Err(OverlapError(edit.range, edits[j].range));
            }
            j += 1;
        }
        out.copy(source, TextRange::new(cursor, edit.range.start()), in_place);
        let nested = &edits[i + 1..j];
        for piece in &edit.pieces {
            match piece {
                Piece::Text(text) => out.out.push_str(text),
                Piece::Source(range) => {
                    let inner: Vec<&Edit> = nested
                        .iter()
                        .copied()
                        .filter(|e| range.contains_range(e.range))
                        .collect();
                    let here = in_place && edit.range.contains_range(*range);
                    emit(source, *range, here, &inner, out)?;
                }
            }
        }
        cursor = edit.range.end();
        i = j;
    }
    out.copy(source, TextRange::new(cursor, span.end()), in_place);
    Ok(())
}

/// Checks that every byte of `original` outside the top-level `edits` is in `output`, in
/// order: the promise that formatting outside an edit is never touched. For tests.
pub fn check_untouched(original: &str, output: &str, edits: &[Edit]) -> Result<(), String> {
    let mut top: Vec<&Edit> = edits
        .iter()
        .filter(|e| !edits.iter().any(|o| o.nests(e)))
        .collect();
    top.sort_by_key(|e| {
        (
            e.range.start(),
            !e.range.is_empty(),
            std::cmp::Reverse(e.range.end()),
        )
    });
    let (mut pos_in, mut pos_out) = (0usize, 0usize);
    for edit in top {
        let start = usize::from(edit.range.start());
        let gap = &original[pos_in..start];
        if !output[pos_out..].starts_with(gap) {
            return Err(format!(
                "bytes {pos_in}..{start} of the original changed outside any edit"
            ));
        }
        pos_out += gap.len();
        // What this edit writes, with the edits nested in it.
        let own: Vec<Edit> = edits
            .iter()
            .filter(|e| *e == edit || edit.nests(e))
            .cloned()
            .collect();
        let alone = apply(original, &own).map_err(|e| e.to_string())?;
        pos_out += alone.len() - (original.len() - usize::from(edit.range.end())) - start;
        pos_in = usize::from(edit.range.end());
    }
    if output.get(pos_out..) != original.get(pos_in..) {
        return Err("the tail of the file after the last edit changed".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: u32, b: u32) -> TextRange {
        TextRange::new(a.into(), b.into())
    }

    #[test]
    fn copies_untouched_bytes() {
        let src = "a = f(1)\r\n\tb\n";
        let out = apply(src, &[Edit::replace(r(4, 5), "g")]).unwrap();
        assert_eq!(out, "a = g(1)\r\n\tb\n");
    }

    #[test]
    fn nested_edits_apply_inside_kept_slices() {
        // f(g(1)) -> F(G(1)): the outer edit keeps the argument, whose callee is edited too.
        let src = "f(g(1))";
        let outer = Edit {
            range: r(0, 7),
            pieces: vec![
                Piece::Text("F(".into()),
                Piece::Source(r(2, 6)),
                Piece::Text(")".into()),
            ],
        };
        let inner = Edit::replace(r(2, 3), "G");
        assert_eq!(apply(src, &[outer, inner]).unwrap(), "F(G(1))");
    }

    #[test]
    fn insertions_keep_their_order_and_overlaps_are_rejected() {
        let src = "x\n";
        let out = apply(
            src,
            &[Edit::insert(0.into(), "a\n"), Edit::insert(0.into(), "b\n")],
        )
        .unwrap();
        assert_eq!(out, "a\nb\nx\n");
        assert!(apply("abcdef", &[Edit::delete(r(0, 3)), Edit::delete(r(2, 4))]).is_err());
    }
}
