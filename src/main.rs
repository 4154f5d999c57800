fn main() {
    std::process::exit(eventlet_migrate::cli::main());
}
