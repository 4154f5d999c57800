//! Recipes are data: every recipe in `transforms/` validates and has fixtures, and invalid
//! recipe files are rejected with the file, line and reason.

mod common;

use common::root;

use std::collections::BTreeSet;
use std::path::PathBuf;

use eventlet_migrate::recipe::Catalog;

fn names() -> (&'static str, &'static str) {
    (
        "transforms/names.toml",
        include_str!("../transforms/names.toml"),
    )
}

fn dir_names(path: PathBuf, want_dirs: bool, ext: Option<&str>) -> BTreeSet<String> {
    std::fs::read_dir(path)
        .expect("directory exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir() == want_dirs && ext.is_none_or(|x| p.extension().is_some_and(|e| e == x))
        })
        .map(|p| {
            p.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        })
        .collect()
}

#[test]
fn every_builtin_recipe_loads() {
    let catalog = Catalog::builtin().unwrap_or_else(|errors| {
        panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let on_disk = dir_names(root().join("transforms/recipes"), false, Some("toml"));
    let loaded: BTreeSet<String> = catalog.ids().into_iter().map(str::to_string).collect();
    assert_eq!(
        on_disk, loaded,
        "every transforms/recipes/*.toml is embedded"
    );
}

#[test]
fn every_recipe_has_fixtures_and_every_fixture_directory_a_recipe() {
    let recipes = dir_names(root().join("transforms/recipes"), false, Some("toml"));
    let fixtures = dir_names(root().join("tests/fixtures"), true, None);
    for id in &recipes {
        assert!(
            fixtures.contains(id),
            "recipe `{id}` has no tests/fixtures/{id}/ directory"
        );
        let files = dir_names(root().join("tests/fixtures").join(id), false, Some("py"));
        assert!(!files.is_empty(), "tests/fixtures/{id}/ has no .py fixture");
    }
    // `projects/` holds whole fixture projects (tests/projects.rs).
    for dir in fixtures.iter().filter(|d| *d != "projects") {
        assert!(
            recipes.contains(dir),
            "tests/fixtures/{dir}/ belongs to no recipe"
        );
    }
}

fn error_for(path: &str, text: &str) -> String {
    match Catalog::from_sources(names(), vec![(path.to_string(), text.to_string())]) {
        Ok(_) => panic!("{path} should be rejected"),
        Err(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

const VALID: &str = r#"id = "demo"
summary = "Demo"
category = "timing"
matches = ["eventlet.greenthread.sleep"]

[target.threading]
imports = ["import time"]

[[target.threading.rule]]
on = "call"
replace-callee = "time.sleep"
"#;

#[test]
fn a_valid_recipe_loads() {
    let catalog =
        Catalog::from_sources(names(), vec![("x/demo.toml".into(), VALID.into())]).expect("valid");
    assert_eq!(catalog.ids(), vec!["demo"]);
}

#[test]
fn unknown_keys_are_rejected_with_file_line_and_key() {
    let text = VALID.replace("on = \"call\"", "on = \"call\"\nreplace_calee = \"x\"");
    let err = error_for("x/demo.toml", &text);
    assert!(
        err.starts_with("x/demo.toml:11:1: unknown field `replace_calee`"),
        "{err}"
    );
    let err = error_for(
        "x/demo.toml",
        &VALID.replace("[target.threading]", "[target.gevent]"),
    );
    assert!(
        err.contains("x/demo.toml:6:9: unknown variant `gevent`"),
        "{err}"
    );
}

#[test]
fn semantic_errors_are_rejected() {
    let cases: &[(&str, &str)] = &[
        (
            "replace-callee = \"time.sleep\"",
            "replace-callee = \"time.sleep(\"",
        ),
        (
            "replace-callee = \"time.sleep\"",
            "replace-callee = \"threading.sleep\"",
        ),
        (
            "replace-callee = \"time.sleep\"",
            "replace = \"time.sleep({argz})\"",
        ),
        (
            "replace-callee = \"time.sleep\"",
            "replace-callee = \"time.sleep\"\nmanual = \"no\"",
        ),
        ("on = \"call\"", "on = \"reference\""),
        (
            "imports = [\"import time\"]",
            "imports = [\"import time, os\"]",
        ),
        ("id = \"demo\"", "id = \"other\""),
        (
            "replace-callee = \"time.sleep\"",
            "leave = \"nothing to do\"\nsafety = \"safe\"",
        ),
    ];
    let expected = [
        "is not a Python expression",
        "uses `threading`, which no import of the rule provides",
        "unknown hole `{argz}`",
        "exactly one of",
        "`replace-callee` needs `on = \"call\"`",
        "is not a single `import M [as A]`",
        "must match its file name",
        "a `leave` rule makes no edit",
    ];
    for ((from, to), want) in cases.iter().zip(expected) {
        let err = error_for("x/demo.toml", &VALID.replace(from, to));
        assert!(err.contains(want), "{to}: expected `{want}` in: {err}");
        assert!(err.starts_with("x/demo.toml:"), "{err}");
    }
}

#[test]
fn a_bounded_method_names_its_keyword_and_what_expiry_does() {
    let object = |method: &str| {
        VALID.replace(
            "[[target.threading.rule]]\non = \"call\"\nreplace-callee = \"time.sleep\"\n",
            &format!(
                "[[target.threading.rule]]\non = \"call\"\nreplace = \"time.sleep(1)\"\n\n[[target.threading.rule.method]]\nname = \"get\"\n{method}\n"
            ),
        )
    };
    let good = object("rename = \"get\"\nbounded = { keyword = \"timeout\", args = 0, raises = \"TimeoutError\" }");
    Catalog::from_sources(names(), vec![("x/demo.toml".into(), good)]).expect("valid");
    let cases = [
        (
            "replace = \"{receiver}.get()\"\nbounded = { keyword = \"timeout\", args = 0, returns-false = true }",
            "`bounded` needs `rename`",
        ),
        (
            "rename = \"get\"\nbounded = { keyword = \"timeout\", args = 0 }",
            "exactly one of `raises`, `returns-false`",
        ),
        (
            "rename = \"get\"\nbounded = { keyword = \"timeout\", args = 0, raises = \"queue.Empty\" }",
            "is not a builtin exception or a name the rule's imports bind",
        ),
        (
            "rename = \"get\"\nbounded = { keyword = \"time out\", args = 0, returns-false = true }",
            "is not an argument name",
        ),
    ];
    for (method, want) in cases {
        let err = error_for("x/demo.toml", &object(method));
        assert!(err.contains(want), "{method}: expected `{want}` in: {err}");
    }
}

#[test]
fn two_recipes_cannot_match_the_same_name() {
    let other = VALID.replace("id = \"demo\"", "id = \"demo2\"");
    let err = match Catalog::from_sources(
        names(),
        vec![
            ("x/demo.toml".into(), VALID.into()),
            ("x/demo2.toml".into(), other),
        ],
    ) {
        Ok(_) => panic!("duplicate match accepted"),
        Err(e) => e
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    assert!(err.contains("already matched by recipe `demo`"), "{err}");
}

#[test]
fn reexports_map_to_canonical_names() {
    let catalog = Catalog::builtin().expect("loads");
    assert_eq!(
        catalog.canonical("eventlet.sleep"),
        "eventlet.greenthread.sleep"
    );
    assert_eq!(
        catalog.canonical("eventlet.Timeout.x"),
        "eventlet.timeout.Timeout.x"
    );
    assert_eq!(
        catalog.canonical("eventlet.green.socket"),
        "eventlet.green.socket"
    );
}

#[test]
fn object_facts_are_validated_at_load_time() {
    // A typo in a fact would never hold, so `uses-none` would match every object.
    let with_methods = VALID.replace(
        "replace-callee = \"time.sleep\"",
        "replace-callee = \"time.sleep\"\n\n[[target.threading.rule.method]]\nname = \"wait\"\nrename = \"join\"",
    );
    let typo = with_methods.replace(
        "on = \"call\"",
        "on = \"call\"\nwhen = { uses-none = [\"wiat\"] }",
    );
    let err = error_for("x/demo.toml", &typo);
    assert!(
        err.starts_with("x/demo.toml:11:23: unknown fact `wiat`") && err.contains("(wait)"),
        "{err}"
    );
    let bad_suffix = with_methods.replace(
        "on = \"call\"",
        "on = \"call\"\nwhen = { uses-any = [\"wait:usd\"] }",
    );
    assert!(error_for("x/demo.toml", &bad_suffix).contains("unknown fact `wait:usd`"));
    for good in ["wait", "wait:used", "escapes", "with", "not-last:wait"] {
        let text = with_methods.replace(
            "on = \"call\"",
            &format!("on = \"call\"\nwhen = {{ uses-none = [\"{good}\"] }}"),
        );
        Catalog::from_sources(names(), vec![("x/demo.toml".into(), text)])
            .unwrap_or_else(|e| panic!("`{good}` is a valid fact: {e:?}"));
    }
}

#[test]
fn shared_definitions_and_methods_must_be_used() {
    let shared = VALID.replace(
        "imports = [\"import time\"]",
        "imports = [\"import time\"]\ndefines = [\"\"\"\nclass Napper:\n    nap = time.sleep\n\"\"\"]",
    );
    let err = error_for("x/demo.toml", &shared);
    assert!(
        err.contains("`Napper` in the target's `defines` is named by no rule's `replace`"),
        "{err}"
    );
    let named = shared.replace("replace-callee = \"time.sleep\"", "replace = \"Napper()\"");
    Catalog::from_sources(names(), vec![("x/demo.toml".into(), named)])
        .unwrap_or_else(|e| panic!("a named shared definition loads: {e:?}"));
    let alone = VALID.replace("on = \"call\"", "on = \"call\"\nshared-methods = true");
    assert!(
        error_for("x/demo.toml", &alone).contains("this rule has none"),
        "{}",
        error_for("x/demo.toml", &alone)
    );
}

#[test]
fn replace_arg_says_which_argument() {
    let without = VALID.replace(
        "replace-callee = \"time.sleep\"",
        "replace-arg = \"time.time()\"",
    );
    let err = error_for("x/demo.toml", &without);
    assert!(err.contains("`replace-arg` needs"), "{err}");
    let with = without.replace(
        "on = \"call\"",
        "on = \"call\"\nwhen = { arg = { index = 0, text = [\"0\"] } }",
    );
    Catalog::from_sources(names(), vec![("x/demo.toml".into(), with)])
        .unwrap_or_else(|e| panic!("replace-arg with when.arg loads: {e:?}"));
}

#[test]
fn recipe_descriptions_agree_with_their_rules() {
    // `recipes show spawn` once said `wait()` became `join()` while the rule writes `result()`.
    let catalog = Catalog::builtin().expect("built-in recipes load");
    let spawn = catalog.get("spawn").expect("spawn recipe");
    let description = spawn.description.as_deref().unwrap_or_default();
    assert!(!description.contains("join()`;"), "{description}");
    assert!(
        description.contains("`gt.wait()` → `gt.result()`"),
        "{description}"
    );
}
