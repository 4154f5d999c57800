//! What a project's packaging files declare: console scripts, pytest plugins, the isort
//! configuration, and where packaging roots are (`setup.cfg`, `setup.py`, `pyproject.toml`,
//! `tox.ini`).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::Expr;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// `(script name, "module:function")` declared in packaging files at or above `paths`.
pub(super) fn declared_scripts(paths: &[PathBuf]) -> Vec<(String, String)> {
    let mut scripts = Vec::new();
    for root in packaging_roots(paths) {
        if let Ok(text) = std::fs::read_to_string(root.join("setup.cfg")) {
            scripts.extend(setup_cfg_scripts(&text));
        }
        if let Ok(text) = std::fs::read_to_string(root.join("pyproject.toml")) {
            scripts.extend(pyproject_scripts(&text));
        }
        if let Ok(text) = std::fs::read_to_string(root.join("setup.py")) {
            scripts.extend(setup_py_scripts(&text));
        }
    }
    scripts
}

/// The modules of the pytest plugins (`pytest11` entry points) declared in packaging files
/// at or above `paths`: pytest loads them in every test run.
pub(super) fn declared_plugins(paths: &[PathBuf]) -> Vec<String> {
    let mut plugins = Vec::new();
    for root in packaging_roots(paths) {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        if let Some(text) = read("setup.cfg") {
            plugins.extend(setup_cfg_entries(&text, "pytest11"));
        }
        if let Some(text) = read("pyproject.toml") {
            plugins.extend(pyproject_entries(&text, "pytest11"));
        }
        if let Some(text) = read("setup.py") {
            plugins.extend(setup_py_entries(&text, "pytest11"));
        }
    }
    plugins
        .into_iter()
        .map(|(_, target)| {
            target
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect()
}

/// The test paths the project's configuration runs, each in a process of its own: the
/// `test_path` of `.stestr.conf` (its default, for `${OS_TEST_PATH:-./pkg/tests/unit}`) and
/// the `OS_TEST_PATH=`, `TESTS_DIR=` and `--test-path` values of `tox.ini`, at the packaging
/// roots of `paths`.
pub(super) fn configured_test_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in packaging_roots(paths) {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        let stestr = read(".stestr.conf").into_iter().flat_map(|text| {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("test_path"))
                .filter_map(|rest| rest.trim_start().strip_prefix('='))
                .map(|v| v.trim().to_string())
                .collect::<Vec<_>>()
        });
        let tox = read("tox.ini")
            .into_iter()
            .flat_map(|text| tox_test_paths(&text));
        found.extend(
            stestr
                .chain(tox)
                .filter_map(|value| test_path_value(&value))
                .map(|relative| root.join(relative)),
        );
    }
    found.sort();
    found.dedup();
    found
}

/// The test-path values a `tox.ini` sets (`OS_TEST_PATH=./pkg/tests/functional`,
/// `stestr --test-path=./pkg/tests/functional run`).
fn tox_test_paths(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
        for key in ["OS_TEST_PATH", "TESTS_DIR"] {
            if let Some(rest) = line.strip_prefix(key) {
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    values.extend(value.split_whitespace().next().map(str::to_string));
                }
            }
        }
        let mut words = line.split_whitespace();
        while let Some(word) = words.next() {
            match word.strip_prefix("--test-path") {
                Some("") => values.extend(words.next().map(str::to_string)),
                Some(rest) => values.extend(rest.strip_prefix('=').map(str::to_string)),
                None => {}
            }
        }
    }
    values
}

/// A test path as a path relative to the project's root: `${VAR:-default}` is its default,
/// `{toxinidir}/` and `./` go; anything else substituted is unknown (`None`).
fn test_path_value(value: &str) -> Option<String> {
    let value = value.trim().trim_matches(['"', '\'']);
    let value = match value.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}')?.split_once(":-")?.1,
        None => value,
    };
    let value = value.strip_prefix("{toxinidir}/").unwrap_or(value);
    let value = value.trim_start_matches("./").trim_end_matches('/');
    (!value.is_empty() && !value.contains(['{', '$', '*'])).then(|| value.to_string())
}

