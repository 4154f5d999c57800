//! The parents of a module's expressions, built once per file: what each use of an object
//! sits in (an attribute, a call, an argument, a `with`, a return), so its flow can be read.

use crate::fix::PassedAs;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{CmpOp, Expr, ExprCall, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap as HashMap;

/// How an expression that denotes the object is used by its parent.
#[derive(Debug, Clone, Copy)]
pub enum Parent<'a> {
    /// `obj.name(...)`.
    Method {
        call: &'a ExprCall,
        attr: &'a ruff_python_ast::ExprAttribute,
        discarded: bool,
    },
    /// `obj.name`, not called.
    Attribute {
        attr: &'a ruff_python_ast::ExprAttribute,
    },
    /// `with obj:`.
    With,
    /// `if obj:`, `obj is None`, `not obj`.
    Test,
    /// `for x in obj:`, `[... for x in obj]`: iterated.
    Iter,
    /// `return obj`: followed into the callers of the function when the project plan can
    /// see them all, an escape otherwise.
    Returned,
    /// Passed to a function imported from another module (`helpers.notify(ev)`): followed
    /// there when the project plan can see that function, an escape otherwise.
    Passed {
        call: &'a ExprCall,
        /// The callee as written here (`helpers.notify`, `notify`).
        function: &'a Expr,
        slot: Slot<'a>,
    },
}

/// One use of a tracked object.
#[derive(Debug, Clone, Copy)]
pub struct Use<'a> {
    /// The expression denoting the object (`pool`, `self._pool`).
    pub range: TextRange,
    /// `None`: anything else (passed, returned, stored): the object escapes.
    pub parent: Option<Parent<'a>>,
}

/// Parent contexts of every expression, built once per module.
pub struct Parents<'a> {
    pub(super) by_child: HashMap<TextRange, Parent<'a>>,
    /// `self.<attr>` expressions per class: `(class range, attr name)` → attribute ranges
    /// (loads) and whether each is a store of something else.
    pub(super) self_attrs: HashMap<(TextRange, String), Vec<(TextRange, SelfAccess<'a>)>>,
    /// Ranges of loop statements, to tell whether a use is inside a loop.
    pub(super) loops: Vec<TextRange>,
    /// Class and function definitions: `(range, is_class)`.
    pub(super) defs: Vec<(TextRange, bool)>,
    /// Function definitions and their names.
    pub(super) functions: Vec<(TextRange, String)>,
    /// Bodies of `try` statements that have `except` handlers.
    pub(super) guarded: Vec<TextRange>,
    /// An element of a list display or the element of a list comprehension → that list,
    /// and for a display, its elements.
    pub(super) elements: HashMap<TextRange, (TextRange, Option<&'a [Expr]>)>,
    /// The value of `name = value` → the name.
    pub(super) assigned: HashMap<TextRange, &'a Expr>,
    /// Where `name = value` binds the name → the value.
    pub(super) assignments: HashMap<ruff_text_size::TextSize, &'a Expr>,
    /// What is iterated → the loop's target and the range the target is used in (the `for`
    /// statement, or the comprehension).
    pub(super) iterations: HashMap<TextRange, (&'a Expr, TextRange)>,
    /// An argument → its call and where it goes (a position, or a keyword).
    pub(super) arguments: HashMap<TextRange, (&'a ExprCall, Slot<'a>)>,
    /// Calls that call the function they are given (`spawn(f, *args)`) → that argument's index.
    pub(super) function_args: HashMap<TextRange, usize>,
    /// Every function definition, for following an object into the parameter it is passed to.
    pub(super) function_defs: Vec<&'a ruff_python_ast::StmtFunctionDef>,
    /// How many times each attribute name appears (`x.name`), to tell a method called once.
    pub(super) attribute_names: HashMap<&'a str, usize>,
    /// What is subscripted (`d` in `d[k]`) → the subscript.
    pub(super) subscripts: HashMap<TextRange, &'a ruff_python_ast::ExprSubscript>,
    /// `d[k] = value`: the subscript → the value, and the value → the subscript.
    pub(super) stores: HashMap<TextRange, &'a Expr>,
    pub(super) stored_at: HashMap<TextRange, &'a ruff_python_ast::ExprSubscript>,
    /// The right side of `k in d` / `k not in d`.
    pub(super) contained: rustc_hash::FxHashSet<TextRange>,
    /// A value of a dict display → the display.
    pub(super) dict_values: HashMap<TextRange, &'a ruff_python_ast::ExprDict>,
}

/// Tells, for a call that calls the function it is given (`spawn(f, *args)`), that argument's
/// index.
pub type CallsFunction<'a> = Box<dyn Fn(&ExprCall) -> Option<CallRole> + Send + Sync + 'a>;

/// What a call does with one of its arguments, by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallRole {
    /// Calls it, with the arguments after it (`spawn(f, *args)`).
    CallsFunction(usize),
    /// Iterates it to its end before returning (`sum(pile)`).
    Iterates(usize),
}

/// The elements of a list or tuple display (`None` for anything else, or one with a
/// starred element, whose positions are not known).
pub(super) fn displayed(expr: &Expr) -> Option<&[Expr]> {
    let elts = match expr {
        Expr::List(list) => &list.elts[..],
        Expr::Tuple(tuple) => &tuple.elts[..],
        _ => return None,
    };
    (!elts.iter().any(Expr::is_starred_expr)).then_some(elts)
}

/// [`Parents`], built on first use: most modules have no object to follow.
pub struct LazyParents<'a> {
    body: &'a [Stmt],
    calls_function: CallsFunction<'a>,
    built: std::sync::OnceLock<Parents<'a>>,
}

