//! Judging a file's sites in a context: the named constraint steps in order.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ruff_text_size::{Ranged, TextRange};

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::analyse::sites::Index;
use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::fix::Request;
use crate::fix::Safety;
use crate::plan::context::ProcessContext;
use crate::plan::imports;
use crate::plan::imports::ImportContext;
use crate::plan::judge::withdraw_partial_families;
use crate::plan::migration::{Applied, AppliedSites, Layout, Manual, Migration};
use crate::plan::removal::remove_statements;
use crate::plan::triage::Triage;
use crate::syntax::imports::ImportSpec;
use crate::syntax::names::first_line;
use crate::syntax::prepared::Prepared;
use crate::syntax::semantic::StmtId;
use crate::syntax::source::line_column;

impl Engine {
    /// Judges a file's sites in `context`: what is applied, held back or left for a human, and
    /// the edits that do it (not yet applied: [`crate::emit::emit`]). `injected`: the fixes other
    /// files' objects need here (the uses of the parameters they are passed to).
    pub fn decide(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        plan: Option<&AppliedSites>,
        context: &ProcessContext,
        injected: &[Fix],
    ) -> Migration {
        let source = &prepared.source;
        let parsed = &prepared.parsed;
        let semantic = &prepared.semantic;
        let text = source.text.as_str();
        let index = &analysed.index;
        let body = &parsed.syntax().body;
        let comments = &analysed.comments;
        let parents = &analysed.parents;
        let target = self.target;
        let recipes = Index::new(&self.catalog, self.target, &|_| true);
        let mut migration = Migration::default();
        let position = |range: TextRange| line_column(text, index, range.start());
        let to_manual = |item: Diagnostic| {
            let (line, column) = position(item.range);
            Manual {
                recipe: item.recipe,
                line,
                column,
                message: item.message,
                guide: item.guide,
            }
        };
        let Triage {
            mut fixes,
            mut silently_cut,
            mut manual_items,
            manual_calls,
            mut unselected_manual,
            mut patch_calls,
            stale_doubles,
        } = self.triage(prepared, analysed, plan, context, injected);
        migration.stale_doubles = stale_doubles;

        withdraw_partial_families(&mut fixes, &mut manual_items);

        // Code that exists to run on eventlet (a backend selected by name) stays as it is,
        // reported once, and keeps nothing else on the hub.
        let backends = analysed.backends(&context.backend);
        let in_backend = |range: TextRange| backends.iter().any(|b| b.holds(range));
        silently_cut.extend(
            fixes
                .iter()
                .filter(|f| in_backend(f.range))
                .filter_map(|f| f.link.clone()),
        );
        unselected_manual.retain(|r| !in_backend(*r));
        patch_calls.retain(|call| !in_backend(call.range()));
        let set_aside = self.set_aside_backends(&backends, &mut fixes, &mut manual_items);

        // Comments a replacement would drop are kept on a line of their own above the statement.
        let mut edits: Vec<Edit> =
            crate::plan::judge::keep_dropped_comments(text, comments, semantic, &mut fixes);

        // `--safe-only`: rewrites that need review are reported, not applied.
        if self.safe_only {
            migration.skipped = skip_unsafe(&mut fixes, &mut edits, &position);
        }

        // A test double of `eventlet.sleep` patched to `time.sleep` would miss code of this
        // module that now imports `sleep` itself: neither is rewritten, both are reported.
        let stale = crate::plan::judge::stale_patch_target(&fixes);
        crate::plan::judge::withdraw_where(&mut fixes, &mut manual_items, stale);

        // Functions of this module called under a `with` left for a human (`with
        // eventlet.Timeout(...)`) run under it too: their rewrites are held back.
        crate::plan::judge::withdraw_where(
            &mut fixes,
            &mut manual_items,
            crate::plan::judge::under_manual_with(&manual_calls, semantic, parents),
        );

        // An object handed to a call left on eventlet must stay the eventlet object.
        crate::plan::judge::withdraw_where(
            &mut fixes,
            &mut manual_items,
            crate::plan::judge::handed_to_manual(&manual_calls, &position),
        );

        // What keeps this file on eventlet (monkey patching aside).
        let remaining = manual_items
            .iter()
            .map(|m| m.range)
            .chain(unselected_manual.iter().copied())
            .min_by_key(|r| r.start());
        migration.stays = remaining.map(|r| {
            let (line, column) = position(r);
            format!("{line}:{column} (`{}`)", first_line(&text[r]))
        });
        migration.patches = self.own_patches(&patch_calls);
        // What is held back stays on eventlet too.
        let held = self.hold_back(&mut fixes, &mut manual_items, context, &position);
        if migration.stays.is_none() {
            migration.stays = held;
        }

        // A replacement that runs green only because another file (or the assumption)
        // monkey-patches its module is never `safe`: the note says where.
        for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
            if let Some(relies) = self.relies_on(fix, context, migration.patches.as_ref()) {
                fix.safety = Safety::Review;
                fix.note = Some(relies);
            }
        }
        // A rewrite that is right only together with other files is never `safe`.
        if let Some(depends) = &context.depends_on {
            for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
                fix.safety = Safety::Review;
                fix.note = Some(format!("safe only together with {depends}"));
            }
        }

        // Monkey patching goes last: while anything in the file or its processes is left on
        // eventlet, the code still runs on the hub and needs it.
        let first_left = remaining.or_else(|| context.stays().map(|_| TextRange::default()));
        if let Some(first) = first_left {
            let (line, column) = position(first);
            crate::plan::judge::withdraw_where(&mut fixes, &mut manual_items, |fix| {
                fix.last.then(|| match (&remaining, context.stays()) {
                    (Some(_), _) | (None, None) => format!("`{}` kept: Eventlet code in this file is left for a human at {line}:{column}; remove monkey patching last", fix.subject),
                    (None, Some(why)) => format!("`{}` kept: its process stays on eventlet ({why}); remove monkey patching last", fix.subject),
                })
            });
        }

        // Settle imports; a fix whose import needs an Eventlet import gone that stays (other
        // uses remain) is withdrawn, and imports are settled again without it.
        let ictx = ImportContext {
            text,
            body,
            semantic,
            comments,
            configured: self.import_order,
        };
        let replaced_module = |module: &str| {
            recipes
                .module_of(target, module)
                .is_some_and(|(recipe, _)| self.enabled(&self.catalog.recipes[recipe].id))
        };
        let (settled, removals, definitions) =
            settle_imports(&ictx, &mut fixes, &mut manual_items, &replaced_module);

        let mut all_removals = removals.clone();
        all_removals.extend(settled.removed_stmts.iter().copied());
        // A local whose last reader was removed goes too when assigning it did nothing else;
        // otherwise only its binding goes, and the rewrite that removed its reader says so.
        edits.extend(crate::plan::judge::drop_dangling_locals(
            semantic,
            parents,
            &manual_items,
            &mut fixes,
            &mut all_removals,
        ));
        let mut anchors: HashSet<_> = settled.anchors.clone();
        anchors.extend(edits.iter().map(|e| e.range.start()));
        anchors.extend(definitions.iter().map(|e| e.range.start()));
        let removal = remove_statements(text, semantic, comments, &all_removals, &anchors);
        for fix in &mut fixes {
            if fix
                .removals
                .iter()
                .any(|s| removal.moved_comments.contains(s))
            {
                fix.safety = fix.safety.max(Safety::Review);
            }
        }
        for edit in fixes.iter().flat_map(|f| f.edits.iter()) {
            if !edits.contains(edit) {
                edits.push(edit.clone());
            }
        }
        let wrap: Vec<Edit> = fixes
            .iter()
            .flat_map(|f| f.edits.iter().filter(|e| f.wrap.contains(&e.range)))
            .cloned()
            .collect();
        let mut placed = settled.edits;
        // After the imports inserted at the same place, which they use.
        placed.extend(definitions);
        placed.extend(removal.edits);

        migration.sensitivity = self.sensitivity(&fixes);
        for fix in &fixes {
            let (line, column) = position(fix.range);
            migration.applied.push(Applied {
                recipe: fix.recipe.clone(),
                safety: fix.safety,
                line,
                column,
                note: fix.note.clone(),
            });
        }
        migration.imports_added = settled.added;
        migration.layout = Layout {
            fixes: edits,
            wrap,
            placed,
            annotate: if self.annotate {
                manual_items.clone()
            } else {
                Vec::new()
            },
        };
        // A linked fix not applied cuts its link in the other files too.
        migration.cut = manual_items
            .iter()
            .filter_map(|item| {
                let (line, column) = position(item.range);
                Some((
                    item.link.clone()?,
                    format!("{line}:{column}: {}", item.message),
                ))
            })
            .chain(
                silently_cut
                    .into_iter()
                    .map(|link| (link, "its object is not rewritten in this run".to_string())),
            )
            .collect();
        migration
            .manual
            .extend(manual_items.into_iter().chain(set_aside).map(to_manual));
        migration.manual.sort_by_key(|m| (m.line, m.column));
        migration
    }
}

