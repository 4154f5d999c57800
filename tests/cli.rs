//! The command line end to end: a temp tree, the built binary, its output and exit status.

mod common;

use common::*;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn dry_run_prints_a_git_diff_and_writes_nothing() {
    let dir = tree(&[("pkg/a.py", SLEEPY)]);
    let before = fs::metadata(dir.path().join("pkg/a.py"))
        .and_then(|m| m.modified())
        .expect("mtime");
    let out = migrate(dir.path(), &["--dry-run", "pkg"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.starts_with("diff --git a/pkg/a.py b/pkg/a.py\n--- a/pkg/a.py\n+++ b/pkg/a.py\n@@"),
        "{diff}"
    );
    assert!(
        diff.contains("-    eventlet.sleep(1)\n+    time.sleep(1)\n"),
        "{diff}"
    );
    assert_eq!(read(dir.path(), "pkg/a.py"), SLEEPY);
    let after = fs::metadata(dir.path().join("pkg/a.py"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
    assert!(
        stderr(&out).contains("1 file scanned, 1 would change"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("sleep"), "{}", stderr(&out));
}

#[test]
fn dry_run_diff_applies_with_git_apply() {
    let dir = tree(&[
        ("a.py", SLEEPY),
        (
            "sub dir/b.py",
            "from eventlet.green import socket\nimport os\n\nsocket.socket()\n",
        ),
        ("c.py", "import eventlet\r\neventlet.sleep()\r\n"),
        ("d.py", "import eventlet\neventlet.sleep(2)"),
    ]);
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    let out = migrate(dir.path(), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let patch = dir.path().join("../patch.diff");
    fs::write(&patch, out.stdout).expect("write patch");
    git(&["apply", "--check", patch.to_str().expect("utf-8 path")]);
    git(&["apply", patch.to_str().expect("utf-8 path")]);
    assert_eq!(read(dir.path(), "a.py"), SLEEPY_AFTER);
    assert_eq!(read(dir.path(), "c.py"), "import time\r\ntime.sleep(0)\r\n");
    // Applying the diff equals write mode: a second run finds nothing.
    let again = migrate(dir.path(), &["--dry-run"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );
    assert!(stdout(&again).is_empty());
}

#[test]
fn write_mode_rewrites_in_place_and_keeps_permissions() {
    let dir = tree(&[("a.py", SLEEPY), ("clean.py", "import os\n")]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path().join("a.py"), fs::Permissions::from_mode(0o750))
            .expect("chmod");
    }
    let out = migrate(dir.path(), &["."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(read(dir.path(), "a.py"), SLEEPY_AFTER);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("a.py"))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o750);
    }
    let leftovers: Vec<PathBuf> = fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains(".eventlet-migrate-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let again = migrate(dir.path(), &["."]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_the_rest_processed() {
    let broken = "import eventlet\nprint 'hello'\n";
    let dir = tree(&[("a.py", SLEEPY), ("broken.py", broken)]);
    let out = migrate(dir.path(), &["."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.py:2:7:"), "{err}");
    assert_eq!(read(dir.path(), "broken.py"), broken);
    assert_eq!(read(dir.path(), "a.py"), SLEEPY_AFTER);
}

#[test]
fn missing_paths_and_undecodable_files_are_errors_naming_the_file() {
    let dir = tree(&[("a.py", SLEEPY)]);
    fs::write(dir.path().join("latin.py"), b"# eventlet\nx = '\xe9'\n").expect("write");
    let out = migrate(dir.path(), &["--dry-run", "a.py", "latin.py", "nope.py"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nope.py: No such file or directory"), "{err}");
    assert!(err.contains("latin.py: not valid UTF-8"), "{err}");
    assert!(stdout(&out).contains("a/a.py"));
}

#[test]
fn exit_status_is_zero_when_nothing_changes() {
    let dir = tree(&[
        ("a.py", "import os\n"),
        // Only a manual item: nothing changes.
        (
            "b.py",
            "import eventlet\n\nwith eventlet.Timeout(5):\n    pass\n",
        ),
    ]);
    let out = migrate(dir.path(), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn unknown_targets_and_recipes_are_rejected_with_the_valid_ones() {
    let dir = tree(&[("a.py", SLEEPY)]);
    let out = run(dir.path(), &["migrate", "--target", "gevent", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'gevent' for '--target <TARGET>'")
            && stderr(&out).contains("[possible values: threading]"),
        "{}",
        stderr(&out)
    );
    let out = migrate(dir.path(), &["--select", "sleeep"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown recipe `sleeep` in --select; valid recipes: "),
        "{err}"
    );
    assert!(
        err.contains("monkey-patch") && err.contains(", sleep,"),
        "{err}"
    );
    assert_eq!(read(dir.path(), "a.py"), SLEEPY);
}

#[test]
fn select_and_ignore_choose_recipes() {
    // A script: its own process, patched by its monkey_patch().
    let src = "import eventlet\n\neventlet.monkey_patch()\neventlet.sleep(1)\n\nif __name__ == '__main__':\n    pass\n";
    let dir = tree(&[("a.py", src)]);
    // Monkey patching goes only with the last eventlet code of its process: the sleep stays.
    let out = migrate(dir.path(), &["--dry-run", "--select", "monkey-patch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`eventlet.monkey_patch` kept: Eventlet code in this file is left"),
        "{}",
        stderr(&out)
    );
    // The sleep alone: the process stays on the hub, which patches `time`: dual mode.
    let out = migrate(dir.path(), &["--dry-run", "--ignore", "monkey-patch"]);
    let diff = stdout(&out);
    assert!(
        diff.contains("+time.sleep(1)") && !diff.contains("-eventlet.monkey_patch()"),
        "{diff}"
    );
    // Both: the process leaves the hub.
    let out = migrate(dir.path(), &["--dry-run", "--select", "monkey-patch,sleep"]);
    let diff = stdout(&out);
    assert!(
        diff.contains("+time.sleep(1)") && diff.contains("-eventlet.monkey_patch()"),
        "{diff}"
    );
}

#[test]
fn walking_honours_gitignore_skips_virtualenvs_and_excludes() {
    let dir = tree(&[
        (".gitignore", "generated/\n"),
        ("generated/g.py", SLEEPY),
        (".tox/py3/t.py", SLEEPY),
        ("build/b.py", SLEEPY),
        ("env/pyvenv.cfg", "home = /usr\n"),
        ("env/lib/v.py", SLEEPY),
        ("vendored/x.py", SLEEPY),
        ("src/keep.py", SLEEPY),
    ]);
    let out = migrate(dir.path(), &["--dry-run", "--exclude", "vendored"]);
    let diff = stdout(&out);
    assert!(diff.contains("a/src/keep.py"), "{diff}");
    for skipped in ["generated", ".tox", "build/", "env/", "vendored"] {
        assert!(!diff.contains(skipped), "{skipped} was walked:\n{diff}");
    }
    // An explicit file is processed even when ignored.
    let out = migrate(dir.path(), &["--dry-run", "generated/g.py"]);
    assert!(
        stdout(&out).contains("a/generated/g.py"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn output_is_sorted_and_identical_whatever_the_job_count() {
    let files: Vec<(String, &str)> = (0..40)
        .map(|i| (format!("m{:02}/f{i}.py", 40 - i), SLEEPY))
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let dir = tree(&refs);
    let one = migrate(dir.path(), &["--dry-run", "--jobs", "1"]);
    let many = migrate(dir.path(), &["--dry-run", "--jobs", "8"]);
    assert_eq!(one.stdout, many.stdout);
    assert_eq!(one.stderr, many.stderr);
    let paths: Vec<&str> = std::str::from_utf8(&one.stdout)
        .expect("utf-8")
        .lines()
        .filter(|l| l.starts_with("diff --git"))
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 40);
}

#[test]
fn quiet_prints_no_summary() {
    let dir = tree(&[("a.py", SLEEPY)]);
    let out = migrate(dir.path(), &["--dry-run", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn manual_items_are_reported_with_position_and_guidance() {
    let dir = tree(&[(
        "a.py",
        "import eventlet\n\ncb = eventlet.sleep\nx = eventlet.monkey_patch()\n",
    )]);
    let out = migrate(dir.path(), &["--dry-run"]);
    let err = stderr(&out);
    assert!(
        err.contains("a.py:3:6 [sleep] `eventlet.sleep`: used as a value"),
        "{err}"
    );
    assert!(err.contains("a.py:4:5 [monkey-patch]"), "{err}");
}

#[test]
fn recipes_list_and_show() {
    let dir = tree(&[]);
    let out = run(dir.path(), &["recipes", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let list = stdout(&out);
    for id in ["sleep", "green-modules", "monkey-patch"] {
        assert!(list.contains(id), "{list}");
    }
    let out = run(dir.path(), &["recipes", "show", "sleep"]);
    let show = stdout(&out);
    assert!(show.contains("eventlet.greenthread.sleep"), "{show}");
    assert!(show.contains("callee → time.sleep"), "{show}");
    assert!(
        show.contains("Example (threading, from fixture example.py)"),
        "{show}"
    );
    assert!(show.contains("+        time.sleep(1)"), "{show}");
    let out = run(dir.path(), &["recipes", "show", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("valid recipes: ") && stderr(&out).contains("green-modules"));
}

#[test]
fn extra_recipe_directories_add_recipes_and_bad_ones_are_rejected() {
    // A project overrides the built-in `spawn-n` with its own rewrite.
    let recipe = r#"id = "spawn-n"
summary = "Project helper"
category = "timing"
matches = ["eventlet.greenthread.spawn_n"]

[target.threading]
imports = ["import threading"]

[[target.threading.rule]]
on = "call"
replace = "threading.Thread(target={arg0}{[, args={posargs[1:]|tuple}]}, name='worker', daemon=True).start()"
when = { result = "discarded" }
"#;
    let dir = tree(&[
        ("recipes/spawn-n.toml", recipe),
        ("a.py", "import eventlet\n\neventlet.spawn_n(work, 1)\n"),
    ]);
    let out = migrate(dir.path(), &["--dry-run", "--recipes", "recipes", "a.py"]);
    assert!(
        stdout(&out).contains(
            "+threading.Thread(target=work, args=(1,), name='worker', daemon=True).start()"
        ),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    fs::write(
        dir.path().join("recipes/spawn-n.toml"),
        recipe.replace("summary", "sumary"),
    )
    .expect("write");
    let out = migrate(dir.path(), &["--dry-run", "--recipes", "recipes", "a.py"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("recipes/spawn-n.toml:2:1: unknown field `sumary`"),
        "{err}"
    );
}

const MIXED: &str = "import eventlet\n\n\ndef f(work):\n    with eventlet.Timeout(5):\n        work(0)\n    eventlet.sleep(1)\n    eventlet.spawn_n(work, 1)\n";

#[test]
fn report_json_lists_edits_manual_items_and_diffs() {
    let dir = tree(&[("a.py", MIXED), ("clean.py", "import os\n")]);
    let out = migrate(dir.path(), &["--dry-run", "--report", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["target"], "threading");
    assert_eq!(json["summary"]["files_scanned"], 2);
    assert_eq!(json["summary"]["files_changed"], 1);
    // Right only where `time` is patched, as assumed for a module no entry point reaches.
    assert_eq!(json["summary"]["edits"]["sleep"]["review"], 1);
    assert_eq!(json["summary"]["edits"]["spawn-n"]["review"], 1);
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(file["path"], "a.py");
    assert_eq!(file["edits"][0]["recipe"], "sleep");
    assert_eq!(file["edits"][0]["line"], 7);
    assert_eq!(
        file["edits"][0]["note"],
        "runs green on the hub only because `time` is monkey-patched as assumed for code no entry point among the paths reaches (`--assume-patched all`)"
    );
    assert_eq!(file["manual"][0]["recipe"], "timeout");
    assert_eq!(file["manual"][0]["line"], 5);
    assert!(file["manual"][0]["guide"]
        .as_str()
        .is_some_and(|g| g.contains("threading")));
    assert!(file["diff"]
        .as_str()
        .is_some_and(|d| d.contains("+    time.sleep(1)")));
    assert_eq!(read(dir.path(), "a.py"), MIXED);
}

#[test]
fn a_process_that_stays_is_told_once_with_the_sites_that_keep_it() {
    let svc = "import eventlet\neventlet.monkey_patch()\n\nimport worker\n\n\ndef main():\n    worker.run()\n\n\nif __name__ == '__main__':\n    main()\n";
    let dir = tree(&[
        ("svc.py", svc),
        (
            "worker.py",
            MIXED.replace("def f(work)", "def run(work=print)").as_str(),
        ),
    ]);
    let out = migrate(dir.path(), &["--dry-run"]);
    let err = stderr(&out);
    // The timeout keeps the process; the rewrites still apply (everything is patched).
    assert!(
        err.contains("staying on eventlet (1 process):\n  `python ./svc.py` stays on eventlet because of 1 site; fixing it would let monkey patching go (svc.py:2:1):\n    worker.py:5:10 [timeout] `eventlet.Timeout(5)`\n"),
        "{err}"
    );
    let out = migrate(dir.path(), &["--dry-run", "--report", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let staying = &json["staying"][0];
    assert_eq!(staying["processes"][0], "`python ./svc.py`");
    assert_eq!(staying["sites"][0]["at"], "worker.py:5:10");
    assert_eq!(staying["held_back"], 0);
    assert_eq!(staying["patching"][0], "svc.py:2:1");
}

#[test]
fn annotate_marks_manual_items_once() {
    let dir = tree(&[("a.py", MIXED)]);
    let out = migrate(dir.path(), &["--annotate", "a.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = read(dir.path(), "a.py");
    assert!(
        text.contains("    # TODO(eventlet-migrate): [timeout] `eventlet.Timeout`: threading has no\n    #   thread-safe timeout: bound")
            && text.contains("\n    with eventlet.Timeout(5):\n        work(0)\n    time.sleep(1)\n"),
        "{text}"
    );
    // Wrapped at 79 columns, like replacements.
    assert!(text.lines().all(|l| l.chars().count() <= 79), "{text}");
    let again = migrate(dir.path(), &["--annotate", "a.py"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(read(dir.path(), "a.py"), text);
    assert_eq!(text.matches("TODO(eventlet-migrate)").count(), 1);
}

#[test]
fn safe_only_applies_only_safe_rewrites_and_lists_the_others() {
    let dir = tree(&[("a.py", MIXED)]);
    let out = migrate(dir.path(), &["--dry-run", "--safe-only"]);
    let diff = stdout(&out);
    assert!(diff.contains("+    time.sleep(1)"), "{diff}");
    assert!(!diff.contains("threading.Thread"), "{diff}");
    assert!(
        diff.contains(" import eventlet\n"),
        "eventlet stays imported for the skipped rewrite:\n{diff}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("not applied, need review (--safe-only) (1):\n  a.py:8:5 [spawn-n] review"),
        "{err}"
    );
}

#[test]
fn objects_created_by_constructors_are_followed_across_methods() {
    let src = "import eventlet\n\n\nclass Agent(object):\n    def __init__(self):\n        self._pool = eventlet.GreenPool(4)\n\n    def run(self, items):\n        for item in items:\n            self._pool.spawn_n(self._work, item)\n\n    def _work(self, item):\n        pass\n\n\ndef unknown(pool):\n    pool.spawn_n(print, 1)\n";
    let dir = tree(&[("a.py", src)]);
    let out = migrate(dir.path(), &["--dry-run"]);
    let diff = stdout(&out);
    assert!(
        diff.contains("+        self._pool = futures.ThreadPoolExecutor(max_workers=4)"),
        "{diff}"
    );
    assert!(
        diff.contains("+            self._pool.submit(self._work, item)"),
        "{diff}"
    );
    assert!(
        !diff.contains("pool.submit(print"),
        "a pool of unknown origin is not touched:\n{diff}"
    );
}

#[test]
fn command_line_reads_well() {
    let dir = tree(&[("a.py", SLEEPY)]);
    // `recipes list`: a header, and columns as wide as their widest cell.
    let list = stdout(&run(dir.path(), &["recipes", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert!(lines[0].starts_with("RECIPE "), "{list}");
    let summary_column = lines[0].find("SUMMARY").expect("a SUMMARY column");
    assert!(
        lines.iter().all(|l| l.len() > summary_column
            && l.as_bytes()[summary_column - 1] == b' '
            && l.as_bytes()[summary_column] != b' '),
        "{list}"
    );
    assert!(list.contains("library-integration  "), "{list}");
    // Singular counts.
    let out = migrate(dir.path(), &["--dry-run", "a.py"]);
    let err = stderr(&out);
    assert!(
        err.contains("1 file scanned") && err.contains("1 edit (1 review)"),
        "{err}"
    );
    // `--help` names the valid targets.
    let help = stdout(&run(dir.path(), &["migrate", "--help"]));
    assert!(help.contains("[possible values: threading]"), "{help}");
    // `--jobs 0` is refused.
    let out = migrate(dir.path(), &["--dry-run", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--jobs"), "{}", stderr(&out));
    // A missing path is named before anything else.
    let out = migrate(dir.path(), &["--dry-run", "nothere.py"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("eventlet-migrate: nothere.py: No such file or directory"),
        "{err}"
    );
}

/// A recipe whose replacement parses but is not valid where it lands: `await` in a plain
/// function. The re-parse cannot see it; the compile check must.
const AWAIT_SLEEP: &str = r#"id = "sleep"
summary = "Await asyncio.sleep"
category = "timing"
matches = ["eventlet.greenthread.sleep"]

[target.threading]
imports = ["import asyncio"]

[[target.threading.rule]]
on = "call"
replace = "await asyncio.sleep({args})"
"#;

#[test]
fn a_rewrite_cpython_would_not_compile_is_refused() {
    // A recipe whose replacement parses but is not valid where it lands: `await` in a plain
    // function. The re-parse cannot see it; the compile check must.
    let dir = tree(&[
        ("recipes/sleep.toml", AWAIT_SLEEP),
        ("a.py", SLEEPY),
        (
            "b.py",
            "import eventlet\n\n\nasync def f():\n    eventlet.sleep(1)\n",
        ),
    ]);
    let out = migrate(dir.path(), &["--recipes", "recipes", "a.py", "b.py"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("a.py: internal error: the rewritten file would not compile (5:5: `await` outside of an asynchronous function"),
        "{err}"
    );
    assert_eq!(read(dir.path(), "a.py"), SLEEPY);
    // The other file, where `await` is valid, is rewritten.
    assert!(read(dir.path(), "b.py").contains("await asyncio.sleep(1)"));
}

#[test]
fn a_file_that_cannot_be_rewritten_keeps_its_process_on_the_hub() {
    // The worker's rewrite fails its compile check, so the worker stays as it was, on
    // eventlet; the script that imports it must keep monkey patching for it.
    let main = "import eventlet\neventlet.monkey_patch()\n\nimport worker\n\nif __name__ == \"__main__\":\n    worker.run()\n";
    let worker = "import eventlet\n\n\ndef run():\n    eventlet.sleep(1)\n";
    let dir = tree(&[
        ("recipes/sleep.toml", AWAIT_SLEEP),
        ("main.py", main),
        ("worker.py", worker),
    ]);
    let out = migrate(dir.path(), &["--recipes", "recipes", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("worker.py: internal error: the rewritten file would not compile"),
        "{err}"
    );
    assert_eq!(read(dir.path(), "worker.py"), worker);
    assert_eq!(read(dir.path(), "main.py"), main);
    assert!(err.contains("not rewritten: internal error"), "{err}");
}

#[test]
fn eventlet_code_that_does_not_parse_keeps_its_process_on_the_hub() {
    let main = "import eventlet\neventlet.monkey_patch()\n\nimport worker\n\nif __name__ == \"__main__\":\n    worker.run()\n";
    let worker = "import eventlet\n\n\ndef run(:\n    eventlet.sleep(1)\n";
    let dir = tree(&[("main.py", main), ("worker.py", worker)]);
    let out = migrate(dir.path(), &["."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(read(dir.path(), "main.py"), main);
    assert!(
        err.contains("keeps eventlet code at worker.py (not migrated: 4:9:"),
        "{err}"
    );
}

#[test]
fn a_test_package_that_only_patches_loses_import_and_call() {
    // Two real projects' test packages end in exactly this shape; removing both statements
    // once made their edits overlap. The runner imports the package: a process of its own,
    // with nothing else on eventlet, so the patching goes.
    let dir = tree(&[
        ("pkg/__init__.py", ""),
        (
            "pkg/tests/__init__.py",
            "import eventlet\n\neventlet.monkey_patch(os=False)\n",
        ),
        ("pkg/tests/test_x.py", "def test_x():\n    assert True\n"),
    ]);
    let out = migrate(dir.path(), &["pkg"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read(dir.path(), "pkg/tests/__init__.py"), "");
}

#[test]
fn the_declared_python_decides_and_python_overrides_it() {
    let script = "import eventlet\n\n\ndef main():\n    q = eventlet.Queue()\n    q.put(1)\n    return q.get()\n";
    let dir = tree(&[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\nrequires-python = \">=2.7\"\n",
        ),
        ("x.py", script),
    ]);
    let out = migrate(dir.path(), &["--dry-run"]);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("`queue` needs Python 3.0, and the project still supports Python 2.7 (pyproject.toml:3, requires-python >=2.7)"),
        "{}",
        stderr(&out)
    );
    let out = migrate(dir.path(), &["--dry-run", "--python", "3.8"]);
    assert!(
        stdout(&out).contains("+    q = queue.Queue()"),
        "{}",
        stderr(&out)
    );
    let out = migrate(dir.path(), &["--dry-run", "--python", "three"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`three` is not a Python version `X.Y`"),
        "{}",
        stderr(&out)
    );
}
