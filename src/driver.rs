//! The one driver every mode goes through: the files are found, checked as a whole (a tree
//! that is Eventlet itself is refused), and each is migrated on worker threads with large
//! stacks and a panic guard. `migrate` (diff or write), `--patches` and `--commit` differ only
//! in what they do with the results, so they cannot disagree about what a file becomes.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::pipeline::{Engine, FileError, Migration};

/// Deeply nested expressions recurse deeply in the parser and the visitors.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// Worker threads for migrating files (`jobs = 0`: one per CPU).
pub fn pool(jobs: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
}

/// Migrates every item on `pool`, in order: `migrate` gets each item and returns its result.
pub fn run_all<T: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    items: &[T],
    migrate: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    pool.install(|| items.par_iter().map(migrate).collect())
}

/// A panic is a bug, but it must not take the other files down with it: it is reported as
/// this file's internal error and the file is left untouched.
pub fn guarded(run: impl FnOnce() -> Result<Migration, FileError>) -> Result<Migration, FileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(FileError::Internal(format!("panic: {message}")))
    })
}

/// One file through the engine, guarded.
pub fn migrate_file(engine: &Engine, bytes: &[u8]) -> Result<Migration, FileError> {
    guarded(|| engine.migrate(bytes))
}

/// Eventlet's own source among the paths: the tool would rewrite the library against
/// itself. Returns the package directory found.
pub fn eventlet_itself(paths: &[PathBuf], files: &[PathBuf]) -> Option<PathBuf> {
    let is_eventlet_package =
        |dir: &Path| dir.join("__init__.py").is_file() && dir.join("greenthread.py").is_file();
    // A package named `eventlet` among the files found…
    let in_files = files.iter().find_map(|file| {
        file.ancestors()
            .skip(1)
            .find(|dir| {
                dir.file_name().is_some_and(|n| n == "eventlet") && is_eventlet_package(dir)
            })
            .map(Path::to_path_buf)
    });
    // …or beside a given path or one of its parents (its `tests/` given alone).
    in_files.or_else(|| {
        paths.iter().find_map(|path| {
            let absolute = std::path::absolute(path).ok()?;
            absolute
                .ancestors()
                .map(|dir| dir.join("eventlet"))
                .find(|dir| is_eventlet_package(dir))
        })
    })
}

/// The refusal printed for [`eventlet_itself`].
pub fn eventlet_itself_message(package: &Path) -> String {
    format!(
        "{} is Eventlet's own package: eventlet-migrate migrates code that uses Eventlet, not Eventlet itself; nothing was changed",
        package.display()
    )
}
