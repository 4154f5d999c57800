//! Unified diffs in git's format, so `git apply` takes them.

use similar::TextDiff;

/// A `diff --git` for one file (`path` relative to the current directory, `/`-separated).
pub fn git_diff(path: &str, old: &str, new: &str) -> String {
    let a = quote(&format!("a/{path}"));
    let b = quote(&format!("b/{path}"));
    let mut out = format!("diff --git {a} {b}\n--- {a}\n+++ {b}\n");
    let diff = TextDiff::from_lines(old, new);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let text = hunk.to_string();
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Git's path quoting: C-style, octal escapes for bytes outside printable ASCII.
pub fn quote(path: &str) -> String {
    let needs = path
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\');
    if !needs {
        return path.to_string();
    }
    let mut out = String::from("\"");
    for b in path.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_git() {
        assert_eq!(quote("a/plain name.py"), "a/plain name.py");
        assert_eq!(quote("a/café.py"), "\"a/caf\\303\\251.py\"");
    }

    #[test]
    fn marks_missing_final_newline() {
        let d = git_diff("x.py", "a\nb", "a\nc");
        assert!(
            d.contains("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"),
            "{d}"
        );
    }
}
