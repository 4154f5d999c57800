//! What CPython's compiler rejects in a module that parses.
//!
//! The parser accepts some programs that CPython's symbol table and compiler refuse:
//! `nonlocal x` with no binding of `x` in an enclosing function, `await` outside an async
//! function, `return`/`yield` outside a function, a name used before its `global`
//! declaration, duplicate parameters, `break` outside a loop, and so on. ruff's
//! [`SemanticSyntaxChecker`] detects these when driven by a visitor that answers its
//! [`SemanticSyntaxContext`] queries; this module is that visitor.
//!
//! Two passes: `ErrorCollector` records, for every scope, the names bound and declared
//! `global`/`nonlocal` there (CPython decides these per scope, whatever the textual order);
//! `Driver` then walks the tree with a frame stack, feeding every statement and expression
//! to the checker before its children.
//!
//! Every answer leans towards accepting: the check runs on every rewritten file, and a false
//! positive would make the tool refuse a valid file.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    self as ast, Comprehension, Expr, ExprContext, ModModule, Parameters, Pattern, PythonVersion,
    Stmt,
};
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxChecker, SemanticSyntaxContext, SemanticSyntaxError,
    SemanticSyntaxErrorKind,
};
use ruff_text_size::{Ranged, TextRange};

/// The Python version the checks assume (`PythonVersion::PY311`). Few checks depend on it:
/// async comprehensions inside sync ones are refused before 3.11 only, and walrus/`yield`/
/// `await` in annotations from 3.14 on, `del __debug__` from 3.9.
const TARGET_VERSION: PythonVersion = PythonVersion::PY311;

/// Comprehensions nested deeper than this are not handed to the checker: it walks each
/// comprehension's whole element (nested comprehensions included) and looks up the frame
/// stack, which is quadratic in the nesting. Real code never comes near.
const MAX_CHECKED_COMPREHENSION_DEPTH: usize = 100;

/// One error CPython's compiler would raise (a `SyntaxError` at compile time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub range: TextRange,
    pub message: String,
}

/// What CPython's compiler would reject in a module that parses.
///
/// Errors come sorted by position. The tree may be deeply nested: both passes recurse once
/// per nesting level, so call this on a thread with a large stack for hostile inputs.
pub fn compile_errors(module: &ModModule, source: &str) -> Vec<CompileError> {
    let mut collector = ErrorCollector {
        scopes: vec![SymbolTable::new(TableKind::Module, None)],
        index: HashMap::new(),
        stack: vec![0],
    };
    collector.visit_body(&module.body);

    let mut driver = Driver {
        scopes: collector.scopes,
        index: collector.index,
        frames: vec![Frame {
            kind: FrameKind::Module,
            scope: Some(0),
            loop_depth: 0,
        }],
        checker: SemanticSyntaxChecker::new(),
        source,
        future_annotations: has_future_annotations(&module.body),
        errors: RefCell::new(Vec::new()),
        nonsimple_annotated: HashSet::new(),
        comprehension_depth: 0,
    };
    driver.visit_body(&module.body);

    let Driver {
        errors,
        nonsimple_annotated,
        ..
    } = driver;
    let mut out: Vec<CompileError> = errors
        .into_inner()
        .into_iter()
        .filter(|error| match error.kind {
            // CPython only refuses a *simple* annotated target (`x: int`) declared global;
            // the checker also flags a parenthesised one (`(x): int`).
            SemanticSyntaxErrorKind::AnnotatedGlobal(_) => {
                !nonsimple_annotated.contains(&error.range)
            }
            _ => true,
        })
        .map(|error| CompileError {
            range: error.range,
            message: error.to_string(),
        })
        .collect();
    out.sort_by_key(|error| (error.range.start(), error.range.end()));
    out.dedup();
    out
}

