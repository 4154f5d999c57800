//! The recipe file format: typed serde models with unknown keys rejected.
//!
//! A recipe names the Eventlet objects it matches (canonical qualified names) and, per
//! migration target, an ordered list of rules. The first rule whose `on` kind and `when`
//! conditions fit a site, and whose template can be rendered for it, is applied.

use std::collections::BTreeMap;
use std::fmt;

use crate::fix::Safety;
use serde::Deserialize;

/// One recipe file (`transforms/recipes/<id>.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecipeFile {
    pub id: String,
    pub summary: String,
    pub category: Category,
    /// Longer explanation, shown by `recipes show`.
    #[serde(default)]
    pub description: Option<String>,
    /// Canonical qualified names this recipe handles (`eventlet.greenthread.sleep`).
    pub matches: Vec<String>,
    /// Per-target rules, keyed by target name.
    pub target: BTreeMap<Target, TargetRules>,
}

/// Rules of one recipe for one target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetRules {
    /// Default safety for the rules below (each rule may override it).
    #[serde(default)]
    pub safety: Option<Safety>,
    /// Imports every rule of this target needs (each rule may add its own).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Why a `review` rewrite needs a human eye; shown in reports.
    #[serde(default)]
    pub note: Option<String>,
    /// The guide chapter to read for manual items.
    #[serde(default)]
    pub guide: Option<String>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    /// Methods shared by every `replace` rule on calls that lists none of its own.
    #[serde(default, rename = "method")]
    pub methods: Vec<MethodRule>,
    /// Module-level definitions several rules use: a rule whose `replace` names one (a
    /// class it constructs) defines it as if it listed it in its own `defines`.
    #[serde(default)]
    pub defines: Vec<String>,
    /// The calls the object may be handed to (as the argument `index` of `name`) whose own
    /// recipe rewrites them with it (`with-argument`): the object and each of them are
    /// rewritten together or not at all (`GreenPile(pool)` and the pool).
    #[serde(default)]
    pub handed_to: Vec<ArgCall>,
}

/// One rewrite rule. Exactly one action (`replace`, `replace-callee`, `remove-statement`,
/// `module-map`, `manual`) must be given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    pub on: SiteKind,
    #[serde(default)]
    pub when: When,
    /// Template for the whole matched expression (the call, or the reference).
    #[serde(default)]
    pub replace: Option<String>,
    /// Template for the callee only; the argument list is kept byte for byte.
    #[serde(default)]
    pub replace_callee: Option<String>,
    /// Delete the statement the call stands in (`pass` where a block would become empty).
    #[serde(default)]
    pub remove_statement: bool,
    /// Template for the value of the argument `when.arg` selects (`'threading'` for
    /// `executor='eventlet'`); the rest of the call stays as written.
    #[serde(default)]
    pub replace_arg: Option<String>,
    /// For `on = "module"`: every matched module and the stdlib module replacing it.
    #[serde(default)]
    pub module_map: BTreeMap<String, String>,
    /// No faithful rewrite: report the site with this guidance.
    #[serde(default)]
    pub manual: Option<String>,
    /// Nothing to migrate at this site (it fits none of the other rules for a reason worth
    /// writing down): no edit and no report.
    #[serde(default)]
    pub leave: Option<String>,
    #[serde(default)]
    pub imports: Vec<String>,
    #[serde(default)]
    pub safety: Option<Safety>,
    #[serde(default)]
    pub note: Option<String>,
    /// A statement added after the assignment that stores the call's result
    /// (`{target}.start()`).
    #[serde(default)]
    pub append_statement: Option<String>,
    /// Module-level classes or functions the replacement names (a server class): each is
    /// written once, above the first top-level statement that uses it.
    #[serde(default)]
    pub defines: Vec<String>,
    /// Methods of the created object. When given, every use of the object must be one of
    /// them (or a `with` block or a truth test), else the rule does not apply.
    #[serde(default, rename = "method")]
    pub methods: Vec<MethodRule>,
    /// The rule's own `method` table is tried first, then the target's shared one: a rule
    /// that changes a few methods of the object the others make.
    #[serde(default)]
    pub shared_methods: bool,
    /// The object may be passed to other code (its API is the same under the new name):
    /// allowed, as a review item.
    #[serde(default)]
    pub allow_escape: bool,
    /// The replacement uses the object its `arg-made-by` argument names as that object's
    /// own recipe rewrites it (whose `handed-to` lists this call): the two are rewritten
    /// together or not at all.
    #[serde(default)]
    pub with_argument: Option<WithArgument>,
    /// The function the call runs, told to stop where it waits instead of being killed:
    /// the object's `kill()` sets an event the function is given, on which its sleeps wait.
    #[serde(default)]
    pub stops: Option<Stops>,
    /// Apply only when nothing else in the file is left for a human (monkey patching goes
    /// last: code still running on eventlet needs it).
    #[serde(default)]
    pub last: bool,
    /// `false`: the replacement is right only in a process that leaves the hub completely
    /// (`tpool.execute(f)` → `f()` would block a hub that stays, whatever is patched).
    /// Otherwise it is right in a process that stays on the hub where the flags of the
    /// modules it imports are monkey-patched (`[process.patched-by]` in names.toml).
    #[serde(default = "yes")]
    pub dual_mode: bool,
    /// The oldest Python the replacement runs on, where its text alone says so
    /// (`daemon=True` in `Thread(...)` is 3.3); what it imports or calls is looked up in
    /// `[python-since]` of names.toml.
    #[serde(default)]
    pub requires_python: Option<PythonVersion>,
}

