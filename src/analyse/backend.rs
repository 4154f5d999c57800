//! Code that exists to run on Eventlet: a library's eventlet backend, chosen by name among
//! others (gunicorn's `-k eventlet` worker, celery's `-P eventlet` pool, a `maybe_patch()`
//! that calls `monkey_patch()` when that switch is given). Such code is not migrated: it is
//! left working, reported once with the guide's advice, and kept out of the plans of the
//! processes that do not select it.
//!
//! A backend is *selected by name*: the string `"eventlet"` is a dict key whose value names
//! it (`{'eventlet': 'pkg.pools.eventlet:TaskPool'}`, `{'eventlet': _patch_eventlet}`), an
//! argument of a registration call or decorator next to it (`register('eventlet', Pool)`,
//! `@register_drainer('eventlet')`), or the value an `if` compares with
//! (`if pool == 'eventlet':`).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{CmpOp, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// The name a backend is selected by.
const SELECTOR: &str = "eventlet";

/// What a selection selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// Code of this module: a decorated definition, or an `if` branch.
    Here(TextRange),
    /// A module-level function or class of this module, by name.
    Def(String),
    /// A module of the project, or a name in one (`pkg.pools.eventlet:TaskPool`).
    Named(String),
}

/// One place where `"eventlet"` selects code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub selected: Selected,
    /// The selecting code (the dict entry, the call, the `if` test).
    pub at: TextRange,
}

/// A region of a module that is an eventlet backend, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// `None`: the whole module.
    pub range: Option<TextRange>,
    /// What it is, for the report (`` module `x` ``, `` class `C` ``, `` `if pool == 'eventlet'` ``).
    pub what: String,
    /// Where it is selected (`path:line:col (code)`, or `line:col (code)` in its own module).
    pub why: String,
}

impl Region {
    pub fn holds(&self, range: TextRange) -> bool {
        self.range.is_none_or(|r| r.contains_range(range))
    }
}

fn is_selector(expr: &Expr) -> bool {
    matches!(expr, Expr::StringLiteral(s) if s.value.to_str().eq_ignore_ascii_case(SELECTOR))
}