/// Builtins that read an object's identity or text only: passing an object to them is no
/// handing it on (`id(getcurrent())`).
pub(super) const IDENTITY_BUILTINS: &[&str] = &["id", "hash", "str", "repr", "print", "format"];

/// Logger methods: they format their arguments (`LOG.debug('owner %r', owner)`).
pub(super) const LOGGER_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
];

impl<'a> Parents<'a> {
    /// The call the expression at `range` is an argument of, and where it is passed.
    pub fn argument_slot(&self, range: TextRange) -> Option<(&'a ExprCall, Slot<'a>)> {
        self.arguments.get(&range).copied()
    }

    /// The call the expression at `range` is an argument of.
    pub fn call_of_argument(&self, range: TextRange) -> Option<&'a ExprCall> {
        self.arguments.get(&range).map(|(call, _)| *call)
    }

    /// Whether the expression at `range` is an argument of a call other than an identity
    /// builtin ([`IDENTITY_BUILTINS`]) or a logger's method: handed to code that may use the
    /// object itself.
    pub fn passed_on(&self, range: TextRange) -> bool {
        self.arguments
            .get(&range)
            .is_some_and(|(call, _)| match &*call.func {
                Expr::Name(name) => !IDENTITY_BUILTINS.contains(&name.id.as_str()),
                Expr::Attribute(attr) => !LOGGER_METHODS.contains(&attr.attr.as_str()),
                _ => true,
            })
    }
}

impl<'a> LazyParents<'a> {
    pub fn new(body: &'a [Stmt], calls_function: CallsFunction<'a>) -> LazyParents<'a> {
        LazyParents {
            body,
            calls_function,
            built: std::sync::OnceLock::new(),
        }
    }

    /// The module's statements.
    pub fn body(&self) -> &'a [Stmt] {
        self.body
    }

    pub fn get(&self) -> &Parents<'a> {
        self.built.get_or_init(|| {
            crate::trace::timed("objects (parents)", || {
                Parents::build_with(self.body, &*self.calls_function)
            })
        })
    }
}

/// Where an argument is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot<'a> {
    Position(usize),
    Keyword(&'a str),
}