/// The import order the isort configuration at the packaging roots of `paths` asks for
/// (`.isort.cfg`, `[isort]`/`[tool:isort]` in `setup.cfg` or `tox.ini`, `[tool.isort]` in
/// `pyproject.toml`): `force_sort_within_sections`, or a profile that sets it (`google`,
/// `open_stack`), sorts by module; any other isort configuration, plain imports first.
pub fn declared_import_order(paths: &[PathBuf]) -> Option<crate::syntax::imports::ImportOrder> {
    use crate::syntax::imports::ImportOrder;
    let decide = |settings: &BTreeMap<String, String>| {
        let by_module = settings
            .get("force_sort_within_sections")
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
            .unwrap_or_else(|| {
                settings.get("profile").is_some_and(|p| {
                    matches!(p.trim().trim_matches(['"', '\'']), "google" | "open_stack")
                })
            });
        if by_module {
            ImportOrder::ByModule
        } else {
            ImportOrder::PlainFirst
        }
    };
    for root in packaging_roots(paths) {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        for (file, sections) in [
            (".isort.cfg", &["settings", "isort"][..]),
            ("setup.cfg", &["isort", "tool:isort"][..]),
            ("tox.ini", &["isort", "tool:isort"][..]),
        ] {
            if let Some(settings) = read(file).and_then(|t| ini_section(&t, sections)) {
                return Some(decide(&settings));
            }
        }
        let table = read("pyproject.toml")
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|doc| doc.get("tool")?.get("isort")?.as_table().cloned());
        if let Some(table) = table {
            let settings = table
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect();
            return Some(decide(&settings));
        }
    }
    None
}

/// The `key = value` lines of the first of `sections` an ini file has.
pub(super) fn ini_section(text: &str, sections: &[&str]) -> Option<BTreeMap<String, String>> {
    let mut found: Option<BTreeMap<String, String>> = None;
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            if found.is_some() && inside {
                break;
            }
            inside = sections.contains(&name.trim());
            if inside {
                found = Some(BTreeMap::new());
            }
        } else if inside {
            if let Some((key, value)) = trimmed.split_once('=') {
                if let Some(settings) = found.as_mut() {
                    settings.insert(key.trim().to_string(), value.trim().to_string());
                }
            }
        }
    }
    found
}

/// The nearest directory at or above each path with a `setup.cfg`, `pyproject.toml` or
/// `setup.py`.
pub fn packaging_roots(paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut roots = BTreeSet::new();
    for path in paths {
        let Ok(absolute) = std::path::absolute(path) else {
            continue;
        };
        let start = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(&absolute)
        };
        if let Some(root) = start.ancestors().find(|d| {
            ["setup.cfg", "pyproject.toml", "setup.py"]
                .iter()
                .any(|f| d.join(f).is_file())
        }) {
            roots.insert(root.to_path_buf());
        }
    }
    roots
}

/// `[entry_points]` `console_scripts =` / `gui_scripts =` lines of a `setup.cfg`.
pub fn setup_cfg_scripts(text: &str) -> Vec<(String, String)> {
    let mut out = setup_cfg_entries(text, "console_scripts");
    out.extend(setup_cfg_entries(text, "gui_scripts"));
    out
}

/// The `name = target` lines of one group of a `setup.cfg`'s `[entry_points]`.
pub(super) fn setup_cfg_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut key = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
            key.clear();
            continue;
        }
        if section != "[entry_points]" || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let value = if line.starts_with([' ', '\t']) {
            Some(trimmed)
        } else {
            trimmed.split_once('=').map(|(k, v)| {
                key = k.trim().to_string();
                v
            })
        };
        if let Some(entry) = value
            .filter(|_| key == group)
            .and_then(|v| entry_of(group, v))
        {
            out.push(entry);
        }
    }
    out
}

