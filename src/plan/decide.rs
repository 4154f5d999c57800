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
use crate::plan::migration::{Applied, AppliedSites, Kept, Layout, Manual, Migration};
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
    /// files' objects need here (the uses of the parameters they are passed to). Each step
    /// below withdraws what it objects to, with its reason; what is left is applied.
    pub fn decide(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        plan: Option<&AppliedSites>,
        context: &ProcessContext,
        injected: &[Fix],
    ) -> Migration {
        let text = prepared.text();
        let position = |range: TextRange| line_column(text, &analysed.index, range.start());
        let mut migration = Migration::default();
        let mut triage = self.triage(prepared, analysed, plan, context, injected);
        migration.stale_doubles = std::mem::take(&mut triage.stale_doubles);
        withdraw_partial_families(&mut triage.fixes, &mut triage.manual_items);
        // What a withdrawn fix took over is rewritten on its own again, and judged below.
        crate::plan::judge::restore_displaced(&mut triage.fixes, &mut triage.displaced);
        let set_aside = self.set_aside_backends_in(analysed, context, &mut triage);
        // Comments a replacement would drop are kept on a line of their own above the statement.
        let mut edits: Vec<Edit> = crate::plan::judge::keep_dropped_comments(
            text,
            &analysed.comments,
            prepared.semantic(),
            &mut triage.fixes,
        );
        // `--safe-only`: rewrites that need review are reported, not applied.
        if self.safe_only {
            migration.skipped = skip_unsafe(&mut triage.fixes, &mut edits, &position);
        }
        crate::plan::judge::take_over(
            &triage.fixes,
            prepared.semantic(),
            &mut triage.manual_items,
            &mut triage.manual_calls,
            &mut triage.taken,
        );
        withdraw_under_manual(prepared, analysed, &position, &mut triage);
        // A family is applied whole: what the steps above withdrew takes its members too.
        withdraw_partial_families(&mut triage.fixes, &mut triage.manual_items);
        let (fixes, manual) = (&triage.fixes, &mut triage.manual_items);
        crate::plan::judge::give_back(fixes, manual, &mut triage.taken);
        crate::plan::judge::report_displaced(fixes, manual, &mut triage.displaced);
        let remaining = self.note_what_stays(text, &position, context, &mut triage, &mut migration);
        self.mark_reliance(context, &mut triage.fixes, migration.patches.as_ref());
        patching_last(remaining, context, &position, &mut triage);
        crate::plan::switch::select_backends(
            (&self.catalog.process, &self.requirements),
            prepared,
            context,
            &position,
            (&mut triage.fixes, &mut triage.manual_items),
        );
        let (placed, added) = self.settle_edits(prepared, analysed, &mut triage, &mut edits);
        migration.imports_added = added;
        let (fixes, manual) = (&triage.fixes, &mut triage.manual_items);
        crate::plan::judge::give_back(fixes, manual, &mut triage.taken);
        crate::plan::judge::report_displaced(fixes, manual, &mut triage.displaced);
        self.report(
            &position,
            triage,
            set_aside,
            (edits, placed),
            &mut migration,
        );
        migration
    }

    /// Code that exists to run on eventlet (a backend selected by name) stays as it is,
    /// reported once (the items returned), and keeps nothing else on the hub.
    fn set_aside_backends_in(
        &self,
        analysed: &Analysed<'_>,
        context: &ProcessContext,
        triage: &mut Triage<'_>,
    ) -> Vec<Diagnostic> {
        let backends = analysed.backends(&context.backend);
        let in_backend = |range: TextRange| backends.iter().any(|b| b.holds(range));
        triage.silently_cut.extend(
            triage
                .fixes
                .iter()
                .filter(|f| in_backend(f.range))
                .filter_map(|f| f.link.clone()),
        );
        triage.unselected_manual.retain(|(r, _)| !in_backend(*r));
        triage.patch_calls.retain(|call| !in_backend(call.range()));
        self.set_aside_backends(&backends, &mut triage.fixes, &mut triage.manual_items)
    }

    /// What keeps this file on eventlet, monkey patching aside: every item left for a human
    /// (or of a recipe not selected), and how many fixes its processes hold back (`stays`: the
    /// first item, or else the first fix held back); and what its own `monkey_patch()` calls
    /// patch. Returns the first item left for a human, if any.
    fn note_what_stays(
        &self,
        text: &str,
        position: &dyn Fn(TextRange) -> (usize, usize),
        context: &ProcessContext,
        triage: &mut Triage<'_>,
        migration: &mut Migration,
    ) -> Option<TextRange> {
        let mut left: Vec<(TextRange, &str)> = triage
            .manual_items
            .iter()
            .map(|m| (m.range, m.recipe.as_str()))
            .chain(
                triage
                    .unselected_manual
                    .iter()
                    .map(|(r, id)| (*r, id.as_str())),
            )
            .collect();
        left.sort_by_key(|(r, _)| r.start());
        left.dedup_by_key(|(r, _)| *r);
        migration.keeps = left
            .iter()
            .map(|&(range, recipe)| {
                let (line, column) = position(range);
                Kept {
                    recipe: recipe.to_string(),
                    line,
                    column,
                    code: first_line(&text[range]).to_string(),
                }
            })
            .collect();
        let remaining = left.first().map(|(r, _)| *r);
        migration.stays = migration.keeps.first().map(Kept::described);
        migration.patches = self.own_patches(&triage.patch_calls);
        // What is held back stays on eventlet too.
        let held = self.hold_back(
            &mut triage.fixes,
            &mut triage.manual_items,
            context,
            position,
        );
        migration.held_back = held.count;
        if migration.stays.is_none() {
            migration.stays = held.first;
        }
        remaining
    }

    /// A replacement that runs green only because another file (or the assumption)
    /// monkey-patches its module is never `safe`: the note says where. Nor is a rewrite that
    /// is right only together with other files.
    fn mark_reliance(
        &self,
        context: &ProcessContext,
        fixes: &mut [Fix],
        own: Option<&BTreeSet<String>>,
    ) {
        for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
            if let Some(relies) = self.relies_on(fix, context, own) {
                fix.safety = Safety::Review;
                fix.note = Some(relies);
            }
        }
        if let Some(depends) = &context.depends_on {
            for fix in fixes.iter_mut().filter(|f| f.safety == Safety::Safe) {
                fix.safety = Safety::Review;
                fix.note = Some(format!("safe only together with {depends}"));
            }
        }
    }

    /// Settles imports, drops the locals left dangling and removes statements: the edits
    /// placed after the fixes' own (imports, then the definitions that use them, then the
    /// removals), and the imports added. The fixes' own edits join `edits`.
    fn settle_edits(
        &self,
        prepared: &Prepared,
        analysed: &Analysed<'_>,
        triage: &mut Triage<'_>,
        edits: &mut Vec<Edit>,
    ) -> (Vec<Edit>, Vec<String>) {
        let (text, semantic) = (prepared.text(), prepared.semantic());
        let recipes = Index::new(&self.catalog, self.target, &|_| true);
        let ictx = ImportContext {
            text,
            body: &prepared.module().body,
            semantic,
            comments: &analysed.comments,
            configured: self.import_order,
        };
        let replaced_module = |module: &str| {
            recipes
                .module_of(self.target, module)
                .is_some_and(|(recipe, _)| self.enabled(&self.catalog.recipes[recipe].id))
        };
        let matched = |qualified: &str| recipes.matches(qualified);
        let names = imports::Matched {
            replaced_module: &replaced_module,
            matched: &matched,
        };
        let fixes = &mut triage.fixes;
        let (settled, removals, definitions) =
            settle_imports(&ictx, fixes, &mut triage.manual_items, &names);
        let mut all_removals = removals.clone();
        all_removals.extend(settled.removed_stmts.iter().copied());
        // A local whose last reader was removed goes too when assigning it did nothing else;
        // otherwise only its binding goes, and the rewrite that removed its reader says so.
        edits.extend(crate::plan::judge::drop_dangling_locals(
            semantic,
            &analysed.parents,
            &triage.manual_items,
            fixes,
            &mut all_removals,
        ));
        let mut anchors: HashSet<_> = settled.anchors.clone();
        anchors.extend(edits.iter().map(|e| e.range.start()));
        anchors.extend(definitions.iter().map(|e| e.range.start()));
        let removal =
            remove_statements(text, semantic, &analysed.comments, &all_removals, &anchors);
        for fix in fixes.iter_mut() {
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
        let mut placed = settled.edits;
        // After the imports inserted at the same place, which they use.
        placed.extend(definitions);
        placed.extend(removal.edits);
        (placed, settled.added)
    }

    /// The decision written down: what is applied and with which edits (for emitting to lay
    /// out), what other files must cut, and the items left for a human, in file order.
    fn report(
        &self,
        position: &dyn Fn(TextRange) -> (usize, usize),
        triage: Triage<'_>,
        set_aside: Vec<Diagnostic>,
        (edits, placed): (Vec<Edit>, Vec<Edit>),
        migration: &mut Migration,
    ) {
        let Triage {
            fixes,
            silently_cut,
            manual_items,
            ..
        } = triage;
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
        let wrap: Vec<Edit> = fixes
            .iter()
            .flat_map(|f| f.edits.iter().filter(|e| f.wrap.contains(&e.range)))
            .cloned()
            .collect();
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
        migration
            .manual
            .extend(manual_items.into_iter().chain(set_aside).map(to_manual));
        migration.manual.sort_by_key(|m| (m.line, m.column));
    }
}

