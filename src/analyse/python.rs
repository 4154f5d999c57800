//! The oldest Python a project supports (its floor), and what a replacement needs of it.

use std::collections::BTreeMap;
use std::fmt;

use crate::recipe::PythonVersion;

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
