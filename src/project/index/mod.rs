//! The project index: every given Python file as a module of the project (its dotted name
//! from the package directories around it), what it imports from the project, what its
//! functions call, where it monkey-patches, and the entry points that start processes.
//!
//! Calls are resolved syntactically, enough to follow an entry point into the project's own
//! helpers (swift's `utils.monkey_patch()` → `eventlet_monkey_patch()` →
//! `patcher.monkey_patch(...)`): a name defined or imported from a project module, a
//! module-qualified name, `self.method` inside a class. What cannot be resolved is not
//! followed.

mod indexer;
pub use indexer::*;
mod entry_points;
pub use entry_points::*;
mod packaging;
pub use packaging::*;
mod text;
pub use text::*;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxHashSet as HashSet;
use std::path::{Path, PathBuf};

use ruff_python_ast::{self as ast};

use crate::plan::context::ModuleBackend;
use crate::recipe::Catalog;
use crate::syntax::semantic::Semantic;

/// A function of the project: `module:Class.method`, `module:function`; `module:` is the
/// module's own code (run when it is imported), `module:__main__` its
/// `if __name__ == "__main__":` block.
pub type FunctionId = String;

/// Marks a method looked up from the bases of its class (`super().f()`): `m:C^.f`.
pub const SUPER: &str = "^";

/// One module of the project.
#[derive(Debug, Clone, Default)]
pub struct ModuleInfo {
    pub path: PathBuf,
    /// Dotted name (`nova.compute.manager`); a file outside any package is named by its stem.
    pub name: String,
    /// Project modules it imports (anywhere in it), parent packages included.
    pub imports: BTreeSet<String>,
    /// Calls made by each of its functions (and its module code), resolved to project
    /// functions where possible.
    pub calls: BTreeMap<FunctionId, BTreeSet<FunctionId>>,
    /// `monkey_patch()` calls (outside the eventlet backends the module selects).
    pub patches: Vec<Patch>,
    /// Code of the project this module selects by name as an eventlet backend
    /// (`{'eventlet': 'pkg.pools.eventlet:TaskPool'}`): the dotted path, and where
    /// (`path:line:col (code)`).
    pub selects: Vec<(String, String)>,
    /// Whether it has an `if __name__ == "__main__":` block.
    pub has_main: bool,
    /// Names it imports from libraries known to keep a process on the hub, with why.
    pub eventlet_libraries: Vec<LibraryUse>,
    /// Where it selects a switchable library's threading backend itself, as the switch would
    /// (`init_backend(BackendType.THREADING)`): the function (or module code) and the switch.
    pub selects_backend: Vec<(FunctionId, String)>,
    /// Imports of libraries that pick a switchable library's backend when imported
    /// (`oslo_messaging`), by switch: they keep nothing on the hub.
    pub picks_backend: BTreeSet<String>,
    /// The functions and methods it defines.
    pub functions: BTreeSet<FunctionId>,
    /// Methods that forward their arguments to a test-double patcher: `(name, by_object)`.
    pub patch_helpers: Vec<(String, bool)>,
    /// Each class it defines → its bases, as `module:Class` where the project has them.
    pub bases: BTreeMap<String, Vec<FunctionId>>,
    /// Calls of project functions with literal boolean keywords only (`hub.patch(thread=
    /// False)`): what a `monkey_patch(**kwargs)` they reach would patch.
    pub keyword_calls: Vec<KeywordCall>,
    /// Whether its calls were read (parsed), not only its imports (indexed from its text).
    pub calls_read: bool,
    /// Names its imports bind to eventlet modules or objects (`eventlet` → `eventlet`,
    /// `wsgi` → `eventlet.wsgi`).
    pub eventlet_bindings: BTreeMap<String, String>,
    /// Quoted dotted paths that go through a name `eventlet` (`'pkg.wsgi.eventlet.listen'`):
    /// test doubles may reach eventlet through a project module. With where (`path:line:col`).
    pub through_eventlet: Vec<(String, String)>,
}

