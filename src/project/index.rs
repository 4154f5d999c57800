//! The project index: every given Python file as a module of the project (its dotted name
//! from the package directories around it), what it imports from the project, what its
//! functions call, where it monkey-patches, and the entry points that start processes.
//!
//! Calls are resolved syntactically, enough to follow an entry point into the project's own
//! helpers (swift's `utils.monkey_patch()` → `eventlet_monkey_patch()` →
//! `patcher.monkey_patch(...)`): a name defined or imported from a project module, a
//! module-qualified name, `self.method` inside a class. What cannot be resolved is not
//! followed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxHashSet as HashSet;
use std::path::{Path, PathBuf};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::analyse::patching::monkey_patch_flags;
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
    pub eventlet_libraries: Vec<String>,
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
fn parents(module: &str) -> impl Iterator<Item = &str> + '_ {
    let mut end = module.len();
    std::iter::from_fn(move || {
        end = module[..end].rfind('.')?;
        Some(&module[..end])
    })
}

/// Indexes one module; `project` names every module of the project. `semantic` resolves
/// names to find `monkey_patch()` calls: a module that never mentions eventlet needs none
/// (most modules of a project; this keeps indexing cheap).
pub fn index(
    path: &Path,
    name: &str,
    source: Source<'_>,
    semantic: Option<&Semantic>,
    project: &BTreeSet<String>,
    catalog: &Catalog,
) -> ModuleInfo {
    let module = source.module;
    let package = package_of(path, name);
    let (backends, selects) = own_backends(path, source);
    let mut indexer = Indexer {
        info: ModuleInfo {
            path: path.to_path_buf(),
            name: name.to_string(),
            selects,
            calls_read: true,
            through_eventlet: through_eventlet(path, source.text),
            ..ModuleInfo::default()
        },
        text: source.text,
        backends,
        package,
        project,
        catalog,
        semantic,
        aliases: BTreeMap::new(),
        defs: BTreeSet::new(),
        function: format!("{name}:"),
        calls: Default::default(),
        class: None,
        kwargs: None,
    };
    indexer.collect_definitions(&module.body, None);
    for stmt in &module.body {
        indexer.visit_stmt(stmt);
    }
    indexer.flush_calls();
    indexer.info
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
    let before = &text[..usize::from(offset)];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let column = before.rsplit('\n').next().unwrap_or(before).chars().count() + 1;
    let shown = path.strip_prefix(".").unwrap_or(path).display();
    format!("{shown}:{line}:{column}")
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

struct Indexer<'a> {
    info: ModuleInfo,
    text: &'a str,
    /// Regions of this module that are eventlet backends it selects: their patching is not
    /// its process's.
    backends: Vec<ruff_text_size::TextRange>,
    /// The package relative imports start from.
    package: String,
    project: &'a BTreeSet<String>,
    catalog: &'a Catalog,
    semantic: Option<&'a Semantic>,
    /// Local name → what it denotes in the project (`module` or `module:function`).
    aliases: BTreeMap<String, String>,
    /// Functions and methods defined here (`f`, `Class.f`), and classes (`Class`).
    defs: BTreeSet<String>,
    /// The function whose code is being visited, and what it calls so far (kept apart from
    /// `info.calls` until it ends: a test module calls thousands of methods).
    function: FunctionId,
    calls: rustc_hash::FxHashSet<FunctionId>,
    class: Option<String>,
    /// The `**kwargs` parameter of the function being visited.
    kwargs: Option<String>,
}

