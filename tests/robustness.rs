//! Hostile input: every file gets a clear `path: reason`, the others are still processed,
//! the exit status is 2, and nothing is lost.

mod common;

use common::*;
use std::fs;

use std::process::Command;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn syntax_errors_and_python2_are_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            "py2_print.py",
            "import eventlet\nprint \"x\"\n",
            "py2_print.py:2:7:",
        ),
        // `except E, e:` alone parses as Python 3.14's unparenthesised exception tuple; with a
        // print statement the file is Python 2 for sure.
        (
            "py2_except.py",
            "import eventlet\ntry:\n    pass\nexcept ValueError, e:\n    print \"x\"\n",
            "py2_except.py:5:11:",
        ),
        ("broken.py", "import eventlet\ndef f(:\n", "broken.py:2:"),
    ];
    for (name, text, _) in &cases {
        fs::write(dir.path().join(name), text).expect("write");
    }
    // Newer grammar (PEP 695 type parameters) parses and is migrated.
    fs::write(dir.path().join("modern.py"), "import eventlet\n\n\ndef first[T](xs: list[T]) -> T:\n    eventlet.sleep(0)\n    return xs[0]\n").expect("write");
    fs::write(dir.path().join("ok.py"), SLEEPY).expect("write");
    let out = migrate(dir.path(), &["."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for (name, text, message) in &cases {
        assert!(err.contains(message), "{message} missing from:\n{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join(name)).expect("read"),
            *text
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("ok.py")).expect("read"),
        SLEEPY_AFTER
    );
    assert!(fs::read_to_string(dir.path().join("modern.py"))
        .expect("read")
        .contains("time.sleep(0)"));
}

#[test]
fn encodings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    fs::write(
        p.join("bom.py"),
        [b"\xEF\xBB\xBF".as_slice(), SLEEPY.as_bytes()].concat(),
    )
    .expect("write");
    let latin1 =
        b"# -*- coding: latin-1 -*-\nimport eventlet\nNAME = '\xe9t\xe9'\neventlet.sleep(1)\n";
    fs::write(p.join("latin.py"), latin1).expect("write");
    fs::write(
        p.join("invalid.py"),
        b"import eventlet\nx = '\xff\xfe'\neventlet.sleep(1)\n",
    )
    .expect("write");
    fs::write(p.join("binary.py"), b"eventlet\x00\x01\x02\x03").expect("write");
    fs::write(
        p.join("koi8.py"),
        b"# -*- coding: koi8-r -*-\nimport eventlet\neventlet.sleep(1)\n",
    )
    .expect("write");
    let out = migrate(p, &["."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("invalid.py: not valid UTF-8 (byte 21)"),
        "{err}"
    );
    assert!(err.contains("binary.py: looks like a binary file"), "{err}");
    assert!(err.contains("koi8.py: declares encoding `koi8-r`"), "{err}");
    assert_eq!(
        fs::read(p.join("bom.py")).expect("read"),
        [b"\xEF\xBB\xBF".as_slice(), SLEEPY_AFTER.as_bytes()].concat()
    );
    // latin-1 stays latin-1, byte for byte outside the edit.
    assert_eq!(
        fs::read(p.join("latin.py")).expect("read"),
        b"# -*- coding: latin-1 -*-\nimport time\nNAME = '\xe9t\xe9'\ntime.sleep(1)\n".to_vec()
    );
    assert_eq!(
        fs::read(p.join("invalid.py")).expect("read"),
        b"import eventlet\nx = '\xff\xfe'\neventlet.sleep(1)\n".to_vec()
    );
}

#[test]
fn line_endings_form_feeds_tabs_and_last_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    fs::write(
        p.join("mixed.py"),
        "import eventlet\r\n\ndef f():\r\n    eventlet.sleep(1)\n",
    )
    .expect("write");
    fs::write(
        p.join("formfeed.py"),
        "import eventlet\n\x0c\ndef f():\n\teventlet.sleep(1)\n",
    )
    .expect("write");
    fs::write(p.join("nonl.py"), "import eventlet\neventlet.sleep(1)").expect("write");
    fs::write(p.join("empty.py"), "").expect("write");
    let out = migrate(p, &["."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(p.join("mixed.py")).expect("read"),
        "import time\r\n\ndef f():\r\n    time.sleep(1)\n"
    );
    assert_eq!(
        fs::read_to_string(p.join("formfeed.py")).expect("read"),
        "import time\n\x0c\ndef f():\n\ttime.sleep(1)\n"
    );
    assert_eq!(
        fs::read_to_string(p.join("nonl.py")).expect("read"),
        "import time\ntime.sleep(1)"
    );
    assert_eq!(fs::read_to_string(p.join("empty.py")).expect("read"), "");
}

#[test]
fn large_and_deeply_nested_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    // 50 MB of ordinary code with one eventlet call at the end.
    let mut big = String::from("import eventlet\n\n");
    let line = "VALUE_WITH_A_LONG_NAME_0000000 = {'key': [1, 2, 3], 'other': ('a', 'b')}\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    big.push_str("eventlet.sleep(1)\n");
    fs::write(p.join("big.py"), &big).expect("write");
    let n = 5_000;
    let nested = format!(
        "import eventlet\nx = {}{}\neventlet.sleep(1)\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    fs::write(p.join("nested.py"), &nested).expect("write");
    let chain = format!(
        "import eventlet\nx = 1{}\neventlet.sleep(1)\n",
        " + 1".repeat(20_000)
    );
    fs::write(p.join("chain.py"), &chain).expect("write");
    let absurd = format!("import eventlet\nx = 1{}\n", " + 1".repeat(150_000));
    fs::write(p.join("absurd.py"), &absurd).expect("write");
    let out = migrate(p, &["."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("absurd.py: expressions nested 150000 deep"),
        "{err}"
    );
    assert!(fs::read_to_string(p.join("big.py"))
        .expect("read")
        .ends_with("time.sleep(1)\n"));
    assert!(fs::read_to_string(p.join("nested.py"))
        .expect("read")
        .ends_with("time.sleep(1)\n"));
    assert!(fs::read_to_string(p.join("chain.py"))
        .expect("read")
        .ends_with("time.sleep(1)\n"));
}

#[test]
fn file_system_troubles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    fs::create_dir_all(p.join("pkg dir/ünïcode")).expect("mkdir");
    fs::write(p.join("pkg dir/ünïcode/módulo.py"), SLEEPY).expect("write");
    fs::write(p.join("readonly.py"), SLEEPY).expect("write");
    let mut perms = fs::metadata(p.join("readonly.py"))
        .expect("stat")
        .permissions();
    perms.set_readonly(true);
    fs::set_permissions(p.join("readonly.py"), perms).expect("chmod");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", p.join("loop")).expect("symlink");
        let outside = tempfile::tempdir().expect("temp dir");
        fs::write(outside.path().join("outside.py"), SLEEPY).expect("write");
        std::os::unix::fs::symlink(outside.path().join("outside.py"), p.join("link.py"))
            .expect("symlink");
        let out = migrate(p, &[".", "missing.py"]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains("readonly.py: read-only; not rewritten"),
            "{err}"
        );
        assert!(
            err.contains("missing.py: No such file or directory"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(p.join("readonly.py")).expect("read"),
            SLEEPY
        );
        assert_eq!(
            fs::read_to_string(p.join("pkg dir/ünïcode/módulo.py")).expect("read"),
            SLEEPY_AFTER
        );
        // Symbolic links are not followed when walking (the `ignore` crate's default): the
        // loop is harmless and the file outside the tree is untouched…
        assert_eq!(
            fs::read_to_string(outside.path().join("outside.py")).expect("read"),
            SLEEPY
        );
        // …but a link named explicitly is processed, and written through.
        let out = migrate(p, &["link.py"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            fs::read_to_string(outside.path().join("outside.py")).expect("read"),
            SLEEPY_AFTER
        );
        assert!(fs::symlink_metadata(p.join("link.py"))
            .expect("stat")
            .file_type()
            .is_symlink());
    }
    if !is_root() {
        fs::write(p.join("secret.py"), SLEEPY).expect("write");
        let mut perms = fs::metadata(p.join("secret.py"))
            .expect("stat")
            .permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o000);
        fs::set_permissions(p.join("secret.py"), perms).expect("chmod");
        let out = migrate(p, &["secret.py"]);
        assert!(
            stderr(&out).contains("secret.py: Permission denied"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn dry_run_writes_nothing_in_a_read_only_tree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("tree");
    fs::create_dir(&p).expect("mkdir");
    fs::write(p.join("a.py"), SLEEPY).expect("write");
    let before = fs::metadata(p.join("a.py"))
        .and_then(|m| m.modified())
        .expect("mtime");
    for path in [p.join("a.py"), p.clone()] {
        let mut perms = fs::metadata(&path).expect("stat").permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).expect("chmod");
    }
    let out = migrate(&p, &["--dry-run", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+    time.sleep(1)"));
    assert_eq!(fs::read_to_string(p.join("a.py")).expect("read"), SLEEPY);
    assert_eq!(
        fs::metadata(p.join("a.py"))
            .and_then(|m| m.modified())
            .expect("mtime"),
        before
    );
    assert_eq!(
        fs::read_dir(&p).expect("ls").count(),
        1,
        "no file may be created"
    );
    let mut perms = fs::metadata(&p).expect("stat").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&p, perms).ok();
}

#[test]
#[cfg(unix)]
fn an_interrupted_run_leaves_every_file_old_or_new_and_no_temp_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    // Enough files for the signal to land mid-run.
    let body = format!("{SLEEPY}{}", "x = [1, 2, 3]\n".repeat(20_000));
    let after = format!("{SLEEPY_AFTER}{}", "x = [1, 2, 3]\n".repeat(20_000));
    for i in 0..300 {
        fs::write(p.join(format!("m{i:03}.py")), &body).expect("write");
    }
    let child = Command::new(BIN)
        .args(["migrate", "--target", "threading", "--jobs", "2", "."])
        .current_dir(p)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(150));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    let out = child.wait_with_output().expect("wait");
    let code = out.status.code();
    assert!(
        matches!(code, Some(130) | Some(1)),
        "status {code:?}: {}",
        stderr(&out)
    );
    let (mut old, mut new) = (0, 0);
    for entry in fs::read_dir(p).expect("ls") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        assert!(
            !name.contains(".eventlet-migrate-"),
            "temporary file left: {name}"
        );
        let text = fs::read_to_string(&path).expect("read");
        if text == body {
            old += 1;
        } else if text == after {
            new += 1;
        } else {
            panic!("{name} is neither old nor new");
        }
    }
    assert_eq!(old + new, 300);
}

#[test]
fn patch_series_survives_what_write_mode_survives() {
    // The series once ran on rayon's default small stacks and aborted (a 95,000-deep list in
    // a release build; 20,000 is as deep as a debug build's frames allow in write mode).
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let n = 20_000;
    let nested = format!(
        "import eventlet\nx = {}{}\neventlet.sleep(1)\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    fs::write(p.join("nested.py"), &nested).expect("write");
    fs::write(p.join("plain.py"), "import eventlet\n\neventlet.sleep(2)\n").expect("write");
    let out = migrate(
        p,
        &[
            "--patches",
            "out",
            "--date",
            "2026-01-01T00:00:00Z",
            "--author",
            "A <a@b.c>",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let patch = fs::read_dir(p.join("out"))
        .expect("patches written")
        .filter_map(|e| e.ok())
        .map(|e| fs::read_to_string(e.path()).expect("read"))
        .collect::<String>();
    assert!(
        patch.contains("+time.sleep(1)") && patch.contains("+time.sleep(2)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn eventlets_own_source_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let library = "from eventlet import greenthread\n\nsleep = greenthread.sleep\n";
    for (path, text) in [
        ("eventlet/__init__.py", library),
        (
            "eventlet/greenthread.py",
            "import eventlet\n\n\ndef sleep(s=0):\n    eventlet.hubs.get_hub()\n",
        ),
        (
            "tests/test_patcher.py",
            "import eventlet\n\neventlet.monkey_patch()\n",
        ),
    ] {
        fs::create_dir_all(p.join(path).parent().expect("parent")).expect("mkdir");
        fs::write(p.join(path), text).expect("write");
    }
    for args in [
        vec!["--dry-run", "."],
        vec!["."],
        vec!["--dry-run", "tests"],
        vec!["--patches", "out", "."],
    ] {
        let out = migrate(p, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is Eventlet's own package"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    assert_eq!(
        fs::read_to_string(p.join("tests/test_patcher.py")).expect("read"),
        "import eventlet\n\neventlet.monkey_patch()\n"
    );
}