/// A Python version as `major.minor` (`"3.8"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct PythonVersion {
    pub major: u16,
    pub minor: u16,
}

impl std::str::FromStr for PythonVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<PythonVersion, String> {
        let bad = || format!("`{text}` is not a Python version `X.Y`");
        let (major, minor) = text.trim().split_once('.').ok_or_else(bad)?;
        Ok(PythonVersion {
            major: major.parse().map_err(|_| bad())?,
            minor: minor.parse().map_err(|_| bad())?,
        })
    }
}

impl TryFrom<String> for PythonVersion {
    type Error = String;

    fn try_from(text: String) -> Result<PythonVersion, String> {
        text.parse()
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Where in the code a matched name appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// The callee of a call: `eventlet.sleep(1)`.
    Call,
    /// Any other use of the name as a value: `cb = eventlet.sleep`.
    Reference,
    /// A module: its imports are rebound and attribute chains through it rewritten.
    Module,
}

/// Conditions on a site; all given conditions must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct When {
    /// Exact number of arguments (positional and keyword).
    #[serde(default)]
    pub args: Option<usize>,
    #[serde(default)]
    pub min_args: Option<usize>,
    #[serde(default)]
    pub max_args: Option<usize>,
    /// Whether the call's value is used or discarded (an expression statement).
    #[serde(default)]
    pub result: Option<ResultUse>,
    /// Keyword arguments that must be present.
    #[serde(default)]
    pub has_keywords: Vec<String>,
    /// `false`: the call must not use `*args` / `**kwargs`.
    #[serde(default)]
    pub starred: Option<bool>,
    /// Exact number of positional arguments.
    #[serde(default)]
    pub positional: Option<usize>,
    /// The canonical name matched (for recipes that match several).
    #[serde(default)]
    pub name: Option<String>,
    /// An argument written exactly as one of these texts.
    #[serde(default)]
    pub arg: Option<ArgText>,
    /// A positional argument that is itself a call of this (canonical) name.
    #[serde(default)]
    pub arg_call: Option<ArgCall>,
    /// A positional argument that is a name bound (once, in its scope) to a call of this
    /// (canonical) name: `GreenPile(pool)` after `pool = GreenPool(n)`.
    #[serde(default)]
    pub arg_made_by: Option<ArgCall>,
    /// The object the call creates: at least one of these facts holds (see `objects`).
    #[serde(default)]
    pub uses_any: Vec<String>,
    /// The object the call creates: none of these facts holds.
    #[serde(default)]
    pub uses_none: Vec<String>,
    /// Every keyword argument given must be one of these (no `**kwargs`).
    #[serde(default)]
    pub allowed_keywords: Option<Vec<String>>,
}

