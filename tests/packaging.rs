//! What `cargo install` gives a user: a small binary. The release profile must not keep debug
//! info (it made the installed binary 47 MB).

use std::path::Path;

#[test]
fn release_profile_strips_debug_info() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml is readable");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let release = manifest
        .get("profile")
        .and_then(|p| p.get("release"))
        .and_then(toml::Value::as_table)
        .expect("a [profile.release] table");
    let debug = release.get("debug");
    assert!(
        debug.is_none_or(
            |d| matches!(d, toml::Value::Integer(0) | toml::Value::Boolean(false))
                || d.as_str() == Some("none")
        ),
        "the release profile keeps debug info: {debug:?}"
    );
    let strip = release.get("strip").and_then(toml::Value::as_str);
    assert!(
        matches!(strip, Some("debuginfo" | "symbols")),
        "the release profile does not strip: {strip:?}"
    );
}

#[test]
fn the_semantics_reference_and_the_guide_ship_with_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    // The semantics reference lives in the repository (the suite-check script's constraints
    // file is the one thing taken from beside it).
    assert!(
        !readme.contains("MAPPING.md"),
        "the README points at a reference outside the repository"
    );
    assert!(
        readme.contains("docs/semantics.md"),
        "the README does not link the reference"
    );
    assert!(
        readme.contains("https://removal.eventlet.org/"),
        "the README does not name the migration guide"
    );
    let reference =
        std::fs::read_to_string(root.join("docs/semantics.md")).expect("docs/semantics.md");
    for section in ["Processes, monkey patching and dual mode", "Guide chapters"] {
        assert!(
            reference.contains(section),
            "docs/semantics.md lacks `{section}`"
        );
    }
}
