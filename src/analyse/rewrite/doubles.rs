//! Test doubles of eventlet names (`mock.patch('eventlet.sleep')`): retargeted at what the
//! code under test now calls, or reported when they cannot follow.

use crate::analyse::availability::availability;
use crate::analyse::availability::Availability;
use crate::analyse::sites::{Site, SiteNode};
use crate::fix::edit::Edit;
use crate::fix::Fix;
use crate::fix::Request;
use crate::fix::Safety;
use crate::recipe::Recipe;
use crate::syntax::imports::ImportSpec;
use ruff_text_size::{Ranged, TextLen, TextRange};

use super::*;

/// Whether the migrated code still calls `name`, a library's (not eventlet's): every rule of
/// the recipe changes an argument at most (`executor='eventlet'` → `'threading'`), so a
/// double of it patches what the code calls after the migration as before; only what it
/// asserts of the arguments may not follow, so the calls it doubles are held.
fn keeps_the_name(recipe: &Recipe, target: Target, name: &str) -> bool {
    let rules = recipe.rules(target);
    !name.starts_with("eventlet.")
        && !rules.is_empty()
        && rules
            .iter()
            .all(|r| matches!(r.action, Action::ReplaceArg(_) | Action::Leave(_)))
}

/// Test doubles follow the code: `mock.patch('eventlet.sleep')` → `mock.patch('time.sleep')`,
/// `mock.patch.object(eventlet, 'sleep')` → `mock.patch.object(time, 'sleep')`.
pub(super) fn rewrite_patch(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    site: &Site<'_>,
) -> Outcome {
    let manual = |message: String| manual_item(cx, recipe, site, message);
    if keeps_the_name(recipe, cx.target, &site.name) {
        return Outcome::Holds;
    }
    let Some(full) = dotted_target(recipe, cx.target, &site.name) else {
        return manual(format!(
            "a test double patches `{}`, which the migration does not replace by a single object: patch what the migrated code calls",
            site.name
        ));
    };
    let dual_mode = recipe.rules(cx.target).iter().all(|r| r.dual_mode);
    let fix = |edits: Vec<Edit>, requests: Vec<Request>, note: String| {
        Outcome::Fix(Box::new(Fix {
            recipe: recipe.id.clone(),
            safety: Safety::Review,
            note: Some(note),
            range: site.range,
            edits,
            removals: Vec::new(),
            requests,
            rebind: None,
            needs_removed: Vec::new(),
            kept_comments: None,
            subject: display_name(cx.text, site).to_string(),
            name: site.name.clone(),
            guide: recipe.guide.get(&cx.target).cloned(),
            last: false,
            // It follows the code it doubles: where the process stays on the hub, only
            // as far as the recipe's rewrites apply there.
            dual_mode,
            patch_target: Some(full.clone()),
            family: None,
            defines: Vec::new(),
            crossings: Vec::new(),
            returns: Vec::new(),
            link: None,
            denotes: Vec::new(),
            wrap: Vec::new(),
            escapes: Vec::new(),
            guard: None,
            takes: Vec::new(),
        }))
    };
    match site.node {
        SiteNode::PatchName { literal, start } => {
            let value = literal.value.to_str();
            let path = &value[start..];
            let source = &cx.text[literal.range];
            let found = source
                .find(path)
                .filter(|_| !literal.value.is_implicit_concatenated());
            let Some(at) = found else {
                return manual(format!(
                    "the patched path is written in a way that cannot be rewritten; patch `{full}`"
                ));
            };
            let begin =
                literal.range.start() + ruff_text_size::TextSize::try_from(at).unwrap_or_default();
            let range = TextRange::at(begin, path.text_len());
            let through = value[..start].trim_end_matches('.');
            if !through.is_empty() {
                // What `through` calls once migrated is its own file's business: the code
                // stays as the double expects.
                return manual(format!(
                    "`{value}` patches eventlet as `{through}` imports it: the code it doubles stays as it is; migrate them together (then patch what `{through}` calls)"
                ));
            }
            let note = format!("the test now patches `{full}`, what the migrated code calls");
            fix(vec![Edit::replace(range, full.clone())], Vec::new(), note)
        }
        SiteNode::PatchObject { object, attr } => {
            let Some((module, name)) = full.rsplit_once('.') else {
                return manual(format!("patch `{full}` instead"));
            };
            let source = &cx.text[attr.range];
            let old = attr.value.to_str();
            let Some(at) = source
                .find(old)
                .filter(|_| !attr.value.is_implicit_concatenated())
            else {
                return manual(format!("patch `{full}` instead"));
            };
            let begin =
                attr.range.start() + ruff_text_size::TextSize::try_from(at).unwrap_or_default();
            let spec = ImportSpec {
                module: module.to_string(),
                member: None,
                asname: None,
            };
            if let Availability::Conflict(why) =
                availability(cx.semantic, &spec, site.scope, cx.migrated, &site.name)
            {
                return manual(format!("patch `{full}` instead ({why})"));
            }
            let requests = vec![Request {
                spec,
                scope: site.scope,
                at: site.range.start(),
            }];
            let edits = vec![
                Edit::replace(object.range(), module.to_string()),
                Edit::replace(TextRange::at(begin, old.text_len()), name.to_string()),
            ];
            fix(
                edits,
                requests,
                format!("the test now patches `{full}`, what the migrated code calls"),
            )
        }
        _ => Outcome::Nothing,
    }
}
