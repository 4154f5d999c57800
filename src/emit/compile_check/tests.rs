//! What CPython's compiler rejects, one error at a time (each checked against CPython).

use super::*;

fn errors(src: &str) -> Vec<String> {
    let module = ruff_python_parser::parse_module(src)
        .expect("test source parses")
        .into_syntax();
    compile_errors(&module, src)
        .into_iter()
        .map(|error| format!("{}: {}", &src[error.range], error.message))
        .collect()
}

fn assert_clean(src: &str) {
    assert_eq!(errors(src), Vec::<String>::new(), "source:\n{src}");
}

#[test]
fn nonlocal_without_binding_after_import_removed() {
    let src = "\
def outer():
    def inner():
        nonlocal sleep
        sleep = print
    inner()
";
    assert_eq!(
        errors(src),
        ["sleep: no binding for nonlocal `sleep` found"]
    );
}

#[test]
fn nonlocal_with_binding() {
    assert_clean(
        "\
def outer():
    from eventlet import sleep
    def inner():
        nonlocal sleep
        sleep = print
    return inner
",
    );
    // The binding comes textually after the inner function.
    assert_clean(
        "\
def outer():
    def inner():
        nonlocal count
        count += 1
    count = 0
    return inner
",
    );
    // `import a.b` binds `a`; parameters and loop targets bind too.
    assert_clean(
        "\
def outer(param):
    import os.path
    for item in []:
        pass
    def inner():
        nonlocal os, param, item
    return inner
",
    );
    // Through an intermediate function that declares it nonlocal itself.
    assert_clean(
        "\
def a():
    x = 1
    def b():
        nonlocal x
        def c():
            nonlocal x
            x = 2
",
    );
    // A walrus in a comprehension binds in the function.
    assert_clean(
        "\
def f(z):
    [(x := 1) for y in z]
    def g():
        nonlocal x
",
    );
}

#[test]
fn nonlocal_skips_class_scopes() {
    assert_clean(
        "\
def outer():
    value = 1
    class Inner:
        def method(self):
            nonlocal value
            value = 2
",
    );
    // A binding in the class body does not count.
    assert_eq!(
        errors(
            "\
def outer():
    class Inner:
        value = 1
        def method(self):
            nonlocal value
"
        ),
        ["value: no binding for nonlocal `value` found"]
    );
    // The implicit `__class__` cell of methods.
    assert_clean(
        "\
class C:
    def f(self):
        nonlocal __class__
",
    );
}

#[test]
fn nonlocal_hidden_by_intermediate_global() {
    assert_eq!(
        errors(
            "\
def f():
    x = 1
    def g():
        global x
        def h():
            nonlocal x
"
        ),
        ["x: no binding for nonlocal `x` found"]
    );
}

#[test]
fn nonlocal_at_module_level_and_in_top_class() {
    assert_eq!(
        errors("nonlocal x\n"),
        ["nonlocal x: nonlocal declaration not allowed at module level"]
    );
    assert_eq!(
        errors("class C:\n    nonlocal x\n"),
        ["x: no binding for nonlocal `x` found"]
    );
}

#[test]
fn await_contexts() {
    assert_eq!(
        errors("def f():\n    await g()\n"),
        ["await g(): `await` outside of an asynchronous function"]
    );
    assert_clean("async def f():\n    await g()\n    [await x for x in y]\n");
    assert_clean(
        "async def f():\n    async with a as b:\n        async for c in b:\n            pass\n",
    );
    assert_eq!(
        errors("def f():\n    async with a:\n        pass\n"),
        ["async with a:\n        pass: `async with` outside of an asynchronous function"]
    );
    // A lambda is not async even in an async function.
    assert_eq!(
        errors("async def f():\n    return lambda: await x\n"),
        ["await x: `await` outside of an asynchronous function"]
    );
    // Generator expressions may await anywhere (they become async generators).
    assert_clean("def f():\n    return (await x for x in y)\n");
    assert_clean("(await x for x in y)\n");
    assert_clean("class C:\n    z = (await x for x in y)\n");
    assert_clean("([await x for x in y] for z in w)\n");
    // ... but their first iterable is evaluated outside.
    assert_eq!(
        errors("def f():\n    return (x for x in await y)\n"),
        ["await y: `await` outside of an asynchronous function"]
    );
}

