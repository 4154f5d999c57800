//! The single-file fixtures and the engine each runs through, shared by `tests/fixtures.rs`
//! (snapshots) and `tests/style.rs` (flake8 on the output).

use std::path::PathBuf;

use eventlet_migrate::analyse::engine::Engine;
use eventlet_migrate::recipe::Catalog;
use eventlet_migrate::recipe::Target;

pub use super::root;

/// `(recipe id, path)` of every `tests/fixtures/<recipe-id>/*.py`, then of every
/// `tests/use-cases/*.py` under [`USE_CASES`], sorted.
pub fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let dir = root().join("tests").join("fixtures");
    let mut recipes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        // Whole projects have their own harness (tests/projects.rs).
        .filter(|p| !p.ends_with("projects"))
        .collect();
    recipes.sort();
    for recipe_dir in recipes {
        let id = recipe_dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&recipe_dir)
            .expect("fixture directory is readable")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (id.clone(), f)));
    }
    // The guide's use cases run through every recipe.
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join("use-cases"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.retain(|p| p.extension().is_some_and(|e| e == "py"));
    cases.sort();
    out.extend(cases.into_iter().map(|f| (USE_CASES.to_string(), f)));
    out
}

/// The pseudo recipe id of `tests/use-cases/`: every recipe runs.
pub const USE_CASES: &str = "use-cases";

/// The threading engine a fixture filed under `recipe` runs through: that recipe alone, or
/// every recipe for [`USE_CASES`].
pub fn engine(recipe: &str) -> Engine {
    let catalog = Catalog::builtin().expect("built-in recipes load");
    let mut engine = Engine::new(catalog, Target::Threading);
    if recipe != USE_CASES {
        engine.select = Some(vec![recipe.to_string()]);
    }
    engine
}
