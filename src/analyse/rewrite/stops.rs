//! A green thread only killed, whose function waits in nothing but sleeps (`stops`): the
//! function is told to stop instead. It is given an event by a keyword parameter of its
//! own, each of its sleeps returns once the event is set (where eventlet's kill() raised in
//! the sleep and ended the function there), and the new object's `kill()` sets the event.
//! The sleeps are the sleep recipe's sites: this rewrite takes them ([`Draft::takes`]).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::handoff::handed_to;
use super::timeouts::statements_to;
use super::*;
use crate::fix::{Family, Tie};
use crate::recipe::CompiledStops;
use crate::syntax::names::{mentions_word, positional};
use crate::syntax::source::{indentation_at, line_ending, starts_line};

/// Makes the function the call runs stop where it sleeps: its edits join `draft`, or the
/// reason the rule does not fit.
pub(super) fn stop_function(
    cx: &RewriteContext<'_, '_>,
    stops: &CompiledStops,
    site: &Site<'_>,
    draft: &mut Draft,
) -> Result<(), Stop> {
    let skip = |why: String| Stop::Skip(why);
    let SiteNode::Call { call, .. } = site.node else {
        return Err(skip("it is not a call".to_string()));
    };
    let function = call
        .arguments
        .args
        .get(stops.function)
        .ok_or_else(|| skip("it is given no function".to_string()))?;
    let def = function_run(cx, function, call).map_err(skip)?;
    let shown = &cx.text[function.range()];
    let runs = runs_of(cx, stops, function, def, &site.name)
        .map_err(|why| skip(format!("`{shown}` {why}")))?;
    if runs > 1 {
        if draft.family.is_some() {
            return Err(skip(format!(
                "`{shown}` is run by other green threads, and this one is tied to others already"
            )));
        }
        draft.family = Some(Family {
            key: format!("stops {}@{}", def.name, u32::from(def.start())),
            members: runs,
            name: def.name.to_string(),
            tie: Tie::Run,
        });
    }
    if mentions_word(&cx.text[def.range()], &stops.parameter) {
        return Err(skip(format!(
            "`{shown}` already names `{}`, the event it would be given",
            stops.parameter
        )));
    }
    let sleeps = sleeps_of(cx, stops, def).map_err(|why| skip(format!("`{shown}` {why}")))?;
    let unit = indent_unit(cx.text, def)
        .ok_or_else(|| skip(format!("`{shown}` is written on one line")))?;
    draft
        .edits
        .push(parameter_edit(cx.text, def, &stops.parameter));
    for sleep in sleeps {
        let template = match sleep.arguments.args.len() {
            0 => &stops.yield_,
            _ => &stops.wait,
        };
        let holes = Holes {
            call: Some(sleep),
            receiver: None,
            target: None,
            own: (None, None),
        };
        let condition = render(template, &holes)
            .ok_or_else(|| skip(format!("a sleep of `{shown}` does not fit its template")))?;
        let indent = indentation_at(cx.text, sleep.start());
        let mut pieces = vec![Piece::Text("if ".to_string())];
        pieces.extend(condition);
        pieces.push(Piece::Text(format!(
            ":{}{indent}{unit}return",
            line_ending(cx.text)
        )));
        draft.edits.push(Edit {
            range: sleep.range(),
            pieces,
        });
        draft.takes.push(sleep.range());
    }
    draft.safety = draft.safety.max(crate::fix::Safety::Review);
    Ok(())
}

/// The `def` that `function` names: a function of this module, or a method of the class
/// whose method makes the call (`self._run`), undecorated and plain (not async, not a
/// generator).
fn function_run<'p>(
    cx: &RewriteContext<'_, 'p>,
    function: &Expr,
    call: &ExprCall,
) -> Result<&'p StmtFunctionDef, String> {
    let shown = &cx.text[function.range()];
    let def = match function {
        Expr::Name(name) => def_named(cx, name),
        Expr::Attribute(attr) => own_method(cx, attr, call),
        _ => None,
    }
    .ok_or_else(|| {
        format!("`{shown}` is not a function of this module or a method of this class, which could be told to stop: native threads cannot be killed; make it check a threading.Event and return")
    })?;
    if !def.decorator_list.is_empty() || def.is_async {
        return Err(format!("`{shown}` is decorated or async"));
    }
    let mut yields = Yields(false);
    yields.visit_body(&def.body);
    if yields.0 {
        return Err(format!("`{shown}` is a generator"));
    }
    Ok(def)
}

