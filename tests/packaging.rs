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