impl Indexer<'_> {
    fn collect_definitions(&mut self, body: &[Stmt], class: Option<&str>) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => {
                    let qualified = match class {
                        Some(c) => format!("{c}.{}", def.name),
                        None => def.name.to_string(),
                    };
                    self.defs.insert(qualified);
                }
                Stmt::ClassDef(class_def) if class.is_none() => {
                    self.defs.insert(class_def.name.to_string());
                    self.collect_definitions(&class_def.body, Some(class_def.name.as_str()));
                }
                _ => {}
            }
        }
    }

    fn absolute(&self, level: u32, module: Option<&str>) -> String {
        absolute_module(&self.package, level, module)
    }

    fn note_import(&mut self, module: &str) {
        note_import(&mut self.info, module, self.project, self.catalog);
    }

    fn import(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.to_string();
                    self.note_import(&module);
                    let (local, target) = match &alias.asname {
                        Some(asname) => (asname.to_string(), module.clone()),
                        None => {
                            let top = module.split('.').next().unwrap_or_default().to_string();
                            (top.clone(), top)
                        }
                    };
                    if crate::syntax::imports::is_eventlet(&target) {
                        self.info
                            .eventlet_bindings
                            .insert(local.clone(), target.clone());
                    }
                    self.aliases.insert(local, target);
                }
            }
            Stmt::ImportFrom(from) => {
                let base = self.absolute(from.level, from.module.as_deref());
                self.note_import(&base);
                for alias in &from.names {
                    let member = alias.name.to_string();
                    let full = format!("{base}.{member}");
                    self.note_import(&full);
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    if crate::syntax::imports::is_eventlet(&full) {
                        self.info
                            .eventlet_bindings
                            .insert(local.clone(), full.clone());
                    }
                    let target = if self.project.contains(&full) {
                        full
                    } else {
                        format!("{base}:{member}")
                    };
                    self.aliases.insert(local, target);
                }
            }
            _ => {}
        }
    }

    /// `module:member` when `value` names a module of the project as imported here
    /// (`utils` in `utils.patch`, `pkg.base` in `pkg.base.TestCase`).
    fn member_of_module(&self, value: &Expr, member: &str) -> Option<FunctionId> {
        let dotted = dotted(value)?;
        let (head, rest) = dotted.split_once('.').unwrap_or((&dotted, ""));
        let target = self.aliases.get(head)?;
        let module = if rest.is_empty() {
            target.clone()
        } else {
            format!("{target}.{rest}")
        };
        self.project
            .contains(&module)
            .then(|| format!("{module}:{member}"))
    }

    /// The project function a callee denotes, if it can be told.
    fn callee(&self, func: &Expr) -> Option<FunctionId> {
        let module = &self.info.name;
        match func {
            Expr::Name(name) => {
                let id = name.id.as_str();
                if self.defs.contains(id) {
                    let init = format!("{id}.__init__");
                    return Some(if self.defs.contains(&init) {
                        format!("{module}:{init}")
                    } else {
                        format!("{module}:{id}")
                    });
                }
                let target = self.aliases.get(id)?;
                target.contains(':').then(|| target.clone())
            }
            Expr::Attribute(attr) => {
                let method = attr.attr.as_str();
                match &*attr.value {
                    // `super().f()`: `f` as the bases of the class have it.
                    Expr::Call(inner)
                        if inner.arguments.is_empty()
                            && matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super") =>
                    {
                        let class = self.class.as_ref()?;
                        Some(format!("{module}:{class}{SUPER}.{method}"))
                    }
                    Expr::Name(base) if base.id.as_str() == "self" || base.id.as_str() == "cls" => {
                        let class = self.class.as_ref()?;
                        Some(format!("{module}:{class}.{method}"))
                    }
                    Expr::Name(base) if self.defs.contains(base.id.as_str()) => {
                        Some(format!("{module}:{}.{method}", base.id))
                    }
                    value => self.member_of_module(value, method),
                }
            }
            _ => None,
        }
    }

    /// Whether `call` is `monkey_patch(**kwargs)` forwarding the `**kwargs` parameter of
    /// the function it is in.
    fn forwards_kwargs(&self, call: &ast::ExprCall) -> bool {
        let [keyword] = &call.arguments.keywords[..] else {
            return false;
        };
        let (None, Expr::Name(name)) = (&keyword.arg, &keyword.value) else {
            return false;
        };
        call.arguments.args.is_empty() && self.kwargs.as_deref() == Some(name.id.as_str())
    }

    /// Records a call of a project function whose arguments are all literal boolean
    /// keywords, with the flags `monkey_patch` would patch given them.
    fn note_keyword_call(&mut self, call: &ast::ExprCall) {
        if !call.arguments.args.is_empty()
            || call.arguments.keywords.is_empty()
            || !call
                .arguments
                .keywords
                .iter()
                .all(|k| k.arg.is_some() && k.value.is_boolean_literal_expr())
        {
            return;
        }
        let Some(callee) = self.callee(&call.func) else {
            return;
        };
        let Some(flags) = monkey_patch_flags(call, &self.catalog.process) else {
            return;
        };
        self.info.keyword_calls.push(KeywordCall {
            caller: self.function.clone(),
            callee,
            flags,
            at: position_in(&self.info.path, self.text, call.range().start()),
        });
    }

    /// The base classes of `class`, as the project names them (`module:Class`).
    fn note_bases(&mut self, class: &ast::StmtClassDef) {
        let module = &self.info.name;
        let bases: Vec<FunctionId> = class
            .bases()
            .iter()
            .filter_map(|base| match base {
                Expr::Name(name) if self.defs.contains(name.id.as_str()) => {
                    Some(format!("{module}:{}", name.id))
                }
                Expr::Name(name) => self
                    .aliases
                    .get(name.id.as_str())
                    .filter(|t| t.contains(':'))
                    .cloned(),
                Expr::Attribute(attr) => self.member_of_module(&attr.value, &attr.attr),
                _ => None,
            })
            .collect();
        if !bases.is_empty() {
            self.info.bases.insert(class.name.to_string(), bases);
        }
    }

    fn in_function<F: FnOnce(&mut Self)>(&mut self, function: FunctionId, f: F) {
        let previous = std::mem::replace(&mut self.function, function);
        let outer_calls = std::mem::take(&mut self.calls);
        f(self);
        self.flush_calls();
        self.calls = outer_calls;
        self.function = previous;
    }

    /// Records what the current function called.
    fn flush_calls(&mut self) {
        if self.calls.is_empty() {
            return;
        }
        self.info
            .calls
            .entry(self.function.clone())
            .or_default()
            .extend(self.calls.drain());
    }
}

fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attr) => Some(format!("{}.{}", dotted(&attr.value)?, attr.attr)),
        _ => None,
    }
}

/// Whether a module's source has an `if __name__ == "__main__":` block at its top level.
pub fn is_script(bytes: &[u8]) -> bool {
    let Ok(source) = crate::syntax::source::SourceText::decode(bytes) else {
        return false;
    };
    let Ok(parsed) = ruff_python_parser::parse_module(&source.text) else {
        return false;
    };
    parsed
        .syntax()
        .body
        .iter()
        .any(|s| matches!(s, Stmt::If(branch) if is_main_guard(&branch.test)))
}

