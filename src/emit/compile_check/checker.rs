//! The context ruff's semantic syntax checker asks of a module (`await` outside `async`,
//! `return` outside a function, …), kept as a stack of frames while it is walked.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Comprehension, Expr, Parameters, PythonVersion, Stmt};
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxChecker, SemanticSyntaxContext, SemanticSyntaxError,
};
use ruff_text_size::{Ranged, TextRange};
use std::cell::RefCell;
use std::collections::HashSet;

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameKind {
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

pub(super) struct Frame {
    pub(super) kind: FrameKind,
    /// Index into the scopes of pass 1 (`None` for annotation frames, or if not found).
    pub(super) scope: Option<usize>,
    /// Enclosing `for`/`while` bodies within this frame.
    pub(super) loop_depth: u32,
}

pub(super) struct Driver<'a, 'src> {
    pub(super) scopes: Vec<SymbolTable<'a>>,
    pub(super) index: ScopeIndex,
    pub(super) frames: Vec<Frame>,
    pub(super) checker: SemanticSyntaxChecker,
    pub(super) source: &'src str,
    pub(super) future_annotations: bool,
    pub(super) errors: RefCell<Vec<SemanticSyntaxError>>,
    /// Targets of non-simple annotated assignments (`(x): int`).
    pub(super) nonsimple_annotated: HashSet<TextRange>,
    /// Comprehension frames on the stack.
    pub(super) comprehension_depth: usize,
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
