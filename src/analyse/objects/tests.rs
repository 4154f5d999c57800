//! The object flow, one shape at a time.

use super::*;
use ruff_python_ast::visitor::source_order::{self, SourceOrderVisitor};
use ruff_python_ast::Stmt;

/// The uses of the objects made by the calls of `callee` in `source`, as text, or why
/// they cannot be followed.
fn element_uses_of(source: &str, callee: &str) -> Vec<Result<Vec<String>, String>> {
    let parsed = ruff_python_parser::parse_module(source).expect("parses");
    let body = &parsed.syntax().body;
    let semantic = Semantic::build(parsed.syntax());
    let parents = Parents::build(body);
    struct Calls<'a>(Vec<(&'a ExprCall, TextRange)>, &'a str, &'a str, TextRange);
    impl<'a> SourceOrderVisitor<'a> for Calls<'a> {
        fn enter_node(
            &mut self,
            node: ruff_python_ast::AnyNodeRef<'a>,
        ) -> source_order::TraversalSignal {
            if let ruff_python_ast::AnyNodeRef::StmtAssign(s) = node {
                self.3 = s.range;
            }
            if let ruff_python_ast::AnyNodeRef::ExprCall(call) = node {
                if &self.2[call.func.range()] == self.1 {
                    self.0.push((call, self.3));
                }
            }
            source_order::TraversalSignal::Traverse
        }
    }
    let mut calls = Calls(Vec::new(), callee, source, TextRange::default());
    calls.visit_body(body);
    calls
        .0
        .iter()
        .map(|(call, stmt)| {
            let tracked = track_elements(
                &Flow {
                    semantic: &semantic,
                    parents: &parents,
                    elsewhere: &NoOtherFiles,
                },
                call,
                *stmt,
            )
            .expect("an element");
            tracked.map(|t| {
                t.uses
                    .iter()
                    .map(|u| match u.parent {
                        Some(Parent::Method { attr, .. }) => {
                            format!("{}.{}()", &source[u.range], attr.attr)
                        }
                        _ => format!("{}?", &source[u.range]),
                    })
                    .collect()
            })
        })
        .collect()
}

/// Following the object of the first call appended (added, extended) to something in
/// `source`: `None` when it is not an element; else the size of its family, if any.
fn first_appended(source: &str) -> Option<Result<Option<usize>, String>> {
    let parsed = ruff_python_parser::parse_module(source).expect("parses");
    let semantic = Semantic::build(parsed.syntax());
    let parents = Parents::build(&parsed.syntax().body);
    let flow = Flow {
        semantic: &semantic,
        parents: &parents,
        elsewhere: &NoOtherFiles,
    };
    let call = parents
        .arguments
        .values()
        .filter_map(|(outer, _)| outer.arguments.args.first().and_then(Expr::as_call_expr))
        .min_by_key(|call| call.range().start())
        .expect("an appended call");
    track_elements(&flow, call, TextRange::default())
        .map(|found| found.map(|t| t.family.map(|f| f.members)))
}

/// What following the object assigned by statement `stmt` of the function `function`
/// (`main`, or `Class.method`) finds, given what the other files mention.
#[derive(Debug, PartialEq)]
struct Followed {
    /// Each use as text: `name.method()`, or `name?` for an escape.
    uses: Vec<String>,
    /// The size of its family, if its name is bound to others.
    family: Option<usize>,
}

/// Calls `with` on the object assigned by statement `stmt` of `function` (`Class.method`
/// for a method) in `source`, with the module's parents, or says why it cannot be followed.
fn with_tracked<T>(
    source: &str,
    (function, stmt): (&str, usize),
    others: &dyn OtherFiles,
    with: impl FnOnce(&Tracked<'_>, &Parents<'_>) -> T,
) -> Result<T, String> {
    let parsed = ruff_python_parser::parse_module(source).expect("parses");
    let body = &parsed.syntax().body;
    let semantic = Semantic::build(parsed.syntax());
    // `spawn(f, *args)` calls the function it is given.
    let parents = Parents::build_with(body, &|call: &ExprCall| {
        matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "spawn")
            .then_some(CallRole::CallsFunction(0))
    });
    let (class, name) = match function.split_once('.') {
        Some((class, name)) => (Some(class), name),
        None => (None, function),
    };
    let scope = match class {
        Some(class) => body
            .iter()
            .filter_map(Stmt::as_class_def_stmt)
            .find(|c| c.name.as_str() == class)
            .map(|c| &c.body[..])
            .expect("the class"),
        None => &body[..],
    };
    let def = scope
        .iter()
        .filter_map(Stmt::as_function_def_stmt)
        .find(|d| d.name.as_str() == name)
        .expect("the function");
    let Stmt::Assign(assign) = &def.body[stmt] else {
        panic!("an assignment")
    };
    let flow = Flow {
        semantic: &semantic,
        parents: &parents,
        elsewhere: others,
    };
    let tracked = track(&flow, &assign.targets[0], assign.range)?;
    Ok(with(&tracked, &parents))
}

