//! Turning a matched site into a fix: choose the recipe's rule, render its template over the
//! user's own text, follow the object a constructor creates to rewrite its methods, and say
//! which imports the result needs.

use std::collections::BTreeSet;

use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange};

use crate::analyse::availability::availability;
use crate::analyse::availability::Availability;
use crate::analyse::objects::facts;
use crate::analyse::objects::track;
use crate::analyse::objects::track_elements;
use crate::analyse::objects::LazyParents;
use crate::analyse::objects::Parent;
use crate::analyse::objects::Slot;
use crate::analyse::objects::Tracked;
use crate::analyse::python::PythonSupport;
use crate::analyse::sites::{Site, SiteNode};
use crate::fix::edit::merge_text;
use crate::fix::edit::Edit;
use crate::fix::edit::Piece;
use crate::fix::PassedAs;
use crate::fix::RemoteCallers;
use crate::fix::RemoteParameter;
use crate::fix::Request;
use crate::fix::Safety;
use crate::fix::{Crossing, Diagnostic, Fix, Return};
use crate::recipe::Action;
use crate::recipe::CompiledMethod;
use crate::recipe::CompiledRule;
use crate::recipe::Filter;
use crate::recipe::HoleValue;
use crate::recipe::MethodAction;
use crate::recipe::Recipe;
use crate::recipe::ResultUse;
use crate::recipe::Segment;
use crate::recipe::SiteKind;
use crate::recipe::Target;
use crate::recipe::Template;
use crate::recipe::When;
use crate::syntax::comments::Comments;
use crate::syntax::imports::ImportSpec;
use crate::syntax::semantic::{BindingKind, ImportBinding, Semantic, StmtId};
use crate::syntax::source::{indentation_at, line_ending, starts_line};

/// The line of a `for` loop anywhere in the module whose target binds `name`, if any: a new
/// module-level import of that name would be shadowed there (pyflakes' F402), so the rule
/// that needs it is not used.
fn loop_variable(cx: &RewriteContext<'_, '_>, name: &str) -> Option<usize> {
    cx.semantic
        .bindings
        .iter()
        .filter(|b| b.name == name)
        .find_map(|b| {
            let stmt = &cx.semantic.stmts[cx.semantic.innermost_stmt(TextRange::empty(b.start))?];
            let code = &cx.text[stmt.range];
            let head = code
                .strip_prefix("async ")
                .unwrap_or(code)
                .strip_prefix("for ")?;
            let target_end =
                usize::from(stmt.range.start()) + (code.len() - head.len()) + head.find(" in ")?;
            (usize::from(b.start) < target_end)
                .then(|| cx.text[..usize::from(b.start)].matches('\n').count() + 1)
        })
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Fix(Box<Fix>),
    Manual(Diagnostic),
    /// Nothing to do here (a name kept by a rebound import).
    Nothing,
}

pub struct RewriteContext<'a, 'p> {
    pub text: &'a str,
    pub semantic: &'a Semantic,
    pub comments: &'a Comments,
    /// `'p`: the module's syntax, which outlives what is borrowed for one file's analysis.
    pub parents: &'a LazyParents<'p>,
    pub target: Target,
    /// What an Eventlet import binding will denote once module rules have run.
    pub migrated: &'a dyn Fn(&ImportBinding) -> String,
    /// The canonical name of a qualified name (re-exports resolved).
    pub canonical: &'a dyn Fn(&str) -> String,
    /// The project's other files.
    pub elsewhere: &'a dyn crate::analyse::objects::OtherFiles,
    /// The oldest Python the project supports, where it declares one.
    pub python: Option<PythonSupport<'a>>,
}

impl<'a, 'p> RewriteContext<'a, 'p> {
    /// What following an object in this module needs.
    pub fn flow(&self) -> crate::analyse::objects::Flow<'a, 'p> {
        crate::analyse::objects::Flow {
            semantic: self.semantic,
            parents: self.parents.get(),
            elsewhere: self.elsewhere,
        }
    }
}

/// What became of the object a call creates.
enum Object<'a> {
    /// The call is a statement: nothing keeps the result.
    Discarded,
    /// Followed; the range is what the result is assigned to, if anything.
    Tracked(Tracked<'a>, Option<TextRange>),
    /// Kept somewhere it cannot be followed.
    Lost(String),
}

/// The parts of a rewrite before imports are checked.
struct Draft {
    edits: Vec<Edit>,
    removals: Vec<StmtId>,
    rebind: Option<(usize, ImportSpec)>,
    requests: Vec<Request>,
    safety: Safety,
    note: Option<String>,
    family: Option<crate::fix::Family>,
    crossings: Vec<Crossing>,
    returns: Vec<Return>,
    /// The rule's place among the recipe's rules for the target.
    rule: usize,
    /// The ranges of its edits written from templates, wrapped when emitted.
    wrap: Vec<TextRange>,
    guard: Option<String>,
}

impl Draft {
    /// Replaces `range` with `pieces` rendered from a template: wrapped when emitted if the
    /// line would be too long.
    fn push_template(&mut self, range: TextRange, pieces: Vec<Piece>) {
        self.wrap.push(range);
        self.edits.push(Edit { range, pieces });
    }
}

/// Where a followed object escapes: the uses the flow could not follow.
fn escapes_of(object: &Object<'_>) -> Vec<TextRange> {
    match object {
        Object::Tracked(tracked, _) => tracked
            .uses
            .iter()
            .filter(|u| u.parent.is_none())
            .map(|u| u.range)
            .collect(),
        Object::Discarded | Object::Lost(_) => Vec::new(),
    }
}

/// The option the statement `stmt` serves: the first line of the `if` test that reads it.
fn option_guard(cx: &RewriteContext<'_, '_>, stmt: StmtId) -> Option<String> {
    let range = cx.semantic.stmts[stmt].range;
    let test = crate::analyse::guard::option_guard(cx.parents.body(), cx.text, range)?;
    Some(crate::syntax::names::first_line(test).to_string())
}

/// A site left for a human, with the recipe's guide chapter.
fn manual_item(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    site: &Site<'_>,
    message: String,
) -> Outcome {
    Outcome::Manual(Diagnostic {
        recipe: recipe.id.clone(),
        range: site.range,
        message,
        guide: recipe.guide.get(&cx.target).cloned(),
        link: None,
    })
}

