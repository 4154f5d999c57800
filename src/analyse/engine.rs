//! The settings of a run: which recipes, for which target, under which project facts.

use crate::analyse::sites::Index;
use crate::recipe::Action;
use crate::recipe::Catalog;
use crate::recipe::Target;
use crate::syntax::semantic::ImportBinding;

/// Which recipes run, for which target.
#[derive(Debug, Clone)]
pub struct Engine {
    pub catalog: Catalog,
    pub target: Target,
    /// Recipe ids to run; all when `None`.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Apply only `safe` rewrites.
    pub safe_only: bool,
    /// Insert a `# TODO(eventlet-migrate): …` comment above each manual item.
    pub annotate: bool,
    /// Parse every file, even those that never mention eventlet (corpus sweeps).
    pub all_files: bool,
    /// The oldest Python the project supports, where it declares one (or `--python` says).
    pub python: Option<crate::analyse::python::Floor>,
    /// The import order the project's isort configuration asks for, if it has one.
    pub import_order: Option<crate::syntax::imports::ImportOrder>,
    /// What the project's `requirements.txt` asks for.
    pub requirements: Vec<crate::analyse::python::DeclaredRequirement>,
}

impl Engine {
    pub fn new(catalog: Catalog, target: Target) -> Engine {
        Engine {
            catalog,
            target,
            select: None,
            ignore: Vec::new(),
            safe_only: false,
            annotate: false,
            all_files: false,
            python: None,
            import_order: None,
            requirements: Vec::new(),
        }
    }

    /// The words a file must contain to be prepared; `None` with `all_files`.
    pub(crate) fn needles(&self) -> Option<&crate::syntax::prepared::Needles> {
        (!self.all_files).then_some(&self.catalog.needles)
    }

    pub(crate) fn python_support(&self) -> Option<crate::analyse::python::PythonSupport<'_>> {
        self.python
            .as_ref()
            .map(|floor| crate::analyse::python::PythonSupport {
                floor,
                since: &self.catalog.python_since,
            })
    }

    pub(crate) fn enabled(&self, id: &str) -> bool {
        self.select
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == id))
            && !self.ignore.iter().any(|x| x == id)
    }

    /// What an Eventlet import binding will denote once module rules have run.
    pub(crate) fn migrated_name(&self, recipes: &Index, import: &ImportBinding) -> String {
        match recipes
            .module_of(self.target, &import.qualified)
            .filter(|(recipe, _)| self.enabled(&self.catalog.recipes[*recipe].id))
        {
            Some((recipe, module)) => self.catalog.recipes[recipe]
                .rules(self.target)
                .iter()
                .find_map(|rule| match &rule.action {
                    Action::ModuleMap(map) => map.get(&module).map(|m| {
                        format!(
                            "{m}{}",
                            &self.catalog.canonical(&import.qualified)[module.len()..]
                        )
                    }),
                    _ => None,
                })
                .unwrap_or_else(|| import.qualified.clone()),
            None => self.catalog.canonical(&import.qualified),
        }
    }
}