/// `{ index = 0, keyword = "maxsize", text = ["0"] }`: the argument at that position or with
/// that keyword is written as one of `text`. Literals are compared in one canonical spelling:
/// numbers as Python prints them, `None`/`True`/`False`, and strings single-quoted (`'eventlet'`
/// also matches `"eventlet"`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArgText {
    #[serde(default)]
    pub index: Option<usize>,
    #[serde(default)]
    pub keyword: Option<String>,
    #[serde(default)]
    pub text: Vec<String>,
    /// Or: an integer literal greater than zero.
    #[serde(default)]
    pub positive_int: bool,
    /// Or: an integer literal of zero or less (a size the target rejects).
    #[serde(default)]
    pub non_positive_int: bool,
    /// Or: a function that never reads its first parameter (a `lambda`, or an undecorated
    /// `def` of this module bound once): it may be called with another object there.
    #[serde(default)]
    pub ignores_first_parameter: bool,
}

/// How a rule's object is rewritten with the object its argument names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WithArgument {
    /// The argument's methods that may end it (a pool's last `waitall()` shuts its executor
    /// down): the object must not be used after them.
    #[serde(default)]
    pub until: Vec<String>,
}

/// How the function a green thread runs is told to stop (`stops`): `{ function = 0,
/// parameter = "stopped", sleep = "eventlet.greenthread.sleep", wait = "stopped.wait({arg0})",
/// yield = "stopped.is_set()" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Stops {
    /// The argument that is the function (a def of the module, or a method of the class
    /// making the call).
    pub function: usize,
    /// The keyword parameter the function is given the event by.
    pub parameter: String,
    /// The canonical name of the sleep the function may wait in (and nothing else).
    pub sleep: String,
    /// What each sleep with an argument tests, returning when it is true, over the sleep's
    /// own arguments.
    pub wait: String,
    /// The same for a sleep without one (a yield).
    #[serde(rename = "yield")]
    pub yield_: String,
    /// Methods that wait (`join`; `get()`: only called without a positional argument), which
    /// kill() interrupted and a stop event does not: a function calling one is not stopped.
    #[serde(default)]
    pub blocking: Vec<String>,
}

/// `{ index = 0, name = "eventlet.convenience.listen" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArgCall {
    pub index: usize,
    pub name: String,
}

/// How a method call is bounded by a timeout of its own, and what it does when the time is
/// up: raises `raises` (named with the rule's imports), or returns a false value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Bounded {
    /// The keyword argument that bounds the call (`timeout`).
    pub keyword: String,
    /// How many arguments the call has as written (`put(item)`: 1).
    pub args: usize,
    #[serde(default)]
    pub raises: Option<String>,
    #[serde(default)]
    pub returns_false: bool,
}

/// A method called on the object a constructor rule creates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MethodRule {
    pub name: String,
    #[serde(default)]
    pub when: When,
    /// The new method (or attribute) name; the call's arguments are kept as written.
    #[serde(default)]
    pub rename: Option<String>,
    /// Template for the whole method call (`{receiver}` is the object).
    #[serde(default)]
    pub replace: Option<String>,
    /// No equivalent: the object cannot be migrated automatically.
    #[serde(default)]
    pub manual: Option<String>,
    /// Only when this call is the object's last use, outside any loop.
    #[serde(default)]
    pub last_use: bool,
    #[serde(default)]
    pub safety: Option<Safety>,
    #[serde(default)]
    pub note: Option<String>,
    /// The methods of the object this method returns, when its result is used.
    #[serde(default)]
    pub result: Vec<MethodRule>,
    /// How the new call takes a timeout of its own: `with eventlet.Timeout(t):` around it
    /// alone becomes that argument.
    #[serde(default)]
    pub bounded: Option<Bounded>,
    /// The function this call is given (a callback) receives the object as its first
    /// parameter: it is adapted to the new object ([`Callback`]).
    #[serde(default)]
    pub callback: Option<Callback>,
}