pub fn rewrite(cx: &RewriteContext<'_, '_>, recipe: &Recipe, site: &Site<'_>) -> Outcome {
    let manual = |message: String| manual_item(cx, recipe, site, message);
    if let SiteNode::PatchName { .. } | SiteNode::PatchObject { .. } = site.node {
        return rewrite_patch(cx, recipe, site);
    }
    let object = object_of(cx, site);
    let object_facts: BTreeSet<String> = match &object {
        Object::Discarded => BTreeSet::new(),
        Object::Tracked(tracked, _) => {
            let mut found = facts(tracked, cx.parents.get());
            remote_facts(cx, tracked, &mut found);
            found
        }
        Object::Lost(_) => {
            let mut found = BTreeSet::from(["escapes".to_string()]);
            let passed = match site.node {
                SiteNode::Call { call, .. } => cx.parents.get().passed_on(call.range()),
                _ => false,
            };
            if passed {
                found.insert("passed".to_string());
            }
            found
        }
    };
    let mut reason: Option<String> = None;
    for (index, rule) in recipe.rules(cx.target).iter().enumerate() {
        if !applies(cx, rule, site, &object_facts) {
            continue;
        }
        if let Action::Leave(_) = rule.action {
            return Outcome::Nothing;
        }
        let mut draft = match draft(cx, rule, index, site, &object) {
            Ok(Some(draft)) => draft,
            Ok(None) => continue,
            Err(Stop::Manual(guidance)) => {
                // A more specific reason from a rule that almost applied says more.
                let message = match reason {
                    Some(why) => format!("`{}` not rewritten: {why}", display_name(cx.text, site)),
                    None => format!("`{}`: {guidance}", display_name(cx.text, site)),
                };
                return manual(message);
            }
            Err(Stop::Skip(why)) => {
                reason.get_or_insert(why);
                continue;
            }
        };
        // An import the new text does not name would be unused (a pile whose `spawn` is
        // rewritten in the module it is passed to).
        draft
            .requests
            .retain(|r| names(&draft.edits, &rule.defines, r.spec.bound_name()));
        let (mut problem, needs_removed) = match usable(cx, &draft.requests, &site.name) {
            Ok(needs_removed) => (None, needs_removed),
            Err(why) => (Some(why), Vec::new()),
        };
        if let Some(name) = rule
            .defines
            .iter()
            .map(|d| d.name.as_str())
            .find(|name| name_taken(cx.semantic, name))
        {
            problem = Some(format!(
                "the module already uses the name `{name}` its replacement would define"
            ));
        }
        if let Some(why) = cx.python.and_then(|python| too_new(python, rule, &draft)) {
            problem = Some(why);
        }
        if let Some(problem) = problem {
            reason.get_or_insert(problem);
            continue;
        }
        return Outcome::Fix(Box::new(Fix {
            recipe: recipe.id.clone(),
            safety: draft.safety,
            note: draft.note,
            range: site.range,
            edits: draft.edits,
            removals: draft.removals,
            requests: draft.requests,
            rebind: draft.rebind,
            needs_removed,
            kept_comments: None,
            subject: display_name(cx.text, site).to_string(),
            name: site.name.clone(),
            guide: recipe.guide.get(&cx.target).cloned(),
            last: rule.last,
            dual_mode: rule.dual_mode,
            patch_target: None,
            family: draft.family,
            defines: rule.defines.clone(),
            crossings: draft.crossings,
            returns: draft.returns,
            link: None,
            denotes: Vec::new(),
            wrap: draft.wrap,
            escapes: escapes_of(&object),
            guard: draft.guard,
        }));
    }
    if let (SiteNode::Import { .. }, None) = (&site.node, &reason) {
        return Outcome::Nothing;
    }
    match reason {
        Some(why) => manual(format!(
            "`{}` not rewritten: {why}",
            display_name(cx.text, site)
        )),
        None => {
            let how = match site.node {
                SiteNode::Call { .. } => "this call",
                _ => "a reference that is not a call",
            };
            manual(format!(
                "`{}`: no rule of this recipe fits {how}",
                display_name(cx.text, site)
            ))
        }
    }
}

/// Whether the text `edits` write, or `definitions`, names `bound` (as a whole name, not
/// an attribute: `futures.Future()`, not `concurrent.futures`).
fn names(edits: &[Edit], definitions: &[crate::fix::Definition], bound: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let named = |text: &str| {
        text.match_indices(bound).any(|(at, _)| {
            !text[..at].ends_with(|c: char| word(c) || c == '.')
                && !text[at + bound.len()..].starts_with(word)
        })
    };
    edits
        .iter()
        .flat_map(|e| &e.pieces)
        .any(|piece| matches!(piece, Piece::Text(text) if named(text)))
        || definitions.iter().any(|d| named(&d.text))
}

/// Why the replacement `draft` would not run on the oldest Python the project supports:
/// the newest thing it needs, when that is newer.
fn too_new(python: PythonSupport<'_>, rule: &CompiledRule, draft: &Draft) -> Option<String> {
    let mut needs: Vec<(crate::recipe::PythonVersion, String)> = rule
        .requires_python
        .map(|v| (v, "its replacement".to_string()))
        .into_iter()
        .collect();
    let specs = draft
        .requests
        .iter()
        .map(|r| &r.spec)
        .chain(draft.rebind.as_ref().map(|(_, spec)| spec));
    for spec in specs {
        // A module counts from its package's version (`http.client` from `http`'s).
        let module = spec.denotes_module();
        let packages = module
            .match_indices('.')
            .map(|(at, _)| &module[..at])
            .chain([module.as_str()]);
        needs.extend(
            packages
                .filter_map(|name| python.since.get(name))
                .map(|v| (*v, format!("`{module}`"))),
        );
        let qualified = spec.denotes();
        needs.extend(
            attributes(&draft.edits, &rule.defines, spec.bound_name())
                .into_iter()
                .map(|attr| format!("{qualified}.{attr}"))
                .filter_map(|name| python.since.get(&name).map(|v| (*v, format!("`{name}`")))),
        );
    }
    let (version, what) = needs
        .into_iter()
        .filter(|(v, _)| *v > python.floor.version)
        .max_by_key(|(v, _)| *v)?;
    Some(format!(
        "{what} needs Python {version}, and the project still supports {}: migrate it once the project requires {version} (`--python {version}`)",
        python.floor
    ))
}

/// The attributes the text `edits` write, or `definitions`, read through `bound`
/// (`create_server` of `socket.create_server(...)`).
fn attributes(
    edits: &[Edit],
    definitions: &[crate::fix::Definition],
    bound: &str,
) -> BTreeSet<String> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = BTreeSet::new();
    let mut scan = |text: &str| {
        let needle = format!("{bound}.");
        for (at, _) in text.match_indices(&needle) {
            if text[..at].ends_with(|c: char| word(c) || c == '.') {
                continue;
            }
            let rest = &text[at + needle.len()..];
            let end = rest.find(|c: char| !word(c)).unwrap_or(rest.len());
            if end > 0 {
                found.insert(rest[..end].to_string());
            }
        }
    };
    for piece in edits.iter().flat_map(|e| &e.pieces) {
        if let Piece::Text(text) = piece {
            scan(text);
        }
    }
    for definition in definitions {
        scan(&definition.text);
    }
    found
}

/// Whether the imports `requests` asks for can be used where the fix needs them: the
/// Eventlet import bindings that must go for them to be, or why they cannot.
fn usable(
    cx: &RewriteContext<'_, '_>,
    requests: &[Request],
    replacing: &str,
) -> Result<Vec<usize>, String> {
    let mut needs_removed = Vec::new();
    let mut problem = None;
    for request in requests {
        match availability(
            cx.semantic,
            &request.spec,
            request.scope,
            cx.migrated,
            replacing,
        ) {
            Availability::Conflict(why) => problem = Some(why),
            Availability::Replaces(bindings) => needs_removed.extend(bindings),
            Availability::Missing => {
                if let Some(line) = loop_variable(cx, request.spec.bound_name()) {
                    problem = Some(format!(
                        "a new `{}` import would be shadowed by the loop variable at line {line}",
                        request.spec.bound_name()
                    ));
                }
            }
            Availability::Present => {}
        }
    }
    match problem {
        Some(why) => Err(why),
        None => Ok(needs_removed),
    }
}

/// Whether `name` is bound or read anywhere in the module.
fn name_taken(semantic: &Semantic, name: &str) -> bool {
    semantic.bindings.iter().any(|b| b.name == name)
        || semantic.references.iter().any(|r| r.name == name)
}

enum Stop {
    /// The rule is a `manual` one: report with its guidance.
    Manual(String),
    /// The rule does not fit, for this reason; try the next.
    Skip(String),
}