fn follow(
    source: &str,
    function: &str,
    stmt: usize,
    others: &dyn OtherFiles,
) -> Result<Followed, String> {
    with_tracked(source, (function, stmt), others, |tracked, _| {
        let uses = tracked
            .uses
            .iter()
            .map(|u| match u.parent {
                Some(Parent::Method { attr, .. }) => {
                    format!("{}.{}()", &source[u.range], attr.attr)
                }
                Some(Parent::Passed { function, .. }) => {
                    format!("{} -> {}", &source[u.range], &source[function.range()])
                }
                _ => format!("{}?", &source[u.range]),
            })
            .collect();
        Followed {
            uses,
            family: tracked.family.as_ref().map(|f| f.members),
        }
    })
}

fn uses(found: Result<Followed, String>) -> Vec<String> {
    found.expect("followed").uses
}

#[test]
fn an_object_passed_by_keyword_is_followed_into_the_parameter_of_that_name() {
    let src = "def worker(n, done=None):\n    done.send(n)\n\ndef notify(*, ready):\n    ready.send()\n\ndef main():\n    ev = Event()\n    spawn(worker, 1, done=ev)\n    notify(ready=ev)\n    ev.wait()\n";
    assert_eq!(
        uses(follow(src, "main", 0, &NoOtherFiles)),
        vec!["done.send()", "ready.send()", "ev.wait()"]
    );
}

#[test]
fn an_object_passed_into_kwargs_or_a_positional_only_name_is_not_followed_in_place() {
    // Left to the project plan, which finds no parameter to follow it into.
    let src = "def opts(**kwargs):\n    kwargs['x'].send()\n\ndef pos(a, /):\n    a.send()\n\ndef main():\n    ev = Event()\n    opts(x=ev)\n    pos(a=ev)\n";
    assert_eq!(
        uses(follow(src, "main", 0, &NoOtherFiles)),
        vec!["ev -> opts", "ev -> pos"]
    );
    for (function, keyword) in [("opts", "x"), ("pos", "a")] {
        assert_eq!(
            parameter_uses_of(src, function, PassedAs::Keyword(keyword.into())),
            Err("no parameter of the function takes it".to_string())
        );
    }
}

#[test]
fn a_name_bound_to_objects_made_the_same_way_is_one_family() {
    let src = "def main():\n    ev = Event()\n    ev.wait()\n    ev = Event()\n    ev.send()\n";
    assert_eq!(
        follow(src, "main", 0, &NoOtherFiles),
        Ok(Followed {
            uses: vec!["ev.wait()".into(), "ev.send()".into()],
            family: Some(2),
        })
    );
}

#[test]
fn a_name_bound_otherwise_too_or_in_another_scope_is_not_followed() {
    let src = "def main(other):\n    ev = Event()\n    ev.wait()\n    ev = other\n";
    assert_eq!(
        follow(src, "main", 0, &NoOtherFiles),
        Err("`ev` is assigned more than once".to_string())
    );
    let src = "ev = None\n\ndef main():\n    global ev\n    ev = Event()\n";
    assert_eq!(
        follow(src, "main", 1, &NoOtherFiles),
        Err("`ev` is bound in another scope".to_string())
    );
}

