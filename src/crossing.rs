//! Objects passed to functions of other modules (`helpers.notify(done)` with `def
//! notify(ev): ev.send()` in `helpers.py`). A file's analysis asks about the parameter each
//! such argument reaches; the project plan looks at it in the other module (what its uses do,
//! the facts recipes test), the asking files are analysed again with the answers, and a fix
//! that passes an object on carries a [`Crossing`]. The plan then checks that nothing else
//! calls the function (every mention of its name is such a call), rewrites the parameter's
//! uses there by the same rule, and links the fixes: they are applied together or not at all
//! ([`FileLinks`]), a link cut in one file cutting it in every other.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ruff_text_size::TextSize;

use crate::objects::{OtherFiles, PassedAs, RemoteParameter};
use crate::pipeline::{Analysed, Engine, FileError, Prepared};
use crate::rewrite::{Crossing, Fix};

/// What the project plan says of one file's linked fixes; part of the file's context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileLinks {
    /// The argument (by where it starts) of each object a fix here passes to another
    /// module → the link of the fixes applied with it, or why they cannot be.
    pub crossings: BTreeMap<TextSize, Result<String, String>>,
    /// Links cut because one of their fixes was not applied, and why.
    pub cut: BTreeMap<String, String>,
}

impl FileLinks {
    pub fn is_empty(&self) -> bool {
        self.crossings.is_empty() && self.cut.is_empty()
    }

    /// Why `fix`, which passes objects to other modules, cannot be applied here, if it
    /// cannot; sets its link when it can.
    pub fn judge(&self, fix: &mut Fix) -> Option<String> {
        for crossing in &fix.crossings {
            match self.crossings.get(&crossing.argument.start()) {
                Some(Ok(link)) => fix.link = Some(link.clone()),
                Some(Err(why)) => return Some(format!("`{}` not rewritten: {why}", fix.subject)),
                None => {
                    return Some(format!(
                        "`{}` not rewritten: the object is passed to `{}` of {}, which only a run over the whole project follows",
                        fix.subject, crossing.to.function, crossing.to.path
                    ))
                }
            }
        }
        None
    }

    /// Why `fix` is held back with the fixes of other files it is linked to, if it is.
    pub fn cut_off(&self, fix: &Fix) -> Option<String> {
        let why = self.cut.get(fix.link.as_ref()?)?;
        Some(format!(
            "`{}` held back: it is rewritten only together with code of other modules, and {why}",
            fix.subject
        ))
    }
}

/// The project's other files, as one file's analysis sees them: whether they mention a name,
/// and the parameters of their functions that this file passes objects to.
pub struct Others<'c> {
    pub contents: &'c [Result<Vec<u8>, FileError>],
    pub except: usize,
    /// The questions asked before the plan had answers.
    pub asked: Mutex<BTreeSet<(String, PassedAs)>>,
    pub answers: &'c OnceLock<Answers>,
}

/// The parameters found, by the file that asked, the callee as it named it, and the slot.
pub type Answers = HashMap<(usize, String, PassedAs), Result<RemoteParameter, String>>;

impl OtherFiles for Others<'_> {
    fn mention(&self, name: &str) -> bool {
        crate::trace::timed("mention in other files", || {
            mentioned(self.contents, name, &BTreeSet::from([self.except]))
        })
    }

    fn parameter(&self, callee: &str, slot: &PassedAs) -> Option<Result<&RemoteParameter, String>> {
        match self.answers.get() {
            Some(answers) => answers
                .get(&(self.except, callee.to_string(), slot.clone()))
                .map(|found| found.as_ref().map_err(Clone::clone)),
            None => {
                // A poisoned lock only means another question panicked: this one still counts.
                let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
                asked.insert((callee.to_string(), slot.clone()));
                None
            }
        }
    }
}

