//! Recipe loading and validation: the built-in `transforms/` plus `--recipes DIR`.
//!
//! Recipes are data; this module turns files into a validated [`Catalog`] the matcher can
//! index by canonical name. Every error names the file, line and column.

mod compile;
use compile::*;

pub mod model;
pub mod template;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use model::{
    ArgText, Category, MethodRule, NamesFile, PythonVersion, RecipeFile, ResultUse, Rule, SiteKind,
    Target, When,
};
pub use template::{Filter, Hole, HoleValue, Segment, Template};

use crate::fix::{Definition, Safety};
use crate::syntax::imports::ImportSpec;
use crate::syntax::prepared::Needles;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A recipe file that could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct RecipeError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a compiled rule does.
#[derive(Debug, Clone)]
pub enum Action {
    Replace(Template),
    ReplaceCallee(Template),
    /// The value of the argument the rule's `when.arg` selects.
    ReplaceArg(Template),
    RemoveStatement,
    ModuleMap(BTreeMap<String, String>),
    Manual(String),
    /// Nothing to do here, for this reason.
    Leave(String),
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub on: SiteKind,
    pub when: When,
    pub action: Action,
    pub imports: Vec<ImportSpec>,
    pub safety: Safety,
    pub note: Option<String>,
    /// Added after the assignment storing the call's result.
    pub append: Option<Template>,
    /// Module-level definitions the replacement needs.
    pub defines: Vec<Definition>,
    /// Methods of the created object; non-empty means the object is followed.
    pub methods: Vec<CompiledMethod>,
    /// Passing the object to other code is allowed (as a review item).
    pub allow_escape: bool,
    /// The calls the object may be handed to, rewritten with it ([`model::TargetRules::handed_to`]).
    pub handed_to: Vec<model::ArgCall>,
    /// Rewritten together with the object its `arg-made-by` argument names.
    pub with_argument: Option<model::WithArgument>,
    /// The function the call runs, told to stop where it sleeps ([`model::Stops`]).
    pub stops: Option<CompiledStops>,
    /// Only when nothing else in the file is left for a human.
    pub last: bool,
    /// Right in a process that stays on the hub (given the flags its imports need).
    pub dual_mode: bool,
    /// The oldest Python the replacement's own text runs on.
    pub requires_python: Option<PythonVersion>,
}

/// [`model::Stops`] with its templates parsed.
#[derive(Debug, Clone)]
pub struct CompiledStops {
    pub function: usize,
    pub parameter: String,
    pub sleep: String,
    pub wait: Template,
    pub yield_: Template,
    pub blocking: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum MethodAction {
    Rename(String),
    Replace(Template),
    Manual(String),
}

#[derive(Debug, Clone)]
pub struct CompiledMethod {
    pub name: String,
    pub when: When,
    pub action: MethodAction,
    pub last_use: bool,
    pub safety: Safety,
    pub note: Option<String>,
    /// The methods of the object this method returns, when its result is used
    /// (`gt = pool.spawn(f)`; `gt.wait()`): they are followed like a constructor's.
    pub result: Vec<CompiledMethod>,
    /// How the new call takes a timeout of its own (`with eventlet.Timeout(t):` around it).
    pub bounded: Option<Bounding>,
    /// The callback it is given, adapted to the new object.
    pub callback: Option<model::Callback>,
}

/// A method call bounded by a timeout of its own.
#[derive(Debug, Clone)]
pub struct Bounding {
    /// The keyword argument that takes the timeout.
    pub keyword: String,
    /// How many arguments the call has as written.
    pub args: usize,
    pub expiry: Expiry,
}

/// What a bounded call does when its time is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// Raises this exception (`queue.Empty`), named with its rule's imports.
    Raises(String),
    /// Returns a false value.
    ReturnsFalse,
}