fn draft(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    index: usize,
    site: &Site<'_>,
    object: &Object<'_>,
) -> Result<Option<Draft>, Stop> {
    let mut draft = Draft {
        edits: Vec::new(),
        removals: Vec::new(),
        rebind: None,
        requests: rule_requests(rule, site),
        safety: rule.safety,
        note: rule.note.clone(),
        family: None,
        crossings: Vec::new(),
        returns: Vec::new(),
        rule: index,
        wrap: Vec::new(),
        guard: None,
    };
    match (&rule.action, site.node) {
        (Action::Manual(guidance), _) => return Err(Stop::Manual(guidance.clone())),
        (Action::Replace(template), SiteNode::Call { call, .. }) => {
            if let Some(dropped) = dropped_nested_arguments(cx.text, template, call) {
                return Err(Stop::Skip(dropped));
            }
            let holes = Holes {
                call: Some(call),
                receiver: None,
                target: None,
                own: own_varargs(cx, call),
            };
            let Some(pieces) = render(template, &holes) else {
                return Ok(None);
            };
            draft.requests.extend(module_requests(template, call, site));
            draft.push_template(call.range(), pieces);
            if !rule.methods.is_empty() || rule.append.is_some() {
                follow(cx, rule, object, &mut draft)?;
            }
        }
        (Action::Replace(template), SiteNode::Reference { expr }) => {
            let Some(pieces) = render(template, &Holes::NONE) else {
                return Ok(None);
            };
            draft.edits.push(Edit {
                range: expr.range(),
                pieces,
            });
        }
        (Action::ReplaceCallee(template), SiteNode::Call { call, .. }) => {
            let Some(pieces) = render(template, &Holes::NONE) else {
                return Ok(None);
            };
            draft.edits.push(Edit {
                range: call.func.range(),
                pieces,
            });
            if !rule.methods.is_empty() || rule.append.is_some() {
                follow(cx, rule, object, &mut draft)?;
            }
        }
        (Action::RemoveStatement, SiteNode::Call { .. }) => {
            draft.requests.clear();
            draft.removals.push(site.stmt);
            draft.guard = option_guard(cx, site.stmt);
            if let Some(guard) = &draft.guard {
                let note = draft
                    .note
                    .take()
                    .map_or(String::new(), |n| format!("{n}; "));
                draft.note = Some(format!(
                    "{note}it serves an option (`if {guard}`), which does nothing once it goes: remove or deprecate the option"
                ));
            }
        }
        (Action::ModuleMap(map), SiteNode::Reference { expr }) => {
            let Some(module) = map.get(&site.name) else {
                return Ok(None);
            };
            let spec = ImportSpec {
                module: module.clone(),
                member: None,
                asname: None,
            };
            draft.requests = vec![Request {
                spec,
                scope: site.scope,
                at: site.range.start(),
            }];
            draft
                .edits
                .push(Edit::replace(expr.range(), module.clone()));
        }
        (Action::ModuleMap(map), SiteNode::Import { binding }) => {
            let BindingKind::Import(import) = &cx.semantic.bindings[binding].kind else {
                return Ok(None);
            };
            let Some(module) = map.get(&site.name) else {
                return Ok(None);
            };
            let rest = &import.qualified[site.name.len().min(import.qualified.len())..];
            let spec = ImportSpec::binding(
                &format!("{module}{rest}"),
                &cx.semantic.bindings[binding].name,
            );
            draft.requests.clear();
            draft.rebind = Some((binding, spec));
        }
        _ => return Ok(None),
    }
    Ok(Some(draft))
}

/// A template that consumes a call passed as an argument (`{arg0.arg0}`) must copy every
/// argument of that call; otherwise says which it would drop.
fn dropped_nested_arguments(text: &str, template: &Template, call: &ExprCall) -> Option<String> {
    let mut used: std::collections::BTreeMap<usize, BTreeSet<usize>> = Default::default();
    for hole in template.holes() {
        if let HoleValue::NestedArg(n, m) = hole.value {
            used.entry(n).or_default().insert(m);
        }
    }
    for (n, inner_used) in used {
        let Some(inner) = call.arguments.args.get(n).and_then(Expr::as_call_expr) else {
            continue;
        };
        let dropped: Vec<&str> = inner
            .arguments
            .iter_source_order()
            .enumerate()
            .filter(|(i, a)| !(matches!(a, ArgOrKeyword::Arg(_)) && inner_used.contains(i)))
            .map(|(_, a)| &text[a.range()])
            .collect();
        if !dropped.is_empty() {
            return Some(format!(
                "`{}` has arguments this rewrite would drop: {}",
                &text[inner.func.range()],
                dropped.join(", ")
            ));
        }
    }
    None
}

/// Rewrites the uses of the object a method call returns (`gt = pool.spawn(f)`, then
/// `gt.wait()`) with `methods`, or says why it cannot be done.
fn follow_result(
    cx: &RewriteContext<'_, '_>,
    methods: &[CompiledMethod],
    call: &ExprCall,
    draft: &mut Draft,
) -> Result<(), String> {
    let stmt = cx
        .semantic
        .innermost_stmt(call.range())
        .map(|s| cx.semantic.stmts[s].range)
        .ok_or("it is not in a statement")?;
    let tracked = match track_elements(&cx.flow(), call, stmt) {
        Some(tracked) => tracked?,
        None => match cx.parents.get().assigned_to(call.range()) {
            Some(target) => track(&cx.flow(), target, stmt)?,
            None => return Err("it is used directly, not stored".to_string()),
        },
    };
    if tracked.is_attribute {
        return Err("it is stored in an attribute".to_string());
    }
    for u in &tracked.uses {
        let Some(Parent::Method {
            call: inner,
            attr,
            discarded,
        }) = u.parent
        else {
            match u.parent {
                Some(Parent::Test) => continue,
                _ => return Err("it is used other than by calling its methods".to_string()),
            }
        };
        let name = attr.attr.as_str();
        let method = pick_method(methods, name, Some((inner, discarded)))
            .ok_or_else(|| format!("`.{name}()` has no equivalent in the new API"))?;
        rewrite_method_call(method, inner, attr, draft)
            .map_err(|why| format!("`.{name}()`{why}"))?;
    }
    Ok(())
}

/// Rewrites one call of a method of a followed object with its rule; the error completes a
/// sentence about the call (`: why`, ` does not fit its template`).
fn rewrite_method_call(
    method: &CompiledMethod,
    call: &ExprCall,
    attr: &ruff_python_ast::ExprAttribute,
    draft: &mut Draft,
) -> Result<(), String> {
    match &method.action {
        MethodAction::Manual(why) => return Err(format!(": {why}")),
        MethodAction::Rename(new) => {
            if new != attr.attr.as_str() {
                draft
                    .edits
                    .push(Edit::replace(attr.attr.range, new.clone()));
            }
        }
        MethodAction::Replace(template) => {
            let holes = Holes {
                call: Some(call),
                receiver: Some(attr.value.range()),
                target: None,
                own: (None, None),
            };
            let pieces =
                render(template, &holes).ok_or(" does not fit its template".to_string())?;
            draft.push_template(call.range(), pieces);
        }
    }
    raise(draft, method);
    Ok(())
}

/// Where the result of a call site goes.
fn object_of<'a>(cx: &RewriteContext<'a, '_>, site: &Site<'_>) -> Object<'a> {
    let SiteNode::Call {
        call,
        discarded,
        bound,
    } = site.node
    else {
        return Object::Lost("not a call".to_string());
    };
    if discarded {
        return Object::Discarded;
    }
    let stmt_range = cx.semantic.stmts[site.stmt].range;
    // An element of a list that is then iterated: each iteration's variable is the object.
    if let Some(elements) = track_elements(&cx.flow(), call, stmt_range) {
        return match elements {
            Ok(tracked) => Object::Tracked(tracked, None),
            Err(why) => Object::Lost(why),
        };
    }
    // Unpacked (`a, b = Event(), Event()`): the name at its place.
    let bound = bound.or_else(|| cx.parents.get().assigned_to(call.range()));
    let Some(target) = bound else {
        // Passed to a function that can be followed (`serve(eventlet.listen(addr))`).
        if let Some(tracked) =
            crate::analyse::objects::track_argument(&cx.flow(), call.range(), stmt_range)
        {
            return Object::Tracked(tracked, None);
        }
        // Used in place (`getcurrent().parent`, `Event().wait()`): a single use.
        return match cx.parents.get().parent(call.range()) {
            Some(parent) => {
                Object::Tracked(Tracked::in_place(call.range(), parent, stmt_range), None)
            }
            None => Object::Lost("its result is used directly, not stored".to_string()),
        };
    };
    match track(&cx.flow(), target, stmt_range) {
        Ok(tracked) => Object::Tracked(tracked, Some(target.range())),
        Err(why) => Object::Lost(why),
    }
}

