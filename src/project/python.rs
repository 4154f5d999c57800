//! The oldest Python a project supports, as its packaging declares it: a rewrite that needs
//! a newer one (`from concurrent import futures` in a library that still ships for 2.7) is
//! reported instead of made.
//!
//! Read from the packaging files at or above the paths: `python_requires` (`setup.py`,
//! `setup.cfg`) or `requires-python` (`pyproject.toml`), which pip enforces, decide when
//! given; otherwise the lowest of the trove classifiers, a universal wheel (`universal = 1`:
//! Python 2 too) and the tox environments (`py27`).

use std::path::{Path, PathBuf};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Keyword};
use ruff_text_size::Ranged;

use crate::analyse::python::{specifier_floor, version_prefix, DeclaredRequirement, Floor};
use crate::recipe::PythonVersion;

/// What one packaging file declares.
#[derive(Debug, Default)]
struct Declared {
    /// `python_requires` / `requires-python`: what pip enforces.
    requires: Option<Floor>,
    /// Classifiers, universal wheels, tox environments: the lowest counts.
    hints: Vec<Floor>,
}

impl Declared {
    fn merge(&mut self, other: Declared) {
        self.requires = lowest(self.requires.take().into_iter().chain(other.requires));
        self.hints.extend(other.hints);
    }

    fn floor(self) -> Option<Floor> {
        self.requires.or_else(|| lowest(self.hints.into_iter()))
    }
}

fn lowest(floors: impl Iterator<Item = Floor>) -> Option<Floor> {
    floors.min_by_key(|f| f.version)
}

/// The oldest Python supported by the projects at or above `paths` (the lowest when they
/// are several); `None` when none declares one.
pub fn declared(paths: &[PathBuf]) -> Option<Floor> {
    lowest(
        crate::project::index::packaging_roots(paths)
            .iter()
            .filter_map(|r| declared_in(r)),
    )
}

/// The requirements the `requirements.txt` of the project's packaging roots declare.
pub fn declared_requirements(paths: &[PathBuf]) -> Vec<DeclaredRequirement> {
    let mut found = Vec::new();
    for root in crate::project::index::packaging_roots(paths) {
        let path = root.join("requirements.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.split(" #").next().unwrap_or(line).trim();
            if line.is_empty() || line.starts_with(['#', '-']) {
                continue;
            }
            let (name, extras, spec) = crate::analyse::python::split_requirement(line);
            found.push(DeclaredRequirement {
                at: format!("requirements.txt:{}", i + 1),
                name,
                extras,
                text: line.to_string(),
                floor: specifier_floor(spec),
            });
        }
    }
    found
}

fn declared_in(root: &Path) -> Option<Floor> {
    let mut declared = Declared::default();
    type Reader = fn(&str, &str) -> Declared;
    let readers: [(&str, Reader); 4] = [
        ("setup.cfg", setup_cfg),
        ("pyproject.toml", pyproject),
        ("setup.py", setup_py),
        ("tox.ini", tox_ini),
    ];
    for (file, read) in readers {
        if let Ok(text) = std::fs::read_to_string(root.join(file)) {
            declared.merge(read(file, &text));
        }
    }
    declared.floor()
}

fn at(file: &str, line: usize, what: &str) -> String {
    format!("{file}:{line}, {what}")
}

/// The version a trove classifier names: `Programming Language :: Python :: 2.7`; a bare
/// `:: 2` is 2.7 (the Python 2 anyone still runs); a bare `:: 3` says nothing of the minor.
fn classifier_version(classifier: &str) -> Option<PythonVersion> {
    let rest = classifier
        .trim()
        .strip_prefix("Programming Language :: Python :: ")?;
    match rest.trim() {
        "2" => Some(PythonVersion { major: 2, minor: 7 }),
        text if text.contains('.') && !text.contains(' ') => version_prefix(text),
        _ => None,
    }
}

/// `py27`, `py36`, `py310` among tox environment names (`py3` says nothing of the minor).
fn tox_versions(envlist: &str) -> Vec<PythonVersion> {
    envlist
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|word| {
            let digits = word.strip_prefix("py")?;
            if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(PythonVersion {
                major: digits[..1].parse().ok()?,
                minor: digits[1..].parse().ok()?,
            })
        })
        .collect()
}

