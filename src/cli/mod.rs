//! The command line: `migrate` and `recipes`.

pub mod exit;
pub mod git;

pub use exit::{EXIT_CHANGES, EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED};

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};

use globset::GlobSet;

use crate::analyse::engine::Engine;
use crate::cli::git::SeriesArgs;
use crate::output::diff::git_diff;
use crate::output::report::{summary, FileResult};
use crate::output::write::replace_file;
use crate::project::discovery::{discover, exclude_set};
use crate::project::processes::Assumption;
use crate::project::run as driver;
use crate::recipe::Action;
use crate::recipe::Catalog;
use crate::recipe::Recipe;
use crate::recipe::Target;
use crate::syntax::prepared::FileError;

#[derive(Debug, Parser)]
#[command(
    name = "eventlet-migrate",
    version,
    about = "Migrate Python code off Eventlet"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rewrite Eventlet code for a target (or print the diff with --dry-run).
    Migrate(Box<MigrateArgs>),
    /// List or describe the recipes.
    #[command(subcommand)]
    Recipes(RecipesCommand),
}

#[derive(Debug, Args)]
struct MigrateArgs {
    /// Files or directories (default: the current directory).
    paths: Vec<PathBuf>,
    /// The target to migrate to: threading (threading, concurrent.futures, queue, time,
    /// socket).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(target_names()))]
    target: String,
    /// Print a unified diff instead of writing files.
    #[arg(long)]
    dry_run: bool,
    /// Run only these recipes (repeat or separate with commas).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these recipes.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Load more recipes from this directory (a recipe with a built-in id replaces it).
    #[arg(long = "recipes")]
    recipe_dirs: Vec<PathBuf>,
    /// Skip paths matching this glob (matched against the path and each file or directory name).
    #[arg(long)]
    exclude: Vec<String>,
    /// Number of parallel jobs, at least 1 (default: one per CPU).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// How code that no entry point among the paths reaches is judged: assumed to run in
    /// processes that stay on the hub with these monkey-patch flags: `all`, `none`, or
    /// flags separated by commas (`socket,time`).
    #[arg(long, default_value = "all", value_name = "all|none|FLAG,...")]
    assume_patched: String,
    /// The oldest Python the code must keep running on (`2.7`, `3.8`): a replacement that
    /// needs a newer one is reported instead. Default: what the packaging files at or above
    /// the paths declare (python_requires, classifiers, a universal wheel, tox environments).
    #[arg(long, value_name = "X.Y")]
    python: Option<crate::recipe::PythonVersion>,
    /// Print no summary; errors are still reported.
    #[arg(long)]
    quiet: bool,
    /// Parse every file, even those that never mention eventlet (to sweep a corpus).
    #[arg(long)]
    all_files: bool,
    /// Apply only rewrites whose safety is `safe`; list the others.
    #[arg(long)]
    safe_only: bool,
    /// Insert a `# TODO(eventlet-migrate): …` comment above each manual item.
    #[arg(long)]
    annotate: bool,
    /// Report format: `text` (summary on stderr) or `json` (one document on stdout, with each
    /// file's edits, manual items, errors and, with --dry-run, its diff).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    report: ReportFormat,
    /// Write the migration as a `git format-patch` series into this directory (nothing in the
    /// tree is modified).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["commit", "dry_run"])]
    patches: Option<PathBuf>,
    /// Create the series as commits on the current branch (`git am`).
    #[arg(long, conflicts_with = "dry_run")]
    commit: bool,
    /// How to split the series.
    #[arg(long, value_enum, default_value_t = crate::output::messages::SplitBy::Category)]
    split_by: crate::output::messages::SplitBy,
    /// Patch author, `Name <email>` (default: git's user.name and user.email).
    #[arg(long)]
    author: Option<String>,
    /// Patch date, RFC 3339 (`2026-01-01T00:00:00Z`; default: now).
    #[arg(long)]
    date: Option<String>,
    /// Text put before every subject (`[eventlet-removal] `).
    #[arg(long, default_value = "")]
    message_prefix: String,
    /// A trailer added to every commit message (`Related-Bug: #2087944`); repeatable.
    #[arg(long = "trailer", value_name = "KEY: VALUE")]
    trailers: Vec<String>,
}

