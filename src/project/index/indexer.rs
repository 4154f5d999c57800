//! A parsed module read for the index: its definitions and bases, its imports, the calls
//! each function makes, and where it monkey-patches or starts a process.

use crate::analyse::patching::monkey_patch_flags;
use crate::recipe::Catalog;
use crate::syntax::semantic::Semantic;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

pub(super) struct Indexer<'a> {
    info: ModuleInfo,
    text: &'a str,
    /// Regions of this module that are eventlet backends it selects: their patching is not
    /// its process's.
    backends: Vec<ruff_text_size::TextRange>,
    /// The package relative imports start from.
    package: String,
    project: &'a BTreeSet<String>,
    catalog: &'a Catalog,
    semantic: Option<&'a Semantic>,
    /// Local name → what it denotes in the project (`module` or `module:function`).
    aliases: BTreeMap<String, String>,
    /// Functions and methods defined here (`f`, `Class.f`), and classes (`Class`).
    defs: BTreeSet<String>,
    /// The function whose code is being visited, and what it calls so far (kept apart from
    /// `info.calls` until it ends: a test module calls thousands of methods).
    function: FunctionId,
    calls: rustc_hash::FxHashSet<FunctionId>,
    class: Option<String>,
    /// The `**kwargs` parameter of the function being visited.
    kwargs: Option<String>,
}

impl Indexer<'_> {
    fn collect_definitions(&mut self, body: &[Stmt], class: Option<&str>) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => {
                    let qualified = match class {
                        Some(c) => format!("{c}.{}", def.name),
                        None => def.name.to_string(),
                    };
                    self.defs.insert(qualified);
                }
                Stmt::ClassDef(class_def) if class.is_none() => {
                    self.defs.insert(class_def.name.to_string());
                    self.collect_definitions(&class_def.body, Some(class_def.name.as_str()));
                }
                _ => {}
            }
        }
    }

    fn absolute(&self, level: u32, module: Option<&str>) -> String {
        absolute_module(&self.package, level, module)
    }

    fn note_import(&mut self, module: &str, bound: Bound<'_>, stmt: &Stmt) {
        let (path, text) = (self.info.path.clone(), self.text);
        let at = || position_in(&path, text, stmt.range().start());
        note_import(
            &mut self.info,
            module,
            (&at, bound, text),
            self.project,
            self.catalog,
        );
    }

    fn import(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.to_string();
                    let refers = alias
                        .asname
                        .as_ref()
                        .map_or(module.as_str(), |a| a.as_str());
                    self.note_import(&module, Bound::As(refers), stmt);
                    let (local, target) = match &alias.asname {
                        Some(asname) => (asname.to_string(), module.clone()),
                        None => {
                            let top = module.split('.').next().unwrap_or_default().to_string();
                            (top.clone(), top)
                        }
                    };
                    if crate::syntax::imports::is_eventlet(&target) {
                        self.info
                            .eventlet_bindings
                            .insert(local.clone(), target.clone());
                    }
                    self.aliases.insert(local, target);
                }
            }
            Stmt::ImportFrom(from) => {
                let base = self.absolute(from.level, from.module.as_deref());
                self.note_import(&base, Bound::ThroughMembers, stmt);
                for alias in &from.names {
                    let member = alias.name.to_string();
                    let full = format!("{base}.{member}");
                    let refers = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    self.note_import(&full, Bound::As(&refers), stmt);
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    if crate::syntax::imports::is_eventlet(&full) {
                        self.info
                            .eventlet_bindings
                            .insert(local.clone(), full.clone());
                    }
                    let target = if self.project.contains(&full) {
                        full
                    } else {
                        format!("{base}:{member}")
                    };
                    self.aliases.insert(local, target);
                }
            }
            _ => {}
        }
    }

    /// `module:member` when `value` names a module of the project as imported here
    /// (`utils` in `utils.patch`, `pkg.base` in `pkg.base.TestCase`).
    fn member_of_module(&self, value: &Expr, member: &str) -> Option<FunctionId> {
        let dotted = dotted(value)?;
        let (head, rest) = dotted.split_once('.').unwrap_or((&dotted, ""));
        let target = self.aliases.get(head)?;
        let module = if rest.is_empty() {
            target.clone()
        } else {
            format!("{target}.{rest}")
        };
        self.project
            .contains(&module)
            .then(|| format!("{module}:{member}"))
    }

    /// The project function a callee denotes, if it can be told.
    fn callee(&self, func: &Expr) -> Option<FunctionId> {
        let module = &self.info.name;
        match func {
            Expr::Name(name) => {
                let id = name.id.as_str();
                if self.defs.contains(id) {
                    let init = format!("{id}.__init__");
                    return Some(if self.defs.contains(&init) {
                        format!("{module}:{init}")
                    } else {
                        format!("{module}:{id}")
                    });
                }
                let target = self.aliases.get(id)?;
                target.contains(':').then(|| target.clone())
            }
            Expr::Attribute(attr) => {
                let method = attr.attr.as_str();
                match &*attr.value {
                    // `super().f()`: `f` as the bases of the class have it.
                    Expr::Call(inner)
                        if inner.arguments.is_empty()
                            && matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super") =>
                    {
                        let class = self.class.as_ref()?;
                        Some(format!("{module}:{class}{SUPER}.{method}"))
                    }
                    Expr::Name(base) if base.id.as_str() == "self" || base.id.as_str() == "cls" => {
                        let class = self.class.as_ref()?;
                        Some(format!("{module}:{class}.{method}"))
                    }
                    Expr::Name(base) if self.defs.contains(base.id.as_str()) => {
                        Some(format!("{module}:{}.{method}", base.id))
                    }
                    value => self.member_of_module(value, method),
                }
            }
            _ => None,
        }
    }

    /// Whether `call` is `monkey_patch(**kwargs)` forwarding the `**kwargs` parameter of
    /// the function it is in.
    fn forwards_kwargs(&self, call: &ast::ExprCall) -> bool {
        let [keyword] = &call.arguments.keywords[..] else {
            return false;
        };
        let (None, Expr::Name(name)) = (&keyword.arg, &keyword.value) else {
            return false;
        };
        call.arguments.args.is_empty() && self.kwargs.as_deref() == Some(name.id.as_str())
    }

    /// Records a call of a project function whose arguments are all literal boolean
    /// keywords, with the flags `monkey_patch` would patch given them.
    fn note_keyword_call(&mut self, call: &ast::ExprCall) {
        if !call.arguments.args.is_empty()
            || call.arguments.keywords.is_empty()
            || !call
                .arguments
                .keywords
                .iter()
                .all(|k| k.arg.is_some() && k.value.is_boolean_literal_expr())
        {
            return;
        }
        let Some(callee) = self.callee(&call.func) else {
            return;
        };
        let Some(flags) = monkey_patch_flags(call, &self.catalog.process) else {
            return;
        };
        self.info.keyword_calls.push(KeywordCall {
            caller: self.function.clone(),
            callee,
            flags,
            at: position_in(&self.info.path, self.text, call.range().start()),
        });
    }

    /// The base classes of `class`, as the project names them (`module:Class`).
    fn note_bases(&mut self, class: &ast::StmtClassDef) {
        let module = &self.info.name;
        let bases: Vec<FunctionId> = class
            .bases()
            .iter()
            .filter_map(|base| match base {
                Expr::Name(name) if self.defs.contains(name.id.as_str()) => {
                    Some(format!("{module}:{}", name.id))
                }
                Expr::Name(name) => self
                    .aliases
                    .get(name.id.as_str())
                    .filter(|t| t.contains(':'))
                    .cloned(),
                Expr::Attribute(attr) => self.member_of_module(&attr.value, &attr.attr),
                _ => None,
            })
            .collect();
        if !bases.is_empty() {
            self.info.bases.insert(class.name.to_string(), bases);
        }
    }

    fn in_function<F: FnOnce(&mut Self)>(&mut self, function: FunctionId, f: F) {
        let previous = std::mem::replace(&mut self.function, function);
        let outer_calls = std::mem::take(&mut self.calls);
        f(self);
        self.flush_calls();
        self.calls = outer_calls;
        self.function = previous;
    }

    /// Records what the current function called.
    fn flush_calls(&mut self) {
        if self.calls.is_empty() {
            return;
        }
        self.info
            .calls
            .entry(self.function.clone())
            .or_default()
            .extend(self.calls.drain());
    }
}