/// What the expression next to the selector names: a name of this module, or a dotted path.
fn target_of(expr: &Expr) -> Option<Selected> {
    match expr {
        Expr::Name(name) => Some(Selected::Def(name.id.to_string())),
        Expr::StringLiteral(s) => {
            let path = s.value.to_str();
            let dotted = path.replace(':', ".");
            let well_formed = !path.is_empty()
                && path.contains(['.', ':'])
                && dotted.split('.').all(|part| {
                    !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            well_formed.then(|| Selected::Named(path.to_string()))
        }
        _ => None,
    }
}

/// Every selection in a module.
pub fn selections(body: &[Stmt]) -> Vec<Selection> {
    let mut finder = Finder(Vec::new());
    finder.visit_body(body);
    finder.0
}

struct Finder(Vec<Selection>);

impl Finder {
    fn decorated(&mut self, decorators: &[ruff_python_ast::Decorator], range: TextRange) {
        for decorator in decorators {
            if let Expr::Call(call) = &decorator.expression {
                if call.arguments.args.iter().any(is_selector) {
                    self.0.push(Selection {
                        selected: Selected::Here(range),
                        at: decorator.range(),
                    });
                }
            }
        }
    }

    fn branch(&mut self, test: &Expr, body: &[Stmt]) {
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            return;
        };
        if compares_with_selector(test) {
            self.0.push(Selection {
                selected: Selected::Here(TextRange::new(first.start(), last.end())),
                at: test.range(),
            });
        }
    }
}

/// `x == 'eventlet'`, `'eventlet' == x`, `x in ('eventlet', 'gevent')`.
fn compares_with_selector(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let selects = |e: &Expr| match e {
        Expr::Tuple(t) => t.elts.iter().any(is_selector),
        Expr::List(l) => l.elts.iter().any(is_selector),
        Expr::Set(s) => s.elts.iter().any(is_selector),
        other => is_selector(other),
    };
    compare.ops.len() == 1
        && matches!(compare.ops[0], CmpOp::Eq | CmpOp::In | CmpOp::Is)
        && (selects(&compare.left) || compare.comparators.iter().any(selects))
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.decorated(&def.decorator_list, def.range),
            Stmt::ClassDef(class) => self.decorated(&class.decorator_list, class.range),
            Stmt::If(branch) => {
                self.branch(&branch.test, &branch.body);
                for clause in &branch.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.branch(test, &clause.body);
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    let Some(key) = &item.key else { continue };
                    if is_selector(key) {
                        if let Some(selected) = target_of(&item.value) {
                            let at = TextRange::new(key.start(), item.value.end());
                            self.0.push(Selection { selected, at });
                        }
                    }
                }
            }
            Expr::Call(call) => {
                let args = &call.arguments.args;
                if let Some(i) = args.iter().position(is_selector) {
                    let next = args.get(i + 1).and_then(target_of);
                    if let Some(selected) = next {
                        self.0.push(Selection {
                            selected,
                            at: call.range(),
                        });
                    }
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

/// The range of the module-level function or class `name` (with its decorators).
pub fn definition(body: &[Stmt], name: &str) -> Option<(TextRange, &'static str)> {
    body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(def) if def.name.as_str() == name => Some((def.range, "function")),
        Stmt::ClassDef(class) if class.name.as_str() == name => Some((class.range, "class")),
        _ => None,
    })
}

/// Where a dotted selection points in the project: the module (the longest prefix that is
/// one) and the name after it, if any (`pkg.pools.eventlet:TaskPool` → `pkg.pools.eventlet`,
/// `TaskPool`).
pub fn resolve_named(
    path: &str,
    is_module: &dyn Fn(&str) -> bool,
) -> Option<(String, Option<String>)> {
    if let Some((module, name)) = path.split_once(':') {
        return is_module(module).then(|| (module.to_string(), Some(name.to_string())));
    }
    let mut end = path.len();
    loop {
        let module = &path[..end];
        if is_module(module) {
            let rest = path[end..].trim_start_matches('.');
            let name = rest.split('.').next().filter(|n| !n.is_empty());
            return Some((module.to_string(), name.map(str::to_string)));
        }
        end = module.rfind('.')?;
    }
}

/// Whether a module's text can select by name: it writes the string `'eventlet'` (any
/// case, either quote), as [`is_selector`] reads it.
pub fn may_select(text: &str) -> bool {
    let quoted = SELECTOR.len() + 2;
    text.as_bytes().windows(quoted).any(|w| {
        matches!(w[0], b'\'' | b'"')
            && w[quoted - 1] == w[0]
            && w[1..quoted - 1].eq_ignore_ascii_case(SELECTOR.as_bytes())
    })
}

/// The regions of a module that it selects itself as eventlet backends (a decorated
/// definition, an `if` branch, a function of its own in a dict keyed `'eventlet'`).
/// `position` gives `line:col`.
pub fn selected_here(
    body: &[Stmt],
    text: &str,
    position: &dyn Fn(TextRange) -> String,
) -> Vec<Region> {
    if !may_select(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for selection in selections(body) {
        let code = &text[selection.at];
        let code = code.lines().next().unwrap_or(code);
        let why = format!("selected by name at {} (`{code}`)", position(selection.at));
        let region = match selection.selected {
            Selected::Named(_) => None,
            Selected::Def(name) => named_region(body, &name, why),
            Selected::Here(range) => Some(Region {
                range: Some(range),
                what: match body_kind(body, range) {
                    Some((kind, name)) => format!("{kind} `{name}`"),
                    None => format!("the code under `if {code}`"),
                },
                why,
            }),
        };
        out.extend(region);
    }
    out
}

/// `here` (what the module selects itself) with what other modules select in it: the whole
/// module, or definitions by name. A region inside another is reported with it.
pub fn with_selected_elsewhere(
    body: &[Stmt],
    here: &[Region],
    whole: Option<&str>,
    defs: &[(String, String)],
) -> Vec<Region> {
    if let Some(why) = whole {
        return vec![Region {
            range: None,
            what: "this module".to_string(),
            why: why.to_string(),
        }];
    }
    let mut out: Vec<Region> = defs
        .iter()
        .filter_map(|(name, why)| named_region(body, name, why.clone()))
        .chain(here.iter().cloned())
        .collect();
    let all = out.clone();
    out.retain(|r| {
        !all.iter().any(|o| {
            o.range != r.range
                && matches!((o.range, r.range), (Some(a), Some(b)) if a.contains_range(b))
        })
    });
    out.dedup_by(|a, b| a.range == b.range);
    out
}

/// The region of the module-level function or class `name`.
fn named_region(body: &[Stmt], name: &str, why: String) -> Option<Region> {
    definition(body, name).map(|(range, kind)| Region {
        range: Some(range),
        what: format!("{kind} `{name}`"),
        why,
    })
}

/// The kind and name of the definition that spans exactly `range`, anywhere in `body`.
fn body_kind(body: &[Stmt], range: TextRange) -> Option<(&'static str, String)> {
    struct Find(TextRange, Option<(&'static str, String)>);
    impl<'a> Visitor<'a> for Find {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(d) if d.range == self.0 => {
                    self.1 = Some(("function", d.name.to_string()))
                }
                Stmt::ClassDef(c) if c.range == self.0 => {
                    self.1 = Some(("class", c.name.to_string()))
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut find = Find(range, None);
    find.visit_body(body);
    find.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(code: &str) -> Vec<(Selected, String)> {
        let parsed = ruff_python_parser::parse_module(code).expect("parses");
        selections(&parsed.syntax().body)
            .into_iter()
            .map(|s| (s.selected, code[s.at].to_string()))
            .collect()
    }

    #[test]
    fn dict_entries_calls_decorators_and_branches_select() {
        let code = "ALIASES = {'threads': 'p.t:Pool', 'eventlet': 'p.eventlet:TaskPool'}\n\
                    patches = {'eventlet': _patch_eventlet, 'gevent': _patch_gevent}\n\
                    register('eventlet', EventletPool)\n\
                    @register_drainer('eventlet')\nclass D:\n    pass\n\
                    if pool == 'eventlet':\n    patch()\n";
        let found = found(code);
        assert_eq!(
            found[0],
            (
                Selected::Named("p.eventlet:TaskPool".into()),
                "'eventlet': 'p.eventlet:TaskPool'".into()
            )
        );
        assert_eq!(found[1].0, Selected::Def("_patch_eventlet".into()));
        assert_eq!(found[2].0, Selected::Def("EventletPool".into()));
        assert!(matches!(found[3].0, Selected::Here(_)));
        assert_eq!(found[3].1, "@register_drainer('eventlet')");
        assert_eq!(found[4].1, "pool == 'eventlet'");
        assert_eq!(found.len(), 5);
    }

    #[test]
    fn other_mentions_of_eventlet_do_not_select() {
        // An environment variable's name, a keyword argument, a plain string, a message.
        let code = "if not os.environ.get('OS_NOVA_DISABLE_EVENTLET_PATCHING'):\n    x()\n\
                    server = get_rpc_server(t, e, executor='eventlet')\n\
                    d = {'eventlet': 'not a path'}\n\
                    LOG.info('eventlet', 'uses eventlet')\n";
        assert_eq!(found(code), vec![]);
    }

    #[test]
    fn only_a_text_writing_the_quoted_selector_may_select() {
        assert!(may_select("x = {'eventlet': f}"));
        assert!(may_select("if pool == \"Eventlet\":"));
        assert!(!may_select("import eventlet\nOS_EVENTLET = 'eventlet_x'"));
    }

    #[test]
    fn named_selections_resolve_to_the_longest_module() {
        let modules = ["p", "p.workers", "p.workers.geventlet"];
        let is_module = |m: &str| modules.contains(&m);
        assert_eq!(
            resolve_named("p.workers.geventlet.EventletWorker", &is_module),
            Some(("p.workers.geventlet".into(), Some("EventletWorker".into())))
        );
        assert_eq!(
            resolve_named("p.workers:Pool", &is_module),
            Some(("p.workers".into(), Some("Pool".into())))
        );
        assert_eq!(
            resolve_named("p.workers.geventlet", &is_module),
            Some(("p.workers.geventlet".into(), None))
        );
        assert_eq!(resolve_named("other.x", &is_module), None);
    }
}
