//! One file's result: what was applied, skipped and left for a human, and what of it a
//! stricter context could change.

use std::collections::BTreeSet;

use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::fix::Safety;
use crate::plan::context::ProcessContext;

/// A rewrite that was applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub recipe: String,
    pub safety: Safety,
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A site reported for a human.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Manual {
    pub recipe: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
}

/// A site that keeps its file on eventlet whatever its processes do: left for a human, or
/// of a recipe not selected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Kept {
    pub recipe: String,
    pub line: usize,
    pub column: usize,
    /// The first line of its code.
    pub code: String,
}

impl Kept {
    /// `line:column (`code`)`.
    pub fn described(&self) -> String {
        format!("{}:{} (`{}`)", self.line, self.column, self.code)
    }
}

/// The rewrites a run applied, by recipe and position.
pub type AppliedSites = BTreeSet<(String, (usize, usize))>;

impl Migration {
    /// What this run applied, to bound a run over the same bytes ([`Engine::migrate_within`](crate::analyse::engine::Engine::migrate_within)).
    pub fn applied_sites(&self) -> AppliedSites {
        self.applied
            .iter()
            .map(|a| (a.recipe.clone(), (a.line, a.column)))
            .collect()
    }
}

/// The result of migrating one file's contents.
#[derive(Debug, Clone, Default)]
pub struct Migration {
    /// The new contents, when anything changed.
    pub output: Option<Vec<u8>>,
    pub applied: Vec<Applied>,
    pub manual: Vec<Manual>,
    pub imports_added: Vec<String>,
    /// Rewrites not applied because they need review (`--safe-only`).
    pub skipped: Vec<Applied>,
    /// The edits the plan settled, for emitting to lay out and apply.
    pub layout: Layout,
    /// The top-level edits applied, over the decoded text (for checking untouched bytes).
    pub edits: Vec<Edit>,
    /// What keeps this file on eventlet after this run (monkey patching aside), if anything:
    /// `line:column (code)`. Its processes stay on the hub.
    pub stays: Option<String>,
    /// The sites that keep this file on eventlet whatever its processes do, in file order.
    pub keeps: Vec<Kept>,
    /// How many rewrites its processes (and links to other files) held back.
    pub held_back: usize,
    /// The flags the `monkey_patch()` calls in this file patch (their union); `None` when a
    /// call's flags are not literals.
    pub patches: Option<BTreeSet<String>>,
    /// What of this result a context where more processes stay could change.
    pub sensitivity: Sensitivity,
    /// Test doubles that patch an eventlet name and cannot follow its rewrite: `(canonical
    /// name, line:column)`. The code they double must stay as it is in their processes.
    pub stale_doubles: Vec<(String, String)>,
    /// Links of fixes not applied here (their fixes in other files go too): `(link,
    /// line:column: why)`.
    pub cut: Vec<(String, String)>,
}

/// What a migration's result depends on in its context: the rewrites a process that stays
/// could hold back, and monkey patching that goes only if every process leaves the hub.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sensitivity {
    /// The flags the applied rewrites need where their process stays on the hub.
    pub needs: BTreeSet<String>,
    /// An applied rewrite is right only where its process leaves the hub.
    pub native_only: bool,
    /// Monkey patching was removed.
    pub removes_patching: bool,
    /// The canonical names the applied rewrites replace.
    pub names: BTreeSet<String>,
}

impl Sensitivity {
    /// Whether migrating again in `context` could give another result. Contexts only grow
    /// stricter while a project is planned, so what was held back stays held back.
    pub fn affected_by(&self, context: &ProcessContext) -> bool {
        self.names.iter().any(|n| context.frozen_for(n).is_some())
            || (!context.staying.is_empty()
                && (self.native_only
                    || self.removes_patching
                    // Held back, or right only through patching the note must name.
                    || !self.needs.is_empty()))
    }
}

/// The edits a decided migration makes, as emitting takes them: the fixes' own, laid out
/// (wrapped where a line grows too long, regrouped where several share a line), then the
/// rest in order.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The fixes' edits (and the comments they keep), in order.
    pub fixes: Vec<Edit>,
    /// The fixes' edits written from templates (each fix's, in order), to wrap.
    pub wrap: Vec<Edit>,
    /// Imports, the definitions placed after them, and the statements removed.
    pub placed: Vec<Edit>,
    /// The manual items `--annotate` writes a comment above (empty without it).
    pub annotate: Vec<Diagnostic>,
}

impl Layout {
    /// Whether emitting has nothing to do.
    pub fn is_empty(&self) -> bool {
        self.fixes.is_empty() && self.placed.is_empty() && self.annotate.is_empty()
    }
}