/// A test double naming eventlet through a project module: `mock.patch('pkg.wsgi.eventlet.
/// listen')` patches `eventlet.listen` as `pkg.wsgi` imports it; `mock.patch('pkg.cli.run.
/// eventlet')` replaces the module object `pkg.cli.run` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoubleThrough {
    /// The module the double is in.
    pub test: String,
    /// `path:line:col` of its string.
    pub at: String,
    /// The project module it goes through, and the name bound there.
    pub through: String,
    /// What it doubles: a canonical eventlet name (the object patched), or, for a module
    /// replaced as a whole, what the binding imports (every eventlet name under it, in
    /// `through` only).
    pub doubled: String,
    pub whole_module: bool,
}

/// A call `callee(flag=True, ...)` made by `caller`, where every argument is a literal
/// boolean keyword: the flags `monkey_patch(**kwargs)` would patch given them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordCall {
    pub caller: FunctionId,
    pub callee: FunctionId,
    pub flags: BTreeSet<String>,
    /// Where: `path:line:col`.
    pub at: String,
}

impl ModuleInfo {
    /// Whether it imports (so far, while it is indexed) a library that picks a switchable
    /// library's backend when imported: one with a backend switch, or one importing it.
    pub fn picks_a_backend(&self) -> bool {
        !self.picks_backend.is_empty() || self.eventlet_libraries.iter().any(|l| l.switch.is_some())
    }
}

/// An import of a library known to keep a process on the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryUse {
    /// `` `module`: why ``.
    pub named: String,
    /// Where: `path:line:col` of the import statement.
    pub at: String,
    /// The backend switch that frees it (`[process.backend-switch]`), if any.
    pub switch: Option<String>,
}

/// A `monkey_patch()` call of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// The function it is in.
    pub function: FunctionId,
    /// What it patches (`None`: not literal flags).
    pub flags: Option<BTreeSet<String>>,
    /// `monkey_patch(**kwargs)` forwarding the keywords its function was given: the callers'
    /// keywords decide ([`KeywordCall`]).
    pub forwarded: bool,
    /// Where: `path:line:col`.
    pub at: String,
    /// Its line and column.
    pub position: (usize, usize),
    /// For a call in module-level code: what the module imported before it.
    pub preceded_by: Option<Preceding>,
}

/// What a module imports before a statement of its module-level code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preceding {
    /// Modules of the project.
    pub modules: BTreeSet<String>,
    /// Libraries with a backend switch, or that pick its backend.
    pub switched: bool,
}

/// Every module of the project, by dotted name.
#[derive(Debug, Default)]
pub struct Project {
    pub modules: BTreeMap<String, ModuleInfo>,
}

/// The dotted module name of `path`: the package directories (with `__init__.py`) around it.
pub fn module_name(path: &Path) -> String {
    module_name_with(path, &mut |d| d.join("__init__.py").is_file())
}

/// The module names of `paths`, asking the file system once per directory (a project's
/// files share their few package directories).
pub fn module_names(paths: &[PathBuf]) -> Vec<String> {
    let mut packages: HashMap<PathBuf, bool> = HashMap::default();
    let mut is_package = |d: &Path| match packages.get(d) {
        Some(&known) => known,
        None => {
            let known = d.join("__init__.py").is_file();
            packages.insert(d.to_path_buf(), known);
            known
        }
    };
    paths
        .iter()
        .map(|p| module_name_with(p, &mut is_package))
        .collect()
}

fn module_name_with(path: &Path, is_package: &mut dyn FnMut(&Path) -> bool) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut parts = Vec::new();
    if stem != "__init__" {
        parts.push(stem);
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !is_package(d) {
            break;
        }
        match d.file_name() {
            Some(name) => parts.push(name.to_string_lossy().to_string()),
            None => break,
        }
        dir = d.parent();
    }
    parts.reverse();
    parts.join(".")
}

impl Project {
    /// Indexes `files` (path, parsed module). Module names come from the file system;
    /// imports are kept when they name a module of the project.
    pub fn build(files: &[(PathBuf, &ast::ModModule, &str)], catalog: &Catalog) -> Project {
        let names: BTreeSet<String> = files.iter().map(|(p, _, _)| module_name(p)).collect();
        Project::from_modules(
            files
                .iter()
                .map(|(path, module, text)| {
                    let semantic = Semantic::build(module);
                    let source = Source { module, text };
                    index(
                        path,
                        &module_name(path),
                        source,
                        Some(&semantic),
                        &names,
                        catalog,
                    )
                })
                .collect(),
        )
    }