#[test]
fn an_object_passed_to_a_method_of_the_class_is_followed_into_it() {
    let src = "class C:\n    def main(self):\n        ev = Event()\n        self._watch(1, ev)\n        ev.wait()\n\n    def _watch(self, n, done):\n        done.send(n)\n";
    struct Mentions(&'static str);
    impl OtherFiles for Mentions {
        fn mention(&self, name: &str) -> bool {
            name == self.0
        }
    }
    assert_eq!(
        uses(follow(src, "C.main", 0, &NoOtherFiles)),
        vec!["done.send()", "ev.wait()"]
    );
    // Another file names the method (a caller, or an override): the object escapes.
    assert_eq!(
        uses(follow(src, "C.main", 0, &Mentions("_watch"))),
        vec!["ev?", "ev.wait()"]
    );
}

#[test]
fn the_objects_of_a_list_are_its_loop_variables() {
    let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return [u.wait() for u in ts]\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Ok(vec!["t.wait()".to_string(), "u.wait()".to_string()])]
    );
}

#[test]
fn counting_a_list_does_not_stop_following_its_elements() {
    let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return len(ts)\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Ok(vec!["t.wait()".to_string()])]
    );
    // A `len` given by the caller is other code.
    let src = "def f(xs, len):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return len(ts)\n";
    assert!(element_uses_of(src, "spawn")[0].is_err());
}

#[test]
fn a_list_used_otherwise_or_mixed_is_not_followed() {
    let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    return ts\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Err(
            "the list `ts` is used other than by iterating it".to_string()
        )]
    );
    let src = "def f():\n    ts = [spawn(g), other]\n    for t in ts:\n        t.wait()\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Err("the list holds other objects too".to_string())]
    );
}

#[test]
fn zip_enumerate_and_an_index_reach_the_objects_of_a_list() {
    let src = "def f(names):\n    ts = [spawn(g, n) for n in names]\n    ts[0].wait()\n    for name, t in zip(names, ts):\n        t.wait()\n    for i, u in enumerate(ts, 1):\n        u.kill()\n    return [v.wait() for _, v in zip(names, ts)]\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Ok(vec![
            "ts[0].wait()".to_string(),
            "t.wait()".to_string(),
            "u.kill()".to_string(),
            "v.wait()".to_string(),
        ])]
    );
}

#[test]
fn zip_unpacked_otherwise_or_a_stored_index_is_not_followed() {
    let other = |src: &str| {
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Err(
                "the list `ts` is used other than by iterating it".to_string()
            )],
            "{src}"
        );
    };
    // The loop's target does not give each zipped value a name.
    other("def f(ns):\n    ts = [spawn(g, n) for n in ns]\n    for pair in zip(ns, ts):\n        pair[1].wait()\n");
    other("def f(ns, more):\n    ts = [spawn(g, n) for n in ns]\n    for a, t in zip(ns, ts, *more):\n        t.wait()\n");
    // `ts` is enumerate's start, not what it numbers.
    other("def f(ns):\n    ts = [spawn(g, n) for n in ns]\n    for i, t in enumerate(ns, ts):\n        t.wait()\n");
    // Stored into, or sliced: not one object.
    other("def f(ns):\n    ts = [spawn(g, n) for n in ns]\n    ts[0] = None\n");
    other(
        "def f(ns):\n    ts = [spawn(g, n) for n in ns]\n    for t in ts[1:]:\n        t.wait()\n",
    );
}

#[test]
fn a_list_made_again_for_a_second_batch_is_one_family() {
    let src = "def f(xs, ys):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    ts = [spawn(g, y) for y in ys]\n    for u in ts:\n        u.wait()\n";
    let both = Ok(vec!["t.wait()".to_string(), "u.wait()".to_string()]);
    assert_eq!(element_uses_of(src, "spawn"), vec![both.clone(), both]);
    // Rebound to something else, the name's uses are not all the objects'.
    let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    ts = list(xs)\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Err("`ts` is assigned more than once".to_string())]
    );
}

#[test]
fn a_loop_variable_reused_by_another_loop_is_still_followed() {
    let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    for t in xs:\n        print(t)\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Ok(vec!["t.wait()".to_string()])]
    );
}

#[test]
fn an_object_passed_to_an_imported_function_is_passed_not_lost() {
    let src = "import helpers\nfrom pkg.signals import notify\nimport eventlet\n\ndef main():\n    ev = Event()\n    helpers.announce(ev)\n    spawn(notify, 1, ev)\n    eventlet.spawn_n(work, ev)\n    print(ev)\n";
    assert_eq!(
        uses(follow(src, "main", 0, &NoOtherFiles)),
        vec!["ev -> helpers.announce", "ev -> notify", "ev?", "ev?"]
    );
}

