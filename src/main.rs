//! The `eventlet-migrate` binary: the command line of the library.

// The run allocates and frees millions of small syntax nodes across threads: mimalloc does
// that markedly faster than the system allocator (as in ruff).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's C API (the static library `mimalloc` links in).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e`.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() {
    // A run is short and its memory is reused phase after phase: freed pages stay with the
    // process instead of going back to the kernel, which would zero them again when they are
    // touched anew (that zeroing was a third of the CPU time on large trees).
    // SAFETY: sets a plain integer option; mimalloc reads options atomically.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    std::process::exit(eventlet_migrate::cli::main());
}
