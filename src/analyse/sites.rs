//! Finding the sites recipes apply to: calls, references and imports of matched names.

use rustc_hash::FxHashMap as HashMap;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ExprContext, ExprStringLiteral, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::recipe::Catalog;
use crate::recipe::SiteKind;
use crate::recipe::Target;
use crate::syntax::semantic::{BindingId, BindingKind, ScopeId, Semantic, StmtId, MODULE_SCOPE};

/// Where a matched name appears.
#[derive(Debug, Clone, Copy)]
pub enum SiteNode<'a> {
    /// The callee of `call` resolves to the name.
    Call {
        call: &'a ExprCall,
        discarded: bool,
        /// The name or attribute the call's result is assigned to (`x = call(...)`).
        bound: Option<&'a Expr>,
    },
    /// The expression denotes the name (not as a callee).
    Reference { expr: &'a Expr },
    /// An import binding of (something inside) a matched module.
    Import { binding: BindingId },
    /// `mock.patch('pkg.mod.eventlet.sleep')`: the string names the object; `start` is where
    /// the Eventlet path begins in the string's value.
    PatchName {
        literal: &'a ExprStringLiteral,
        start: usize,
    },
    /// `mock.patch.object(eventlet, 'sleep')`.
    PatchObject {
        object: &'a Expr,
        attr: &'a ExprStringLiteral,
    },
}

#[derive(Debug, Clone)]
pub struct Site<'a> {
    /// Index into the catalog's recipes.
    pub recipe: usize,
    /// The canonical name matched (`eventlet.greenthread.sleep`).
    pub name: String,
    pub node: SiteNode<'a>,
    /// The innermost statement containing the site.
    pub stmt: StmtId,
    /// The scope the matched code runs in.
    pub scope: ScopeId,
    pub range: TextRange,
}

/// Canonical names → recipe index, for one target.
pub struct Index<'c> {
    pub catalog: &'c Catalog,
    target: Target,
    names: HashMap<&'c str, usize>,
    /// `eventlet.websocket.*` → `eventlet.websocket`: everything under it.
    wildcards: HashMap<&'c str, usize>,
}

impl<'c> Index<'c> {
    pub fn new(catalog: &'c Catalog, target: Target, enabled: &dyn Fn(&str) -> bool) -> Index<'c> {
        let mut names = HashMap::default();
        let mut wildcards = HashMap::default();
        for (i, recipe) in catalog.recipes.iter().enumerate() {
            if recipe.rules(target).is_empty() || !enabled(&recipe.id) {
                continue;
            }
            for name in &recipe.matches {
                match name.strip_suffix(".*") {
                    Some(prefix) => wildcards.insert(prefix, i),
                    None => names.insert(name.as_str(), i),
                };
            }
        }
        Index {
            catalog,
            target,
            names,
            wildcards,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.wildcards.is_empty()
    }

    /// The recipe for a name: an exact match first; a matched module further down the
    /// attribute chain next (the chain is matched there, not here); else the longest wildcard.
    fn lookup(&self, qualified: &str) -> Option<(usize, String)> {
        let canonical = self.catalog.canonical(qualified);
        if let Some(&i) = self.names.get(canonical.as_str()) {
            return Some((i, canonical));
        }
        let prefixes = || {
            canonical
                .char_indices()
                .rev()
                .filter(|&(_, c)| c == '.')
                .map(|(at, _)| &canonical[..at])
        };
        if prefixes().any(|p| {
            self.names
                .get(p)
                .is_some_and(|&i| self.is_module_recipe(i, self.target))
        }) {
            return None;
        }
        let recipe = prefixes().find_map(|p| self.wildcards.get(p).copied())?;
        Some((recipe, canonical))
    }

    /// Whether a recipe matches the name (`from futurist import GreenFuture` binds one).
    pub fn matches(&self, qualified: &str) -> bool {
        self.lookup(qualified).is_some()
    }

    /// The matched module `qualified` is, or is inside.
    pub fn module_of(&self, target: Target, qualified: &str) -> Option<(usize, String)> {
        let canonical = self.catalog.canonical(qualified);
        let mut end = canonical.len();
        loop {
            let prefix = &canonical[..end];
            if let Some(&i) = self.names.get(prefix) {
                if self.is_module_recipe(i, target) {
                    return Some((i, prefix.to_string()));
                }
            }
            end = prefix.rfind('.')?;
        }
    }

    fn is_module_recipe(&self, recipe: usize, target: Target) -> bool {
        self.catalog.recipes[recipe]
            .rules(target)
            .iter()
            .any(|r| r.on == SiteKind::Module)
    }
}

pub fn find_sites<'a>(
    body: &'a [Stmt],
    semantic: &'a Semantic,
    index: &Index<'_>,
    target: Target,
) -> Vec<Site<'a>> {
    let mut finder = Finder {
        semantic,
        index,
        target,
        stmts: Vec::new(),
        discarded: None,
        assigned: None,
        sites: Vec::new(),
    };
    finder.visit_body(body);
    let mut sites = finder.sites;
    // Imports of matched modules are sites too: they are rebound, not their uses.
    for (id, binding) in semantic.bindings.iter().enumerate() {
        let BindingKind::Import(import) = &binding.kind else {
            continue;
        };
        if let Some((recipe, name)) = index.module_of(target, &import.qualified) {
            sites.push(Site {
                recipe,
                name,
                node: SiteNode::Import { binding: id },
                stmt: import.stmt,
                scope: binding.scope,
                range: import.alias_range,
            });
        }
    }
    sites.sort_by_key(|s| (s.range.start(), s.range.end()));
    sites
}

