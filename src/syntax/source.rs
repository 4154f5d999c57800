//! Reading source text: BOM, encoding, line endings, and line/column positions.

use ruff_source_file::{LineIndex, LineRanges};
use ruff_text_size::{TextRange, TextSize};

/// A decoded Python file. `text` excludes the BOM, which is put back on output.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub bom: bool,
    pub text: String,
    pub encoding: Encoding,
}

/// The encodings files are read and written back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Declared by a `# -*- coding: latin-1 -*-` cookie.
    Latin1,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not valid UTF-8 (byte {0}) and no other encoding is supported")]
    InvalidUtf8(usize),
    #[error("declares encoding `{0}`; only UTF-8 and latin-1 files are rewritten")]
    UnsupportedEncoding(String),
    #[error("looks like a binary file (contains NUL bytes)")]
    Binary,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl SourceText {
    pub fn decode(bytes: &[u8]) -> Result<SourceText, DecodeError> {
        let (bom, body) = match bytes.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        if memchr::memchr(0, body).is_some() {
            return Err(DecodeError::Binary);
        }
        // The cookie is ASCII on line 1 or 2, whatever the file's encoding.
        let head_end = body
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .nth(1)
            .map_or(body.len(), |(i, _)| i);
        let head = String::from_utf8_lossy(&body[..head_end]);
        let encoding = match coding_cookie(&head) {
            None => Encoding::Utf8,
            Some(name) => {
                let normalized = name.to_ascii_lowercase().replace('_', "-");
                match normalized.as_str() {
                    "utf-8" | "utf8" | "ascii" | "us-ascii" => Encoding::Utf8,
                    n if n.starts_with("utf-8-") => Encoding::Utf8,
                    "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "iso-latin-1" => {
                        Encoding::Latin1
                    }
                    _ => return Err(DecodeError::UnsupportedEncoding(name)),
                }
            }
        };
        let text = match encoding {
            Encoding::Utf8 => std::str::from_utf8(body)
                .map_err(|e| DecodeError::InvalidUtf8(e.valid_up_to() + if bom { 3 } else { 0 }))?
                .to_string(),
            // Every byte is the code point of the same value.
            Encoding::Latin1 => body.iter().map(|&b| char::from(b)).collect(),
        };
        Ok(SourceText {
            bom,
            text,
            encoding,
        })
    }

    /// The new text in the file's own encoding; `None` when a character does not fit it.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(BOM);
        }
        match self.encoding {
            Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
            Encoding::Latin1 => {
                for c in text.chars() {
                    out.push(u8::try_from(u32::from(c)).ok()?);
                }
            }
        }
        Some(out)
    }
}

/// PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2.
fn coding_cookie(text: &str) -> Option<String> {
    for line in text.lines().take(2) {
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            continue;
        }
        if let Some(at) = trimmed.find("coding") {
            let rest = &trimmed[at + "coding".len()..];
            if let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) {
                let name: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name);
                }
            }
        }
    }
    None
}

/// The file's line ending, from its first line (`\n` when there is none).
pub fn line_ending(text: &str) -> &'static str {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// 1-based line and column (in characters) of `offset`.
pub fn line_column(text: &str, index: &LineIndex, offset: TextSize) -> (usize, usize) {
    let lc = index.line_column(offset, text);
    (lc.line.get(), lc.column.get())
}

/// The leading whitespace of the line containing `offset`.
pub fn indentation_at(text: &str, offset: TextSize) -> &str {
    let line = text.full_line_str(offset);
    let len = line.len() - line.trim_start_matches([' ', '\t', '\x0c']).len();
    &line[..len]
}

/// Whether only whitespace precedes `offset` on its line.
pub fn starts_line(text: &str, offset: TextSize) -> bool {
    text[TextRange::new(text.line_start(offset), offset)]
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
}

pub fn is_blank_line(line: &str) -> bool {
    line.chars()
        .all(|c| matches!(c, ' ' | '\t' | '\x0c' | '\r' | '\n'))
}
