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

use crate::analyse::analysis::Analysed;
use crate::analyse::engine::Engine;
use crate::analyse::objects::OtherFiles;
use crate::fix::Crossing;
use crate::fix::Fix;
use crate::fix::PassedAs;
use crate::fix::RemoteCallers;
use crate::fix::RemoteParameter;
use crate::plan::links::{ends_of, End, FileLinks, Via};
use crate::syntax::prepared::{FileError, Prepared};

/// The project's other files, as one file's analysis sees them: whether they mention a name,
/// the parameters of their functions that this file passes objects to, and the callers of
/// this file's functions that return objects.
pub struct Others<'c> {
    pub contents: &'c [Result<Vec<u8>, FileError>],
    pub except: usize,
    /// The questions asked before the plan had answers.
    pub asked: Mutex<Asked>,
    pub answers: &'c OnceLock<Answers>,
}

/// A file's questions: parameters (the callee as it names it, and the slot), and the
/// callers of its own functions.
#[derive(Default)]
pub struct Asked {
    pub parameters: BTreeSet<(String, PassedAs)>,
    pub callers: BTreeSet<String>,
}

/// What the plan found, by the file that asked and its question.
#[derive(Default)]
pub struct Answers {
    pub parameters: HashMap<(usize, String, PassedAs), Result<RemoteParameter, String>>,
    pub callers: HashMap<(usize, String), Result<RemoteCallers, String>>,
}

/// The files of a run, by index, as every phase of the project plan reads them: each
/// file's path and module name, its bytes, the file prepared (parsed once, when something
/// needs it: a module objects are passed to is prepared when the plan follows them there),
/// and how its analysis sees the others.
pub struct Workspace<'p> {
    pub files: &'p [PathBuf],
    pub names: &'p [String],
    pub contents: &'p [Result<Vec<u8>, FileError>],
    pub prepared: &'p [OnceLock<Result<Prepared, FileError>>],
    pub others: &'p [Others<'p>],
    pub answers: &'p OnceLock<Answers>,
}

impl OtherFiles for Others<'_> {
    fn mention(&self, name: &str) -> bool {
        crate::trace::timed("mention in other files", || {
            mentioned(self.contents, name, &BTreeSet::from([self.except]))
        })
    }

    fn parameter(&self, callee: &str, slot: &PassedAs) -> Option<Result<&RemoteParameter, String>> {
        match self.answers.get() {
            Some(answers) => answers
                .parameters
                .get(&(self.except, callee.to_string(), slot.clone()))
                .map(|found| found.as_ref().map_err(Clone::clone)),
            None => {
                self.ask()
                    .parameters
                    .insert((callee.to_string(), slot.clone()));
                None
            }
        }
    }

    fn callers(&self, function: &str) -> Option<Result<&RemoteCallers, String>> {
        match self.answers.get() {
            Some(answers) => answers
                .callers
                .get(&(self.except, function.to_string()))
                .map(|found| found.as_ref().map_err(Clone::clone)),
            None => {
                self.ask().callers.insert(function.to_string());
                None
            }
        }
    }
}

impl Others<'_> {
    fn ask(&self) -> std::sync::MutexGuard<'_, Asked> {
        // A poisoned lock only means another question panicked: this one still counts.
        self.asked.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether a file other than those in `except` mentions `name` as a whole word.
pub fn mentioned(
    contents: &[Result<Vec<u8>, FileError>],
    name: &str,
    except: &BTreeSet<usize>,
) -> bool {
    contents.iter().enumerate().any(|(i, bytes)| {
        !except.contains(&i) && bytes.as_ref().is_ok_and(|bytes| names_word(bytes, name))
    })
}

