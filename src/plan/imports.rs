//! Import management: the imports replacements need are added once, where a careful human
//! would put them; Eventlet imports whose every use was rewritten are removed, and only those.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ruff_python_ast::Stmt;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::syntax::comments::Comments;
use crate::syntax::semantic::{
    BindingId, BindingKind, ImportBinding, ScopeId, Semantic, StmtId, MODULE_SCOPE,
};
use crate::syntax::source::{indentation_at, line_ending, starts_line};

/// One import statement a replacement needs: `import time`, `from concurrent import futures`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImportSpec {
    pub module: String,
    pub member: Option<String>,
    pub asname: Option<String>,
}

impl ImportSpec {
    /// Parses `import M`, `import M as A`, `from M import N`, `from M import N as A`.
    pub fn parse(text: &str) -> Result<ImportSpec, String> {
        let bad =
            || format!("`{text}` is not a single `import M [as A]` or `from M import N [as A]`");
        let words: Vec<&str> = text.split_whitespace().collect();
        let valid = |s: &str| {
            !s.is_empty()
                && s.split('.').all(|p| {
                    let mut c = p.chars();
                    c.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && c.all(|c| c.is_alphanumeric() || c == '_')
                })
        };
        let spec = match words[..] {
            ["import", m] => ImportSpec {
                module: m.into(),
                member: None,
                asname: None,
            },
            ["import", m, "as", a] => ImportSpec {
                module: m.into(),
                member: None,
                asname: Some(a.into()),
            },
            ["from", m, "import", n] => ImportSpec {
                module: m.into(),
                member: Some(n.into()),
                asname: None,
            },
            ["from", m, "import", n, "as", a] => ImportSpec {
                module: m.into(),
                member: Some(n.into()),
                asname: Some(a.into()),
            },
            _ => return Err(bad()),
        };
        let names_ok = valid(&spec.module)
            && spec
                .member
                .as_deref()
                .is_none_or(|n| valid(n) && !n.contains('.'))
            && spec
                .asname
                .as_deref()
                .is_none_or(|a| valid(a) && !a.contains('.'));
        if names_ok {
            Ok(spec)
        } else {
            Err(bad())
        }
    }

    /// The import that binds `local` to the module or object `qualified`.
    pub fn binding(qualified: &str, local: &str) -> ImportSpec {
        match qualified.rsplit_once('.') {
            None => ImportSpec {
                module: qualified.to_string(),
                member: None,
                asname: (local != qualified).then(|| local.to_string()),
            },
            Some((parent, last)) => ImportSpec {
                module: parent.to_string(),
                member: Some(last.to_string()),
                asname: (local != last).then(|| local.to_string()),
            },
        }
    }

    /// The name this import binds.
    pub fn bound_name(&self) -> &str {
        self.asname
            .as_deref()
            .or(self.member.as_deref())
            .unwrap_or_else(|| self.module.split('.').next().unwrap_or_default())
    }

    /// The object the bound name denotes.
    pub fn denotes(&self) -> String {
        match (&self.member, &self.asname) {
            (Some(member), _) => format!("{}.{member}", self.module),
            (None, Some(_)) => self.module.clone(),
            (None, None) => self.bound_name().to_string(),
        }
    }

    /// The module the import reaches, with a `from` import's member (`concurrent.futures`,
    /// `time.sleep`): what decides whether it runs green.
    pub fn denotes_module(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{member}", self.module),
            None => self.module.clone(),
        }
    }

    pub fn render(&self) -> String {
        let mut out = match &self.member {
            Some(member) => format!("from {} import {member}", self.module),
            None => format!("import {}", self.module),
        };
        if let Some(asname) = &self.asname {
            out.push_str(" as ");
            out.push_str(asname);
        }
        out
    }

    /// OpenStack's (hacking H306) order: `from a import b` sorts as `a.b`, case-insensitively.
    pub fn sort_key(&self) -> String {
        match &self.member {
            Some(member) => format!("{}.{member}", self.module).to_lowercase(),
            None => self.module.to_lowercase(),
        }
    }

    pub fn is_stdlib(&self) -> bool {
        is_stdlib_module(&self.module)
    }
}