    /// A project of modules indexed one by one ([`index`]).
    pub fn from_modules(modules: Vec<ModuleInfo>) -> Project {
        Project {
            modules: modules.into_iter().map(|m| (m.name.clone(), m)).collect(),
        }
    }

    /// The names (last part: `patch` of `pkg.hub:patch`, `setUp` of `m:Base.setUp`) of the
    /// functions that monkey-patch, themselves or through the calls read so far: a module
    /// read only as text that calls one must be read for its calls.
    pub fn patching_names(&self) -> BTreeSet<String> {
        let mut patching: BTreeSet<&str> = self
            .modules
            .values()
            .flat_map(|m| m.patches.iter().map(|p| p.function.as_str()))
            .collect();
        loop {
            let more: Vec<&str> = self
                .modules
                .values()
                .flat_map(|m| &m.calls)
                .filter(|(caller, callees)| {
                    !patching.contains(caller.as_str())
                        && callees.iter().any(|c| patching.contains(c.as_str()))
                })
                .map(|(caller, _)| caller.as_str())
                .collect();
            if more.is_empty() {
                break;
            }
            patching.extend(more);
        }
        patching
            .into_iter()
            .filter_map(|f| f.rsplit([':', '.']).next())
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The test doubles that name eventlet through a project module, resolved with that
    /// module's imports; `canonical` maps an eventlet name through its re-exports.
    pub fn doubles_through_modules(
        &self,
        canonical: &dyn Fn(&str) -> String,
    ) -> Vec<DoubleThrough> {
        let mut doubles = Vec::new();
        for (test, info) in &self.modules {
            for (dotted, at) in &info.through_eventlet {
                // The longest prefix that is a module of the project, then a name it binds.
                let Some((through, rest)) = dotted
                    .match_indices('.')
                    .map(|(i, _)| (&dotted[..i], &dotted[i + 1..]))
                    .rfind(|(m, _)| self.modules.contains_key(*m))
                else {
                    continue;
                };
                let (bound, attrs) = rest.split_once('.').unwrap_or((rest, ""));
                let Some(binding) = self.modules[through].eventlet_bindings.get(bound) else {
                    continue;
                };
                let (doubled, whole_module) = if attrs.is_empty() {
                    (binding.clone(), true)
                } else {
                    (canonical(&format!("{binding}.{attrs}")), false)
                };
                doubles.push(DoubleThrough {
                    test: test.clone(),
                    at: at.clone(),
                    through: through.to_string(),
                    doubled,
                    whole_module,
                });
            }
        }
        doubles
    }

    /// The modules a process starting at `roots` runs: their imports, transitively.
    pub fn closure(&self, roots: &[String]) -> BTreeSet<String> {
        let mut seen: HashSet<&str> = HashSet::default();
        let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
        while let Some(module) = stack.pop() {
            let Some((name, info)) = self.modules.get_key_value(module) else {
                continue;
            };
            if !seen.insert(name.as_str()) {
                continue;
            }
            stack.extend(parents(name).filter(|p| self.modules.contains_key(*p)));
            stack.extend(info.imports.iter().map(String::as_str));
        }
        seen.into_iter().map(str::to_string).collect()
    }

    /// The functions reachable from `roots` plus the module code of every module in
    /// `modules` (run when imported).
    pub fn reachable<'a>(
        &'a self,
        modules: &'a BTreeSet<String>,
        roots: &'a [FunctionId],
    ) -> HashSet<&'a str> {
        let module_code: Vec<&str> = modules
            .iter()
            .filter_map(|m| self.modules.get(m))
            .filter_map(|m| m.calls.get_key_value(&format!("{}:", m.name)))
            .map(|(id, _)| id.as_str())
            .collect();
        let mut seen: HashSet<&str> = HashSet::default();
        let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
        stack.extend(module_code);
        while let Some(function) = stack.pop() {
            if !seen.insert(function) {
                continue;
            }
            let module = function.split(':').next().unwrap_or_default();
            if let Some(callees) = self.modules.get(module).and_then(|m| m.calls.get(function)) {
                stack.extend(callees.iter().map(String::as_str));
            }
            // A method the class inherits (or `super().f()`) runs as a base defines it.
            if let Some(inherited) = self.inherited(function) {
                stack.push(inherited);
            }
        }
        seen
    }

    /// The method of a base class that `function` (`m:C.f`, or `m:C^.f` for `super().f()`)
    /// runs when `C` itself does not define it.
    fn inherited(&self, function: &str) -> Option<&str> {
        let (module, rest) = function.split_once(':')?;
        let (class, method) = rest.rsplit_once('.')?;
        let info = self.modules.get(module)?;
        let class = match class.strip_suffix(SUPER) {
            Some(class) => class,
            None if info.functions.contains(function) => return None,
            None => class,
        };
        let mut seen = BTreeSet::new();
        self.defined_in_bases(info.bases.get(class)?, method, &mut seen)
    }

    /// The first of `bases` (depth first, left to right, as Python's order mostly is) that
    /// defines `method`, as `module:Class.method`.
    fn defined_in_bases<'a>(
        &'a self,
        bases: &'a [FunctionId],
        method: &str,
        seen: &mut BTreeSet<&'a str>,
    ) -> Option<&'a str> {
        for base in bases {
            if !seen.insert(base) {
                continue;
            }
            let (module, class) = base.split_once(':')?;
            let Some(info) = self.modules.get(module) else {
                continue;
            };
            let id = format!("{base}.{method}");
            if let Some(found) = info.functions.get(&id) {
                return Some(found.as_str());
            }
            if let Some(more) = info.bases.get(class) {
                if let Some(found) = self.defined_in_bases(more, method, seen) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Whether `function` runs in a process of `modules` whose reachable functions are
    /// `reachable` ([`Project::reachable`]): module code runs on import.
    pub fn runs(function: &str, modules: &BTreeSet<String>, reachable: &HashSet<&str>) -> bool {
        reachable.contains(function)
            || function
                .strip_suffix(':')
                .is_some_and(|module| modules.contains(module))
    }
}

impl Project {
    /// The eventlet backends modules select by name in other modules (`'eventlet':
    /// 'pkg.pools.eventlet:TaskPool'`), and the test modules of a backend module; their
    /// `monkey_patch()` calls and eventlet libraries are taken out of the index: they patch
    /// only the processes that select them, at run time.
    pub fn select_backends(&mut self) -> BTreeMap<String, ModuleBackend> {
        let mut backends: BTreeMap<String, ModuleBackend> = BTreeMap::new();
        let is_module = |m: &str| self.modules.contains_key(m);
        for info in self.modules.values() {
            for (dotted, at) in &info.selects {
                let Some((module, name)) =
                    crate::analyse::backend::resolve_named(dotted, &is_module)
                else {
                    continue;
                };
                let why = format!("selected by name at {at}");
                let entry = backends.entry(module.clone()).or_default();
                match name {
                    Some(name) if !names_eventlet(&module) => entry.defs.push((name, why)),
                    _ => {
                        entry.whole.get_or_insert(why);
                    }
                }
            }
        }
        // Tests of a backend module (`tests/test_eventlet.py` importing it) exist for it.
        let tests: Vec<(String, String)> = self
            .modules
            .values()
            .filter(|m| {
                let last = m.name.rsplit('.').next().unwrap_or(&m.name);
                (in_test_package(&m.name) || last.starts_with("test")) && names_eventlet(&m.name)
            })
            .filter_map(|m| {
                let tested = m
                    .imports
                    .iter()
                    .find(|i| backends.get(*i).is_some_and(|b| b.whole.is_some()))?;
                Some((
                    m.name.clone(),
                    format!("it tests the eventlet backend `{tested}`"),
                ))
            })
            .collect();
        for (module, why) in tests {
            backends.entry(module).or_default().whole.get_or_insert(why);
        }
        for (module, backend) in &backends {
            let Some(info) = self.modules.get_mut(module) else {
                continue;
            };
            if backend.whole.is_some() {
                info.patches.clear();
                info.eventlet_libraries.clear();
            }
            info.patches.retain(|p| {
                !backend.defs.iter().any(|(name, _)| {
                    let def = format!("{module}:{name}");
                    p.function == def || p.function.starts_with(&format!("{def}."))
                })
            });
        }
        backends
    }
}

/// Whether a module's own name says it is the eventlet one (`pools.eventlet`, `geventlet`).
fn names_eventlet(module: &str) -> bool {
    let last = module.rsplit('.').next().unwrap_or(module);
    last.to_ascii_lowercase().contains("eventlet")
}

/// `a.b.c` → `a.b`, `a`.
pub(crate) fn parents(module: &str) -> impl Iterator<Item = &str> + '_ {
    let mut end = module.len();
    std::iter::from_fn(move || {
        end = module[..end].rfind('.')?;
        Some(&module[..end])
    })
}

