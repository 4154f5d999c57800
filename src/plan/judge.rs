//! The constraints a file's plan puts on its fixes, each a named step: a fix a step objects
//! to is withdrawn and reported with the step's reason ([`withdraw_where`]).

use std::collections::{BTreeMap, BTreeSet};

use ruff_source_file::LineRanges;
use ruff_text_size::{TextRange, TextSize};

use crate::analyse::objects::LazyParents;
use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::fix::Safety;
use crate::syntax::comments::Comments;
use crate::syntax::semantic::Semantic;
use crate::syntax::source::{indentation_at, line_ending};

/// The items of sites that fixes take over ([`Fix::takes`]: a `with eventlet.Timeout(t):`
/// whose call now takes the timeout) move from `manual` to `taken`, and the `with` is no
/// longer a call left on eventlet.
pub fn take_over(
    fixes: &[Fix],
    semantic: &Semantic,
    manual: &mut Vec<Diagnostic>,
    manual_calls: &mut Vec<(TextRange, String)>,
    taken: &mut Vec<Diagnostic>,
) {
    let takes: BTreeSet<TextSize> = fixes
        .iter()
        .flat_map(|f| f.takes.iter().map(|r| r.start()))
        .collect();
    if takes.is_empty() {
        return;
    }
    let (now, left): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(manual)
        .into_iter()
        .partition(|item| takes.contains(&item.range.start()));
    *manual = left;
    taken.extend(now);
    // The `with` statement, and the timeout call's arguments (which end where it does).
    let calls: Vec<TextRange> = fixes.iter().flat_map(|f| f.takes.iter().copied()).collect();
    let released: Vec<TextRange> = calls
        .iter()
        .filter_map(|r| semantic.innermost_stmt(*r).map(|s| semantic.stmts[s].range))
        .collect();
    manual_calls.retain(|(range, _)| {
        !released.contains(range)
            && !calls
                .iter()
                .any(|c| c.contains_range(*range) && c.end() == range.end())
    });
}

/// The items taken over by fixes since withdrawn go back to `manual`.
pub fn give_back(fixes: &[Fix], manual: &mut Vec<Diagnostic>, taken: &mut Vec<Diagnostic>) {
    let takes: BTreeSet<TextSize> = fixes
        .iter()
        .flat_map(|f| f.takes.iter().map(|r| r.start()))
        .collect();
    let (kept, back): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(taken)
        .into_iter()
        .partition(|item| takes.contains(&item.range.start()));
    *taken = kept;
    manual.extend(back);
}

/// The fixes displaced by a fix that took their sites over ([`Fix::takes`]) and has been
/// withdrawn since come back, in source order; those still taken stay displaced.
pub fn restore_displaced(fixes: &mut Vec<Fix>, displaced: &mut Vec<(Fix, String)>) {
    let free = untaken(fixes, displaced);
    if !free.is_empty() {
        fixes.extend(free.into_iter().map(|(fix, _)| fix));
        fixes.sort_by_key(|f| f.range.start());
    }
}

/// The displaced fixes whose taker has been withdrawn too late for them to come back:
/// reported, with their message.
pub fn report_displaced(
    fixes: &[Fix],
    manual: &mut Vec<Diagnostic>,
    displaced: &mut Vec<(Fix, String)>,
) {
    for (fix, message) in untaken(fixes, displaced) {
        manual.push(fix.withdraw(message));
    }
}

/// Takes out of `displaced` the fixes no fix of `fixes` takes over any more.
fn untaken(fixes: &[Fix], displaced: &mut Vec<(Fix, String)>) -> Vec<(Fix, String)> {
    let (taken, free) = std::mem::take(displaced)
        .into_iter()
        .partition(|(fix, _)| fixes.iter().any(|f| f.takes_site(fix.range)));
    *displaced = taken;
    free
}

/// Withdraws every fix `why` objects to, reporting it with that message; the others stay,
/// in order.
pub fn withdraw_where(
    fixes: &mut Vec<Fix>,
    manual: &mut Vec<Diagnostic>,
    mut why: impl FnMut(&Fix) -> Option<String>,
) {
    let mut kept = Vec::with_capacity(fixes.len());
    for fix in std::mem::take(fixes) {
        match why(&fix) {
            Some(message) => manual.push(fix.withdraw(message)),
            None => kept.push(fix),
        }
    }
    *fixes = kept;
}