struct Finder<'a, 'i, 'c> {
    semantic: &'a Semantic,
    index: &'i Index<'c>,
    target: Target,
    stmts: Vec<StmtId>,
    /// The value of the current expression statement.
    discarded: Option<TextRange>,
    /// The value and single target of the current assignment.
    assigned: Option<(TextRange, &'a Expr)>,
    sites: Vec<Site<'a>>,
}

impl<'a> Finder<'a, '_, '_> {
    fn scope_of(&self, expr: &Expr) -> ScopeId {
        let mut current = expr;
        loop {
            match current {
                Expr::Attribute(attr) => current = &attr.value,
                Expr::Call(call) => current = &call.func,
                Expr::Name(name) => {
                    return self
                        .semantic
                        .scope_of_name(name.range.start())
                        .unwrap_or(MODULE_SCOPE)
                }
                _ => return MODULE_SCOPE,
            }
        }
    }

    fn push(
        &mut self,
        recipe: usize,
        name: String,
        node: SiteNode<'a>,
        range: TextRange,
        scope_expr: &Expr,
    ) {
        let Some(&stmt) = self.stmts.last() else {
            return;
        };
        let scope = self.scope_of(scope_expr);
        self.sites.push(Site {
            recipe,
            name,
            node,
            stmt,
            scope,
            range,
        });
    }
}

