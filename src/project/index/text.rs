//! Modules read only as text (they never mention eventlet, or are too large to parse for
//! the index): their imports and the patching helpers they define, line by line.

use crate::recipe::Catalog;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

/// Indexes a module that never mentions eventlet from its text alone: the imports it makes
/// (anywhere, read as lines), whether it has a main block, and the eventlet libraries it
/// uses. Its calls are not read: a `monkey_patch()` reached only through them is not counted
/// as patching, which can only hold more back. A module whose text names `monkey_patch` is
/// parsed and indexed in full instead ([`index`]).
pub fn index_text(
    path: &Path,
    name: &str,
    text: &str,
    project: &BTreeSet<String>,
    catalog: &Catalog,
) -> ModuleInfo {
    let mut info = ModuleInfo {
        path: path.to_path_buf(),
        name: name.to_string(),
        through_eventlet: through_eventlet(path, text),
        ..ModuleInfo::default()
    };
    let package = package_of(path, name);
    for (start, import) in import_lines(text) {
        let ImportLine {
            level,
            module,
            bound,
            members,
        } = import;
        let at = || {
            position_in(
                path,
                text,
                ruff_text_size::TextSize::try_from(start).unwrap_or_default(),
            )
        };
        let base = absolute_module(&package, level, module.as_deref());
        let how = bound.as_deref().map_or(Bound::ThroughMembers, Bound::As);
        note_import(&mut info, &base, (&at, how, text), project, catalog);
        for (member, bound) in members {
            let full = format!("{base}.{member}");
            note_import(
                &mut info,
                &full,
                (&at, Bound::As(&bound), text),
                project,
                catalog,
            );
        }
    }
    info.has_main = ["if __name__ ==", "if '__main__' =="].iter().any(|guard| {
        memchr::memmem::find_iter(text.as_bytes(), guard.as_bytes())
            .any(|at| at == 0 || text.as_bytes()[at - 1] == b'\n')
    });
    info.patch_helpers = text_patch_helpers(text, &catalog.patchers);
    info
}

/// [`patch_helper`] read from lines: a method `def name(self, a, b...)` whose indented body
/// calls a patcher with `(a, b` (object and attribute) or `(a` (a dotted path).
pub(super) fn text_patch_helpers(
    text: &str,
    patchers: &crate::recipe::model::Patchers,
) -> Vec<(String, bool)> {
    // A patcher as code may call it: its last two dotted parts (`patch.object`, `MockPatch`).
    let tails = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|p| {
                let parts: Vec<&str> = p.rsplit('.').take(2).collect();
                if parts.len() == 2 && parts[0].chars().next().is_some_and(char::is_lowercase) {
                    format!("{}.{}", parts[1], parts[0])
                } else {
                    parts[0].to_string()
                }
            })
            .collect()
    };
    let (by_object, by_name) = (tails(&patchers.by_object), tails(&patchers.by_name));
    let mut out = Vec::new();
    // Most files call no patcher: find the lines that do once, not once per method.
    let mut needles: Vec<String> = by_object
        .iter()
        .chain(&by_name)
        .map(|t| format!("{t}("))
        .collect();
    needles.sort_unstable();
    needles.dedup();
    // Each calling line, under the function that encloses it (by where its `def` starts).
    // A helper forwards its parameters: a call whose first argument is not a bare name
    // (`mock.patch('x.y')`, `patch.object(Cls, 'name')` pass literals) is no helper's, and
    // most files have no other: the walk down the file is skipped.
    let bytes = text.as_bytes();
    let forwards = |after: usize| {
        let rest = &text[after..];
        let end = rest.find([')', '\n']).unwrap_or(rest.len());
        let first = rest[..end].split(',').next().unwrap_or("").trim();
        !first.is_empty()
            && !first.starts_with(|c: char| c.is_ascii_digit())
            && first.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let mut starts: Vec<usize> = needles
        .iter()
        .flat_map(|n| memchr::memmem::find_iter(bytes, n.as_bytes()).map(move |at| (at, n.len())))
        .filter(|&(at, len)| forwards(at + len))
        .map(|(at, _)| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1))
        .collect();
    if starts.is_empty() {
        return out;
    }
    starts.sort_unstable();
    starts.dedup();
    let line_at = |start: usize| {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        &text[start..end]
    };
    // One pass down the file: the functions open at each line, by indentation.
    let mut bodies: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (indent, where the `def` starts)
    let mut calls = starts.iter().peekable();
    let mut at = 0;
    while at < bytes.len() && calls.peek().is_some() {
        let line = line_at(at);
        let code = line.trim_start();
        if !code.is_empty() {
            let indent = line.len() - code.len();
            while open.last().is_some_and(|&(i, _)| i >= indent) {
                open.pop();
            }
            if calls.peek() == Some(&&at) {
                calls.next();
                if let Some(&(_, def)) = open.last() {
                    bodies.entry(def).or_default().push(line);
                }
            }
            if code.starts_with("def ") {
                open.push((indent, at));
            }
        }
        at += line.len() + 1;
    }
    for (def, body) in bodies {
        let Some(rest) = line_at(def).trim_start().strip_prefix("def ") else {
            continue;
        };
        let Some((name, params)) = rest.split_once('(') else {
            continue;
        };
        let params: Vec<&str> = params
            .split([',', ')', ':', '='])
            .map(str::trim)
            .take_while(|p| !p.is_empty() && !p.starts_with('*'))
            .collect();
        if params.first() != Some(&"self") || params.len() < 2 {
            continue;
        }
        let calls = |tails: &[String], args: &str| {
            tails.iter().any(|t| {
                let call = format!("{t}({args}");
                body.iter().any(|l| l.contains(&call))
            })
        };
        let object = params.get(2).map(|b| format!("{}, {b}", params[1]));
        if object
            .as_deref()
            .is_some_and(|args| calls(&by_object, args))
        {
            out.push((name.trim().to_string(), true));
        } else if calls(&by_name, params[1]) {
            out.push((name.trim().to_string(), false));
        }
    }
    out
}