/// The uses of the parameter an object passed from another module as `slot` reaches in
/// `function`, or why it cannot be followed.
fn parameter_uses_of(source: &str, function: &str, slot: PassedAs) -> Result<Vec<String>, String> {
    let parsed = ruff_python_parser::parse_module(source).expect("parses");
    let semantic = Semantic::build(parsed.syntax());
    let parents = Parents::build(&parsed.syntax().body);
    let flow = Flow {
        semantic: &semantic,
        parents: &parents,
        elsewhere: &NoOtherFiles,
    };
    let parameter = track_parameter(&flow, function, &slot)?;
    assert_eq!(&source[parameter.range], parameter.name);
    assert!(parameter.tracked.borrowed);
    Ok(parameter
        .tracked
        .uses
        .iter()
        .map(|u| match u.parent {
            Some(Parent::Method { attr, .. }) => {
                format!("{}.{}()", &source[u.range], attr.attr)
            }
            _ => format!("{}?", &source[u.range]),
        })
        .collect())
}

#[test]
fn an_object_from_another_module_is_followed_into_the_parameter_it_reaches() {
    let src = "def announce(name, done=None):\n    print(name)\n    if done:\n        done.send()\n    _log(done)\n\ndef _log(ev):\n    ev.ready()\n";
    assert_eq!(
        parameter_uses_of(src, "announce", PassedAs::Position(1)),
        Ok(vec![
            "done?".into(),
            "done.send()".into(),
            "ev.ready()".into()
        ])
    );
    assert_eq!(
        parameter_uses_of(src, "announce", PassedAs::Keyword("done".into())),
        Ok(vec![
            "done?".into(),
            "done.send()".into(),
            "ev.ready()".into()
        ])
    );
}

#[test]
fn a_parameter_with_a_default_or_bound_again_is_not_followed() {
    let default = "def poke(ev=DEFAULT):\n    ev.send()\n";
    assert_eq!(
        parameter_uses_of(default, "poke", PassedAs::Position(0)),
        Err("`ev` has a default value other than `None`".to_string())
    );
    let rebound = "def poke(ev):\n    ev = ev or make()\n    ev.send()\n";
    assert_eq!(
        parameter_uses_of(rebound, "poke", PassedAs::Position(0)),
        Err("`ev` is bound again in `poke`".to_string())
    );
    let decorated = "@cached\ndef poke(ev):\n    ev.send()\n";
    assert_eq!(
        parameter_uses_of(decorated, "poke", PassedAs::Position(0)),
        Err("`poke` is decorated or async".to_string())
    );
    let varargs = "def poke(*evs):\n    evs[0].send()\n";
    assert!(parameter_uses_of(varargs, "poke", PassedAs::Position(0)).is_err());
}

#[test]
fn the_objects_appended_to_an_empty_list_are_its_loop_variables_and_one_family() {
    let src = "def f(xs):\n    ts = []\n    for x in xs:\n        ts.append(spawn(g, x))\n    ts.append(spawn(h))\n    for t in ts:\n        t.wait()\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![
            Ok(vec!["t.wait()".to_string()]),
            Ok(vec!["t.wait()".to_string()])
        ]
    );
    assert_eq!(first_appended(src), Some(Ok(Some(2))));
}

#[test]
fn a_list_that_is_also_appended_other_objects_is_not_followed() {
    let other = "def f():\n    ts = []\n    ts.append(spawn(g))\n    ts.append(other)\n    for t in ts:\n        t.wait()\n";
    assert_eq!(
        element_uses_of(other, "spawn"),
        vec![Err(
            "the list `ts` is used other than by iterating it".to_string()
        )]
    );
}

#[test]
fn names_unpacked_from_a_display_are_assigned_their_values() {
    let src = "a, b = Event(), Queue()\nc, *d = Event(), Event(), Event()\n";
    let parsed = ruff_python_parser::parse_module(src).expect("parses");
    let parents = Parents::build(&parsed.syntax().body);
    let assigned = |value: &str| {
        let start = src.find(value).expect("in the source");
        let range = TextRange::at((start as u32).into(), (value.len() as u32).into());
        parents.assigned_to(range).map(|t| &src[t.range()])
    };
    assert_eq!(assigned("Event()"), Some("a"));
    assert_eq!(assigned("Queue()"), Some("b"));
    // A starred target: positions are not known.
    let second = src.rfind("Event()").expect("in the source");
    let range = TextRange::at((second as u32).into(), 7.into());
    assert_eq!(parents.assigned_to(range).map(|t| &src[t.range()]), None);
}