pub fn is_stdlib_module(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or_default();
    ruff_python_stdlib::sys::is_known_standard_library(13, top)
}

/// An import a fix needs, and the scope of the code that will use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub spec: ImportSpec,
    pub scope: ScopeId,
    /// Where the replacement uses the import: an import the code reaches only after this
    /// point does not provide it.
    pub at: TextSize,
}

/// What the import of `name` at `scope` would clash with, if anything.
pub enum Availability {
    /// Already bound to the right object there.
    Present,
    /// Unbound: a module-level import must be added.
    Missing,
    /// Bound only by Eventlet imports of the very object being replaced: usable once those
    /// imports are removed (checked after imports are settled).
    Replaces(Vec<BindingId>),
    /// Bound to something else: the rewrite would change meaning.
    Conflict(String),
}

/// Whether `spec`'s name can denote `spec`'s object at `scope`. `migrated` gives what an
/// Eventlet import binding will denote after this run (module rules rebind imports);
/// `replacing` is the canonical name of the object the fix replaces.
pub fn availability(
    semantic: &Semantic,
    spec: &ImportSpec,
    scope: ScopeId,
    migrated: &dyn Fn(&ImportBinding) -> String,
    replacing: &str,
) -> Availability {
    let name = spec.bound_name();
    let Some(resolved) = semantic.lookup(scope, name) else {
        return Availability::Missing;
    };
    let bindings = semantic.bindings_of(resolved, name);
    let denotes = |b: &BindingId| match &semantic.bindings[*b].kind {
        BindingKind::Import(import) => Some(migrated(import)),
        BindingKind::Other => None,
    };
    if bindings
        .iter()
        .all(|b| denotes(b).is_some_and(|d| d == spec.denotes()))
    {
        Availability::Present
    } else if bindings.iter().all(|b| {
        // Eventlet imports go once all their uses are rewritten: checked after settling.
        denotes(b).is_some_and(|d| d == replacing)
            || matches!(&semantic.bindings[*b].kind, BindingKind::Import(i) if is_eventlet(&i.module))
    }) {
        Availability::Replaces(bindings.to_vec())
    } else {
        Availability::Conflict(format!("`{name}` is bound to something else here"))
    }
}

/// The outcome of settling imports.
#[derive(Debug, Default)]
pub struct Settled {
    pub edits: Vec<Edit>,
    /// Import statements that lose every name.
    pub removed_stmts: BTreeSet<StmtId>,
    /// Import bindings removed or rebound.
    pub removed_bindings: BTreeSet<BindingId>,
    /// Offsets where imports are inserted (a removal there is a replacement).
    pub anchors: HashSet<TextSize>,
    /// Imports added, rendered (`import time`).
    pub added: Vec<String>,
}

pub struct ImportContext<'a> {
    pub text: &'a str,
    pub body: &'a [Stmt],
    pub semantic: &'a Semantic,
    pub comments: &'a Comments,
    /// The order the project's configuration asks for, when the file's own imports do not
    /// tell.
    pub configured: Option<ImportOrder>,
}

/// How a project orders the imports of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOrder {
    /// By module, `from a import b` as `a.b`: hacking's H306, isort's
    /// `force_sort_within_sections`.
    ByModule,
    /// isort's default: the `import x` lines first, then the `from x import y` lines, each by
    /// module.
    PlainFirst,
}

impl ImportOrder {
    /// The key of an import statement in this order.
    fn stmt_key(self, stmt: &Stmt) -> String {
        match (self, stmt) {
            (ImportOrder::ByModule, _) => stmt_key(stmt),
            (ImportOrder::PlainFirst, Stmt::ImportFrom(from)) => {
                let module = from.module.as_ref().map_or("", |m| m.as_str());
                format!("1{}{module}", ".".repeat(from.level as usize)).to_lowercase()
            }
            (ImportOrder::PlainFirst, _) => format!("0{}", stmt_key(stmt)),
        }
    }

    /// The key of a new import in this order.
    fn spec_key(self, spec: &ImportSpec) -> String {
        match (self, &spec.member) {
            (ImportOrder::ByModule, _) => spec.sort_key(),
            (ImportOrder::PlainFirst, Some(_)) => format!("1{}", spec.module.to_lowercase()),
            (ImportOrder::PlainFirst, None) => format!("0{}", spec.module.to_lowercase()),
        }
    }