/// Whether a file other than those in `except` mentions `name` as a whole word.
pub fn mentioned(
    contents: &[Result<Vec<u8>, FileError>],
    name: &str,
    except: &BTreeSet<usize>,
) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    contents.iter().enumerate().any(|(i, bytes)| {
        let Ok(bytes) = bytes else { return false };
        !except.contains(&i)
            && memchr::memmem::find_iter(bytes, name.as_bytes()).any(|at| {
                let end = at + name.len();
                (at == 0 || !word(bytes[at - 1])) && bytes.get(end).is_none_or(|&b| !word(b))
            })
    })
}

/// The file and function a callee names, as the module `caller` (the file at `path`,
/// `file` in the run) names it: imported, `pkg.helpers.notify` or relative
/// (`.helpers.notify`, `..notify`); a bare name is a function of the caller's own module.
pub fn resolve(
    callee: &str,
    caller: (&str, usize),
    path: &Path,
    modules: &HashMap<&str, usize>,
) -> Option<(usize, String)> {
    let (caller, file) = caller;
    if !callee.contains('.') {
        return Some((file, callee.to_string()));
    }
    let absolute = match callee.trim_start_matches('.') {
        rest if rest.len() == callee.len() => callee.to_string(),
        rest => {
            let level = callee.len() - rest.len();
            let mut base = crate::project::package_of(path, caller);
            for _ in 1..level {
                base = base
                    .rsplit_once('.')
                    .map_or(String::new(), |(p, _)| p.to_string());
            }
            match (base.is_empty(), rest.is_empty()) {
                (_, true) => return None,
                (true, false) => rest.to_string(),
                (false, false) => format!("{base}.{rest}"),
            }
        }
    };
    let (module, function) = absolute.rsplit_once('.')?;
    Some((*modules.get(module)?, function.to_string()))
}

/// One function parameter objects are passed to, and the fixes that pass them.
struct Callee<'f> {
    file: usize,
    function: String,
    slot: PassedAs,
    /// `(file, fix, crossing)` for every object passed there.
    passing: Vec<(usize, &'f Fix, &'f Crossing)>,
}

/// The fixes of every file that pass objects to other modules (`fixes[i]`: file `i`'s), the
/// callees checked, and each link: the per-file [`FileLinks`], and what each callee's file
/// must apply with them (its parameter's uses rewritten, made by `rewrite`).
pub struct Plan {
    pub links: Vec<FileLinks>,
    pub injected: Vec<Vec<Fix>>,
    /// The files holding each link's fixes.
    pub members: BTreeMap<String, BTreeSet<usize>>,
}

/// Rewrites the uses of a parameter in its file (by index) and function, for the object a
/// fix passes there, or says why it cannot.
pub type RewriteParameter<'r> =
    dyn Fn(usize, &str, &PassedAs, &Fix, &Crossing) -> Result<Fix, String> + 'r;

