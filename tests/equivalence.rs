//! Behavioural equivalence: each program in `tests/equivalence/programs/` runs with real
//! CPython and real Eventlet; a copy is migrated by the built binary and run with a Python
//! that does not have Eventlet; both must print the same.
//!
//! `tests/equivalence/status.toml` is the table of target × program → expected status:
//! `equivalent` (no Eventlet import may be left; run without Eventlet), `manual` (the
//! migration reports manual items, so Eventlet stays: the migrated copy runs with Eventlet and
//! must still print the same), `mixed` (part migrated, part kept on eventlet in the same
//! process: the copy must have changed and still import eventlet, and runs with it: a
//! half-migrated process that hangs or behaves differently fails), `skip`. Every program must
//! be in the table of every target.
//!
//! The Python environments come from `scripts/equivalence-env`, run on first use. With
//! `CI=true` a missing interpreter or a failed install fails the suite; locally the suite is
//! skipped with a message naming the command to run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, python_files};
use libtest_mimic::{Arguments, Failed, Trial};

mod common;

use common::{root, BIN};

const RUN_TIMEOUT: Duration = Duration::from_secs(60);

struct Envs {
    with_eventlet: PathBuf,
    without_eventlet: PathBuf,
}

fn envs() -> Result<Envs, String> {
    let dir = common::equivalence_envs()?;
    let envs = Envs {
        with_eventlet: dir.join("with-eventlet").join("bin").join("python"),
        without_eventlet: dir.join("without-eventlet").join("bin").join("python"),
    };
    for python in [&envs.with_eventlet, &envs.without_eventlet] {
        if !python.exists() {
            return Err(format!("{} is missing", python.display()));
        }
    }
    Ok(envs)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Equivalent,
    Manual,
    /// Part migrated, part kept on eventlet (dual mode, or held back): the migrated copy
    /// changed, still imports eventlet, and runs with it.
    Mixed,
    Skip,
}