    /// The order the module's imports follow, where one group of them says: sorted one
    /// way and not the other.
    fn of_file(text: &str, body: &[Stmt]) -> Option<ImportOrder> {
        let mut start = 0;
        while start < body.len() {
            let mut end = start;
            while end + 1 < body.len()
                && group_of(&body[end]).is_some()
                && group_of(&body[end + 1]) == group_of(&body[end])
                && adjacent(text, &body[end], &body[end + 1])
            {
                end += 1;
            }
            let run = &body[start..=end];
            let sorted = |order: ImportOrder| {
                run.windows(2)
                    .all(|w| order.stmt_key(&w[0]) <= order.stmt_key(&w[1]))
            };
            if group_of(&run[0]).is_some() && run.len() > 1 {
                match (
                    sorted(ImportOrder::ByModule),
                    sorted(ImportOrder::PlainFirst),
                ) {
                    (true, false) => return Some(ImportOrder::ByModule),
                    (false, true) => return Some(ImportOrder::PlainFirst),
                    _ => {}
                }
            }
            start = end + 1;
        }
        None
    }
}

impl ImportContext<'_> {
    /// The order new imports follow: the file's own, else the configured one, else
    /// hacking's (OpenStack's).
    fn order(&self) -> ImportOrder {
        ImportOrder::of_file(self.text, self.body)
            .or(self.configured)
            .unwrap_or(ImportOrder::ByModule)
    }
}

impl ImportContext<'_> {
    /// Whether `stmt` is among the `removed` statements.
    fn is_removed(&self, stmt: &Stmt, removed: &BTreeSet<StmtId>) -> bool {
        self.semantic
            .stmt_id(stmt.range())
            .is_some_and(|id| removed.contains(&id))
    }
}