#[test]
fn return_and_yield_outside_function() {
    assert_eq!(
        errors("return 1\n"),
        ["return 1: `return` statement outside of a function"]
    );
    assert_eq!(
        errors("def f():\n    class C:\n        return 1\n"),
        ["return 1: `return` statement outside of a function"]
    );
    assert_eq!(
        errors("class C:\n    x = yield 1\n"),
        ["yield 1: `yield` statement outside of a function"]
    );
    assert_eq!(
        errors("def f():\n    return [(yield x) for x in y]\n"),
        ["yield x: `yield` statement outside of a function"]
    );
    assert_clean("def f():\n    yield 1\n    x = lambda: (yield)\n    return\n");
}

#[test]
fn break_and_continue() {
    assert_eq!(errors("break\n"), ["break: `break` outside loop"]);
    assert_eq!(
        errors("for x in y:\n    pass\nelse:\n    continue\n"),
        ["continue: `continue` outside loop"]
    );
    assert_eq!(
        errors("while True:\n    def f():\n        break\n"),
        ["break: `break` outside loop"]
    );
    assert_eq!(
        errors("while True:\n    class C:\n        break\n"),
        ["break: `break` outside loop"]
    );
    assert_clean(
        "\
def f(items):
    for item in items:
        if item:
            break
        try:
            continue
        finally:
            break
    else:
        while True:
            break
",
    );
}

#[test]
fn global_after_use() {
    assert_eq!(
        errors("def f():\n    print(counter)\n    global counter\n"),
        ["counter: name `counter` is used prior to global declaration"]
    );
    assert_eq!(
        errors("x = 1\nglobal x\n"),
        ["x: name `x` is used prior to global declaration"]
    );
    // Uses in nested scopes and comprehension bodies are not uses in the function.
    assert_clean(
        "\
def f(z):
    def g():
        return counter
    [counter for y in z]
    global counter
    counter = 1
",
    );
    // Annotations may live in an annotation scope; do not report them.
    assert_clean("def f():\n    y: counter = 1\n    global counter\n");
    // A parenthesised annotated target is not "annotated global" to CPython.
    assert_clean("def f():\n    global x\n    (x): int = 1\n");
    assert_eq!(
        errors("def f():\n    global x\n    x: int = 1\n"),
        ["x: annotated name `x` can't be global"]
    );
}

#[test]
fn parameters() {
    assert_eq!(
        errors("def f(a, b, a):\n    pass\n"),
        ["a: Duplicate parameter \"a\""]
    );
    assert_eq!(errors("lambda a, a: 0\n"), ["a: Duplicate parameter \"a\""]);
    assert_eq!(
        errors("def f(a):\n    global a\n"),
        ["a: name `a` cannot refer to a parameter and a global variable"]
    );
    assert_eq!(
        errors("def f():\n    def g(a):\n        nonlocal a\n    a = 1\n"),
        ["a: name `a` cannot refer to a parameter and a nonlocal variable"]
    );
}

#[test]
fn other_checks() {
    assert_eq!(
        errors("def f():\n    from os import *\n"),
        ["from os import *: `from os import *` only allowed at module level"]
    );
    assert_eq!(
        errors("import os\nfrom __future__ import annotations\n"),
        ["from __future__ import annotations: __future__ imports must be at the top of the file"]
    );
    assert_clean("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\n");
    assert_eq!(
        errors("f(x=1, x=2)\n"),
        ["x=2: Duplicate keyword argument `x`"]
    );
    assert_eq!(
        errors("async def f():\n    yield 1\n    return 2\n"),
        ["return 2: `return` with value in async generator"]
    );
}

