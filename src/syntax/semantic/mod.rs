//! Name resolution: scopes, bindings and references of one module, so that any expression
//! can be mapped to the qualified name of the object it denotes (`ev.sleep` → `eventlet.sleep`).
//!
//! The analysis is flow-insensitive, like Python's own scoping rules: a name bound anywhere
//! in a function is local to the whole function. A name whose bindings in its scope do not
//! all import the same object is ambiguous and resolves to nothing, so it is never rewritten.

#[cfg(test)]
mod tests;

// Fx: the keys are our own names and offsets, and resolving is the hot path.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::name::Name;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, ExceptHandler, Expr, ExprContext, Parameters, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use smallvec::SmallVec;

pub type ScopeId = usize;
pub type BindingId = usize;
pub type RefId = usize;
pub type StmtId = usize;
pub type BodyId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// Most names are bound once: their bindings are stored inline.
    pub names: HashMap<Name, SmallVec<[BindingId; 2]>>,
    globals: HashSet<String>,
    nonlocals: HashSet<String>,
}

/// What an import statement binds to one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBinding {
    pub stmt: StmtId,
    /// Index of the alias in the statement's name list.
    pub alias: usize,
    pub alias_range: TextRange,
    /// `import a.b.c` → `a.b.c`; `from a.b import c` → `a.b` (relative: leading dots).
    pub module: String,
    /// The imported member of a `from` import.
    pub member: Option<String>,
    pub asname: Option<String>,
    /// The object the bound name denotes: `import a.b` → `a`; `from a import b` → `a.b`.
    pub qualified: String,
}

#[derive(Debug, Clone)]
pub enum BindingKind {
    Import(ImportBinding),
    /// Assignment, parameter, definition, loop target, …: not an import.
    Other,
}

#[derive(Debug, Clone)]
pub struct Binding {
    /// ruff's compact name: short names are stored inline, so a module's thousands of
    /// bindings and references do not each allocate.
    pub name: Name,
    pub scope: ScopeId,
    pub kind: BindingKind,
    /// Where the binding happens (the statement or expression that binds).
    pub start: TextSize,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub name: Name,
    pub range: TextRange,
    /// The scope the name is used in.
    pub scope: ScopeId,
    /// The scope whose bindings the name resolves to (`None`: builtin or unbound).
    pub resolved: Option<ScopeId>,
    /// The dotted attribute chain starting at this name (`eventlet.green.socket.socket`).
    pub chain: Name,
    /// `del name` is a reference no rewrite can consume.
    pub is_del: bool,
}

#[derive(Debug, Clone)]
pub struct StmtInfo {
    pub range: TextRange,
    pub body: BodyId,
    /// The scope the statement runs in.
    pub scope: ScopeId,
    pub is_import: bool,
    /// A `with` statement: code in its body runs under its context managers.
    pub is_with: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub stmts: Vec<StmtId>,
    pub is_module: bool,
}

#[derive(Debug, Default)]
pub struct Semantic {
    pub scopes: Vec<Scope>,
    pub bindings: Vec<Binding>,
    pub references: Vec<Reference>,
    pub stmts: Vec<StmtInfo>,
    pub bodies: Vec<Body>,
    refs_by_start: HashMap<TextSize, RefId>,
    stmts_by_range: HashMap<TextRange, StmtId>,
    /// `from eventlet import *` and the like: `(statement, module)`.
    pub star_imports: Vec<(StmtId, String)>,
    /// Names listed in `__all__`.
    pub exported: HashSet<String>,
}

pub const MODULE_SCOPE: ScopeId = 0;

impl Semantic {
    pub fn build(module: &ast::ModModule) -> Semantic {
        let mut builder = Builder {
            model: Semantic::default(),
            scope: MODULE_SCOPE,
            chains: HashMap::default(),
            nonlocal_bindings: Vec::new(),
        };
        builder.model.scopes.push(Scope {
            kind: ScopeKind::Module,
            parent: None,
            names: HashMap::default(),
            globals: HashSet::default(),
            nonlocals: HashSet::default(),
        });
        builder.body(&module.body, true);
        // An assignment to a `nonlocal` name binds it in the enclosing function: that binding
        // is not an import, so the name there is no longer a plain alias of one.
        for (scope, name, kind, start) in std::mem::take(&mut builder.nonlocal_bindings) {
            if let Some(target) = builder.model.nonlocal_target(scope, &name) {
                builder.model.add_binding(target, &name, kind, start);
            }
        }
        let mut model = builder.model;
        for i in 0..model.references.len() {
            let (scope, name) = (model.references[i].scope, model.references[i].name.clone());
            model.references[i].resolved = model.lookup(scope, &name);
            if let Some(chain) = builder.chains.get(&model.references[i].range.start()) {
                model.references[i].chain = chain.clone();
            }
        }
        model
    }