/// Settles imports after the fixes are chosen.
///
/// - `dropped`: whether a source range is removed by the accepted edits or statement removals;
/// - `requests`: imports the replacements need;
/// - `rebinds`: Eventlet import bindings to rebind to a stdlib module (same local name);
/// - `replaced_module`: whether a module is being replaced by a module rule.
pub fn settle(
    cx: &ImportContext<'_>,
    dropped: &dyn Fn(TextRange) -> bool,
    requests: &[Request],
    rebinds: &BTreeMap<BindingId, ImportSpec>,
    replaced_module: &dyn Fn(&str) -> bool,
    statement_removals: &BTreeSet<StmtId>,
) -> Settled {
    let semantic = cx.semantic;
    let text = cx.text;
    let mut settled = Settled::default();

    // 1. What happens to each Eventlet import alias.
    enum Change {
        Remove,
        Rebind(ImportSpec),
        Rename(&'static str),
    }
    let mut changes: BTreeMap<StmtId, BTreeMap<usize, (TextRange, Change)>> = BTreeMap::new();
    for (id, binding) in semantic.bindings.iter().enumerate() {
        let BindingKind::Import(import) = &binding.kind else {
            continue;
        };
        if !is_eventlet(&import.module) || statement_removals.contains(&import.stmt) {
            continue;
        }
        let stmt_range = semantic.stmts[import.stmt].range;
        if cx.comments.suppresses(text, stmt_range, None) {
            continue;
        }
        let change = if let Some(spec) = rebinds.get(&id) {
            Change::Rebind(spec.clone())
        } else {
            let refs: Vec<_> = semantic
                .references_to(binding.scope, &binding.name)
                .collect();
            let remaining: Vec<_> = refs
                .iter()
                .filter(|r| {
                    r.is_del
                        || (!dropped(r.range)
                            && !statement_removals
                                .iter()
                                .any(|&s| semantic.stmts[s].range.contains_range(r.range)))
                })
                .collect();
            let exported =
                binding.scope == MODULE_SCOPE && semantic.exported.contains(binding.name.as_str());
            if refs.is_empty() || exported {
                continue;
            }
            if remaining.is_empty() {
                Change::Remove
            } else if import.member.is_none()
                && import.asname.is_none()
                && import.module.contains('.')
                && replaced_module(&import.module)
                && !remaining.iter().any(|r| {
                    r.chain == import.module || r.chain.starts_with(&format!("{}.", import.module))
                })
            {
                // `import eventlet.green.socket` kept only for other `eventlet.*` uses.
                let plain = semantic.bindings_of(binding.scope, &binding.name).iter().any(|&b| {
                    matches!(&semantic.bindings[b].kind, BindingKind::Import(i) if i.module == "eventlet" && i.asname.is_none())
                });
                if plain {
                    Change::Remove
                } else {
                    Change::Rename("eventlet")
                }
            } else {
                continue;
            }
        };
        if !matches!(change, Change::Rename(_)) {
            settled.removed_bindings.insert(id);
        }
        changes
            .entry(import.stmt)
            .or_default()
            .insert(import.alias, (import.alias_range, change));
    }

    // 2. Edits per import statement.
    let nl = line_ending(text);
    let mut module_requests: Vec<ImportSpec> = Vec::new();
    for (stmt_id, aliases) in &changes {
        let Some(stmt) = find_stmt(cx.body, semantic, *stmt_id) else {
            continue;
        };
        let all_aliases: Vec<TextRange> = match stmt {
            Stmt::Import(i) => i.names.iter().map(Ranged::range).collect(),
            Stmt::ImportFrom(f) => f.names.iter().map(Ranged::range).collect(),
            _ => continue,
        };
        let top_level = semantic.is_top_level(*stmt_id);
        let mut new_imports: Vec<ImportSpec> = Vec::new();
        let mut gone: BTreeSet<usize> = BTreeSet::new();
        for (&index, (range, change)) in aliases {
            match change {
                Change::Remove => {
                    gone.insert(index);
                }
                Change::Rebind(spec) => {
                    gone.insert(index);
                    new_imports.push(spec.clone());
                }
                Change::Rename(to) => {
                    settled.edits.push(Edit::replace(*range, *to));
                }
            }
        }
        let stmt_range = stmt.range();
        // Standard library imports move to their group; others stay where they were.
        let (moved, new_imports): (Vec<ImportSpec>, Vec<ImportSpec>) = new_imports
            .into_iter()
            .partition(|s| top_level && s.is_stdlib());
        module_requests.extend(moved);
        let all_gone = gone.len() == all_aliases.len();
        if !new_imports.is_empty() {
            // Rebound where they are (nested imports keep their scope): one statement a line.
            let starts = starts_line(text, stmt_range.start());
            let separator = if starts {
                format!("{nl}{}", indentation_at(text, stmt_range.start()))
            } else {
                "; ".to_string()
            };
            let rendered: Vec<String> = new_imports.iter().map(ImportSpec::render).collect();
            let joined = rendered.join(&separator);
            if all_gone {
                settled.edits.push(Edit::replace(stmt_range, joined));
            } else {
                settled.edits.push(Edit::insert(
                    stmt_range.start(),
                    format!("{joined}{separator}"),
                ));
            }
        }
        if all_gone && new_imports.is_empty() {
            settled.removed_stmts.insert(*stmt_id);
        } else if !all_gone {
            settled.edits.extend(remove_aliases(&all_aliases, &gone));
        }
    }

    // 3. Module-level imports the replacements need.
    let provided = |spec: &ImportSpec| -> bool {
        semantic
            .bindings_of(MODULE_SCOPE, spec.bound_name())
            .iter()
            .any(|&b| {
                matches!(&semantic.bindings[b].kind, BindingKind::Import(i)
                if !is_eventlet(&i.module) && i.qualified == spec.denotes())
            })
    };
    let mut first_use: BTreeMap<String, TextSize> = BTreeMap::new();
    // Rebound stdlib imports move to the module's group unless it has them already.
    let mut wanted: Vec<ImportSpec> = module_requests
        .into_iter()
        .filter(|s| !provided(s))
        .collect();
    for request in requests {
        let name = request.spec.bound_name();
        let visible = semantic.lookup(request.scope, name);
        let satisfied = match visible {
            Some(scope) => semantic.bindings_of(scope, name).iter().any(|&b| {
                match &semantic.bindings[b].kind {
                    BindingKind::Import(i) if !is_eventlet(&i.module) => {
                        i.qualified == request.spec.denotes()
                            && semantic.bound_before(b, request.scope, request.at)
                    }
                    BindingKind::Import(_) => rebinds
                        .get(&b)
                        .is_some_and(|s| s.denotes() == request.spec.denotes()),
                    BindingKind::Other => false,
                }
            }),
            None => false,
        };
        if !satisfied {
            wanted.push(request.spec.clone());
            // An import must come before module-level code that uses it.
            if semantic.runs_at_import(request.scope) {
                let first = first_use.entry(request.spec.render()).or_insert(request.at);
                *first = (*first).min(request.at);
            }
        }
    }
    let order = cx.order();
    wanted.sort_by_key(|s| (order.spec_key(s), s.render()));
    wanted.dedup();

    let mut removed_all = statement_removals.clone();
    removed_all.extend(settled.removed_stmts.iter().copied());
    let mut by_offset: BTreeMap<TextSize, (Vec<String>, &'static str, bool)> = BTreeMap::new();
    for spec in &wanted {
        let place = placement(
            cx,
            spec,
            &removed_all,
            first_use.get(&spec.render()).copied(),
        );
        let entry = by_offset
            .entry(place.offset)
            .or_insert((Vec::new(), "", false));
        entry.0.push(spec.render());
        entry.1 = place.separator;
        entry.2 = place.leading_blank;
        if place.replaces_group {
            settled.anchors.insert(place.offset);
        }
        settled.added.push(spec.render());
    }
    for (offset, (lines, separator, leading_blank)) in by_offset {
        let mut insert = String::new();
        if offset == text.text_len() && !text.is_empty() && !text.ends_with('\n') {
            insert.push_str(nl);
        }
        if leading_blank {
            insert.push_str(nl);
        }
        for line in lines {
            insert.push_str(&line);
            insert.push_str(nl);
        }
        for _ in 0..separator.len() {
            insert.push_str(nl);
        }
        settled.edits.push(Edit::insert(offset, insert));
    }
    settled
}

pub fn is_eventlet(module: &str) -> bool {
    module == "eventlet" || module.starts_with("eventlet.")
}

fn find_stmt<'a>(body: &'a [Stmt], semantic: &Semantic, id: StmtId) -> Option<&'a Stmt> {
    let range = semantic.stmts[id].range;
    find_in(body, range)
}