/// Rewrites every use of the created object, or says why it cannot be done (every use that
/// blocks it, not only the first).
fn follow(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    object: &Object<'_>,
    draft: &mut Draft,
) -> Result<(), Stop> {
    let escaped = |draft: &mut Draft, why: String| {
        draft.safety = draft.safety.max(Safety::Review);
        add_note(
            draft,
            &format!("{why}; check it calls no eventlet-only method"),
        );
    };
    let (tracked, target) = match object {
        Object::Discarded => return Ok(()),
        Object::Lost(why) if rule.allow_escape => {
            escaped(draft, format!("the object is not followed ({why})"));
            return Ok(());
        }
        Object::Lost(why) => {
            return Err(Stop::Skip(format!(
                "the object it creates cannot be followed: {why}"
            )))
        }
        Object::Tracked(tracked, target) => (tracked, *target),
    };
    let position = |range: TextRange| {
        let line = cx.text[..usize::from(range.start())].matches('\n').count() + 1;
        let column = cx.text
            [usize::from(cx.text.line_start(range.start()))..usize::from(range.start())]
            .chars()
            .count()
            + 1;
        format!("{line}:{column}")
    };
    let last = tracked.uses.iter().map(|u| u.range.start()).max();
    let mut problems: Vec<String> = Vec::new();
    for u in &tracked.uses {
        match u.parent {
            None if rule.allow_escape => escaped(
                draft,
                format!(
                    "the object is passed to other code at {}",
                    position(u.range)
                ),
            ),
            None => problems.push(format!(
                "the object is passed to other code at {}, whose use of it cannot be checked",
                position(u.range)
            )),
            Some(Parent::With | Parent::Test) => {}
            Some(Parent::Returned) if rule.allow_escape => escaped(
                draft,
                format!("the object is returned at {}", position(u.range)),
            ),
            Some(Parent::Returned) => match returning(cx, u.range) {
                Some((_, Some(Ok(to)))) => draft.returns.push(Return {
                    to: to.clone(),
                    at: u.range,
                    rule: draft.rule,
                }),
                Some((function, Some(Err(why)))) => problems.push(format!(
                    "the object is returned at {} (by `{function}`: {why})",
                    position(u.range)
                )),
                _ => problems.push(format!(
                    "the object is returned at {}, to callers whose use of it cannot be checked",
                    position(u.range)
                )),
            },
            Some(Parent::Passed { .. }) if rule.allow_escape => escaped(
                draft,
                format!(
                    "the object is passed to other code at {}",
                    position(u.range)
                ),
            ),
            Some(Parent::Passed {
                call,
                function,
                slot,
            }) => match (
                remote(cx, function, slot),
                crate::syntax::names::last_name(function),
            ) {
                (Some(Ok(to)), Some(local)) => draft.crossings.push(Crossing {
                    to: to.clone(),
                    call: call.range(),
                    argument: u.range,
                    mentions: crate::analyse::objects::mentions_of(
                        cx.semantic,
                        cx.parents.get(),
                        local,
                    ),
                    rule: draft.rule,
                }),
                (Some(Err(why)), _) => problems.push(format!(
                    "the object is passed to other code at {} (`{}`: {why})",
                    position(u.range),
                    &cx.text[function.range()]
                )),
                _ => problems.push(format!(
                    "the object is passed to other code at {}, whose use of it cannot be checked",
                    position(u.range)
                )),
            },
            // Iterating the object: the `__iter__` method rule says what to iterate instead.
            Some(Parent::Iter) => {
                match pick_method(&rule.methods, "__iter__", None).map(|m| (m, &m.action)) {
                    Some((method, MethodAction::Replace(template))) => {
                        let holes = Holes {
                            call: None,
                            receiver: Some(u.range),
                            target: None,
                            own: (None, None),
                        };
                        match render(template, &holes) {
                            Some(pieces) => {
                                let pieces = match cx.parents.get().sole_argument_of(u.range) {
                                    Some(call)
                                        if cx.text[TextRange::new(u.range.end(), call.end())]
                                            .trim()
                                            == ")" =>
                                    {
                                        unparenthesized(pieces)
                                    }
                                    _ => pieces,
                                };
                                draft.push_template(u.range, pieces);
                                raise(draft, method);
                            }
                            None => problems.push(format!(
                                "iterating at {} does not fit its template",
                                position(u.range)
                            )),
                        }
                    }
                    _ => problems.push(format!(
                        "the object is iterated at {}, which the recipe cannot map",
                        position(u.range)
                    )),
                }
            }
            Some(Parent::Method {
                call,
                attr,
                discarded,
            }) => {
                let name = attr.attr.as_str();
                let at = position(attr.attr.range);
                let Some(method) = pick_method(&rule.methods, name, Some((call, discarded))) else {
                    problems.push(format!(
                        "`.{name}()` at {at} has no equivalent in the new API"
                    ));
                    continue;
                };
                // "Last use" is only meaningful for a local that each call of its function
                // creates afresh: an attribute or a global is used again on the next call.
                let same_run = !tracked.is_attribute
                    && !tracked.borrowed
                    && match cx.parents.get().innermost(u.range, false) {
                        Some(function) => function == tracked.within,
                        None => {
                            !tracked.within.is_empty()
                                && tracked.within.start() == 0.into()
                                && tracked.within.len() == u32::MAX.into()
                        }
                    };
                if method.last_use
                    && (!same_run
                        || Some(u.range.start()) != last
                        || cx.parents.get().in_loop(call.range(), tracked.within))
                {
                    problems.push(format!(
                        "`.{name}()` at {at} is not the last use of a local object outside a loop"
                    ));
                    continue;
                }
                if let Err(why) = rewrite_method_call(method, call, attr, draft) {
                    problems.push(format!("`.{name}()` at {at}{why}"));
                }
                if !discarded && !method.result.is_empty() {
                    if let Err(why) = follow_result(cx, &method.result, call, draft) {
                        problems.push(format!("what `.{name}()` at {at} returns: {why}"));
                    }
                }
            }
            Some(Parent::Attribute { attr }) => {
                let name = attr.attr.as_str();
                let at = position(attr.attr.range);
                match pick_method(&rule.methods, name, None).map(|m| (m, &m.action)) {
                    Some((method, MethodAction::Rename(new))) => {
                        if new != name {
                            draft
                                .edits
                                .push(Edit::replace(attr.attr.range, new.clone()));
                        }
                        raise(draft, method);
                    }
                    Some((_, MethodAction::Manual(why))) => {
                        problems.push(format!("`.{name}` at {at}: {why}"))
                    }
                    _ => problems.push(format!(
                        "`.{name}` at {at} is used without a call the recipe can map"
                    )),
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Stop::Skip(problems.join("; ")));
    }
    if tracked.is_attribute {
        draft.safety = draft.safety.max(Safety::Review);
        add_note(draft, "the attribute may also be used outside its class");
    }
    draft.family = tracked.family.clone();
    if !draft.returns.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        let function = draft.returns[0].to.function.clone();
        add_note(
            draft,
            &format!(
                "the object is returned to the callers of `{function}`, whose uses of it are rewritten with it"
            ),
        );
        if !function.starts_with('_') {
            add_note(
                draft,
                &format!(
                    "`{function}` is public: a caller outside the project gets the new object too"
                ),
            );
        }
    }
    if !draft.crossings.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        let places: BTreeSet<String> = draft
            .crossings
            .iter()
            .map(|c| format!("`{}` ({})", c.to.function, c.to.path))
            .collect();
        add_note(
            draft,
            &format!(
                "the object is passed to {}, whose uses of it are rewritten with it",
                places.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
        let public: BTreeSet<&str> = draft
            .crossings
            .iter()
            .map(|c| c.to.function.as_str())
            .filter(|f| !f.starts_with('_'))
            .collect();
        if !public.is_empty() {
            let names: Vec<String> = public.iter().map(|f| format!("`{f}`")).collect();
            add_note(
                draft,
                &format!(
                    "{} public: a caller outside the project that passes an eventlet object would break",
                    if names.len() == 1 { format!("{} is", names[0]) } else { format!("{} are", names.join(", ")) }
                ),
            );
        }
    }
    if !tracked.crossed.is_empty() {
        draft.safety = draft.safety.max(Safety::Review);
        add_note(
            draft,
            &format!(
                "the object is followed into {}, which other modules could also call",
                tracked
                    .crossed
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if let Some(template) = rule.append.as_ref().filter(|_| !tracked.made_elsewhere) {
        let Some(target) = target else {
            return Err(Stop::Skip(
                "its result is not stored, so it cannot be started on the next line".to_string(),
            ));
        };
        let stmt = cx
            .semantic
            .innermost_stmt(target)
            .map(|s| cx.semantic.stmts[s].range)
            .ok_or_else(|| Stop::Skip("no statement".to_string()))?;
        let after = &cx.text[TextRange::new(stmt.end(), cx.text.line_end(stmt.end()))];
        if !starts_line(cx.text, stmt.start())
            || !(after.trim().is_empty() || after.trim_start().starts_with('#'))
        {
            return Err(Stop::Skip(
                "the assignment shares its line with other code".to_string(),
            ));
        }
        let holes = Holes {
            call: None,
            receiver: None,
            target: Some(target),
            own: (None, None),
        };
        let pieces =
            render(template, &holes).ok_or_else(|| Stop::Skip("append-statement".to_string()))?;
        let indent = indentation_at(cx.text, stmt.start()).to_string();
        let nl = line_ending(cx.text).to_string();
        // Each `\n`-separated statement of the template on a line of its own.
        let mut inserted = vec![Piece::Text(indent.clone())];
        for piece in pieces {
            match piece {
                Piece::Text(t) => {
                    inserted.push(Piece::Text(t.replace('\n', &format!("{nl}{indent}"))))
                }
                source => inserted.push(source),
            }
        }
        inserted.push(Piece::Text(nl));
        draft.edits.push(Edit {
            range: TextRange::empty(cx.text.full_line_end(stmt.end())),
            pieces: merge_text(inserted),
        });
    }
    Ok(())
}

/// What the project plan found of the parameter an object passed to `function` as `slot`
/// reaches in another module (`None`: not looked at).
fn remote<'c>(
    cx: &RewriteContext<'c, '_>,
    function: &Expr,
    slot: Slot<'_>,
) -> Option<Result<&'c RemoteParameter, String>> {
    let callee = crate::analyse::objects::passed_callee(cx.semantic, function)?;
    cx.elsewhere.parameter(&callee, &slot.owned())
}

/// The module-level function whose `return` statement returns the expression at `range`,
/// and what the project plan found of its callers (`None`: not looked at).
fn returning<'c>(
    cx: &RewriteContext<'c, '_>,
    range: TextRange,
) -> Option<(String, Option<Result<&'c RemoteCallers, String>>)> {
    let parents = cx.parents.get();
    let def = parents.function_def_at(parents.innermost(range, false)?)?;
    let name = def.name.as_str();
    // Module-level: the only binding of its name in the module scope is this `def`.
    let module_level = matches!(
        cx.semantic.bindings_of(crate::syntax::semantic::MODULE_SCOPE, name),
        [b] if cx.semantic.bindings[*b].start == def.range.start()
    );
    module_level.then(|| (name.to_string(), cx.elsewhere.callers(name)))
}

/// The facts of the uses of the object in the functions of other modules it is passed to
/// (what they call on it decides the rule as much as what is called here); passed where
/// the plan cannot see, it escapes. Iterated on both sides, it is iterated again.
fn remote_facts(cx: &RewriteContext<'_, '_>, tracked: &Tracked<'_>, found: &mut BTreeSet<String>) {
    let mut iterating = usize::from(found.contains("iter"));
    for u in &tracked.uses {
        let facts = match u.parent {
            Some(Parent::Passed { function, slot, .. }) => match remote(cx, function, slot) {
                Some(Ok(to)) => Some(&to.facts),
                _ => None,
            },
            Some(Parent::Returned) => match returning(cx, u.range) {
                Some((_, Some(Ok(to)))) => Some(&to.facts),
                _ => None,
            },
            _ => continue,
        };
        match facts {
            Some(facts) => {
                iterating += usize::from(facts.contains("iter"));
                found.extend(facts.iter().cloned());
            }
            None => {
                found.insert("escapes".to_string());
                found.insert("passed".to_string());
            }
        }
    }
    if iterating > 1 {
        found.insert("iter-again".to_string());
    }
}

/// The rewrite of the uses of the parameter of `function` (of this module) that an object
/// made elsewhere is passed to as `slot`, by the rule (`rule`, by its place) that rewrote it
/// where it is made; `made` names the object for the review note. The callers are the
/// project plan's to check.
pub fn rewrite_parameter(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    function: &str,
    slot: &PassedAs,
    made: &Fix,
) -> Result<Fix, String> {
    let crate::analyse::objects::Parameter {
        name: parameter,
        range,
        tracked,
        ..
    } = crate::analyse::objects::track_parameter(&cx.flow(), function, slot)?;
    let note = format!(
        "`{parameter}` receives the `{}` its callers make, rewritten with them",
        made.subject
    );
    let found = Found {
        tracked,
        range,
        subject: parameter,
        note,
    };
    borrowed_fix(cx, recipe, rule, found, made)
}

/// The rewrite of the uses of what the call at `call` returns (an object the function it
/// calls makes, in this module or another), by the rule (`rule`) that rewrote it where it
/// is made.
pub fn rewrite_result(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    call: TextRange,
    made: &Fix,
) -> Result<Fix, String> {
    let expr = crate::analyse::objects::call_at(cx.parents.body(), call)
        .ok_or_else(|| "the call is not found".to_string())?;
    let tracked = crate::analyse::objects::track_result(&cx.flow(), expr)?;
    let subject = crate::syntax::names::first_line(&cx.text[expr.func.range()]).to_string();
    let note = format!(
        "what `{subject}()` returns is the `{}` it makes, rewritten with it",
        made.subject
    );
    let found = Found {
        tracked,
        range: call,
        subject: format!("{subject}()"),
        note,
    };
    borrowed_fix(cx, recipe, rule, found, made)
}

/// An object made elsewhere, as the module that uses it sees it.
struct Found<'a> {
    tracked: Tracked<'a>,
    /// Where the fix is reported, and as what.
    range: TextRange,
    subject: String,
    note: String,
}

/// The fix of the uses of an object made elsewhere (`made` fixes where it is made) by the
/// rule (`rule`) that rewrote it there: the uses' edits and the imports they name.
fn borrowed_fix(
    cx: &RewriteContext<'_, '_>,
    recipe: &Recipe,
    rule: usize,
    found: Found<'_>,
    made: &Fix,
) -> Result<Fix, String> {
    let compiled = recipe
        .rules(cx.target)
        .get(rule)
        .ok_or_else(|| format!("recipe `{}` has no rule {rule}", recipe.id))?;
    let mut draft = Draft {
        edits: Vec::new(),
        removals: Vec::new(),
        rebind: None,
        requests: Vec::new(),
        safety: Safety::Review,
        note: None,
        family: None,
        crossings: Vec::new(),
        returns: Vec::new(),
        rule,
        wrap: Vec::new(),
        guard: None,
    };
    let object = Object::Tracked(found.tracked, None);
    let escapes = escapes_of(&object);
    follow(cx, compiled, &object, &mut draft).map_err(|stop| match stop {
        Stop::Manual(why) | Stop::Skip(why) => why,
    })?;
    if !draft.crossings.is_empty() || !draft.returns.is_empty() {
        return Err(format!("`{}` passes it on to other code", found.subject));
    }
    // The rule's imports that the rewritten uses name (`futures.` in a pile's `spawn`).
    let named = |bound: &str| names(&draft.edits, &[], bound);
    let at = draft.edits.iter().map(|e| e.range.start()).min();
    if let Some(at) = at {
        draft.requests = compiled
            .imports
            .iter()
            .filter(|spec| named(spec.bound_name()))
            .map(|spec| Request {
                spec: spec.clone(),
                scope: crate::syntax::semantic::MODULE_SCOPE,
                at,
            })
            .collect();
    }
    let needs_removed = usable(cx, &draft.requests, &made.name)?;
    add_note(&mut draft, &found.note);
    Ok(Fix {
        recipe: recipe.id.clone(),
        safety: draft.safety,
        note: draft.note,
        range: found.range,
        edits: draft.edits,
        removals: draft.removals,
        requests: draft.requests,
        rebind: None,
        needs_removed,
        kept_comments: None,
        subject: found.subject,
        name: made.name.clone(),
        guide: made.guide.clone(),
        last: false,
        dual_mode: made.dual_mode,
        patch_target: None,
        family: None,
        defines: Vec::new(),
        crossings: Vec::new(),
        returns: Vec::new(),
        link: None,
        denotes: compiled
            .imports
            .iter()
            .map(|spec| spec.denotes_module())
            .collect(),
        wrap: draft.wrap,
        escapes,
        guard: None,
    })
}

fn add_note(draft: &mut Draft, note: &str) {
    match &mut draft.note {
        Some(existing) if !existing.contains(note) => {
            existing.push_str("; ");
            existing.push_str(note);
        }
        Some(_) => {}
        None => draft.note = Some(note.to_string()),
    }
}

fn raise(draft: &mut Draft, method: &CompiledMethod) {
    draft.safety = draft.safety.max(method.safety);
    if let Some(note) = &method.note {
        add_note(draft, note);
    }
}

/// The first method rule for `name` whose conditions hold for this use.
fn pick_method<'r>(
    methods: &'r [CompiledMethod],
    name: &str,
    call: Option<(&ExprCall, bool)>,
) -> Option<&'r CompiledMethod> {
    methods.iter().find(|m| {
        m.name == name
            && match call {
                Some((call, discarded)) => {
                    call_fits(&m.when, call, discarded)
                        && m.when
                            .arg
                            .as_ref()
                            .is_none_or(|a| arg_text_matches(a, call))
                }
                None => m.when.args.is_none() && m.when.result.is_none() && m.when.arg.is_none(),
            }
    })
}