    fn add_binding(&mut self, scope: ScopeId, name: &str, kind: BindingKind, start: TextSize) {
        let id = self.bindings.len();
        self.bindings.push(Binding {
            name: Name::new(name),
            scope,
            kind,
            start,
        });
        self.scopes[scope]
            .names
            .entry(Name::new(name))
            .or_default()
            .push(id);
    }

    /// The function scope a `nonlocal name` in `scope` refers to: the nearest enclosing
    /// function (class bodies are skipped) that binds the name itself.
    fn nonlocal_target(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let mut current = self.scopes[scope].parent;
        while let Some(id) = current {
            let s = &self.scopes[id];
            match s.kind {
                ScopeKind::Module => return None,
                ScopeKind::Class => {}
                _ if s.names.contains_key(name) && !s.nonlocals.contains(name) => return Some(id),
                _ => {}
            }
            current = s.parent;
        }
        None
    }

    /// The scope whose binding of `name` is visible from `scope`, per Python's LEGB rule.
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let s = &self.scopes[id];
            if s.globals.contains(name) {
                return self.scopes[MODULE_SCOPE]
                    .names
                    .contains_key(name)
                    .then_some(MODULE_SCOPE);
            }
            // Class bodies are not visible from the functions nested in them.
            let visible = first || s.kind != ScopeKind::Class;
            if visible && !s.nonlocals.contains(name) && s.names.contains_key(name) {
                return Some(id);
            }
            first = false;
            current = s.parent;
        }
        None
    }

    /// The bindings of `name` in `scope`.
    pub fn bindings_of(&self, scope: ScopeId, name: &str) -> &[BindingId] {
        self.scopes[scope]
            .names
            .get(name)
            .map(SmallVec::as_slice)
            .unwrap_or(&[])
    }

    /// What `name` denotes when used in `scope`: the import's qualified name when every
    /// binding in the resolved scope imports the same object.
    pub fn qualified_name(&self, scope: ScopeId, name: &str) -> Option<&str> {
        let resolved = self.lookup(scope, name)?;
        self.unique_import(resolved, name)
            .map(|b| b.qualified.as_str())
    }

    /// The import binding of `name` in `scope` when it is the only kind of binding there.
    pub fn unique_import(&self, scope: ScopeId, name: &str) -> Option<&ImportBinding> {
        let mut found: Option<&ImportBinding> = None;
        for &id in self.bindings_of(scope, name) {
            match &self.bindings[id].kind {
                BindingKind::Import(import) => match found {
                    Some(prev) if prev.qualified != import.qualified => return None,
                    _ => found = Some(import),
                },
                BindingKind::Other => return None,
            }
        }
        found
    }

    pub fn reference_at(&self, start: TextSize) -> Option<&Reference> {
        self.refs_by_start
            .get(&start)
            .map(|&id| &self.references[id])
    }

    /// The qualified name an expression denotes (`ev.greenthread.sleep` →
    /// `eventlet.greenthread.sleep`), before re-export canonicalisation.
    pub fn expr_qualified_name(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(name) => {
                let reference = self.reference_at(name.range.start())?;
                match self.qualified_name(reference.scope, &reference.name) {
                    Some(qualified) => Some(qualified.to_string()),
                    None if reference.resolved.is_none() => self
                        .star_source(&reference.name)
                        .map(|module| format!("{module}.{}", reference.name)),
                    None => None,
                }
            }
            Expr::Attribute(attr) => {
                let base = self.expr_qualified_name(&attr.value)?;
                Some(format!("{base}.{}", attr.attr.id))
            }
            _ => None,
        }
    }

    /// The innermost statement whose range holds `range`.
    pub fn innermost_stmt(&self, range: TextRange) -> Option<StmtId> {
        self.stmts
            .iter()
            .enumerate()
            .filter(|(_, s)| s.range.contains_range(range))
            .min_by_key(|(_, s)| s.range.len())
            .map(|(id, _)| id)
    }

    /// `builtins.len` for a free name that is a builtin (bound nowhere, not from a star
    /// import).
    pub fn builtin_name(&self, expr: &Expr) -> Option<String> {
        let Expr::Name(name) = expr else {
            return None;
        };
        let reference = self.reference_at(name.range.start())?;
        let free = reference.resolved.is_none() && self.star_imports.is_empty();
        (free && ruff_python_stdlib::builtins::is_python_builtin(name.id.as_str(), 11, false))
            .then(|| format!("builtins.{}", name.id))
    }

    /// The module a free name comes from through `from M import *`, when that is the only
    /// star import of the module and the name is no builtin: unbound names can only come
    /// from there (or be errors).
    pub fn star_source(&self, name: &str) -> Option<&str> {
        let [(_, module)] = self.star_imports.as_slice() else {
            return None;
        };
        let builtin = ruff_python_stdlib::builtins::is_python_builtin(name, 11, false)
            || ruff_python_stdlib::builtins::python_magic_globals(11).any(|g| g == name);
        (!builtin).then_some(module.as_str())
    }

    /// The scope an expression at `offset` runs in, through the references table.
    pub fn scope_of_name(&self, start: TextSize) -> Option<ScopeId> {
        self.reference_at(start).map(|r| r.scope)
    }

    /// Whether `name` is bound or read anywhere in the module.
    /// Whether a new module-level binding of `name` would meet another: the module binds
    /// it, or code reads it from the module (or as a builtin). A function's own local of
    /// that name is not met.
    pub fn module_uses(&self, name: &str) -> bool {
        self.bindings
            .iter()
            .any(|b| b.name == name && b.scope == MODULE_SCOPE)
            || self
                .references
                .iter()
                .any(|r| r.name == name && r.resolved.is_none_or(|s| s == MODULE_SCOPE))
    }

    pub fn mentions(&self, name: &str) -> bool {
        self.bindings.iter().any(|b| b.name == name)
            || self.references.iter().any(|r| r.name == name)
    }

    pub fn stmt_id(&self, range: TextRange) -> Option<StmtId> {
        self.stmts_by_range.get(&range).copied()
    }

    /// References whose name resolves to `scope`'s binding of `name`.
    pub fn references_to(
        &self,
        scope: ScopeId,
        name: &str,
    ) -> impl Iterator<Item = &Reference> + '_ {
        let name = name.to_string();
        self.references
            .iter()
            .filter(move |r| r.resolved == Some(scope) && r.name == name)
    }

    /// Whether `binding` is in place when code of `scope` at offset `at` runs. Code of a
    /// function runs after the module (or enclosing function) has run to its end, as a rule;
    /// code of the binding's own scope, or of class bodies and comprehensions run in it, runs
    /// in order: there the binding must come first.
    pub fn bound_before(&self, binding: BindingId, scope: ScopeId, at: TextSize) -> bool {
        let binding = &self.bindings[binding];
        let mut current = Some(scope);
        while let Some(id) = current {
            if id == binding.scope {
                return binding.start < at;
            }
            if matches!(
                self.scopes[id].kind,
                ScopeKind::Function | ScopeKind::Lambda
            ) {
                return true;
            }
            current = self.scopes[id].parent;
        }
        true
    }

    /// Whether code of `scope` runs while the module is imported (module code, class bodies
    /// and comprehensions in it), not later when a function is called.
    pub fn runs_at_import(&self, scope: ScopeId) -> bool {
        let mut current = Some(scope);
        while let Some(id) = current {
            if matches!(
                self.scopes[id].kind,
                ScopeKind::Function | ScopeKind::Lambda
            ) {
                return false;
            }
            current = self.scopes[id].parent;
        }
        true
    }

    /// Whether `stmt` is directly in the module body.
    pub fn is_top_level(&self, stmt: StmtId) -> bool {
        self.bodies[self.stmts[stmt].body].is_module
    }
}

