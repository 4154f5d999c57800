//! Why the processes that stay on eventlet stay: the few sites a human must fix, and what
//! fixing them would let the tool do. Processes that share a module whose rewrites are held
//! back are kept by each other's sites too (the module waits for all of them), so they are
//! told together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::plan::migration::Migration;
use crate::project::processes::Process;
use crate::project::workers::shown;
use crate::syntax::prepared::FileError;

/// A site that keeps a process on eventlet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Blocker {
    /// `path:line:col`, or the path of a file that could not be migrated.
    pub at: String,
    /// What is there: the code left for a human with its recipe, the library imported, or
    /// why the file was not migrated.
    pub what: String,
}

/// Processes that stay on eventlet, and what keeps them there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Staying {
    /// The processes (`python ./svc.py`, console script `svc-api`), in the order found.
    pub processes: Vec<String>,
    /// What keeps them there, in path order.
    pub sites: Vec<Blocker>,
    /// The rewrites held back in their modules: what fixing the sites would let apply.
    pub held_back: usize,
    /// Their `monkey_patch()` calls, kept while they stay.
    pub patching: Vec<String>,
}

/// The processes that stay, in groups that share a module whose rewrites are held back (each
/// group kept by all of its sites), largest number of held-back rewrites first.
pub fn staying(
    processes: &[Process],
    names: &[String],
    files: &[PathBuf],
    results: &[Result<Migration, FileError>],
) -> Vec<Staying> {
    let file_of: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let kept = |module: &String| {
        file_of
            .get(module.as_str())
            .is_some_and(|&i| results[i].as_ref().map_or(true, |m| m.stays.is_some()))
    };
    let held = |module: &String| {
        file_of
            .get(module.as_str())
            .is_some_and(|&i| results[i].as_ref().is_ok_and(|m| m.held_back > 0))
    };
    let stays: Vec<usize> = (0..processes.len())
        .filter(|&p| !processes[p].libraries.is_empty() || processes[p].modules.iter().any(kept))
        .collect();
    let mut groups: Vec<Staying> = Vec::new();
    for members in joined(processes, &stays, &held) {
        let group = told(processes, &members, &file_of, files, results);
        // Kept by the same sites (a library several of them import): told once.
        match groups.iter_mut().find(|g| g.sites == group.sites) {
            Some(same) => {
                same.processes.extend(group.processes);
                same.held_back += group.held_back;
                same.patching.extend(group.patching);
                same.patching.sort();
                same.patching.dedup();
            }
            None => groups.push(group),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.held_back));
    groups
}