fn find_in(body: &[Stmt], range: TextRange) -> Option<&Stmt> {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct Finder<'a> {
        range: TextRange,
        found: Option<&'a Stmt>,
    }
    impl<'a> StatementVisitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.found.is_some() || !stmt.range().contains_range(self.range) {
                return;
            }
            if stmt.range() == self.range {
                self.found = Some(stmt);
            } else {
                walk_stmt(self, stmt);
            }
        }
    }
    let mut finder = Finder { range, found: None };
    finder.visit_body(body);
    finder.found
}

/// Deletes the aliases at `gone` from an alias list, with their separating commas: a run
/// followed by a kept alias goes up to that alias; a run at the end goes from the previous
/// kept alias's end (so a trailing comma and the closing parenthesis stay put).
fn remove_aliases(aliases: &[TextRange], gone: &BTreeSet<usize>) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut i = 0;
    while i < aliases.len() {
        if !gone.contains(&i) {
            i += 1;
            continue;
        }
        let mut k = i;
        while k + 1 < aliases.len() && gone.contains(&(k + 1)) {
            k += 1;
        }
        if k + 1 < aliases.len() {
            edits.push(Edit::delete(TextRange::new(
                aliases[i].start(),
                aliases[k + 1].start(),
            )));
        } else if i > 0 {
            edits.push(Edit::delete(TextRange::new(
                aliases[i - 1].end(),
                aliases[k].end(),
            )));
        }
        i = k + 1;
    }
    edits
}

struct Placement {
    offset: TextSize,
    /// Blank lines to add after the inserted imports (a new group before other code).
    separator: &'static str,
    /// The inserted imports take the place of a group that is being removed.
    replaces_group: bool,
    /// Start with a blank line (a new group right after the docstring).
    leading_blank: bool,
}

#[derive(PartialEq, Eq)]
enum Group {
    Future,
    Stdlib,
    Other,
}

