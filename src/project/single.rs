//! A file migrated alone: it is the whole project.

use std::collections::BTreeMap;

use crate::analyse::engine::Engine;
use crate::plan::context::ProcessContext;
use crate::plan::migration::{AppliedSites, Migration};
use crate::syntax::prepared::{FileError, Prepared};

impl Engine {
    /// Migrates a file that is its own process: it stays on the hub when anything in it is
    /// left on eventlet, patched by its own `monkey_patch()` calls.
    pub fn migrate(&self, bytes: &[u8]) -> Result<Migration, FileError> {
        self.migrate_planned(bytes, None, None)
    }

    /// Migrates `bytes` applying only rewrites in `plan` (what a run with every selected
    /// recipe applied to the same bytes: [`Migration::applied_sites`](crate::plan::migration::Migration::applied_sites)). A patch series takes its
    /// intermediate states from here, so it can only apply a subset of what write mode does.
    pub fn migrate_within(
        &self,
        bytes: &[u8],
        plan: &AppliedSites,
        context: Option<&ProcessContext>,
    ) -> Result<Migration, FileError> {
        self.migrate_planned(bytes, Some(plan), context)
    }

    fn migrate_planned(
        &self,
        bytes: &[u8],
        plan: Option<&AppliedSites>,
        context: Option<&ProcessContext>,
    ) -> Result<Migration, FileError> {
        if let Some(context) = context {
            return self.run(bytes, plan, context);
        }
        // A module alone, as the command line judges a file no entry point reaches: it runs
        // in processes that stay on the hub with everything patched.
        if !crate::project::index::is_script(bytes) {
            let context = ProcessContext::staying(
                "no entry point reaches this module: assumed to run on the hub with `--assume-patched all`".to_string(),
                self.catalog.process.default_flags.iter().cloned().collect(),
                crate::plan::context::Patching::Assumed("all".to_string()),
            );
            return self.run(bytes, plan, &context);
        }
        // A script is its own process: native unless something in it stays on eventlet.
        let native = self.run(bytes, plan, &ProcessContext::native())?;
        match &native.stays {
            None => Ok(native),
            Some(why) => {
                let context = ProcessContext::staying(
                    format!("this module keeps eventlet code at {why}"),
                    native.patches.clone().unwrap_or_default(),
                    crate::plan::context::Patching::ThisFile,
                );
                self.run(bytes, plan, &context)
            }
        }
    }

    /// Judged alone, a file is the whole project: objects its functions pass to each
    /// other or return are followed as a run over a project follows them, and linked fixes
    /// not applied are cut until that settles.
    fn run(
        &self,
        bytes: &[u8],
        plan: Option<&AppliedSites>,
        context: &ProcessContext,
    ) -> Result<Migration, FileError> {
        let Some(prepared) = Prepared::new(bytes, self.all_files)? else {
            return Ok(Migration::default());
        };
        let (files, names) = ([std::path::PathBuf::from("this module")], [String::new()]);
        let contents: [Result<Vec<u8>, FileError>; 1] = [Ok(bytes.to_vec())];
        let prepared: [std::sync::OnceLock<Result<Prepared, FileError>>; 1] =
            [std::sync::OnceLock::from(Ok(prepared))];
        let answers = std::sync::OnceLock::new();
        let others = [crate::project::crossing::Others {
            contents: &contents,
            except: 0,
            asked: std::sync::Mutex::default(),
            answers: &answers,
        }];
        let p = match prepared[0].get() {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(e.clone()),
            None => return Ok(Migration::default()),
        };
        let mut analysed = [Ok(self.analyse(p, &others[0]))];
        let workspace = crate::project::crossing::Workspace {
            files: &files,
            names: &names,
            contents: &contents,
            prepared: &prepared,
            others: &others,
            answers: &answers,
        };
        let crossings = crate::project::crossing::follow(
            self,
            None,
            &workspace,
            &mut analysed,
            // One file: no other module imports it.
            &|_, _| false,
        );
        let analysed = match &analysed[0] {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(Migration::default()),
            Err(e) => return Err(e.clone()),
        };
        let mut cut = BTreeMap::new();
        loop {
            let mut context = context.clone();
            if let Some(links) = crossings.links_of(0, &cut) {
                context.links = links;
            }
            let mut migration = self.decide(p, analysed, plan, &context, &crossings.injected[0]);
            let known = cut.len();
            for (link, why) in &migration.cut {
                cut.entry(link.clone()).or_insert_with(|| why.clone());
            }
            // Each round cuts at least one more link, or it is the last.
            if cut.len() == known {
                crate::emit::emit(p, &mut migration)?;
                return Ok(migration);
            }
        }
    }
}
