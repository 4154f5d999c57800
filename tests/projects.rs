//! Fixture projects: each directory of `tests/fixtures/projects/` is a small project (a
//! `setup.cfg` with console scripts, packages) run through the command line as a user would,
//! `migrate --target threading --dry-run .`; the snapshot holds the whole diff and the
//! summary, so it shows how every process was judged: migrated, held back, or kept on
//! eventlet, and why.

mod common;

use common::BIN;

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

fn projects() -> Vec<PathBuf> {
    let dir = common::root().join("tests/fixtures/projects");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/fixtures/projects exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn run(project: &Path) -> Result<(), Failed> {
    let out = Command::new(BIN)
        .args([
            "migrate",
            "--target",
            "threading",
            "--dry-run",
            "--jobs",
            "2",
            ".",
        ])
        .current_dir(project)
        .output()
        .map_err(|e| format!("cannot run the binary: {e}"))?;
    let code = out.status.code().unwrap_or(-1);
    if code > 2 {
        return Err(format!("exit {code}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = format!(
        "{}\n--- summary (exit {code}) ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let name = project
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(project);
    settings.bind(|| insta::assert_snapshot!(format!("project__{name}"), text));
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let trials = projects()
        .into_iter()
        .map(|project| {
            let name = format!(
                "projects/{}",
                project.file_name().unwrap_or_default().to_string_lossy()
            );
            Trial::test(name, move || {
                std::panic::catch_unwind(|| run(&project))
                    .unwrap_or_else(|e| Err(format!("{e:?}").into()))
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