/// `from __future__ import annotations` among the module's leading statements.
fn has_future_annotations(body: &[Stmt]) -> bool {
    body.iter()
        .filter_map(Stmt::as_import_from_stmt)
        .any(|import| {
            import.module.as_deref() == Some("__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| &alias.name == "annotations")
        })
}

// ---------------------------------------------------------------------------------------------
// Pass 1: what each scope binds and declares.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TableKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

/// The names one scope binds or declares.
struct SymbolTable<'a> {
    kind: TableKind,
    parent: Option<usize>,
    /// Names bound anywhere in the scope (assignment, import, def, parameter, `del`, ...).
    bound: HashSet<&'a str>,
    /// Names declared `nonlocal` in the scope.
    nonlocals: HashSet<&'a str>,
    /// Names declared `global` in the scope, with the range of the first such statement.
    globals: HashMap<&'a str, TextRange>,
    /// Parameter names (functions and lambdas).
    params: HashSet<&'a str>,
}

impl SymbolTable<'_> {
    fn new(kind: TableKind, parent: Option<usize>) -> Self {
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

/// Scopes are keyed by their kind and the range of the node that opens them.
type ScopeIndex = HashMap<(TableKind, TextRange), usize>;

struct ErrorCollector<'a> {
    scopes: Vec<SymbolTable<'a>>,
    index: ScopeIndex,
    stack: Vec<usize>,
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

// ---------------------------------------------------------------------------------------------
// Pass 2: drive the checker with a frame stack.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Module,
    Class,
    Function {
        is_async: bool,
    },
    Lambda,
    Comprehension {
        generator: bool,
        is_async: bool,
    },
    /// Annotations and PEP 695 type parameters. CPython evaluates these in an annotation
    /// scope under `from __future__ import annotations` (and from 3.14 on), where a name in
    /// them is no use "prior to global declaration"; the frame is transparent to every other
    /// query.
    Annotation,
}

struct Frame {
    kind: FrameKind,
    /// Index into the scopes of pass 1 (`None` for annotation frames, or if not found).
    scope: Option<usize>,
    /// Enclosing `for`/`while` bodies within this frame.
    loop_depth: u32,
}

struct Driver<'a, 'src> {
    scopes: Vec<SymbolTable<'a>>,
    index: ScopeIndex,
    frames: Vec<Frame>,
    checker: SemanticSyntaxChecker,
    source: &'src str,
    future_annotations: bool,
    errors: RefCell<Vec<SemanticSyntaxError>>,
    /// Targets of non-simple annotated assignments (`(x): int`).
    nonsimple_annotated: HashSet<TextRange>,
    /// Comprehension frames on the stack.
    comprehension_depth: usize,
}

impl<'a> Driver<'a, '_> {
    fn top(&self) -> &Frame {
        self.frames
            .last()
            .expect("the module frame is never popped")
    }

    fn push(&mut self, kind: FrameKind, scope_kind: Option<(TableKind, TextRange)>) {
        let scope = scope_kind.and_then(|key| self.index.get(&key).copied());
        self.frames.push(Frame {
            kind,
            scope,
            loop_depth: 0,
        });
    }

    fn pop(&mut self) {
        self.frames.pop();
    }

    fn check_stmt(&mut self, stmt: &'a Stmt) {
        let mut checker = std::mem::take(&mut self.checker);
        checker.visit_stmt(stmt, self);
        self.checker = checker;
    }

    fn check_expr(&mut self, expr: &'a Expr) {
        if self.comprehension_depth >= MAX_CHECKED_COMPREHENSION_DEPTH
            && matches!(
                expr,
                Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_)
            )
        {
            return;
        }
        let mut checker = std::mem::take(&mut self.checker);
        checker.visit_expr(expr, self);
        self.checker = checker;
    }

    fn visit_annotation_expr(&mut self, expr: &'a Expr) {
        self.push(FrameKind::Annotation, None);
        self.visit_expr(expr);
        self.pop();
    }

    fn visit_type_params_in_frame(&mut self, type_params: &'a ast::TypeParams) {
        self.push(FrameKind::Annotation, None);
        self.visit_type_params(type_params);
        self.pop();
    }

    fn visit_parameter_exprs(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
        }
        for parameter in parameters.iter() {
            if let Some(annotation) = parameter.annotation() {
                self.visit_annotation_expr(annotation);
            }
        }
    }

    fn visit_loop_body(&mut self, body: &'a [Stmt]) {
        self.frames.last_mut().expect("module frame").loop_depth += 1;
        self.visit_body(body);
        self.frames.last_mut().expect("module frame").loop_depth -= 1;
    }

    fn visit_comprehension_scope(
        &mut self,
        range: TextRange,
        generators: &'a [Comprehension],
        elts: [Option<&'a Expr>; 2],
        generator: bool,
    ) {
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let is_async = generators.iter().any(|generator| generator.is_async);
        self.push(
            FrameKind::Comprehension {
                generator,
                is_async,
            },
            Some((TableKind::Comprehension, range)),
        );
        self.comprehension_depth += 1;
        for (i, comprehension) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&comprehension.iter);
            }
            self.visit_expr(&comprehension.target);
            for condition in &comprehension.ifs {
                self.visit_expr(condition);
            }
        }
        for elt in elts.into_iter().flatten() {
            self.visit_expr(elt);
        }
        self.comprehension_depth -= 1;
        self.pop();
    }

    /// The scope (of pass 1) of the innermost frame that has one.
    fn current_scope(&self) -> Option<&SymbolTable<'a>> {
        let frame = self.top();
        if frame.kind == FrameKind::Annotation {
            return None;
        }
        frame.scope.map(|scope| &self.scopes[scope])
    }
}

