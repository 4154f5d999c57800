//! Replacements that would push a line past 79 columns are wrapped the way a person would.
//! Only template text is touched: the user's own text (source pieces) is copied as it is,
//! and lines the user had aligned under a bracket follow it ([`crate::align`]).
//!
//! In order of preference: a hanging indent after the template's outermost call, then one
//! argument a line, then a hanging indent after the last bracket that encloses the rest of
//! the line, then breaking a comprehension argument before its `for`. A replacement that already spans
//! lines (the user's arguments are on several) breaks after the last bracket still open at
//! the end of its first line, when that line is too long.

use ruff_source_file::LineRanges;
use ruff_text_size::TextRange;

use crate::edit::Piece;
use crate::source::{indentation_at, line_ending};

/// The longest line OpenStack's style checks accept.
pub const MAX_LINE: usize = 79;

pub fn wrap_long_line(text: &str, range: TextRange, pieces: Vec<Piece>) -> Vec<Piece> {
    if pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(t) if t.contains('\n')))
    {
        return pieces;
    }
    let Some(layout) = Layout::new(text, range, &pieces) else {
        return pieces;
    };
    let wrapped = match layout.user_break() {
        Some(newline) => layout.wrap_first_line(newline),
        None => layout.wrap_single_line(),
    };
    wrapped.unwrap_or(pieces)
}

/// Template characters (with their bracket depth; `code` is false inside string literals)
/// and opaque user text (with its width up to its first line break).
enum Token<'t> {
    Char(char, usize, bool),
    User(&'t Piece, usize, bool),
}

impl Token<'_> {
    fn width(&self) -> usize {
        match self {
            Token::Char(..) => 1,
            Token::User(_, n, _) => *n,
        }
    }

    fn opens(&self) -> bool {
        matches!(self, Token::Char('(' | '[' | '{', _, true))
    }
}

struct Layout<'t> {
    text: &'t str,
    tokens: Vec<Token<'t>>,
    /// Each opening bracket's closing one (`tokens.len()` when it does not close).
    closers: Vec<usize>,
    /// Columns before the replacement on its first line, after it on its last.
    before: usize,
    after: usize,
    indent: String,
    nl: &'static str,
}

impl<'t> Layout<'t> {
    fn new(text: &'t str, range: TextRange, pieces: &'t [Piece]) -> Option<Self> {
        let line_start = text.line_start(range.start());
        let line_end = text.line_end(range.end());
        let before = text[TextRange::new(line_start, range.start())]
            .chars()
            .count();
        let rest = &text[TextRange::new(range.end(), line_end)];
        // The header of a compound statement (`for x in map(...):`) takes a double hanging
        // indent, so its continuation lines do not line up with its body (pycodestyle's E125).
        let code = rest.split('#').next().unwrap_or_default();
        let extra = if code.trim_end().ends_with(':') {
            "        "
        } else {
            "    "
        };
        let mut tokens: Vec<Token<'_>> = Vec::new();
        let (mut depth, mut quote) = (0usize, None::<char>);
        for piece in pieces {
            match piece {
                Piece::Source(r) => {
                    let user = &text[*r];
                    let first_line = user.split('\n').next().unwrap_or_default();
                    tokens.push(Token::User(
                        piece,
                        first_line.trim_end_matches('\r').chars().count(),
                        user.contains('\n'),
                    ));
                }
                Piece::Text(t) => {
                    for c in t.chars() {
                        let code = quote.is_none() && !matches!(c, '\'' | '"');
                        match (quote, c) {
                            (Some(q), c) if c == q => quote = None,
                            (Some(_), _) => {}
                            (None, '\'' | '"') => quote = Some(c),
                            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                        tokens.push(Token::Char(c, depth, code));
                        if code && matches!(c, '(' | '[' | '{') {
                            depth += 1;
                        }
                    }
                }
            }
        }
        if quote.is_some() {
            return None;
        }
        let closers = closers(&tokens);
        Some(Layout {
            text,
            tokens,
            closers,
            before,
            after: rest.chars().count(),
            indent: format!("{}{extra}", indentation_at(text, range.start())),
            nl: line_ending(text),
        })
    }

    /// The first user piece that spans lines.
    fn user_break(&self) -> Option<usize> {
        self.tokens
            .iter()
            .position(|t| matches!(t, Token::User(_, _, true)))
    }

    fn width(&self, tokens: std::ops::Range<usize>) -> usize {
        self.tokens[tokens].iter().map(Token::width).sum()
    }

    fn indent_width(&self) -> usize {
        self.indent.chars().count()
    }

    /// The user's arguments span lines and the first is too long: break after the last
    /// bracket still open where the user's first line ends, when both halves then fit.
    fn wrap_first_line(&self, newline: usize) -> Option<Vec<Piece>> {
        let first_line = self.before + self.width(0..newline + 1);
        if first_line <= MAX_LINE {
            return None;
        }
        let open = (0..newline).rev().find(|&at| {
            self.tokens[at].opens()
                && self.closers[at] > newline
                && self.before + self.width(0..at + 1) <= MAX_LINE
                && self.indent_width() + self.width(at + 1..newline + 1) <= MAX_LINE
        })?;
        Some(self.break_after(open))
    }

    fn wrap_single_line(&self) -> Option<Vec<Piece>> {
        let total = self.before + self.width(0..self.tokens.len()) + self.after;
        if total <= MAX_LINE {
            return None;
        }
        let outermost = self.outermost_call()?;
        let hanging = self.break_after(outermost);
        if self.fits(&hanging) {
            return Some(hanging);
        }
        let per_argument = self.render(outermost, true, false);
        if self.fits(&per_argument) {
            return Some(per_argument);
        }
        if let Some(enclosing) = self.last_enclosing_bracket() {
            return Some(self.break_after(enclosing));
        }
        Some(self.render(outermost, true, true))
    }

    /// The outermost call whose arguments are the longest.
    fn outermost_call(&self) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (at, token) in self.tokens.iter().enumerate() {
            if let Token::Char('(', 0, true) = token {
                let len = self.width(at + 1..self.closers[at].min(self.tokens.len()));
                if best.is_none_or(|(_, l)| len > l) {
                    best = Some((at, len));
                }
            }
        }
        best.map(|(at, _)| at)
    }

