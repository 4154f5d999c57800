//! The oldest Python a project supports (its floor), and what a replacement needs of it.

use std::collections::BTreeMap;
use std::fmt;

use crate::recipe::PythonVersion;

/// The lowest version a requirement specifier allows (`>=2.7, !=3.0.*`, `~=3.8`, `^3.8`;
/// `||` separates alternatives): `None` when it sets no lower bound.
pub fn specifier_floor(spec: &str) -> Option<PythonVersion> {
    spec.split("||")
        .filter_map(|alternative| {
            alternative
                .split(',')
                .filter_map(|clause| {
                    let clause = clause.trim();
                    let rest = ["~=", ">=", "==", "^", "~", ">"]
                        .iter()
                        .find_map(|op| clause.strip_prefix(op))?;
                    version_prefix(rest.trim())
                })
                // Clauses of one alternative all hold: the highest lower bound.
                .max()
        })
        .min()
}

/// `3.8` of `3.8`, `3.8.1`, `3.8.*`; a bare `3` is `3.0`.
pub fn version_prefix(text: &str) -> Option<PythonVersion> {
    let mut parts = text.split('.');
    let major = parts.next()?.trim().parse().ok()?;
    let minor = match parts.next() {
        Some(m) => m.trim().parse().ok()?,
        None => 0,
    };
    Some(PythonVersion { major, minor })
}

/// A requirement the project declares (a line of its `requirements.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredRequirement {
    /// `requirements.txt:29`.
    pub at: String,
    /// The distribution, normalised (`oslo-service`).
    pub name: String,
    /// Its extras (`threading` of `oslo.service[threading]`).
    pub extras: Vec<String>,
    /// The line as written, without its comment.
    pub text: String,
    /// The lowest release it allows, if it sets a bound.
    pub floor: Option<PythonVersion>,
}

/// A distribution's name as pip compares it: lower case, runs of `-_.` as one `-`.
pub fn normalised(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        match c {
            '-' | '_' | '.' if out.ends_with('-') => {}
            '-' | '_' | '.' => out.push('-'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// `oslo.service[threading]>=4.2.0` read: the name, extras and specifier.
pub fn split_requirement(text: &str) -> (String, Vec<String>, &str) {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
        .unwrap_or(text.len());
    let (name, rest) = text.split_at(end);
    let (extras, spec) = match rest.trim_start().strip_prefix('[') {
        Some(inside) => match inside.split_once(']') {
            Some((extras, spec)) => (extras.split(',').map(normalised).collect(), spec),
            None => (Vec::new(), rest),
        },
        None => (Vec::new(), rest),
    };
    (
        normalised(name),
        extras,
        spec.split(';').next().unwrap_or("").trim(),
    )
}

/// The oldest Python supported, and where that is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Floor {
    pub version: PythonVersion,
    /// `setup.cfg:23 (classifier `Programming Language :: Python :: 2.7`)`, or `--python`.
    pub source: String,
}

impl fmt::Display for Floor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Python {} ({})", self.version, self.source)
    }
}

/// The oldest Python a project supports, and the version each standard-library module or
/// name appeared in: a replacement needing a newer one is not made.
#[derive(Clone, Copy)]
pub struct PythonSupport<'a> {
    pub floor: &'a crate::analyse::python::Floor,
    pub since: &'a BTreeMap<String, crate::recipe::PythonVersion>,
}
