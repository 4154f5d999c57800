//! parse → match → edit → re-parse: for any input the pipeline must not panic; when it
//! rewrites, the output parses and a second run changes nothing.
#![no_main]

use std::sync::OnceLock;

use eventlet_migrate::analyse::engine::Engine;
use eventlet_migrate::recipe::Catalog;
use eventlet_migrate::recipe::Target;
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut engine = Engine::new(Catalog::builtin().expect("built-in recipes load"), Target::Threading);
        // Every input goes through the whole pipeline, not only those mentioning eventlet.
        engine.all_files = true;
        engine
    })
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();
    let Ok(migration) = engine.migrate(data) else { return };
    if let Some(output) = migration.output {
        let text = String::from_utf8_lossy(&output);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        assert!(ruff_python_parser::parse_module(text).is_ok(), "output does not parse");
        let again = engine.migrate(&output).expect("the output migrates again");
        assert!(again.output.is_none(), "a second run changes the output");
    }
});