impl MigrateArgs {
    /// The paths given, or the current directory.
    fn paths_or_here(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum RecipesCommand {
    /// List the recipes.
    List {
        #[arg(long)]
        target: Option<String>,
        #[arg(long = "recipes")]
        recipe_dirs: Vec<PathBuf>,
    },
    /// Show one recipe: what it matches, what it writes, and an example.
    Show {
        id: String,
        #[arg(long = "recipes")]
        recipe_dirs: Vec<PathBuf>,
    },
}

/// A file's bytes, or why they could not be read.
type Contents = Result<Vec<u8>, FileError>;
/// What the engine made of a file.
type Outcome = Result<crate::plan::migration::Migration, FileError>;

/// The names `--target` accepts.
fn target_names() -> Vec<&'static str> {
    Target::ALL.iter().map(|t| t.name()).collect()
}

/// Set by SIGINT: files not yet started are skipped; a write in progress completes (it is a
/// rename of a fully written temporary file), so every file is either old or new.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            e.print().ok();
            return code;
        }
    };
    let result = match cli.command {
        Command::Migrate(args) => migrate(*args),
        Command::Recipes(RecipesCommand::List {
            target,
            recipe_dirs,
        }) => list(target, &recipe_dirs),
        Command::Recipes(RecipesCommand::Show { id, recipe_dirs }) => show(&id, &recipe_dirs),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("eventlet-migrate: error: {message}");
            EXIT_ERROR
        }
    }
}

fn load_catalog(dirs: &[PathBuf]) -> Result<Catalog, String> {
    Catalog::load(dirs).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("invalid recipes:\n  {}", lines.join("\n  "))
    })
}

fn parse_target(catalog: &Catalog, name: &str) -> Result<Target, String> {
    let valid: Vec<&str> = catalog.targets().iter().map(|t| t.name()).collect();
    Target::from_name(name)
        .filter(|t| catalog.targets().contains(t))
        .ok_or_else(|| {
            format!(
                "unknown target `{name}`; valid targets: {}",
                valid.join(", ")
            )
        })
}

fn check_ids(catalog: &Catalog, ids: &[String], flag: &str) -> Result<(), String> {
    for id in ids {
        if catalog.get(id).is_none() {
            return Err(format!(
                "unknown recipe `{id}` in {flag}; valid recipes: {}",
                catalog.ids().join(", ")
            ));
        }
    }
    Ok(())
}

/// `path` as shown to the user: relative to the current directory when inside it.
fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let shown = absolute
        .strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

