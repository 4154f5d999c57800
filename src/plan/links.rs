//! Fixes linked across files: applied together or not at all. What the project plan says
//! of one file's links, and the ends (a parameter, a function's callers) a fix's object
//! reaches in other modules.

use std::collections::BTreeMap;

use ruff_text_size::TextSize;

use crate::fix::{Crossing, Fix, Return};

/// What the project plan says of one file's linked fixes; part of the file's context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileLinks {
    /// The argument (by where it starts) of each object a fix here passes to another
    /// module → the link of the fixes applied with it, or why they cannot be.
    pub crossings: BTreeMap<TextSize, Result<String, String>>,
    /// Links cut because one of their fixes was not applied, and why.
    pub cut: BTreeMap<String, String>,
}

impl FileLinks {
    pub fn is_empty(&self) -> bool {
        self.crossings.is_empty() && self.cut.is_empty()
    }

    /// Why `fix`, which passes objects to other modules, cannot be applied here, if it
    /// cannot; sets its link when it can.
    pub fn judge(&self, fix: &mut Fix) -> Option<String> {
        let places: Vec<TextSize> = ends_of(fix).map(|(_, via)| via.at()).collect();
        for at in places {
            match self.crossings.get(&at) {
                Some(Ok(link)) => fix.link = Some(link.clone()),
                Some(Err(why)) => return Some(format!("`{}` not rewritten: {why}", fix.subject)),
                None => {
                    return Some(format!(
                        "`{}` not rewritten: the object reaches other modules, which only a run over the whole project follows",
                        fix.subject
                    ))
                }
            }
        }
        None
    }

    /// Why `fix` is held back with the fixes of other files it is linked to, if it is.
    pub fn cut_off(&self, fix: &Fix) -> Option<String> {
        let why = self.cut.get(fix.link.as_ref()?)?;
        Some(format!(
            "`{}` held back: it is rewritten only together with code of other modules, and {why}",
            fix.subject
        ))
    }
}

/// Where the objects of fixes end up outside them: a parameter of a function they are
/// passed to, or the callers of a function that returns them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum End {
    Parameter {
        file: usize,
        function: String,
        parameter: String,
    },
    Callers {
        file: usize,
        function: String,
    },
}

/// How a fix's object reaches an end.
#[derive(Clone, Copy)]
pub(crate) enum Via<'f> {
    Passed(&'f Crossing),
    Returned(&'f Return),
}

impl Via<'_> {
    /// The argument, or the returned value: where the fix's link is looked up.
    pub(crate) fn at(&self) -> TextSize {
        match self {
            Via::Passed(c) => c.argument.start(),
            Via::Returned(r) => r.at.start(),
        }
    }

    pub(crate) fn rule(&self) -> usize {
        match self {
            Via::Passed(c) => c.rule,
            Via::Returned(r) => r.rule,
        }
    }
}

/// The ends one fix's object reaches.
pub(crate) fn ends_of(fix: &Fix) -> impl Iterator<Item = (End, Via<'_>)> {
    let passed = fix.crossings.iter().map(|c| {
        let end = End::Parameter {
            file: c.to.file,
            function: c.to.function.clone(),
            parameter: c.to.parameter.clone(),
        };
        (end, Via::Passed(c))
    });
    let returned = fix.returns.iter().map(|r| {
        let end = End::Callers {
            file: r.to.file,
            function: r.to.function.clone(),
        };
        (end, Via::Returned(r))
    });
    passed.chain(returned)
}
