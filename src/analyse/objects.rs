//! Following the objects Eventlet constructors create: where a call's result is stored (a
//! local or global name, or `self.<attr>` set in a method), and every later use of it, so a
//! recipe can rewrite the methods called on it or report what it cannot.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{CmpOp, Expr, ExprCall, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use crate::fix::{Family, PassedAs, RemoteCallers, RemoteParameter};
use crate::syntax::semantic::{BindingKind, ScopeKind, Semantic};

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
    by_child: HashMap<TextRange, Parent<'a>>,
    /// `self.<attr>` expressions per class: `(class range, attr name)` → attribute ranges
    /// (loads) and whether each is a store of something else.
    self_attrs: HashMap<(TextRange, String), Vec<(TextRange, SelfAccess<'a>)>>,
    /// Ranges of loop statements, to tell whether a use is inside a loop.
    loops: Vec<TextRange>,
    /// Class and function definitions: `(range, is_class)`.
    defs: Vec<(TextRange, bool)>,
    /// Function definitions and their names.
    functions: Vec<(TextRange, String)>,
    /// Bodies of `try` statements that have `except` handlers.
    guarded: Vec<TextRange>,
    /// An element of a list display or the element of a list comprehension → that list,
    /// and for a display, its elements.
    elements: HashMap<TextRange, (TextRange, Option<&'a [Expr]>)>,
    /// The value of `name = value` → the name.
    assigned: HashMap<TextRange, &'a Expr>,
    /// Where `name = value` binds the name → the value.
    assignments: HashMap<ruff_text_size::TextSize, &'a Expr>,
    /// What is iterated → the loop's target and the range the target is used in (the `for`
    /// statement, or the comprehension).
    iterations: HashMap<TextRange, (&'a Expr, TextRange)>,
    /// An argument → its call and where it goes (a position, or a keyword).
    arguments: HashMap<TextRange, (&'a ExprCall, Slot<'a>)>,
    /// Calls that call the function they are given (`spawn(f, *args)`) → that argument's index.
    function_args: HashMap<TextRange, usize>,
    /// Every function definition, for following an object into the parameter it is passed to.
    function_defs: Vec<&'a ruff_python_ast::StmtFunctionDef>,
    /// How many times each attribute name appears (`x.name`), to tell a method called once.
    attribute_names: HashMap<&'a str, usize>,
    /// What is subscripted (`d` in `d[k]`) → the subscript.
    subscripts: HashMap<TextRange, &'a ruff_python_ast::ExprSubscript>,
    /// `d[k] = value`: the subscript → the value, and the value → the subscript.
    stores: HashMap<TextRange, &'a Expr>,
    stored_at: HashMap<TextRange, &'a ruff_python_ast::ExprSubscript>,
    /// The right side of `k in d` / `k not in d`.
    contained: rustc_hash::FxHashSet<TextRange>,
    /// A value of a dict display → the display.
    dict_values: HashMap<TextRange, &'a ruff_python_ast::ExprDict>,
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
fn displayed(expr: &Expr) -> Option<&[Expr]> {
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
const IDENTITY_BUILTINS: &[&str] = &["id", "hash", "str", "repr", "print", "format"];

/// Logger methods: they format their arguments (`LOG.debug('owner %r', owner)`).
const LOGGER_METHODS: &[&str] = &[
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

    /// The innermost class (`classes = true`) or function definition containing `range`.
    pub fn innermost(&self, range: TextRange, classes: bool) -> Option<TextRange> {
        self.defs
            .iter()
            .filter(|(r, is_class)| *is_class == classes && r.contains_range(range) && *r != range)
            .min_by_key(|(r, _)| r.len())
            .map(|(r, _)| *r)
    }
}

struct UseCollector<'a, 'f> {
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
                let first = def
                    .parameters
                    .posonlyargs
                    .iter()
                    .chain(&def.parameters.args)
                    .next();
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

/// What a constructor call's result is bound to, and how it is used.
#[derive(Debug, Clone)]
pub struct Tracked<'a> {
    pub uses: Vec<Use<'a>>,
    /// `self.<attr>`: code outside the class may use it too.
    pub is_attribute: bool,
    /// A parameter another module passes the object to: the caller may use it after the
    /// call, so no use here is its last.
    pub borrowed: bool,
    /// Made by code elsewhere (passed in, or returned by a call): it is started where it
    /// is made, not here.
    pub made_elsewhere: bool,
    /// The scope range the object lives in (function or class), for loop checks.
    pub within: TextRange,
    /// Module-level functions it was followed into (other modules may call them too).
    pub crossed: Vec<String>,
    /// The objects bound to the same name, made the same way, if there are others.
    pub family: Option<Family>,
    /// Used where it is made, never stored (`spawn(f).wait()`): its one use is all there is.
    pub in_place: bool,
    /// The statement that makes it, when it is made once (not one per element of a list).
    pub made_at: Option<TextRange>,
}

impl<'a> Tracked<'a> {
    /// An object used where it is made, never stored (`Event().wait()`): its one use.
    pub fn in_place(range: TextRange, parent: Parent<'a>, within: TextRange) -> Tracked<'a> {
        Tracked {
            uses: vec![Use {
                range,
                parent: Some(parent),
            }],
            in_place: true,
            ..Tracked::unused(within)
        }
    }

    /// An object nothing uses (the value of an expression statement).
    fn unused(within: TextRange) -> Tracked<'a> {
        Tracked {
            uses: Vec::new(),
            is_attribute: false,
            borrowed: false,
            made_elsewhere: false,
            within,
            crossed: Vec::new(),
            family: None,
            in_place: false,
            made_at: None,
        }
    }
}

/// Why an object cannot be followed.
pub type Untrackable = String;

/// What following an object needs: its module's names and parent contexts, and whether a
/// name is mentioned by another file of the project (code there could call what the object
/// is passed to).
#[derive(Clone, Copy)]
pub struct Flow<'m, 'a> {
    pub semantic: &'m Semantic,
    pub parents: &'m Parents<'a>,
    pub elsewhere: &'m dyn OtherFiles,
}

/// The other files of the project, as far as following an object needs them.
pub trait OtherFiles: Sync {
    /// Whether any of them mentions `name` (as a whole word).
    fn mention(&self, name: &str) -> bool;

    /// The parameter of another module's function that an argument passed to `callee` (its
    /// qualified name as imported here, `.helpers.notify` when relative) as `slot` reaches:
    /// `None` while the project plan has not looked (the question is remembered), or an
    /// error saying why it cannot be followed there.
    fn parameter(
        &self,
        _callee: &str,
        _slot: &PassedAs,
    ) -> Option<Result<&RemoteParameter, String>> {
        None
    }

    /// What the callers of `function` (a module-level function of this module) do with
    /// what it returns, wherever in the project they are: `None` while the plan has not
    /// looked (the question is remembered), or why they cannot be followed.
    fn callers(&self, _function: &str) -> Option<Result<&RemoteCallers, String>> {
        None
    }
}

/// A file judged alone: it is the whole project.
pub struct NoOtherFiles;

impl OtherFiles for NoOtherFiles {
    fn mention(&self, _name: &str) -> bool {
        false
    }
}

/// Follows the object assigned by `stmt` (an assignment whose value is the constructor call).
pub fn track<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let everything = TextRange::up_to(u32::MAX.into());
    match target {
        Expr::Name(name) => {
            let Some(stmt) = semantic.stmt_id(stmt_range) else {
                return Err("statement not found".into());
            };
            let scope = semantic.stmts[stmt].scope;
            let bindings = semantic.bindings_of(scope, name.id.as_str());
            let others = bindings
                .iter()
                .filter(|&&b| !matches!(semantic.bindings[b].kind, BindingKind::Other))
                .count();
            // The name must bind here (`global x` binds elsewhere: its uses are not these).
            if !bindings
                .iter()
                .any(|&b| semantic.bindings[b].start == name.range.start())
            {
                return Err(format!("`{}` is bound in another scope", name.id));
            }
            let mut family = None;
            if bindings.len() != 1 || others > 0 {
                // Every binding a new object made the same way (`gt = spawn(f)` twice in one
                // test): one family, whose members are rewritten together or not at all.
                let constructor = |start| match parents.assignments.get(&start) {
                    Some(Expr::Call(call)) => Some(ComparableExpr::from(&*call.func)),
                    _ => None,
                };
                let mine = constructor(name.range.start());
                let same = mine.is_some()
                    && others == 0
                    && bindings
                        .iter()
                        .all(|&b| constructor(semantic.bindings[b].start) == mine);
                if !same {
                    return Err(format!("`{}` is assigned more than once", name.id));
                }
                family = Some(Family {
                    key: format!("{scope}:{}", name.id),
                    members: bindings.len(),
                    name: name.id.to_string(),
                    held: false,
                });
            }
            let uses = uses_of(semantic, parents, scope, name.id.as_str());
            let mut crossed = Vec::new();
            let uses = into_functions(flow, uses, 3, &mut crossed);
            let within = if semantic.scopes[scope].kind == ScopeKind::Module {
                everything
            } else {
                parents.innermost(stmt_range, false).unwrap_or(everything)
            };
            Ok(Tracked {
                uses,
                is_attribute: false,
                borrowed: false,
                made_elsewhere: false,
                within,
                crossed,
                family,
                in_place: false,
                made_at: Some(stmt_range),
            })
        }
        Expr::Attribute(attr) => {
            let Some(class) = parents.innermost(stmt_range, true) else {
                return Err("assigned to an attribute outside a class".into());
            };
            let key = (class, attr.attr.to_string());
            let Some(accesses) = parents.self_attrs.get(&key) else {
                return Err("assigned to an attribute of something other than `self`".into());
            };
            // The constructor this site stores: another method may store a new object made
            // the same way (`self._pool = GreenPool(n)` in `__init__` and in `reset`): one
            // family, rewritten together.
            let mine = accesses.iter().find_map(|(range, access)| match access {
                SelfAccess::Store(Expr::Call(call)) if range == &attr.range => Some(&call.func),
                _ => None,
            });
            let same_constructor = |value: &Expr| {
                matches!((value, mine), (Expr::Call(call), Some(func))
                    if ComparableExpr::from(&*call.func) == ComparableExpr::from(&**func))
            };
            let mut uses = Vec::new();
            for (range, access) in accesses {
                match access {
                    SelfAccess::Load => uses.push(Use {
                        range: *range,
                        parent: parents.parent(*range),
                    }),
                    SelfAccess::Store(_) if range == &attr.range => {}
                    SelfAccess::Store(Expr::NoneLiteral(_)) => {}
                    SelfAccess::Store(value) if same_constructor(value) => {}
                    SelfAccess::Store(_) | SelfAccess::Other => {
                        return Err(format!("`self.{}` is assigned more than once", attr.attr));
                    }
                }
            }
            Ok(Tracked {
                uses,
                is_attribute: true,
                borrowed: false,
                made_elsewhere: false,
                within: class,
                crossed: Vec::new(),
                family: None,
                in_place: false,
                made_at: Some(stmt_range),
            })
        }
        _ => Err("assigned to something other than a name or `self.<attr>`".into()),
    }
}

/// The object a call makes as an argument (`serve(eventlet.listen(addr))`), when it can be
/// followed into the function it is passed to: that parameter's uses, as for a name passed
/// there. `None` when it is not an argument, or goes where nothing follows it.
pub fn track_argument<'a>(
    flow: &Flow<'_, 'a>,
    argument: TextRange,
    stmt_range: TextRange,
) -> Option<Tracked<'a>> {
    flow.parents.arguments.get(&argument)?;
    let mut crossed = Vec::new();
    let passed = vec![Use {
        range: argument,
        parent: None,
    }];
    let uses = into_functions(flow, passed, 3, &mut crossed);
    if let [Use {
        parent: None,
        range,
    }] = uses[..]
    {
        if range == argument {
            return None;
        }
    }
    let everything = TextRange::up_to(u32::MAX.into());
    Some(Tracked {
        uses,
        crossed,
        made_at: Some(stmt_range),
        ..Tracked::unused(
            flow.parents
                .innermost(stmt_range, false)
                .unwrap_or(everything),
        )
    })
}

/// Every read of `name` bound in `scope`, with its parent context (`del name` escapes).
fn uses_of<'a>(
    semantic: &Semantic,
    parents: &Parents<'a>,
    scope: crate::syntax::semantic::ScopeId,
    name: &str,
) -> Vec<Use<'a>> {
    semantic
        .references_to(scope, name)
        .map(|r| Use {
            range: r.range,
            parent: if r.is_del {
                None
            } else {
                parents.parent(r.range)
            },
        })
        .collect()
}