impl Slot<'_> {
    pub fn owned(self) -> PassedAs {
        match self {
            Slot::Position(i) => PassedAs::Position(i),
            Slot::Keyword(k) => PassedAs::Keyword(k.to_string()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum SelfAccess<'a> {
    Load,
    /// `self.attr = value`.
    Store(&'a Expr),
    Other,
}

impl<'a> Parents<'a> {
    pub fn build(body: &'a [Stmt]) -> Parents<'a> {
        Parents::build_with(body, &|_| None)
    }

    /// `calls_function` tells, for a call that calls the function it is given, that
    /// argument's index.
    pub fn build_with(
        body: &'a [Stmt],
        calls_function: &dyn Fn(&ExprCall) -> Option<CallRole>,
    ) -> Parents<'a> {
        let mut collector = UseCollector {
            calls_function,
            parents: Parents {
                by_child: HashMap::default(),
                self_attrs: HashMap::default(),
                loops: Vec::new(),
                defs: Vec::new(),
                functions: Vec::new(),
                guarded: Vec::new(),
                elements: HashMap::default(),
                assigned: HashMap::default(),
                assignments: HashMap::default(),
                iterations: HashMap::default(),
                arguments: HashMap::default(),
                function_args: HashMap::default(),
                function_defs: Vec::new(),
                attribute_names: HashMap::default(),
                subscripts: HashMap::default(),
                stores: HashMap::default(),
                stored_at: HashMap::default(),
                contained: rustc_hash::FxHashSet::default(),
                dict_values: HashMap::default(),
            },
            discarded: None,
            classes: Vec::new(),
        };
        collector.visit_body(body);
        collector.parents
    }

    /// The call `range` is the only argument of (`sum(x)`).
    pub fn sole_argument_of(&self, range: TextRange) -> Option<&'a ExprCall> {
        match self.arguments.get(&range) {
            Some((call, Slot::Position(0))) if call.arguments.len() == 1 => Some(call),
            _ => None,
        }
    }

    /// How many times `name` appears as an attribute (`x.name`) in the module.
    pub fn attribute_count(&self, name: &str) -> usize {
        self.attribute_names.get(name).copied().unwrap_or(0)
    }

    pub fn parent(&self, range: TextRange) -> Option<Parent<'a>> {
        self.by_child.get(&range).copied()
    }

    pub fn in_loop(&self, range: TextRange, within: TextRange) -> bool {
        self.loops
            .iter()
            .any(|l| l.contains_range(range) && within.contains_range(*l))
    }

    /// The name of the innermost function definition containing `range`.
    pub fn function_name(&self, range: TextRange) -> Option<&str> {
        self.functions
            .iter()
            .filter(|(r, _)| r.contains_range(range) && *r != range)
            .min_by_key(|(r, _)| r.len())
            .map(|(_, name)| name.as_str())
    }

    /// What `name = value` assigns `value` (by its range) to.
    pub fn assigned_to(&self, value: TextRange) -> Option<&'a Expr> {
        self.assigned.get(&value).copied()
    }

    /// Whether `range` is in the body of a `try` with `except` handlers.
    pub fn guarded(&self, range: TextRange) -> bool {
        self.guarded.iter().any(|g| g.contains_range(range))
    }

    /// The value `name = value` assigns, by where the name starts.
    pub fn assignment_value(&self, name_start: ruff_text_size::TextSize) -> Option<&'a Expr> {
        self.assignments.get(&name_start).copied()
    }

    /// The function definition whose range is `range`.
    pub fn function_def_at(
        &self,
        range: TextRange,
    ) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
        self.function_defs
            .iter()
            .copied()
            .find(|d| d.range == range)
    }

    /// The function definition that starts at `start` (where its name is bound).
    pub fn function_def_starting(
        &self,
        start: ruff_text_size::TextSize,
    ) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
        self.function_defs
            .iter()
            .copied()
            .find(|d| d.range.start() == start)
    }

    /// The method `name` defined directly in the class whose range is `class`, when it is
    /// defined there once.
    pub fn method_named(
        &self,
        class: TextRange,
        name: &str,
    ) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
        let mut found = self.function_defs.iter().copied().filter(|d| {
            d.name.as_str() == name
                && self.innermost(d.range, true) == Some(class)
                && self
                    .innermost(d.range, false)
                    .is_none_or(|f| f.contains_range(class))
        });
        let method = found.next()?;
        found.next().is_none().then_some(method)
    }

    /// The innermost class (`classes = true`) or function definition containing `range`.
    pub fn innermost(&self, range: TextRange, classes: bool) -> Option<TextRange> {
        self.defs
            .iter()
            .filter(|(r, is_class)| *is_class == classes && r.contains_range(range) && *r != range)
            .min_by_key(|(r, _)| r.len())
            .map(|(r, _)| *r)
    }
}