/// One `key = value` of an ini file: its section, and each line of its value (continuation
/// lines, indented, included) with the line's number.
struct IniEntry {
    section: String,
    key: String,
    values: Vec<(usize, String)>,
}

fn ini_entries(text: &str) -> Vec<IniEntry> {
    let mut entries: Vec<IniEntry> = Vec::new();
    let mut section = String::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') {
            section = trimmed.trim_matches(['[', ']']).trim().to_string();
        } else if line.starts_with([' ', '\t']) {
            if let Some(entry) = entries.last_mut().filter(|e| e.section == section) {
                entry.values.push((number + 1, trimmed.to_string()));
            }
        } else if let Some((key, value)) = trimmed.split_once('=') {
            let mut values = Vec::new();
            if !value.trim().is_empty() {
                values.push((number + 1, value.trim().to_string()));
            }
            entries.push(IniEntry {
                section: section.clone(),
                key: key.trim().to_string(),
                values,
            });
        }
    }
    entries
}

fn setup_cfg(file: &str, text: &str) -> Declared {
    let mut declared = Declared::default();
    for IniEntry {
        section,
        key,
        values,
    } in ini_entries(text)
    {
        for (line, value) in values {
            match (section.as_str(), key.as_str()) {
                ("options", "python_requires") => {
                    if let Some(version) = specifier_floor(&value) {
                        declared.requires = Some(Floor {
                            version,
                            source: at(file, line, &format!("python_requires {value}")),
                        });
                    }
                }
                ("metadata", "classifiers" | "classifier") => {
                    if let Some(version) = classifier_version(&value) {
                        declared.hints.push(Floor {
                            version,
                            source: at(file, line, &format!("classifier `{value}`")),
                        });
                    }
                }
                ("bdist_wheel" | "wheel", "universal") if value == "1" => {
                    declared.hints.push(Floor {
                        version: PythonVersion { major: 2, minor: 7 },
                        source: at(file, line, "a universal wheel (Python 2 and 3)"),
                    });
                }
                _ => {}
            }
        }
    }
    declared
}

fn tox_ini(file: &str, text: &str) -> Declared {
    let mut declared = Declared::default();
    for IniEntry {
        section,
        key,
        values,
    } in ini_entries(text)
    {
        if section != "tox" || key != "envlist" {
            continue;
        }
        for (line, value) in values {
            for version in tox_versions(&value) {
                declared.hints.push(Floor {
                    version,
                    source: at(
                        file,
                        line,
                        &format!("tox environment py{}{}", version.major, version.minor),
                    ),
                });
            }
        }
    }
    declared
}

fn pyproject(file: &str, text: &str) -> Declared {
    let mut declared = Declared::default();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return declared;
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1)
    };
    let project = doc.get("project").and_then(toml::Value::as_table);
    let poetry_python = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.get("python"))
        .and_then(toml::Value::as_str);
    let requires = project
        .and_then(|p| p.get("requires-python"))
        .and_then(toml::Value::as_str)
        .or(poetry_python);
    if let Some(spec) = requires {
        if let Some(version) = specifier_floor(spec) {
            declared.requires = Some(Floor {
                version,
                source: at(file, line_of(spec), &format!("requires-python {spec}")),
            });
        }
    }
    let classifiers = project
        .and_then(|p| p.get("classifiers"))
        .and_then(toml::Value::as_array);
    for classifier in classifiers
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
    {
        if let Some(version) = classifier_version(classifier) {
            declared.hints.push(Floor {
                version,
                source: at(
                    file,
                    line_of(classifier),
                    &format!("classifier `{classifier}`"),
                ),
            });
        }
    }
    declared
}