/// Uses that pass the object to a function of the module (`worker(done)`, or through a call
/// that calls it: `eventlet.spawn_n(worker, done)`) become the uses of that function's
/// parameter, when the function is called nowhere else and does not rebind the parameter.
/// Other escaping uses stay escapes. `depth` bounds the chain of functions followed.
fn into_functions<'a>(
    flow: &Flow<'_, 'a>,
    uses: Vec<Use<'a>>,
    depth: usize,
    crossed: &mut Vec<String>,
) -> Vec<Use<'a>> {
    let mut out = Vec::with_capacity(uses.len());
    for u in uses {
        match (u.parent, depth > 0) {
            (None, true) => match parameter_uses(flow, u.range, crossed) {
                Some(inner) => out.extend(into_functions(flow, inner, depth - 1, crossed)),
                None => out.push(Use {
                    range: u.range,
                    parent: passed_elsewhere(flow, u.range),
                }),
            },
            _ => out.push(u),
        }
    }
    out
}

/// Where an argument goes: the call, the function that receives it (the callee, or the
/// function a spawn-like call calls), and its slot there.
fn passed_to<'a>(
    parents: &Parents<'a>,
    argument: TextRange,
) -> Option<(&'a ExprCall, &'a Expr, Slot<'a>)> {
    let (call, slot) = *parents.arguments.get(&argument)?;
    // A call that calls the function it is given passes it the arguments after it, and every
    // keyword (`spawn(f, x, done=ev)`).
    Some(match (parents.function_args.get(&call.range()), slot) {
        (Some(&f), Slot::Position(p)) if p > f => {
            (call, call.arguments.args.get(f)?, Slot::Position(p - f - 1))
        }
        (Some(_), Slot::Position(_)) => return None,
        (Some(&f), keyword) => (call, call.arguments.args.get(f)?, keyword),
        (None, slot) => (call, &*call.func, slot),
    })
}

/// The argument at `argument` as passed to a function imported from another module (not
/// eventlet's), or to a function of this module called from several places: the project
/// plan may follow it there, with every caller.
fn passed_elsewhere<'a>(flow: &Flow<'_, 'a>, argument: TextRange) -> Option<Parent<'a>> {
    let (call, function, slot) = passed_to(flow.parents, argument)?;
    let callee = passed_callee(flow.semantic, function)?;
    (!crate::syntax::imports::is_eventlet(&callee)).then_some(Parent::Passed {
        call,
        function,
        slot,
    })
}