#[derive(Debug, Clone)]
pub struct Recipe {
    pub id: String,
    pub summary: String,
    pub category: Category,
    pub description: Option<String>,
    pub matches: Vec<String>,
    pub targets: BTreeMap<Target, Vec<CompiledRule>>,
    pub guide: BTreeMap<Target, String>,
    /// Where it came from, for messages (`transforms/recipes/sleep.toml`).
    pub origin: String,
    /// The TOML text, for `recipes show`.
    pub source: String,
}

impl Recipe {
    pub fn rules(&self, target: Target) -> &[CompiledRule] {
        self.targets.get(&target).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// All loaded recipes plus Eventlet's re-export table.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub recipes: Vec<Recipe>,
    reexports: BTreeMap<String, String>,
    pub patchers: model::Patchers,
    pub process: model::ProcessData,
    /// Calls that call the function they are given (`spawn(f, *args)`): its argument index.
    pub calls_function: BTreeMap<String, usize>,
    /// Calls that iterate an argument to its end (`sum(pile)`): its index.
    pub iterates_argument: BTreeMap<String, usize>,
    /// How eventlet backends selected by name are reported.
    pub backends: model::BackendAdvice,
    /// The Python version a standard-library module or name first appeared in.
    pub python_since: BTreeMap<String, PythonVersion>,
    /// What a file must contain for a recipe to find anything in it.
    pub needles: Needles,
}

/// `eventlet`, and the last component of each matched name that does not contain it: a
/// module can use `futurist.GreenThreadPoolExecutor` without ever writing `eventlet`. A
/// wildcard (`greenlet.*`) names a library used without eventlet too, whose recipe reports
/// it next to eventlet only: it adds none.
fn needles(recipes: &[Recipe]) -> Result<Needles, String> {
    let named = recipes.iter().flat_map(|r| &r.matches).filter_map(|name| {
        let last = name.rsplit('.').next().unwrap_or(name);
        (!name.contains("eventlet") && last != "*").then(|| last.to_string())
    });
    Needles::new(std::iter::once("eventlet".to_string()).chain(named))
}

/// Each backend switch frees eventlet libraries, and its import and statement parse.
fn check_switches(path: &str, process: &model::ProcessData) -> Vec<RecipeError> {
    let error = |message: String| RecipeError {
        path: path.to_string(),
        line: 1,
        column: 1,
        message,
    };
    let mut errors = Vec::new();
    for (name, switch) in &process.backend_switch {
        for module in &switch.modules {
            if !process.eventlet_libraries.contains_key(module) {
                errors.push(error(format!(
                    "[process.backend-switch.\"{name}\"]: `{module}` is not in [process.eventlet-libraries]"
                )));
            }
        }
        if let Err(e) = crate::syntax::imports::ImportSpec::parse(&switch.import) {
            errors.push(error(format!(
                "[process.backend-switch.\"{name}\"] import: {e}"
            )));
        }
        if ruff_python_parser::parse_expression(&switch.select).is_err() {
            errors.push(error(format!(
                "[process.backend-switch.\"{name}\"] select: `{}` is not an expression",
                switch.select
            )));
        }
    }
    errors
}

impl Catalog {
    /// The recipes built into the binary.
    pub fn builtin() -> Result<Catalog, Vec<RecipeError>> {
        let files = embedded::RECIPES
            .iter()
            .map(|(p, s)| (p.to_string(), s.to_string()));
        Catalog::from_sources(embedded::NAMES, files.collect())
    }