pub(super) fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attr) => Some(format!("{}.{}", dotted(&attr.value)?, attr.attr)),
        _ => None,
    }
}

/// Whether a module's source has an `if __name__ == "__main__":` block at its top level.
pub fn is_script(bytes: &[u8]) -> bool {
    let Ok(source) = crate::syntax::source::SourceText::decode(bytes) else {
        return false;
    };
    let Ok(parsed) = ruff_python_parser::parse_module(&source.text) else {
        return false;
    };
    parsed
        .syntax()
        .body
        .iter()
        .any(|s| matches!(s, Stmt::If(branch) if is_main_guard(&branch.test)))
}

/// Whether a method forwards its own first arguments to a patcher (`def patchobject(self,
/// obj, attr, **kw): return self.useFixture(fixtures.MockPatchObject(obj, attr, **kw))`):
/// `Some(true)` for object and attribute, `Some(false)` for a dotted path.
pub(super) fn patch_helper(
    def: &ast::StmtFunctionDef,
    patchers: &crate::recipe::model::Patchers,
) -> Option<bool> {
    use crate::recipe::model::Patchers;
    let params: Vec<&str> = crate::syntax::names::positional(&def.parameters)
        .skip(1)
        .map(|p| p.parameter.name.as_str())
        .collect();
    let first = *params.first()?;
    struct Calls<'p> {
        patchers: &'p crate::recipe::model::Patchers,
        first: &'p str,
        second: Option<&'p str>,
        found: Option<bool>,
    }
    impl<'a> Visitor<'a> for Calls<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let named = |e: Option<&Expr>, n: Option<&str>| matches!((e, n), (Some(Expr::Name(a)), Some(b)) if a.id.as_str() == b);
                let args = &call.arguments.args;
                if let Some(dotted) = dotted(&call.func) {
                    if Patchers::names(&self.patchers.by_object, &dotted)
                        && named(args.first(), Some(self.first))
                        && named(args.get(1), self.second)
                    {
                        self.found = Some(true);
                    } else if Patchers::names(&self.patchers.by_name, &dotted)
                        && named(args.first(), Some(self.first))
                    {
                        self.found.get_or_insert(false);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        patchers,
        first,
        second: params.get(1).copied(),
        found: None,
    };
    calls.visit_body(&def.body);
    calls.found
}

