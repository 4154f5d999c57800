//! Gerrit-ready patch series, end to end with a real `git`: the series applies with `git am`
//! on a fresh clone, ends where write mode ends, and every intermediate commit parses (and
//! imports, with a Python that has Eventlet when one is available).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::python_files;

mod common;

use common::{root, BIN};

const DATE: &str = "2026-01-01T00:00:00Z";
const AUTHOR: &str = "Jane Developer <jane@example.org>";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("ls") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A git repository holding the `tests/patches/` package, committed.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&root().join("tests").join("patches"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "Initial import"]);
    dir
}

fn clone(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(
        dir.path(),
        &["clone", "-q", from.to_str().expect("utf-8"), "."],
    );
    dir
}

fn migrate(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("migrate")
        .args(["--target", "threading"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

fn patches(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
}

fn tree_contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    python_files(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).expect("inside").to_path_buf(),
                fs::read(&p).expect("read"),
            )
        })
        .collect()
}

/// The Python of the equivalence suite, with Eventlet, when it has been set up.
fn python_with_eventlet() -> Option<PathBuf> {
    let python = root()
        .join("target")
        .join("equivalence")
        .join("with-eventlet")
        .join("bin")
        .join("python");
    python.exists().then_some(python)
}

/// `--patches DIR` with the fixed date, author, trailer and prefix the snapshots use.
fn series_args(dir: &Path) -> Vec<&str> {
    vec![
        "--patches",
        dir.to_str().expect("utf-8"),
        "--date",
        DATE,
        "--author",
        AUTHOR,
        "--trailer",
        "Related-Bug: #2087944",
        "--message-prefix",
        "[eventlet-removal] ",
    ]
}