/// Whether a method forwards its own first arguments to a patcher (`def patchobject(self,
/// obj, attr, **kw): return self.useFixture(fixtures.MockPatchObject(obj, attr, **kw))`):
/// `Some(true)` for object and attribute, `Some(false)` for a dotted path.
fn patch_helper(
    def: &ast::StmtFunctionDef,
    patchers: &crate::recipe::model::Patchers,
) -> Option<bool> {
    use crate::recipe::model::Patchers;
    let params: Vec<&str> = def
        .parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .skip(1)
        .map(|p| p.parameter.name.as_str())
        .collect();
    let first = *params.first()?;
    struct Calls<'p> {
        patchers: &'p crate::recipe::model::Patchers,
        first: &'p str,
        second: Option<&'p str>,
        found: Option<bool>,
    }
    impl<'a> Visitor<'a> for Calls<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let named = |e: Option<&Expr>, n: Option<&str>| matches!((e, n), (Some(Expr::Name(a)), Some(b)) if a.id.as_str() == b);
                let args = &call.arguments.args;
                if let Some(dotted) = dotted(&call.func) {
                    if Patchers::names(&self.patchers.by_object, &dotted)
                        && named(args.first(), Some(self.first))
                        && named(args.get(1), self.second)
                    {
                        self.found = Some(true);
                    } else if Patchers::names(&self.patchers.by_name, &dotted)
                        && named(args.first(), Some(self.first))
                    {
                        self.found.get_or_insert(false);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        patchers,
        first,
        second: params.get(1).copied(),
        found: None,
    };
    calls.visit_body(&def.body);
    calls.found
}

fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    compare.comparators.len() == 1
        && ((is_name(&compare.left) && is_main(&compare.comparators[0]))
            || (is_main(&compare.left) && is_name(&compare.comparators[0])))
}

impl<'a> Visitor<'a> for Indexer<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(stmt),
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                let qualified = match &self.class {
                    Some(c) => format!("{c}.{}", def.name),
                    None => def.name.to_string(),
                };
                let id = format!("{}:{qualified}", self.info.name);
                self.info.functions.insert(id.clone());
                if self.class.is_some() {
                    if let Some(by_object) = patch_helper(def, &self.catalog.patchers) {
                        self.info
                            .patch_helpers
                            .push((def.name.to_string(), by_object));
                    }
                }
                let kwargs = def.parameters.kwarg.as_ref().map(|k| k.name.to_string());
                let outer_kwargs = std::mem::replace(&mut self.kwargs, kwargs);
                // Nested functions belong to their enclosing function's entry.
                if self.function.ends_with(':') {
                    self.in_function(id, |this| visitor::walk_body(this, &def.body));
                } else {
                    visitor::walk_body(self, &def.body);
                }
                self.kwargs = outer_kwargs;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if self.class.is_none() && self.function.ends_with(':') {
                    self.note_bases(class);
                    let previous = self.class.replace(class.name.to_string());
                    visitor::walk_body(self, &class.body);
                    self.class = previous;
                } else {
                    visitor::walk_body(self, &class.body);
                }
            }
            Stmt::If(branch) if self.function.ends_with(':') && is_main_guard(&branch.test) => {
                self.info.has_main = true;
                let id = format!("{}:__main__", self.info.name);
                self.in_function(id, |this| visitor::walk_body(this, &branch.body));
                for clause in &branch.elif_else_clauses {
                    visitor::walk_body(self, &clause.body);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Some(callee) = self.callee(&call.func) {
                self.calls.insert(callee);
            }
            let patch_name = self.catalog.process.monkey_patch.rsplit('.').next();
            let canonical = self
                .semantic
                .filter(|_| {
                    crate::syntax::names::last_name(&call.func).is_some()
                        && crate::syntax::names::last_name(&call.func) == patch_name
                })
                .and_then(|semantic| semantic.expr_qualified_name(&call.func))
                .map(|q| self.catalog.canonical(&q));
            let selected = self.backends.iter().any(|r| r.contains_range(call.range()));
            if canonical.as_deref() == Some(self.catalog.process.monkey_patch.as_str()) && !selected
            {
                self.info.patches.push(Patch {
                    function: self.function.clone(),
                    flags: monkey_patch_flags(call, &self.catalog.process),
                    forwarded: self.forwards_kwargs(call),
                    at: position_in(&self.info.path, self.text, call.range().start()),
                });
            }
            self.note_keyword_call(call);
        }
        visitor::walk_expr(self, expr);
    }
}

/// Where a process starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    /// What starts it, for messages (`console script nova-compute`, `python -m pkg`).
    pub name: String,
    /// Modules imported first.
    pub modules: Vec<String>,
    /// Functions run.
    pub functions: Vec<FunctionId>,
}

/// The entry points of the project: console and GUI scripts declared in `setup.cfg`,
/// `pyproject.toml` or `setup.py` found at or above the given paths, `__main__.py` modules,
/// modules with an `if __name__ == "__main__":` block, and test packages (every module under
/// a `tests`/`test` package is imported by the runner, which calls its functions).
pub fn entry_points(project: &Project, paths: &[PathBuf]) -> Vec<EntryPoint> {
    let mut entries = Vec::new();
    for (script, target) in declared_scripts(paths) {
        let (module, function) = target.split_once(':').unwrap_or((&target, ""));
        let module = module.trim().to_string();
        if !project.modules.contains_key(&module) {
            continue;
        }
        let function = function.split_whitespace().next().unwrap_or("");
        entries.push(EntryPoint {
            name: format!("console script `{script}`"),
            modules: vec![module.clone()],
            functions: (!function.is_empty())
                .then(|| format!("{module}:{function}"))
                .into_iter()
                .collect(),
        });
    }
    for (name, info) in &project.modules {
        if info.path.file_stem().is_some_and(|s| s == "__main__") {
            let how = match name.strip_suffix(".__main__") {
                Some(package) => format!("`python -m {package}`"),
                None => format!("`python {}`", info.path.display()),
            };
            entries.push(EntryPoint {
                name: how,
                modules: vec![name.clone()],
                functions: vec![format!("{name}:__main__")],
            });
        } else if info.has_main && !in_test_package(name) {
            // (A test module's `unittest.main()` block is not how its tests run: the test
            // runner's process below is.)
            entries.push(EntryPoint {
                name: format!("`python {}`", info.path.display()),
                modules: vec![name.clone()],
                functions: vec![format!("{name}:__main__")],
            });
        }
    }
    entries.extend(test_runners(project, paths));
    entries
}

