//! Import statements as data: what a replacement imports (`ImportSpec`), the order a file
//! keeps its imports in, and which modules are eventlet or the standard library.

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange};

/// One import statement a replacement needs: `import time`, `from concurrent import futures`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImportSpec {
    pub module: String,
    pub member: Option<String>,
    pub asname: Option<String>,
}

impl ImportSpec {
    /// Parses `import M`, `import M as A`, `from M import N`, `from M import N as A`.
    pub fn parse(text: &str) -> Result<ImportSpec, String> {
        let bad =
            || format!("`{text}` is not a single `import M [as A]` or `from M import N [as A]`");
        let words: Vec<&str> = text.split_whitespace().collect();
        let valid = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|p| {
                    let mut c = p.chars();
                    c.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && c.all(|c| c.is_alphanumeric() || c == '_')
                })
        };
        let spec = match words[..] {
            ["import", m] => ImportSpec {
                module: m.into(),
                member: None,
                asname: None,
            },
            ["import", m, "as", a] => ImportSpec {
                module: m.into(),
                member: None,
                asname: Some(a.into()),
            },
            ["from", m, "import", n] => ImportSpec {
                module: m.into(),
                member: Some(n.into()),
                asname: None,
            },
            ["from", m, "import", n, "as", a] => ImportSpec {
                module: m.into(),
                member: Some(n.into()),
                asname: Some(a.into()),
            },
            _ => return Err(bad()),
        };
        let names_ok = valid(&spec.module)
            && spec
                .member
                .as_deref()
                .is_none_or(|n| valid(n) && !n.contains('.'))
            && spec
                .asname
                .as_deref()
                .is_none_or(|a| valid(a) && !a.contains('.'));
        if names_ok {
            Ok(spec)
        } else {
            Err(bad())
        }
    }

    /// The import that binds `local` to the module or object `qualified`.
    pub fn binding(qualified: &str, local: &str) -> ImportSpec {
        match qualified.rsplit_once('.') {
            None => ImportSpec {
                module: qualified.to_string(),
                member: None,
                asname: (local != qualified).then(|| local.to_string()),
            },
            Some((parent, last)) => ImportSpec {
                module: parent.to_string(),
                member: Some(last.to_string()),
                asname: (local != last).then(|| local.to_string()),
            },
        }
    }

    /// The name this import binds.
    pub fn bound_name(&self) -> &str {
        self.asname
            .as_deref()
            .or(self.member.as_deref())
            .unwrap_or_else(|| self.module.split('.').next().unwrap_or_default())
    }

    /// The object the bound name denotes.
    pub fn denotes(&self) -> String {
        match (&self.member, &self.asname) {
            (Some(member), _) => format!("{}.{member}", self.module),
            (None, Some(_)) => self.module.clone(),
            (None, None) => self.bound_name().to_string(),
        }
    }

    /// The module the import reaches, with a `from` import's member (`concurrent.futures`,
    /// `time.sleep`): what decides whether it runs green.
    pub fn denotes_module(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{member}", self.module),
            None => self.module.clone(),
        }
    }

    pub fn render(&self) -> String {
        let mut out = match &self.member {
            Some(member) => format!("from {} import {member}", self.module),
            None => format!("import {}", self.module),
        };
        if let Some(asname) = &self.asname {
            out.push_str(" as ");
            out.push_str(asname);
        }
        out
    }

    /// OpenStack's (hacking H306) order: `from a import b` sorts as `a.b`, case-insensitively.
    pub fn sort_key(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{member}", self.module).to_lowercase(),
            None => self.module.to_lowercase(),
        }
    }

    pub fn is_stdlib(&self) -> bool {
        is_stdlib_module(&self.module)
    }
}

pub fn is_stdlib_module(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or_default();
    ruff_python_stdlib::sys::is_known_standard_library(13, top)
}

pub fn is_eventlet(module: &str) -> bool {
    module == "eventlet" || module.starts_with("eventlet.")
}

/// How a project orders the imports of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOrder {
    /// By module, `from a import b` as `a.b`: hacking's H306, isort's
    /// `force_sort_within_sections`.
    ByModule,
    /// isort's default: the `import x` lines first, then the `from x import y` lines, each by
    /// module.
    PlainFirst,
}

impl ImportOrder {
    /// The key of an import statement in this order.
    pub(crate) fn stmt_key(self, stmt: &Stmt) -> String {
        match (self, stmt) {
            (ImportOrder::ByModule, _) => stmt_key(stmt),
            (ImportOrder::PlainFirst, Stmt::ImportFrom(from)) => {
                let module = from.module.as_ref().map_or("", |m| m.as_str());
                format!("1{}{module}", ".".repeat(from.level as usize)).to_lowercase()
            }
            (ImportOrder::PlainFirst, _) => format!("0{}", stmt_key(stmt)),
        }
    }