/// How the project plan names the function `function` denotes: its qualified name when
/// imported (`pkg.helpers.notify`, `.helpers.notify`), its bare name for a module-level
/// name of this module bound once (`notify`: no dot).
pub fn passed_callee(semantic: &Semantic, function: &Expr) -> Option<String> {
    if let Expr::Name(name) = function {
        let reference = semantic.reference_at(name.range.start())?;
        let module = crate::syntax::semantic::MODULE_SCOPE;
        if reference.resolved == Some(module) {
            return match semantic.bindings_of(module, name.id.as_str()) {
                [binding] if matches!(semantic.bindings[*binding].kind, BindingKind::Other) => {
                    Some(name.id.to_string())
                }
                _ => imported_callee(semantic, function),
            };
        }
    }
    imported_callee(semantic, function)
}

/// The qualified name of `function` when it is a name imported here, or an attribute of
/// one (`helpers.notify` after `from pkg import helpers`).
pub fn imported_callee(semantic: &Semantic, function: &Expr) -> Option<String> {
    let mut base = function;
    while let Expr::Attribute(attr) = base {
        base = &attr.value;
    }
    let Expr::Name(name) = base else {
        return None;
    };
    let reference = semantic.reference_at(name.range.start())?;
    semantic.unique_import(reference.resolved?, name.id.as_str())?;
    semantic.expr_qualified_name(function)
}

/// The uses of the parameter that the argument at `argument` is passed to, if it can be told.
fn parameter_uses<'a>(
    flow: &Flow<'_, 'a>,
    argument: TextRange,
    crossed: &mut Vec<String>,
) -> Option<Vec<Use<'a>>> {
    let (call, function, slot) = passed_to(flow.parents, argument)?;
    let (def, receiver) = match function {
        Expr::Name(name) => (module_function(flow, name, crossed)?, 0),
        Expr::Attribute(attr) => (method(flow, call, attr, crossed)?, 1),
        _ => return None,
    };
    parameter_in(flow, def, receiver, slot)
        .ok()
        .map(|(_, uses)| uses)
}

/// The uses of the parameter of `def` that an argument passed as `slot` reaches (`receiver`:
/// how many leading parameters the call does not fill, `self`), or why it cannot be told:
/// a slot into `*args`/`**kwargs`, a parameter bound again in the function.
pub fn parameter_in<'a>(
    flow: &Flow<'_, 'a>,
    def: &'a ruff_python_ast::StmtFunctionDef,
    receiver: usize,
    slot: Slot<'_>,
) -> Result<(&'a ruff_python_ast::ParameterWithDefault, Vec<Use<'a>>), Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let parameters = &def.parameters;
    let parameter = match slot {
        Slot::Position(index) => {
            if !parameters.kwonlyargs.is_empty()
                || parameters.vararg.is_some()
                || parameters.kwarg.is_some()
            {
                return Err(
                    "it goes to a function with `*args`, `**kwargs` or keyword-only parameters"
                        .into(),
                );
            }
            parameters
                .posonlyargs
                .iter()
                .chain(&parameters.args)
                .nth(index + receiver)
        }
        // By name: an ordinary or keyword-only parameter (not positional-only, nor `self`).
        Slot::Keyword(keyword) => parameters
            .args
            .iter()
            .skip(receiver)
            .chain(&parameters.kwonlyargs)
            .find(|p| p.parameter.name.as_str() == keyword),
    }
    .ok_or("no parameter of the function takes it")?;
    let param = parameter.parameter.name.as_str();
    // The function's scope: where the parameter is bound.
    let function_scope = semantic
        .bindings
        .iter()
        .find(|b| b.name == param && b.start == parameter.parameter.name.range.start())
        .ok_or("the parameter is not bound")?
        .scope;
    if semantic.bindings_of(function_scope, param).len() != 1 {
        return Err(format!("`{param}` is bound again in `{}`", def.name));
    }
    Ok((parameter, uses_of(semantic, parents, function_scope, param)))
}

/// The plain module-level `def` of `function`, the only binding of its name.
pub fn module_def<'a>(
    flow: &Flow<'_, 'a>,
    function: &str,
) -> Result<&'a ruff_python_ast::StmtFunctionDef, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let [binding] = semantic.bindings_of(crate::syntax::semantic::MODULE_SCOPE, function) else {
        return Err(format!("`{function}` is not bound once at module level"));
    };
    let def = parents
        .function_defs
        .iter()
        .copied()
        .find(|d| d.range.start() == semantic.bindings[*binding].start)
        .ok_or_else(|| format!("`{function}` is not a function definition"))?;
    if !def.decorator_list.is_empty() || def.is_async {
        return Err(format!("`{function}` is decorated or async"));
    }
    Ok(def)
}

/// How many times `name` appears in the module, as a name or an attribute.
pub fn mentions_of(semantic: &Semantic, parents: &Parents<'_>, name: &str) -> usize {
    semantic
        .references
        .iter()
        .filter(|r| r.name == name)
        .count()
        + parents.attribute_count(name)
}

/// How many `return` statements of the module-level `function` (not of functions nested
/// in it) return something other than `None`.
pub fn returned_values(flow: &Flow<'_, '_>, function: &str) -> Result<usize, Untrackable> {
    struct Returns(usize);
    impl<'b> Visitor<'b> for Returns {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Return(ret) => {
                    self.0 += usize::from(
                        ret.value
                            .as_deref()
                            .is_some_and(|v| !v.is_none_literal_expr()),
                    );
                }
                _ => visitor::walk_stmt(self, stmt),
            }
        }
    }
    let def = module_def(flow, function)?;
    let mut returns = Returns(0);
    returns.visit_body(&def.body);
    Ok(returns.0)
}

/// The calls in this module whose callee is `name` (its last name) and which `resolves`
/// says are calls of the function the plan follows (`resolves` gets the callee as
/// [`passed_callee`] names it).
pub fn calls_named<'a>(
    semantic: &Semantic,
    body: &'a [Stmt],
    name: &str,
    resolves: &dyn Fn(&str) -> bool,
) -> Vec<&'a ExprCall> {
    struct Calls<'a, 'n> {
        name: &'n str,
        found: Vec<&'a ExprCall>,
    }
    impl<'a> Visitor<'a> for Calls<'a, '_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let last = match &*call.func {
                    Expr::Name(n) => Some(n.id.as_str()),
                    Expr::Attribute(a) => Some(a.attr.as_str()),
                    _ => None,
                };
                if last == Some(self.name) {
                    self.found.push(call);
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_body(body);
    calls
        .found
        .into_iter()
        .filter(|call| passed_callee(semantic, &call.func).is_some_and(|c| resolves(&c)))
        .collect()
}

