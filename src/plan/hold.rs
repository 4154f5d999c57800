//! What a file's processes hold back: replacements that would block a hub that stays, the
//! monkey patching they rely on, and code that exists to run on eventlet.

use std::collections::BTreeSet;

use ruff_text_size::TextRange;

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::analyse::patching::monkey_patch_flags;
use crate::analyse::patching::needed_flags;
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::plan::context::ProcessContext;
use crate::plan::migration::Sensitivity;
use crate::syntax::names::first_line;

/// The fixes a file's processes and links hold back.
#[derive(Debug, Default)]
pub(crate) struct HeldBack {
    pub count: usize,
    /// The first, as `line:column (code)`.
    pub first: Option<String>,
}

impl Engine {
    /// Why `fix` would block the hub of a process that stays; `None` when it runs green in
    /// every one.
    pub(crate) fn blocks_hub(&self, fix: &Fix, context: &ProcessContext) -> Option<String> {
        let first = context.stays()?;
        if !fix.dual_mode {
            let what = if fix.removals.is_empty() {
                "the replacement is right only in a process that leaves the hub (whatever is patched)".to_string()
            } else {
                let option = fix.guard.as_ref().map_or(String::new(), |guard| {
                    format!(" (it serves an option, `if {guard}`, that keeps working with it)")
                });
                format!("the statement still acts on its hub{option}")
            };
            return Some(format!(
                "its process stays on eventlet ({first}), and {what}"
            ));
        }
        let needed = self.flags_needed(fix);
        let (process, missing) = context.lacking(&needed)?;
        Some(format!(
            "its process stays on eventlet ({}) and does not monkey-patch {} ({}): the replacement would block the hub there",
            process.why,
            missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
            process.patching_described()
        ))
    }

    /// Where the monkey patching that `fix` needs to run green happens, when that is not in
    /// its own file (`own`: the flags this file's `monkey_patch()` calls patch).
    pub(crate) fn relies_on(
        &self,
        fix: &Fix,
        context: &ProcessContext,
        own: Option<&BTreeSet<String>>,
    ) -> Option<String> {
        let needed = self.flags_needed(fix);
        let mut places: Vec<String> = Vec::new();
        for staying in &context.staying {
            if staying.patching == crate::plan::context::Patching::ThisFile {
                continue;
            }
            for flag in needed
                .iter()
                .filter(|f| !own.is_some_and(|o| o.contains(*f)))
            {
                if let Some(place) = staying.patched_where(flag) {
                    let said = format!("`{flag}` is monkey-patched {place}");
                    if !places.contains(&said) {
                        places.push(said);
                    }
                }
            }
        }
        (!places.is_empty()).then(|| {
            format!(
                "runs green on the hub only because {}",
                places.join(", and ")
            )
        })
    }

    /// Withdraws what the file's processes and links hold back: a replacement that would
    /// block the hub of a process that stays, then a fix linked to fixes of other files that
    /// were not applied (after this file's own reasons, which say more).
    pub(crate) fn hold_back(
        &self,
        fixes: &mut Vec<Fix>,
        manual_items: &mut Vec<Diagnostic>,
        context: &ProcessContext,
        position: &dyn Fn(TextRange) -> (usize, usize),
    ) -> HeldBack {
        let mut held = HeldBack::default();
        let mut note = |fix: &Fix| {
            held.count += 1;
            held.first.get_or_insert_with(|| {
                let (line, column) = position(fix.range);
                format!("{line}:{column} (`{}`)", first_line(&fix.subject))
            });
        };
        crate::plan::judge::withdraw_where(fixes, manual_items, |fix| {
            let block = self.blocks_hub(fix, context).filter(|_| !fix.last)?;
            note(fix);
            Some(format!(
                "`{}` held back: {block}; migrate the rest of the process first",
                fix.subject
            ))
        });
        crate::plan::judge::withdraw_where(fixes, manual_items, |fix| {
            let why = context.links.cut_off(fix)?;
            note(fix);
            Some(why)
        });
        held
    }

    /// Takes the fixes and manual items inside eventlet backends out: one item per backend
    /// reports it (with how many eventlet uses it keeps), without holding anything back.
    pub(crate) fn set_aside_backends(
        &self,
        backends: &[crate::analyse::backend::Region],
        fixes: &mut Vec<Fix>,
        manual_items: &mut Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let advice = &self.catalog.backends;
        let mut uses = vec![0usize; backends.len()];
        let mut inside = |range: TextRange| {
            let found = backends.iter().position(|b| b.holds(range));
            if let Some(i) = found {
                uses[i] += 1;
            }
            found.is_none()
        };
        fixes.retain(|f| inside(f.range));
        manual_items.retain(|m| inside(m.range));
        backends
            .iter()
            .zip(uses)
            .filter(|(_, n)| *n > 0)
            .map(|(backend, n)| Diagnostic {
                recipe: advice.id.clone(),
                range: backend.range.map_or(TextRange::default(), |r| {
                    TextRange::empty(r.start())
                }),
                message: format!(
                    "{} exists to run on eventlet ({}): left as it is, with its {n} eventlet use{}, and kept out of the plans of the processes that do not select it; {}",
                    backend.what,
                    backend.why,
                    if n == 1 { "" } else { "s" },
                    advice.advice
                ),
                guide: Some(advice.guide.clone()),
                link: None,
            })
            .collect()
    }

    /// The monkey-patch flags under which `fix`'s replacement runs green: those of the
    /// modules its imports and rebinds bring in.
    pub(crate) fn flags_needed(&self, fix: &Fix) -> BTreeSet<String> {
        let modules: Vec<String> = fix
            .requests
            .iter()
            .map(|r| r.spec.denotes_module())
            .chain(fix.rebind.iter().map(|(_, spec)| spec.denotes_module()))
            .chain(fix.denotes.iter().cloned())
            .collect();
        needed_flags(modules.iter().map(String::as_str), &self.catalog.process)
    }

    /// What of the applied `fixes` a stricter context could change.
    pub(crate) fn sensitivity(&self, fixes: &[Fix]) -> Sensitivity {
        let mut sensitivity = Sensitivity::default();
        for fix in fixes {
            sensitivity.names.insert(fix.name.clone());
            if fix.last {
                sensitivity.removes_patching = true;
                continue;
            }
            sensitivity.native_only |= !fix.dual_mode;
            sensitivity.needs.extend(self.flags_needed(fix));
        }
        sensitivity
    }

    /// The union of what the `monkey_patch()` calls among `sites` patch.
    pub(crate) fn own_patches(
        &self,
        calls: &[&ruff_python_ast::ExprCall],
    ) -> Option<BTreeSet<String>> {
        let mut all = BTreeSet::new();
        for call in calls {
            all.extend(monkey_patch_flags(call, &self.catalog.process)?);
        }
        Some(all)
    }
}

impl Analysed<'_> {
    /// The regions of the file that are eventlet backends: those it selects itself and those
    /// other modules select (`backend`).
    pub(crate) fn backends(
        &self,
        backend: &crate::plan::context::ModuleBackend,
    ) -> Vec<crate::analyse::backend::Region> {
        crate::analyse::backend::with_selected_elsewhere(
            self.parents.body(),
            &self.backends,
            backend.whole.as_deref(),
            &backend.defs,
        )
    }
}
