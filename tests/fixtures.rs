//! Fixture in, snapshot out: one test per `tests/fixtures/<recipe-id>/*.py`.
//!
//! Each fixture runs through the recipe it is filed under; the snapshot (in `snapshots/`)
//! holds the diff plus the applied rewrites and manual items. Every fixture is also checked
//! for: the output parses, a second run changes nothing, and every byte outside the edited
//! ranges is unchanged.

use std::fmt::Write as _;
use std::path::Path;

use common::fixtures::{engine, fixtures, root};
use eventlet_migrate::output::diff::git_diff;
use eventlet_migrate::plan::migration::Migration;
use libtest_mimic::{Arguments, Failed, Trial};

mod common;

/// The snapshot text: what a reviewer reads.
fn render(name: &str, original: &[u8], migration: &Migration) -> String {
    let mut out = String::new();
    match &migration.output {
        Some(new) => out.push_str(&git_diff(
            name,
            &String::from_utf8_lossy(original),
            &String::from_utf8_lossy(new),
        )),
        None => out.push_str("(no change)\n"),
    }
    if !migration.applied.is_empty() {
        out.push_str("\napplied:\n");
        for a in &migration.applied {
            writeln!(out, "  {}:{} [{}] {}", a.line, a.column, a.recipe, a.safety).ok();
        }
    }
    if !migration.manual.is_empty() {
        out.push_str("\nmanual:\n");
        for m in &migration.manual {
            writeln!(
                out,
                "  {}:{} [{}] {}",
                m.line, m.column, m.recipe, m.message
            )
            .ok();
        }
    }
    out
}

fn run(recipe: &str, path: &Path) -> Result<(), Failed> {
    let original = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let engine = engine(recipe);
    let migration = engine
        .migrate(&original)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let stem = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let name = format!("{recipe}/{stem}.py");
    let snapshot = render(&name, &original, &migration);

    if let Some(new) = &migration.output {
        let text = std::str::from_utf8(new).map_err(|e| e.to_string())?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        ruff_python_parser::parse_module(text)
            .map_err(|e| format!("output does not parse: {e:?}\n{text}"))?;
        let again = engine
            .migrate(new)
            .map_err(|e| format!("second run failed: {e}"))?;
        if let Some(third) = again.output {
            return Err(format!(
                "second run is not a no-op:\n{}",
                git_diff(&name, text, &String::from_utf8_lossy(&third))
            )
            .into());
        }
        let decoded = String::from_utf8_lossy(&original);
        let decoded = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
        eventlet_migrate::emit::apply::check_untouched(decoded, text, &migration.edits)?;
    }

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    let snapshot_name = format!("{recipe}__{stem}");
    // A mismatch panics; libtest-mimic reports it as this fixture's failure.
    settings.bind(|| insta::assert_snapshot!(snapshot_name, snapshot));
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let trials = fixtures()
        .into_iter()
        .map(|(recipe, path)| {
            let name = format!(
                "{recipe}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            Trial::test(name, move || run(&recipe, &path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
