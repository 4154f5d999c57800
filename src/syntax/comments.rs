//! Comments of a module: where they are, and which lines opt out of rewrites.

use std::collections::HashMap;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

/// Sorted comment ranges, from the parser's tokens.
#[derive(Debug, Clone, Default)]
pub struct Comments {
    ranges: Vec<TextRange>,
    /// Line start → what `# eventlet-migrate: ignore[...]` on that line suppresses.
    suppressions: HashMap<TextSize, Suppression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppression {
    All,
    Recipes(Vec<String>),
}

const MARKER: &str = "eventlet-migrate:";

impl Comments {
    pub fn new(text: &str, tokens: &Tokens) -> Comments {
        let ranges: Vec<TextRange> = tokens
            .iter()
            .filter(|t| t.kind() == TokenKind::Comment)
            .map(Ranged::range)
            .collect();
        let mut suppressions = HashMap::new();
        for range in &ranges {
            if let Some(s) = parse_suppression(&text[*range]) {
                suppressions.insert(text.line_start(range.start()), s);
            }
        }
        Comments {
            ranges,
            suppressions,
        }
    }

    /// Comments inside `range`.
    pub fn within(&self, range: TextRange) -> &[TextRange] {
        let start = self.ranges.partition_point(|c| c.start() < range.start());
        let end = self.ranges.partition_point(|c| c.end() <= range.end());
        if start < end {
            &self.ranges[start..end]
        } else {
            &[]
        }
    }

    /// Whether a rewrite by `recipe` of code spanning `range` is suppressed by a comment on
    /// any of its lines (`None`: by any suppression comment at all).
    pub fn suppresses(&self, text: &str, range: TextRange, recipe: Option<&str>) -> bool {
        if self.suppressions.is_empty() {
            return false;
        }
        let mut line = text.line_start(range.start());
        loop {
            match self.suppressions.get(&line) {
                Some(Suppression::All) => return true,
                Some(Suppression::Recipes(ids))
                    if recipe.is_none_or(|recipe| ids.iter().any(|id| id == recipe)) =>
                {
                    return true
                }
                _ => {}
            }
            let next = text.full_line_end(line);
            if next >= range.end() || next == line {
                return false;
            }
            line = next;
        }
    }
}

/// `# eventlet-migrate: ignore` or `# eventlet-migrate: ignore[sleep, monkey-patch]`.
fn parse_suppression(comment: &str) -> Option<Suppression> {
    let body = comment.trim_start_matches('#').trim();
    let at = body.find(MARKER)?;
    let rest = body[at + MARKER.len()..]
        .trim_start()
        .strip_prefix("ignore")?;
    let rest = rest.trim_start();
    if let Some(list) = rest.strip_prefix('[') {
        let list = list.split(']').next()?;
        Some(Suppression::Recipes(
            list.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ))
    } else {
        Some(Suppression::All)
    }
}

/// Pragmas that describe only the code on their own line (`# noqa`, `# type: ignore`):
/// when that code is deleted, they go with it.
pub fn is_line_pragma(comment: &str) -> bool {
    let body = comment
        .trim_start_matches('#')
        .trim_start()
        .to_ascii_lowercase();
    [
        "noqa", "type:", "pylint:", "nosec", "pragma:", "isort:", "fmt:", "flake8:", "mypy:",
        "pyright:", MARKER,
    ]
    .iter()
    .any(|p| body.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments() {
        assert_eq!(
            parse_suppression("# eventlet-migrate: ignore"),
            Some(Suppression::All)
        );
        assert_eq!(
            parse_suppression("# noqa  # eventlet-migrate: ignore[sleep, green-modules]"),
            Some(Suppression::Recipes(vec![
                "sleep".into(),
                "green-modules".into()
            ]))
        );
        assert_eq!(parse_suppression("# eventlet-migrate is great"), None);
        assert!(is_line_pragma("# noqa: E402"));
        assert!(!is_line_pragma("# wait for the peer"));
    }
}