impl<'a> Visitor<'a> for Finder<'a, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let Some(id) = self.semantic.stmt_id(stmt.range()) else {
            return visitor::walk_stmt(self, stmt);
        };
        self.stmts.push(id);
        let saved = (self.discarded.take(), self.assigned.take());
        match stmt {
            Stmt::Expr(expr) => self.discarded = Some(expr.value.range()),
            Stmt::Assign(assign) => {
                if let [target @ (Expr::Name(_) | Expr::Attribute(_))] = &assign.targets[..] {
                    self.assigned = Some((assign.value.range(), target));
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Some(value), target @ (Expr::Name(_) | Expr::Attribute(_))) =
                    (&assign.value, &*assign.target)
                {
                    self.assigned = Some((value.range(), target));
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
        (self.discarded, self.assigned) = saved;
        self.stmts.pop();
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => {
                let callee = self.semantic.expr_qualified_name(&call.func);
                if self.patch(call, callee.as_deref()) {
                    return;
                }
                if let Some((recipe, name)) = callee
                    .as_deref()
                    .and_then(|q| self.index.lookup(q))
                    .filter(|(recipe, _)| !self.index.is_module_recipe(*recipe, self.target))
                {
                    let discarded = self.discarded == Some(call.range());
                    let bound = self
                        .assigned
                        .filter(|(value, _)| *value == call.range())
                        .map(|(_, target)| target);
                    self.push(
                        recipe,
                        name,
                        SiteNode::Call {
                            call,
                            discarded,
                            bound,
                        },
                        call.range(),
                        &call.func,
                    );
                    self.visit_arguments(&call.arguments);
                    return;
                }
                // A chain whose root names nothing imported has no site in it.
                if callee.is_none() && is_chain(&call.func) {
                    self.visit_arguments(&call.arguments);
                    return;
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Name(_) | Expr::Attribute(_) if is_load(expr) => {
                let qualified = self.semantic.expr_qualified_name(expr);
                if qualified.is_none() && is_chain(expr) {
                    return;
                }
                if let Some((recipe, name)) = qualified.and_then(|q| self.index.lookup(&q)) {
                    // A bare name bound by an import of a matched module keeps its name: the
                    // import is rebound instead.
                    let rebound = matches!(expr, Expr::Name(_))
                        && self.index.is_module_recipe(recipe, self.target);
                    if !rebound {
                        self.push(
                            recipe,
                            name,
                            SiteNode::Reference { expr },
                            expr.range(),
                            expr,
                        );
                    }
                    return;
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl<'a> Finder<'a, '_, '_> {
    /// A test double patching an Eventlet object: a site for its recipe. Returns whether the
    /// call was handled (its other arguments visited).
    fn patch(&mut self, call: &'a ExprCall, callee: Option<&str>) -> bool {
        let patchers = &self.index.catalog.patchers;
        // `self.patch(...)`: a helper of the project's test classes that forwards to a patcher.
        let helper = match &*call.func {
            Expr::Attribute(attr) if matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == "self") => {
                Some(attr.attr.as_str())
            }
            _ => None,
        };
        let is_helper = |list: &[String]| helper.is_some_and(|h| list.iter().any(|m| m == h));
        let by_name = is_helper(&patchers.by_name_method)
            || callee.is_some_and(|c| patchers.by_name.iter().any(|p| p == c));
        let by_object = is_helper(&patchers.by_object_method)
            || callee.is_some_and(|c| patchers.by_object.iter().any(|p| p == c));
        let args = &call.arguments.args;
        if by_name {
            let Some(Expr::StringLiteral(literal)) = args.first() else {
                return false;
            };
            let value = literal.value.to_str();
            // An eventlet name, or another one a recipe matches (`oslo_messaging.
            // get_rpc_server`), or eventlet through a project module.
            let start = if value.starts_with("eventlet.") || self.index.lookup(value).is_some() {
                0
            } else if let Some(at) = value.find(".eventlet.") {
                at + 1
            } else {
                return false;
            };
            let Some((recipe, name)) = self.index.lookup(&value[start..]) else {
                return false;
            };
            self.push(
                recipe,
                name,
                SiteNode::PatchName { literal, start },
                literal.range,
                &call.func,
            );
            self.visit_expr(&call.func);
            self.visit_arguments(&call.arguments);
            return true;
        }
        if by_object {
            let (Some(object), Some(Expr::StringLiteral(attr))) = (args.first(), args.get(1))
            else {
                return false;
            };
            let Some(base) = self.semantic.expr_qualified_name(object) else {
                return false;
            };
            let Some((recipe, name)) = self
                .index
                .lookup(&format!("{base}.{}", attr.value.to_str()))
            else {
                return false;
            };
            self.push(
                recipe,
                name,
                SiteNode::PatchObject { object, attr },
                object.range().cover(attr.range),
                object,
            );
            // The patched object is this site's, not a reference of its own.
            for arg in args.iter().skip(1) {
                self.visit_expr(arg);
            }
            for keyword in &call.arguments.keywords {
                self.visit_expr(&keyword.value);
            }
            return true;
        }
        false
    }
}

/// `a.b.c`: names and attributes down to a name, nothing evaluated in between.
fn is_chain(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attr) => is_chain(&attr.value),
        _ => false,
    }
}

fn is_load(expr: &Expr) -> bool {
    match expr {
        Expr::Name(n) => n.ctx == ExprContext::Load,
        Expr::Attribute(a) => a.ctx == ExprContext::Load,
        _ => false,
    }
}