/// Follows what a call returns when it is an object another module's (or this module's)
/// function makes: where the result is stored and every use of it. A result used as a
/// statement has no use; one the plan cannot follow says why.
pub fn track_result<'a>(flow: &Flow<'_, 'a>, call: &ExprCall) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let stmt = semantic
        .innermost_stmt(call.range())
        .map(|s| semantic.stmts[s].range)
        .ok_or("it is not in a statement")?;
    let mut tracked = match track_elements(flow, call, stmt) {
        Some(elements) => elements?,
        None => match (
            parents.assigned_to(call.range()),
            parents.parent(call.range()),
        ) {
            (Some(target), _) => track(flow, target, stmt)?,
            (None, Some(parent)) => Tracked::in_place(call.range(), parent, stmt),
            (None, None) if stmt == call.range() => Tracked::unused(stmt),
            (None, None) => return Err("its result is used directly, not stored".into()),
        },
    };
    // A new object each call (its maker keeps no other reference): its last use here is
    // its last; it is started where it is made.
    tracked.made_elsewhere = true;
    Ok(tracked)
}

/// The call whose range is `range` in `body`.
pub fn call_at(body: &[Stmt], range: TextRange) -> Option<&ExprCall> {
    struct At<'a> {
        range: TextRange,
        found: Option<&'a ExprCall>,
    }
    impl<'a> Visitor<'a> for At<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found.is_none() && stmt.range().contains_range(self.range) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Call(call) if call.range() == self.range => self.found = Some(call),
                _ if expr.range().contains_range(self.range) => visitor::walk_expr(self, expr),
                _ => {}
            }
        }
    }
    let mut at = At { range, found: None };
    at.visit_body(body);
    at.found
}

/// A parameter an object is passed to, followed in its function's module.
pub struct Parameter<'a> {
    pub name: String,
    pub range: TextRange,
    pub tracked: Tracked<'a>,
    /// How many times the function's name appears in its own module (as a name or an
    /// attribute): each must be a call that passes such an object.
    pub mentions: usize,
}

/// Follows an object passed, as `slot`, to the module-level function `function` of this
/// module (from another module, or from several places in this one): the parameter it
/// reaches and that parameter's uses. The function must be a plain `def`, the only binding
/// of its name; the parameter bound once, its default none or `None`. Whether every caller
/// passes such an object is the project plan's to check ([`Parameter::mentions`]).
pub fn track_parameter<'a>(
    flow: &Flow<'_, 'a>,
    function: &str,
    slot: &PassedAs,
) -> Result<Parameter<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let def = module_def(flow, function)?;
    let mentions = mentions_of(semantic, parents, function);
    let slot = match slot {
        PassedAs::Position(i) => Slot::Position(*i),
        PassedAs::Keyword(k) => Slot::Keyword(k.as_str()),
    };
    let (parameter, uses) = parameter_in(flow, def, 0, slot)?;
    if parameter
        .default
        .as_deref()
        .is_some_and(|d| !d.is_none_literal_expr())
    {
        return Err(format!(
            "`{}` has a default value other than `None`",
            parameter.parameter.name
        ));
    }
    let mut crossed = Vec::new();
    let uses = into_functions(flow, uses, 3, &mut crossed);
    Ok(Parameter {
        name: parameter.parameter.name.to_string(),
        range: parameter.parameter.name.range,
        tracked: Tracked {
            uses,
            is_attribute: false,
            borrowed: true,
            made_elsewhere: true,
            within: def.range,
            crossed,
            family: None,
            in_place: false,
            made_at: None,
        },
        mentions,
    })
}

/// The function `name` calls: the only binding of its name, a `def` of this module,
/// referenced once. A module-level one is recorded in `crossed` (other modules may call it).
fn module_function<'a>(
    flow: &Flow<'_, 'a>,
    name: &ruff_python_ast::ExprName,
    crossed: &mut Vec<String>,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let reference = semantic.reference_at(name.range.start())?;
    let scope = reference.resolved?;
    let [binding] = semantic.bindings_of(scope, name.id.as_str()) else {
        return None;
    };
    let def = parents
        .function_defs
        .iter()
        .find(|d| d.range.start() == semantic.bindings[*binding].start)?;
    if semantic.references_to(scope, name.id.as_str()).count() != 1 {
        return None;
    }
    if semantic.scopes[scope].kind == ScopeKind::Module {
        crossed.push(name.id.to_string());
    }
    Some(def)
}

/// The method `self.<attr>(...)` calls: a plain `def` of the enclosing class, the only
/// definition of that name in the module, named nowhere else in the module nor in any other
/// file of the project (so no other caller, and no override, can hand it something else). A
/// public one is recorded in `crossed`: code outside the project could still call it.
fn method<'a>(
    flow: &Flow<'_, 'a>,
    call: &ExprCall,
    attr: &ruff_python_ast::ExprAttribute,
    crossed: &mut Vec<String>,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let parents = flow.parents;
    if !matches!(&*attr.value, Expr::Name(base) if base.id.as_str() == "self") {
        return None;
    }
    let name = attr.attr.as_str();
    let class = parents.innermost(call.range(), true)?;
    let [def] = parents
        .function_defs
        .iter()
        .filter(|d| d.name.as_str() == name)
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let member = parents.innermost(def.range, true) == Some(class)
        && parents
            .innermost(def.range, false)
            .is_none_or(|f| !class.contains_range(f));
    if !member
        || !def.decorator_list.is_empty()
        || parents.attribute_names.get(name) != Some(&1)
        || flow.elsewhere.mention(name)
    {
        return None;
    }
    if !name.starts_with('_') {
        crossed.push(name.to_string());
    }
    Some(def)
}

/// Follows the objects a call creates when the call is an element of a list assigned to a
/// name (`threads = [eventlet.spawn(f, x) for x in xs]`, `[spawn(f), spawn(g)]`): the list
/// may only be iterated (or tested), and each iteration's variable is the object. `None`
/// when the call is not such an element.
pub fn track_elements<'a>(
    flow: &Flow<'_, 'a>,
    call: &ExprCall,
    stmt_range: TextRange,
) -> Option<Result<Tracked<'a>, Untrackable>> {
    let parents = flow.parents;
    // Every element must be made the same way, or the loop variable would be objects of
    // different kinds.
    let same = |e: &Expr| {
        e.as_call_expr()
            .is_some_and(|c| ComparableExpr::from(&*c.func) == ComparableExpr::from(&*call.func))
    };
    let (target, stmt_range) = match parents.elements.get(&call.range()) {
        // A display assigned to a name (not one unpacked into names).
        Some(&(list, display)) if parents.assigned.contains_key(&list) => {
            if display.is_some_and(|elts| !elts.iter().all(same)) {
                return Some(Err("the list holds other objects too".into()));
            }
            (*parents.assigned.get(&list)?, stmt_range)
        }
        // `threads.append(spawn(f))` to a list made empty (`threads = []`).
        _ => match appended_to(flow, call) {
            Some(found) => found,
            // `pending[key] = spawn(f)` in a dict made empty.
            None => {
                let (target, stmt_range) = stored_in(flow, call)?;
                return Some(dict_uses(flow, target, stmt_range, &same));
            }
        },
    };
    Some(element_uses(flow, target, stmt_range, &same))
}