struct Builder {
    model: Semantic,
    scope: ScopeId,
    /// Name start → the dotted chain of the outermost attribute access on it.
    chains: HashMap<TextSize, Name>,
    /// Assignments to `nonlocal` names, bound once every scope is known.
    nonlocal_bindings: Vec<(ScopeId, String, BindingKind, TextSize)>,
}

impl Builder {
    fn push_scope(&mut self, kind: ScopeKind) -> ScopeId {
        self.model.scopes.push(Scope {
            kind,
            parent: Some(self.scope),
            names: HashMap::default(),
            globals: HashSet::default(),
            nonlocals: HashSet::default(),
        });
        let previous = self.scope;
        self.scope = self.model.scopes.len() - 1;
        previous
    }

    fn bind(&mut self, name: &str, kind: BindingKind, start: TextSize) {
        self.bind_in(self.scope, name, kind, start);
    }

    /// Binds `name` as code of `scope` would: a `global` name in the module, a `nonlocal`
    /// one in the enclosing function that holds it (settled once every scope is known).
    fn bind_in(&mut self, scope: ScopeId, name: &str, kind: BindingKind, start: TextSize) {
        let mut scope = scope;
        if self.model.scopes[scope].globals.contains(name) {
            scope = MODULE_SCOPE;
        } else if self.model.scopes[scope].nonlocals.contains(name) {
            self.nonlocal_bindings
                .push((scope, name.to_string(), kind, start));
            return;
        }
        self.model.add_binding(scope, name, kind, start);
    }

