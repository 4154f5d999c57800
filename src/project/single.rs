//! A file migrated alone: it is the whole project.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::analyse::engine::Engine;
use crate::plan::context::ProcessContext;
use crate::plan::migration::{AppliedSites, Migration};
use crate::project::crossing::{self, Others, Workspace};
use crate::project::rounds;
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

    /// Judged alone, a file is the whole project: a run over a project of one file, its
    /// context chosen by the caller.
    fn run(
        &self,
        bytes: &[u8],
        plan: Option<&AppliedSites>,
        context: &ProcessContext,
    ) -> Result<Migration, FileError> {
        let Some(prepared) = Prepared::new(bytes, self.needles())? else {
            return Ok(Migration::default());
        };
        let (files, names) = ([PathBuf::from("this module")], [String::new()]);
        let contents: [Result<Vec<u8>, FileError>; 1] = [Ok(bytes.to_vec())];
        let prepared: [OnceLock<Result<Prepared, FileError>>; 1] = [OnceLock::from(Ok(prepared))];
        let answers = OnceLock::new();
        let others = [Others {
            contents: &contents,
            except: 0,
            asked: Mutex::default(),
            answers: &answers,
        }];
        let workspace = Workspace {
            files: &files,
            names: &names,
            contents: &contents,
            prepared: &prepared,
            others: &others,
            answers: &answers,
        };
        let mut analysed = [match &prepared[0].get() {
            Some(Ok(p)) => Ok(self.analyse(p, &others[0])),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(None),
        }];
        // One file: no other module imports it.
        let crossings = crossing::follow(self, None, &workspace, &mut analysed, &|_, _| false);
        let inputs = rounds::Inputs {
            engine: self,
            pool: None,
            workspace: &workspace,
            indices: &[0],
            analysed: &analysed,
            crossings: &crossings,
            judged: rounds::Judged::Alone(context),
            within: plan,
        };
        let settled = rounds::settle(&inputs, BTreeMap::new(), std::time::Instant::now());
        match <[_; 1]>::try_from(settled.results) {
            Ok([result]) => result,
            Err(results) => Err(FileError::Internal(format!(
                "a run over one file settled on {} results",
                results.len()
            ))),
        }
    }
}
