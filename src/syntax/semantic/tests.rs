//! The semantic model, one binding rule at a time.

use super::*;

fn model(source: &str) -> (Semantic, String) {
    let parsed = ruff_python_parser::parse_module(source).expect("parses");
    (Semantic::build(parsed.syntax()), source.to_string())
}

/// What the `n`-th occurrence of `needle` (a name) resolves to, as a qualified name.
fn resolves(source: &str, needle: &str, n: usize) -> Option<String> {
    let (semantic, text) = model(source);
    let start = text
        .match_indices(needle)
        .nth(n)
        .map(|(i, _)| TextSize::try_from(i).expect("small"))
        .expect("occurrence");
    let reference = semantic.reference_at(start).expect("a reference there");
    let name = ast::ExprName {
        id: reference.name.as_str().into(),
        ctx: ExprContext::Load,
        range: reference.range,
        node_index: Default::default(),
    };
    semantic.expr_qualified_name(&Expr::Name(name))
}

#[test]
fn imports_resolve_in_nested_functions() {
    let src = "from eventlet import sleep as nap\n\ndef f():\n    nap(1)\n";
    assert_eq!(resolves(src, "nap", 1).as_deref(), Some("eventlet.sleep"));
}

#[test]
fn a_nonlocal_assignment_binds_in_the_enclosing_function() {
    let src = "def outer():\n    from eventlet import sleep\n\n    def inner():\n        nonlocal sleep\n        sleep = print\n\n    sleep(0)\n";
    assert_eq!(resolves(src, "sleep", 3), None);
}

#[test]
fn a_global_assignment_binds_in_the_module() {
    let src =
        "import eventlet\n\ndef off():\n    global eventlet\n    eventlet = None\n\neventlet\n";
    assert_eq!(resolves(src, "eventlet", 3), None);
}

#[test]
fn a_walrus_in_a_comprehension_binds_in_the_enclosing_function() {
    let src = "import eventlet\n\ndef f(xs):\n    [(eventlet := x) for x in xs]\n    eventlet\n";
    assert_eq!(resolves(src, "eventlet", 2), None);
    // Elsewhere the module import is untouched.
    let src = "import eventlet\n\ndef f(xs):\n    [(other := x) for x in xs]\n    eventlet\n";
    assert_eq!(resolves(src, "eventlet", 1).as_deref(), Some("eventlet"));
}

#[test]
fn the_first_iterable_of_a_comprehension_resolves_where_it_is_written() {
    let src = "import eventlet\n\nclass C:\n    eventlet = []\n    ys = [x for x in eventlet]\n    zs = [eventlet for x in ys]\n";
    // In the class body: the class attribute.
    assert_eq!(resolves(src, "eventlet", 2), None);
    // In the comprehension's own scope, class attributes are invisible: the module import.
    assert_eq!(resolves(src, "eventlet", 3).as_deref(), Some("eventlet"));
}

#[test]
fn free_names_come_from_a_single_eventlet_star_import() {
    let src = "from eventlet import *\n\nsleep(1)\nprint(1)\n";
    assert_eq!(resolves(src, "sleep", 0).as_deref(), Some("eventlet.sleep"));
    assert_eq!(resolves(src, "print", 0), None);
    let two = "from eventlet import *\nfrom os import *\n\nsleep(1)\n";
    assert_eq!(resolves(two, "sleep", 0), None);
}

#[test]
fn bindings_count_only_once_module_code_reaches_them() {
    let src = "x = time\nimport time\n\ndef f():\n    return time\n";
    let (semantic, _) = model(src);
    let binding = semantic.bindings_of(MODULE_SCOPE, "time")[0];
    let function = semantic
        .scopes
        .iter()
        .position(|s| s.kind == ScopeKind::Function)
        .expect("a function scope");
    assert!(!semantic.bound_before(binding, MODULE_SCOPE, TextSize::from(4)));
    assert!(semantic.bound_before(binding, MODULE_SCOPE, TextSize::from(40)));
    // Functions run after the module has run.
    assert!(semantic.bound_before(binding, function, TextSize::from(0)));
    assert!(semantic.runs_at_import(MODULE_SCOPE) && !semantic.runs_at_import(function));
}

#[test]
fn a_functions_own_local_leaves_the_module_name_free() {
    let (local, _) = model("def main():\n    for backend in ('a', 'b'):\n        print(backend)\n");
    assert!(!local.module_uses("backend"));
    let (global, _) = model("def main():\n    global backend\n    backend = 1\n");
    assert!(global.module_uses("backend"));
    let (read, _) = model("def main():\n    return backend\n");
    assert!(read.module_uses("backend"));
    let (bound, _) = model("backend = None\n");
    assert!(bound.module_uses("backend"));
}