/// The matched code as written (`eventlet.sleep`), for messages.
fn display_name<'t>(text: &'t str, site: &Site<'_>) -> &'t str {
    let range = match site.node {
        SiteNode::Call { call, .. } => call.func.range(),
        _ => site.range,
    };
    &text[range]
}

fn rule_requests(rule: &CompiledRule, site: &Site<'_>) -> Vec<Request> {
    rule.imports
        .iter()
        .map(|spec| Request {
            spec: spec.clone(),
            scope: site.scope,
            at: site.range.start(),
        })
        .collect()
}

fn call_fits(when: &When, call: &ExprCall, discarded: bool) -> bool {
    let n = call.arguments.len();
    let starred = call
        .arguments
        .iter_source_order()
        .any(|a| a.is_variadic() || matches!(a, ArgOrKeyword::Arg(Expr::Starred(_))));
    when.args.is_none_or(|a| a == n)
        && when.min_args.is_none_or(|a| n >= a)
        && when.max_args.is_none_or(|a| n <= a)
        && when
            .result
            .is_none_or(|r| (r == ResultUse::Discarded) == discarded)
        && when
            .has_keywords
            .iter()
            .all(|k| call.arguments.find_keyword(k).is_some())
        && when.starred.is_none_or(|s| s == starred)
        && when
            .positional
            .is_none_or(|p| p == call.arguments.args.len())
        && when.allowed_keywords.as_ref().is_none_or(|allowed| {
            call.arguments.keywords.iter().all(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|a| allowed.iter().any(|x| x == a.as_str()))
            })
        })
}

