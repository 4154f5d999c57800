//! The context a file is judged in: how the processes running it run after this run
//! (native, or on the hub and patching what), what test doubles freeze there, the eventlet
//! backends other modules select in it, and the links of its fixes to other files'.

use std::collections::{BTreeMap, BTreeSet};

/// What the processes running a file look like after this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessContext {
    /// The processes running the file that stay on the hub; none: every one leaves it.
    pub staying: Vec<Staying>,
    /// What else a rewrite's correctness depends on (other files of its processes, or the
    /// assumption about processes outside the tree): such a rewrite is never `safe`.
    pub depends_on: Option<String>,
    /// Eventlet names (canonical) that a test double in a process running the file patches
    /// and cannot follow: their sites stay as they are, and why.
    pub frozen: BTreeMap<String, String>,
    /// The file's fixes linked to fixes of other files (objects passed between modules).
    pub links: crate::plan::links::FileLinks,
    /// Its code that other modules select by name as an eventlet backend: left as it is.
    pub backend: crate::plan::context::ModuleBackend,
    /// Its module-level `monkey_patch()` calls (by line and column) where the processes
    /// running it select libraries' threading backends instead (`oslo.service`).
    pub selects: Selects,
}

/// `monkey_patch()` calls (line, column) → the backend switches selected there.
pub type Selects = BTreeMap<(usize, usize), BTreeSet<String>>;

/// A process that stays on the hub after this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staying {
    /// Which process, and what keeps it there.
    pub why: String,
    /// The flags its `monkey_patch()` calls patch.
    pub patched: BTreeSet<String>,
    /// Where those flags come from.
    pub patching: Patching,
}

/// Where the monkey patching of a process that stays comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patching {
    /// The `monkey_patch()` calls its entry point reaches (`name`: the process).
    Found { name: String, sites: Vec<PatchSite> },
    /// Nothing among the paths reaches the code: `--assume-patched`, as spelled.
    Assumed(String),
    /// A script judged alone: its own `monkey_patch()` calls.
    ThisFile,
}

/// A `monkey_patch()` call a process reaches, with literal flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchSite {
    /// `path:line:col`.
    pub at: String,
    pub flags: BTreeSet<String>,
}

impl Staying {
    /// Where `flag` is patched, for a note: `at nova/cmd/api.py:3:1 (console script
    /// `nova-api`)`, or the assumption; `None` when it is not.
    pub fn patched_where(&self, flag: &str) -> Option<String> {
        if !self.patched.contains(flag) {
            return None;
        }
        Some(match &self.patching {
            Patching::Found { name, sites } => {
                let site = sites.iter().find(|s| s.flags.contains(flag))?;
                format!("at {} ({name})", site.at)
            }
            Patching::Assumed(spelled) => format!(
                "as assumed for code no entry point among the paths reaches (`--assume-patched {spelled}`)"
            ),
            Patching::ThisFile => "in this file".to_string(),
        })
    }

    /// What the process patches, as computed, for a message: `it patches `socket`,
    /// `thread` (at swift/common/utils.py:40:5)`.
    pub fn patching_described(&self) -> String {
        let flags = |set: &BTreeSet<String>| {
            set.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.patching {
            Patching::Found { sites, .. } if sites.is_empty() => {
                "it reaches no `monkey_patch()` call".to_string()
            }
            Patching::Found { sites, .. } => {
                let each: Vec<String> = sites
                    .iter()
                    .map(|s| match s.flags.is_empty() {
                        true => format!("nothing at {}", s.at),
                        false => format!("{} at {}", flags(&s.flags), s.at),
                    })
                    .collect();
                format!("it patches {}", each.join("; "))
            }
            Patching::Assumed(spelled) => {
                format!("assumed patched: `--assume-patched {spelled}`")
            }
            Patching::ThisFile if self.patched.is_empty() => {
                "this file calls no `monkey_patch()`".to_string()
            }
            Patching::ThisFile => format!("it patches {} in this file", flags(&self.patched)),
        }
    }
}

impl ProcessContext {
    /// Every process leaves the hub.
    pub fn native() -> ProcessContext {
        ProcessContext::default()
    }

    /// One process that stays, for `why`, patched with `patched` as `patching` says.
    pub fn staying(why: String, patched: BTreeSet<String>, patching: Patching) -> ProcessContext {
        ProcessContext {
            staying: vec![Staying {
                why,
                patched,
                patching,
            }],
            depends_on: None,
            frozen: BTreeMap::new(),
            links: crate::plan::links::FileLinks::default(),
            backend: Default::default(),
            selects: Selects::new(),
        }
    }

    /// Why a test double keeps the code of `name` (canonical) as it is, if one does: a
    /// double of the name, or of a module it is under (`eventlet` replaced as a whole).
    pub fn frozen_for(&self, name: &str) -> Option<&String> {
        self.frozen.get(name).or_else(|| {
            self.frozen.iter().find_map(|(k, why)| {
                name.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
                    .then_some(why)
            })
        })
    }

    /// Why the first process that stays does, if any does.
    pub fn stays(&self) -> Option<&str> {
        self.staying.first().map(|s| s.why.as_str())
    }

    /// The first staying process that lacks one of `needed`, with the flags it lacks.
    pub fn lacking<'a>(
        &'a self,
        needed: &'a BTreeSet<String>,
    ) -> Option<(&'a Staying, Vec<&'a str>)> {
        self.staying.iter().find_map(|s| {
            let missing: Vec<&str> = needed
                .iter()
                .filter(|f| !s.patched.contains(*f))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then_some((s, missing))
        })
    }
}

/// A module's code that is an eventlet backend another module selects by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleBackend {
    /// The whole module is one, and why.
    pub whole: Option<String>,
    /// Module-level functions or classes that are, and why.
    pub defs: Vec<(String, String)>,
}