fn group_of(stmt: &Stmt) -> Option<Group> {
    match stmt {
        Stmt::Import(import) => {
            let all_std = import
                .names
                .iter()
                .all(|a| is_stdlib_module(a.name.as_str()));
            Some(if all_std { Group::Stdlib } else { Group::Other })
        }
        Stmt::ImportFrom(from) => {
            let module = from.module.as_ref().map(|m| m.as_str()).unwrap_or_default();
            Some(if from.level > 0 {
                Group::Other
            } else if module == "__future__" {
                Group::Future
            } else if is_stdlib_module(module) {
                Group::Stdlib
            } else {
                Group::Other
            })
        }
        _ => None,
    }
}

/// The hacking sort key of an import statement.
fn stmt_key(stmt: &Stmt) -> String {
    match stmt {
        Stmt::Import(import) => import
            .names
            .first()
            .map(|a| a.name.to_string())
            .unwrap_or_default()
            .to_lowercase(),
        Stmt::ImportFrom(from) => {
            let module = from
                .module
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default();
            match &from.names[..] {
                [only] => format!("{module}.{}", only.name).to_lowercase(),
                _ => module.to_lowercase(),
            }
        }
        _ => String::new(),
    }
}

/// Where a careful human puts a new stdlib import.
/// Where a new import of `spec` goes: in the standard-library group when it comes before
/// `first_use` (module-level code using it), else as a group at the top of the module.
fn placement(
    cx: &ImportContext<'_>,
    spec: &ImportSpec,
    removed: &BTreeSet<StmtId>,
    first_use: Option<TextSize>,
) -> Placement {
    group_placement(cx, spec, removed)
        .filter(|p| first_use.is_none_or(|at| p.offset <= at))
        .unwrap_or_else(|| top_placement(cx, removed))
}

/// In the first standard-library import group, in order when it is sorted.
fn group_placement(
    cx: &ImportContext<'_>,
    spec: &ImportSpec,
    removed: &BTreeSet<StmtId>,
) -> Option<Placement> {
    let text = cx.text;
    let is_removed = |stmt: &Stmt| cx.is_removed(stmt, removed);
    let after = |stmt: &Stmt| Placement {
        offset: text.full_line_end(stmt.end()),
        separator: "",
        replaces_group: false,
        leading_blank: false,
    };
    let before = |stmt: &Stmt, separator: &'static str, replaces_group: bool| {
        placed_before(text, stmt, separator, replaces_group)
    };
    let body = cx.body;
    let first_std = body.iter().position(|s| {
        group_of(s) == Some(Group::Stdlib) && !is_removed(s) && starts_line(text, s.start())
    });
    if let Some(first) = first_std {
        // The block of imports around it, up to a blank line or non-import code.
        let mut start = first;
        while start > 0
            && adjacent(text, &body[start - 1], &body[start])
            && group_of(&body[start - 1]).is_some()
        {
            start -= 1;
        }
        let mut end = first;
        while end + 1 < body.len()
            && adjacent(text, &body[end], &body[end + 1])
            && group_of(&body[end + 1]).is_some()
        {
            end += 1;
        }
        let block: Vec<&Stmt> = body[start..=end]
            .iter()
            .filter(|s| !is_removed(s))
            .collect();
        let std_block: Vec<&&Stmt> = block
            .iter()
            .filter(|s| group_of(s) == Some(Group::Stdlib))
            .collect();
        let all_std = block
            .iter()
            .all(|s| matches!(group_of(s), Some(Group::Stdlib | Group::Future)));
        let order = cx.order();
        let stmt_key = |stmt: &Stmt| order.stmt_key(stmt);
        let keys: Vec<String> = std_block.iter().map(|s| stmt_key(s)).collect();
        let sorted = all_std && keys.windows(2).all(|w| w[0] <= w[1]);
        let last = std_block.last().map(|s| **s).unwrap_or(&body[first]);
        let key = order.spec_key(spec);
        if sorted {
            return Some(match std_block.iter().find(|s| stmt_key(s) > key) {
                Some(next) => before(next, "", false),
                None => after(last),
            });
        }
        // A sorted block that also holds other imports (`import testtools` among the
        // standard ones): hacking's H306 still wants each import after the one before it.
        let all_keys: Vec<String> = block.iter().map(|s| stmt_key(s)).collect();
        if all_keys.windows(2).all(|w| w[0] <= w[1]) {
            return Some(match block.iter().find(|s| stmt_key(s) > key) {
                Some(next) => before(next, "", false),
                None => after(block.last().copied().unwrap_or(last)),
            });
        }
        return Some(after(last));
    }
    None
}