fn migrate(args: MigrateArgs) -> Result<i32, String> {
    // Only writing needs the care (a dry run may just stop); installed first, so a signal
    // never finds the default handler once the command runs.
    if !args.dry_run && args.patches.is_none() && !args.commit {
        ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).ok();
    }
    let (engine, excludes, assumption) = engine_for(&args)?;
    let target = engine.target;
    if args.patches.is_some() || args.commit {
        let series = series_args(&args, assumption);
        return crate::cli::git::run(&engine, &args.paths, &excludes, &series);
    }
    let paths = args.paths_or_here();
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let found = discover(&paths, &excludes);
    // A path that cannot be read is named before anything else is printed.
    for (path, error) in &found.errors {
        eprintln!("eventlet-migrate: {}: {error}", display_path(path, &cwd));
    }
    if let Some(package) = driver::eventlet_itself(&paths, &found.files) {
        return Err(driver::eventlet_itself_message(&package));
    }

    let pool = crate::project::workers::pool(args.jobs.map_or(0, usize::from))?;
    let dry_run = args.dry_run;
    let contents: Vec<Contents> = crate::project::workers::run_all(&pool, &found.files, |path| {
        std::fs::read(path).map_err(|e| FileError::Read(e.to_string()))
    });
    let (outcomes, analysis) =
        driver::migrate_project(&engine, &pool, &found.files, &contents, &paths, &assumption);
    let work: Vec<(&PathBuf, &Contents, Outcome)> = found
        .files
        .iter()
        .zip(&contents)
        .zip(outcomes)
        .map(|((p, c), o)| (p, c, o))
        .collect();
    let mut results: Vec<(FileResult, Option<String>)> =
        crate::project::workers::run_all(&pool, &work, |(path, original, outcome)| {
            finish_file(path, original, outcome, &cwd, dry_run)
        });
    // Deterministic output whatever the number of jobs.
    results.sort_by(|a, b| a.0.display.cmp(&b.0.display));

    let walk_errors: Vec<(String, String)> = found
        .errors
        .iter()
        .map(|(p, e)| (display_path(p, &cwd), e.clone()))
        .collect();
    print_results(&args, &results, &walk_errors, &analysis.staying, target)?;
    let files: Vec<FileResult> = results.into_iter().map(|(r, _)| r).collect();
    let failed = !walk_errors.is_empty() || files.iter().any(FileResult::failed);
    if args.report == ReportFormat::Text && (!args.quiet || failed) {
        let text = summary(&files, &walk_errors, &analysis.staying, dry_run);
        let text = if args.quiet {
            // Only the failures.
            text.split_once("could not process")
                .map(|(_, rest)| format!("could not process{rest}"))
                .unwrap_or_default()
        } else {
            text
        };
        eprint!("{text}");
    }
    if INTERRUPTED.load(Ordering::SeqCst) {
        eprintln!("eventlet-migrate: interrupted; files not yet processed were left as they were");
        return Ok(EXIT_INTERRUPTED);
    }
    Ok(if failed {
        EXIT_ERROR
    } else if files.iter().any(FileResult::changed) {
        EXIT_CHANGES
    } else {
        EXIT_CLEAN
    })
}

/// The engine the arguments ask for (recipes, target, selection, the project's Python
/// floor and import order), the exclusions, and the assumption for code no entry point
/// reaches.
fn engine_for(args: &MigrateArgs) -> Result<(Engine, GlobSet, Assumption), String> {
    let catalog = load_catalog(&args.recipe_dirs)?;
    let target = parse_target(&catalog, &args.target)?;
    check_ids(&catalog, &args.select, "--select")?;
    check_ids(&catalog, &args.ignore, "--ignore")?;
    let excludes = exclude_set(&args.exclude)?;
    let assumption = Assumption::parse(&args.assume_patched, &catalog.process)?;
    let mut engine = Engine::new(catalog, target);
    engine.select = (!args.select.is_empty()).then_some(args.select.clone());
    engine.ignore = args.ignore.clone();
    engine.safe_only = args.safe_only;
    engine.annotate = args.annotate;
    engine.all_files = args.all_files;
    engine.python = match args.python {
        Some(version) => Some(crate::analyse::python::Floor {
            version,
            source: "--python".to_string(),
        }),
        None => crate::project::python::declared(&args.paths_or_here()),
    };
    engine.import_order = crate::project::index::declared_import_order(&args.paths_or_here());
    engine.requirements = crate::project::python::declared_requirements(&args.paths_or_here());

    Ok((engine, excludes, assumption))
}

/// What `--patches` and `--commit` need of the arguments.
fn series_args(args: &MigrateArgs, assumption: Assumption) -> SeriesArgs {
    SeriesArgs {
        patches: args.patches.clone(),
        commit: args.commit,
        split: args.split_by,
        author: args.author.clone(),
        date: args.date.clone(),
        prefix: args.message_prefix.clone(),
        trailers: args.trailers.clone(),
        quiet: args.quiet,
        jobs: args.jobs.map_or(0, usize::from),
        assumption,
    }
}