/// Whether `bytes` hold `name` as a whole word.
fn names_word(bytes: &[u8], name: &str) -> bool {
    crate::syntax::names::word_matches(bytes, name)
        .next()
        .is_some()
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
            let mut base = crate::project::index::package_of(path, caller);
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

/// The fixes of every file whose objects reach other code (`fixes[i]`: file `i`'s), the
/// ends checked, and each link: the per-file [`FileLinks`], and what the other files must
/// apply with them (a parameter's uses, or the uses of each call's result, rewritten).
pub struct CrossingPlan {
    pub links: Vec<FileLinks>,
    pub injected: Vec<Vec<Fix>>,
    /// The files holding each link's fixes.
    pub members: BTreeMap<String, BTreeSet<usize>>,
}

/// Rewrites the uses of a parameter in its file (by index) and function, for the object a
/// fix passes there, or says why it cannot.
pub type RewriteParameter<'r> =
    dyn Fn(usize, &str, &PassedAs, &Fix, usize) -> Result<Fix, String> + 'r;

/// Rewrites the uses of a call's result in its file (by index), for the object a fix makes
/// where the called function returns it (`usize`: the rule), or says why it cannot.
pub type RewriteResult<'r> =
    dyn Fn(usize, ruff_text_size::TextRange, &Fix, usize) -> Result<Fix, String> + 'r;

/// How the other files' side of a link is rewritten.
pub struct Rewriters<'r> {
    pub parameter: &'r RewriteParameter<'r>,
    pub result: &'r RewriteResult<'r>,
}

