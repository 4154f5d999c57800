//! The entry points that start processes: `__main__` guards, console scripts and plugins
//! the packaging declares, and the test runners that import a test package.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

/// Where a process starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    /// What starts it, for messages (`console script nova-compute`, `python -m pkg`).
    pub name: String,
    /// Modules imported first.
    pub modules: Vec<String>,
    /// Functions run.
    pub functions: Vec<FunctionId>,
    /// The modules it imports by name before anything else (a console script's, `python
    /// -m`'s, a test runner's test files and `conftest.py`): the `__init__` of each of
    /// their packages runs first, outermost first. Empty when it runs a file by path.
    pub first: Vec<String>,
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
            first: vec![module.clone()],
        });
    }
    let scripts: BTreeSet<String> = entries
        .iter()
        .flat_map(|e| e.modules.iter().cloned())
        .collect();
    for (name, info) in &project.modules {
        if info.path.file_stem().is_some_and(|s| s == "__main__") {
            let (how, first) = match name.strip_suffix(".__main__") {
                Some(package) => (format!("`python -m {package}`"), vec![name.clone()]),
                None => (format!("`python {}`", info.path.display()), Vec::new()),
            };
            entries.push(EntryPoint {
                name: how,
                modules: vec![name.clone()],
                functions: vec![format!("{name}:__main__")],
                first,
            });
        } else if info.has_main && !in_test_package(name) && !scripts.contains(name) {
            // (A test module's `unittest.main()` block is not how its tests run: the test
            // runner's process below is. The main block of a module a console script starts
            // runs the same program, as deployed through the script: not a process apart.)
            entries.push(EntryPoint {
                name: format!("`python {}`", info.path.display()),
                modules: vec![name.clone()],
                functions: vec![format!("{name}:__main__")],
                first: Vec::new(),
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
pub(super) fn test_runners(project: &Project, paths: &[PathBuf]) -> Vec<EntryPoint> {
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::path::absolute(p).ok())
        .collect();
    let absolute = |info: &ModuleInfo| std::path::absolute(&info.path).ok();
    // Outermost test packages first: their directory is the runner's.
    let mut runners: BTreeMap<PathBuf, (String, Vec<String>)> = BTreeMap::new();
    let mut package_dirs: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for (name, info) in &project.modules {
        // A package: a module `test.py` (`manila/test.py`, a base class) is not a tree.
        let package = info.path.file_name().is_some_and(|f| f == "__init__.py");
        if !package || !is_test_package(name) || parents(name).any(is_test_package) {
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
    let runners = split_by_test_paths(project, runners, &configured_test_paths(paths), &roots);
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
            // A runner imports its test files by name, in an order of its own (the helpers
            // they import come after them), and the `conftest.py` modules before them.
            let first = modules
                .iter()
                .filter(|m| imported_by_runner(m, &project.modules[*m]))
                .cloned()
                .collect();
            EntryPoint {
                name: format!("the test runner of {name}"),
                modules,
                functions,
                first,
            }
        })
        .collect()
}

/// The runners whose directory holds test paths the project runs apart (`.stestr.conf`,
/// `tox.ini`: `cinder/tests/unit`, `cinder/tests/functional`): one per outermost such path,
/// with the modules under it; the modules left run in the directory's runner only if test
/// files are among them.
fn split_by_test_paths(
    project: &Project,
    runners: BTreeMap<PathBuf, (String, Vec<String>)>,
    test_paths: &[PathBuf],
    roots: &[PathBuf],
) -> BTreeMap<PathBuf, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    for (dir, (name, modules)) in runners {
        let inside: Vec<&PathBuf> = test_paths
            .iter()
            .filter(|p| p.starts_with(&dir) && **p != dir)
            .collect();
        let outermost: Vec<&PathBuf> = inside
            .iter()
            .filter(|p| !inside.iter().any(|q| q != *p && p.starts_with(q)))
            .copied()
            .collect();
        if outermost.is_empty() {
            out.insert(dir, (name, modules));
            continue;
        }
        let mut rest = Vec::new();
        let mut split: BTreeMap<&PathBuf, Vec<String>> = BTreeMap::new();
        for module in modules {
            let path = std::path::absolute(&project.modules[&module].path).ok();
            match path.and_then(|p| outermost.iter().find(|t| p.starts_with(t))) {
                Some(test_path) => split.entry(*test_path).or_default().push(module),
                None => rest.push(module),
            }
        }
        for (test_path, modules) in split {
            let root = roots.iter().filter(|r| test_path.starts_with(r)).max();
            let shown = root.map_or(test_path.as_path(), |r| {
                test_path.strip_prefix(r).unwrap_or(test_path)
            });
            out.insert(
                test_path.clone(),
                (format!("`{}/`", shown.display()), modules),
            );
        }
        if rest.iter().any(|m| is_test_file(&project.modules[m])) {
            out.insert(dir, (name, rest));
        }
    }
    out
}

/// A file unittest's or pytest's discovery collects (`test*.py`, `*_test.py`), or a
/// `conftest.py`.
fn is_test_file(info: &ModuleInfo) -> bool {
    info.path
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|stem| {
            stem.starts_with("test") || stem.ends_with("_test") || stem == "conftest"
        })
}

/// Whether a test runner imports a module itself: a test file (`test*.py`, `*_test.py`, as
/// unittest's and pytest's discovery collect them), a `conftest.py`, or a plugin (not under
/// the tests). A helper (`base.py`) is imported by the test files, after their packages.
fn imported_by_runner(module: &str, info: &ModuleInfo) -> bool {
    // A name that cannot be read counts as imported first: it constrains more, never less.
    let Some(stem) = info.path.file_stem().and_then(|s| s.to_str()) else {
        return true;
    };
    stem.starts_with("test")
        || stem.ends_with("_test")
        || stem == "conftest"
        || !(is_test_package(module) || in_test_package(module))
}

pub(super) fn is_test_package(module: &str) -> bool {
    let last = module.rsplit('.').next().unwrap_or(module);
    last == "tests" || last == "test"
}

pub(super) fn in_test_package(module: &str) -> bool {
    parents(module).any(is_test_package)
}