fn applies(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    site: &Site<'_>,
    facts: &BTreeSet<String>,
) -> bool {
    let when = &rule.when;
    if let (Some(arg_call), SiteNode::Call { call, .. }) = (&when.arg_call, site.node) {
        let inner = call
            .arguments
            .args
            .get(arg_call.index)
            .and_then(|a| a.as_call_expr());
        let name = inner
            .and_then(|c| {
                cx.semantic
                    .expr_qualified_name(&c.func)
                    .or_else(|| cx.semantic.builtin_name(&c.func))
            })
            .map(|q| (cx.canonical)(&q));
        if name.as_deref() != Some(arg_call.name.as_str()) {
            return false;
        }
    }
    if let (Some(made_by), SiteNode::Call { call, .. }) = (&when.arg_made_by, site.node) {
        if !argument_made_by(cx, call, made_by) {
            return false;
        }
    }
    if when.name.as_ref().is_some_and(|n| *n != site.name) {
        return false;
    }
    let uses_ok = (when.uses_any.is_empty() || when.uses_any.iter().any(|f| facts.contains(f)))
        && !when.uses_none.iter().any(|f| facts.contains(f));
    match (rule.on, site.node) {
        (
            SiteKind::Call,
            SiteNode::Call {
                call, discarded, ..
            },
        ) => {
            call_fits(when, call, discarded)
                && uses_ok
                && when.arg.as_ref().is_none_or(|a| arg_text_matches(a, call))
        }
        (SiteKind::Reference, SiteNode::Reference { .. }) => true,
        (SiteKind::Module, SiteNode::Reference { expr }) => matches!(expr, Expr::Attribute(_)),
        (SiteKind::Module, SiteNode::Import { .. }) => true,
        _ => false,
    }
}

/// Whether the positional argument `made_by.index` is a name whose one binding in its scope
/// assigns it a call of `made_by.name`.
fn argument_made_by(
    cx: &RewriteContext<'_, '_>,
    call: &ExprCall,
    made_by: &crate::recipe::model::ArgCall,
) -> bool {
    let Some(Expr::Name(name)) = call.arguments.args.get(made_by.index) else {
        return false;
    };
    let Some(scope) = cx
        .semantic
        .reference_at(name.range.start())
        .and_then(|r| r.resolved)
    else {
        return false;
    };
    let [binding] = cx.semantic.bindings_of(scope, name.id.as_str()) else {
        return false;
    };
    let start = cx.semantic.bindings[*binding].start;
    let Some(Expr::Call(value)) = cx.parents.get().assignment_value(start) else {
        return false;
    };
    cx.semantic
        .expr_qualified_name(&value.func)
        .is_some_and(|q| (cx.canonical)(&q) == made_by.name)
}

fn arg_text_matches(arg: &crate::recipe::ArgText, call: &ExprCall) -> bool {
    let value = arg
        .index
        .and_then(|i| call.arguments.args.get(i))
        .or_else(|| {
            arg.keyword
                .as_ref()
                .and_then(|k| call.arguments.find_keyword(k))
                .map(|k| &k.value)
        });
    value.is_some_and(|v| {
        let int = int_literal(v);
        source_text(v).is_some_and(|text| arg.text.contains(&text))
            || (arg.positive_int && int.is_some_and(|i| i > 0))
            || (arg.non_positive_int && int.is_some_and(|i| i <= 0))
    })
}

/// The value of an integer literal (`3`, `-1`) that fits an `i128`.
fn int_literal(expr: &Expr) -> Option<i128> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ruff_python_ast::Number::Int(i) => i.as_u64().map(i128::from),
            _ => None,
        },
        Expr::UnaryOp(u) if u.op == ruff_python_ast::UnaryOp::USub => {
            int_literal(&u.operand).map(|i| -i)
        }
        _ => None,
    }
}

/// The source text of an expression, for `when.arg` checks.
fn source_text(expr: &Expr) -> Option<String> {
    // Literal values are compared by their canonical spelling.
    Some(match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ruff_python_ast::Number::Int(i) => i.to_string(),
            ruff_python_ast::Number::Float(f) => f.to_string(),
            ruff_python_ast::Number::Complex { .. } => return None,
        },
        Expr::NoneLiteral(_) => "None".to_string(),
        Expr::StringLiteral(s) => format!("'{}'", s.value.to_str()),
        Expr::BooleanLiteral(b) => if b.value { "True" } else { "False" }.to_string(),
        Expr::UnaryOp(u) if u.op == ruff_python_ast::UnaryOp::USub => {
            format!("-{}", source_text(&u.operand)?)
        }
        _ => return None,
    })
}

/// What the holes of a template are filled from.
#[derive(Clone, Copy)]
struct Holes<'a> {
    call: Option<&'a ExprCall>,
    receiver: Option<TextRange>,
    target: Option<TextRange>,
    /// The enclosing function's own `*args` and `**kwargs` (never rebound there): passed on
    /// whole, they are rendered as themselves (`args=args`), not re-packed (`args=(*args,)`).
    own: (Option<&'a str>, Option<&'a str>),
}

impl Holes<'_> {
    /// A template without holes (a callee, a reference).
    const NONE: Holes<'static> = Holes {
        call: None,
        receiver: None,
        target: None,
        own: (None, None),
    };
}

/// Renders a template; `None` when a hole outside an optional section has no value.
fn render(template: &Template, holes: &Holes<'_>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for segment in &template.segments {
        match segment {
            Segment::Text(t) => out.push(Piece::Text(t.clone())),
            Segment::Hole(hole) => out.extend(hole_value(&hole.value, hole.filter, holes)?.0),
            Segment::Optional(inner) => {
                let mut section = Vec::new();
                let mut present = true;
                for segment in inner {
                    match segment {
                        Segment::Text(t) => section.push(Piece::Text(t.clone())),
                        Segment::Hole(hole) => match hole_value(&hole.value, hole.filter, holes) {
                            Some((pieces, false)) => section.extend(pieces),
                            _ => present = false,
                        },
                        Segment::Optional(_) => present = false,
                    }
                }
                if present {
                    out.extend(section);
                }
            }
        }
    }
    Some(merge_text(out))
}