/// The test runners: one per outermost `tests`/`test` directory (a package or not: pytest
/// collects `test/cli/test_run.py` without an `__init__.py`), which imports every module
/// under it and calls their functions, with the `conftest.py` modules above it and the
/// project's pytest plugins (`pytest11` entry points) and their `pytest_*` hooks.
fn test_runners(project: &Project, paths: &[PathBuf]) -> Vec<EntryPoint> {
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::path::absolute(p).ok())
        .collect();
    let absolute = |info: &ModuleInfo| std::path::absolute(&info.path).ok();
    // Outermost test packages first: their directory is the runner's.
    let mut runners: BTreeMap<PathBuf, (String, Vec<String>)> = BTreeMap::new();
    let mut package_dirs: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for (name, info) in &project.modules {
        if !is_test_package(name) || parents(name).any(is_test_package) {
            continue;
        }
        if let Some(dir) = absolute(info).as_deref().and_then(Path::parent) {
            runners.insert(dir.to_path_buf(), (format!("`{name}`"), Vec::new()));
            package_dirs.insert(name, dir.to_path_buf());
        }
    }
    for (name, info) in &project.modules {
        if let Some(dir) = parents(name)
            .chain([name.as_str()])
            .filter(|p| is_test_package(p))
            .find_map(|p| package_dirs.get(p))
        {
            if let Some(runner) = runners.get_mut(dir) {
                runner.1.push(name.clone());
            }
            continue;
        }
        let Some(path) = absolute(info) else { continue };
        // Within the paths given: a checkout under `~/tests/` is not a test tree.
        let Some(root) = roots.iter().filter(|r| path.starts_with(r)).max() else {
            continue;
        };
        let runner = path
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(root))
            .filter(|d| {
                runners.contains_key(*d)
                    || d.file_name().is_some_and(|n| n == "tests" || n == "test")
            })
            .last();
        if let Some(dir) = runner {
            let shown = dir.strip_prefix(root).unwrap_or(dir);
            runners
                .entry(dir.to_path_buf())
                .or_insert_with(|| (format!("`{}/`", shown.display()), Vec::new()))
                .1
                .push(name.clone());
        }
    }
    let conftests: Vec<(PathBuf, &String)> = project
        .modules
        .iter()
        .filter(|(_, info)| info.path.file_name().is_some_and(|f| f == "conftest.py"))
        .filter_map(|(name, info)| Some((absolute(info)?.parent()?.to_path_buf(), name)))
        .collect();
    let plugins: Vec<&String> = declared_plugins(paths)
        .iter()
        .filter_map(|m| project.modules.get_key_value(m).map(|(k, _)| k))
        .collect();
    runners
        .into_iter()
        .filter(|(_, (_, modules))| !modules.is_empty())
        .map(|(dir, (name, mut modules))| {
            for (conftest_dir, conftest) in &conftests {
                if dir.starts_with(conftest_dir) && !modules.contains(conftest) {
                    modules.push((*conftest).clone());
                }
            }
            let mut functions: Vec<FunctionId> = modules
                .iter()
                .flat_map(|m| project.modules[m].functions.iter().cloned())
                .collect();
            // unittest runs each test class's set-up, inherited or not.
            for m in &modules {
                for class in project.modules[m].bases.keys() {
                    functions.push(format!("{m}:{class}.setUp"));
                    functions.push(format!("{m}:{class}.setUpClass"));
                }
            }
            for plugin in &plugins {
                modules.push((*plugin).clone());
                functions.extend(
                    project.modules[*plugin]
                        .functions
                        .iter()
                        .filter(|f| {
                            f.split_once(':')
                                .is_some_and(|(_, f)| f.starts_with("pytest_"))
                        })
                        .cloned(),
                );
            }
            EntryPoint {
                name: format!("the test runner of {name}"),
                modules,
                functions,
            }
        })
        .collect()
}

fn is_test_package(module: &str) -> bool {
    let last = module.rsplit('.').next().unwrap_or(module);
    last == "tests" || last == "test"
}

fn in_test_package(module: &str) -> bool {
    parents(module).any(is_test_package)
}

/// `(script name, "module:function")` declared in packaging files at or above `paths`.
fn declared_scripts(paths: &[PathBuf]) -> Vec<(String, String)> {
    let mut scripts = Vec::new();
    for root in packaging_roots(paths) {
        if let Ok(text) = std::fs::read_to_string(root.join("setup.cfg")) {
            scripts.extend(setup_cfg_scripts(&text));
        }
        if let Ok(text) = std::fs::read_to_string(root.join("pyproject.toml")) {
            scripts.extend(pyproject_scripts(&text));
        }
        if let Ok(text) = std::fs::read_to_string(root.join("setup.py")) {
            scripts.extend(setup_py_scripts(&text));
        }
    }
    scripts
}