/// `self.name` in a method whose first parameter is `self`: the method `name` of that
/// method's class.
fn own_method<'p>(
    cx: &RewriteContext<'_, 'p>,
    attr: &ruff_python_ast::ExprAttribute,
    call: &ExprCall,
) -> Option<&'p StmtFunctionDef> {
    let parents = cx.parents.get();
    let Expr::Name(receiver) = &*attr.value else {
        return None;
    };
    let caller = parents.function_def_at(parents.innermost(call.range(), false)?)?;
    let first = positional(&caller.parameters).next()?;
    if first.parameter.name.as_str() != receiver.id.as_str() {
        return None;
    }
    let class = parents.innermost(caller.range, true)?;
    // The caller must be a method of that class itself, not a function nested in one.
    parents.method_named(class, caller.name.as_str())?;
    parents.method_named(class, attr.attr.as_str())
}

/// How many green threads run the function: every other mention of it must be one made
/// the same way (`callee`), or it is named where the new parameter would be missing (called
/// directly, passed, overridden, used by another module). A method must be run here alone.
fn runs_of(
    cx: &RewriteContext<'_, '_>,
    stops: &CompiledStops,
    function: &Expr,
    def: &StmtFunctionDef,
    callee: &str,
) -> Result<usize, String> {
    let name = def.name.as_str();
    if cx.elsewhere.mention(name) {
        return Err("is named in another module, which would not give it the event".into());
    }
    let runs = match function {
        Expr::Name(reference) => {
            let scope = cx
                .semantic
                .reference_at(reference.range.start())
                .and_then(|r| r.resolved)
                .ok_or("cannot be resolved")?;
            let mut runs = 0;
            for r in cx.semantic.references_to(scope, name) {
                if handed_to(cx, r.range).is_none_or(|(i, c)| i != stops.function || c != callee) {
                    return Err(format!(
                        "is used at line {} other than as the function of a green thread, which would not give it the event",
                        cx.text[..usize::from(r.range.start())].matches('\n').count() + 1
                    ));
                }
                runs += 1;
            }
            runs
        }
        _ => 1,
    };
    // Any other mention (an attribute of that name, a string) may reach it unseen.
    if code_mentions(cx, name) != runs + 1 {
        return Err("is named elsewhere in the module, which would not give it the event".into());
    }
    Ok(runs)
}

/// The function's sleeps, each a statement of its own on its line, under nothing but
/// loops and `if`s (so returning from it ends the function as the kill did); or why the
/// function cannot be stopped there.
fn sleeps_of<'p>(
    cx: &RewriteContext<'_, 'p>,
    stops: &CompiledStops,
    def: &'p StmtFunctionDef,
) -> Result<Vec<&'p ExprCall>, String> {
    let mut found = Waits {
        cx,
        stops,
        sleeps: Vec::new(),
        eventlet: None,
        blocking: None,
    };
    found.visit_body(&def.body);
    if let Some(other) = found.eventlet {
        return Err(format!(
            "also uses `{}`, which kill() could interrupt",
            &cx.text[other]
        ));
    }
    if let Some(other) = found.blocking {
        return Err(format!(
            "also waits in `{}`, which kill() interrupted and a stopped thread would finish first",
            &cx.text[other]
        ));
    }
    if found.sleeps.is_empty() {
        return Err("never sleeps, so it cannot be told to stop".to_string());
    }
    for sleep in &found.sleeps {
        let shown = &cx.text[sleep.range()];
        if !sleep.arguments.keywords.is_empty()
            || sleep.arguments.args.len() > 1
            || sleep.arguments.args.iter().any(Expr::is_starred_expr)
        {
            return Err(format!(
                "sleeps with `{shown}`, which its template does not take"
            ));
        }
        let path = statements_to(&def.body, sleep.range());
        let own = matches!(path.last(), Some(Stmt::Expr(e)) if e.value.range() == sleep.range());
        let around = path[..path.len().saturating_sub(1)]
            .iter()
            .find(|s| !matches!(s, Stmt::While(_) | Stmt::For(_) | Stmt::If(_)));
        let why = if !own {
            Some("inside an expression".to_string())
        } else if let Some(around) = around {
            Some(format!(
                "under `{}`, which returning from it would not leave as the kill did",
                crate::syntax::names::first_line(&cx.text[around.range()])
            ))
        } else if !alone_on_line(cx.text, sleep.range()) {
            Some("beside another statement on its line".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            return Err(format!("sleeps with `{shown}` {why}"));
        }
    }
    Ok(found.sleeps)
}