/// The module a string literal names (`'os.path'`), when it is a dotted name.
fn module_named(expr: &Expr) -> Option<String> {
    let Expr::StringLiteral(literal) = expr else {
        return None;
    };
    let name = literal.value.to_str();
    let dotted = !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        });
    dotted.then(|| name.to_string())
}

/// The imports `{…|module}` holes of `template` ask for, for this call.
fn module_requests(template: &Template, call: &ExprCall, site: &Site<'_>) -> Vec<Request> {
    let holes = Holes {
        call: Some(call),
        receiver: None,
        target: None,
        own: (None, None),
    };
    template
        .holes()
        .into_iter()
        .filter(|hole| hole.filter == Some(Filter::Module))
        .filter_map(|hole| hole_value(&hole.value, hole.filter, &holes))
        .filter_map(|(pieces, _)| match pieces.as_slice() {
            [Piece::Text(module)] => ImportSpec::parse(&format!("import {module}")).ok(),
            _ => None,
        })
        .map(|spec| Request {
            spec,
            scope: site.scope,
            at: site.range.start(),
        })
        .collect()
}

/// `(x for x in y)` as the only argument of a call needs no parentheses of its own
/// (`sum(x for x in y)`): the template's outer pair is dropped when it encloses the whole
/// replacement (its first piece opens it and does not close it, its last piece is `)`).
fn unparenthesized(mut pieces: Vec<Piece>) -> Vec<Piece> {
    let encloses = match (pieces.first(), pieces.last()) {
        (Some(Piece::Text(first)), Some(Piece::Text(last))) if pieces.len() > 1 => {
            first.starts_with('(')
                && last == ")"
                && first[1..]
                    .chars()
                    .try_fold(1usize, |depth, c| match c {
                        '(' => Some(depth + 1),
                        ')' => depth.checked_sub(1).filter(|&d| d > 0),
                        _ => Some(depth),
                    })
                    .is_some()
        }
        _ => false,
    };
    if !encloses {
        return pieces;
    }
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        first.remove(0);
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.pop();
    }
    pieces
}

/// A tuple display's elements as arguments, else the value starred.
fn unpacked(expr: &Expr, atomic: bool) -> Vec<Piece> {
    match expr {
        Expr::Tuple(tuple)
            if !tuple.elts.is_empty() && !tuple.elts.iter().any(Expr::is_starred_expr) =>
        {
            let mut out = Vec::new();
            for (i, element) in tuple.elts.iter().enumerate() {
                if i > 0 {
                    out.push(Piece::Text(", ".into()));
                }
                out.push(Piece::Source(element.range()));
            }
            out
        }
        _ if atomic => vec![Piece::Text("*".into()), Piece::Source(expr.range())],
        _ => vec![
            Piece::Text("*(".into()),
            Piece::Source(expr.range()),
            Piece::Text(")".into()),
        ],
    }
}

/// The pieces of a hole and whether the selection is empty.
fn hole_value(
    value: &HoleValue,
    filter: Option<Filter>,
    holes: &Holes<'_>,
) -> Option<(Vec<Piece>, bool)> {
    match value {
        HoleValue::Receiver => return holes.receiver.map(|r| (vec![Piece::Source(r)], false)),
        HoleValue::Target => return holes.target.map(|r| (vec![Piece::Source(r)], false)),
        _ => {}
    }
    let single = |expr: &Expr| {
        let source = vec![Piece::Source(expr.range())];
        let atomic = matches!(
            expr,
            Expr::Name(_)
                | Expr::Attribute(_)
                | Expr::Call(_)
                | Expr::Subscript(_)
                | Expr::StringLiteral(_)
                | Expr::NumberLiteral(_)
                | Expr::List(_)
                | Expr::Dict(_)
                | Expr::Tuple(_)
        );
        if filter == Some(Filter::Unpacked) {
            return Some((unpacked(expr, atomic), false));
        }
        if filter == Some(Filter::Module) {
            return module_named(expr).map(|m| (vec![Piece::Text(m)], false));
        }
        if filter == Some(Filter::Atom) && !atomic {
            let mut wrapped = vec![Piece::Text("(".into())];
            wrapped.extend(source);
            wrapped.push(Piece::Text(")".into()));
            Some((wrapped, false))
        } else {
            Some((source, false))
        }
    };
    let call = holes.call?;
    let args = &call.arguments;
    let ordered: Vec<ArgOrKeyword<'_>> = args.iter_source_order().collect();
    let positional_ok = |upto: usize| !args.args.iter().take(upto).any(Expr::is_starred_expr);
    let selection: Vec<ArgOrKeyword<'_>> = match value {
        // Everything between the parentheses, as written: line breaks, comments and a
        // trailing comma included.
        HoleValue::Args => {
            let empty = args.is_empty();
            let pieces = if empty {
                Vec::new()
            } else {
                vec![Piece::Source(args.inner_range())]
            };
            return Some((pieces, empty));
        }
        HoleValue::NestedArg(n, m) => {
            if !positional_ok(*n + 1) {
                return None;
            }
            let inner = args.args.get(*n)?.as_call_expr()?;
            if inner
                .arguments
                .args
                .iter()
                .take(*m + 1)
                .any(Expr::is_starred_expr)
            {
                return None;
            }
            return single(inner.arguments.args.get(*m)?);
        }
        HoleValue::Arg(n) => {
            let arg = args.args.get(*n)?;
            if !positional_ok(*n + 1) {
                return None;
            }
            return single(arg);
        }
        HoleValue::ArgsFrom(n) => {
            if !positional_ok(*n) || args.args.len() < *n {
                return None;
            }
            let skipped: Vec<TextRange> = args.args.iter().take(*n).map(Ranged::range).collect();
            ordered
                .iter()
                .copied()
                .filter(|a| !skipped.contains(&a.range()))
                .collect()
        }
        HoleValue::PosArgsFrom(n) => {
            if !positional_ok(*n) || args.args.len() < *n {
                return None;
            }
            args.args.iter().skip(*n).map(ArgOrKeyword::Arg).collect()
        }
        HoleValue::Kwargs => args.keywords.iter().map(ArgOrKeyword::Keyword).collect(),
        HoleValue::Kw(name) => {
            let keyword = args.find_keyword(name)?;
            return single(&keyword.value);
        }
        HoleValue::Receiver | HoleValue::Target => return None,
    };
    let empty = selection.is_empty();
    let pieces = match filter {
        // Arguments are separate already.
        None | Some(Filter::Atom | Filter::Unpacked | Filter::Module) => {
            verbatim(&ordered, &selection)
        }
        Some(Filter::Tuple) if own_passed(&selection, holes.own.0, true) => {
            verbatim_value(&selection)
        }
        Some(Filter::Dict) if own_passed(&selection, holes.own.1, false) => {
            verbatim_value(&selection)
        }
        Some(Filter::Tuple) => {
            let mut pieces = vec![Piece::Text("(".into())];
            pieces.extend(joined(&selection, |a| vec![Piece::Source(a.range())]));
            // `(a,)` and `(*a,)`: a one-element tuple needs its comma, starred or not.
            let single = selection.len() == 1;
            pieces.push(Piece::Text(if single { ",)" } else { ")" }.into()));
            pieces
        }
        Some(Filter::Dict) => {
            let mut pieces = vec![Piece::Text("{".into())];
            pieces.extend(joined(&selection, |a| match a {
                ArgOrKeyword::Keyword(k) => match &k.arg {
                    Some(name) => vec![
                        Piece::Text(format!("'{name}': ")),
                        Piece::Source(k.value.range()),
                    ],
                    None => vec![Piece::Text("**".into()), Piece::Source(k.value.range())],
                },
                ArgOrKeyword::Arg(e) => vec![Piece::Source(e.range())],
            }));
            pieces.push(Piece::Text("}".into()));
            pieces
        }
    };
    Some((merge_text(pieces), empty))
}

/// Whether `selection` is exactly `*own` (`star`) or `**own`: the function's own varargs.
fn own_passed(selection: &[ArgOrKeyword<'_>], own: Option<&str>, star: bool) -> bool {
    let Some(own) = own else { return false };
    let is_own = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == own);
    match selection {
        [ArgOrKeyword::Arg(Expr::Starred(s))] => star && is_own(&s.value),
        [ArgOrKeyword::Keyword(k)] => !star && k.arg.is_none() && is_own(&k.value),
        _ => false,
    }
}