/// The modules of the pytest plugins (`pytest11` entry points) declared in packaging files
/// at or above `paths`: pytest loads them in every test run.
fn declared_plugins(paths: &[PathBuf]) -> Vec<String> {
    let mut plugins = Vec::new();
    for root in packaging_roots(paths) {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        if let Some(text) = read("setup.cfg") {
            plugins.extend(setup_cfg_entries(&text, "pytest11"));
        }
        if let Some(text) = read("pyproject.toml") {
            plugins.extend(pyproject_entries(&text, "pytest11"));
        }
        if let Some(text) = read("setup.py") {
            plugins.extend(setup_py_entries(&text, "pytest11"));
        }
    }
    plugins
        .into_iter()
        .map(|(_, target)| {
            target
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect()
}

/// The import order the isort configuration at the packaging roots of `paths` asks for
/// (`.isort.cfg`, `[isort]`/`[tool:isort]` in `setup.cfg` or `tox.ini`, `[tool.isort]` in
/// `pyproject.toml`): `force_sort_within_sections`, or a profile that sets it (`google`,
/// `open_stack`), sorts by module; any other isort configuration, plain imports first.
pub fn declared_import_order(paths: &[PathBuf]) -> Option<crate::syntax::imports::ImportOrder> {
    use crate::syntax::imports::ImportOrder;
    let decide = |settings: &BTreeMap<String, String>| {
        let by_module = settings
            .get("force_sort_within_sections")
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
            .unwrap_or_else(|| {
                settings.get("profile").is_some_and(|p| {
                    matches!(p.trim().trim_matches(['"', '\'']), "google" | "open_stack")
                })
            });
        if by_module {
            ImportOrder::ByModule
        } else {
            ImportOrder::PlainFirst
        }
    };
    for root in packaging_roots(paths) {
        let read = |file: &str| std::fs::read_to_string(root.join(file)).ok();
        for (file, sections) in [
            (".isort.cfg", &["settings", "isort"][..]),
            ("setup.cfg", &["isort", "tool:isort"][..]),
            ("tox.ini", &["isort", "tool:isort"][..]),
        ] {
            if let Some(settings) = read(file).and_then(|t| ini_section(&t, sections)) {
                return Some(decide(&settings));
            }
        }
        let table = read("pyproject.toml")
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|doc| doc.get("tool")?.get("isort")?.as_table().cloned());
        if let Some(table) = table {
            let settings = table
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect();
            return Some(decide(&settings));
        }
    }
    None
}

/// The `key = value` lines of the first of `sections` an ini file has.
fn ini_section(text: &str, sections: &[&str]) -> Option<BTreeMap<String, String>> {
    let mut found: Option<BTreeMap<String, String>> = None;
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            if found.is_some() && inside {
                break;
            }
            inside = sections.contains(&name.trim());
            if inside {
                found = Some(BTreeMap::new());
            }
        } else if inside {
            if let Some((key, value)) = trimmed.split_once('=') {
                if let Some(settings) = found.as_mut() {
                    settings.insert(key.trim().to_string(), value.trim().to_string());
                }
            }
        }
    }
    found
}

/// The nearest directory at or above each path with a `setup.cfg`, `pyproject.toml` or
/// `setup.py`.
pub fn packaging_roots(paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut roots = BTreeSet::new();
    for path in paths {
        let Ok(absolute) = std::path::absolute(path) else {
            continue;
        };
        let start = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(&absolute)
        };
        if let Some(root) = start.ancestors().find(|d| {
            ["setup.cfg", "pyproject.toml", "setup.py"]
                .iter()
                .any(|f| d.join(f).is_file())
        }) {
            roots.insert(root.to_path_buf());
        }
    }
    roots
}

/// `[entry_points]` `console_scripts =` / `gui_scripts =` lines of a `setup.cfg`.
pub fn setup_cfg_scripts(text: &str) -> Vec<(String, String)> {
    let mut out = setup_cfg_entries(text, "console_scripts");
    out.extend(setup_cfg_entries(text, "gui_scripts"));
    out
}

/// The `name = target` lines of one group of a `setup.cfg`'s `[entry_points]`.
fn setup_cfg_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut key = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
            key.clear();
            continue;
        }
        if section != "[entry_points]" || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let value = if line.starts_with([' ', '\t']) {
            Some(trimmed)
        } else {
            trimmed.split_once('=').map(|(k, v)| {
                key = k.trim().to_string();
                v
            })
        };
        if let Some(entry) = value
            .filter(|_| key == group)
            .and_then(|v| entry_of(group, v))
        {
            out.push(entry);
        }
    }
    out
}

/// `name = target` of an entry point; a script's target names a function (`module:main`).
fn entry_of(group: &str, line: &str) -> Option<(String, String)> {
    let (name, target) = line.split_once('=')?;
    let (name, target) = (name.trim(), target.trim());
    let script = group == "console_scripts" || group == "gui_scripts";
    (!name.is_empty() && !target.is_empty() && (!script || target.contains(':')))
        .then(|| (name.to_string(), target.to_string()))
}

fn script_entry(group: &str, line: &str) -> Option<(String, String)> {
    if group != "console_scripts" && group != "gui_scripts" {
        return None;
    }
    entry_of(group, line)
}

/// The entries of `[project.entry-points.<group>]` of a `pyproject.toml`.
fn pyproject_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    doc.get("project")
        .and_then(|p| p.get("entry-points"))
        .and_then(|e| e.get(group))
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        })
        .collect()
}

