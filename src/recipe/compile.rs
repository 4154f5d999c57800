//! A recipe file compiled into the engine's form: rules with their templates parsed, method
//! tables resolved, facts and definitions checked; every error names the file, the line and
//! the key.

use crate::fix::{Definition, Safety};
use crate::syntax::imports::ImportSpec;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::*;

pub(super) fn compile(path: &str, text: &str) -> Result<Recipe, RecipeError> {
    let file: RecipeFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let fail = |needle: &str, message: String| {
        let (line, column) = locate(text, needle);
        RecipeError {
            path: path.to_string(),
            line,
            column,
            message,
        }
    };
    if file.id.is_empty()
        || !file
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(fail(
            "id",
            format!(
                "recipe id `{}` must be lowercase letters, digits and `-`",
                file.id
            ),
        ));
    }
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string());
    if stem.as_deref() != Some(file.id.as_str()) {
        return Err(fail(
            "id",
            format!("recipe id `{}` must match its file name", file.id),
        ));
    }
    if file.matches.is_empty() {
        return Err(fail(
            "matches",
            "`matches` must name at least one Eventlet object".to_string(),
        ));
    }
    if file.target.is_empty() {
        return Err(fail(
            "id",
            "the recipe defines no target (`[target.threading]`)".to_string(),
        ));
    }
    let mut targets = BTreeMap::new();
    let mut guide = BTreeMap::new();
    for (target, rules) in &file.target {
        let mut compiled = Vec::new();
        let target_imports = rules
            .imports
            .iter()
            .map(|i| ImportSpec::parse(i).map_err(|e| fail(i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        if rules.rules.is_empty() {
            return Err(fail(
                &format!("[target.{target}]"),
                format!("target {target} has no `[[target.{target}.rule]]`"),
            ));
        }
        check_facts(rules, &fail)?;
        let shared = shared_definitions(rules, &fail)?;
        for rule in &rules.rules {
            let target_wide = (&target_imports[..], &shared[..]);
            compiled.push(compile_rule(rule, rules, target_wide, &file, &fail)?);
        }
        targets.insert(*target, compiled);
        if let Some(g) = &rules.guide {
            guide.insert(*target, g.clone());
        }
    }
    Ok(Recipe {
        id: file.id,
        summary: file.summary,
        category: file.category,
        description: file.description,
        matches: file.matches,
        targets,
        guide,
        origin: path.to_string(),
        source: text.to_string(),
    })
}

/// Facts the object tracker records whatever the object is (see `objects::facts`).
pub(super) const OBJECT_FACTS: &[&str] = &[
    "any-attr",
    "escapes",
    "passed",
    "to-eventlet",
    "with",
    "test",
    "iter",
    "iter-again",
];

/// Suffixes of a method fact: `wait:used`.
pub(super) const METHOD_FACT_SUFFIXES: &[&str] = &["used", "args", "attr", "caught"];

/// Every fact in `uses-any`/`uses-none` names something the tracker records: one of
/// [`OBJECT_FACTS`], or a method the recipe's method rules declare for this target, with an
/// optional suffix. A typo (`wiat`) would otherwise never hold and silently match everything.
pub(super) fn check_facts(
    rules: &model::TargetRules,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<(), RecipeError> {
    let methods: HashSet<&str> = rules
        .methods
        .iter()
        .chain(rules.rules.iter().flat_map(|r| r.methods.iter()))
        .map(|m| m.name.as_str())
        .collect();
    let conditions = rules.rules.iter().map(|r| &r.when).chain(
        rules
            .methods
            .iter()
            .chain(rules.rules.iter().flat_map(|r| r.methods.iter()))
            .map(|m| &m.when),
    );
    for when in conditions {
        for fact in when.uses_any.iter().chain(&when.uses_none) {
            let (name, suffix) = match fact.split_once(':') {
                Some((name, suffix)) => (name, Some(suffix)),
                None => (fact.as_str(), None),
            };
            let known = match suffix {
                None => OBJECT_FACTS.contains(&name) || methods.contains(name),
                // `in-place:wait`: the object's only use is that method, where it is made.
                // `not-last:waitall`: a call of that method may be followed by another use.
                Some(method) if name == "in-place" || name == "not-last" => {
                    methods.contains(method)
                }
                Some(suffix) => methods.contains(name) && METHOD_FACT_SUFFIXES.contains(&suffix),
            };
            if !known {
                let mut valid: Vec<&str> = methods.iter().copied().collect();
                valid.sort_unstable();
                return Err(fail(
                    &format!("\"{fact}\""),
                    format!(
                        "unknown fact `{fact}`: facts are {}, or a method this recipe declares ({}) optionally followed by :{}, or in-place:<method>, not-last:<method>",
                        OBJECT_FACTS.join(", "),
                        valid.join(", "),
                        METHOD_FACT_SUFFIXES.join(" :")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Method rules, with the rules for the objects those methods return.
pub(super) fn compile_methods(
    method_rules: &[model::MethodRule],
    imports: &[ImportSpec],
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Vec<CompiledMethod>, RecipeError> {
    let mut methods = Vec::new();
    for method in method_rules {
        let mut actions = Vec::new();
        if let Some(r) = &method.rename {
            if !is_identifier(r) {
                return Err(fail(r, format!("`{r}` is not a method name")));
            }
            actions.push(MethodAction::Rename(r.clone()));
        }
        if let Some(t) = &method.replace {
            let template =
                Template::parse(t).map_err(|e| fail(t, format!("template `{t}`: {e}")))?;
            if template
                .holes()
                .iter()
                .any(|h| h.value == HoleValue::Target)
            {
                return Err(fail(
                    t,
                    "`{target}` is only available in `append-statement`".to_string(),
                ));
            }
            check_template(&template, imports, &[], false).map_err(|e| fail(t, e))?;
            actions.push(MethodAction::Replace(template));
        }
        if let Some(m) = &method.manual {
            actions.push(MethodAction::Manual(m.clone()));
        }
        let [action] = <[MethodAction; 1]>::try_from(actions).map_err(|_| {
            fail(
                &method.name,
                format!(
                    "method `{}` needs exactly one of rename, replace, manual",
                    method.name
                ),
            )
        })?;
        methods.push(CompiledMethod {
            name: method.name.clone(),
            when: method.when.clone(),
            last_use: method.last_use,
            safety: match action {
                MethodAction::Manual(_) => Safety::Manual,
                _ => method.safety.unwrap_or(Safety::Safe),
            },
            note: method.note.clone(),
            result: compile_methods(&method.result, imports, fail)?,
            bounded: compile_bounded(method, imports, fail)?,
            callback: compile_callback(method, fail)?,
            action,
        });
    }
    Ok(methods)
}

/// A method's `callback`: its new method names must be names.
fn compile_callback(
    method: &model::MethodRule,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Option<model::Callback>, RecipeError> {
    let Some(callback) = &method.callback else {
        return Ok(None);
    };
    if let Some(bad) = callback
        .methods
        .iter()
        .flat_map(|(old, new)| [old, new])
        .find(|name| !is_identifier(name))
    {
        return Err(fail(
            bad,
            format!("`callback.methods`: `{bad}` is not a method name"),
        ));
    }
    Ok(Some(callback.clone()))
}

/// A method's `bounded`: only for a rename (the call keeps its arguments, and takes one
/// more); what it raises is named with the rule's imports or is a builtin exception.
fn compile_bounded(
    method: &model::MethodRule,
    imports: &[ImportSpec],
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Option<crate::recipe::Bounding>, RecipeError> {
    use crate::recipe::{Bounding, Expiry};
    let Some(bounded) = &method.bounded else {
        return Ok(None);
    };
    if method.rename.is_none() {
        return Err(fail(
            &method.name,
            format!("method `{}`: `bounded` needs `rename`", method.name),
        ));
    }
    if !is_identifier(&bounded.keyword) {
        return Err(fail(
            &bounded.keyword,
            format!("`{}` is not an argument name", bounded.keyword),
        ));
    }
    let expiry = match (&bounded.raises, bounded.returns_false) {
        (Some(exception), false) => {
            let head = exception.split('.').next().unwrap_or_default();
            let dotted = exception.split('.').all(is_identifier);
            let named = !exception.contains('.') || imports.iter().any(|i| i.bound_name() == head);
            if !dotted || !named {
                return Err(fail(
                    exception,
                    format!("`{exception}` is not a builtin exception or a name the rule's imports bind"),
                ));
            }
            Expiry::Raises(exception.clone())
        }
        (None, true) => Expiry::ReturnsFalse,
        _ => {
            return Err(fail(
                &method.name,
                format!(
                    "method `{}`: `bounded` needs exactly one of `raises`, `returns-false`",
                    method.name
                ),
            ))
        }
    };
    Ok(Some(Bounding {
        keyword: bounded.keyword.clone(),
        args: bounded.args,
        expiry,
    }))
}

/// One rule; `target_imports` and `shared` (its target's `defines`) are compiled once per
/// target.
pub(super) fn compile_rule(
    rule: &Rule,
    rules: &model::TargetRules,
    (target_imports, shared): (&[ImportSpec], &[Definition]),
    file: &RecipeFile,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<CompiledRule, RecipeError> {
    let (kind, needle) = the_action(rule, fail)?;
    let mut imports = target_imports.to_vec();
    for i in &rule.imports {
        imports.push(ImportSpec::parse(i).map_err(|e| fail(i, e))?);
    }
    let mut defines = compile_definitions(&rule.defines).map_err(|(text, e)| fail(text, e))?;
    defines.extend(
        shared
            .iter()
            .filter(|d| replacement_names(rule, &d.name))
            .cloned(),
    );
    let action = match kind {
        "replace" | "replace-callee" | "replace-arg" => {
            replace_action(rule, (kind, needle), &imports, &defines, fail)?
        }
        "remove-statement" => {
            if rule.on != SiteKind::Call || rule.when.result != Some(ResultUse::Discarded) {
                return Err(fail(
                    "remove-statement",
                    "`remove-statement` needs `on = \"call\"` and `when = { result = \"discarded\" }`".to_string(),
                ));
            }
            Action::RemoveStatement
        }
        "module-map" => module_map_action(rule, file, fail)?,
        "leave" => {
            if rule.safety.is_some() || !rule.imports.is_empty() || rule.note.is_some() {
                return Err(fail(
                    "leave",
                    "a `leave` rule makes no edit: it takes no safety, imports or note".to_string(),
                ));
            }
            Action::Leave(needle.to_string())
        }
        _ => Action::Manual(needle.to_string()),
    };
    let safety = rule_safety(rule, rules, &action, fail)?;
    if (!rule.methods.is_empty() || rule.append_statement.is_some())
        && !matches!(action, Action::Replace(_) | Action::ReplaceCallee(_))
    {
        return Err(fail(
            "method",
            "`method` and `append-statement` need a `replace` or `replace-callee` action"
                .to_string(),
        ));
    }
    let append = append_template(rule, fail)?;
    let shared = rule.methods.is_empty()
        && rule.on == SiteKind::Call
        && matches!(action, Action::Replace(_) | Action::ReplaceCallee(_));
    if rule.shared_methods && rule.methods.is_empty() {
        return Err(fail(
            "shared-methods",
            "`shared-methods` puts the rule's own `method` table before the shared one; this rule has none".to_string(),
        ));
    }
    let method_rules: Vec<model::MethodRule> = match (shared, rule.shared_methods) {
        (true, _) => rules.methods.clone(),
        (false, true) => rule.methods.iter().chain(&rules.methods).cloned().collect(),
        (false, false) => rule.methods.clone(),
    };
    let methods = compile_methods(&method_rules, &imports, fail)?;
    if rule.with_argument.is_some()
        && (rule.when.arg_made_by.is_none() || !matches!(action, Action::Replace(_)))
    {
        return Err(fail(
            "with-argument",
            "`with-argument` needs `when.arg-made-by` (the argument it is rewritten with) and a `replace` action".to_string(),
        ));
    }
    let stops = stops_of(rule, &action, fail)?;
    Ok(CompiledRule {
        on: rule.on,
        when: rule.when.clone(),
        action,
        imports,
        safety,
        note: rule.note.clone().or_else(|| rules.note.clone()),
        append,
        defines,
        methods,
        allow_escape: rule.allow_escape,
        handed_to: rules.handed_to.clone(),
        with_argument: rule.with_argument.clone(),
        stops,
        last: rule.last,
        dual_mode: rule.dual_mode,
        requires_python: rule.requires_python,
    })
}

/// The rule's one action (`replace`, `replace-callee`, `remove-statement`, `module-map`,
/// `manual` or `leave`) and its text.
fn the_action<'r>(
    rule: &'r Rule,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<(&'static str, &'r str), RecipeError> {
    let mut actions = Vec::new();
    if let Some(t) = &rule.replace {
        actions.push(("replace", t.as_str()));
    }
    if let Some(t) = &rule.replace_callee {
        actions.push(("replace-callee", t.as_str()));
    }
    if let Some(t) = &rule.replace_arg {
        actions.push(("replace-arg", t.as_str()));
    }
    if rule.remove_statement {
        actions.push(("remove-statement", "remove-statement"));
    }
    if !rule.module_map.is_empty() {
        actions.push(("module-map", "module-map"));
    }
    if let Some(m) = &rule.manual {
        actions.push(("manual", m.as_str()));
    }
    if let Some(why) = &rule.leave {
        actions.push(("leave", why.as_str()));
    }
    let [(kind, needle)] = actions[..] else {
        return Err(fail(
            "[[target",
            format!(
                "each rule needs exactly one of replace, replace-callee, replace-arg, remove-statement, module-map, manual, leave (found {})",
                if actions.is_empty() { "none".to_string() } else { actions.iter().map(|a| a.0).collect::<Vec<_>>().join(", ") }
            ),
        ));
    };
    Ok((kind, needle))
}

/// A `replace` or `replace-callee` template, with the holes its site allows and the
/// imports and definitions it uses checked.
fn replace_action(
    rule: &Rule,
    (kind, needle): (&str, &str),
    imports: &[ImportSpec],
    defines: &[Definition],
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Action, RecipeError> {
    let template =
        Template::parse(needle).map_err(|e| fail(needle, format!("template `{needle}`: {e}")))?;
    if kind == "replace-callee" && rule.on != SiteKind::Call {
        return Err(fail(
            needle,
            "`replace-callee` needs `on = \"call\"`".to_string(),
        ));
    }
    let allowed_holes = kind == "replace" && rule.on == SiteKind::Call;
    if let Some(hole) = template.holes().into_iter().find(|h| {
        h.value == HoleValue::Target || (!allowed_holes && h.value != HoleValue::Receiver)
    }) {
        return Err(fail(
            needle,
            format!("hole {hole:?} is only available when replacing a whole call"),
        ));
    }
    // With methods, the imports may serve the method templates instead.
    let all_used = rule.methods.is_empty();
    check_template(&template, imports, defines, all_used).map_err(|e| fail(needle, e))?;
    match kind {
        "replace" => Ok(Action::Replace(template)),
        "replace-arg" if rule.on != SiteKind::Call || rule.when.arg.is_none() => Err(fail(
            needle,
            "`replace-arg` needs `on = \"call\"` and `when.arg` to say which argument".to_string(),
        )),
        "replace-arg" => Ok(Action::ReplaceArg(template)),
        _ => Ok(Action::ReplaceCallee(template)),
    }
}

/// A `module-map`: an entry for every matched module, each a module path.
fn module_map_action(
    rule: &Rule,
    file: &RecipeFile,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Action, RecipeError> {
    if rule.on != SiteKind::Module {
        return Err(fail(
            "module-map",
            "`module-map` needs `on = \"module\"`".to_string(),
        ));
    }
    let keys: HashSet<&String> = rule.module_map.keys().collect();
    let names: HashSet<&String> = file.matches.iter().collect();
    if let Some(missing) = names.difference(&keys).next() {
        return Err(fail(
            missing,
            format!("`{missing}` is matched but has no `module-map` entry"),
        ));
    }
    if let Some(extra) = keys.difference(&names).next() {
        return Err(fail(
            extra,
            format!("`module-map` entry `{extra}` is not in `matches`"),
        ));
    }
    for module in rule.module_map.values() {
        if module.is_empty() || !module.split('.').all(is_identifier) {
            return Err(fail(module, format!("`{module}` is not a module path")));
        }
    }
    Ok(Action::ModuleMap(rule.module_map.clone()))
}

/// The rule's safety: `manual` exactly for a `manual` action, else the rule's, the
/// target's, or `review`.
fn rule_safety(
    rule: &Rule,
    rules: &model::TargetRules,
    action: &Action,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Safety, RecipeError> {
    if matches!(action, Action::Manual(_)) && rule.safety.is_some_and(|s| s != Safety::Manual) {
        return Err(fail(
            "manual",
            "a `manual` rule cannot have a safety other than manual".to_string(),
        ));
    }
    if rule.requires_python.is_some() && matches!(action, Action::Manual(_) | Action::Leave(_)) {
        return Err(fail(
            "requires-python",
            "`requires-python` is for a rule that rewrites: this one makes no edit".to_string(),
        ));
    }
    let safety = match action {
        Action::Manual(_) => Safety::Manual,
        // Never shown: the site yields no fix.
        Action::Leave(_) => Safety::Safe,
        _ => rule.safety.or(rules.safety).unwrap_or(Safety::Review),
    };
    if safety == Safety::Manual && !matches!(action, Action::Manual(_)) {
        return Err(fail(
            "safety",
            "`safety = \"manual\"` needs a `manual` action with guidance".to_string(),
        ));
    }
    Ok(safety)
}

/// The `append-statement` template: statements using only `{target}`.
/// A rule's `stops`, its templates parsed: only for a `replace` whose object is followed
/// (its `kill()` is a method of the new object), each template over the sleep's arguments.
fn stops_of(
    rule: &Rule,
    action: &Action,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Option<CompiledStops>, RecipeError> {
    let Some(stops) = &rule.stops else {
        return Ok(None);
    };
    if rule.methods.is_empty() || !matches!(action, Action::Replace(_)) {
        return Err(fail(
            "stops",
            "`stops` needs a `replace` action and a `method` table (the new object's `kill()`)"
                .to_string(),
        ));
    }
    let condition = |key: &str, text: &str| -> Result<Template, RecipeError> {
        let template =
            Template::parse(text).map_err(|e| fail(key, format!("template `{text}`: {e}")))?;
        if template
            .holes()
            .iter()
            .any(|h| matches!(h.value, HoleValue::Target | HoleValue::Receiver))
        {
            return Err(fail(
                key,
                format!("`stops.{key}` `{text}` may only use the sleep's arguments"),
            ));
        }
        if !crate::syntax::names::mentions_word(text, &stops.parameter) {
            return Err(fail(
                key,
                format!(
                    "`stops.{key}` `{text}` must test the event, `{}`",
                    stops.parameter
                ),
            ));
        }
        Ok(template)
    };
    Ok(Some(CompiledStops {
        function: stops.function,
        parameter: stops.parameter.clone(),
        sleep: stops.sleep.clone(),
        wait: condition("wait", &stops.wait)?,
        yield_: condition("yield", &stops.yield_)?,
        blocking: stops.blocking.clone(),
    }))
}

fn append_template(
    rule: &Rule,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Option<Template>, RecipeError> {
    Ok(match &rule.append_statement {
        Some(text) => {
            let template =
                Template::parse(text).map_err(|e| fail(text, format!("template `{text}`: {e}")))?;
            if template
                .holes()
                .iter()
                .any(|h| h.value != HoleValue::Target)
            {
                return Err(fail(
                    text,
                    "`append-statement` may only use `{target}`".to_string(),
                ));
            }
            // One statement a line, each parsing on its own.
            let sample = template.sample("__target__");
            if let Err(e) = ruff_python_parser::parse_module(&sample) {
                return Err(fail(
                    text,
                    format!(
                        "`append-statement` `{text}` is not Python statements: {}",
                        e.error
                    ),
                ));
            }
            Some(template)
        }
        None => None,
    })
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The template must parse as a Python expression, and every name it introduces must come
/// from the rule's imports or definitions (or be a builtin); with `all_used`, every import
/// must serve the template or a definition.
pub(super) fn check_template(
    template: &Template,
    imports: &[ImportSpec],
    defines: &[Definition],
    all_used: bool,
) -> Result<(), String> {
    const PLACEHOLDER: &str = "__hole__";
    let sample = template.sample(PLACEHOLDER);
    let parsed = ruff_python_parser::parse_expression(&sample).map_err(|e| {
        format!(
            "template `{}` is not a Python expression: {}",
            template.source, e.error
        )
    })?;
    struct Names(Vec<String>, Vec<String>);
    impl<'a> Visitor<'a> for Names {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(name) if name.ctx == ExprContext::Load => {
                    self.0.push(name.id.to_string())
                }
                // Comprehension targets are bound by the template itself.
                Expr::Name(name) if name.ctx == ExprContext::Store => {
                    self.1.push(name.id.to_string())
                }
                Expr::Lambda(lambda) => {
                    // Parameters are bound by the template itself.
                    for p in lambda.parameters.iter().flat_map(|p| p.iter()) {
                        self.1.push(p.name().to_string());
                    }
                }
                _ => {}
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut names = Names(Vec::new(), Vec::new());
    names.visit_expr(parsed.expr());
    let bound = names.1;
    for name in names.0.into_iter().filter(|n| !bound.contains(n)) {
        let provided = name == PLACEHOLDER
            || imports.iter().any(|i| i.bound_name() == name)
            || defines.iter().any(|d| d.name == name)
            || ruff_python_stdlib::builtins::is_python_builtin(&name, 13, false);
        if !provided {
            return Err(format!(
                "template `{}` uses `{name}`, which no import of the rule provides",
                template.source
            ));
        }
    }
    for import in imports.iter().filter(|_| all_used) {
        let name = import.bound_name();
        if !sample.contains(name) && !defines.iter().any(|d| d.text.contains(name)) {
            return Err(format!(
                "import `{}` is not used by template `{}`",
                import.render(),
                template.source
            ));
        }
    }
    Ok(())
}

/// The target's shared `defines`; each must be named by some rule's replacement, else it
/// would never be written.
pub(super) fn shared_definitions(
    rules: &model::TargetRules,
    fail: &dyn Fn(&str, String) -> RecipeError,
) -> Result<Vec<Definition>, RecipeError> {
    let defines = compile_definitions(&rules.defines).map_err(|(text, e)| fail(text, e))?;
    for d in &defines {
        if !rules.rules.iter().any(|r| replacement_names(r, &d.name)) {
            return Err(fail(
                &d.name,
                format!(
                    "`{}` in the target's `defines` is named by no rule's `replace`",
                    d.name
                ),
            ));
        }
    }
    Ok(defines)
}

/// Whether the rule's `replace` or `replace-callee` names `name` (a shared definition).
fn replacement_names(rule: &Rule, name: &str) -> bool {
    [&rule.replace, &rule.replace_callee]
        .into_iter()
        .flatten()
        .any(|text| names_identifier(text, name))
}

/// Whether `text` contains `name` as a whole identifier (`FuturePile(` but not `MyFuturePile`).
fn names_identifier(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(is_ident)
            && !text[at + name.len()..].chars().next().is_some_and(is_ident)
    })
}

/// Each text must be exactly one class or function definition.
pub(super) fn compile_definitions(texts: &[String]) -> Result<Vec<Definition>, (&str, String)> {
    texts
        .iter()
        .map(|text| {
            let parsed = ruff_python_parser::parse_module(text).map_err(|e| {
                (
                    text.as_str(),
                    format!("`defines` does not parse: {}", e.error),
                )
            })?;
            let name = match &parsed.syntax().body[..] {
                [ruff_python_ast::Stmt::ClassDef(c)] => c.name.to_string(),
                [ruff_python_ast::Stmt::FunctionDef(f)] => f.name.to_string(),
                _ => {
                    return Err((
                        text.as_str(),
                        "`defines` must be one class or function definition".to_string(),
                    ))
                }
            };
            Ok(Definition {
                name,
                text: format!("{}\n", text.trim_end()),
            })
        })
        .collect()
}