/// `import a, b as c` and `from .x import (y, z)` statements read as lines:
/// `(level, module, members)`. Strings that look like imports count too: the index only
/// grows by them.
pub(super) fn import_lines(text: &str) -> Vec<(usize, ImportLine)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut read: Vec<ImportLine> = Vec::new();
    // Only lines with the word `import` can be imports: find them, not every line.
    let mut read_to = 0;
    for at in memchr::memmem::find_iter(bytes, b"import") {
        if at < read_to {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let mut lines = text[start..].split_inclusive('\n');
        let Some(first) = lines.next() else { break };
        read_to = start + first.len();
        read_to += import_line(first, &mut lines, &mut read);
        out.extend(read.drain(..).map(|import| (start, import)));
    }
    out
}

/// What one import names: its level of relative import, module, and members; each with the
/// name it binds here (`import a.b` binds `a.b` as code names it, `import a.b as c` and
/// `from a import b as c` bind `c`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImportLine {
    pub level: u32,
    pub module: Option<String>,
    /// For `import m`: how the code names `m`.
    pub bound: Option<String>,
    /// `(member, bound name)`.
    pub members: Vec<(String, String)>,
}

/// One `import` or `from` line into `out`; the bytes of the continuation lines it read.
pub(super) fn import_line<'a>(
    line: &str,
    lines: &mut impl Iterator<Item = &'a str>,
    out: &mut Vec<ImportLine>,
) -> usize {
    let code = |line: &str| line.split('#').next().unwrap_or("").trim_end().to_string();
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("import ") {
        for part in code(rest).split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            if let Some(module) = words.first() {
                let module = module.trim_end_matches('\\').to_string();
                let bound = match words.as_slice() {
                    [_, "as", alias, ..] => alias.to_string(),
                    _ => module.clone(),
                };
                out.push(ImportLine {
                    level: 0,
                    module: Some(module),
                    bound: Some(bound),
                    members: Vec::new(),
                });
            }
        }
        return 0;
    }
    let Some(rest) = line.strip_prefix("from ") else {
        return 0;
    };
    let Some((module, names)) = rest.split_once(" import ") else {
        return 0;
    };
    let module = module.trim();
    let level = module.chars().take_while(|c| *c == '.').count() as u32;
    let module = module.trim_start_matches('.');
    let mut names = code(names);
    let mut read = 0;
    // A parenthesised or continued list of names goes on over the next lines.
    let open = names.contains('(') && !names.contains(')');
    if open || names.ends_with('\\') {
        for next in lines.by_ref() {
            read += next.len();
            let next = code(next);
            names.push(' ');
            names.push_str(&next);
            let done = if open {
                next.contains(')')
            } else {
                !next.ends_with('\\')
            };
            if done {
                break;
            }
        }
    }
    let members = names
        .replace(['(', ')', '\\'], " ")
        .split(',')
        .filter_map(|n| {
            let words: Vec<&str> = n.split_whitespace().collect();
            match words.as_slice() {
                ["*", ..] | [] => None,
                [name, "as", alias, ..] => Some((name.to_string(), alias.to_string())),
                [name, ..] => Some((name.to_string(), name.to_string())),
            }
        })
        .collect();
    out.push(ImportLine {
        level,
        module: (!module.is_empty()).then(|| module.to_string()),
        bound: None,
        members,
    });
    read
}

