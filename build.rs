//! Embeds `transforms/` (and each recipe's example fixture) in the binary, so an installed
//! `eventlet-migrate` works from any directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let transforms = root.join("transforms");
    let fixtures = root.join("tests").join("fixtures");
    println!("cargo:rerun-if-changed={}", transforms.display());
    println!(
        "cargo:rerun-if-changed={}",
        transforms.join("recipes").display()
    );
    println!("cargo:rerun-if-changed={}", fixtures.display());

    let mut code = String::new();
    code.push_str("/// `(path relative to the crate, contents)` of every built-in recipe.\n");
    code.push_str("pub static RECIPES: &[(&str, &str)] = &[\n");
    for path in sorted_entries(&transforms.join("recipes")) {
        if path.extension().is_some_and(|e| e == "toml") {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path.strip_prefix(&root).unwrap_or(&path);
            writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                rel.display().to_string(),
                path.display().to_string()
            )
            .ok();
        }
    }
    code.push_str("];\n");
    let names = transforms.join("names.toml");
    println!("cargo:rerun-if-changed={}", names.display());
    writeln!(
        code,
        "pub static NAMES: (&str, &str) = (\"transforms/names.toml\", include_str!({:?}));",
        names.display().to_string()
    )
    .ok();

    // The example of each recipe: `example.py` in its fixture directory, else the first one.
    code.push_str("/// `(recipe id, fixture file name, contents)`: one example per recipe.\n");
    code.push_str("pub static EXAMPLES: &[(&str, &str, &[u8])] = &[\n");
    for dir in sorted_entries(&fixtures) {
        if !dir.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let files: Vec<PathBuf> = sorted_entries(&dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .collect();
        let example = files
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == "example.py"))
            .or(files.first());
        if let (Some(example), Some(id)) = (example, dir.file_name()) {
            println!("cargo:rerun-if-changed={}", example.display());
            writeln!(
                code,
                "    ({:?}, {:?}, include_bytes!({:?})),",
                id.to_string_lossy(),
                example
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                example.display().to_string()
            )
            .ok();
        }
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
