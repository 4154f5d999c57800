//! The project index, one fact at a time.

use super::*;

/// A project of `(path, source)` files, indexed as a run indexes them.
pub(crate) fn project_of(files: &[(&str, &str)]) -> Project {
    let catalog = Catalog::builtin().expect("built-in recipes load");
    let parsed: Vec<_> = files
        .iter()
        .map(|(path, text)| {
            (
                PathBuf::from(path),
                ruff_python_parser::parse_module(text).expect("parses"),
                *text,
            )
        })
        .collect();
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| {
            p.trim_end_matches(".py")
                .trim_end_matches("/__init__")
                .replace('/', ".")
        })
        .collect();
    let all: BTreeSet<String> = names.iter().cloned().collect();
    Project::from_modules(
        parsed
            .iter()
            .zip(&names)
            .map(|((path, module, text), name)| {
                let semantic = Semantic::build(module.syntax());
                let source = Source {
                    module: module.syntax(),
                    text,
                };
                index(path, name, source, Some(&semantic), &all, &catalog)
            })
            .collect(),
    )
}

#[test]
fn inherited_methods_and_super_calls_are_followed_to_the_base() {
    let project = project_of(&[
        ("base.py", "import eventlet\n\nclass Base:\n    def setUp(self):\n        self.green()\n\n    def green(self):\n        eventlet.monkey_patch(time=True)\n"),
        ("child.py", "import base\n\nclass Child(base.Base):\n    def setUp(self):\n        super().setUp()\n\nclass Plain(base.Base):\n    pass\n"),
    ]);
    let modules: BTreeSet<String> = ["base", "child"].map(String::from).into();
    for root in ["child:Child.setUp", "child:Plain.setUp"] {
        let roots = vec![root.to_string()];
        let reachable = project.reachable(&modules, &roots);
        assert!(
            reachable.contains("base:Base.green"),
            "{root}: {reachable:?}"
        );
    }
}

#[test]
fn forwarded_keywords_are_the_callers() {
    let project = project_of(&[
        (
            "hub.py",
            "import eventlet\n\ndef patch(**kwargs):\n    eventlet.monkey_patch(**kwargs)\n",
        ),
        (
            "cmd.py",
            "import hub\n\ndef main():\n    hub.patch(thread=False)\n",
        ),
    ]);
    let patch = &project.modules["hub"].patches[0];
    assert!(patch.forwarded && patch.flags.is_none());
    let call = &project.modules["cmd"].keyword_calls[0];
    assert_eq!(
        (call.caller.as_str(), call.callee.as_str()),
        ("cmd:main", "hub:patch")
    );
    assert!(!call.flags.contains("thread") && call.flags.contains("time"));
    assert!(project.patching_names().contains("patch"));
}

#[test]
fn imports_are_read_from_lines() {
    let text = "import os, sys as system  # why\nfrom . import a\nfrom ..pkg.mod import (\n    b,  # one\n    c as d,\n)\nfrom x import y, \\\n    z\n    import late\n";
    assert_eq!(
        import_lines(text)
            .into_iter()
            .map(|(_, i)| {
                let members: Vec<String> =
                    i.members.iter().map(|(m, b)| format!("{m}:{b}")).collect();
                (i.level, i.module, i.bound, members)
            })
            .collect::<Vec<_>>(),
        vec![
            (0, Some("os".to_string()), Some("os".to_string()), vec![]),
            (
                0,
                Some("sys".to_string()),
                Some("system".to_string()),
                vec![]
            ),
            (1, None, None, vec!["a:a".to_string()]),
            (
                2,
                Some("pkg.mod".to_string()),
                None,
                vec!["b:b".to_string(), "c:d".to_string()]
            ),
            (
                0,
                Some("x".to_string()),
                None,
                vec!["y:y".to_string(), "z:z".to_string()]
            ),
            (
                0,
                Some("late".to_string()),
                Some("late".to_string()),
                vec![]
            ),
        ]
    );
    assert_eq!(absolute_module("a.b", 2, Some("x")), "a.x");
    assert_eq!(absolute_module("a.b", 1, None), "a.b");
    // Each at the start of its line.
    let starts: Vec<usize> = import_lines(text).into_iter().map(|(at, _)| at).collect();
    assert_eq!(starts, vec![0, 0, 32, 48, 100, 125]);
}