/// Withdraws what runs under, or is handed to, code left on eventlet in this file, and the
/// test doubles that would miss the code they double once it is rewritten.
fn withdraw_under_manual(
    prepared: &Prepared,
    analysed: &Analysed<'_>,
    position: &dyn Fn(TextRange) -> (usize, usize),
    triage: &mut Triage<'_>,
) {
    let (fixes, manual_items) = (&mut triage.fixes, &mut triage.manual_items);
    // A test double of `eventlet.sleep` patched to `time.sleep` would miss code of this
    // module that now imports `sleep` itself: neither is rewritten, both are reported.
    let stale = crate::plan::judge::stale_patch_target(fixes);
    crate::plan::judge::withdraw_where(fixes, manual_items, stale);
    // Functions of this module called under a `with` left for a human (`with
    // eventlet.Timeout(...)`) run under it too: their rewrites are held back.
    crate::plan::judge::withdraw_where(
        fixes,
        manual_items,
        crate::plan::judge::under_manual_with(
            &triage.manual_calls,
            prepared.semantic(),
            &analysed.parents,
        ),
    );
    // An object handed to a call left on eventlet must stay the eventlet object.
    crate::plan::judge::withdraw_where(
        fixes,
        manual_items,
        crate::plan::judge::handed_to_manual(&triage.manual_calls, position),
    );
}

/// Monkey patching goes last: while anything in the file (`remaining`: the first item left)
/// or its processes is left on eventlet, the code still runs on the hub and needs it.
fn patching_last(
    remaining: Option<TextRange>,
    context: &ProcessContext,
    position: &dyn Fn(TextRange) -> (usize, usize),
    triage: &mut Triage<'_>,
) {
    let first_left = remaining.or_else(|| context.stays().map(|_| TextRange::default()));
    let Some(first) = first_left else {
        return;
    };
    let (line, column) = position(first);
    crate::plan::judge::withdraw_where(&mut triage.fixes, &mut triage.manual_items, |fix| {
        fix.last.then(|| match (&remaining, context.stays()) {
            (Some(_), _) | (None, None) => format!("`{}` kept: Eventlet code in this file is left for a human at {line}:{column}; remove monkey patching last", fix.subject),
            (None, Some(why)) => format!("`{}` kept: its process stays on eventlet ({why}); remove monkey patching last", fix.subject),
        })
    });
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
    names: &imports::Matched<'_>,
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
        let settled = imports::import_edits(ictx, &dropped, &requests, &rebinds, names, &removals);
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
