//! Properties of the pipeline over generated Python: for every input that parses, no panic,
//! the output parses, a second run changes nothing, and every byte outside the edited ranges
//! is unchanged.

use eventlet_migrate::analyse::engine::Engine;
use eventlet_migrate::recipe::Catalog;
use eventlet_migrate::recipe::Target;
use proptest::prelude::*;

/// Statements that mix Eventlet with ordinary code, in every import form.
fn statement() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "x", "y", "sleep", "time", "eventlet", "pool", "evt", "q", "ev",
    ]);
    let arg = prop::sample::select(vec![
        "",
        "1",
        "0.5",
        "x",
        "x, y",
        "*args",
        "f, 1, k=2",
        "(  # c\n    1)",
    ]);
    prop_oneof![
        Just("import eventlet".to_string()),
        Just("import eventlet as ev".to_string()),
        Just("import eventlet.greenthread".to_string()),
        Just("from eventlet import sleep, spawn, greenthread".to_string()),
        Just("from eventlet.green import socket, ssl as s".to_string()),
        Just("from eventlet import queue, event, semaphore".to_string()),
        Just("import time".to_string()),
        Just("from time import time".to_string()),
        arg.clone().prop_map(|a| format!("eventlet.sleep({a})")),
        arg.clone().prop_map(|a| format!("ev.spawn_n({a})")),
        arg.clone().prop_map(|a| format!("greenthread.sleep({a})  # trailing")),
        arg.clone().prop_map(|a| format!("gt = eventlet.spawn({a})")),
        Just("gt.wait()".to_string()),
        Just("value = gt.wait()".to_string()),
        Just("pool = eventlet.GreenPool(4)".to_string()),
        Just("pool.spawn_n(print, 1)".to_string()),
        Just("pool.waitall()".to_string()),
        Just("evt = event.Event()".to_string()),
        Just("evt.send()".to_string()),
        Just("q = queue.Queue(0)".to_string()),
        Just("q = queue.LightQueue()".to_string()),
        Just("eventlet.monkey_patch()".to_string()),
        Just("socket.socket()".to_string()),
        Just("with eventlet.Timeout(1):\n    pass".to_string()),
        name.clone().prop_map(|n| format!("{n} = 1")),
        name.clone().prop_map(|n| format!("def {n}(sleep, eventlet):\n    sleep(1)\n    eventlet.sleep(2)")),
        (name.clone(), arg.clone()).prop_map(|(n, a)| format!("def f():\n    {n} = None\n    eventlet.sleep({a})")),
        (name, arg).prop_map(|(n, a)| format!("if {n}:\n    eventlet.sleep({a})\nelse:\n    eventlet.monkey_patch()")),
        Just("class C(object):\n    def __init__(self):\n        self.p = eventlet.GreenPool()\n\n    def run(self):\n        self.p.spawn(print)".to_string()),
        Just("# a comment".to_string()),
        Just(String::new()),
        Just("x = [eventlet.sleep, lambda sleep: sleep(1)]".to_string()),
        Just("@mock.patch('eventlet.sleep')\ndef test():\n    pass".to_string()),
    ]
}

fn module() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(statement(), 1..14),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(stmts, crlf, docstring)| {
            let mut text = String::new();
            if docstring {
                text.push_str("\"\"\"Generated.\"\"\"\n\n");
            }
            text.push_str(&stmts.join("\n"));
            text.push('\n');
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn pipeline_properties(source in module()) {
        prop_assume!(ruff_python_parser::parse_module(&source).is_ok());
        let engine = Engine::new(Catalog::builtin().expect("recipes load"), Target::Threading);
        let migration = match engine.migrate(source.as_bytes()) {
            Ok(m) => m,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{source}"))),
        };
        if let Some(output) = migration.output {
            let text = String::from_utf8(output.clone()).expect("UTF-8 in, UTF-8 out");
            prop_assert!(ruff_python_parser::parse_module(&text).is_ok(), "output does not parse:\n{}\n---\n{}", source, text);
            let again = engine.migrate(&output).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(again.output.is_none(), "not idempotent:\n{}\n---\n{}\n---\n{}", source, text, String::from_utf8_lossy(&again.output.unwrap_or_default()));
            if let Err(e) = eventlet_migrate::emit::apply::check_untouched(&source, &text, &migration.edits) {
                return Err(TestCaseError::fail(format!("{e}\n{source}\n---\n{text}")));
            }
        }
    }
}