/// A callback given the object (`gt.link(report)`: `report(gt)`), adapted to the new one:
/// a lambda, or an undecorated `def` of the module named nowhere else, whose first
/// parameter is used only by calling these methods without arguments, each renamed
/// (`gt.wait()` → `future.result()`). `{ argument = 0, methods = { wait = "result" } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Callback {
    /// The argument that is the callback.
    pub argument: usize,
    /// Each method the callback may call on its first parameter, and its new name.
    pub methods: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultUse {
    Used,
    Discarded,
}

/// Migration targets. A target is offered on the command line once recipes define it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Threading,
}

impl Target {
    pub const ALL: &'static [Target] = &[Target::Threading];

    pub fn name(self) -> &'static str {
        match self {
            Target::Threading => "threading",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == name)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The guide's use cases, in the order the guide recommends migrating them
/// (green threads and pools first, monkey patching last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    GreenThreads,
    BackgroundTask,
    DeferredTask,
    WorkerPool,
    Synchronisation,
    Timing,
    Network,
    WsgiServer,
    Websocket,
    LibraryIntegration,
    Testing,
    Debugging,
    Other,
    MonkeyPatching,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::GreenThreads => "green-threads",
            Category::BackgroundTask => "background-task",
            Category::DeferredTask => "deferred-task",
            Category::WorkerPool => "worker-pool",
            Category::Synchronisation => "synchronisation",
            Category::Timing => "timing",
            Category::Network => "network",
            Category::WsgiServer => "wsgi-server",
            Category::Websocket => "websocket",
            Category::LibraryIntegration => "library-integration",
            Category::Testing => "testing",
            Category::Debugging => "debugging",
            Category::Other => "other",
            Category::MonkeyPatching => "monkey-patching",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names file (`transforms/names.toml`): Eventlet's re-exports, test doubles, calls that
/// call a function, and what decides how a process runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamesFile {
    /// `alias = canonical`: the same object reachable under two names.
    pub reexports: BTreeMap<String, String>,
    /// Test doubles that name what they replace.
    #[serde(default)]
    pub patchers: Patchers,
    /// Processes and monkey patching.
    pub process: ProcessData,
    /// Calls that call the function they are given at this argument index.
    #[serde(default)]
    pub calls_function: BTreeMap<String, usize>,
    /// Calls that iterate the argument at this index to its end (`sum(x)`).
    #[serde(default)]
    pub iterates_argument: BTreeMap<String, usize>,
    /// How an eventlet backend selected by name is reported.
    #[serde(default)]
    pub backends: BackendAdvice,
    /// The Python version a standard-library module or name first appeared in.
    #[serde(default)]
    pub python_since: BTreeMap<String, PythonVersion>,
}

/// What the report says of code that exists to run on eventlet (a backend chosen by name).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BackendAdvice {
    /// The id its manual items carry.
    pub id: String,
    pub advice: String,
    pub guide: String,
}

/// What decides how a process runs: the monkey-patching call and its flags, which flag makes
/// each standard-library module green, and libraries that keep a process on the hub.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProcessData {
    pub monkey_patch: String,
    pub default_flags: Vec<String>,
    #[serde(default)]
    pub explicit_flags: Vec<String>,
    pub patched_by: BTreeMap<String, String>,
    #[serde(default)]
    pub eventlet_libraries: BTreeMap<String, String>,
    /// Per library module, the names of it that do not run on eventlet (`Loader`,
    /// `register_opts` of `oslo_service.wsgi`): a module that uses only these does not keep
    /// its process on the hub.
    #[serde(default)]
    pub neutral_names: BTreeMap<String, Vec<String>>,
    /// Libraries whose threading backend a process selects at its start, by the
    /// distribution that ships them (`oslo.service`).
    #[serde(default)]
    pub backend_switch: BTreeMap<String, BackendSwitch>,
}

/// Whether `module` is `package` or one of its modules (`a.b.c` within `a.b`, not `a.bc`).
pub fn module_within(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// How a process selects a library's threading backend (`[process.backend-switch]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BackendSwitch {
    /// Its modules that pick the backend when imported (each an eventlet library).
    pub modules: Vec<String>,
    /// Other libraries that import one of those when imported (`oslo_messaging`): they pick
    /// the backend too, so the selection must come first, but they keep nothing on the hub.
    #[serde(default)]
    pub imported_by: Vec<String>,
    /// The import the statement needs.
    pub import: String,
    /// The statement that selects the threading backend.
    pub select: String,
    /// The requirement that has it (`oslo.service[threading]>=4.2.0`).
    pub requirement: String,
}

