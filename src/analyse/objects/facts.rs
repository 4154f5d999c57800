//! The facts recipes test about a followed object: what its uses do with it.

use ruff_text_size::{Ranged, TextRange};
use std::collections::BTreeSet;

use super::*;

/// Facts a recipe can test: `send` (called), `send:used` (its result used), `send:args`
/// (called with arguments), `send:caught` (called inside a `try` with handlers),
/// `not-last:waitall` (called where a use may follow: see [`Tracked::is_final_use`]),
/// `maxsize:attr` (read, not called), `any-attr` (any method or attribute), `with`, `test`,
/// `escapes`, `passed` (an escape that hands it to a call: code that may use it as the
/// eventlet object it was, where `id(x)` or `d[x]` only identify it).
pub fn facts(tracked: &Tracked<'_>, parents: &Parents<'_>) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    for u in &tracked.uses {
        if matches!(
            u.parent,
            Some(Parent::Method { .. } | Parent::Attribute { .. })
        ) {
            facts.insert("any-attr".to_string());
        }
        match u.parent {
            Some(Parent::Method {
                call,
                attr,
                discarded,
            }) => {
                if parents.guarded(call.range()) {
                    facts.insert(format!("{}:caught", attr.attr));
                }
                let name = attr.attr.to_string();
                if tracked.in_place {
                    facts.insert(format!("in-place:{name}"));
                }
                if !tracked.is_final_use(u.range, parents) {
                    facts.insert(format!("not-last:{name}"));
                }
                if !discarded {
                    facts.insert(format!("{name}:used"));
                }
                if !call.arguments.is_empty() {
                    facts.insert(format!("{name}:args"));
                }
                facts.insert(name);
            }
            Some(Parent::Attribute { attr }) => {
                facts.insert(format!("{}:attr", attr.attr));
                facts.insert(attr.attr.to_string());
            }
            Some(Parent::With) => {
                facts.insert("with".to_string());
            }
            Some(Parent::Test) => {
                facts.insert("test".to_string());
            }
            Some(Parent::Iter) => {
                facts.insert("iter".to_string());
            }
            None => {
                facts.insert("escapes".to_string());
                if parents.passed_on(u.range) {
                    facts.insert("passed".to_string());
                }
            }
            // What the function it is passed to, or its callers, do with it: the project
            // plan's facts.
            Some(Parent::Passed { .. } | Parent::Returned) => {}
        }
    }
    if iterated_again(tracked, parents) {
        facts.insert("iter-again".to_string());
    }
    facts
}

/// Whether the object may be iterated more than once: two iterations, or one in a loop that
/// does not make it anew each time (a GreenPile is emptied by iterating it; a list is not).
pub(super) fn iterated_again(tracked: &Tracked<'_>, parents: &Parents<'_>) -> bool {
    let iterations: Vec<TextRange> = tracked
        .uses
        .iter()
        .filter(|u| matches!(u.parent, Some(Parent::Iter)))
        .map(|u| u.range)
        .collect();
    // A loop's own iterable is evaluated once, before the loop: not a repeat.
    let repeats = |at: TextRange, l: &TextRange| {
        l.contains_range(at)
            && tracked.within.contains_range(*l)
            && parents.iterations.get(&at).map(|(_, over)| *over) != Some(*l)
    };
    iterations.len() > 1
        || iterations.iter().any(|&at| {
            parents
                .loops
                .iter()
                .any(|l| repeats(at, l) && tracked.made_at.is_none_or(|m| !l.contains_range(m)))
        })
}
