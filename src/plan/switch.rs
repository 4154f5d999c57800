//! A process that leaves the hub together with libraries whose threading backend it selects
//! when it starts (`[process.backend-switch]`): the `monkey_patch()` call where its modules
//! were patched becomes that selection, which must run before those libraries are imported.

use crate::analyse::python::{specifier_floor, split_requirement, DeclaredRequirement};
use crate::fix::edit::Edit;
use crate::fix::Diagnostic;
use crate::fix::Fix;
use crate::fix::Request;
use crate::fix::Safety;
use crate::plan::context::ProcessContext;
use crate::recipe::model::{BackendSwitch, ProcessData};
use crate::syntax::imports::ImportSpec;
use crate::syntax::prepared::Prepared;
use crate::syntax::source::indentation_at;

/// The removals of the `monkey_patch()` calls where this file's processes select backends
/// become the selection, with its import; one that cannot (an option guards it, the name its
/// import binds is taken) is withdrawn: removed alone, it would leave the libraries on
/// their eventlet backend in a process that no longer patches.
pub(crate) fn select_backends(
    (process, requirements): (&ProcessData, &[DeclaredRequirement]),
    prepared: &Prepared,
    context: &ProcessContext,
    position: &dyn Fn(ruff_text_size::TextRange) -> (usize, usize),
    (fixes, manual): (&mut Vec<Fix>, &mut Vec<Diagnostic>),
) {
    if context.selects.is_empty() {
        return;
    }
    let mut kept = Vec::with_capacity(fixes.len());
    for mut fix in std::mem::take(fixes) {
        let switches = context
            .selects
            .get(&position(fix.range))
            .filter(|_| fix.last && !fix.removals.is_empty());
        let chosen: Vec<(&String, &BackendSwitch)> = switches
            .into_iter()
            .flatten()
            .filter_map(|name| process.backend_switch.get_key_value(name))
            .collect();
        if chosen.is_empty() {
            kept.push(fix);
            continue;
        }
        match select_at(prepared, &mut fix, &chosen, requirements) {
            Ok(()) => kept.push(fix),
            Err(why) => manual.push(fix.withdraw(why)),
        }
    }
    *fixes = kept;
}

/// Turns the removal `fix` into the selection of `chosen`, or says why it cannot be.
fn select_at(
    prepared: &Prepared,
    fix: &mut Fix,
    chosen: &[(&String, &BackendSwitch)],
    requirements: &[DeclaredRequirement],
) -> Result<(), String> {
    let libraries: Vec<&str> = chosen.iter().map(|(name, _)| name.as_str()).collect();
    let libraries = libraries.join(", ");
    if fix.guard.is_some() {
        return Err(format!(
            "`{}` kept: its processes must select {libraries}'s threading backend here, and an option decides whether it runs; select it by hand",
            fix.subject
        ));
    }
    let semantic = prepared.semantic();
    let scope = semantic
        .innermost_stmt(fix.range)
        .map(|s| semantic.stmts[s].scope)
        .ok_or_else(|| format!("`{}` is not in a statement", fix.subject))?;
    let mut requests = Vec::new();
    for (name, switch) in chosen {
        let spec = ImportSpec::parse(&switch.import)
            .map_err(|e| format!("[process.backend-switch.\"{name}\"] import: {e}"))?;
        let bound = spec.bound_name();
        if semantic.module_uses(bound) {
            return Err(format!(
                "`{}` kept: its processes must select {libraries}'s threading backend here, but `{bound}` is already a name in this module; select it by hand",
                fix.subject
            ));
        }
        requests.push(Request {
            spec,
            scope,
            at: fix.range.start(),
        });
    }
    let text = prepared.text();
    let indent = indentation_at(text, fix.range.start());
    let statements: Vec<&str> = chosen.iter().map(|(_, s)| s.select.as_str()).collect();
    let needs: Vec<String> = chosen
        .iter()
        .map(|(_, s)| requirement_note(&s.requirement, requirements))
        .collect();
    fix.removals.clear();
    fix.edits = vec![Edit::replace(
        fix.range,
        statements.join(&format!("\n{indent}")),
    )];
    fix.requests = requests;
    fix.safety = fix.safety.max(Safety::Review);
    fix.note = Some(format!(
        "monkey patching became the selection of {libraries}'s threading backend (the first one its process runs comes before anything imports it; selecting it again does nothing); {}",
        needs.join("; ")
    ));
    Ok(())
}

/// What the project must require for the selection (`needed`: `oslo.service[threading]>=4.2.0`),
/// told from what its `requirements.txt` asks for.
fn requirement_note(needed: &str, declared: &[DeclaredRequirement]) -> String {
    let (name, extras, spec) = split_requirement(needed);
    let floor = specifier_floor(spec);
    match declared.iter().find(|d| d.name == name) {
        Some(d) if d.floor >= floor && extras.iter().all(|e| d.extras.contains(e)) => {
            format!("{} asks for `{}`, which has it", d.at, d.text)
        }
        Some(d) if d.floor >= floor => format!(
            "{} asks for `{}`, without the extras the threading backend needs: make it `{needed}` with this change",
            d.at, d.text
        ),
        Some(d) => format!(
            "{} asks for `{}`, which allows releases without it: raise it to `{needed}` with this change",
            d.at, d.text
        ),
        None => format!(
            "it needs `{needed}`, which no requirements.txt of the project names: add it with this change"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(line: &str) -> DeclaredRequirement {
        let (name, extras, spec) = split_requirement(line);
        DeclaredRequirement {
            at: "requirements.txt:3".to_string(),
            name,
            extras,
            text: line.to_string(),
            floor: specifier_floor(spec),
        }
    }

    #[test]
    fn the_note_says_what_the_requirements_file_asks_for() {
        let needed = "oslo.service[threading]>=4.2.0";
        let old = requirement_note(needed, &[declared("oslo.service!=1.28.1,>=1.24.0")]);
        assert!(old.starts_with("requirements.txt:3 asks for `oslo.service!=1.28.1,>=1.24.0`, which allows releases without it: raise it"), "{old}");
        let no_extra = requirement_note(needed, &[declared("oslo_service>=4.3.0")]);
        assert!(no_extra.contains("without the extras"), "{no_extra}");
        let good = requirement_note(needed, &[declared("Oslo.Service[threading]>=4.3.0")]);
        assert!(good.ends_with("which has it"), "{good}");
        let none = requirement_note(needed, &[declared("pbr>=2.0.0")]);
        assert!(
            none.contains("which no requirements.txt of the project names"),
            "{none}"
        );
    }
}