/// The staying processes (indices) in groups joined by the modules they share whose rewrites
/// are `held` back.
fn joined(
    processes: &[Process],
    stays: &[usize],
    held: &dyn Fn(&String) -> bool,
) -> Vec<Vec<usize>> {
    // Union-find over the processes, by the first process seen to run each held module.
    let mut parent: Vec<usize> = (0..processes.len()).collect();
    fn root(parent: &mut [usize], mut p: usize) -> usize {
        while parent[p] != p {
            parent[p] = parent[parent[p]];
            p = parent[p];
        }
        p
    }
    let mut first_runner: BTreeMap<&String, usize> = BTreeMap::new();
    for &p in stays {
        for module in processes[p].modules.iter().filter(|m| held(m)) {
            let other = *first_runner.entry(module).or_insert(p);
            let (a, b) = (root(&mut parent, p), root(&mut parent, other));
            parent[a] = b;
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &p in stays {
        let r = root(&mut parent, p);
        groups.entry(r).or_default().push(p);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_by_key(|members| members[0]);
    groups
}

/// One group told: its sites, what they hold back and the patching kept.
fn told(
    processes: &[Process],
    members: &[usize],
    file_of: &BTreeMap<&str, usize>,
    files: &[PathBuf],
    results: &[Result<Migration, FileError>],
) -> Staying {
    let modules: BTreeSet<&String> = members
        .iter()
        .flat_map(|&p| &processes[p].modules)
        .collect();
    let mut sites = BTreeSet::new();
    let mut held_back = 0;
    for &i in modules.iter().filter_map(|m| file_of.get(m.as_str())) {
        let at = shown(&files[i]).to_string();
        match &results[i] {
            Ok(m) => {
                held_back += m.held_back;
                sites.extend(m.keeps.iter().map(|k| Blocker {
                    at: format!("{at}:{}:{}", k.line, k.column),
                    what: format!("[{}] `{}`", k.recipe, k.code),
                }));
            }
            Err(error) => {
                sites.insert(Blocker {
                    at,
                    what: format!("not migrated: {error}"),
                });
            }
        }
    }
    for &p in members {
        sites.extend(processes[p].libraries.iter().map(|library| Blocker {
            at: library.at.clone(),
            what: format!("imports {}", library.named),
        }));
    }
    let patching: BTreeSet<String> = members
        .iter()
        .flat_map(|&p| processes[p].sites.iter().map(|s| s.at.clone()))
        .collect();
    let mut sites: Vec<Blocker> = sites.into_iter().collect();
    sites.sort_by_cached_key(|site| place(&site.at));
    Staying {
        processes: members.iter().map(|&p| processes[p].name.clone()).collect(),
        sites,
        held_back,
        patching: patching.into_iter().collect(),
    }
}

/// `path:line:col` as a key that orders lines by number (a path alone comes first).
fn place(at: &str) -> (String, Vec<usize>) {
    let mut parts: Vec<&str> = at.rsplitn(3, ':').collect();
    let numbers: Option<Vec<usize>> = parts.iter().take(2).map(|n| n.parse().ok()).collect();
    match numbers {
        Some(mut numbers) if parts.len() == 3 => {
            numbers.reverse();
            (parts.pop().unwrap_or_default().to_string(), numbers)
        }
        _ => (at.to_string(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::migration::Kept;
    use crate::project::index::LibraryUse;

    fn process(name: &str, modules: &[&str], libraries: &[&str]) -> Process {
        Process {
            name: name.to_string(),
            modules: modules.iter().map(|m| m.to_string()).collect(),
            patched: BTreeSet::new(),
            sites: Vec::new(),
            unknown_flags: false,
            libraries: libraries
                .iter()
                .map(|at| LibraryUse {
                    named: "`oslo_service.wsgi`: oslo.service's eventlet WSGI server".to_string(),
                    at: at.to_string(),
                    switch: None,
                })
                .collect(),
            switch: None,
        }
    }

    fn kept_at(line: usize) -> Kept {
        Kept {
            recipe: "timeout".to_string(),
            line,
            column: 5,
            code: "eventlet.Timeout(5)".to_string(),
        }
    }

    #[test]
    fn processes_sharing_held_rewrites_are_told_together_and_same_sites_once() {
        let names: Vec<String> = ["api", "worker", "shared", "conf", "clean"]
            .iter()
            .map(|n| n.to_string())
            .collect();
        let files: Vec<PathBuf> = names
            .iter()
            .map(|n| PathBuf::from(format!("{n}.py")))
            .collect();
        let stays = |keeps: Vec<Kept>, held_back: usize| {
            Ok(Migration {
                stays: (!keeps.is_empty() || held_back > 0).then(|| "1:1 (`x`)".to_string()),
                keeps,
                held_back,
                ..Migration::default()
            })
        };
        let results = vec![
            // api: two sites of its own; worker: one, and line 10 after line 9.
            stays(vec![kept_at(9), kept_at(10)], 0),
            stays(vec![kept_at(3)], 1),
            // shared: nothing of its own, three rewrites held back for both.
            stays(Vec::new(), 3),
            Ok(Migration::default()),
            Ok(Migration::default()),
        ];
        let processes = vec![
            process("`svc-api`", &["api", "shared"], &[]),
            process("`svc-worker`", &["worker", "shared"], &[]),
            process("`svc-status`", &["conf"], &["conf.py:2:1"]),
            process("`svc-manage`", &["conf"], &["conf.py:2:1"]),
            process("`svc-clean`", &["clean"], &[]),
        ];
        let told = staying(&processes, &names, &files, &results);
        assert_eq!(told.len(), 2, "{told:#?}");
        // Both wait for `shared`: each is kept by the other's sites too.
        assert_eq!(told[0].processes, vec!["`svc-api`", "`svc-worker`"]);
        let at: Vec<&str> = told[0].sites.iter().map(|s| s.at.as_str()).collect();
        assert_eq!(at, vec!["api.py:9:5", "api.py:10:5", "worker.py:3:5"]);
        assert_eq!(told[0].held_back, 4);
        // Kept by the same import: told once, for both.
        assert_eq!(told[1].processes, vec!["`svc-status`", "`svc-manage`"]);
        assert_eq!(told[1].sites.len(), 1);
        assert!(told[1].sites[0]
            .what
            .starts_with("imports `oslo_service.wsgi`"));
    }
}