pub(super) struct UseCollector<'a, 'f> {
    calls_function: &'f dyn Fn(&ExprCall) -> Option<CallRole>,
    parents: Parents<'a>,
    discarded: Option<TextRange>,
    /// Enclosing classes and, inside a method, the name of its first parameter.
    classes: Vec<(TextRange, Option<String>)>,
}

impl<'a> UseCollector<'a, '_> {
    /// A comprehension's loops: each iterable → its target, used within the comprehension.
    fn iterations(&mut self, generators: &'a [ruff_python_ast::Comprehension], within: TextRange) {
        for generator in generators {
            self.parents
                .iterations
                .insert(generator.iter.range(), (&generator.target, within));
        }
    }

    fn test(&mut self, expr: &'a Expr) {
        self.parents.by_child.insert(expr.range(), Parent::Test);
    }

    fn self_attr(&mut self, expr: &'a Expr, access: SelfAccess<'a>) {
        let Expr::Attribute(attr) = expr else { return };
        let Expr::Name(base) = &*attr.value else {
            return;
        };
        let Some((class, Some(self_name))) = self.classes.last() else {
            return;
        };
        if base.id.as_str() == self_name {
            self.parents
                .self_attrs
                .entry((*class, attr.attr.to_string()))
                .or_default()
                .push((attr.range, access));
        }
    }
}