#[test]
fn patch_helpers_are_found_in_text_and_in_code() {
    let catalog = Catalog::builtin().expect("recipes load");
    let text = "class TestCase(object):\n    def patchobject(self, obj, attr, **kwargs):\n        p = mock.patch.object(obj, attr, **kwargs)\n        return p.start()\n\n    def patch(self, path, *args):\n        return self.useFixture(fixtures.MockPatch(path, *args)).mock\n\n    def other(self, a, b):\n        return a + b\n\n    def patch_if(self, target, new=None):\n        if new is None:\n\n            return mock.patch(target)\n\n\nmock.patch('module.level')\n";
    let expected = vec![
        ("patchobject".to_string(), true),
        ("patch".to_string(), false),
        ("patch_if".to_string(), false),
    ];
    assert_eq!(text_patch_helpers(text, &catalog.patchers), expected);
    let parsed = ruff_python_parser::parse_module(text).expect("parses");
    let found: Vec<(String, bool)> = parsed
        .syntax()
        .body
        .iter()
        .filter_map(|s| s.as_class_def_stmt())
        .flat_map(|c| c.body.iter().filter_map(|s| s.as_function_def_stmt()))
        .filter_map(|d| patch_helper(d, &catalog.patchers).map(|b| (d.name.to_string(), b)))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn script_declarations_are_read_from_packaging_files() {
    let cfg = "[metadata]\nname = x\n\n[entry_points]\nconsole_scripts =\n    x-api = x.cmd.api:main\n    x-worker = x.cmd.worker:main\noslo.config.opts =\n    x = x.conf:list_opts\n";
    assert_eq!(
        setup_cfg_scripts(cfg),
        vec![
            ("x-api".to_string(), "x.cmd.api:main".to_string()),
            ("x-worker".to_string(), "x.cmd.worker:main".to_string()),
        ]
    );
    let toml = "[project.scripts]\nx = \"x.cli:run\"\n";
    assert_eq!(
        pyproject_scripts(toml),
        vec![("x".to_string(), "x.cli:run".to_string())]
    );
    let py = "setup(entry_points={'console_scripts': ['x = x.cli:main']})\n";
    assert_eq!(
        setup_py_scripts(py),
        vec![("x".to_string(), "x.cli:main".to_string())]
    );
}

#[test]
fn a_library_used_only_through_its_neutral_names_keeps_no_process() {
    let catalog = Catalog::builtin().expect("recipes load");
    let project = BTreeSet::new();
    let uses = |text: &str| {
        index_text(Path::new("m.py"), "m", text, &project, &catalog)
            .eventlet_libraries
            .len()
    };
    // Options and the paste loader, by attribute or imported by name: nothing kept.
    assert_eq!(uses("from oslo_service import wsgi\n\n\ndef f(c):\n    wsgi.register_opts(c)\n    return wsgi.Loader(c)\n"), 0);
    assert_eq!(uses("from oslo_service.wsgi import Loader\n"), 0);
    assert_eq!(
        uses("import oslo_service.wsgi\n\noslo_service.wsgi.list_opts()\n"),
        0
    );
    // The server, the module handed on, an alias used for the server: kept.
    assert_eq!(
        uses("from oslo_service import wsgi\n\nwsgi.Server(None, 'api', None)\n"),
        1
    );
    assert_eq!(uses("from oslo_service import wsgi\n\nregister(wsgi)\n"), 1);
    assert_eq!(
        uses("from oslo_service import wsgi as base\n\nwsgi = base.Server\n"),
        1
    );
    assert_eq!(uses("from oslo_service.wsgi import Server\n"), 1);
    // Imported and never used: kept, as an import alone was.
    assert_eq!(uses("from oslo_service import wsgi  # noqa\n"), 1);
}

#[test]
fn a_module_named_test_is_no_test_tree() {
    // `svc/test.py` (a test base class, as `manila/test.py`) does not make `svc/` a test
    // directory: only the `svc.tests` package has a runner.
    let project = project_of(&[
        ("svc/__init__.py", ""),
        (
            "svc/test.py",
            "import unittest\n\n\nclass TestCase(unittest.TestCase):\n    pass\n",
        ),
        ("svc/api.py", "import eventlet\n"),
        ("svc/tests/__init__.py", ""),
        ("svc/tests/test_api.py", "from svc import test\n"),
    ]);
    let runners = entry_points::test_runners(&project, &[]);
    let names: Vec<&str> = runners.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["the test runner of `svc.tests`"]);
}