/// Checks every callee and links the fixes. `rewrite(file, function, slot, fix, crossing)`
/// rewrites a parameter's uses in its file, or says why it cannot.
pub fn plan(
    fixes: &[Vec<&Fix>],
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    rewrite: &RewriteParameter<'_>,
) -> Plan {
    let mut callees: BTreeMap<(usize, String, String), Callee<'_>> = BTreeMap::new();
    for (file, list) in fixes.iter().enumerate() {
        for fix in list {
            for crossing in &fix.crossings {
                let to = &crossing.to;
                callees
                    .entry((to.file, to.function.clone(), to.parameter.clone()))
                    .or_insert_with(|| Callee {
                        file: to.file,
                        function: to.function.clone(),
                        slot: to.slot.clone(),
                        passing: Vec::new(),
                    })
                    .passing
                    .push((file, fix, crossing));
            }
        }
    }
    let mut links = vec![FileLinks::default(); files.len()];
    let mut injected: Vec<Vec<Fix>> = vec![Vec::new(); files.len()];
    // Links: a fix passing objects to several callees joins them into one.
    let keys: Vec<&(usize, String, String)> = callees.keys().collect();
    let mut sets = UnionFind::new(keys.len());
    let index_of = |key: &(usize, String, String)| keys.binary_search(&key).ok();
    for list in fixes {
        for fix in list {
            let ends: Vec<usize> = fix
                .crossings
                .iter()
                .filter_map(|c| {
                    index_of(&(c.to.file, c.to.function.clone(), c.to.parameter.clone()))
                })
                .collect();
            for pair in ends.windows(2) {
                sets.union(pair[0], pair[1]);
            }
        }
    }
    let name_of = |k: usize| {
        let (file, function, parameter) = keys[k];
        format!("{}:{function}({parameter})", shown(&files[*file]))
    };
    // Each callee checked on its own; a failure fails its whole link.
    let mut failed: BTreeMap<usize, String> = BTreeMap::new();
    let mut rewritten: Vec<Option<Fix>> = Vec::with_capacity(keys.len());
    for (k, key) in keys.iter().enumerate() {
        let callee = &callees[*key];
        let found = check(callee, files, contents).and_then(|()| {
            let (_, fix, crossing) = callee.passing[0];
            rewrite(callee.file, &callee.function, &callee.slot, fix, crossing)
        });
        match found {
            Ok(fix) => rewritten.push(Some(fix)),
            Err(why) => {
                let root = sets.find(k);
                failed.entry(root).or_insert_with(|| {
                    format!(
                        "the object is passed to `{}` of {}: {why}",
                        callee.function, callee.passing[0].2.to.path
                    )
                });
                rewritten.push(None);
            }
        }
    }
    let mut members: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (k, key) in keys.iter().enumerate() {
        let root = sets.find(k);
        let link = name_of(root);
        let verdict = match failed.get(&root) {
            Some(why) => Err(why.clone()),
            None => Ok(link.clone()),
        };
        let callee = &callees[*key];
        for (file, _, crossing) in &callee.passing {
            links[*file]
                .crossings
                .insert(crossing.argument.start(), verdict.clone());
            members.entry(link.clone()).or_default().insert(*file);
        }
        if let (Ok(link), Some(mut fix)) = (verdict, rewritten[k].take()) {
            fix.link = Some(link.clone());
            injected[callee.file].push(fix);
            members.entry(link).or_default().insert(callee.file);
        }
    }
    Plan {
        links,
        injected,
        members,
    }
}

/// Whether every call of the callee is known: each file passing objects to it names it only
/// in those calls, no other file but its own names it, and every object is rewritten by the
/// same rule of the same recipe.
fn check(
    callee: &Callee<'_>,
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
) -> Result<(), String> {
    let mut calls: BTreeMap<usize, BTreeSet<TextSize>> = BTreeMap::new();
    let mut mentions: BTreeMap<usize, usize> = BTreeMap::new();
    let (_, first, crossing) = callee.passing[0];
    for (file, fix, c) in &callee.passing {
        if fix.recipe != first.recipe || c.rule != crossing.rule {
            return Err(format!(
                "`{}` also receives objects rewritten another way",
                callee.function
            ));
        }
        calls.entry(*file).or_default().insert(c.call.start());
        mentions.insert(*file, c.mentions);
    }
    // The function's own module names it only in such calls too (none, or all of them).
    mentions.insert(callee.file, crossing.to.mentions);
    calls.entry(callee.file).or_default();
    for (file, at) in &calls {
        if mentions.get(file) != Some(&at.len()) {
            let whose = match *file == callee.file {
                true => "its own module".to_string(),
                false => shown(&files[*file]),
            };
            return Err(format!(
                "{whose} also names `{}` other than in the calls that pass the object",
                callee.function
            ));
        }
    }
    let mut known: BTreeSet<usize> = calls.keys().copied().collect();
    known.insert(callee.file);
    if mentioned(contents, &callee.function, &known) {
        return Err(format!(
            "other modules of the project name `{}` too",
            callee.function
        ));
    }
    Ok(())
}

/// Disjoint sets of callees, joined by the fixes that pass objects to several.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut k: usize) -> usize {
        while self.parent[k] != k {
            self.parent[k] = self.parent[self.parent[k]];
            k = self.parent[k];
        }
        k
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The smaller index leads, so a link's name does not depend on the order of unions.
        if a != b {
            let (low, high) = (a.min(b), a.max(b));
            self.parent[high] = low;
        }
    }
}