pub(super) fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    compare.comparators.len() == 1
        && ((is_name(&compare.left) && is_main(&compare.comparators[0]))
            || (is_main(&compare.left) && is_name(&compare.comparators[0])))
}

impl<'a> Visitor<'a> for Indexer<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(stmt),
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                let qualified = match &self.class {
                    Some(c) => format!("{c}.{}", def.name),
                    None => def.name.to_string(),
                };
                let id = format!("{}:{qualified}", self.info.name);
                self.info.functions.insert(id.clone());
                if self.class.is_some() {
                    if let Some(by_object) = patch_helper(def, &self.catalog.patchers) {
                        self.info
                            .patch_helpers
                            .push((def.name.to_string(), by_object));
                    }
                }
                let kwargs = def.parameters.kwarg.as_ref().map(|k| k.name.to_string());
                let outer_kwargs = std::mem::replace(&mut self.kwargs, kwargs);
                // Nested functions belong to their enclosing function's entry.
                if self.function.ends_with(':') {
                    self.in_function(id, |this| visitor::walk_body(this, &def.body));
                } else {
                    visitor::walk_body(self, &def.body);
                }
                self.kwargs = outer_kwargs;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if self.class.is_none() && self.function.ends_with(':') {
                    self.note_bases(class);
                    let previous = self.class.replace(class.name.to_string());
                    visitor::walk_body(self, &class.body);
                    self.class = previous;
                } else {
                    visitor::walk_body(self, &class.body);
                }
            }
            Stmt::If(branch) if self.function.ends_with(':') && is_main_guard(&branch.test) => {
                self.info.has_main = true;
                let id = format!("{}:__main__", self.info.name);
                self.in_function(id, |this| visitor::walk_body(this, &branch.body));
                for clause in &branch.elif_else_clauses {
                    visitor::walk_body(self, &clause.body);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Some(callee) = self.callee(&call.func) {
                self.calls.insert(callee);
            }
            let patch_name = self.catalog.process.monkey_patch.rsplit('.').next();
            let canonical = self
                .semantic
                .filter(|_| {
                    crate::syntax::names::last_name(&call.func).is_some()
                        && crate::syntax::names::last_name(&call.func) == patch_name
                })
                .and_then(|semantic| semantic.expr_qualified_name(&call.func))
                .map(|q| self.catalog.canonical(&q));
            let selected = self.backends.iter().any(|r| r.contains_range(call.range()));
            if canonical.as_deref() == Some(self.catalog.process.monkey_patch.as_str()) && !selected
            {
                let preceded_by = self.function.ends_with(':').then(|| Preceding {
                    modules: self.info.imports.clone(),
                    switched: self.info.picks_a_backend(),
                });
                self.info.patches.push(Patch {
                    function: self.function.clone(),
                    flags: monkey_patch_flags(call, &self.catalog.process),
                    forwarded: self.forwards_kwargs(call),
                    at: position_in(&self.info.path, self.text, call.range().start()),
                    position: line_column_in(self.text, call.range().start()),
                    preceded_by,
                });
            }
            if let Some(switch) = self.catalog.process.selected_by(call) {
                let made = (self.function.clone(), switch.to_string());
                self.info.selects_backend.push(made);
            }
            self.note_keyword_call(call);
        }
        visitor::walk_expr(self, expr);
    }
}

/// Indexes one module; `project` names every module of the project. `semantic` resolves
/// names to find `monkey_patch()` calls: a module that never mentions eventlet needs none
/// (most modules of a project; this keeps indexing cheap).
pub fn index(
    path: &Path,
    name: &str,
    source: Source<'_>,
    semantic: Option<&Semantic>,
    project: &BTreeSet<String>,
    catalog: &Catalog,
) -> ModuleInfo {
    let module = source.module;
    let package = package_of(path, name);
    let (backends, selects) = own_backends(path, source);
    let mut indexer = Indexer {
        info: ModuleInfo {
            path: path.to_path_buf(),
            name: name.to_string(),
            selects,
            calls_read: true,
            through_eventlet: through_eventlet(path, source.text),
            ..ModuleInfo::default()
        },
        text: source.text,
        backends,
        package,
        project,
        catalog,
        semantic,
        aliases: BTreeMap::new(),
        defs: BTreeSet::new(),
        function: format!("{name}:"),
        calls: Default::default(),
        class: None,
        kwargs: None,
    };
    indexer.collect_definitions(&module.body, None);
    for stmt in &module.body {
        indexer.visit_stmt(stmt);
    }
    indexer.flush_calls();
    indexer.info
}