    /// The nearest scope enclosing `scope` where Python would bind `name` for a walrus:
    /// comprehensions bind their `:=` targets in the scope that contains them.
    fn walrus_scope(&self) -> ScopeId {
        let mut scope = self.scope;
        while self.model.scopes[scope].kind == ScopeKind::Comprehension {
            match self.model.scopes[scope].parent {
                Some(parent) => scope = parent,
                None => break,
            }
        }
        scope
    }

    fn body(&mut self, body: &[Stmt], is_module: bool) {
        let id = self.model.bodies.len();
        self.model.bodies.push(Body {
            stmts: Vec::new(),
            is_module,
        });
        for stmt in body {
            let sid = self.model.stmts.len();
            self.model.stmts.push(StmtInfo {
                range: stmt.range(),
                body: id,
                scope: self.scope,
                is_import: matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)),
                is_with: matches!(stmt, Stmt::With(_)),
            });
            self.model.stmts_by_range.insert(stmt.range(), sid);
            self.model.bodies[id].stmts.push(sid);
            self.stmt(stmt, sid);
        }
    }

    fn parameters(&mut self, parameters: &Parameters) {
        for p in parameters.iter() {
            self.bind(
                p.name().as_str(),
                BindingKind::Other,
                p.name().range.start(),
            );
        }
    }

    fn parameter_defaults(&mut self, parameters: &'_ Parameters) {
        for p in parameters.iter_non_variadic_params() {
            if let Some(default) = &p.default {
                self.visit_expr(default);
            }
            if let Some(annotation) = &p.parameter.annotation {
                self.visit_expr(annotation);
            }
        }
        for p in [&parameters.vararg, &parameters.kwarg]
            .into_iter()
            .flatten()
        {
            if let Some(annotation) = &p.annotation {
                self.visit_expr(annotation);
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt, sid: StmtId) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.parameter_defaults(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_expr(returns);
                }
                self.bind(def.name.as_str(), BindingKind::Other, def.range.start());
                let previous = self.push_scope(ScopeKind::Function);
                self.parameters(&def.parameters);
                self.body(&def.body, false);
                self.scope = previous;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.bind(class.name.as_str(), BindingKind::Other, class.range.start());
                let previous = self.push_scope(ScopeKind::Class);
                self.body(&class.body, false);
                self.scope = previous;
            }
            Stmt::Import(import) => {
                for (i, alias) in import.names.iter().enumerate() {
                    let module = alias.name.id.to_string();
                    let (name, qualified) = match &alias.asname {
                        Some(asname) => (asname.id.to_string(), module.clone()),
                        None => {
                            let top = module.split('.').next().unwrap_or_default().to_string();
                            (top.clone(), top)
                        }
                    };
                    self.bind(
                        &name,
                        BindingKind::Import(ImportBinding {
                            stmt: sid,
                            alias: i,
                            alias_range: alias.range,
                            module,
                            member: None,
                            asname: alias.asname.as_ref().map(|a| a.id.to_string()),
                            qualified,
                        }),
                        alias.range.start(),
                    );
                }
            }
            Stmt::ImportFrom(from) => {
                let module = format!(
                    "{}{}",
                    ".".repeat(from.level as usize),
                    from.module
                        .as_ref()
                        .map(|m| m.id.as_str())
                        .unwrap_or_default()
                );
                for (i, alias) in from.names.iter().enumerate() {
                    if alias.name.as_str() == "*" {
                        self.model.star_imports.push((sid, module.clone()));
                        continue;
                    }
                    let member = alias.name.id.to_string();
                    let name = alias
                        .asname
                        .as_ref()
                        .map_or(member.clone(), |a| a.id.to_string());
                    let qualified = if module.ends_with('.') {
                        format!("{module}{member}")
                    } else {
                        format!("{module}.{member}")
                    };
                    self.bind(
                        &name,
                        BindingKind::Import(ImportBinding {
                            stmt: sid,
                            alias: i,
                            alias_range: alias.range,
                            module: module.clone(),
                            member: Some(member),
                            asname: alias.asname.as_ref().map(|a| a.id.to_string()),
                            qualified,
                        }),
                        alias.range.start(),
                    );
                }
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    self.model.scopes[self.scope]
                        .globals
                        .insert(name.id.to_string());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.model.scopes[self.scope]
                        .nonlocals
                        .insert(name.id.to_string());
                }
            }
            Stmt::Assign(assign) => {
                if let [Expr::Name(target)] = &assign.targets[..] {
                    if target.id.as_str() == "__all__" && self.scope == MODULE_SCOPE {
                        self.record_all(&assign.value);
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AugAssign(aug) => {
                if let Expr::Name(target) = &*aug.target {
                    if target.id.as_str() == "__all__" && self.scope == MODULE_SCOPE {
                        self.record_all(&aug.value);
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn record_all(&mut self, value: &Expr) {
        let elts: &[Expr] = match value {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return,
        };
        for elt in elts {
            if let Expr::StringLiteral(s) = elt {
                self.model.exported.insert(s.value.to_str().to_string());
            }
        }
    }

    fn comprehension_scope(&mut self, generators: &[ast::Comprehension], elts: &[&Expr]) {
        // The first iterable is evaluated where the comprehension is written.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let previous = self.push_scope(ScopeKind::Comprehension);
        for (i, generator) in generators.iter().enumerate() {
            self.visit_expr(&generator.target);
            if i > 0 {
                self.visit_expr(&generator.iter);
            }
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for elt in elts {
            self.visit_expr(elt);
        }
        self.scope = previous;
    }
}

impl<'a> Visitor<'a> for Builder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // Statements reached through `walk_stmt` are in nested bodies, handled by `visit_body`.
        let sid = self
            .model
            .stmts_by_range
            .get(&stmt.range())
            .copied()
            .unwrap_or(usize::MAX);
        self.stmt(stmt, sid);
    }

    fn visit_body(&mut self, body: &'a [Stmt]) {
        self.body(body, false);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Store => {
                    self.bind(name.id.as_str(), BindingKind::Other, name.range.start());
                }
                ExprContext::Load | ExprContext::Del => {
                    let id = self.model.references.len();
                    self.model.references.push(Reference {
                        name: name.id.clone(),
                        range: name.range,
                        scope: self.scope,
                        resolved: None,
                        chain: name.id.clone(),
                        is_del: name.ctx == ExprContext::Del,
                    });
                    self.model.refs_by_start.insert(name.range.start(), id);
                }
                ExprContext::Invalid => {}
            },
            Expr::Attribute(_) => {
                let mut parts = Vec::new();
                let mut current = expr;
                while let Expr::Attribute(attr) = current {
                    parts.push(attr.attr.as_str());
                    current = &attr.value;
                }
                if let Expr::Name(base) = current {
                    parts.push(base.id.as_str());
                    parts.reverse();
                    self.chains
                        .entry(base.range.start())
                        .or_insert_with(|| Name::new(parts.join(".")));
                }
                visitor::walk_expr(self, expr);
            }
            // `(x := v)` in a comprehension binds `x` in the scope around it.
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                if let Expr::Name(target) = &*named.target {
                    let scope = self.walrus_scope();
                    self.bind_in(
                        scope,
                        target.id.as_str(),
                        BindingKind::Other,
                        target.range.start(),
                    );
                } else {
                    self.visit_expr(&named.target);
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.parameter_defaults(parameters);
                }
                let previous = self.push_scope(ScopeKind::Lambda);
                if let Some(parameters) = &lambda.parameters {
                    self.parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.scope = previous;
            }
            Expr::ListComp(c) => self.comprehension_scope(&c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.comprehension_scope(&c.generators, &[&c.elt]),
            Expr::Generator(c) => self.comprehension_scope(&c.generators, &[&c.elt]),
            Expr::DictComp(c) => {
                let mut elts: Vec<&Expr> = c.key.iter().map(|k| &**k).collect();
                elts.push(&c.value);
                self.comprehension_scope(&c.generators, &elts);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name {
            self.bind(name.as_str(), BindingKind::Other, name.range.start());
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), BindingKind::Other, name.range.start());
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), BindingKind::Other, name.range.start());
                }
            }
            Pattern::MatchMapping(p) => {
                if let Some(name) = &p.rest {
                    self.bind(name.as_str(), BindingKind::Other, name.range.start());
                }
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}
