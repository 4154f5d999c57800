//! Whether an import a replacement needs can be had where it is used.

use crate::syntax::imports::{is_eventlet, ImportSpec};
use crate::syntax::semantic::{BindingId, BindingKind, ImportBinding, ScopeId, Semantic};

/// What the import of `name` at `scope` would clash with, if anything.
pub enum Availability {
    /// Already bound to the right object there.
    Present,
    /// Unbound: a module-level import must be added.
    Missing,
    /// Bound only by Eventlet imports of the very object being replaced: usable once those
    /// imports are removed (checked after imports are settled).
    Replaces(Vec<BindingId>),
    /// Bound to something else: the rewrite would change meaning.
    Conflict(String),
}

/// Whether `spec`'s name can denote `spec`'s object at `scope`. `migrated` gives what an
/// Eventlet import binding will denote after this run (module rules rebind imports);
/// `replacing` is the canonical name of the object the fix replaces.
pub fn availability(
    semantic: &Semantic,
    spec: &ImportSpec,
    scope: ScopeId,
    migrated: &dyn Fn(&ImportBinding) -> String,
    replacing: &str,
) -> Availability {
    let name = spec.bound_name();
    let Some(resolved) = semantic.lookup(scope, name) else {
        return Availability::Missing;
    };
    let bindings = semantic.bindings_of(resolved, name);
    let denotes = |b: &BindingId| match &semantic.bindings[*b].kind {
        BindingKind::Import(import) => Some(migrated(import)),
        BindingKind::Other => None,
    };
    if bindings
        .iter()
        .all(|b| denotes(b).is_some_and(|d| d == spec.denotes()))
    {
        Availability::Present
    } else if bindings.iter().all(|b| {
        // Eventlet imports go once all their uses are rewritten: checked after settling.
        denotes(b).is_some_and(|d| d == replacing)
            || matches!(&semantic.bindings[*b].kind, BindingKind::Import(i) if is_eventlet(&i.module))
    }) {
        Availability::Replaces(bindings.to_vec())
    } else {
        Availability::Conflict(format!("`{name}` is bound to something else here"))
    }
}