/// The value under the single `*x` or `**x` of `selection`: `x` as written.
fn verbatim_value(selection: &[ArgOrKeyword<'_>]) -> Vec<Piece> {
    match selection {
        [ArgOrKeyword::Arg(Expr::Starred(s))] => vec![Piece::Source(s.value.range())],
        [ArgOrKeyword::Keyword(k)] => vec![Piece::Source(k.value.range())],
        _ => Vec::new(),
    }
}

/// The `*args` and `**kwargs` names of the function whose body holds `range`, when that
/// function never rebinds them (each is bound once: by the parameter).
fn own_varargs<'a>(
    cx: &RewriteContext<'a, '_>,
    call: &ExprCall,
) -> (Option<&'a str>, Option<&'a str>) {
    // Most calls pass nothing on whole: no need to look for the function around them.
    let args = &call.arguments;
    if !args.args.iter().any(Expr::is_starred_expr) && args.keywords.iter().all(|k| k.arg.is_some())
    {
        return (None, None);
    }
    let Some(def) = innermost_def(cx, call.range()) else {
        return (None, None);
    };
    let once = |name: &'a str| {
        let scope = cx
            .semantic
            .bindings
            .iter()
            .find(|b| b.name == name && def.range.contains(b.start))?
            .scope;
        (cx.semantic.bindings_of(scope, name).len() == 1).then_some(name)
    };
    let vararg = def
        .parameters
        .vararg
        .as_ref()
        .and_then(|p| once(p.name.as_str()));
    let kwarg = def
        .parameters
        .kwarg
        .as_ref()
        .and_then(|p| once(p.name.as_str()));
    (vararg, kwarg)
}

/// The innermost function definition around `range`.
fn innermost_def<'a>(
    cx: &RewriteContext<'a, '_>,
    range: TextRange,
) -> Option<&'a ruff_python_ast::StmtFunctionDef> {
    let parents = cx.parents.get();
    let function = parents.innermost(range, false)?;
    parents.function_def_at(function)
}

/// The selected arguments as the user wrote them: one slice when they are contiguous in the
/// source (comments and line breaks between them kept), else joined with `, `.
fn verbatim(ordered: &[ArgOrKeyword<'_>], selection: &[ArgOrKeyword<'_>]) -> Vec<Piece> {
    let (Some(first), Some(last)) = (selection.first(), selection.last()) else {
        return Vec::new();
    };
    let start = ordered.iter().position(|a| a.range() == first.range());
    let contiguous = start.is_some_and(|s| {
        ordered[s..].len() >= selection.len()
            && ordered[s..s + selection.len()]
                .iter()
                .zip(selection)
                .all(|(a, b)| a.range() == b.range())
    });
    if contiguous {
        vec![Piece::Source(TextRange::new(
            first.range().start(),
            last.range().end(),
        ))]
    } else {
        joined(selection, |a| vec![Piece::Source(a.range())])
    }
}

fn joined(
    selection: &[ArgOrKeyword<'_>],
    each: impl Fn(&ArgOrKeyword<'_>) -> Vec<Piece>,
) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, a) in selection.iter().enumerate() {
        if i > 0 {
            out.push(Piece::Text(", ".into()));
        }
        out.extend(each(a));
    }
    out
}

/// The single object a recipe replaces the matched name with (`time.sleep`), when its rules
/// say so plainly: a callee or reference replaced by a dotted name from the rule's imports.
fn dotted_target(recipe: &Recipe, target: Target, name: &str) -> Option<String> {
    recipe.rules(target).iter().find_map(|rule| {
        if rule.when.name.as_ref().is_some_and(|n| n != name) {
            return None;
        }
        let template = match &rule.action {
            Action::ReplaceCallee(t) => t,
            Action::Replace(t) if rule.on == SiteKind::Reference => t,
            _ => return None,
        };
        let [Segment::Text(text)] = &template.segments[..] else {
            return None;
        };
        if !text
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return None;
        }
        let (head, rest) = text
            .split_once('.')
            .map_or((text.as_str(), ""), |(h, r)| (h, r));
        let import = rule.imports.iter().find(|i| i.bound_name() == head)?;
        Some(if rest.is_empty() {
            import.denotes()
        } else {
            format!("{}.{rest}", import.denotes())
        })
    })
}

/// Test doubles follow the code: `mock.patch('eventlet.sleep')` → `mock.patch('time.sleep')`,
/// `mock.patch.object(eventlet, 'sleep')` → `mock.patch.object(time, 'sleep')`.
fn rewrite_patch(cx: &RewriteContext<'_, '_>, recipe: &Recipe, site: &Site<'_>) -> Outcome {
    let manual = |message: String| manual_item(cx, recipe, site, message);
    let Some(full) = dotted_target(recipe, cx.target, &site.name) else {
        return manual(format!(
            "a test double patches `{}`, which the migration does not replace by a single object: patch what the migrated code calls",
            site.name
        ));
    };
    let fix = |edits: Vec<Edit>, requests: Vec<Request>, note: String| {
        Outcome::Fix(Box::new(Fix {
            recipe: recipe.id.clone(),
            safety: Safety::Review,
            note: Some(note),
            range: site.range,
            edits,
            removals: Vec::new(),
            requests,
            rebind: None,
            needs_removed: Vec::new(),
            kept_comments: None,
            subject: display_name(cx.text, site).to_string(),
            name: site.name.clone(),
            guide: recipe.guide.get(&cx.target).cloned(),
            last: false,
            dual_mode: true,
            patch_target: Some(full.clone()),
            family: None,
            defines: Vec::new(),
            crossings: Vec::new(),
            returns: Vec::new(),
            link: None,
            denotes: Vec::new(),
            wrap: Vec::new(),
            escapes: Vec::new(),
            guard: None,
        }))
    };
    match site.node {
        SiteNode::PatchName { literal, start } => {
            let value = literal.value.to_str();
            let path = &value[start..];
            let source = &cx.text[literal.range];
            let found = source
                .find(path)
                .filter(|_| !literal.value.is_implicit_concatenated());
            let Some(at) = found else {
                return manual(format!(
                    "the patched path is written in a way that cannot be rewritten; patch `{full}`"
                ));
            };
            let begin =
                literal.range.start() + ruff_text_size::TextSize::try_from(at).unwrap_or_default();
            let range = TextRange::at(begin, path.text_len());
            let through = value[..start].trim_end_matches('.');
            if !through.is_empty() {
                // What `through` calls once migrated is its own file's business: the code
                // stays as the double expects.
                return manual(format!(
                    "`{value}` patches eventlet as `{through}` imports it: the code it doubles stays as it is; migrate them together (then patch what `{through}` calls)"
                ));
            }
            let note = format!("the test now patches `{full}`, what the migrated code calls");
            fix(vec![Edit::replace(range, full.clone())], Vec::new(), note)
        }
        SiteNode::PatchObject { object, attr } => {
            let Some((module, name)) = full.rsplit_once('.') else {
                return manual(format!("patch `{full}` instead"));
            };
            let source = &cx.text[attr.range];
            let old = attr.value.to_str();
            let Some(at) = source
                .find(old)
                .filter(|_| !attr.value.is_implicit_concatenated())
            else {
                return manual(format!("patch `{full}` instead"));
            };
            let begin =
                attr.range.start() + ruff_text_size::TextSize::try_from(at).unwrap_or_default();
            let spec = ImportSpec {
                module: module.to_string(),
                member: None,
                asname: None,
            };
            if let Availability::Conflict(why) =
                availability(cx.semantic, &spec, site.scope, cx.migrated, &site.name)
            {
                return manual(format!("patch `{full}` instead ({why})"));
            }
            let requests = vec![Request {
                spec,
                scope: site.scope,
                at: site.range.start(),
            }];
            let edits = vec![
                Edit::replace(object.range(), module.to_string()),
                Edit::replace(TextRange::at(begin, old.text_len()), name.to_string()),
            ];
            fix(
                edits,
                requests,
                format!("the test now patches `{full}`, what the migrated code calls"),
            )
        }
        _ => Outcome::Nothing,
    }
}