/// Answers the questions the files' analyses asked about functions of other modules, then
/// analyses the asking files again with the answers, and plans the links of the fixes that
/// now pass objects on. Callee modules that never mention eventlet are prepared here.
#[allow(clippy::too_many_arguments)]
pub fn follow<'p>(
    engine: &'p Engine,
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    names: &[String],
    contents: &[Result<Vec<u8>, FileError>],
    prepared: &'p [OnceLock<Result<Prepared, FileError>>],
    analysed: &mut [Result<Option<Analysed<'p>>, FileError>],
    others: &'p [Others<'_>],
    answers: &OnceLock<Answers>,
) -> Plan {
    let questions: Vec<(usize, String, PassedAs)> = others
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            let asked = std::mem::take(&mut *o.asked.lock().unwrap_or_else(|e| e.into_inner()));
            asked
                .into_iter()
                .map(move |(callee, slot)| (i, callee, slot))
        })
        .collect();
    if questions.is_empty() {
        return Plan::empty(files.len());
    }
    let mut modules: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        modules.entry(name.as_str()).or_insert(i);
    }
    let resolved: Vec<_> = questions
        .into_iter()
        .filter_map(|(i, callee, slot)| {
            let (file, function) = resolve(&callee, (&names[i], i), &files[i], &modules)?;
            // Imported from itself: not a function of another module.
            let own = !callee.contains('.');
            (own == (file == i) && contents[file].is_ok())
                .then_some((i, callee, slot, file, function))
        })
        .collect();
    // The callee's module, parsed and analysed if it was only read as text.
    for &(_, _, _, file, _) in &resolved {
        let Ok(bytes) = &contents[file] else { continue };
        if prepared[file].get().is_none() {
            let made = match Prepared::new(bytes, true) {
                Ok(Some(p)) => Ok(p),
                Ok(None) => continue,
                Err(e) => Err(e),
            };
            let _ = prepared[file].set(made);
        }
        if let (Some(Ok(p)), Ok(None)) = (prepared[file].get(), &analysed[file]) {
            analysed[file] = Ok(engine.analyse(p, &others[file]));
        }
    }
    let mut found: Answers = HashMap::new();
    for (i, callee, slot, file, function) in resolved {
        let answer = match (prepared[file].get(), &analysed[file]) {
            (Some(Ok(p)), Ok(Some(a))) => engine
                .parameter_facts(p, a, &others[file], &function, &slot)
                .map(|(parameter, facts, mentions)| RemoteParameter {
                    file,
                    path: shown(&files[file]),
                    function: function.clone(),
                    parameter,
                    slot: slot.clone(),
                    facts,
                    mentions,
                }),
            (Some(Err(e)), _) | (_, Err(e)) => Err(format!("its module is not migrated: {e}")),
            _ => continue,
        };
        found.insert((i, callee, slot), answer);
    }
    let askers: BTreeSet<usize> = found.keys().map(|(i, _, _)| *i).collect();
    let _ = answers.set(found);
    let askers: Vec<usize> = askers.into_iter().collect();
    let again = crate::driver::run_all(pool, &askers, |&i| match prepared[i].get() {
        Some(Ok(p)) => crate::driver::guarded(|| Ok(engine.analyse(p, &others[i]))),
        Some(Err(e)) => Err(e.clone()),
        None => Ok(None),
    });
    for (i, result) in askers.into_iter().zip(again) {
        analysed[i] = result;
    }
    let fixes: Vec<Vec<&Fix>> = analysed
        .iter()
        .map(|a| match a {
            Ok(Some(a)) => a.crossing_fixes().collect(),
            _ => Vec::new(),
        })
        .collect();
    plan(
        &fixes,
        files,
        contents,
        &|file, function, slot, made, crossing| match (prepared[file].get(), &analysed[file]) {
            (Some(Ok(p)), Ok(Some(a))) => {
                engine.parameter_fix(p, a, &others[file], (function, slot), made, crossing.rule)
            }
            _ => Err("its module is not prepared".to_string()),
        },
    )
}

/// A path as reports show it (without a leading `./`).
fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