/// The dict `call`'s object is stored in (`pending[key] = spawn(f)`), when that dict is a
/// name made empty (`pending = {}` or `dict()`) once: its name and the statement that
/// makes it.
fn stored_in<'a>(flow: &Flow<'_, 'a>, call: &ExprCall) -> Option<(&'a Expr, TextRange)> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    // A value of a dict display assigned to a name (`{'a': spawn(f), 'b': spawn(g)}`).
    if let Some(dict) = parents.dict_values.get(&call.range()) {
        let target = *parents.assigned.get(&dict.range)?;
        let stmt = semantic.innermost_stmt(dict.range)?;
        return Some((target, semantic.stmts[stmt].range));
    }
    let sub = parents.stored_at.get(&call.range())?;
    let Expr::Name(dict) = &*sub.value else {
        return None;
    };
    let scope = semantic.reference_at(dict.range.start())?.resolved?;
    let [binding] = semantic.bindings_of(scope, dict.id.as_str()) else {
        return None;
    };
    let value = parents.assignment_value(semantic.bindings[*binding].start)?;
    let empty = match value {
        Expr::Dict(d) => d.items.is_empty(),
        Expr::Call(c) => {
            c.arguments.is_empty()
                && semantic.builtin_name(&c.func).as_deref() == Some("builtins.dict")
        }
        _ => false,
    };
    if !empty {
        return None;
    }
    let target = *parents.assigned.get(&value.range())?;
    let stmt = semantic.innermost_stmt(value.range())?;
    Some((target, semantic.stmts[stmt].range))
}

/// The uses of the objects the dict `target` names holds: `d[key]` read, the loop variable
/// over `d.values()`, what `d.pop(key)` and `d.get(key)` return. Only objects made the way
/// `same` tells may be stored in it (`d[key] = spawn(f)`); its keys may be used freely
/// (`key in d`, `for key in d`, `del d[key]`, `len(d)`). The objects stored are one family.
fn dict_uses<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
    same: &dyn Fn(&Expr) -> bool,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let dict = track(flow, target, stmt_range)?;
    let name = match target {
        Expr::Name(n) => n.id.as_str(),
        _ => return Err("assigned to something other than a name".into()),
    };
    let other = || format!("the dict `{name}` is used other than by reading its objects");
    let mut uses = Vec::new();
    // A display's values are objects made for it (each made the same way, or none is one).
    let mut members = match parents.assignment_value(target.start()) {
        Some(Expr::Dict(display)) => {
            if !display
                .items
                .iter()
                .all(|item| item.key.is_some() && same(&item.value))
            {
                return Err(format!("the dict `{name}` holds other objects too"));
            }
            display.items.len()
        }
        _ => 0,
    };
    for u in &dict.uses {
        if let Some(sub) = parents.subscripts.get(&u.range) {
            match sub.ctx {
                ruff_python_ast::ExprContext::Store => match parents.stores.get(&sub.range) {
                    Some(value) if same(value) => members += 1,
                    _ => return Err(format!("the dict `{name}` holds other objects too")),
                },
                ruff_python_ast::ExprContext::Del => {}
                _ => uses.push(Use {
                    range: sub.range,
                    parent: parents.parent(sub.range),
                }),
            }
            continue;
        }
        match u.parent {
            Some(Parent::Test | Parent::Iter) => {}
            None if counted(semantic, parents, u.range) || parents.contained.contains(&u.range) => {
            }
            Some(Parent::Method { call, attr, .. }) => match attr.attr.as_str() {
                "keys" | "clear" => {}
                "values" if call.arguments.is_empty() => {
                    uses.extend(loop_variable_uses(flow, call.range(), name)?);
                }
                "pop" | "get" if call.arguments.len() == 1 => {
                    uses.extend(track_result(flow, call)?.uses);
                }
                _ => return Err(other()),
            },
            _ => return Err(other()),
        }
    }
    Ok(Tracked {
        uses,
        is_attribute: false,
        borrowed: false,
        made_elsewhere: false,
        within: dict.within,
        crossed: dict.crossed,
        family: (members > 1).then(|| Family {
            key: format!("{}:{name}[]", u32::from(target.start())),
            members,
            name: name.to_string(),
            held: true,
        }),
        in_place: false,
        made_at: None,
    })
}

/// The list `call`'s object is appended to (`threads.append(spawn(f))`), when that list is
/// a local made empty (`threads = []`) once: its name and the statement that makes it.
fn appended_to<'a>(flow: &Flow<'_, 'a>, call: &ExprCall) -> Option<(&'a Expr, TextRange)> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    // `threads.append(spawn(f))`, `threads.add(spawn(f))`, or the element of a display or
    // comprehension extending it: `threads.extend([spawn(f, x) for x in xs])`.
    let argument = match parents.elements.get(&call.range()) {
        Some(&(list, _)) => list,
        None => call.range(),
    };
    let (outer, Slot::Position(0)) = *parents.arguments.get(&argument)? else {
        return None;
    };
    let Expr::Attribute(attr) = &*outer.func else {
        return None;
    };
    let Expr::Name(list) = &*attr.value else {
        return None;
    };
    let method = attr.attr.as_str();
    let fits = match method {
        "append" | "add" => argument == call.range(),
        "extend" => argument != call.range(),
        _ => false,
    };
    if !fits || outer.arguments.len() != 1 {
        return None;
    }
    let scope = semantic.reference_at(list.range.start())?.resolved?;
    let [binding] = semantic.bindings_of(scope, list.id.as_str()) else {
        return None;
    };
    let value = parents.assignment_value(semantic.bindings[*binding].start)?;
    // Made empty: `[]` for a list, `set()` for a set (whose method is `add`).
    let empty = match (value, method) {
        (Expr::List(l), "append" | "extend") => l.elts.is_empty(),
        (Expr::Call(c), "add") => {
            c.arguments.is_empty()
                && semantic.builtin_name(&c.func).as_deref() == Some("builtins.set")
        }
        _ => false,
    };
    if !empty {
        return None;
    }
    let target = *parents.assigned.get(&value.range())?;
    let stmt = semantic.innermost_stmt(value.range())?;
    Some((target, semantic.stmts[stmt].range))
}

/// Whether `range` is the only argument of the builtin `len`.
fn counted(semantic: &Semantic, parents: &Parents<'_>, range: TextRange) -> bool {
    parents
        .sole_argument_of(range)
        .and_then(|call| semantic.builtin_name(&call.func))
        .is_some_and(|name| name == "builtins.len")
}

/// The uses of the loop variable of the loop (or comprehension) iterating `iterable`, which
/// yields the objects of `name`.
fn loop_variable_uses<'a>(
    flow: &Flow<'_, 'a>,
    iterable: TextRange,
    name: &str,
) -> Result<Vec<Use<'a>>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let Some((Expr::Name(var), within)) = parents.iterations.get(&iterable) else {
        return Err(format!(
            "`{name}` is iterated into something other than a name"
        ));
    };
    let references: Vec<_> = semantic
        .references
        .iter()
        .filter(|r| r.name == var.id.as_str() && within.contains_range(r.range))
        .collect();
    // The loop variable must be the object everywhere it is read in the loop: the loop's own
    // target is its only binding there (other loops may reuse the name).
    let scope = references.first().and_then(|r| r.resolved);
    let inside = |s: crate::syntax::semantic::ScopeId| {
        semantic
            .bindings_of(s, var.id.as_str())
            .iter()
            .filter(|&&b| within.contains(semantic.bindings[b].start))
            .count()
    };
    if scope.is_some_and(|s| inside(s) != 1) {
        return Err(format!(
            "`{}` is assigned more than once in the loop",
            var.id
        ));
    }
    Ok(references
        .into_iter()
        .map(|r| Use {
            range: r.range,
            parent: if r.is_del {
                None
            } else {
                parents.parent(r.range)
            },
        })
        .collect())
}

/// How many objects made the way `same` tells `list.method(argument)` adds to a list or
/// set (`None`: it adds something else, or does something else).
fn added_objects(method: &str, args: &[Expr], same: &dyn Fn(&Expr) -> bool) -> Option<usize> {
    let [argument] = args else {
        return None;
    };
    match (method, argument) {
        ("append" | "add", call) if same(call) => Some(1),
        ("extend", Expr::ListComp(comp)) if same(&comp.elt) => Some(1),
        ("extend", Expr::List(display)) if display.elts.iter().all(same) => {
            Some(display.elts.len())
        }
        _ => None,
    }
}

