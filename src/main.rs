// The run allocates and frees millions of small syntax nodes across threads: mimalloc does
// that markedly faster than the system allocator (as in ruff).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(eventlet_migrate::cli::main());
}