#[test]
fn series_applies_with_git_am_and_ends_where_write_mode_ends() {
    let repo = repository();
    let out_dir = tempfile::tempdir().expect("temp dir");
    let patch_dir = out_dir.path().join("series");
    let out = migrate(repo.path(), &series_args(&patch_dir));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        git(repo.path(), &["status", "--porcelain"]).is_empty(),
        "--patches must not touch the tree"
    );
    let files = patches(&patch_dir);
    assert!(files.len() >= 4, "{files:?}");

    // Snapshots: the wording of every message is reviewed.
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    for file in &files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let text = fs::read_to_string(file).expect("read patch");
        assert!(
            text.lines()
                .nth(3)
                .is_some_and(|l| l.starts_with("Subject: [PATCH ")),
            "{text}"
        );
        let subject = text
            .lines()
            .nth(3)
            .and_then(|l| l.split_once("] "))
            .map(|(_, s)| s)
            .unwrap_or_default();
        assert!(subject.chars().count() <= 72, "subject too long: {subject}");
        assert!(
            text.contains("\nRelated-Bug: #2087944\nChange-Id: I"),
            "{text}"
        );
        settings.bind(|| {
            insta::assert_snapshot!(
                format!("patches__{}", name.trim_end_matches(".patch")),
                text
            )
        });
    }

    // The same input gives byte-identical patches.
    let again_dir = out_dir.path().join("again");
    migrate(repo.path(), &series_args(&again_dir));
    for (a, b) in files.iter().zip(patches(&again_dir)) {
        assert_eq!(
            fs::read(a).expect("read"),
            fs::read(&b).expect("read"),
            "{} differs between runs",
            a.display()
        );
    }

    // git am on a fresh clone, commit by commit.
    let applied = clone(repo.path());
    let python = python_with_eventlet();
    for file in &files {
        git(
            applied.path(),
            &[
                "am",
                "--quiet",
                "--keep-cr",
                "--keep-non-patch",
                file.to_str().expect("utf-8"),
            ],
        );
        for path in python_files(applied.path()) {
            let text = fs::read_to_string(&path).expect("read");
            assert!(
                ruff_python_parser::parse_module(&text).is_ok(),
                "{} does not parse after {}",
                path.display(),
                file.display()
            );
        }
        if let Some(python) = &python {
            let check = Command::new(python)
                .args([
                    "-c",
                    "import nova.cmd, nova.utils, nova.workers, nova.console",
                ])
                .current_dir(applied.path())
                .output()
                .expect("python runs");
            assert!(
                check.status.success(),
                "the package does not import after {}:\n{}",
                file.display(),
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
    let log = git(applied.path(), &["log", "--format=%s%n%b%n---", "-n", "1"]);
    assert!(log.contains("Change-Id: I"), "{log}");
    let subjects = git(applied.path(), &["log", "--format=%s"]);
    assert!(
        subjects
            .lines()
            .all(|s| s.starts_with("[eventlet-removal] ") || s == "Initial import"),
        "{subjects}"
    );
    assert!(
        subjects
            .lines()
            .next()
            .is_some_and(|s| s.contains("monkey_patch")),
        "monkey patching goes last:\n{subjects}"
    );

    // Write mode on another clone ends in the same tree.
    let written = clone(repo.path());
    let out = migrate(written.path(), &["."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(tree_contents(applied.path()), tree_contents(written.path()));
}

#[test]
fn commit_creates_the_series_and_refuses_uncommitted_work() {
    let repo = repository();
    fs::write(
        repo.path().join("nova/utils.py"),
        fs::read_to_string(repo.path().join("nova/utils.py")).expect("read") + "\n# local edit\n",
    )
    .expect("write");
    let out = migrate(
        repo.path(),
        &["--commit", "--date", DATE, "--author", AUTHOR],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to commit") && err.contains("nova/utils.py"),
        "{err}"
    );
    assert_eq!(git(repo.path(), &["log", "--oneline"]).lines().count(), 1);

    git(repo.path(), &["checkout", "--", "."]);
    let out = migrate(
        repo.path(),
        &["--commit", "--date", DATE, "--author", AUTHOR],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = git(repo.path(), &["log", "--format=%an <%ae>|%s"]);
    assert!(log.lines().count() >= 5, "{log}");
    assert!(
        log.lines()
            .take(log.lines().count() - 1)
            .all(|l| l.starts_with(AUTHOR)),
        "{log}"
    );
    assert!(git(repo.path(), &["status", "--porcelain"]).is_empty());
    // Nothing left to migrate but the manual items.
    let out = migrate(repo.path(), &["--dry-run"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn split_by_package_and_recipe() {
    let repo = repository();
    let out_dir = tempfile::tempdir().expect("temp dir");
    let by_package = out_dir.path().join("package");
    migrate(
        repo.path(),
        &[
            "--patches",
            by_package.to_str().expect("utf-8"),
            "--split-by",
            "package",
            "--date",
            DATE,
            "--author",
            AUTHOR,
        ],
    );
    let names: Vec<String> = patches(&by_package)
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().to_string())
        .collect();
    assert_eq!(names, vec!["0001-migrate-nova-off-eventlet.patch"]);
    let by_recipe = out_dir.path().join("recipe");
    migrate(
        repo.path(),
        &[
            "--patches",
            by_recipe.to_str().expect("utf-8"),
            "--split-by",
            "recipe",
            "--date",
            DATE,
            "--author",
            AUTHOR,
        ],
    );
    let count = patches(&by_recipe).len();
    let by_category = out_dir.path().join("category");
    migrate(
        repo.path(),
        &[
            "--patches",
            by_category.to_str().expect("utf-8"),
            "--date",
            DATE,
            "--author",
            AUTHOR,
        ],
    );
    assert!(
        count >= patches(&by_category).len(),
        "recipe split is at least as fine as category split"
    );
    let bad = migrate(
        repo.path(),
        &[
            "--patches",
            by_recipe.to_str().expect("utf-8"),
            "--date",
            "yesterday",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an RFC 3339 date"));
}

/// Every fixture directory as a project: the series, applied patch after patch, ends exactly
/// where write mode ends, and no patch applies a rewrite write mode does not make.
#[test]
fn series_equals_write_mode_for_every_fixture_project() {
    use eventlet_migrate::analyse::engine::Engine;
    use eventlet_migrate::output::messages::{Options, SplitBy};
    use eventlet_migrate::output::series::{self as patch, SourceFile};
    use eventlet_migrate::recipe::Catalog;
    use eventlet_migrate::recipe::Target;
    let engine = Engine::new(Catalog::builtin().expect("recipes load"), Target::Threading);
    let pool = eventlet_migrate::project::workers::pool(2).expect("worker threads");
    let mut projects: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    projects.push(root().join("tests/use-cases"));
    projects.sort();
    for project in projects {
        let files: Vec<SourceFile> = python_files(&project)
            .into_iter()
            .map(|p| SourceFile {
                location: p.clone(),
                path: p
                    .strip_prefix(&project)
                    .expect("inside")
                    .to_string_lossy()
                    .to_string(),
                contents: fs::read(&p).expect("readable"),
                package: None,
            })
            .collect();
        for split in [SplitBy::Category, SplitBy::Recipe, SplitBy::None] {
            let options = Options {
                split,
                author: AUTHOR.to_string(),
                date: "Thu, 1 Jan 2026 00:00:00 +0000".to_string(),
                prefix: String::new(),
                trailers: Vec::new(),
            };
            let mut failures = Vec::new();
            let assumption = eventlet_migrate::project::processes::Assumption::parse(
                "all",
                &engine.catalog.process,
            )
            .expect("valid");
            let paths = vec![project.clone()];
            let scope = patch::SeriesInputs {
                paths: &paths,
                assumption: &assumption,
            };
            let series = patch::series(&engine, &files, &options, &pool, &scope, &mut failures);
            let mut state: std::collections::BTreeMap<String, String> = files
                .iter()
                .map(|f| {
                    (
                        f.path.clone(),
                        String::from_utf8_lossy(&f.contents).to_string(),
                    )
                })
                .collect();
            for p in &series {
                for (path, old, new) in &p.files {
                    assert_eq!(
                        &state[path], old,
                        "{project:?} {split:?}: {path} out of order"
                    );
                    state.insert(path.clone(), new.clone());
                }
            }
            let locations: Vec<PathBuf> = files.iter().map(|f| f.location.clone()).collect();
            let contents: Vec<_> = files.iter().map(|f| Ok(f.contents.clone())).collect();
            let (write_mode, _) = eventlet_migrate::project::run::migrate_project(
                &engine,
                &pool,
                &locations,
                &contents,
                &paths,
                &assumption,
            );
            for (f, outcome) in files.iter().zip(write_mode) {
                let expected = match outcome {
                    Ok(m) => m.output.unwrap_or_else(|| f.contents.clone()),
                    Err(_) => f.contents.clone(),
                };
                assert_eq!(
                    state[&f.path],
                    String::from_utf8_lossy(&expected),
                    "{project:?} {split:?}: the series does not end where write mode ends for {}",
                    f.path
                );
            }
        }
    }
}

#[test]
fn packages_joined_by_an_object_passed_between_them_share_a_patch() {
    // `relay` hands an Event to a function of `signals`, which never imports eventlet: the
    // two rewrites are one link, so one patch; `other` is apart.
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    };
    write("relay/__init__.py", "");
    write(
        "relay/cmd.py",
        "import eventlet.event\n\nfrom signals import notify\n\n\ndef main():\n    done = eventlet.event.Event()\n    notify.announce(done)\n    done.wait()\n\n\nif __name__ == '__main__':\n    main()\n",
    );
    write("signals/__init__.py", "");
    write(
        "signals/notify.py",
        "def announce(done):\n    done.send()\n",
    );
    write("other/__init__.py", "");
    write(
        "other/pause.py",
        "import eventlet\n\n\ndef pause():\n    eventlet.sleep(1)\n\n\nif __name__ == '__main__':\n    pause()\n",
    );
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "Initial import"]);
    let out = tempfile::tempdir().expect("temp dir");
    let result = migrate(
        dir.path(),
        &[
            "--patches",
            out.path().to_str().expect("utf-8"),
            "--split-by",
            "package",
            "--date",
            DATE,
            "--author",
            AUTHOR,
        ],
    );
    let names: Vec<String> = patches(out.path())
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().to_string())
        .collect();
    assert_eq!(
        names,
        vec![
            "0001-migrate-other-off-eventlet.patch",
            "0002-migrate-relay-and-signals-off-eventlet.patch"
        ],
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let joined = fs::read_to_string(&patches(out.path())[1]).expect("read");
    assert!(joined.contains("+    done.set()") && joined.contains("+    done = threading.Event()"));
}

#[test]
fn a_patch_that_leaves_one_linked_rewrite_out_leaves_them_all_out() {
    // Two Events handed to one helper, whose `done.send()` is rewritten with them: a patch
    // bounded by a plan without the first Event must not rewrite the helper or the second.
    use eventlet_migrate::analyse::engine::Engine;
    use eventlet_migrate::recipe::Catalog;
    use eventlet_migrate::recipe::Target;
    let source =
        std::fs::read(root().join("tests/fixtures/event/helper_called_twice.py")).expect("fixture");
    let engine = Engine::new(Catalog::builtin().expect("recipes load"), Target::Threading);
    let full = engine.migrate(&source).expect("migrates");
    let plan = full.applied_sites();
    let first = plan
        .iter()
        .find(|(recipe, (line, _))| recipe == "event" && *line == 14)
        .cloned()
        .expect("the first Event is rewritten by the full run");
    assert!(
        plan.iter().any(|(_, (line, _))| *line == 8),
        "the helper is rewritten too"
    );
    let mut without = plan.clone();
    without.remove(&first);
    let part = engine
        .migrate_within(&source, &without, None)
        .expect("migrates");
    let text = String::from_utf8(part.output.unwrap_or(source)).expect("utf-8");
    assert!(
        text.contains("done.send()") && !text.contains("threading.Event()"),
        "{text}"
    );
}