/// The absolute module a `from` import names (`from ..x import y` in package `a.b` → `a.x`).
pub(super) fn absolute_module(package: &str, level: u32, module: Option<&str>) -> String {
    let mut base = package.to_string();
    for _ in 1..level {
        base = base
            .rsplit_once('.')
            .map_or(String::new(), |(p, _)| p.to_string());
    }
    match (level, module) {
        (0, Some(m)) => m.to_string(),
        (_, Some(m)) if base.is_empty() => m.to_string(),
        (_, Some(m)) => format!("{base}.{m}"),
        (_, None) => base,
    }
}

/// How an import statement binds what it imports.
#[derive(Debug, Clone, Copy)]
pub(super) enum Bound<'a> {
    /// Under this name, as the module's code refers to it (`wsgi` for `from oslo_service
    /// import wsgi`, `a.b` for `import a.b`).
    As(&'a str),
    /// Not at all: the module a `from` import takes its members from (each member says).
    ThroughMembers,
}

/// Records an import of `module`: a module of the project, or a library that keeps a process
/// on the hub, unless the module uses it only through the library's neutral names.
pub(super) fn note_import(
    info: &mut ModuleInfo,
    module: &str,
    (at, bound, text): (&dyn Fn() -> String, Bound<'_>, &str),
    project: &BTreeSet<String>,
    catalog: &Catalog,
) {
    if project.contains(module) {
        info.imports.insert(module.to_string());
    }
    if let Some(switch) = catalog.process.picked_through(module) {
        info.picks_backend.insert(switch.to_string());
    }
    for (prefix, why) in &catalog.process.eventlet_libraries {
        if !crate::recipe::model::module_within(module, prefix) {
            continue;
        }
        let refers = match bound {
            Bound::As(name) => name,
            Bound::ThroughMembers => continue,
        };
        if neutral(catalog, module, refers, text) {
            continue;
        }
        info.eventlet_libraries.push(LibraryUse {
            named: format!("`{module}`: {why}"),
            at: at(),
            switch: catalog.process.switch_of(prefix).map(str::to_string),
        });
    }
}

/// Whether `module` (a library's module, or one of its names) is used here only through
/// names that do not run on eventlet.
fn neutral(catalog: &Catalog, module: &str, refers: &str, text: &str) -> bool {
    let names = &catalog.process.neutral_names;
    // `from oslo_service.wsgi import Loader`.
    if let Some((parent, name)) = module.rsplit_once('.') {
        if names
            .get(parent)
            .is_some_and(|n| n.iter().any(|x| x == name))
        {
            return true;
        }
    }
    names
        .get(module)
        .is_some_and(|neutral| only_through(text, refers, neutral))
}

/// Whether every mention of `refers` in `text` outside import lines is `refers.<name>` with
/// a name in `neutral` (and there is one).
fn only_through(text: &str, refers: &str, neutral: &[String]) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut used = false;
    for (at, _) in text.match_indices(refers) {
        let before = &text[..at];
        let after = &text[at + refers.len()..];
        if before.ends_with(|c: char| word(c) || c == '.') || after.starts_with(word) {
            continue;
        }
        let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        if line.trim_start().starts_with("import ") || line.trim_start().starts_with("from ") {
            continue;
        }
        let Some(attribute) = after.strip_prefix('.') else {
            return false;
        };
        let end = attribute
            .find(|c: char| !word(c))
            .unwrap_or(attribute.len());
        if !neutral.iter().any(|n| *n == attribute[..end]) {
            return false;
        }
        used = true;
    }
    used
}