/// Checks every end and links the fixes.
pub fn plan(
    fixes: &[Vec<&Fix>],
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    rewriters: &Rewriters<'_>,
) -> CrossingPlan {
    let mut ends: BTreeMap<End, Vec<(usize, &Fix, Via<'_>)>> = BTreeMap::new();
    for (file, list) in fixes.iter().enumerate() {
        for fix in list {
            for (end, via) in ends_of(fix) {
                ends.entry(end).or_default().push((file, fix, via));
            }
        }
    }
    // Links: a fix whose object reaches several ends joins them into one.
    let keys: Vec<&End> = ends.keys().collect();
    let mut sets = UnionFind::new(keys.len());
    for list in fixes {
        for fix in list {
            let reached: Vec<usize> = ends_of(fix)
                .filter_map(|(end, _)| keys.binary_search(&&end).ok())
                .collect();
            for pair in reached.windows(2) {
                sets.union(pair[0], pair[1]);
            }
        }
    }
    let name_of = |k: usize| match keys[k] {
        End::Parameter {
            file,
            function,
            parameter,
        } => format!("{}:{function}({parameter})", shown(&files[*file])),
        End::Callers { file, function } => format!("{}:{function}()", shown(&files[*file])),
    };
    // Each end checked and rewritten on its own; a failure fails its whole link.
    let mut failed: BTreeMap<usize, String> = BTreeMap::new();
    let mut rewritten: Vec<Vec<(usize, Fix)>> = Vec::with_capacity(keys.len());
    for (k, end) in keys.iter().enumerate() {
        let reaching = &ends[*end];
        match rewrite_end(end, reaching, files, contents, rewriters) {
            Ok(fixes) => rewritten.push(fixes),
            Err(why) => {
                failed.entry(sets.find(k)).or_insert(why);
                rewritten.push(Vec::new());
            }
        }
    }
    let mut links = vec![FileLinks::default(); files.len()];
    let mut injected: Vec<Vec<Fix>> = vec![Vec::new(); files.len()];
    let mut members: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (k, end) in keys.iter().enumerate() {
        let root = sets.find(k);
        let link = name_of(root);
        let verdict = match failed.get(&root) {
            Some(why) => Err(why.clone()),
            None => Ok(link.clone()),
        };
        for (file, _, via) in &ends[*end] {
            links[*file].crossings.insert(via.at(), verdict.clone());
            members.entry(link.clone()).or_default().insert(*file);
        }
        if verdict.is_ok() {
            for (file, mut fix) in std::mem::take(&mut rewritten[k]) {
                fix.link = Some(link.clone());
                injected[file].push(fix);
                members.entry(link.clone()).or_default().insert(file);
            }
        }
    }
    CrossingPlan {
        links,
        injected,
        members,
    }
}

/// The fixes the other side of `end` needs (by file), or why the objects cannot reach it:
/// every object must be rewritten by the same rule of the same recipe, and every call of
/// the function known.
fn rewrite_end(
    end: &End,
    reaching: &[(usize, &Fix, Via<'_>)],
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
    rewriters: &Rewriters<'_>,
) -> Result<Vec<(usize, Fix)>, String> {
    let (_, first, via) = reaching[0];
    if reaching
        .iter()
        .any(|(_, fix, v)| fix.recipe != first.recipe || v.rule() != via.rule())
    {
        let function = match end {
            End::Parameter { function, .. } | End::Callers { function, .. } => function,
        };
        return Err(format!(
            "`{function}` also handles objects rewritten another way"
        ));
    }
    match (end, via) {
        (End::Parameter { file, function, .. }, Via::Passed(crossing)) => {
            let passing: Vec<(usize, &Crossing)> = reaching
                .iter()
                .filter_map(|(f, _, v)| match v {
                    Via::Passed(c) => Some((*f, *c)),
                    Via::Returned(_) => None,
                })
                .collect();
            check_callers(*file, function, &passing, files, contents)
                .and_then(|()| {
                    (rewriters.parameter)(*file, function, &crossing.to.slot, first, crossing.rule)
                })
                .map(|fix| vec![(*file, fix)])
                .map_err(|why| {
                    format!(
                        "the object is passed to `{function}` of {}: {why}",
                        crossing.to.path
                    )
                })
        }
        (End::Callers { function, .. }, Via::Returned(returned)) => {
            let callers = &returned.to;
            let returns: BTreeSet<TextSize> = reaching.iter().map(|(_, _, v)| v.at()).collect();
            if returns.len() != callers.returns {
                return Err(format!(
                    "the object is returned by `{function}` of {}, which also returns something else",
                    callers.path
                ));
            }
            callers
                .calls
                .iter()
                .map(|&(file, call)| {
                    (rewriters.result)(file, call, first, returned.rule).map(|fix| (file, fix))
                })
                .collect::<Result<Vec<_>, String>>()
                .map_err(|why| {
                    format!(
                        "the object is returned by `{function}` of {}: {why}",
                        callers.path
                    )
                })
        }
        _ => Err("objects reach it two ways".to_string()),
    }
}

/// Whether every call of the function objects are passed to is known: each file passing
/// them names it only in those calls, and no other file but its own names it.
fn check_callers(
    file: usize,
    function: &str,
    passing: &[(usize, &Crossing)],
    files: &[PathBuf],
    contents: &[Result<Vec<u8>, FileError>],
) -> Result<(), String> {
    let mut calls: BTreeMap<usize, BTreeSet<TextSize>> = BTreeMap::new();
    let mut mentions: BTreeMap<usize, usize> = BTreeMap::new();
    for (from, c) in passing {
        calls.entry(*from).or_default().insert(c.call.start());
        mentions.insert(*from, c.mentions);
    }
    // The function's own module names it only in such calls too (none, or all of them).
    if let Some((_, c)) = passing.first() {
        mentions.insert(file, c.to.mentions);
    }
    calls.entry(file).or_default();
    for (from, at) in &calls {
        if mentions.get(from) != Some(&at.len()) {
            let whose = match *from == file {
                true => "its own module".to_string(),
                false => shown(&files[*from]),
            };
            return Err(format!(
                "{whose} also names `{function}` other than in the calls that pass the object"
            ));
        }
    }
    let known: BTreeSet<usize> = calls.keys().copied().collect();
    if mentioned(contents, function, &known) {
        return Err(format!(
            "other modules of the project name `{function}` too"
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

/// What answering questions needs: the files, and the engine to look into them.
struct Answering<'p, 'r> {
    engine: &'p Engine,
    workspace: &'r Workspace<'p>,
    /// Module name → its file.
    modules: HashMap<&'r str, usize>,
    /// Whether file `j` imports the module of file `m` (`imports(j, m)`).
    imports: &'r dyn Fn(usize, usize) -> bool,
}

impl<'p> Answering<'p, '_> {
    /// File `file` prepared and analysed, parsed now if it was only read as text.
    fn analysed<'a>(
        &self,
        analysed: &'a mut [Result<Option<Analysed<'p>>, FileError>],
        file: usize,
    ) -> Result<&'a Analysed<'p>, String> {
        let bytes = self.workspace.contents[file]
            .as_ref()
            .map_err(|e| format!("its module cannot be read: {e}"))?;
        if self.workspace.prepared[file].get().is_none() {
            let made = match Prepared::new(bytes, None) {
                Ok(Some(p)) => Ok(p),
                Ok(None) => return Err("its module is not Python".to_string()),
                Err(e) => Err(e),
            };
            // Set once: this is the only place that prepares a file after indexing.
            let _ = self.workspace.prepared[file].set(made);
        }
        let prepared = match self.workspace.prepared[file].get() {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(format!("its module is not migrated: {e}")),
            None => return Err("its module is not prepared".to_string()),
        };
        if let Ok(None) = &analysed[file] {
            analysed[file] = Ok(self.engine.analyse(prepared, &self.workspace.others[file]));
        }
        match &analysed[file] {
            Ok(Some(a)) => Ok(a),
            Ok(None) => Err("its module has nothing to migrate".to_string()),
            Err(e) => Err(format!("its module is not migrated: {e}")),
        }
    }

    /// The parameter an object passed by file `asker` to `callee` as `slot` reaches; `None`
    /// when the callee is not a function of the project.
    fn parameter(
        &self,
        analysed: &mut [Result<Option<Analysed<'p>>, FileError>],
        (asker, callee, slot): (usize, &str, &PassedAs),
    ) -> Option<Result<RemoteParameter, String>> {
        let (file, function) = resolve(
            callee,
            (&self.workspace.names[asker], asker),
            &self.workspace.files[asker],
            &self.modules,
        )?;
        // Imported from itself: not a function of another module.
        if callee.contains('.') == (file == asker) {
            return None;
        }
        Some(self.analysed(analysed, file).and_then(|a| {
            a.parameter_facts(&function, slot)
                .map(|(parameter, facts, mentions)| RemoteParameter {
                    file,
                    path: shown(&self.workspace.files[file]),
                    function: function.clone(),
                    parameter,
                    slot: slot.clone(),
                    facts,
                    mentions,
                })
        }))
    }

    /// Every call of `function` (of file `file`) in the project, and what the callers do
    /// with its result. A file that names the function other than in such calls (a test
    /// double's target, a reference passed on) makes the callers unknowable.
    fn callers(
        &self,
        analysed: &mut [Result<Option<Analysed<'p>>, FileError>],
        file: usize,
        function: &str,
    ) -> Result<RemoteCallers, String> {
        let returns = {
            let a = self.analysed(analysed, file)?;
            a.returned_values(function)?
        };
        let mut found = RemoteCallers {
            file,
            path: shown(&self.workspace.files[file]),
            function: function.to_string(),
            returns,
            calls: Vec::new(),
            facts: BTreeSet::new(),
        };
        // A module that names the function without importing its module calls something
        // else, or reaches it in a way the plan cannot see: known before parsing anything,
        // and at the first such module (a common name fails fast).
        let mut naming = Vec::new();
        for j in 0..self.workspace.files.len() {
            if !self.workspace.contents[j]
                .as_ref()
                .is_ok_and(|bytes| names_word(bytes, function))
            {
                continue;
            }
            if j != file && !(self.imports)(j, file) {
                return Err(format!(
                    "{} names `{function}` without importing its module",
                    shown(&self.workspace.files[j])
                ));
            }
            naming.push(j);
        }
        for j in naming {
            let a = self.analysed(analysed, j)?;
            let resolves = |callee: &str| {
                resolve(
                    callee,
                    (&self.workspace.names[j], j),
                    &self.workspace.files[j],
                    &self.modules,
                ) == Some((file, function.to_string()))
            };
            let (calls, mentions) = a.result_calls(function, &resolves)?;
            // Outside its module, a mention that is no call (in a string: a test double's
            // target) could stand for a call the plan cannot see.
            if mentions != calls.len() || (j != file && calls.is_empty()) {
                return Err(format!(
                    "{} names `{function}` other than in calls of it",
                    shown(&self.workspace.files[j])
                ));
            }
            for (call, facts) in calls {
                found.calls.push((j, call));
                found.facts.extend(facts);
            }
        }
        // Called nowhere in the project: its callers, if any, are code the plan cannot see.
        if found.calls.is_empty() {
            return Err(format!(
                "`{function}` is called nowhere in the project (its callers are outside it)"
            ));
        }
        Ok(found)
    }
}

/// Answers the questions the files' analyses asked about other modules' functions and
/// their own functions' callers, then analyses the asking files again with the answers,
/// and plans the links of the fixes whose objects now reach other code. Modules that never
/// mention eventlet are prepared here when the answers need them.
pub fn follow<'p>(
    engine: &'p Engine,
    pool: Option<&rayon::ThreadPool>,
    workspace: &Workspace<'p>,
    analysed: &mut [Result<Option<Analysed<'p>>, FileError>],
    imports: &dyn Fn(usize, usize) -> bool,
) -> CrossingPlan {
    let Workspace {
        files,
        names,
        contents,
        prepared,
        others,
        answers,
    } = *workspace;
    let asked: Vec<Asked> = others
        .iter()
        .map(|o| std::mem::take(&mut *o.ask()))
        .collect();
    if asked
        .iter()
        .all(|a| a.parameters.is_empty() && a.callers.is_empty())
    {
        return CrossingPlan::empty(files.len());
    }
    let mut modules: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        modules.entry(name.as_str()).or_insert(i);
    }
    let scope = Answering {
        engine,
        workspace,
        modules,
        imports,
    };
    let mut found = Answers::default();
    for (asker, questions) in asked.iter().enumerate() {
        for (callee, slot) in &questions.parameters {
            if let Some(answer) = scope.parameter(analysed, (asker, callee, slot)) {
                found
                    .parameters
                    .insert((asker, callee.clone(), slot.clone()), answer);
            }
        }
        for function in &questions.callers {
            let answer = scope.callers(analysed, asker, function);
            found.callers.insert((asker, function.clone()), answer);
        }
    }
    let askers: BTreeSet<usize> = found
        .parameters
        .keys()
        .map(|(i, _, _)| *i)
        .chain(found.callers.keys().map(|(i, _)| *i))
        .collect();
    // `follow` runs once per run and is the only writer: the cell is empty here.
    let _ = answers.set(found);
    let askers: Vec<usize> = askers.into_iter().collect();
    let analyse = |&i: &usize| match prepared[i].get() {
        Some(Ok(p)) => crate::project::workers::guarded(|| Ok(engine.analyse(p, &others[i]))),
        Some(Err(e)) => Err(e.clone()),
        None => Ok(None),
    };
    let again = crate::project::workers::run_each(pool, &askers, analyse);
    for (i, result) in askers.into_iter().zip(again) {
        analysed[i] = result;
    }
    let analysed: &[Result<Option<Analysed<'p>>, FileError>] = analysed;
    let fixes: Vec<Vec<&Fix>> = analysed
        .iter()
        .map(|a| match a {
            Ok(Some(a)) => a.crossing_fixes().collect(),
            _ => Vec::new(),
        })
        .collect();
    let analysed_of = |file: usize| match &analysed[file] {
        Ok(Some(a)) => Ok(a),
        _ => Err("its module is not prepared".to_string()),
    };
    let parameter = |file: usize, function: &str, slot: &PassedAs, made: &Fix, rule: usize| {
        let a = analysed_of(file)?;
        a.parameter_fix((function, slot), made, rule)
    };
    let result = |file: usize, call: ruff_text_size::TextRange, made: &Fix, rule: usize| {
        let a = analysed_of(file)?;
        a.result_fix(call, made, rule)
    };
    plan(
        &fixes,
        files,
        contents,
        &Rewriters {
            parameter: &parameter,
            result: &result,
        },
    )
}

/// A path as reports show it (without a leading `./`).
fn shown(path: &Path) -> String {
    crate::project::workers::shown(path).to_string()
}

impl CrossingPlan {
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

    fn empty(files: usize) -> CrossingPlan {
        CrossingPlan {
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