/// Comments a replacement would drop, kept on lines of their own above its statement (the
/// fix then needs review): the insertions.
pub fn keep_dropped_comments(
    text: &str,
    comments: &Comments,
    semantic: &Semantic,
    fixes: &mut [Fix],
) -> Vec<Edit> {
    let nl = line_ending(text);
    let mut edits = Vec::new();
    for fix in fixes.iter_mut() {
        let mut kept = String::new();
        let mut anchor = None;
        for edit in &fix.edits {
            for comment in comments.within(edit.range) {
                if edit.drops(*comment) {
                    let start = semantic
                        .innermost_stmt(edit.range)
                        .map_or(edit.range.start(), |s| semantic.stmts[s].range.start());
                    anchor = Some(text.line_start(start));
                    kept.push_str(indentation_at(text, start));
                    kept.push_str(&text[*comment]);
                    kept.push_str(nl);
                }
            }
        }
        if let Some(at) = anchor {
            fix.safety = fix.safety.max(Safety::Review);
            fix.kept_comments = Some(at);
            edits.push(Edit::insert(at, kept));
        }
    }
    edits
}

/// The rewrites a test double of this module would miss: `eventlet.sleep` patched to
/// `time.sleep` while code here now imports `sleep` itself (`from time import sleep`, where
/// the name `time` was taken). Neither side is rewritten.
pub fn stale_patch_target(fixes: &[Fix]) -> impl FnMut(&Fix) -> Option<String> {
    let imported_directly: BTreeSet<String> = fixes
        .iter()
        .filter(|f| f.patch_target.is_none())
        .flat_map(|f| {
            f.requests
                .iter()
                .filter(|r| r.spec.member.is_some())
                .map(|r| r.spec.denotes())
        })
        .collect();
    let stale: BTreeSet<String> = fixes
        .iter()
        .filter_map(|f| f.patch_target.clone())
        .filter(|t| imported_directly.contains(t))
        .collect();
    move |fix| {
        let hit = match &fix.patch_target {
            Some(t) => stale.contains(t),
            None => fix
                .requests
                .iter()
                .any(|r| r.spec.member.is_some() && stale.contains(&r.spec.denotes())),
        };
        let name = stale.iter().next().filter(|_| hit)?;
        let short = name.rsplit('.').next().unwrap_or_default();
        Some(format!(
            "`{}` not rewritten: a test double in this module patches it, but with the name `{}` taken here the code would import `{short}` directly and the patch would miss it; migrate both by hand",
            fix.subject,
            name.split('.').next().unwrap_or_default()
        ))
    }
}

/// The rewrites in functions of this module that run under a `with` left for a human
/// (`with eventlet.Timeout(...): self.poll()`): they would run green code natively there.
pub fn under_manual_with<'a, 'p: 'a>(
    manual_calls: &'a [(TextRange, String)],
    semantic: &'a Semantic,
    parents: &'a LazyParents<'p>,
) -> impl FnMut(&Fix) -> Option<String> + use<'a, 'p> {
    let guarded: Vec<(String, &str)> = manual_calls
        .iter()
        .filter(|(_, outer)| outer.starts_with("with "))
        .flat_map(|(range, outer)| {
            semantic
                .references
                .iter()
                .filter(|r| range.contains_range(r.range))
                .map(|r| {
                    r.chain
                        .strip_prefix("self.")
                        .unwrap_or(&r.name)
                        .split('.')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .map(move |name| (name, outer.as_str()))
        })
        .collect();
    move |fix| {
        // Most files have no such `with`: their parent contexts need not be built.
        if guarded.is_empty() {
            return None;
        }
        let function = parents.get().function_name(fix.range)?;
        let (_, outer) = guarded.iter().find(|(g, _)| g == function)?;
        Some(format!(
            "`{}` not rewritten: `{function}` is called under `{outer}`, which is not migrated: migrate them together",
            fix.subject
        ))
    }
}

/// Fixes whose object is handed to a call left on eventlet (`eventlet.wsgi.server(sock,
/// ...)`, reached through a parameter too): that code still expects the eventlet object (a
/// green listening socket, an eventlet Event), so the object stays as it is.
pub fn handed_to_manual<'a>(
    manual_calls: &'a [(TextRange, String)],
    position: &'a dyn Fn(TextRange) -> (usize, usize),
) -> impl FnMut(&Fix) -> Option<String> + use<'a> {
    move |fix| {
        let (escape, callee) = fix.escapes.iter().find_map(|escape| {
            manual_calls
                .iter()
                .filter(|(_, callee)| !callee.starts_with("with "))
                .find(|(args, _)| args.contains_range(*escape))
                .map(|(_, callee)| (*escape, callee))
        })?;
        let (line, column) = position(escape);
        Some(format!(
            "`{}` held back: its object is handed to `{callee}` at {line}:{column}, which stays on eventlet and needs the eventlet object: migrate them together",
            fix.subject
        ))
    }
}