fn setup_py(file: &str, text: &str) -> Declared {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Declared::default();
    };
    struct Reader<'t> {
        file: &'t str,
        text: &'t str,
        declared: Declared,
    }
    impl Reader<'_> {
        fn line(&self, expr: &Expr) -> usize {
            self.text[..expr.start().to_usize()].matches('\n').count() + 1
        }
    }
    impl<'a> Visitor<'a> for Reader<'_> {
        fn visit_keyword(&mut self, keyword: &'a Keyword) {
            if let (Some(arg), Expr::StringLiteral(s)) = (&keyword.arg, &keyword.value) {
                if arg.as_str() == "python_requires" {
                    let spec = s.value.to_str();
                    if let Some(version) = specifier_floor(spec) {
                        self.declared.requires = Some(Floor {
                            version,
                            source: at(
                                self.file,
                                self.line(&keyword.value),
                                &format!("python_requires {spec}"),
                            ),
                        });
                    }
                }
            }
            visitor::walk_keyword(self, keyword);
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::StringLiteral(s) = expr {
                let text = s.value.to_str();
                if let Some(version) = classifier_version(text) {
                    let source = at(self.file, self.line(expr), &format!("classifier `{text}`"));
                    self.declared.hints.push(Floor { version, source });
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reader = Reader {
        file,
        text,
        declared: Declared::default(),
    };
    reader.visit_body(&parsed.syntax().body);
    reader.declared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u16, minor: u16) -> PythonVersion {
        PythonVersion { major, minor }
    }

    #[test]
    fn specifiers_give_their_lower_bound() {
        assert_eq!(specifier_floor(">=3.8"), Some(v(3, 8)));
        assert_eq!(specifier_floor(">=2.7, !=3.0.*, !=3.1.*"), Some(v(2, 7)));
        assert_eq!(specifier_floor("~=3.9.1"), Some(v(3, 9)));
        assert_eq!(specifier_floor("^3.8"), Some(v(3, 8)));
        assert_eq!(specifier_floor(">=3.6,>=3.8"), Some(v(3, 8)));
        assert_eq!(specifier_floor("==2.7.* || >=3.6"), Some(v(2, 7)));
        assert_eq!(specifier_floor("<4"), None);
    }

    #[test]
    fn classifiers_and_tox_environments() {
        assert_eq!(
            classifier_version("Programming Language :: Python :: 2.7"),
            Some(v(2, 7))
        );
        assert_eq!(
            classifier_version("Programming Language :: Python :: 2"),
            Some(v(2, 7))
        );
        assert_eq!(
            classifier_version("Programming Language :: Python :: 3"),
            None
        );
        assert_eq!(
            classifier_version("Programming Language :: Python :: 3 :: Only"),
            None
        );
        assert_eq!(tox_versions("py37,py27,pep8"), vec![v(3, 7), v(2, 7)]);
        assert_eq!(
            tox_versions("{py310,py311}-unit, py3, pypy"),
            vec![v(3, 10), v(3, 11)]
        );
    }

    #[test]
    fn python_requires_decides_over_classifiers() {
        let cfg = "[metadata]\nclassifiers =\n    Programming Language :: Python :: 2.7\n    Programming Language :: Python :: 3.8\n[options]\npython_requires = >=3.8\n";
        let floor = setup_cfg("setup.cfg", cfg).floor().expect("declared");
        assert_eq!(floor.version, v(3, 8));
        assert_eq!(floor.source, "setup.cfg:6, python_requires >=3.8");
    }

    #[test]
    fn without_python_requires_the_lowest_hint_counts() {
        let cfg = "[metadata]\nclassifier =\n    Programming Language :: Python :: 3.6\n\n[bdist_wheel]\nuniversal = 1\n";
        let floor = setup_cfg("setup.cfg", cfg).floor().expect("declared");
        assert_eq!(floor.version, v(2, 7));
        assert_eq!(
            floor.source,
            "setup.cfg:6, a universal wheel (Python 2 and 3)"
        );
        let py = "setup(\n    name='x',\n    classifiers=[\n        'Programming Language :: Python :: 2.7',\n        'Programming Language :: Python :: 3.5',\n    ],\n)\n";
        let floor = setup_py("setup.py", py).floor().expect("declared");
        assert_eq!(
            floor.source,
            "setup.py:4, classifier `Programming Language :: Python :: 2.7`"
        );
        let toml = "[project]\nname = \"x\"\nrequires-python = \">=3.7\"\nclassifiers = [\"Programming Language :: Python :: 3.6\"]\n";
        let floor = pyproject("pyproject.toml", toml).floor().expect("declared");
        assert_eq!(
            (floor.version, floor.source.as_str()),
            (v(3, 7), "pyproject.toml:3, requires-python >=3.7")
        );
    }
}
