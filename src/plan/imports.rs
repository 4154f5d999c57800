//! Import management: the imports replacements need are added once, where a careful human
//! would put them; Eventlet imports whose every use was rewritten are removed, and only those.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ruff_python_ast::Stmt;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use crate::fix::edit::Edit;
use crate::fix::Request;
use crate::syntax::comments::Comments;
use crate::syntax::imports::{adjacent, group_of, is_eventlet, Group, ImportOrder, ImportSpec};
use crate::syntax::semantic::{BindingId, BindingKind, Semantic, StmtId, MODULE_SCOPE};
use crate::syntax::source::{indentation_at, line_ending, starts_line};

/// The outcome of settling imports.
#[derive(Debug, Default)]
pub struct ImportEdits {
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
/// - `names`: which modules module rules replace, and which names recipes match.
pub fn import_edits(
    cx: &ImportContext<'_>,
    dropped: &dyn Fn(TextRange) -> bool,
    requests: &[Request],
    rebinds: &BTreeMap<BindingId, ImportSpec>,
    names: &Matched<'_>,
    statement_removals: &BTreeSet<StmtId>,
) -> ImportEdits {
    let mut settled = ImportEdits::default();
    let removing = Removing {
        dropped,
        rebinds,
        names,
        statement_removals,
    };
    let changes = alias_changes(cx, &removing, &mut settled);
    let module_requests = statement_edits(cx, &changes, &mut settled);
    let (wanted, first_use) = wanted_imports(cx, requests, rebinds, module_requests);
    insert_imports(cx, &wanted, &first_use, statement_removals, &mut settled);
    settled
}

/// What becomes of an Eventlet import alias.
enum Change {
    Remove,
    Rebind(ImportSpec),
    Rename(&'static str),
}

/// The changes of each import statement's aliases (by statement, then alias index).
type Changes = BTreeMap<StmtId, BTreeMap<usize, (TextRange, Change)>>;

/// What decides whether an Eventlet import goes: the code removed, the bindings rebound,
/// the modules module rules replace, the statements removed.
struct Removing<'a> {
    dropped: &'a dyn Fn(TextRange) -> bool,
    rebinds: &'a BTreeMap<BindingId, ImportSpec>,
    names: &'a Matched<'a>,
    statement_removals: &'a BTreeSet<StmtId>,
}

/// What the recipes of a run know about names.
pub struct Matched<'a> {
    /// Whether a module is being replaced by a module rule.
    pub replaced_module: &'a dyn Fn(&str) -> bool,
    /// Whether a recipe matches a qualified name (`futurist.GreenFuture`).
    pub matched: &'a dyn Fn(&str) -> bool,
}

/// Step 1: what happens to each Eventlet import alias: removed when no use is left, rebound
/// when a rule rebinds it, renamed to `eventlet` when only other `eventlet.*` uses keep it.
fn alias_changes(
    cx: &ImportContext<'_>,
    removing: &Removing<'_>,
    settled: &mut ImportEdits,
) -> Changes {
    let semantic = cx.semantic;
    let text = cx.text;
    let Removing {
        dropped,
        rebinds,
        names,
        statement_removals,
    } = *removing;
    let mut changes: Changes = BTreeMap::new();
    for (id, binding) in semantic.bindings.iter().enumerate() {
        let BindingKind::Import(import) = &binding.kind else {
            continue;
        };
        // Eventlet's imports, the others a rule rebinds (`__original_module_threading`), and
        // the matched names imported from a library (`from futurist import GreenFuture`).
        let matched_member = import.member.is_some() && (names.matched)(&import.qualified);
        if !(is_eventlet(&import.module) || rebinds.contains_key(&id) || matched_member)
            || statement_removals.contains(&import.stmt)
        {
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
                && (names.replaced_module)(&import.module)
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

    changes
}

/// Step 2: the edits of each import statement whose aliases change; the standard-library
/// imports rebound at module level, which move to their group.
fn statement_edits(
    cx: &ImportContext<'_>,
    changes: &Changes,
    settled: &mut ImportEdits,
) -> Vec<ImportSpec> {
    let semantic = cx.semantic;
    let text = cx.text;
    let nl = line_ending(text);
    let mut module_requests: Vec<ImportSpec> = Vec::new();
    for (stmt_id, aliases) in changes {
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

    module_requests
}

/// Step 3: the module-level imports the replacements need and do not have, in the file's
/// order, with the first module-level code that uses each.
fn wanted_imports(
    cx: &ImportContext<'_>,
    requests: &[Request],
    rebinds: &BTreeMap<BindingId, ImportSpec>,
    module_requests: Vec<ImportSpec>,
) -> (Vec<ImportSpec>, BTreeMap<String, TextSize>) {
    let semantic = cx.semantic;
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

    (wanted, first_use)
}

/// Step 4: the wanted imports inserted where a careful human puts them.
fn insert_imports(
    cx: &ImportContext<'_>,
    wanted: &[ImportSpec],
    first_use: &BTreeMap<String, TextSize>,
    statement_removals: &BTreeSet<StmtId>,
    settled: &mut ImportEdits,
) {
    let text = cx.text;
    let nl = line_ending(text);
    let mut removed_all = statement_removals.clone();
    removed_all.extend(settled.removed_stmts.iter().copied());
    let mut by_offset: BTreeMap<TextSize, (Vec<String>, &'static str, bool)> = BTreeMap::new();
    for spec in wanted {
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
