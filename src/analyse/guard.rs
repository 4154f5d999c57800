//! The user-facing option a statement serves: the `if` around it reads a command-line
//! argument, a configuration value or an environment variable (`if args.debug:`,
//! `if config.option.blocking_detection:`, `if os.environ.get('X'):`). Removing such a
//! statement silently turns the option into a no-op, so the notes say so.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// Names whose reading means "what the user configured": arguments, options, configuration,
/// the environment. Matched against every name and attribute in the test, case-insensitive.
const OPTION_WORDS: &[&str] = &[
    "argv",
    "args",
    "arguments",
    "opts",
    "option",
    "options",
    "conf",
    "config",
    "cfg",
    "settings",
    "flags",
    "environ",
    "getenv",
];

/// The test of the innermost `if` (or `elif`) around `range`, within its function, that
/// reads an option: its text, as written.
pub fn option_guard<'a>(body: &'a [Stmt], text: &'a str, range: TextRange) -> Option<&'a str> {
    let mut tests = Vec::new();
    enclosing_tests(body, range, &mut tests);
    tests
        .into_iter()
        .rev()
        .find(|test| reads_option(test))
        .map(|test| &text[test.range()])
}

/// The tests of the `if`s whose branches hold `range`, outermost first; a function or class
/// boundary starts the list again (its body runs when called, whatever guards the `def`).
fn enclosing_tests<'a>(body: &'a [Stmt], range: TextRange, tests: &mut Vec<&'a Expr>) {
    let Some(stmt) = body.iter().find(|s| s.range().contains_range(range)) else {
        return;
    };
    let bodies: Vec<&[Stmt]> = match stmt {
        Stmt::If(branch) => {
            let mut test = &*branch.test;
            let mut bodies = vec![&branch.body[..]];
            let mut guarded = branch.body.iter().any(|s| s.range().contains_range(range));
            for clause in &branch.elif_else_clauses {
                bodies.push(&clause.body[..]);
                if clause.range.contains_range(range) {
                    // An `else` is what runs by default: no option's.
                    if let Some(own) = &clause.test {
                        test = own;
                        guarded = true;
                    }
                }
            }
            // The `if` holding the range in its test is no guard of it.
            if guarded {
                tests.push(test);
            }
            bodies
        }
        Stmt::For(s) => vec![&s.body[..], &s.orelse[..]],
        Stmt::While(s) => vec![&s.body[..], &s.orelse[..]],
        Stmt::With(s) => vec![&s.body[..]],
        Stmt::Try(s) => {
            let mut bodies = vec![&s.body[..], &s.orelse[..], &s.finalbody[..]];
            bodies.extend(s.handlers.iter().map(|h| {
                let ruff_python_ast::ExceptHandler::ExceptHandler(h) = h;
                &h.body[..]
            }));
            bodies
        }
        Stmt::FunctionDef(def) => {
            tests.clear();
            vec![&def.body[..]]
        }
        Stmt::ClassDef(class) => {
            tests.clear();
            vec![&class.body[..]]
        }
        _ => return,
    };
    if let Some(inner) = bodies
        .into_iter()
        .find(|b| b.iter().any(|s| s.range().contains_range(range)))
    {
        enclosing_tests(inner, range, tests);
    }
}

/// Whether `test` reads a name or attribute that is an option, or the environment.
fn reads_option(test: &Expr) -> bool {
    struct Reads(bool);
    impl<'a> Visitor<'a> for Reads {
        fn visit_expr(&mut self, expr: &'a Expr) {
            let word = match expr {
                Expr::Name(name) => Some(name.id.as_str()),
                Expr::Attribute(attr) => Some(attr.attr.as_str()),
                _ => None,
            };
            if word.is_some_and(is_option_word) {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut reads = Reads(false);
    reads.visit_expr(test);
    reads.0
}

fn is_option_word(word: &str) -> bool {
    OPTION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard_of(code: &str, marker: &str) -> Option<String> {
        let parsed = ruff_python_parser::parse_module(code).expect("parses");
        let at = code.find(marker).expect("marker") as u32;
        let range = TextRange::at(at.into(), (marker.len() as u32).into());
        option_guard(&parsed.syntax().body, code, range).map(str::to_string)
    }

    #[test]
    fn an_if_reading_an_option_is_a_guard() {
        let code = "def configure(config):\n    if config.option.blocking_detection:\n        debug.on(True)\n";
        assert_eq!(
            guard_of(code, "debug.on(True)").as_deref(),
            Some("config.option.blocking_detection")
        );
        let code = "if '--trace' in sys.argv:\n    x()\nelif args.y:\n    y()\nelse:\n    z()\n";
        assert_eq!(
            guard_of(code, "x()").as_deref(),
            Some("'--trace' in sys.argv")
        );
        assert_eq!(guard_of(code, "y()").as_deref(), Some("args.y"));
        // The default branch serves no option.
        assert_eq!(guard_of(code, "z()"), None);
        let code = "if os.environ.get('NOBLOCK'):\n    for i in r:\n        z()\n";
        assert_eq!(
            guard_of(code, "z()").as_deref(),
            Some("os.environ.get('NOBLOCK')")
        );
    }

    #[test]
    fn other_tests_and_function_boundaries_are_not() {
        assert_eq!(guard_of("if ready:\n    x()\n", "x()"), None);
        assert_eq!(guard_of("x()\n", "x()"), None);
        // The function body runs whenever it is called, whatever the `if` around its `def`.
        let code = "if args.x:\n    def f():\n        x()\n";
        assert_eq!(guard_of(code, "x()"), None);
        // Any `if` around it within its function: the innermost that reads an option.
        let code = "if args.x:\n    if ready:\n        x()\n";
        assert_eq!(guard_of(code, "x()").as_deref(), Some("args.x"));
    }
}