#[test]
fn realistic_module_is_clean() {
    assert_clean(
        r#""""A module."""
from __future__ import annotations

import asyncio
import os.path
from typing import Any

__all__ = ["Server"]

_registry: dict[str, Any] = {}
counter = 0


def bump() -> int:
    global counter
    counter += 1
    return counter


class Server:
    """Serve things."""

    limit: int = 10
    names = [n for n in ("a", "b") if n]
    table = {k: v for k, v in zip(names, range(limit))}

    def __init__(self, host: str, port: int = 0, *args: Any, **kwargs: Any) -> None:
        self.host = host
        self.port = port
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def make_counter(self):
        total = 0

        def inc(step=1):
            nonlocal total
            total += step
            return total

        return inc

    async def serve(self, handler) -> None:
        async with asyncio.timeout(10):
            async for conn in self._accept():
                try:
                    result = await handler(conn)
                except (OSError, ValueError) as exc:
                    print(exc)
                    continue
                else:
                    if result is None:
                        break
                finally:
                    pass
            results = [await t for t in self._tasks]
            gen = (x async for x in self._accept())
            if (n := len(results)) > 3:
                print(n)

    async def _accept(self):
        for i in range(3):
            yield i
            await asyncio.sleep(0)

    def walk(self, tree):
        def visit(node, depth=0):
            match node:
                case {"children": [*children]}:
                    for child in children:
                        yield from visit(child, depth + 1)
                case [first, *rest] if rest:
                    yield first
                case str() | bytes() as leaf:
                    yield leaf
                case _:
                    return
        yield from visit(tree)

    @staticmethod
    def sort(items, *, key=lambda item: item[0], reverse=False):
        return sorted(items, key=key, reverse=reverse)


def closure_with_class():
    state = {}

    class Holder:
        def get(self):
            nonlocal state
            return state

        def method(self):
            return __class__

    return Holder


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
        if a > 100:
            return


if __name__ == "__main__":
    with open(os.path.join("a", "b")) as fh, open("c") as (gh):
        del fh
    try:
        pass
    except* ValueError:
        pass
    lam = lambda *a, **k: [(y := z) for z in a]
    print({**_registry}, *[1, 2], sep="")
"#,
    );
}

#[test]
fn deep_nesting() {
    // The callers run on large-stack threads; this only checks that deep trees finish.
    std::thread::Builder::new()
        .stack_size(128 * 1024 * 1024)
        .spawn(|| {
            let n = 5_000;
            assert_clean(&format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)));
            assert_clean(&format!("x = {}1\n", "lambda: ".repeat(n)));
            assert_clean(&format!(
                "x = {}1{}\n",
                "[".repeat(n),
                " for a in b]".repeat(n)
            ));
            assert_eq!(
                errors(&format!(
                    "def f():\n    x = {}await y{}\n",
                    "[".repeat(n),
                    "]".repeat(n)
                )),
                ["await y: `await` outside of an asynchronous function"]
            );
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Runs over the whole standard library: CPython compiles it, so every error reported is
/// a false positive. `cargo test --lib compile_check::tests::stdlib -- --ignored --nocapture`
/// With `COMPILE_CHECK_FILES=list.txt`, checks the files listed there instead (one path a
/// line, each known to compile under CPython).
#[test]
#[ignore = "scans the local CPython standard library"]
fn stdlib() {
    let files: Vec<std::path::PathBuf> = match std::env::var("COMPILE_CHECK_FILES") {
        Ok(list) => std::fs::read_to_string(list)
            .expect("file list reads")
            .lines()
            .filter(|line| !line.is_empty())
            .map(std::path::PathBuf::from)
            .collect(),
        Err(_) => stdlib_files(),
    };
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let (mut checked, mut skipped, mut reported) = (0usize, 0usize, 0usize);
            for path in files {
                let Ok(src) = std::fs::read_to_string(&path) else {
                    skipped += 1;
                    continue;
                };
                let Ok(parsed) = ruff_python_parser::parse_module(&src) else {
                    skipped += 1;
                    continue;
                };
                checked += 1;
                for error in compile_errors(parsed.syntax(), &src) {
                    reported += 1;
                    let start = usize::from(error.range.start());
                    let line = src[..start].matches('\n').count() + 1;
                    println!("{}:{line}: {}", path.display(), error.message);
                }
            }
            println!("checked {checked} files, skipped {skipped}, {reported} errors");
            reported
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 0);
}

fn stdlib_files() -> Vec<std::path::PathBuf> {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs");
    let root = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let text = path.to_string_lossy();
            if text.contains("site-packages") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "py")
                && !(text.contains("bad")
                    || text.contains("lib2to3/tests")
                    || text.contains("/test/"))
            {
                files.push(path);
            }
        }
    }
    files
}
