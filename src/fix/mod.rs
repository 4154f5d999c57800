//! The types every phase shares: an [`Edit`] over the original text, a [`Fix`]
//! (the edits of one site's rewrite, its [`Safety`], and what links it to other files'
//! fixes), and a [`Diagnostic`] (what is reported instead). No logic beyond construction.

pub mod edit;

use std::collections::BTreeSet;
use std::fmt;

use ruff_text_size::{TextRange, TextSize};
use serde::Deserialize;

use crate::fix::edit::Edit;
use crate::syntax::imports::ImportSpec;
use crate::syntax::semantic::{ScopeId, StmtId};

/// An import a fix needs, and the scope of the code that will use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub spec: ImportSpec,
    pub scope: ScopeId,
    /// Where the replacement uses the import: an import the code reaches only after this
    /// point does not provide it.
    pub at: TextSize,
}

/// A rewrite of one site.
#[derive(Debug, Clone)]
pub struct Fix {
    pub recipe: String,
    pub safety: Safety,
    pub note: Option<String>,
    pub range: TextRange,
    pub edits: Vec<Edit>,
    /// Statements to delete (`remove-statement`).
    pub removals: Vec<StmtId>,
    pub requests: Vec<Request>,
    /// An import binding to rebind to another module, keeping its name.
    pub rebind: Option<(usize, ImportSpec)>,
    /// Eventlet import bindings that must go for this fix's imports to be usable.
    pub needs_removed: Vec<usize>,
    /// Where comments the fix would drop are re-inserted, if any.
    pub kept_comments: Option<ruff_text_size::TextSize>,
    /// The matched code as written (`eventlet.sleep`), for messages.
    pub subject: String,
    /// The canonical name matched (`eventlet.greenthread.sleep`).
    pub name: String,
    pub guide: Option<String>,
    /// Withdrawn when anything else in the file is left for a human.
    pub last: bool,
    /// Right in a process that stays on the hub, given the flags its imports need.
    pub dual_mode: bool,
    /// For a test double: the object it now patches (`time.sleep`).
    pub patch_target: Option<String>,
    /// The family of objects its object belongs to: applied only with all its members.
    pub family: Option<Family>,
    /// Module-level definitions its replacement names, written once per file.
    pub defines: Vec<Definition>,
    /// The object is passed to functions of other modules, whose uses of it are rewritten
    /// there by the same rule: applied only together ([`Fix::link`]).
    pub crossings: Vec<Crossing>,
    /// The object is returned by a function whose callers' uses of it are rewritten in
    /// their modules by the same rule: applied only together ([`Fix::link`]).
    pub returns: Vec<Return>,
    /// The fixes in several files this one is applied with, or not at all: set by the
    /// project plan.
    pub link: Option<String>,
    /// Modules the new object comes from when the fix imports none of them (the uses of an
    /// object made in another module): the monkey patching it needs in a process that stays.
    pub denotes: Vec<String>,
    /// The ranges of its edits written from templates: wrapped when emitted, where a line
    /// would grow too long.
    pub wrap: Vec<TextRange>,
    /// Where its object is handed to code that is not followed (an argument of a call the
    /// tool does not know, stored, …): if that code stays on eventlet, so must the object.
    pub escapes: Vec<TextRange>,
    /// For a removed statement: the option it serves (the test of the `if` around it, as
    /// written), which does nothing once it goes.
    pub guard: Option<String>,
    /// Sites of other recipes its edits rewrite (a `with eventlet.Timeout(t):` whose call
    /// now takes the timeout, and the handler that caught it): not reported while it applies.
    pub takes: Vec<TextRange>,
}

/// An object a module-level function returns, followed into every call of it: the uses of
/// each call's result are rewritten, where the call is, by the rule that rewrote it here.
#[derive(Debug, Clone)]
pub struct Return {
    pub to: RemoteCallers,
    /// The returned expression.
    pub at: TextRange,
    /// The rule, by its place among the recipe's rules for the target.
    pub rule: usize,
}