/// Takes the fixes that are not `safe` out (with the comments they kept), as reported.
fn skip_unsafe(
    fixes: &mut Vec<Fix>,
    edits: &mut Vec<Edit>,
    position: &dyn Fn(TextRange) -> (usize, usize),
) -> Vec<Applied> {
    let (kept, skipped): (Vec<Fix>, Vec<Fix>) = std::mem::take(fixes)
        .into_iter()
        .partition(|f| f.safety == Safety::Safe);
    *fixes = kept;
    edits.retain(|e| {
        fixes
            .iter()
            .any(|f| f.kept_comments == Some(e.range.start()))
    });
    skipped
        .into_iter()
        .map(|fix| {
            let (line, column) = position(fix.range);
            Applied {
                recipe: fix.recipe,
                safety: fix.safety,
                line,
                column,
                note: fix.note,
            }
        })
        .collect()
}

/// Settles the imports the fixes need; a fix whose import needs an Eventlet import gone that
/// stays (other uses remain), or whose definition would precede an import it uses, is
/// withdrawn, and imports are settled again without it. The settled imports, the statements
/// the fixes remove, and the definitions' insertions.
fn settle_imports(
    ictx: &ImportContext<'_>,
    fixes: &mut Vec<Fix>,
    manual_items: &mut Vec<Diagnostic>,
    replaced_module: &dyn Fn(&str) -> bool,
) -> (imports::ImportEdits, BTreeSet<StmtId>, Vec<Edit>) {
    loop {
        let removals: BTreeSet<StmtId> = fixes
            .iter()
            .flat_map(|f| f.removals.iter().copied())
            .collect();
        let rebinds: BTreeMap<usize, ImportSpec> =
            fixes.iter().filter_map(|f| f.rebind.clone()).collect();
        let requests: Vec<Request> = fixes
            .iter()
            .flat_map(|f| f.requests.iter().cloned())
            .collect();
        let dropped =
            |range: TextRange| fixes.iter().any(|f| f.edits.iter().any(|e| e.drops(range)));
        let settled = imports::import_edits(
            ictx,
            &dropped,
            &requests,
            &rebinds,
            replaced_module,
            &removals,
        );
        let placed = crate::plan::definitions::place(ictx.text, ictx.body, fixes, &settled.anchors);
        let stuck: Vec<usize> = (0..fixes.len())
            .filter(|&i| {
                placed.misplaced.contains(&i)
                    || fixes[i]
                        .needs_removed
                        .iter()
                        .any(|b| !settled.removed_bindings.contains(b))
            })
            .collect();
        if stuck.is_empty() {
            break (settled, removals, placed.edits);
        }
        for i in stuck.into_iter().rev() {
            let misplaced = placed.misplaced.contains(&i);
            let fix = fixes.remove(i);
            let message = if misplaced {
                format!(
                    "`{}` not rewritten: the definition its replacement needs would come before the imports it uses",
                    fix.subject
                )
            } else {
                format!(
                    "`{}` not rewritten: its replacement needs the name `{}`, still imported from eventlet for other uses",
                    fix.subject,
                    fix.requests.first().map(|r| r.spec.bound_name().to_string()).unwrap_or_default()
                )
            };
            manual_items.push(fix.withdraw(message));
        }
    }
}
