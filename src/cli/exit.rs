//! Exit statuses: the same for every subcommand.

/// Nothing to change (or everything written).
pub const EXIT_CLEAN: i32 = 0;
/// Changes found (`--dry-run`, `--patches`) or manual items left.
pub const EXIT_CHANGES: i32 = 1;
/// A file could not be processed, or bad input.
pub const EXIT_ERROR: i32 = 2;
/// Interrupted (SIGINT): 128 + 2, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;