/// A local whose last reader was removed goes too when assigning it did nothing else (its
/// statement joins `removals`); otherwise only its binding goes (`x = f()` → `f()`: the call
/// still happens: the returned edits) and the rewrite that removed its reader says so.
pub fn drop_dangling_locals(
    semantic: &Semantic,
    parents: &LazyParents<'_>,
    manual_items: &[Diagnostic],
    fixes: &mut [Fix],
    all_removals: &mut BTreeSet<crate::syntax::semantic::StmtId>,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let dangling = crate::analyse::dangling::dangling_locals(semantic, parents, all_removals);
    for local in &dangling {
        // An assignment that holds something reported stays, for the human to see it.
        let stmt = local.assignment;
        let holds_manual = manual_items
            .iter()
            .any(|m| semantic.stmts[stmt].range.contains_range(m.range));
        if local.inert && !holds_manual {
            all_removals.insert(stmt);
            continue;
        }
        edits.push(Edit::delete(TextRange::new(
            semantic.stmts[stmt].range.start(),
            local.value_start,
        )));
        for fix in fixes
            .iter_mut()
            .filter(|f| f.removals.contains(&local.reader))
        {
            fix.safety = fix.safety.max(Safety::Review);
            let note = format!(
                "`{}` is no longer used: its assignment is now its value alone, which is still computed; remove it if that has no effect you need",
                local.name
            );
            fix.note = Some(match fix.note.take() {
                Some(n) => format!("{n}; {note}"),
                None => note,
            });
        }
    }
    edits
}
/// Objects bound to one name by the same constructor are rewritten together: when a member
/// of a family is not rewritten, the others' rewrites (which rename the name's methods for
/// all of them) are withdrawn and reported.
pub fn withdraw_partial_families(fixes: &mut Vec<Fix>, manual_items: &mut Vec<Diagnostic>) {
    let mut accepted: BTreeMap<&str, usize> = BTreeMap::new();
    for family in fixes.iter().filter_map(|f| f.family.as_ref()) {
        *accepted.entry(family.key.as_str()).or_default() += 1;
    }
    let partial: BTreeSet<String> = fixes
        .iter()
        .filter_map(|f| f.family.as_ref())
        .filter(|family| accepted[family.key.as_str()] < family.members)
        .map(|family| family.key.clone())
        .collect();
    if partial.is_empty() {
        return;
    }
    let (withdrawn, kept): (Vec<Fix>, Vec<Fix>) = std::mem::take(fixes)
        .into_iter()
        .partition(|f| f.family.as_ref().is_some_and(|g| partial.contains(&g.key)));
    *fixes = kept;
    for fix in withdrawn {
        // Only fixes of a family are withdrawn here (any other goes back).
        let Some(family) = fix.family.as_ref() else {
            fixes.push(fix);
            continue;
        };
        let name = &family.name;
        let why = match family.tie {
            crate::fix::Tie::Bound => format!(
                "`{name}` is also bound to another object made the same way that is not rewritten"
            ),
            crate::fix::Tie::Held => format!(
                "`{name}` also holds another object made the same way that is not rewritten"
            ),
            crate::fix::Tie::Run => format!(
                "`{name}` is also run by another green thread that is not rewritten"
            ),
            crate::fix::Tie::HandedTo => format!(
                "it is rewritten only together with `{name}` and what `{name}` is handed to, and one of them is not rewritten"
            ),
        };
        let message = format!(
            "`{}` not rewritten: {why}; migrate them together",
            fix.subject
        );
        manual_items.push(fix.withdraw(message));
    }
}