#[test]
fn objects_extending_a_list_or_added_to_a_set_made_empty_are_its_loop_variables() {
    let src = "def f(xs):\n    ts = []\n    ts.extend([spawn(g, x) for x in xs])\n    s = set()\n    s.add(spawn(h))\n    for t in ts:\n        t.wait()\n    for u in s:\n        u.wait()\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![
            Ok(vec!["t.wait()".to_string()]),
            Ok(vec!["u.wait()".to_string()])
        ]
    );
    // `add` to a list, `append` to a set: not what they seem.
    let wrong = "def f():\n    s = set()\n    s.append(spawn(h))\n";
    assert_eq!(first_appended(wrong), None);
}

#[test]
fn the_objects_stored_in_a_dict_made_empty_are_its_reads() {
    let src = "def f(xs):\n    d = {}\n    for x in xs:\n        d[x] = spawn(g, x)\n    d[xs[0]].wait()\n    for t in d.values():\n        t.kill()\n    gt = d.pop(xs[1])\n    gt.wait()\n    del d[xs[2]]\n    return len(d), xs[0] in d\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![Ok(vec![
            "d[xs[0]].wait()".to_string(),
            "t.kill()".to_string(),
            "gt.wait()".to_string()
        ])]
    );
    let passed = "def f(xs):\n    d = dict()\n    d[1] = spawn(g)\n    other(d)\n";
    assert_eq!(
        element_uses_of(passed, "spawn"),
        vec![Err(
            "the dict `d` is used other than by reading its objects".to_string()
        )]
    );
    let mixed = "def f(xs):\n    d = {}\n    d[1] = spawn(g)\n    d[2] = None\n";
    assert_eq!(
        element_uses_of(mixed, "spawn"),
        vec![Err("the dict `d` holds other objects too".to_string())]
    );
}

#[test]
fn the_values_of_a_dict_display_are_its_objects_when_all_are_made_the_same_way() {
    let src = "def f():\n    d = {'a': spawn(g), 'b': spawn(h)}\n    d['a'].wait()\n";
    assert_eq!(
        element_uses_of(src, "spawn"),
        vec![
            Ok(vec!["d['a'].wait()".to_string()]),
            Ok(vec!["d['a'].wait()".to_string()])
        ]
    );
    let mixed = "def f():\n    d = {'a': spawn(g), 'b': None}\n    d['a'].wait()\n";
    assert_eq!(
        element_uses_of(mixed, "spawn"),
        vec![Err("the dict `d` holds other objects too".to_string())]
    );
}

/// Whether some `waitall()` of the object assigned first in `function` may be followed by
/// another use (the `not-last:waitall` fact).
fn waitall_not_last(source: &str, function: &str) -> bool {
    with_tracked(source, (function, 0), &NoOtherFiles, |tracked, parents| {
        facts(tracked, parents).contains("not-last:waitall")
    })
    .expect("followed")
}

#[test]
fn a_waitall_followed_by_more_work_in_a_loop_or_on_an_attribute_is_not_the_last_use() {
    let last = "def f(xs):\n    pool = GreenPool()\n    for x in xs:\n        pool.spawn(g, x)\n    pool.waitall()\n";
    assert!(!waitall_not_last(last, "f"));
    let again = "def f(xs):\n    pool = GreenPool()\n    pool.spawn(g)\n    pool.waitall()\n    pool.spawn(g)\n    pool.waitall()\n";
    assert!(waitall_not_last(again, "f"));
    let in_loop = "def f(batches):\n    pool = GreenPool()\n    for b in batches:\n        pool.spawn(g, b)\n        pool.waitall()\n";
    assert!(waitall_not_last(in_loop, "f"));
    let attribute = "class A:\n    def __init__(self):\n        self.pool = GreenPool()\n\n    def stop(self):\n        self.pool.waitall()\n";
    assert!(waitall_not_last(attribute, "A.__init__"));
}