/// Whether `range` starts its line, and only a comment follows it there.
fn alone_on_line(text: &str, range: TextRange) -> bool {
    let rest = &text[usize::from(range.end())..];
    let line = rest.split(['\n', '\r']).next().unwrap_or(rest).trim_start();
    starts_line(text, range.start()) && (line.is_empty() || line.starts_with('#'))
}

/// The indentation one block adds in the function (its body's, less its own).
fn indent_unit<'t>(text: &'t str, def: &StmtFunctionDef) -> Option<&'t str> {
    let first = def.body.first()?.start();
    if !starts_line(text, first) {
        return None;
    }
    let body = indentation_at(text, first);
    let own = indentation_at(text, def.start());
    body.strip_prefix(own)
}

/// `parameter` added to the function's parameters, as a keyword the thread passes: after
/// the others and before `**kwargs`, keyword-only where a default or `*args` comes first.
fn parameter_edit(text: &str, def: &StmtFunctionDef, parameter: &str) -> Edit {
    let parameters = &def.parameters;
    let keyword_only = parameters.vararg.is_some()
        || !parameters.kwonlyargs.is_empty()
        || positional(parameters).any(|p| p.default.is_some());
    // After `*args` or a keyword-only parameter it is keyword-only already.
    let after_star = parameters.vararg.is_some() || !parameters.kwonlyargs.is_empty();
    let new = if keyword_only && !after_star {
        format!("*, {parameter}")
    } else {
        parameter.to_string()
    };
    match parameters.kwarg.as_deref() {
        // Before `**kwargs`: `def f(a, **kw)` → `def f(a, *, stopped, **kw)`.
        Some(kwarg) => {
            let at = star_star_start(text, kwarg.range().start());
            Edit::insert(at, format!("{new}, "))
        }
        None => {
            let last_end = parameters
                .iter()
                .map(|p| p.range().end())
                .max()
                .unwrap_or_else(|| parameters.range.start() + TextSize::from(1));
            let separator = if parameters.iter().next().is_some() {
                ", "
            } else {
                ""
            };
            Edit::insert(last_end, format!("{separator}{new}"))
        }
    }
}

/// Where the `**kwargs` parameter whose range starts at `start` begins, its `**` with it.
fn star_star_start(text: &str, start: TextSize) -> TextSize {
    match text[..usize::from(start)].strip_suffix("**") {
        Some(before) => TextSize::try_from(before.len()).unwrap_or(start),
        None => start,
    }
}

/// Whether a body (nested functions and classes aside) yields.
struct Yields(bool);

impl<'a> Visitor<'a> for Yields {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Yield(_) | Expr::YieldFrom(_) => self.0 = true,
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// The calls of the sleep in a body (nested functions, classes and lambdas aside), and the
/// first other use of eventlet, and of a blocking method, there.
struct Waits<'c, 'a, 'p> {
    cx: &'c RewriteContext<'a, 'p>,
    stops: &'c CompiledStops,
    sleeps: Vec<&'p ExprCall>,
    eventlet: Option<TextRange>,
    blocking: Option<TextRange>,
}

impl Waits<'_, '_, '_> {
    fn denotes(&self, expr: &Expr) -> Option<String> {
        let qualified = self.cx.semantic.expr_qualified_name(expr)?;
        Some((self.cx.canonical)(&qualified))
    }

    /// Whether `call` is one of the methods that wait (`get()` without a positional
    /// argument; `join` with any).
    fn blocks(&self, call: &ExprCall) -> bool {
        let Expr::Attribute(attr) = &*call.func else {
            return false;
        };
        let name = attr.attr.as_str();
        self.stops
            .blocking
            .iter()
            .any(|b| match b.strip_suffix("()") {
                Some(bare) => bare == name && call.arguments.args.is_empty(),
                None => b == name,
            })
    }
}

impl<'p> Visitor<'p> for Waits<'_, '_, 'p> {
    fn visit_stmt(&mut self, stmt: &'p Stmt) {
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }
    fn visit_expr(&mut self, expr: &'p Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) if self.denotes(&call.func).as_deref() == Some(&self.stops.sleep) => {
                self.sleeps.push(call);
                visitor::walk_arguments(self, &call.arguments);
            }
            Expr::Call(call) => {
                if self.blocks(call) {
                    self.blocking.get_or_insert(call.range());
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Name(_) | Expr::Attribute(_) => {
                let eventlet = self
                    .denotes(expr)
                    .is_some_and(|n| n == "eventlet" || n.starts_with("eventlet."));
                if eventlet {
                    self.eventlet.get_or_insert(expr.range());
                } else if let Expr::Attribute(attr) = expr {
                    self.visit_expr(&attr.value);
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