    /// The key of a new import in this order.
    pub(crate) fn spec_key(self, spec: &ImportSpec) -> String {
        match (self, &spec.member) {
            (ImportOrder::ByModule, _) => spec.sort_key(),
            (ImportOrder::PlainFirst, Some(_)) => format!("1{}", spec.module.to_lowercase()),
            (ImportOrder::PlainFirst, None) => format!("0{}", spec.module.to_lowercase()),
        }
    }

    /// The order the module's imports follow, where one group of them says: sorted one
    /// way and not the other.
    pub(crate) fn of_file(text: &str, body: &[Stmt]) -> Option<ImportOrder> {
        let mut start = 0;
        while start < body.len() {
            let mut end = start;
            while end + 1 < body.len()
                && group_of(&body[end]).is_some()
                && group_of(&body[end + 1]) == group_of(&body[end])
                && adjacent(text, &body[end], &body[end + 1])
            {
                end += 1;
            }
            let run = &body[start..=end];
            let sorted = |order: ImportOrder| {
                run.windows(2)
                    .all(|w| order.stmt_key(&w[0]) <= order.stmt_key(&w[1]))
            };
            if group_of(&run[0]).is_some() && run.len() > 1 {
                match (
                    sorted(ImportOrder::ByModule),
                    sorted(ImportOrder::PlainFirst),
                ) {
                    (true, false) => return Some(ImportOrder::ByModule),
                    (false, true) => return Some(ImportOrder::PlainFirst),
                    _ => {}
                }
            }
            start = end + 1;
        }
        None
    }
}

#[derive(PartialEq, Eq)]
pub(crate) enum Group {
    Future,
    Stdlib,
    Other,
}

pub(crate) fn group_of(stmt: &Stmt) -> Option<Group> {
    match stmt {
        Stmt::Import(import) => {
            let all_std = import
                .names
                .iter()
                .all(|a| is_stdlib_module(a.name.as_str()));
            Some(if all_std { Group::Stdlib } else { Group::Other })
        }
        Stmt::ImportFrom(from) => {
            let module = from.module.as_ref().map(|m| m.as_str()).unwrap_or_default();
            Some(if from.level > 0 {
                Group::Other
            } else if module == "__future__" {
                Group::Future
            } else if is_stdlib_module(module) {
                Group::Stdlib
            } else {
                Group::Other
            })
        }
        _ => None,
    }
}

/// The hacking sort key of an import statement.
pub(crate) fn stmt_key(stmt: &Stmt) -> String {
    match stmt {
        Stmt::Import(import) => import
            .names
            .first()
            .map(|a| a.name.to_string())
            .unwrap_or_default()
            .to_lowercase(),
        Stmt::ImportFrom(from) => {
            let module = from
                .module
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default();
            match &from.names[..] {
                [only] => format!("{module}.{}", only.name).to_lowercase(),
                _ => module.to_lowercase(),
            }
        }
        _ => String::new(),
    }
}

/// Two statements on consecutive lines (no blank or comment line between; a trailing comment
/// on the first, `import os  # noqa`, is part of its line).
pub(crate) fn adjacent(text: &str, a: &Stmt, b: &Stmt) -> bool {
    let between = &text[TextRange::new(a.end(), b.start())];
    match between.split_once('\n') {
        None => true,
        Some((_, rest)) => !rest.contains('\n') && rest.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_of(source: &str) -> Option<ImportOrder> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        ImportOrder::of_file(source, &parsed.syntax().body)
    }

    #[test]
    fn a_files_import_order_is_read_where_its_groups_tell() {
        // `from textwrap` after `import os`: both orders fit.
        assert_eq!(
            order_of("import errno\nimport os\nfrom textwrap import dedent\n"),
            None
        );
        // isort's default: `from collections` after `import sys`.
        assert_eq!(
            order_of("import logging\nimport sys\nfrom collections import deque\n"),
            Some(ImportOrder::PlainFirst)
        );
        // hacking's: `from collections` before `import logging`.
        assert_eq!(
            order_of("from collections import deque\nimport logging\nimport sys\n"),
            Some(ImportOrder::ByModule)
        );
        // A group of one import says nothing; the next group may.
        assert_eq!(
            order_of("import os\n\nimport eventlet\nfrom oslo_log import log\nimport six\n"),
            Some(ImportOrder::ByModule)
        );
    }

    #[test]
    fn new_imports_sort_in_the_files_order() {
        let futures = ImportSpec::parse("from concurrent import futures").expect("valid");
        let errno = ImportSpec::parse("import errno").expect("valid");
        for (order, futures_first) in [
            (ImportOrder::ByModule, true),
            (ImportOrder::PlainFirst, false),
        ] {
            assert_eq!(
                order.spec_key(&futures) < order.spec_key(&errno),
                futures_first
            );
        }
    }
}