/// An object passed to a function of another module, followed there: the uses of the
/// parameter it reaches are rewritten by the rule that rewrote it here, in that module.
#[derive(Debug, Clone)]
pub struct Crossing {
    pub to: RemoteParameter,
    /// The call that passes it, and the argument.
    pub call: TextRange,
    pub argument: TextRange,
    /// How many times the callee's name appears in this module: each must be such a call,
    /// or something here calls the function with another object.
    pub mentions: usize,
    /// The rule, by its place among the recipe's rules for the target.
    pub rule: usize,
}

/// What is reported about a site that is left as it is (as ruff's `Diagnostic`): the
/// message, the place, the guide chapter. What is applied is a [`Fix`], with its [`Safety`];
/// a fix the plan does not apply becomes a diagnostic ([`Fix::withdraw`]).
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub recipe: String,
    pub range: TextRange,
    pub message: String,
    pub guide: Option<String>,
    /// A withdrawn fix's link: the fixes of other files linked to it go too.
    pub link: Option<String>,
}

impl Fix {
    /// Whether its edits rewrite the site at `range`, another recipe's ([`Fix::takes`]).
    pub fn takes_site(&self, range: TextRange) -> bool {
        self.takes.iter().any(|r| r.start() == range.start())
    }

    /// Not applied after all: what is reported instead, at the same place.
    pub fn withdraw(self, message: String) -> Diagnostic {
        Diagnostic {
            recipe: self.recipe,
            range: self.range,
            message,
            guide: self.guide,
            link: self.link,
        }
    }
}

/// `Slot` (of the object flow), owned: how an argument reaches a function of another module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PassedAs {
    Position(usize),
    Keyword(String),
}

/// Objects bound to one name by the same constructor: all their uses are the name's, so
/// they are rewritten together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The scope and name, for grouping the members' rewrites.
    pub key: String,
    pub members: usize,
    /// The name the members are bound to, or of the container holding them, or of the
    /// object handed to the others.
    pub name: String,
    pub tie: Tie,
}

/// What makes the members of a family one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// Bound to one name by the same constructor.
    Bound,
    /// Held by one list, set or dict.
    Held,
    /// One object handed to calls whose rewrites use it as its own rewrite makes it
    /// (`GreenPile(pool)`).
    HandedTo,
    /// Green threads running one function, which each rewrite gives a parameter of its own.
    Run,
}

/// The callers of a function that returns an object, as the project plan found them: each
/// call (by file and range) and what the callers do with the result (the facts recipes
/// test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCallers {
    /// The file (by its index in the run) that defines the function, and the function.
    pub file: usize,
    pub path: String,
    pub function: String,
    /// How many of its `return` statements return something other than `None`.
    pub returns: usize,
    pub calls: Vec<(usize, TextRange)>,
    pub facts: BTreeSet<String>,
}

/// A parameter of a function of another module that an object is passed to, as the project
/// plan found it: where, and what its uses there do (the facts recipes test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteParameter {
    /// The file (by its index in the run) that defines the function.
    pub file: usize,
    /// The module's path as reports show it.
    pub path: String,
    pub function: String,
    pub parameter: String,
    /// How the first caller that asked passes it (the parameter is found again from it).
    pub slot: PassedAs,
    pub facts: BTreeSet<String>,
    /// How many times the function is named in its own module.
    pub mentions: usize,
}

/// A module-level class or function a replacement refers to by `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub name: String,
    /// Its source, ending with a newline.
    pub text: String,
}

/// How far a rewrite can be trusted (ruff's applicability).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    /// Same observable behaviour.
    Safe,
    /// Correct in the common case; a human should read it.
    Review,
    /// No faithful automatic rewrite: reported, not applied.
    Manual,
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Safety::Safe => "safe",
            Safety::Review => "review",
            Safety::Manual => "manual",
        })
    }
}