impl<'a> Visitor<'a> for Driver<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::AnnAssign(assign) = stmt {
            if !assign.simple {
                self.nonsimple_annotated.insert(assign.target.range());
            }
        }
        self.check_stmt(stmt);
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(type_params) = &function.type_params {
                    self.visit_type_params_in_frame(type_params);
                }
                self.visit_parameter_exprs(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation_expr(returns);
                }
                self.push(
                    FrameKind::Function {
                        is_async: function.is_async,
                    },
                    Some((TableKind::Function, function.range)),
                );
                self.visit_body(&function.body);
                self.pop();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(type_params) = &class.type_params {
                    self.visit_type_params_in_frame(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.push(FrameKind::Class, Some((TableKind::Class, class.range)));
                self.visit_body(&class.body);
                self.pop();
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.visit_expr(&for_stmt.target);
                self.visit_loop_body(&for_stmt.body);
                // `else` runs after the loop: `break` there belongs to an outer loop.
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                self.visit_loop_body(&while_stmt.body);
                self.visit_body(&while_stmt.orelse);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                self.visit_annotation_expr(&assign.annotation);
                self.visit_expr(&assign.target);
            }
            Stmt::TypeAlias(alias) => {
                self.push(FrameKind::Annotation, None);
                self.visit_expr(&alias.value);
                if let Some(type_params) = &alias.type_params {
                    self.visit_type_params(type_params);
                }
                self.pop();
                self.visit_expr(&alias.name);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.check_expr(expr);
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_exprs(parameters);
                }
                self.push(FrameKind::Lambda, Some((TableKind::Lambda, lambda.range)));
                self.visit_expr(&lambda.body);
                self.pop();
            }
            Expr::ListComp(comp) => self.visit_comprehension_scope(
                comp.range,
                &comp.generators,
                [Some(&comp.elt), None],
                false,
            ),
            Expr::SetComp(comp) => self.visit_comprehension_scope(
                comp.range,
                &comp.generators,
                [Some(&comp.elt), None],
                false,
            ),
            Expr::Generator(comp) => self.visit_comprehension_scope(
                comp.range,
                &comp.generators,
                [Some(&comp.elt), None],
                true,
            ),
            Expr::DictComp(comp) => self.visit_comprehension_scope(
                comp.range,
                &comp.generators,
                [comp.key.as_deref(), Some(&comp.value)],
                false,
            ),
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl SemanticSyntaxContext for Driver<'_, '_> {
    fn future_annotations_or_stub(&self) -> bool {
        self.future_annotations
    }

    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        // `lazy import` is 3.15 syntax; never report where it may appear.
        None
    }

    fn python_version(&self) -> PythonVersion {
        TARGET_VERSION
    }

    fn source(&self) -> &str {
        self.source
    }

    fn global(&self, name: &str) -> Option<TextRange> {
        self.current_scope()?.globals.get(name).copied()
    }

    fn has_nonlocal_binding(&self, name: &str) -> bool {
        let Some(scope) = self.top().scope else {
            return true;
        };
        // CPython passes down, as the names a `nonlocal` may refer to, the locals of every
        // enclosing function (class bodies are skipped; the module is not included), minus
        // those an intermediate function declares `global`.
        let mut ancestor = self.scopes[scope].parent;
        let mut in_class = self.scopes[scope].kind == TableKind::Class;
        while let Some(id) = ancestor {
            let info = &self.scopes[id];
            match info.kind {
                TableKind::Module => break,
                TableKind::Class | TableKind::Comprehension => {
                    in_class |= info.kind == TableKind::Class;
                }
                TableKind::Function | TableKind::Lambda => {
                    if info.globals.contains_key(name) {
                        return false;
                    }
                    if info.bound.contains(name) || info.nonlocals.contains(name) {
                        return true;
                    }
                }
            }
            ancestor = info.parent;
        }
        // The implicit class cell (`__class__`, and `__classdict__` from 3.12) of methods.
        in_class && matches!(name, "__class__" | "__classdict__")
    }

    fn in_async_context(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Function { is_async } => return is_async,
                FrameKind::Class | FrameKind::Lambda | FrameKind::Module => return false,
                FrameKind::Comprehension { .. } | FrameKind::Annotation => {}
            }
        }
        false
    }

    fn in_await_allowed_context(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Function { .. } | FrameKind::Lambda => return true,
                // A generator expression is a function of its own to CPython: `await` in it
                // makes an async generator, even at module or class level.
                FrameKind::Comprehension {
                    generator: true, ..
                } => return true,
                FrameKind::Class | FrameKind::Module => return false,
                FrameKind::Comprehension { .. } | FrameKind::Annotation => {}
            }
        }
        false
    }

    fn in_yield_allowed_context(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Function { .. } | FrameKind::Lambda => return true,
                FrameKind::Class | FrameKind::Module | FrameKind::Comprehension { .. } => {
                    return false;
                }
                FrameKind::Annotation => {}
            }
        }
        false
    }

    fn in_sync_comprehension(&self) -> bool {
        self.frames.iter().rev().any(|frame| {
            matches!(
                frame.kind,
                FrameKind::Comprehension {
                    generator: false,
                    is_async: false
                }
            )
        })
    }

    fn in_class_body_comprehension(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Class => return true,
                FrameKind::Comprehension { .. } | FrameKind::Annotation => {}
                FrameKind::Function { .. } | FrameKind::Lambda | FrameKind::Module => {
                    return false;
                }
            }
        }
        false
    }

    fn in_module_scope(&self) -> bool {
        self.top().kind == FrameKind::Module
    }

    fn in_function_scope(&self) -> bool {
        matches!(
            self.top().kind,
            FrameKind::Function { .. } | FrameKind::Lambda
        )
    }

    fn in_generator_context(&self) -> bool {
        for frame in self.frames.iter().rev() {
            match frame.kind {
                FrameKind::Comprehension {
                    generator: true, ..
                } => return true,
                FrameKind::Comprehension { .. } | FrameKind::Annotation => {}
                _ => return false,
            }
        }
        false
    }

    fn in_notebook(&self) -> bool {
        false
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        self.errors.borrow_mut().push(error);
    }

    fn in_loop_context(&self) -> bool {
        self.top().loop_depth > 0
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        let frame = self.top();
        matches!(frame.kind, FrameKind::Function { .. } | FrameKind::Lambda)
            && frame
                .scope
                .is_some_and(|scope| self.scopes[scope].params.contains(name))
    }
}

#[cfg(test)]
mod tests {
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
}