/// The quoted dotted paths of `text` with a component `eventlet` after the first
/// (`'pkg.wsgi.eventlet.listen'`), with where each starts.
fn through_eventlet(path: &Path, text: &str) -> Vec<(String, String)> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut found = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b".eventlet") {
        let start = (0..at)
            .rev()
            .find(|&i| !word(bytes[i]))
            .map_or(0, |i| i + 1);
        let end = (at + 1..bytes.len())
            .find(|&i| !word(bytes[i]))
            .unwrap_or(bytes.len());
        let quoted = |i: usize| matches!(bytes.get(i), Some(b'\'' | b'"'));
        if start == 0 || !quoted(start - 1) || !quoted(end) || bytes[start - 1] != bytes[end] {
            continue;
        }
        let dotted = &text[start..end];
        if dotted.split('.').skip(1).any(|part| part == "eventlet")
            && !dotted.starts_with("eventlet.")
            && !found.iter().any(|(d, _): &(String, String)| d == dotted)
        {
            // Where the string starts, quote included, as its site is shown.
            let Ok(quote) = u32::try_from(start - 1) else {
                continue;
            };
            found.push((dotted.to_string(), position_in(path, text, quote.into())));
        }
    }
    found
}

/// A parsed module and its text.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub module: &'a ast::ModModule,
    pub text: &'a str,
}