/// At the start of `stmt`'s line.
fn placed_before(
    text: &str,
    stmt: &Stmt,
    separator: &'static str,
    replaces_group: bool,
) -> Placement {
    Placement {
        offset: text.line_start(stmt.start()),
        separator,
        replaces_group,
        leading_blank: false,
    }
}

/// A new group after the docstring, comments and `__future__` imports.
fn top_placement(cx: &ImportContext<'_>, removed: &BTreeSet<StmtId>) -> Placement {
    let text = cx.text;
    let is_removed = |stmt: &Stmt| cx.is_removed(stmt, removed);
    let before = |stmt: &Stmt, separator: &'static str, replaces_group: bool| {
        placed_before(text, stmt, separator, replaces_group)
    };
    let body = cx.body;
    let mut index = 0;
    if body.first().is_some_and(is_docstring) {
        index = 1;
    }
    while index < body.len() && group_of(&body[index]) == Some(Group::Future) {
        index += 1;
    }
    let Some(first) = body.get(index) else {
        let offset = body
            .last()
            .map_or(TextSize::from(0), |s| text.full_line_end(s.end()));
        return Placement {
            offset,
            separator: "",
            replaces_group: false,
            leading_blank: index > 0,
        };
    };
    if group_of(first).is_some() {
        let mut end = index;
        while end + 1 < body.len()
            && adjacent(text, &body[end], &body[end + 1])
            && group_of(&body[end + 1]).is_some()
        {
            end += 1;
        }
        if body[index..=end].iter().all(is_removed) {
            return before(first, "", true);
        }
        return before(first, "\n", false);
    }
    if index > 0 {
        // After the docstring or `__future__` imports, as a group of its own: the blank
        // lines that already separate them from the code stay below it.
        return Placement {
            offset: text.full_line_end(body[index - 1].end()),
            separator: "",
            replaces_group: false,
            leading_blank: true,
        };
    }
    let separator = if matches!(first, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
        "\n\n"
    } else {
        "\n"
    };
    before(first, separator, false)
}

fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr())
}

/// Two statements on consecutive lines (no blank or comment line between; a trailing comment
/// on the first, `import os  # noqa`, is part of its line).
fn adjacent(text: &str, a: &Stmt, b: &Stmt) -> bool {
    let between = &text[TextRange::new(a.end(), b.start())];
    match between.split_once('\n') {
        None => true,
        Some((_, rest)) => !rest.contains('\n') && rest.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_of(source: &str) -> Option<ImportOrder> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        ImportOrder::of_file(source, &parsed.syntax().body)
    }

    #[test]
    fn a_files_import_order_is_read_where_its_groups_tell() {
        // `from textwrap` after `import os`: both orders fit.
        assert_eq!(
            order_of("import errno\nimport os\nfrom textwrap import dedent\n"),
            None
        );
        // isort's default: `from collections` after `import sys`.
        assert_eq!(
            order_of("import logging\nimport sys\nfrom collections import deque\n"),
            Some(ImportOrder::PlainFirst)
        );
        // hacking's: `from collections` before `import logging`.
        assert_eq!(
            order_of("from collections import deque\nimport logging\nimport sys\n"),
            Some(ImportOrder::ByModule)
        );
        // A group of one import says nothing; the next group may.
        assert_eq!(
            order_of("import os\n\nimport eventlet\nfrom oslo_log import log\nimport six\n"),
            Some(ImportOrder::ByModule)
        );
    }

    #[test]
    fn new_imports_sort_in_the_files_order() {
        let futures = ImportSpec::parse("from concurrent import futures").expect("valid");
        let errno = ImportSpec::parse("import errno").expect("valid");
        for (order, futures_first) in [
            (ImportOrder::ByModule, true),
            (ImportOrder::PlainFirst, false),
        ] {
            assert_eq!(
                order.spec_key(&futures) < order.spec_key(&errno),
                futures_first
            );
        }
    }
}