impl Plan {
    /// File `i`'s links, with those of `cut` among them; `None` when it has none.
    pub fn links_of(&self, i: usize, cut: &BTreeMap<String, String>) -> Option<FileLinks> {
        let own = &self.links[i];
        let mine = |link: &String| {
            self.members
                .get(link)
                .is_some_and(|files| files.contains(&i))
        };
        let cut: BTreeMap<String, String> = cut
            .iter()
            .filter(|(link, _)| mine(link))
            .map(|(l, w)| (l.clone(), w.clone()))
            .collect();
        let links = FileLinks {
            crossings: own.crossings.clone(),
            cut,
        };
        (!links.is_empty()).then_some(links)
    }

    /// Cuts every link with fixes in file `i` (it cannot be migrated as planned).
    pub fn cut_file(&self, i: usize, why: &str, cut: &mut BTreeMap<String, String>) {
        for (link, files) in &self.members {
            if files.contains(&i) {
                cut.entry(link.clone()).or_insert_with(|| why.to_string());
            }
        }
    }

    fn empty(files: usize) -> Plan {
        Plan {
            links: vec![FileLinks::default(); files],
            injected: vec![Vec::new(); files],
            members: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules() -> HashMap<&'static str, usize> {
        HashMap::from([
            ("relay", 0),
            ("relay.signals", 1),
            ("relay.sub.deep", 2),
            ("top", 3),
        ])
    }

    #[test]
    fn callees_resolve_to_a_module_of_the_project_and_a_function() {
        let m = modules();
        let at = |p: &str| PathBuf::from(p);
        assert_eq!(
            resolve(
                "relay.signals.notify",
                ("relay.cmd", 9),
                &at("relay/cmd.py"),
                &m
            ),
            Some((1, "notify".to_string()))
        );
        // Relative to the importing module's package; an `__init__` is its own package.
        assert_eq!(
            resolve(".signals.notify", ("relay.cmd", 9), &at("relay/cmd.py"), &m),
            Some((1, "notify".to_string()))
        );
        assert_eq!(
            resolve(
                "..signals.notify",
                ("relay.sub.deep", 9),
                &at("relay/sub/deep.py"),
                &m
            ),
            Some((1, "notify".to_string()))
        );
        assert_eq!(
            resolve(
                ".deep.run",
                ("relay.sub", 9),
                &at("relay/sub/__init__.py"),
                &m
            ),
            Some((2, "run".to_string()))
        );
        assert_eq!(
            resolve("top.go", ("relay.cmd", 9), &at("relay/cmd.py"), &m),
            Some((3, "go".to_string()))
        );
        // A bare name: a function of the caller's own module.
        assert_eq!(
            resolve("notify", ("relay.cmd", 9), &at("relay/cmd.py"), &m),
            Some((9, "notify".to_string()))
        );
        // Not a module of the project, or a method of a class of one.
        assert_eq!(
            resolve("os.path.join", ("relay.cmd", 9), &at("relay/cmd.py"), &m),
            None
        );
        assert_eq!(
            resolve(
                "relay.signals.Box.open",
                ("relay.cmd", 9),
                &at("relay/cmd.py"),
                &m
            ),
            None
        );
    }

    #[test]
    fn other_files_are_searched_for_whole_words() {
        let contents: Vec<Result<Vec<u8>, FileError>> = vec![
            Ok(b"def poke(ev):\n    ev.send()\n".to_vec()),
            Ok(b"signals.poke_all()\nrepoke = 1\n".to_vec()),
            Ok(b"mock.patch('relay.signals.poke')\n".to_vec()),
        ];
        assert!(!mentioned(&contents, "poke", &BTreeSet::from([0, 2])));
        assert!(mentioned(&contents, "poke", &BTreeSet::from([0])));
    }

    #[test]
    fn callees_joined_by_one_fix_share_a_link() {
        let mut sets = UnionFind::new(4);
        sets.union(3, 1);
        sets.union(1, 2);
        assert_eq!(
            (sets.find(1), sets.find(2), sets.find(3), sets.find(0)),
            (1, 1, 1, 0)
        );
    }
}