/// The uses of the objects of the list `target` names: its loop variables'. `same` tells an
/// object made the way this one is: only such objects may be appended to it. The objects
/// made for the list (each element of its display, its comprehension's, each one appended)
/// are one family.
fn element_uses<'a>(
    flow: &Flow<'_, 'a>,
    target: &Expr,
    stmt_range: TextRange,
    same: &dyn Fn(&Expr) -> bool,
) -> Result<Tracked<'a>, Untrackable> {
    let Flow {
        semantic, parents, ..
    } = *flow;
    let list = track(flow, target, stmt_range)?;
    let name = match target {
        Expr::Name(n) => n.id.as_str(),
        _ => return Err("assigned to something other than a name".into()),
    };
    let mut uses = Vec::new();
    // The objects made where the list is: each element of its display, its
    // comprehension's; none for a list (or set) made empty.
    let mut members = match parents.assignment_value(target.start()) {
        Some(Expr::List(display)) => display.elts.len(),
        Some(Expr::ListComp(_)) => 1,
        _ => 0,
    };
    for u in &list.uses {
        match u.parent {
            Some(Parent::Test) => {}
            Some(Parent::Method { call, attr, .. }) if call.arguments.len() == 1 => {
                let Some(added) = added_objects(attr.attr.as_str(), &call.arguments.args, same)
                else {
                    return Err(format!(
                        "the list `{name}` is used other than by iterating it"
                    ));
                };
                members += added;
            }
            // `len(threads)` counts the list and touches no element.
            None if counted(semantic, parents, u.range) => {}
            Some(Parent::Iter) => uses.extend(loop_variable_uses(flow, u.range, name)?),
            _ => {
                return Err(format!(
                    "the list `{name}` is used other than by iterating it"
                ))
            }
        }
    }
    Ok(Tracked {
        uses,
        is_attribute: false,
        borrowed: false,
        made_elsewhere: false,
        within: list.within,
        crossed: list.crossed,
        family: (members > 1).then(|| Family {
            key: format!("{}:{name}[]", u32::from(target.start())),
            members,
            name: name.to_string(),
            held: true,
        }),
        in_place: false,
        made_at: None,
    })
}

/// Facts a recipe can test: `send` (called), `send:used` (its result used), `send:args`
/// (called with arguments), `send:caught` (called inside a `try` with handlers),
/// `maxsize:attr` (read, not called), `any-attr` (any method or attribute), `with`, `test`,
/// `escapes`, `passed` (an escape that hands it to a call: code that may use it as the
/// eventlet object it was, where `id(x)` or `d[x]` only identify it).
pub fn facts(tracked: &Tracked<'_>, parents: &Parents<'_>) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    for u in &tracked.uses {
        if matches!(
            u.parent,
            Some(Parent::Method { .. } | Parent::Attribute { .. })
        ) {
            facts.insert("any-attr".to_string());
        }
        match u.parent {
            Some(Parent::Method {
                call,
                attr,
                discarded,
            }) => {
                if parents.guarded(call.range()) {
                    facts.insert(format!("{}:caught", attr.attr));
                }
                let name = attr.attr.to_string();
                if tracked.in_place {
                    facts.insert(format!("in-place:{name}"));
                }
                if !discarded {
                    facts.insert(format!("{name}:used"));
                }
                if !call.arguments.is_empty() {
                    facts.insert(format!("{name}:args"));
                }
                facts.insert(name);
            }
            Some(Parent::Attribute { attr }) => {
                facts.insert(format!("{}:attr", attr.attr));
                facts.insert(attr.attr.to_string());
            }
            Some(Parent::With) => {
                facts.insert("with".to_string());
            }
            Some(Parent::Test) => {
                facts.insert("test".to_string());
            }
            Some(Parent::Iter) => {
                facts.insert("iter".to_string());
            }
            None => {
                facts.insert("escapes".to_string());
                if parents.passed_on(u.range) {
                    facts.insert("passed".to_string());
                }
            }
            // What the function it is passed to, or its callers, do with it: the project
            // plan's facts.
            Some(Parent::Passed { .. } | Parent::Returned) => {}
        }
    }
    if iterated_again(tracked, parents) {
        facts.insert("iter-again".to_string());
    }
    facts
}

