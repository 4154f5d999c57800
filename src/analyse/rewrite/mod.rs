//! Turning a matched site into a fix: choose the recipe's rule, render its template over the
//! user's own text, follow the object a constructor creates to rewrite its methods, and say
//! which imports the result needs.

mod methods;
use methods::*;
mod borrowed;
pub use borrowed::*;
mod rule;
use rule::*;
mod render;
use render::*;
mod doubles;
use doubles::*;
mod callback;
mod handoff;
mod stops;
mod timeouts;

use std::collections::BTreeSet;

use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::analyse::availability::availability;
use crate::analyse::availability::Availability;
use crate::analyse::objects::facts;
use crate::analyse::objects::LazyParents;
use crate::analyse::objects::Tracked;
use crate::analyse::python::PythonSupport;
use crate::analyse::sites::{Site, SiteNode};
use crate::fix::edit::Edit;
use crate::fix::edit::Piece;
use crate::fix::Request;
use crate::fix::Safety;
use crate::fix::{Crossing, Diagnostic, Fix, Return};
use crate::recipe::Action;
use crate::recipe::CompiledRule;
use crate::recipe::HoleValue;
use crate::recipe::Recipe;
use crate::recipe::Target;
use crate::recipe::Template;
use crate::syntax::comments::Comments;
use crate::syntax::imports::ImportSpec;
use crate::syntax::semantic::{BindingKind, ImportBinding, Semantic, StmtId};

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

/// How many times the module names `name` as a whole word outside comments (strings and
/// attributes of that name count: they may reach what it names unseen).
fn code_mentions(cx: &RewriteContext<'_, '_>, name: &str) -> usize {
    use ruff_text_size::{TextLen, TextSize};
    let comments = cx.comments.within(TextRange::up_to(cx.text.text_len()));
    let in_comment = |at: usize| {
        let at = TextSize::try_from(at).unwrap_or_default();
        comments.iter().any(|c| c.contains(at))
    };
    crate::syntax::names::word_matches(cx.text.as_bytes(), name)
        .filter(|&at| !in_comment(at))
        .count()
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Fix(Box<Fix>),
    Manual(Diagnostic),
    /// Nothing to do here (a name kept by a rebound import).
    Nothing,
    /// A test double of a name the code still calls once migrated (only an argument may
    /// change): valid while the calls it doubles stay as written, so they are held.
    Holds,
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
    /// The family its object joins by being handed to calls rewritten with it.
    handed: Option<crate::fix::Family>,
    crossings: Vec<Crossing>,
    returns: Vec<Return>,
    /// The rule's place among the recipe's rules for the target.
    rule: usize,
    /// The ranges of its edits written from templates, wrapped when emitted.
    wrap: Vec<TextRange>,
    guard: Option<String>,
    /// The timeout sites its edits rewrite ([`Fix::takes`]).
    takes: Vec<TextRange>,
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
    let object_facts = object_facts(cx, site, &object);
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
        let needs_removed = match check_draft(cx, rule, site, &mut draft) {
            Ok(needs_removed) => needs_removed,
            Err(problem) => {
                reason.get_or_insert(problem);
                continue;
            }
        };
        return Outcome::Fix(Box::new(fix_of(
            cx,
            (recipe, rule),
            site,
            draft,
            needs_removed,
            &object,
        )));
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

/// The facts recipes test about the object a site makes: what its uses do with it, or that
/// it escapes (and is passed on).
fn object_facts(
    cx: &RewriteContext<'_, '_>,
    site: &Site<'_>,
    object: &Object<'_>,
) -> BTreeSet<String> {
    match object {
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
    }
}

/// Whether a rule's draft can be used here: the imports it names must be usable where it
/// needs them, the names it defines free, and what it needs supported by the project's
/// Python. The Eventlet import bindings that must go for its imports, or why it cannot.
fn check_draft(
    cx: &RewriteContext<'_, '_>,
    rule: &CompiledRule,
    site: &Site<'_>,
    draft: &mut Draft,
) -> Result<Vec<usize>, String> {
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
        .find(|name| cx.semantic.mentions(name))
    {
        problem = Some(format!(
            "the module already uses the name `{name}` its replacement would define"
        ));
    }
    if let Some(why) = cx.python.and_then(|python| too_new(python, rule, draft)) {
        problem = Some(why);
    }
    match problem {
        Some(problem) => Err(problem),
        None => Ok(needs_removed),
    }
}

/// The fix a usable draft makes.
fn fix_of(
    cx: &RewriteContext<'_, '_>,
    (recipe, rule): (&Recipe, &CompiledRule),
    site: &Site<'_>,
    draft: Draft,
    needs_removed: Vec<usize>,
    object: &Object<'_>,
) -> Fix {
    Fix {
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
        escapes: escapes_of(object),
        guard: draft.guard,
        takes: draft.takes,
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

/// A string literal written in place of `original`, another one, takes its quotes
/// (`"threading"` for `"eventlet"`, `'threading'` for `'eventlet'`).
fn in_quotes_of(original: &str, pieces: Vec<Piece>) -> Vec<Piece> {
    let quote = |text: &str| {
        let q = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
        (text.len() >= 2
            && text.ends_with(q)
            && !text[1..text.len() - 1].contains(['\'', '"', '\\']))
        .then_some(q)
    };
    match (&pieces[..], quote(original)) {
        ([Piece::Text(text)], Some(wanted)) if quote(text).is_some_and(|q| q != wanted) => {
            let inner = &text[1..text.len() - 1];
            vec![Piece::Text(format!("{wanted}{inner}{wanted}"))]
        }
        _ => pieces,
    }
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
        handed: None,
        crossings: Vec::new(),
        returns: Vec::new(),
        rule: index,
        wrap: Vec::new(),
        guard: None,
        takes: Vec::new(),
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
        (Action::ReplaceArg(template), SiteNode::Call { call, .. }) => {
            let (Some(pieces), Some(value)) = (
                render(template, &Holes::NONE),
                rule.when
                    .arg
                    .as_ref()
                    .and_then(|arg| rule::selected_argument(arg, call)),
            ) else {
                return Ok(None);
            };
            let pieces = in_quotes_of(&cx.text[value.range()], pieces);
            draft.edits.push(Edit {
                range: value.range(),
                pieces,
            });
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
    if let Some(with) = &rule.with_argument {
        handoff::with_argument(cx, (rule, with), site, object, &mut draft)?;
    }
    if let Some(stops) = &rule.stops {
        stops::stop_function(cx, stops, site, &mut draft)?;
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