/// The `'name = target'` strings listed under the key `group` of a `setup.py`
/// (`entry_points={'pytest11': ['pytest_nameko=nameko.testing.pytest']}`).
fn setup_py_entries(text: &str, group: &str) -> Vec<(String, String)> {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Vec::new();
    };
    struct Entries<'g>(&'g str, Vec<(String, String)>);
    impl<'a> Visitor<'a> for Entries<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Dict(dict) = expr {
                for item in &dict.items {
                    let Some(Expr::StringLiteral(key)) = &item.key else {
                        continue;
                    };
                    if key.value.to_str() != self.0 {
                        continue;
                    }
                    let values: &[Expr] = match &item.value {
                        Expr::List(l) => &l.elts,
                        Expr::Tuple(t) => &t.elts,
                        _ => &[],
                    };
                    for value in values {
                        if let Expr::StringLiteral(s) = value {
                            self.1.extend(entry_of(self.0, s.value.to_str()));
                        }
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut entries = Entries(group, Vec::new());
    entries.visit_body(&parsed.syntax().body);
    entries.1
}

/// `[project.scripts]` and `[project.gui-scripts]` of a `pyproject.toml`.
pub fn pyproject_scripts(text: &str) -> Vec<(String, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let project = doc.get("project").and_then(toml::Value::as_table);
    ["scripts", "gui-scripts"]
        .iter()
        .filter_map(|k| {
            project
                .and_then(|p| p.get(*k))
                .and_then(toml::Value::as_table)
        })
        .flat_map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
        })
        .collect()
}