    /// Built-in recipes plus every `*.toml` in `dirs` (a recipe with a built-in id replaces it).
    pub fn load(dirs: &[PathBuf]) -> Result<Catalog, Vec<RecipeError>> {
        let mut files: Vec<(String, String)> = embedded::RECIPES
            .iter()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .collect();
        let mut errors = Vec::new();
        for dir in dirs {
            match read_recipe_dir(dir) {
                Ok(extra) => files.extend(extra),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Catalog::from_sources(embedded::NAMES, files)
    }

    /// Builds a catalog from `(path, text)` pairs; later files override earlier ids.
    pub fn from_sources(
        names: (&str, &str),
        files: Vec<(String, String)>,
    ) -> Result<Catalog, Vec<RecipeError>> {
        let mut errors = Vec::new();
        let names_file = match toml::from_str::<NamesFile>(names.1) {
            Ok(n) => n,
            Err(e) => {
                errors.push(toml_error(names.0, names.1, &e));
                NamesFile::default()
            }
        };
        let NamesFile {
            reexports,
            patchers,
            process,
            calls_function,
            iterates_argument,
            backends,
            python_since,
        } = names_file;
        errors.extend(check_switches(names.0, &process));
        let mut recipes: Vec<Recipe> = Vec::new();
        for (path, text) in files {
            match compile(&path, &text) {
                Ok(recipe) => {
                    recipes.retain(|r| r.id != recipe.id);
                    recipes.push(recipe);
                }
                Err(e) => errors.push(e),
            }
        }
        // One name, one recipe per target: otherwise which rewrite applies would depend on order.
        let mut owner: HashMap<(Target, &str), &str> = HashMap::new();
        for recipe in &recipes {
            for target in recipe.targets.keys() {
                for name in &recipe.matches {
                    if let Some(other) = owner.insert((*target, name), &recipe.id) {
                        errors.push(RecipeError {
                            path: recipe.origin.clone(),
                            line: 1,
                            column: 1,
                            message: format!(
                                "`{name}` is already matched by recipe `{other}` for target {target}"
                            ),
                        });
                    }
                }
            }
        }
        let needles = needles(&recipes).map_err(|message| {
            errors.push(RecipeError {
                path: names.0.to_string(),
                line: 1,
                column: 1,
                message,
            })
        });
        if let (true, Ok(needles)) = (errors.is_empty(), needles) {
            recipes.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(Catalog {
                needles,
                recipes,
                reexports,
                patchers,
                process,
                calls_function,
                iterates_argument,
                backends,
                python_since,
            })
        } else {
            Err(errors)
        }
    }

    /// Maps a qualified name through Eventlet's re-exports (`eventlet.sleep` →
    /// `eventlet.greenthread.sleep`), longest matching prefix first.
    pub fn canonical(&self, qualified: &str) -> String {
        let mut end = qualified.len();
        loop {
            let prefix = &qualified[..end];
            if let Some(canonical) = self.reexports.get(prefix) {
                return format!("{canonical}{}", &qualified[end..]);
            }
            match prefix.rfind('.') {
                Some(dot) => end = dot,
                None => return qualified.to_string(),
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Recipe> {
        self.recipes.iter().find(|r| r.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.recipes.iter().map(|r| r.id.as_str()).collect()
    }

    /// Targets at least one recipe defines.
    pub fn targets(&self) -> Vec<Target> {
        let set: std::collections::BTreeSet<Target> = self
            .recipes
            .iter()
            .flat_map(|r| r.targets.keys().copied())
            .collect();
        set.into_iter().collect()
    }

    /// The example fixture of a built-in recipe: `(file name, contents)`.
    pub fn example(&self, id: &str) -> Option<(&'static str, &'static [u8])> {
        embedded::EXAMPLES
            .iter()
            .find(|(rid, _, _)| *rid == id)
            .map(|(_, name, bytes)| (*name, *bytes))
    }
}

fn read_recipe_dir(dir: &Path) -> Result<Vec<(String, String)>, RecipeError> {
    let fail = |message: String| RecipeError {
        path: dir.display().to_string(),
        line: 0,
        column: 0,
        message,
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| fail(format!("cannot read recipe directory: {e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|text| (p.display().to_string(), text))
                .map_err(|e| fail(format!("cannot read {}: {e}", p.display())))
        })
        .collect()
}

fn toml_error(path: &str, text: &str, error: &toml::de::Error) -> RecipeError {
    let (line, column) = error
        .span()
        .map(|span| line_column(text, span.start))
        .unwrap_or((1, 1));
    RecipeError {
        path: path.to_string(),
        line,
        column,
        message: error.message().to_string(),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Finds the line of a key in the text, for errors found after deserialisation.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |at| line_column(text, at))
}
