//! Replacements that would push a line past 79 columns are wrapped the way a person would.
//! Only template text is touched: the user's own text (source pieces) is copied as it is,
//! and lines the user had aligned under a bracket follow it ([`crate::emit::align`]).
//!
//! In order of preference: a hanging indent after the template's outermost call, then one
//! argument a line, then a hanging indent after the last bracket that encloses the rest of
//! the line, then breaking a comprehension argument before its `for`, then breaking lines
//! still too long inside their first bracket. A replacement that already spans lines (the
//! user's arguments are on several) breaks after the last bracket still open at the end of
//! its first line, when that line is too long.

use ruff_source_file::LineRanges;
use ruff_text_size::TextRange;

use crate::fix::edit::{merge_text, Piece};
use crate::syntax::source::{indentation_at, line_ending};

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
    tokens: Vec<Token<'t>>,
    /// Each opening bracket's closing one (`tokens.len()` when it does not close).
    closers: Vec<usize>,
    /// Columns before the replacement on its first line, after it on its last.
    before: usize,
    after: usize,
    indent: String,
    nl: &'static str,
    /// The indentation of the statement the replacement is in.
    statement_indent: String,
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
        let statement_indent = indentation_at(text, range.start()).to_string();
        Some(Layout {
            tokens,
            closers,
            before,
            after: rest.chars().count(),
            indent: format!("{statement_indent}{extra}"),
            nl: line_ending(text),
            statement_indent,
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
        Some(self.render(&Breaks::after(open, &self.indent)))
    }

    fn wrap_single_line(&self) -> Option<Vec<Piece>> {
        let total = self.before + self.width(0..self.tokens.len()) + self.after;
        if total <= MAX_LINE {
            return None;
        }
        let outermost = self.outermost_call()?;
        let hanging = Breaks::after(outermost, &self.indent);
        if self.fits(&hanging) {
            return Some(self.render(&hanging));
        }
        let mut per_argument = hanging.clone();
        self.per_argument(outermost, &self.indent, &mut per_argument);
        if self.fits(&per_argument) {
            return Some(self.render(&per_argument));
        }
        if let Some(enclosing) = self.last_enclosing_bracket() {
            return Some(self.render(&Breaks::after(enclosing, &self.indent)));
        }
        let mut comprehensions = per_argument.clone();
        self.comprehensions(&mut comprehensions);
        if self.fits(&comprehensions) {
            return Some(self.render(&comprehensions));
        }
        Some(self.render(&self.nested(per_argument)))
    }

    /// One argument of the call at `open` a line.
    fn per_argument(&self, open: usize, indent: &str, breaks: &mut Breaks) {
        let close = self.closers[open];
        let inner = match self.tokens[open] {
            Token::Char(_, depth, _) => depth + 1,
            Token::User(..) => return,
        };
        for at in open + 1..close.min(self.tokens.len()) {
            if let Token::Char(',', depth, true) = self.tokens[at] {
                if depth == inner {
                    breaks.0.insert(at, indent.to_string());
                }
            }
        }
    }

    /// A comprehension argument broken before its `for`, aligned inside its bracket.
    fn comprehensions(&self, breaks: &mut Breaks) {
        for at in 1..self.tokens.len() {
            if matches!(self.tokens[at], Token::Char(' ', 2, true)) && self.comprehension_for(at) {
                breaks.0.insert(at - 1, format!("{} ", self.indent));
            }
        }
    }

    /// Lines still too long break inside their first bracket: a hanging indent one level
    /// deeper, then one argument a line if that is not enough.
    fn nested(&self, mut breaks: Breaks) -> Breaks {
        for _ in 0..8 {
            let Some((line, indent)) = self.too_long_line(&breaks) else {
                break;
            };
            let Some(open) = line
                .clone()
                .find(|&at| self.tokens[at].opens() && self.closers[at] > at + 1)
                .filter(|at| !breaks.0.contains_key(at))
            else {
                break;
            };
            let deeper = format!("{indent}    ");
            breaks.0.insert(open, deeper.clone());
            if self
                .too_long_line(&breaks)
                .is_some_and(|(l, _)| l.contains(&(open + 1)))
            {
                self.per_argument(open, &deeper, &mut breaks);
            }
        }
        breaks
    }

    /// The tokens of the first line of `breaks` that is too long, and its indentation.
    fn too_long_line(&self, breaks: &Breaks) -> Option<(std::ops::Range<usize>, String)> {
        let mut start = 0;
        let mut indent = self.statement_indent.clone();
        let last_line = String::new();
        let ends: Vec<(usize, &String)> = breaks
            .0
            .iter()
            .map(|(&at, i)| (at + 1, i))
            .chain(std::iter::once((self.tokens.len(), &last_line)))
            .collect();
        for (i, &(end, next)) in ends.iter().enumerate() {
            let mut tokens = start..end;
            if i > 0 && matches!(self.tokens.get(start), Some(Token::Char(' ', _, true))) {
                tokens.start += 1;
            }
            let first = if i == 0 {
                self.before
            } else {
                indent.chars().count()
            };
            let last = if end == self.tokens.len() {
                self.after
            } else {
                0
            };
            if first + self.width(tokens.clone()) + last > MAX_LINE {
                return Some((tokens, indent));
            }
            start = end;
            indent = next.clone();
        }
        None
    }

    /// The outermost call whose arguments are the longest.
    fn outermost_call(&self) -> Option<usize> {
        // The user's arguments count first: `ThreadPoolExecutor(max_workers=1).submit(f, x)`
        // breaks after `submit(`, where the arguments are.
        let mut best: Option<(usize, (usize, usize))> = None;
        for (at, token) in self.tokens.iter().enumerate() {
            if let Token::Char('(', 0, true) = token {
                let inside = at + 1..self.closers[at].min(self.tokens.len());
                let user: usize = self.tokens[inside.clone()]
                    .iter()
                    .filter(|t| matches!(t, Token::User(..)))
                    .map(Token::width)
                    .sum();
                let len = (user, self.width(inside));
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
                && self.fits(&Breaks::after(at, &self.indent))
        })
    }

    fn fits(&self, breaks: &Breaks) -> bool {
        self.too_long_line(breaks).is_none()
    }

    /// The pieces with a line break after each token of `breaks` (the spaces that followed
    /// it dropped).
    fn render(&self, breaks: &Breaks) -> Vec<Piece> {
        let mut out: Vec<Piece> = Vec::new();
        let mut skip_space = false;
        for (at, token) in self.tokens.iter().enumerate() {
            match token {
                Token::Char(' ', _, true) if skip_space => continue,
                Token::Char(c, _, _) => out.push(Piece::Text(c.to_string())),
                Token::User(piece, ..) => out.push((*piece).clone()),
            }
            skip_space = match breaks.0.get(&at) {
                Some(indent) => {
                    out.push(Piece::Text(format!("{}{indent}", self.nl)));
                    true
                }
                None => false,
            };
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

/// Where lines break: after the token at each key, a new line with the value as its
/// indentation.
#[derive(Clone, Default)]
struct Breaks(std::collections::BTreeMap<usize, String>);

impl Breaks {
    fn after(at: usize, indent: &str) -> Self {
        let mut breaks = Breaks::default();
        breaks.0.insert(at, indent.to_string());
        breaks
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