/// Whether the object may be iterated more than once: two iterations, or one in a loop that
/// does not make it anew each time (a GreenPile is emptied by iterating it; a list is not).
fn iterated_again(tracked: &Tracked<'_>, parents: &Parents<'_>) -> bool {
    let iterations: Vec<TextRange> = tracked
        .uses
        .iter()
        .filter(|u| matches!(u.parent, Some(Parent::Iter)))
        .map(|u| u.range)
        .collect();
    // A loop's own iterable is evaluated once, before the loop: not a repeat.
    let repeats = |at: TextRange, l: &TextRange| {
        l.contains_range(at)
            && tracked.within.contains_range(*l)
            && parents.iterations.get(&at).map(|(_, over)| *over) != Some(*l)
    };
    iterations.len() > 1
        || iterations.iter().any(|&at| {
            parents
                .loops
                .iter()
                .any(|l| repeats(at, l) && tracked.made_at.is_none_or(|m| !l.contains_range(m)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_ast::visitor::source_order::{self, SourceOrderVisitor};

    /// The uses of the objects made by the calls of `callee` in `source`, as text, or why
    /// they cannot be followed.
    fn element_uses_of(source: &str, callee: &str) -> Vec<Result<Vec<String>, String>> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        let body = &parsed.syntax().body;
        let semantic = Semantic::build(parsed.syntax());
        let parents = Parents::build(body);
        struct Calls<'a>(Vec<(&'a ExprCall, TextRange)>, &'a str, &'a str, TextRange);
        impl<'a> SourceOrderVisitor<'a> for Calls<'a> {
            fn enter_node(
                &mut self,
                node: ruff_python_ast::AnyNodeRef<'a>,
            ) -> source_order::TraversalSignal {
                if let ruff_python_ast::AnyNodeRef::StmtAssign(s) = node {
                    self.3 = s.range;
                }
                if let ruff_python_ast::AnyNodeRef::ExprCall(call) = node {
                    if &self.2[call.func.range()] == self.1 {
                        self.0.push((call, self.3));
                    }
                }
                source_order::TraversalSignal::Traverse
            }
        }
        let mut calls = Calls(Vec::new(), callee, source, TextRange::default());
        calls.visit_body(body);
        calls
            .0
            .iter()
            .map(|(call, stmt)| {
                let tracked = track_elements(
                    &Flow {
                        semantic: &semantic,
                        parents: &parents,
                        elsewhere: &NoOtherFiles,
                    },
                    call,
                    *stmt,
                )
                .expect("an element");
                tracked.map(|t| {
                    t.uses
                        .iter()
                        .map(|u| match u.parent {
                            Some(Parent::Method { attr, .. }) => {
                                format!("{}.{}()", &source[u.range], attr.attr)
                            }
                            _ => format!("{}?", &source[u.range]),
                        })
                        .collect()
                })
            })
            .collect()
    }

    /// Following the object of the first call appended (added, extended) to something in
    /// `source`: `None` when it is not an element; else the size of its family, if any.
    fn first_appended(source: &str) -> Option<Result<Option<usize>, String>> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        let semantic = Semantic::build(parsed.syntax());
        let parents = Parents::build(&parsed.syntax().body);
        let flow = Flow {
            semantic: &semantic,
            parents: &parents,
            elsewhere: &NoOtherFiles,
        };
        let call = parents
            .arguments
            .values()
            .filter_map(|(outer, _)| outer.arguments.args.first().and_then(Expr::as_call_expr))
            .min_by_key(|call| call.range().start())
            .expect("an appended call");
        track_elements(&flow, call, TextRange::default())
            .map(|found| found.map(|t| t.family.map(|f| f.members)))
    }

    /// What following the object assigned by statement `stmt` of the function `function`
    /// (`main`, or `Class.method`) finds, given what the other files mention.
    #[derive(Debug, PartialEq)]
    struct Followed {
        /// Each use as text: `name.method()`, or `name?` for an escape.
        uses: Vec<String>,
        /// The size of its family, if its name is bound to others.
        family: Option<usize>,
    }

    fn follow(
        source: &str,
        function: &str,
        stmt: usize,
        others: &dyn OtherFiles,
    ) -> Result<Followed, String> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        let body = &parsed.syntax().body;
        let semantic = Semantic::build(parsed.syntax());
        // `spawn(f, *args)` calls the function it is given.
        let parents = Parents::build_with(body, &|call: &ExprCall| {
            matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "spawn")
                .then_some(CallRole::CallsFunction(0))
        });
        let (class, name) = match function.split_once('.') {
            Some((class, name)) => (Some(class), name),
            None => (None, function),
        };
        let scope = match class {
            Some(class) => body
                .iter()
                .filter_map(Stmt::as_class_def_stmt)
                .find(|c| c.name.as_str() == class)
                .map(|c| &c.body[..])
                .expect("the class"),
            None => &body[..],
        };
        let def = scope
            .iter()
            .filter_map(Stmt::as_function_def_stmt)
            .find(|d| d.name.as_str() == name)
            .expect("the function");
        let Stmt::Assign(assign) = &def.body[stmt] else {
            panic!("an assignment")
        };
        let flow = Flow {
            semantic: &semantic,
            parents: &parents,
            elsewhere: others,
        };
        let tracked = track(&flow, &assign.targets[0], assign.range)?;
        let uses = tracked
            .uses
            .iter()
            .map(|u| match u.parent {
                Some(Parent::Method { attr, .. }) => {
                    format!("{}.{}()", &source[u.range], attr.attr)
                }
                Some(Parent::Passed { function, .. }) => {
                    format!("{} -> {}", &source[u.range], &source[function.range()])
                }
                _ => format!("{}?", &source[u.range]),
            })
            .collect();
        Ok(Followed {
            uses,
            family: tracked.family.map(|f| f.members),
        })
    }

    fn uses(found: Result<Followed, String>) -> Vec<String> {
        found.expect("followed").uses
    }

    #[test]
    fn an_object_passed_by_keyword_is_followed_into_the_parameter_of_that_name() {
        let src = "def worker(n, done=None):\n    done.send(n)\n\ndef notify(*, ready):\n    ready.send()\n\ndef main():\n    ev = Event()\n    spawn(worker, 1, done=ev)\n    notify(ready=ev)\n    ev.wait()\n";
        assert_eq!(
            uses(follow(src, "main", 0, &NoOtherFiles)),
            vec!["done.send()", "ready.send()", "ev.wait()"]
        );
    }

    #[test]
    fn an_object_passed_into_kwargs_or_a_positional_only_name_is_not_followed_in_place() {
        // Left to the project plan, which finds no parameter to follow it into.
        let src = "def opts(**kwargs):\n    kwargs['x'].send()\n\ndef pos(a, /):\n    a.send()\n\ndef main():\n    ev = Event()\n    opts(x=ev)\n    pos(a=ev)\n";
        assert_eq!(
            uses(follow(src, "main", 0, &NoOtherFiles)),
            vec!["ev -> opts", "ev -> pos"]
        );
        for (function, keyword) in [("opts", "x"), ("pos", "a")] {
            assert_eq!(
                parameter_uses_of(src, function, PassedAs::Keyword(keyword.into())),
                Err("no parameter of the function takes it".to_string())
            );
        }
    }

    #[test]
    fn a_name_bound_to_objects_made_the_same_way_is_one_family() {
        let src = "def main():\n    ev = Event()\n    ev.wait()\n    ev = Event()\n    ev.send()\n";
        assert_eq!(
            follow(src, "main", 0, &NoOtherFiles),
            Ok(Followed {
                uses: vec!["ev.wait()".into(), "ev.send()".into()],
                family: Some(2),
            })
        );
    }

    #[test]
    fn a_name_bound_otherwise_too_or_in_another_scope_is_not_followed() {
        let src = "def main(other):\n    ev = Event()\n    ev.wait()\n    ev = other\n";
        assert_eq!(
            follow(src, "main", 0, &NoOtherFiles),
            Err("`ev` is assigned more than once".to_string())
        );
        let src = "ev = None\n\ndef main():\n    global ev\n    ev = Event()\n";
        assert_eq!(
            follow(src, "main", 1, &NoOtherFiles),
            Err("`ev` is bound in another scope".to_string())
        );
    }

    #[test]
    fn an_object_passed_to_a_method_of_the_class_is_followed_into_it() {
        let src = "class C:\n    def main(self):\n        ev = Event()\n        self._watch(1, ev)\n        ev.wait()\n\n    def _watch(self, n, done):\n        done.send(n)\n";
        struct Mentions(&'static str);
        impl OtherFiles for Mentions {
            fn mention(&self, name: &str) -> bool {
                name == self.0
            }
        }
        assert_eq!(
            uses(follow(src, "C.main", 0, &NoOtherFiles)),
            vec!["done.send()", "ev.wait()"]
        );
        // Another file names the method (a caller, or an override): the object escapes.
        assert_eq!(
            uses(follow(src, "C.main", 0, &Mentions("_watch"))),
            vec!["ev?", "ev.wait()"]
        );
    }

    #[test]
    fn the_objects_of_a_list_are_its_loop_variables() {
        let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return [u.wait() for u in ts]\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Ok(vec!["t.wait()".to_string(), "u.wait()".to_string()])]
        );
    }

    #[test]
    fn counting_a_list_does_not_stop_following_its_elements() {
        let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return len(ts)\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Ok(vec!["t.wait()".to_string()])]
        );
        // A `len` given by the caller is other code.
        let src = "def f(xs, len):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    return len(ts)\n";
        assert!(element_uses_of(src, "spawn")[0].is_err());
    }

    #[test]
    fn a_list_used_otherwise_or_mixed_is_not_followed() {
        let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    return ts\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Err(
                "the list `ts` is used other than by iterating it".to_string()
            )]
        );
        let src = "def f():\n    ts = [spawn(g), other]\n    for t in ts:\n        t.wait()\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Err("the list holds other objects too".to_string())]
        );
    }

    #[test]
    fn a_loop_variable_reused_by_another_loop_is_still_followed() {
        let src = "def f(xs):\n    ts = [spawn(g, x) for x in xs]\n    for t in ts:\n        t.wait()\n    for t in xs:\n        print(t)\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Ok(vec!["t.wait()".to_string()])]
        );
    }

    #[test]
    fn an_object_passed_to_an_imported_function_is_passed_not_lost() {
        let src = "import helpers\nfrom pkg.signals import notify\nimport eventlet\n\ndef main():\n    ev = Event()\n    helpers.announce(ev)\n    spawn(notify, 1, ev)\n    eventlet.spawn_n(work, ev)\n    print(ev)\n";
        assert_eq!(
            uses(follow(src, "main", 0, &NoOtherFiles)),
            vec!["ev -> helpers.announce", "ev -> notify", "ev?", "ev?"]
        );
    }

    /// The uses of the parameter an object passed from another module as `slot` reaches in
    /// `function`, or why it cannot be followed.
    fn parameter_uses_of(
        source: &str,
        function: &str,
        slot: PassedAs,
    ) -> Result<Vec<String>, String> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        let semantic = Semantic::build(parsed.syntax());
        let parents = Parents::build(&parsed.syntax().body);
        let flow = Flow {
            semantic: &semantic,
            parents: &parents,
            elsewhere: &NoOtherFiles,
        };
        let parameter = track_parameter(&flow, function, &slot)?;
        assert_eq!(&source[parameter.range], parameter.name);
        assert!(parameter.tracked.borrowed);
        Ok(parameter
            .tracked
            .uses
            .iter()
            .map(|u| match u.parent {
                Some(Parent::Method { attr, .. }) => {
                    format!("{}.{}()", &source[u.range], attr.attr)
                }
                _ => format!("{}?", &source[u.range]),
            })
            .collect())
    }

    #[test]
    fn an_object_from_another_module_is_followed_into_the_parameter_it_reaches() {
        let src = "def announce(name, done=None):\n    print(name)\n    if done:\n        done.send()\n    _log(done)\n\ndef _log(ev):\n    ev.ready()\n";
        assert_eq!(
            parameter_uses_of(src, "announce", PassedAs::Position(1)),
            Ok(vec![
                "done?".into(),
                "done.send()".into(),
                "ev.ready()".into()
            ])
        );
        assert_eq!(
            parameter_uses_of(src, "announce", PassedAs::Keyword("done".into())),
            Ok(vec![
                "done?".into(),
                "done.send()".into(),
                "ev.ready()".into()
            ])
        );
    }

    #[test]
    fn a_parameter_with_a_default_or_bound_again_is_not_followed() {
        let default = "def poke(ev=DEFAULT):\n    ev.send()\n";
        assert_eq!(
            parameter_uses_of(default, "poke", PassedAs::Position(0)),
            Err("`ev` has a default value other than `None`".to_string())
        );
        let rebound = "def poke(ev):\n    ev = ev or make()\n    ev.send()\n";
        assert_eq!(
            parameter_uses_of(rebound, "poke", PassedAs::Position(0)),
            Err("`ev` is bound again in `poke`".to_string())
        );
        let decorated = "@cached\ndef poke(ev):\n    ev.send()\n";
        assert_eq!(
            parameter_uses_of(decorated, "poke", PassedAs::Position(0)),
            Err("`poke` is decorated or async".to_string())
        );
        let varargs = "def poke(*evs):\n    evs[0].send()\n";
        assert!(parameter_uses_of(varargs, "poke", PassedAs::Position(0)).is_err());
    }

    #[test]
    fn the_objects_appended_to_an_empty_list_are_its_loop_variables_and_one_family() {
        let src = "def f(xs):\n    ts = []\n    for x in xs:\n        ts.append(spawn(g, x))\n    ts.append(spawn(h))\n    for t in ts:\n        t.wait()\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![
                Ok(vec!["t.wait()".to_string()]),
                Ok(vec!["t.wait()".to_string()])
            ]
        );
        assert_eq!(first_appended(src), Some(Ok(Some(2))));
    }

    #[test]
    fn a_list_that_is_also_appended_other_objects_is_not_followed() {
        let other = "def f():\n    ts = []\n    ts.append(spawn(g))\n    ts.append(other)\n    for t in ts:\n        t.wait()\n";
        assert_eq!(
            element_uses_of(other, "spawn"),
            vec![Err(
                "the list `ts` is used other than by iterating it".to_string()
            )]
        );
    }

    #[test]
    fn names_unpacked_from_a_display_are_assigned_their_values() {
        let src = "a, b = Event(), Queue()\nc, *d = Event(), Event(), Event()\n";
        let parsed = ruff_python_parser::parse_module(src).expect("parses");
        let parents = Parents::build(&parsed.syntax().body);
        let assigned = |value: &str| {
            let start = src.find(value).expect("in the source");
            let range = TextRange::at((start as u32).into(), (value.len() as u32).into());
            parents.assigned_to(range).map(|t| &src[t.range()])
        };
        assert_eq!(assigned("Event()"), Some("a"));
        assert_eq!(assigned("Queue()"), Some("b"));
        // A starred target: positions are not known.
        let second = src.rfind("Event()").expect("in the source");
        let range = TextRange::at((second as u32).into(), 7.into());
        assert_eq!(parents.assigned_to(range).map(|t| &src[t.range()]), None);
    }

    #[test]
    fn objects_extending_a_list_or_added_to_a_set_made_empty_are_its_loop_variables() {
        let src = "def f(xs):\n    ts = []\n    ts.extend([spawn(g, x) for x in xs])\n    s = set()\n    s.add(spawn(h))\n    for t in ts:\n        t.wait()\n    for u in s:\n        u.wait()\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![
                Ok(vec!["t.wait()".to_string()]),
                Ok(vec!["u.wait()".to_string()])
            ]
        );
        // `add` to a list, `append` to a set: not what they seem.
        let wrong = "def f():\n    s = set()\n    s.append(spawn(h))\n";
        assert_eq!(first_appended(wrong), None);
    }

    #[test]
    fn the_objects_stored_in_a_dict_made_empty_are_its_reads() {
        let src = "def f(xs):\n    d = {}\n    for x in xs:\n        d[x] = spawn(g, x)\n    d[xs[0]].wait()\n    for t in d.values():\n        t.kill()\n    gt = d.pop(xs[1])\n    gt.wait()\n    del d[xs[2]]\n    return len(d), xs[0] in d\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![Ok(vec![
                "d[xs[0]].wait()".to_string(),
                "t.kill()".to_string(),
                "gt.wait()".to_string()
            ])]
        );
        let passed = "def f(xs):\n    d = dict()\n    d[1] = spawn(g)\n    other(d)\n";
        assert_eq!(
            element_uses_of(passed, "spawn"),
            vec![Err(
                "the dict `d` is used other than by reading its objects".to_string()
            )]
        );
        let mixed = "def f(xs):\n    d = {}\n    d[1] = spawn(g)\n    d[2] = None\n";
        assert_eq!(
            element_uses_of(mixed, "spawn"),
            vec![Err("the dict `d` holds other objects too".to_string())]
        );
    }

    #[test]
    fn the_values_of_a_dict_display_are_its_objects_when_all_are_made_the_same_way() {
        let src = "def f():\n    d = {'a': spawn(g), 'b': spawn(h)}\n    d['a'].wait()\n";
        assert_eq!(
            element_uses_of(src, "spawn"),
            vec![
                Ok(vec!["d['a'].wait()".to_string()]),
                Ok(vec!["d['a'].wait()".to_string()])
            ]
        );
        let mixed = "def f():\n    d = {'a': spawn(g), 'b': None}\n    d['a'].wait()\n";
        assert_eq!(
            element_uses_of(mixed, "spawn"),
            vec![Err("the dict `d` holds other objects too".to_string())]
        );
    }
}