impl BackendSwitch {
    /// The last names of the function its `select` statement calls and of the argument it
    /// gives (`init_backend`, `THREADING`).
    fn selection(&self) -> (&str, &str) {
        let (called, rest) = self.select.split_once('(').unwrap_or((&self.select, ""));
        let called = called.rsplit('.').next().unwrap_or(called);
        let chosen = rest.trim_end_matches(')');
        (called, chosen.rsplit('.').next().unwrap_or(chosen))
    }
}

impl ProcessData {
    /// The switch whose backend importing `module` picks through one of the libraries that
    /// import its modules (`imported-by`), if any.
    pub fn picked_through(&self, module: &str) -> Option<&str> {
        self.backend_switch
            .iter()
            .find(|(_, s)| s.imported_by.iter().any(|m| module_within(module, m)))
            .map(|(name, _)| name.as_str())
    }

    /// The switch a call selects the threading backend of, as its `select` statement does
    /// (`backend.init_backend(backend.BackendType.THREADING)`: a call of `init_backend`
    /// whose first argument names `THREADING`), if any: the project made the switch itself.
    pub fn selected_by(&self, call: &ruff_python_ast::ExprCall) -> Option<&str> {
        let callee = crate::syntax::names::last_name(&call.func)?;
        let argument = crate::syntax::names::last_name(call.arguments.args.first()?)?;
        self.backend_switch
            .iter()
            .find(|(_, s)| s.selection() == (callee, argument))
            .map(|(name, _)| name.as_str())
    }

    /// The functions whose calls select a threading backend (`init_backend`): a module
    /// that names one has its calls read.
    pub fn selecting_functions(&self) -> impl Iterator<Item = &str> {
        self.backend_switch.values().map(|s| s.selection().0)
    }

    /// The switch that frees `library` (a key of `eventlet_libraries`), if any.
    pub fn switch_of(&self, library: &str) -> Option<&str> {
        self.backend_switch
            .iter()
            .find(|(_, s)| s.modules.iter().any(|m| m == library))
            .map(|(name, _)| name.as_str())
    }

    /// The flag a replacement importing `module` needs where the process stays on the hub.
    pub fn flag_for(&self, module: &str) -> Option<&str> {
        let mut end = module.len();
        loop {
            if let Some(flag) = self.patched_by.get(&module[..end]) {
                return Some(flag);
            }
            end = module[..end].rfind('.')?;
        }
    }
}

/// Callables that patch an object named by their arguments (`mock.patch('eventlet.sleep')`,
/// `mock.patch.object(eventlet, 'sleep')`): migrated tests must patch what the code calls now.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Patchers {
    /// First argument: the dotted path, as a string.
    #[serde(default)]
    pub by_name: Vec<String>,
    /// First argument: the object; second: the attribute name, as a string.
    #[serde(default)]
    pub by_object: Vec<String>,
    /// Methods of the project's own test classes that forward to a `by-name` patcher
    /// (`self.patch('eventlet.sleep')`): found by the project index, not written in data.
    #[serde(default)]
    pub by_name_method: Vec<String>,
    /// Methods that forward to a `by-object` patcher (`self.patchobject(eventlet, 'sleep')`).
    #[serde(default)]
    pub by_object_method: Vec<String>,
}

impl Patchers {
    /// Whether the dotted callee text (`mock.patch.object`, `MockPatchObject`) names one of
    /// `list` as it may be imported (`unittest.mock.patch.object` ends with `.mock.patch.object`).
    pub fn names(list: &[String], dotted: &str) -> bool {
        list.iter().any(|p| {
            p == dotted
                || p.strip_suffix(dotted)
                    .is_some_and(|head| head.ends_with('.'))
        })
    }
}

fn yes() -> bool {
    true
}