/// One file's migration finished: its diff (`--dry-run`) or its new text written, unless
/// the run was interrupted.
fn finish_file(
    path: &Path,
    original: &Contents,
    outcome: &Outcome,
    cwd: &Path,
    dry_run: bool,
) -> (FileResult, Option<String>) {
    let display = display_path(path, cwd);
    if INTERRUPTED.load(Ordering::SeqCst) {
        let outcome = Err(FileError::Read("not processed: interrupted".to_string()));
        return (
            FileResult {
                display,
                outcome,
                write_error: None,
            },
            None,
        );
    }
    let original: &[u8] = original.as_ref().map(Vec::as_slice).unwrap_or_default();
    let mut result = FileResult {
        display,
        outcome: outcome.clone(),
        write_error: None,
    };
    let mut diff = None;
    if let Ok(Some(new)) = result.outcome.as_ref().map(|m| m.output.as_ref()) {
        if dry_run {
            diff = Some(git_diff(
                &result.display,
                &String::from_utf8_lossy(original),
                &String::from_utf8_lossy(new),
            ));
        } else if let Err(e) = replace_file(path, original, new) {
            result.write_error = Some(e.to_string());
        }
    }
    (result, diff)
}

/// The diffs (or the JSON report) on stdout.
fn print_results(
    args: &MigrateArgs,
    results: &[(FileResult, Option<String>)],
    walk_errors: &[(String, String)],
    staying: &[crate::project::blockers::Staying],
    target: Target,
) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.report == ReportFormat::Json {
        let json = crate::output::report::json(results, walk_errors, staying, target, args.dry_run);
        writeln!(out, "{json}").map_err(|e| format!("cannot write to stdout: {e}"))?;
    } else {
        for (_, diff) in results {
            if let Some(diff) = diff {
                out.write_all(diff.as_bytes())
                    .map_err(|e| format!("cannot write to stdout: {e}"))?;
            }
        }
    }
    out.flush().ok();
    Ok(())
}

