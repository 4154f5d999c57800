//! Names the resolver cannot pin to one object: an Eventlet import that is also bound some
//! other way in the same scope (`try: import eventlet` / `except ImportError: eventlet =
//! None`, `global eventlet; eventlet = None`, a `nonlocal` rebinding). Which object a use
//! reads depends on the run, so no use is rewritten; every use is reported instead of being
//! silently left.

use ruff_text_size::TextSize;

use crate::fix::Diagnostic;
use crate::syntax::imports::is_eventlet;
use crate::syntax::semantic::{BindingKind, Semantic};

/// One manual item per use of such a name.
pub fn ambiguous_uses(semantic: &Semantic, text: &str) -> Vec<Diagnostic> {
    let mut items = Vec::new();
    for reference in semantic.references.iter().filter(|r| !r.is_del) {
        let Some(scope) = reference.resolved else {
            continue;
        };
        let bindings = semantic.bindings_of(scope, &reference.name);
        let Some(eventlet) = bindings
            .iter()
            .find_map(|&b| match &semantic.bindings[b].kind {
                BindingKind::Import(i) if is_eventlet(&i.module) => Some(i),
                _ => None,
            })
        else {
            continue;
        };
        let other = bindings
            .iter()
            .find(|&&b| match &semantic.bindings[b].kind {
                // Alternative eventlet imports (`if PY3: from eventlet.green.urllib import
                // request as urllib2` / `else: …`) are rebound by the module recipes.
                BindingKind::Import(i) => !is_eventlet(&i.module),
                BindingKind::Other => true,
            });
        let Some(&other) = other else {
            continue;
        };
        items.push(Diagnostic {
            recipe: "imports".to_string(),
            range: reference.range,
            message: format!(
                "`{}`: `{}` is the eventlet import `{}` but is also bound at line {} (an optional import's fallback, a `global` or `nonlocal` assignment…), so this use may not read eventlet: migrate by hand",
                reference.chain,
                reference.name,
                eventlet.qualified,
                line_of(text, semantic.bindings[other].start)
            ),
            guide: None,
            link: None,
        });
    }
    items
}

fn line_of(text: &str, offset: TextSize) -> usize {
    text[..usize::from(offset)].matches('\n').count() + 1
}