    /// The last bracket whose closing bracket is followed only by closing brackets (it holds
    /// the rest of the line), breaking after which makes both lines fit.
    fn last_enclosing_bracket(&self) -> Option<usize> {
        let end = self.tokens.len();
        (0..end).rev().find(|&at| {
            let close = self.closers[at];
            self.tokens[at].opens()
                && close < end
                && self.tokens[close + 1..]
                    .iter()
                    .all(|t| matches!(t, Token::Char(')' | ']' | '}', _, true)))
                && self.before + self.width(0..at + 1) <= MAX_LINE
                && self.indent_width() + self.width(at + 1..end) + self.after <= MAX_LINE
        })
    }

    /// Every line of `pieces` (the first after the text before the replacement, the last
    /// before the text after it) fits.
    fn fits(&self, pieces: &[Piece]) -> bool {
        let rendered = self.as_text(pieces);
        let lines: Vec<&str> = rendered.split('\n').collect();
        lines.iter().enumerate().all(|(i, l)| {
            let before = if i == 0 { self.before } else { 0 };
            let after = if i + 1 == lines.len() { self.after } else { 0 };
            before + l.trim_end_matches('\r').chars().count() + after <= MAX_LINE
        })
    }

    fn as_text(&self, pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                Piece::Source(r) => &self.text[*r],
            })
            .collect()
    }

    /// A hanging indent after the bracket at `open`.
    fn break_after(&self, open: usize) -> Vec<Piece> {
        let mut out: Vec<Piece> = Vec::new();
        let mut skip_space = false;
        for (at, token) in self.tokens.iter().enumerate() {
            match token {
                Token::Char(' ', _, true) if skip_space => continue,
                Token::Char(c, _, _) => out.push(Piece::Text(c.to_string())),
                Token::User(piece, ..) => out.push((*piece).clone()),
            }
            skip_space = at == open;
            if skip_space {
                out.push(Piece::Text(format!("{}{}", self.nl, self.indent)));
            }
        }
        merge_text(out)
    }

    /// A hanging indent after the call at `open`; with `one_per_line`, each of its
    /// arguments on a line of its own; with `comprehensions`, a comprehension argument
    /// broken before its `for` too.
    fn render(&self, open: usize, one_per_line: bool, comprehensions: bool) -> Vec<Piece> {
        let close = self.closers[open];
        let (nl, indent) = (self.nl, &self.indent);
        let mut out: Vec<Piece> = Vec::new();
        let mut skip_space = false;
        for (at, token) in self.tokens.iter().enumerate() {
            match token {
                Token::User(piece, ..) => out.push((*piece).clone()),
                Token::Char(' ', _, true) if skip_space => {}
                Token::Char(' ', 2, true) if comprehensions && self.comprehension_for(at) => {
                    out.push(Piece::Text(format!("{nl}{indent} ")));
                }
                Token::Char(c, depth, code) => {
                    out.push(Piece::Text(c.to_string()));
                    let argument_end = one_per_line
                        && at > open
                        && at < close
                        && *c == ','
                        && *depth == 1
                        && *code;
                    if at == open || argument_end {
                        out.push(Piece::Text(format!("{nl}{indent}")));
                        skip_space = true;
                        continue;
                    }
                }
            }
            skip_space = false;
        }
        merge_text(out)
    }

    /// ` for ` of a comprehension that is itself an argument (`[f(x) for x in xs]`): where
    /// a still too long argument breaks, aligned inside its bracket.
    fn comprehension_for(&self, at: usize) -> bool {
        let tokens = &self.tokens;
        let starts_argument = (1..at).rev().find_map(|i| match &tokens[i] {
            Token::Char('[', 1, true) => Some(
                matches!(tokens[i - 1], Token::Char(',' | '(', 1 | 0, true))
                    || matches!(tokens[i - 1], Token::Char(' ', 1, true)),
            ),
            Token::Char(_, d, _) if *d >= 2 => None,
            Token::User(..) => None,
            _ => Some(false),
        });
        starts_argument == Some(true)
            && "for ".chars().enumerate().all(
                |(k, c)| matches!(tokens.get(at + 1 + k), Some(Token::Char(t, 2, true)) if *t == c),
            )
    }
}

/// For each opening bracket of the template, the index of its closing bracket.
fn closers(tokens: &[Token<'_>]) -> Vec<usize> {
    let mut out = vec![tokens.len(); tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Token::Char('(' | '[' | '{', _, true) => open.push(at),
            Token::Char(')' | ']' | '}', _, true) => {
                if let Some(start) = open.pop() {
                    out[start] = at;
                }
            }
            _ => {}
        }
    }
    out
}

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