fn list(target: Option<String>, dirs: &[PathBuf]) -> Result<i32, String> {
    let catalog = load_catalog(dirs)?;
    let target = target.map(|t| parse_target(&catalog, &t)).transpose()?;
    let rows: Vec<[String; 4]> = catalog
        .recipes
        .iter()
        .filter(|r| target.is_none_or(|t| r.targets.contains_key(&t)))
        .map(|r| {
            let targets: Vec<&str> = r.targets.keys().map(|t| t.name()).collect();
            [
                r.id.clone(),
                r.category.name().to_string(),
                targets.join(","),
                r.summary.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(["RECIPE", "CATEGORY", "TARGETS", "SUMMARY"], &rows)
    );
    Ok(EXIT_CLEAN)
}

/// Left-aligned columns as wide as their widest cell, two spaces apart.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

fn show(id: &str, dirs: &[PathBuf]) -> Result<i32, String> {
    let catalog = load_catalog(dirs)?;
    let recipe = catalog.get(id).ok_or_else(|| {
        format!(
            "unknown recipe `{id}`; valid recipes: {}",
            catalog.ids().join(", ")
        )
    })?;
    let mut out = describe(recipe);
    let example = catalog
        .example(id)
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .or_else(|| {
            // Recipes from --recipes DIR may ship `DIR/fixtures/<id>/*.py`.
            dirs.iter()
                .find_map(|dir| first_fixture(&dir.join("fixtures").join(id)))
        });
    if let Some((name, bytes)) = example {
        for target in recipe.targets.keys() {
            let mut engine = Engine::new(catalog.clone(), *target);
            engine.select = Some(vec![id.to_string()]);
            if let Ok(migration) = engine.migrate(&bytes) {
                if let Some(new) = migration.output {
                    out.push_str(&format!("\nExample ({target}, from fixture {name}):\n"));
                    out.push_str(&git_diff(
                        &name,
                        &String::from_utf8_lossy(&bytes),
                        &String::from_utf8_lossy(&new),
                    ));
                }
            }
        }
    }
    print!("{out}");
    Ok(EXIT_CLEAN)
}

fn first_fixture(dir: &Path) -> Option<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    let path = files
        .iter()
        .find(|p| p.ends_with("example.py"))
        .or(files.first())?;
    Some((
        path.file_name()?.to_string_lossy().to_string(),
        std::fs::read(path).ok()?,
    ))
}

fn describe(recipe: &Recipe) -> String {
    let mut out = format!("{}: {}\n", recipe.id, recipe.summary);
    out.push_str(&format!("category: {}\n", recipe.category.name()));
    if let Some(description) = &recipe.description {
        out.push('\n');
        out.push_str(description.trim_end());
        out.push_str("\n\n");
    }
    out.push_str("matches:\n");
    for name in &recipe.matches {
        out.push_str(&format!("  {name}\n"));
    }
    for (target, rules) in &recipe.targets {
        out.push_str(&format!("target {target}:\n"));
        for rule in rules {
            let on = format!("{:?}", rule.on).to_lowercase();
            let mut conditions = Vec::new();
            if let Some(n) = rule.when.args {
                conditions.push(format!("{n} arguments"));
            }
            if !rule.when.uses_none.is_empty() {
                conditions.push(format!("object never: {}", rule.when.uses_none.join(", ")));
            }
            if let Some(name) = &rule.when.name {
                conditions.push(name.clone());
            }
            if let Some(r) = rule.when.result {
                conditions.push(format!("result {}", format!("{r:?}").to_lowercase()));
            }
            let when = if conditions.is_empty() {
                String::new()
            } else {
                format!(" ({})", conditions.join(", "))
            };
            let what = match &rule.action {
                Action::Replace(t) => format!("→ {}", t.source),
                Action::ReplaceCallee(t) => {
                    format!("callee → {} (arguments kept as written)", t.source)
                }
                Action::ReplaceArg(t) => {
                    format!(
                        "argument → {} (the rest of the call kept as written)",
                        t.source
                    )
                }
                Action::RemoveStatement => "remove the statement".to_string(),
                Action::ModuleMap(map) => {
                    let pairs: Vec<String> =
                        map.iter().map(|(k, v)| format!("{k} → {v}")).collect();
                    format!("rebind imports:\n      {}", pairs.join("\n      "))
                }
                Action::Manual(m) => format!("manual: {m}"),
                Action::Leave(why) => format!("left as it is: {why}"),
            };
            let imports: Vec<String> = rule.imports.iter().map(|i| i.render()).collect();
            let mut imports = if imports.is_empty() {
                String::new()
            } else {
                format!(" [needs {}]", imports.join("; "))
            };
            if let Some(version) = rule.requires_python {
                imports.push_str(&format!(" [Python {version}+]"));
            }
            out.push_str(&format!(
                "  on {on}{when}: {what} — {}{imports}\n",
                rule.safety
            ));
            if let (Some(note), false) = (&rule.note, matches!(rule.action, Action::Manual(_))) {
                out.push_str(&format!("      note: {note}\n"));
            }
            for method in &rule.methods {
                let what = match &method.action {
                    crate::recipe::MethodAction::Rename(new) => format!("→ .{new}()"),
                    crate::recipe::MethodAction::Replace(t) => format!("→ {}", t.source),
                    crate::recipe::MethodAction::Manual(m) => format!("manual: {m}"),
                };
                let last = if method.last_use {
                    " (only as the last use of a local)"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "      .{}(){last} {what} — {}\n",
                    method.name, method.safety
                ));
            }
        }
    }
    out
}