/// `name = target` of an entry point; a script's target names a function (`module:main`).
pub(super) fn entry_of(group: &str, line: &str) -> Option<(String, String)> {
    let (name, target) = line.split_once('=')?;
    let (name, target) = (name.trim(), target.trim());
    let script = group == "console_scripts" || group == "gui_scripts";
    (!name.is_empty() && !target.is_empty() && (!script || target.contains(':')))
        .then(|| (name.to_string(), target.to_string()))
}

pub(super) fn script_entry(group: &str, line: &str) -> Option<(String, String)> {
    if group != "console_scripts" && group != "gui_scripts" {
        return None;
    }
    entry_of(group, line)
}

/// The entries of `[project.entry-points.<group>]` of a `pyproject.toml`.
pub(super) fn pyproject_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    doc.get("project")
        .and_then(|p| p.get("entry-points"))
        .and_then(|e| e.get(group))
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        })
        .collect()
}

/// The `'name = target'` strings listed under the key `group` of a `setup.py`
/// (`entry_points={'pytest11': ['pytest_nameko=nameko.testing.pytest']}`).
pub(super) fn setup_py_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Vec::new();
    };
    struct Entries<'g>(&'g str, Vec<(String, String)>);
    impl<'a> Visitor<'a> for Entries<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Dict(dict) = expr {
                for item in &dict.items {
                    let Some(Expr::StringLiteral(key)) = &item.key else {
                        continue;
                    };
                    if key.value.to_str() != self.0 {
                        continue;
                    }
                    let values: &[Expr] = match &item.value {
                        Expr::List(l) => &l.elts,
                        Expr::Tuple(t) => &t.elts,
                        _ => &[],
                    };
                    for value in values {
                        if let Expr::StringLiteral(s) = value {
                            self.1.extend(entry_of(self.0, s.value.to_str()));
                        }
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut entries = Entries(group, Vec::new());
    entries.visit_body(&parsed.syntax().body);
    entries.1
}

/// `[project.scripts]` and `[project.gui-scripts]` of a `pyproject.toml`.
pub fn pyproject_scripts(text: &str) -> Vec<(String, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let project = doc.get("project").and_then(toml::Value::as_table);
    ["scripts", "gui-scripts"]
        .iter()
        .filter_map(|k| {
            project
                .and_then(|p| p.get(*k))
                .and_then(toml::Value::as_table)
        })
        .flat_map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        })
        .collect()
}

/// `'name = module:function'` strings in a `setup.py` (its `entry_points` argument).
pub fn setup_py_scripts(text: &str) -> Vec<(String, String)> {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Vec::new();
    };
    struct Strings(Vec<(String, String)>);
    impl<'a> Visitor<'a> for Strings {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::StringLiteral(s) = expr {
                if let Some(entry) = script_entry("console_scripts", s.value.to_str()) {
                    if !entry.1.contains(' ') || entry.1.contains(':') {
                        self.0.push(entry);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut strings = Strings(Vec::new());
    strings.visit_body(&parsed.syntax().body);
    strings.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths_are_read_with_their_defaults_and_without_substitutions() {
        assert_eq!(
            test_path_value("${OS_TEST_PATH:-./cinder/tests/unit}").as_deref(),
            Some("cinder/tests/unit")
        );
        assert_eq!(
            test_path_value("{toxinidir}/nova/tests/functional/").as_deref(),
            Some("nova/tests/functional")
        );
        assert_eq!(test_path_value("${OS_TEST_PATH}"), None);
        assert_eq!(test_path_value("{posargs}"), None);
    }

    #[test]
    fn tox_sets_test_paths_in_setenv_and_on_the_command_line() {
        let tox = "[testenv:functional]\nsetenv =\n  OS_TEST_PATH = ./svc/tests/functional\n\
                   commands =\n  stestr --test-path=./svc/tests/api run {posargs}\n\
                   # OS_TEST_PATH=./commented\n  stestr --test-path ./svc/tests/fullstack run\n";
        assert_eq!(
            tox_test_paths(tox),
            [
                "./svc/tests/functional",
                "./svc/tests/api",
                "./svc/tests/fullstack"
            ]
        );
    }
}
