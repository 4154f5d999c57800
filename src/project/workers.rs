//! The worker pool every parallel step runs on: threads with large stacks (deeply nested
//! expressions recurse deeply), one task per file, and a guard that turns a panic into
//! that file's error.

use std::path::Path;

use rayon::prelude::*;

use crate::syntax::prepared::FileError;

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
    // One task per item: files differ in cost by orders of magnitude, and a worker must be
    // able to take any file another has not started.
    pool.install(|| items.par_iter().with_max_len(1).map(migrate).collect())
}

/// [`run_all`] on `pool`, or in order on this thread when there is none (a file
/// migrated alone runs on its caller's thread).
pub fn run_each<T: Sync, R: Send>(
    pool: Option<&rayon::ThreadPool>,
    items: &[T],
    migrate: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    match pool {
        Some(pool) => run_all(pool, items, migrate),
        None => items.iter().map(migrate).collect(),
    }
}

/// A panic is a bug, but it must not take the other files down with it: it is reported as
/// this file's internal error and the file is left untouched.
pub fn guarded<T>(run: impl FnOnce() -> Result<T, FileError>) -> Result<T, FileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(FileError::Internal(format!("panic: {message}")))
    })
}

/// A path as reports show it (without a leading `./`).
pub(crate) fn shown(path: &Path) -> std::path::Display<'_> {
    path.strip_prefix(".").unwrap_or(path).display()
}
