//! Errors of CPython's symbol table: a name both global (or nonlocal) and bound before
//! its declaration, `nonlocal` without a binding in an enclosing function, and the like.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Comprehension, Expr, ExprContext, Parameters, Pattern, Stmt};
use ruff_text_size::TextRange;
use std::collections::{HashMap, HashSet};

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum TableKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

/// The names one scope binds or declares.
pub(super) struct SymbolTable<'a> {
    pub(super) kind: TableKind,
    pub(super) parent: Option<usize>,
    /// Names bound anywhere in the scope (assignment, import, def, parameter, `del`, ...).
    pub(super) bound: HashSet<&'a str>,
    /// Names declared `nonlocal` in the scope.
    pub(super) nonlocals: HashSet<&'a str>,
    /// Names declared `global` in the scope, with the range of the first such statement.
    pub(super) globals: HashMap<&'a str, TextRange>,
    /// Parameter names (functions and lambdas).
    pub(super) params: HashSet<&'a str>,
}

impl SymbolTable<'_> {
    pub(super) fn new(kind: TableKind, parent: Option<usize>) -> Self {
        SymbolTable {
            kind,
            parent,
            bound: HashSet::new(),
            nonlocals: HashSet::new(),
            globals: HashMap::new(),
            params: HashSet::new(),
        }
    }
}

pub(super) struct ErrorCollector<'a> {
    pub(super) scopes: Vec<SymbolTable<'a>>,
    pub(super) index: ScopeIndex,
    pub(super) stack: Vec<usize>,
}

impl<'a> ErrorCollector<'a> {
    fn current(&self) -> usize {
        *self.stack.last().expect("the module scope is never popped")
    }

    fn bind(&mut self, name: &'a str) {
        let current = self.current();
        self.scopes[current].bound.insert(name);
    }

    /// A walrus binds in the nearest enclosing scope that is not a comprehension.
    fn bind_walrus(&mut self, name: &'a str) {
        let scope = self
            .stack
            .iter()
            .rev()
            .copied()
            .find(|&scope| self.scopes[scope].kind != TableKind::Comprehension)
            .unwrap_or(0);
        self.scopes[scope].bound.insert(name);
    }

    fn push(&mut self, kind: TableKind, range: TextRange) {
        let parent = self.current();
        let id = self.scopes.len();
        self.scopes.push(SymbolTable::new(kind, Some(parent)));
        self.index.insert((kind, range), id);
        self.stack.push(id);
    }

    fn pop(&mut self) {
        self.stack.pop();
    }

    /// Defaults and annotations, evaluated in the enclosing scope.
    fn visit_parameter_exprs(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_expr(annotation);
            }
        }
    }

    fn bind_parameters(&mut self, parameters: &'a Parameters) {
        let current = self.current();
        for parameter in parameters.iter() {
            let name = parameter.name().as_str();
            self.scopes[current].bound.insert(name);
            self.scopes[current].params.insert(name);
        }
    }

    fn visit_comprehension_scope(
        &mut self,
        range: TextRange,
        generators: &'a [Comprehension],
        elts: [Option<&'a Expr>; 2],
    ) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        self.push(TableKind::Comprehension, range);
        for (i, generator) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&generator.iter);
            }
            self.visit_expr(&generator.target);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for elt in elts.into_iter().flatten() {
            self.visit_expr(elt);
        }
        self.pop();
    }
}

impl<'a> Visitor<'a> for ErrorCollector<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                self.bind(function.name.as_str());
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(type_params) = &function.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameter_exprs(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                self.push(TableKind::Function, function.range);
                self.bind_parameters(&function.parameters);
                if let Some(type_params) = &function.type_params {
                    // PEP 695 parameters live in an annotation scope of their own; binding
                    // them here can only make `nonlocal` lookups more permissive.
                    for type_param in type_params.iter() {
                        self.bind(type_param.name().as_str());
                    }
                }
                self.visit_body(&function.body);
                self.pop();
            }
            Stmt::ClassDef(class) => {
                self.bind(class.name.as_str());
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(type_params) = &class.type_params {
                    self.visit_type_params(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.push(TableKind::Class, class.range);
                self.visit_body(&class.body);
                self.pop();
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        // `import a.b` binds `a`.
                        None => alias.name.as_str().split('.').next().unwrap_or_default(),
                    };
                    self.bind(name);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    if name != "*" {
                        self.bind(name);
                    }
                }
            }
            Stmt::Global(global) => {
                let current = self.current();
                for name in &global.names {
                    self.scopes[current]
                        .globals
                        .entry(name.as_str())
                        .or_insert(global.range);
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                let current = self.current();
                for name in &nonlocal.names {
                    self.scopes[current].nonlocals.insert(name.as_str());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                if matches!(name.ctx, ExprContext::Store | ExprContext::Del) {
                    self.bind(name.id.as_str());
                }
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                match &*named.target {
                    Expr::Name(target) => self.bind_walrus(target.id.as_str()),
                    other => self.visit_expr(other),
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_exprs(parameters);
                }
                self.push(TableKind::Lambda, lambda.range);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop();
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_scope(
                    comp.range,
                    &comp.generators,
                    [Some(&comp.elt), None],
                );
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_scope(
                    comp.range,
                    &comp.generators,
                    [Some(&comp.elt), None],
                );
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_scope(
                    comp.range,
                    &comp.generators,
                    [Some(&comp.elt), None],
                );
            }
            Expr::DictComp(comp) => {
                self.visit_comprehension_scope(
                    comp.range,
                    &comp.generators,
                    [comp.key.as_deref(), Some(&comp.value)],
                );
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.bind(name.as_str());
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(ast::PatternMatchAs {
                name: Some(name), ..
            })
            | Pattern::MatchStar(ast::PatternMatchStar {
                name: Some(name), ..
            })
            | Pattern::MatchMapping(ast::PatternMatchMapping {
                rest: Some(name), ..
            }) => self.bind(name.as_str()),
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}