impl<'a> Visitor<'a> for UseCollector<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let saved = self.discarded.take();
        match stmt {
            Stmt::Expr(e) => self.discarded = Some(e.value.range()),
            Stmt::If(s) => self.test(&s.test),
            Stmt::While(s) => {
                self.test(&s.test);
                self.parents.loops.push(s.range);
            }
            Stmt::For(s) => {
                self.parents.loops.push(s.range);
                self.parents.by_child.insert(s.iter.range(), Parent::Iter);
                self.parents
                    .iterations
                    .insert(s.iter.range(), (&s.target, s.range));
            }
            Stmt::Try(t) if !t.handlers.is_empty() => {
                if let (Some(first), Some(last)) = (t.body.first(), t.body.last()) {
                    self.parents.guarded.push(first.range().cover(last.range()));
                }
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    self.parents
                        .by_child
                        .insert(value.range(), Parent::Returned);
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.parents
                        .by_child
                        .insert(item.context_expr.range(), Parent::With);
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.self_attr(target, SelfAccess::Store(&assign.value));
                }
                if let [target @ Expr::Name(_)] = &assign.targets[..] {
                    self.parents.assigned.insert(assign.value.range(), target);
                    self.parents
                        .assignments
                        .insert(target.range().start(), &assign.value);
                }
                if let [Expr::Subscript(sub)] = &assign.targets[..] {
                    self.parents.stores.insert(sub.range, &assign.value);
                    self.parents.stored_at.insert(assign.value.range(), sub);
                }
                // `a, b = Event(), Event()`: each name is assigned its value.
                if let ([target], Some(values)) = (&assign.targets[..], displayed(&assign.value)) {
                    let names = displayed(target).filter(|names| names.len() == values.len());
                    for (name, value) in names.into_iter().flatten().zip(values) {
                        if name.is_name_expr() && !value.is_starred_expr() {
                            self.parents.assigned.insert(value.range(), name);
                            self.parents.assignments.insert(name.range().start(), value);
                        }
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.self_attr(&assign.target, SelfAccess::Store(value));
                }
            }
            Stmt::AugAssign(assign) => self.self_attr(&assign.target, SelfAccess::Other),
            Stmt::ClassDef(class) => {
                self.parents.defs.push((class.range, true));
                self.classes.push((class.range, None));
                visitor::walk_stmt(self, stmt);
                self.classes.pop();
                self.discarded = saved;
                return;
            }
            Stmt::FunctionDef(def) => {
                self.parents.defs.push((def.range, false));
                self.parents.function_defs.push(def);
                self.parents
                    .functions
                    .push((def.range, def.name.to_string()));
                // A method of the innermost class: its first parameter is `self`.
                let first = crate::syntax::names::positional(&def.parameters).next();
                let in_class = self.classes.last().is_some_and(|(_, s)| s.is_none());
                if in_class {
                    let class = self.classes.last().map(|c| c.0).unwrap_or_default();
                    self.classes
                        .push((class, first.map(|p| p.parameter.name.to_string())));
                    visitor::walk_stmt(self, stmt);
                    self.classes.pop();
                    self.discarded = saved;
                    return;
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
        self.discarded = saved;
    }

    fn visit_comprehension(&mut self, comprehension: &'a ruff_python_ast::Comprehension) {
        self.parents
            .by_child
            .insert(comprehension.iter.range(), Parent::Iter);
        visitor::walk_comprehension(self, comprehension);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::ListComp(comp) => {
                self.parents
                    .elements
                    .insert(comp.elt.range(), (comp.range, None));
                self.iterations(&comp.generators, comp.range);
            }
            Expr::SetComp(comp) => self.iterations(&comp.generators, comp.range),
            Expr::Generator(comp) => self.iterations(&comp.generators, comp.range),
            // A tuple in brackets, as a list (one without cannot break inside them).
            Expr::List(_)
            | Expr::Tuple(ruff_python_ast::ExprTuple {
                parenthesized: true,
                ..
            }) => {
                if let Some(elts) = displayed(expr) {
                    for elt in elts {
                        self.parents
                            .elements
                            .insert(elt.range(), (expr.range(), Some(elts)));
                    }
                }
            }
            Expr::Call(call) => {
                for (i, arg) in call.arguments.args.iter().enumerate() {
                    if arg.is_starred_expr() {
                        break;
                    }
                    self.parents
                        .arguments
                        .insert(arg.range(), (call, Slot::Position(i)));
                }
                for keyword in &call.arguments.keywords {
                    if let Some(name) = &keyword.arg {
                        self.parents
                            .arguments
                            .insert(keyword.value.range(), (call, Slot::Keyword(name.as_str())));
                    }
                }
                match (self.calls_function)(call) {
                    Some(CallRole::CallsFunction(index)) => {
                        self.parents.function_args.insert(call.range(), index);
                    }
                    // Alone: `min(a, b)` compares its arguments instead.
                    Some(CallRole::Iterates(0))
                        if call.arguments.args.len() == 1
                            && !call.arguments.args[0].is_starred_expr() =>
                    {
                        self.parents
                            .by_child
                            .insert(call.arguments.args[0].range(), Parent::Iter);
                    }
                    _ => {}
                }
                if let Expr::Attribute(attr) = &*call.func {
                    let discarded = self.discarded == Some(call.range());
                    self.parents.by_child.insert(
                        attr.value.range(),
                        Parent::Method {
                            call,
                            attr,
                            discarded,
                        },
                    );
                }
            }
            Expr::Attribute(attr) => {
                *self
                    .parents
                    .attribute_names
                    .entry(attr.attr.as_str())
                    .or_default() += 1;
                self.parents
                    .by_child
                    .entry(attr.value.range())
                    .or_insert(Parent::Attribute { attr });
                if attr.ctx == ruff_python_ast::ExprContext::Load {
                    self.self_attr(expr, SelfAccess::Load);
                } else if attr.ctx == ruff_python_ast::ExprContext::Del {
                    self.self_attr(expr, SelfAccess::Other);
                }
            }
            Expr::Subscript(sub) => {
                self.parents.subscripts.insert(sub.value.range(), sub);
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    self.parents.dict_values.insert(item.value.range(), dict);
                }
            }
            Expr::Compare(cmp)
                if cmp
                    .ops
                    .iter()
                    .all(|op| matches!(op, CmpOp::In | CmpOp::NotIn)) =>
            {
                for c in &cmp.comparators {
                    self.parents.contained.insert(c.range());
                }
            }
            Expr::BoolOp(op) => {
                for value in &op.values {
                    self.test(value);
                }
            }
            Expr::UnaryOp(op) if op.op == UnaryOp::Not => self.test(&op.operand),
            Expr::If(e) => self.test(&e.test),
            Expr::Compare(cmp)
                if cmp
                    .ops
                    .iter()
                    .all(|op| matches!(op, CmpOp::Is | CmpOp::IsNot)) =>
            {
                self.test(&cmp.left);
                for c in &cmp.comparators {
                    self.test(c);
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