/// `target → program → status`.
fn status_table() -> Result<BTreeMap<String, BTreeMap<String, Expect>>, String> {
    let path = root().join("tests").join("equivalence").join("status.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw: BTreeMap<String, BTreeMap<String, String>> =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    raw.into_iter()
        .map(|(target, programs)| {
            let programs = programs
                .into_iter()
                .map(|(program, status)| {
                    let expect = match status.as_str() {
                        "equivalent" => Expect::Equivalent,
                        "manual" => Expect::Manual,
                        "mixed" => Expect::Mixed,
                        "skip" => Expect::Skip,
                        other => {
                            return Err(format!(
                                "{}: `{program}`: unknown status `{other}`",
                                path.display()
                            ))
                        }
                    };
                    Ok((program, expect))
                })
                .collect::<Result<_, _>>()?;
            Ok((target, programs))
        })
        .collect()
}

fn programs() -> Vec<String> {
    let dir = root().join("tests").join("equivalence").join("programs");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| {
                    let p = e.path();
                    p.extension().is_some_and(|x| x == "py") || p.join("__main__.py").is_file()
                })
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn copy_program(name: &str, into: &Path) -> Result<PathBuf, String> {
    let source = root()
        .join("tests")
        .join("equivalence")
        .join("programs")
        .join(name);
    let target = into.join(name);
    std::fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
    copy_tree(&source, &target).map_err(|e| format!("copying {}: {e}", source.display()))?;
    Ok(target)
}

/// Runs `python program` in the program's directory; stdout, or why it failed.
fn run_python(python: &Path, program: &Path) -> Result<String, String> {
    let cwd = program.parent().unwrap_or(Path::new("."));
    let mut child = Command::new(python)
        .arg(program)
        .current_dir(cwd)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > RUN_TIMEOUT => {
                child.kill().ok();
                return Err(format!(
                    "{} did not finish in {RUN_TIMEOUT:?}",
                    program.display()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        return Err(format!(
            "{} with {} exited with {}\n--- stdout\n{stdout}--- stderr\n{}",
            program.display(),
            python.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(stdout)
}

fn eventlet_imports(path: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in python_files(path) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("import eventlet") || t.starts_with("from eventlet") {
                found.push(format!("{}:{}: {t}", file.display(), i + 1));
            }
        }
    }
    found
}

/// The diff the tool applied, for failure messages.
fn applied_diff(original: &Path, migrated: &Path) -> String {
    let mut out = String::new();
    for (a, b) in python_files(original)
        .into_iter()
        .zip(python_files(migrated))
    {
        let old = std::fs::read_to_string(&a).unwrap_or_default();
        let new = std::fs::read_to_string(&b).unwrap_or_default();
        if old != new {
            let name = a
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            out.push_str(&eventlet_migrate::output::diff::git_diff(&name, &old, &new));
        }
    }
    out
}

fn check(envs: &Envs, target: &str, name: &str, expect: Expect) -> Result<(), Failed> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let original = copy_program(name, &scratch.path().join("original"))?;
    let migrated = copy_program(name, &scratch.path().join("migrated"))?;
    let before = run_python(&envs.with_eventlet, &original)?;

    let tool = Command::new(BIN)
        .args(["migrate", "--target", target])
        .arg(&migrated)
        .output()
        .map_err(|e| format!("cannot run the tool: {e}"))?;
    let diff = applied_diff(&original, &migrated);
    if tool.status.code() == Some(2) {
        return Err(format!(
            "the tool failed:\n{}",
            String::from_utf8_lossy(&tool.stderr)
        )
        .into());
    }
    let python = match expect {
        Expect::Equivalent => {
            let left = eventlet_imports(&migrated);
            if !left.is_empty() {
                return Err(format!(
                    "eventlet imports left after migration (mark the program `manual` if that is expected):\n{}\n\ndiff applied:\n{diff}\nreport:\n{}",
                    left.join("\n"),
                    String::from_utf8_lossy(&tool.stderr)
                )
                .into());
            }
            &envs.without_eventlet
        }
        Expect::Manual => &envs.with_eventlet,
        Expect::Mixed => {
            if diff.is_empty() {
                return Err(format!(
                    "nothing was migrated (mark the program `manual` if that is expected)\nreport:\n{}",
                    String::from_utf8_lossy(&tool.stderr)
                )
                .into());
            }
            if eventlet_imports(&migrated).is_empty() {
                return Err(format!(
                    "no eventlet is left (mark the program `equivalent`)\ndiff applied:\n{diff}"
                )
                .into());
            }
            &envs.with_eventlet
        }
        Expect::Skip => return Ok(()),
    };
    let after =
        run_python(python, &migrated).map_err(|e| format!("{e}\n\ndiff applied:\n{diff}"))?;
    if before != after {
        return Err(format!(
            "outputs differ\n--- with eventlet (original)\n{before}--- migrated\n{after}\n--- diff applied:\n{diff}"
        )
        .into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let table = match status_table() {
        Ok(t) => t,
        Err(e) => {
            let trial = Trial::test("equivalence/status-table", move || Err(e.clone().into()));
            libtest_mimic::run(&args, vec![trial]).exit();
        }
    };
    let programs = programs();
    let mut trials = Vec::new();
    // Every program must be listed for every target: the table is the suite's contract.
    for (target, listed) in &table {
        let missing: Vec<String> = programs
            .iter()
            .filter(|p| !listed.contains_key(*p))
            .cloned()
            .collect();
        let unknown: Vec<String> = listed
            .keys()
            .filter(|p| !programs.contains(p))
            .cloned()
            .collect();
        let target_name = target.clone();
        trials.push(Trial::test(format!("equivalence/{target}/status-table"), move || {
            if missing.is_empty() && unknown.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "tests/equivalence/status.toml [{target_name}]: programs missing: {missing:?}; listed but absent: {unknown:?}"
                )
                .into())
            }
        }));
    }
    let envs = if args.list {
        Err("listing".to_string())
    } else {
        envs()
    };
    let envs = match envs {
        Ok(envs) => Some(std::sync::Arc::new(envs)),
        Err(e) if in_ci => {
            trials.push(Trial::test("equivalence/python-environments", move || {
                Err(format!("CI=true and the Python environments are not available: {e}").into())
            }));
            None
        }
        Err(e) => {
            if !args.list {
                eprintln!(
                    "\n!!! behavioural-equivalence suite SKIPPED: {e}\n!!! run `scripts/equivalence-env` (needs python3 and PyPI), then `cargo test --test equivalence`\n"
                );
            }
            None
        }
    };
    for (target, listed) in &table {
        for (program, expect) in listed {
            if !programs.contains(program) {
                continue;
            }
            let name = format!("equivalence/{target}/{program}");
            let (target, program, expect) = (target.clone(), program.clone(), *expect);
            let trial = match &envs {
                Some(envs) => {
                    let envs = envs.clone();
                    Trial::test(name, move || check(&envs, &target, &program, expect))
                }
                None => Trial::test(name, || Ok(())).with_ignored_flag(true),
            };
            trials.push(if expect == Expect::Skip {
                trial.with_ignored_flag(true)
            } else {
                trial
            });
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