/// `'name = module:function'` strings in a `setup.py` (its `entry_points` argument).
pub fn setup_py_scripts(text: &str) -> Vec<(String, String)> {
    let Ok(parsed) = ruff_python_parser::parse_module(text) else {
        return Vec::new();
    };
    struct Strings(Vec<(String, String)>);
    impl<'a> Visitor<'a> for Strings {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::StringLiteral(s) = expr {
                if let Some(entry) = script_entry("console_scripts", s.value.to_str()) {
                    if !entry.1.contains(' ') || entry.1.contains(':') {
                        self.0.push(entry);
                    }
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut strings = Strings(Vec::new());
    strings.visit_body(&parsed.syntax().body);
    strings.0
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

/// Indexes a module that never mentions eventlet from its text alone: the imports it makes
/// (anywhere, read as lines), whether it has a main block, and the eventlet libraries it
/// uses. Its calls are not read: a `monkey_patch()` reached only through them is not counted
/// as patching, which can only hold more back. A module whose text names `monkey_patch` is
/// parsed and indexed in full instead ([`index`]).
pub fn index_text(
    path: &Path,
    name: &str,
    text: &str,
    project: &BTreeSet<String>,
    catalog: &Catalog,
) -> ModuleInfo {
    let mut info = ModuleInfo {
        path: path.to_path_buf(),
        name: name.to_string(),
        through_eventlet: through_eventlet(path, text),
        ..ModuleInfo::default()
    };
    let package = package_of(path, name);
    for (level, module, members) in import_lines(text) {
        let base = absolute_module(&package, level, module.as_deref());
        note_import(&mut info, &base, project, catalog);
        for member in members {
            note_import(&mut info, &format!("{base}.{member}"), project, catalog);
        }
    }
    info.has_main = ["if __name__ ==", "if '__main__' =="].iter().any(|guard| {
        memchr::memmem::find_iter(text.as_bytes(), guard.as_bytes())
            .any(|at| at == 0 || text.as_bytes()[at - 1] == b'\n')
    });
    info.patch_helpers = text_patch_helpers(text, &catalog.patchers);
    info
}

/// [`patch_helper`] read from lines: a method `def name(self, a, b...)` whose indented body
/// calls a patcher with `(a, b` (object and attribute) or `(a` (a dotted path).
fn text_patch_helpers(
    text: &str,
    patchers: &crate::recipe::model::Patchers,
) -> Vec<(String, bool)> {
    // A patcher as code may call it: its last two dotted parts (`patch.object`, `MockPatch`).
    let tails = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|p| {
                let parts: Vec<&str> = p.rsplit('.').take(2).collect();
                if parts.len() == 2 && parts[0].chars().next().is_some_and(char::is_lowercase) {
                    format!("{}.{}", parts[1], parts[0])
                } else {
                    parts[0].to_string()
                }
            })
            .collect()
    };
    let (by_object, by_name) = (tails(&patchers.by_object), tails(&patchers.by_name));
    let mut out = Vec::new();
    // Most files call no patcher: find the lines that do once, not once per method.
    let mut needles: Vec<String> = by_object
        .iter()
        .chain(&by_name)
        .map(|t| format!("{t}("))
        .collect();
    needles.sort_unstable();
    needles.dedup();
    // Each calling line, under the function that encloses it (by where its `def` starts).
    // A helper forwards its parameters: a call whose first argument is not a bare name
    // (`mock.patch('x.y')`, `patch.object(Cls, 'name')` pass literals) is no helper's, and
    // most files have no other: the walk down the file is skipped.
    let bytes = text.as_bytes();
    let forwards = |after: usize| {
        let rest = &text[after..];
        let end = rest.find([')', '\n']).unwrap_or(rest.len());
        let first = rest[..end].split(',').next().unwrap_or("").trim();
        !first.is_empty()
            && !first.starts_with(|c: char| c.is_ascii_digit())
            && first.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let mut starts: Vec<usize> = needles
        .iter()
        .flat_map(|n| memchr::memmem::find_iter(bytes, n.as_bytes()).map(move |at| (at, n.len())))
        .filter(|&(at, len)| forwards(at + len))
        .map(|(at, _)| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1))
        .collect();
    if starts.is_empty() {
        return out;
    }
    starts.sort_unstable();
    starts.dedup();
    let line_at = |start: usize| {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        &text[start..end]
    };
    // One pass down the file: the functions open at each line, by indentation.
    let mut bodies: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (indent, where the `def` starts)
    let mut calls = starts.iter().peekable();
    let mut at = 0;
    while at < bytes.len() && calls.peek().is_some() {
        let line = line_at(at);
        let code = line.trim_start();
        if !code.is_empty() {
            let indent = line.len() - code.len();
            while open.last().is_some_and(|&(i, _)| i >= indent) {
                open.pop();
            }
            if calls.peek() == Some(&&at) {
                calls.next();
                if let Some(&(_, def)) = open.last() {
                    bodies.entry(def).or_default().push(line);
                }
            }
            if code.starts_with("def ") {
                open.push((indent, at));
            }
        }
        at += line.len() + 1;
    }
    for (def, body) in bodies {
        let Some(rest) = line_at(def).trim_start().strip_prefix("def ") else {
            continue;
        };
        let Some((name, params)) = rest.split_once('(') else {
            continue;
        };
        let params: Vec<&str> = params
            .split([',', ')', ':', '='])
            .map(str::trim)
            .take_while(|p| !p.is_empty() && !p.starts_with('*'))
            .collect();
        if params.first() != Some(&"self") || params.len() < 2 {
            continue;
        }
        let calls = |tails: &[String], args: &str| {
            tails.iter().any(|t| {
                let call = format!("{t}({args}");
                body.iter().any(|l| l.contains(&call))
            })
        };
        let object = params.get(2).map(|b| format!("{}, {b}", params[1]));
        if object
            .as_deref()
            .is_some_and(|args| calls(&by_object, args))
        {
            out.push((name.trim().to_string(), true));
        } else if calls(&by_name, params[1]) {
            out.push((name.trim().to_string(), false));
        }
    }
    out
}

/// `import a, b as c` and `from .x import (y, z)` statements read as lines:
/// `(level, module, members)`. Strings that look like imports count too: the index only
/// grows by them.
fn import_lines(text: &str) -> Vec<(u32, Option<String>, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Only lines with the word `import` can be imports: find them, not every line.
    let mut read_to = 0;
    for at in memchr::memmem::find_iter(bytes, b"import") {
        if at < read_to {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let mut lines = text[start..].split_inclusive('\n');
        let Some(first) = lines.next() else { break };
        read_to = start + first.len();
        read_to += import_line(first, &mut lines, &mut out);
    }
    out
}

/// One `import` or `from` line into `out`; the bytes of the continuation lines it read.
fn import_line<'a>(
    line: &str,
    lines: &mut impl Iterator<Item = &'a str>,
    out: &mut Vec<(u32, Option<String>, Vec<String>)>,
) -> usize {
    let code = |line: &str| line.split('#').next().unwrap_or("").trim_end().to_string();
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("import ") {
        for part in code(rest).split(',') {
            if let Some(module) = part.split_whitespace().next() {
                out.push((
                    0,
                    Some(module.trim_end_matches('\\').to_string()),
                    Vec::new(),
                ));
            }
        }
        return 0;
    }
    let Some(rest) = line.strip_prefix("from ") else {
        return 0;
    };
    let Some((module, names)) = rest.split_once(" import ") else {
        return 0;
    };
    let module = module.trim();
    let level = module.chars().take_while(|c| *c == '.').count() as u32;
    let module = module.trim_start_matches('.');
    let mut names = code(names);
    let mut read = 0;
    // A parenthesised or continued list of names goes on over the next lines.
    let open = names.contains('(') && !names.contains(')');
    if open || names.ends_with('\\') {
        for next in lines.by_ref() {
            read += next.len();
            let next = code(next);
            names.push(' ');
            names.push_str(&next);
            let done = if open {
                next.contains(')')
            } else {
                !next.ends_with('\\')
            };
            if done {
                break;
            }
        }
    }
    let members = names
        .replace(['(', ')', '\\'], " ")
        .split(',')
        .filter_map(|n| n.split_whitespace().next())
        .filter(|n| *n != "*")
        .map(str::to_string)
        .collect();
    out.push((
        level,
        (!module.is_empty()).then(|| module.to_string()),
        members,
    ));
    read
}

/// The absolute module a `from` import names (`from ..x import y` in package `a.b` → `a.x`).
fn absolute_module(package: &str, level: u32, module: Option<&str>) -> String {
    let mut base = package.to_string();
    for _ in 1..level {
        base = base
            .rsplit_once('.')
            .map_or(String::new(), |(p, _)| p.to_string());
    }
    match (level, module) {
        (0, Some(m)) => m.to_string(),
        (_, Some(m)) if base.is_empty() => m.to_string(),
        (_, Some(m)) => format!("{base}.{m}"),
        (_, None) => base,
    }
}

/// Records an import of `module`: a module of the project, or a library that keeps a process
/// on the hub.
fn note_import(info: &mut ModuleInfo, module: &str, project: &BTreeSet<String>, catalog: &Catalog) {
    if project.contains(module) {
        info.imports.insert(module.to_string());
    }
    for (prefix, why) in &catalog.process.eventlet_libraries {
        let rest = module.strip_prefix(prefix.as_str());
        if rest.is_some_and(|r| r.is_empty() || r.starts_with('.')) {
            info.eventlet_libraries.push(format!("`{module}`: {why}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project of `(path, source)` files, indexed as a run indexes them.
    fn project_of(files: &[(&str, &str)]) -> Project {
        let catalog = Catalog::builtin().expect("built-in recipes load");
        let parsed: Vec<_> = files
            .iter()
            .map(|(path, text)| {
                (
                    PathBuf::from(path),
                    ruff_python_parser::parse_module(text).expect("parses"),
                    *text,
                )
            })
            .collect();
        let names: Vec<String> = files
            .iter()
            .map(|(p, _)| p.trim_end_matches(".py").replace('/', "."))
            .collect();
        let all: BTreeSet<String> = names.iter().cloned().collect();
        Project::from_modules(
            parsed
                .iter()
                .zip(&names)
                .map(|((path, module, text), name)| {
                    let semantic = Semantic::build(module.syntax());
                    let source = Source {
                        module: module.syntax(),
                        text,
                    };
                    index(path, name, source, Some(&semantic), &all, &catalog)
                })
                .collect(),
        )
    }

    #[test]
    fn inherited_methods_and_super_calls_are_followed_to_the_base() {
        let project = project_of(&[
            ("base.py", "import eventlet\n\nclass Base:\n    def setUp(self):\n        self.green()\n\n    def green(self):\n        eventlet.monkey_patch(time=True)\n"),
            ("child.py", "import base\n\nclass Child(base.Base):\n    def setUp(self):\n        super().setUp()\n\nclass Plain(base.Base):\n    pass\n"),
        ]);
        let modules: BTreeSet<String> = ["base", "child"].map(String::from).into();
        for root in ["child:Child.setUp", "child:Plain.setUp"] {
            let roots = vec![root.to_string()];
            let reachable = project.reachable(&modules, &roots);
            assert!(
                reachable.contains("base:Base.green"),
                "{root}: {reachable:?}"
            );
        }
    }

    #[test]
    fn forwarded_keywords_are_the_callers() {
        let project = project_of(&[
            (
                "hub.py",
                "import eventlet\n\ndef patch(**kwargs):\n    eventlet.monkey_patch(**kwargs)\n",
            ),
            (
                "cmd.py",
                "import hub\n\ndef main():\n    hub.patch(thread=False)\n",
            ),
        ]);
        let patch = &project.modules["hub"].patches[0];
        assert!(patch.forwarded && patch.flags.is_none());
        let call = &project.modules["cmd"].keyword_calls[0];
        assert_eq!(
            (call.caller.as_str(), call.callee.as_str()),
            ("cmd:main", "hub:patch")
        );
        assert!(!call.flags.contains("thread") && call.flags.contains("time"));
        assert!(project.patching_names().contains("patch"));
    }

    #[test]
    fn imports_are_read_from_lines() {
        let text = "import os, sys as system  # why\nfrom . import a\nfrom ..pkg.mod import (\n    b,  # one\n    c as d,\n)\nfrom x import y, \\\n    z\n    import late\n";
        assert_eq!(
            import_lines(text),
            vec![
                (0, Some("os".to_string()), vec![]),
                (0, Some("sys".to_string()), vec![]),
                (1, None, vec!["a".to_string()]),
                (
                    2,
                    Some("pkg.mod".to_string()),
                    vec!["b".to_string(), "c".to_string()]
                ),
                (
                    0,
                    Some("x".to_string()),
                    vec!["y".to_string(), "z".to_string()]
                ),
                (0, Some("late".to_string()), vec![]),
            ]
        );
        assert_eq!(absolute_module("a.b", 2, Some("x")), "a.x");
        assert_eq!(absolute_module("a.b", 1, None), "a.b");
    }

    #[test]
    fn patch_helpers_are_found_in_text_and_in_code() {
        let catalog = Catalog::builtin().expect("recipes load");
        let text = "class TestCase(object):\n    def patchobject(self, obj, attr, **kwargs):\n        p = mock.patch.object(obj, attr, **kwargs)\n        return p.start()\n\n    def patch(self, path, *args):\n        return self.useFixture(fixtures.MockPatch(path, *args)).mock\n\n    def other(self, a, b):\n        return a + b\n\n    def patch_if(self, target, new=None):\n        if new is None:\n\n            return mock.patch(target)\n\n\nmock.patch('module.level')\n";
        let expected = vec![
            ("patchobject".to_string(), true),
            ("patch".to_string(), false),
            ("patch_if".to_string(), false),
        ];
        assert_eq!(text_patch_helpers(text, &catalog.patchers), expected);
        let parsed = ruff_python_parser::parse_module(text).expect("parses");
        let found: Vec<(String, bool)> = parsed
            .syntax()
            .body
            .iter()
            .filter_map(|s| s.as_class_def_stmt())
            .flat_map(|c| c.body.iter().filter_map(|s| s.as_function_def_stmt()))
            .filter_map(|d| patch_helper(d, &catalog.patchers).map(|b| (d.name.to_string(), b)))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn script_declarations_are_read_from_packaging_files() {
        let cfg = "[metadata]\nname = x\n\n[entry_points]\nconsole_scripts =\n    x-api = x.cmd.api:main\n    x-worker = x.cmd.worker:main\noslo.config.opts =\n    x = x.conf:list_opts\n";
        assert_eq!(
            setup_cfg_scripts(cfg),
            vec![
                ("x-api".to_string(), "x.cmd.api:main".to_string()),
                ("x-worker".to_string(), "x.cmd.worker:main".to_string()),
            ]
        );
        let toml = "[project.scripts]\nx = \"x.cli:run\"\n";
        assert_eq!(
            pyproject_scripts(toml),
            vec![("x".to_string(), "x.cli:run".to_string())]
        );
        let py = "setup(entry_points={'console_scripts': ['x = x.cli:main']})\n";
        assert_eq!(
            setup_py_scripts(py),
            vec![("x".to_string(), "x.cli:main".to_string())]
        );
    }
}