/// `path:line:col` of `offset` in `text`.
pub fn position_in(path: &Path, text: &str, offset: ruff_text_size::TextSize) -> String {
    let (line, column) = line_column_in(text, offset);
    let shown = path.strip_prefix(".").unwrap_or(path).display();
    format!("{shown}:{line}:{column}")
}

/// The line and column (from 1, in characters) of `offset` in `text`.
pub fn line_column_in(text: &str, offset: ruff_text_size::TextSize) -> (usize, usize) {
    let before = &text[..usize::from(offset)];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let column = before.rsplit('\n').next().unwrap_or(before).chars().count() + 1;
    (line, column)
}

/// The backends a module selects by name: the regions of its own code (whose patching is
/// not the process's), and the dotted paths it names in the project, with where.
fn own_backends(
    path: &Path,
    source: Source<'_>,
) -> (Vec<ruff_text_size::TextRange>, Vec<(String, String)>) {
    use crate::analyse::backend::{definition, selections, Selected};
    let (mut here, mut named) = (Vec::new(), Vec::new());
    if !crate::analyse::backend::may_select(source.text) {
        return (here, named);
    }
    let body = &source.module.body;
    for selection in selections(body) {
        let at = || {
            let code = &source.text[selection.at];
            let code = code.lines().next().unwrap_or(code);
            format!(
                "{} (`{code}`)",
                position_in(path, source.text, selection.at.start())
            )
        };
        match selection.selected {
            Selected::Here(range) => here.push(range),
            Selected::Def(name) => here.extend(definition(body, &name).map(|(r, _)| r)),
            Selected::Named(dotted) => named.push((dotted, at())),
        }
    }
    (here, named)
}

/// The package relative imports of the module at `path` start from.
pub(crate) fn package_of(path: &Path, name: &str) -> String {
    if path.file_stem().is_some_and(|s| s == "__init__") {
        name.to_string()
    } else {
        name.rsplit_once('.')
            .map_or(String::new(), |(p, _)| p.to_string())
    }
}
