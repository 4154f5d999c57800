//! What `monkey_patch()` calls patch, and which patched modules a replacement needs to run
//! green on the hub.

use std::collections::BTreeSet;

use ruff_python_ast::{Expr, ExprCall};

use crate::recipe::model::ProcessData;

/// What a `monkey_patch(...)` call patches, as `eventlet.patcher.monkey_patch` decides:
/// `all` (when given) or else "no flag is True" is the default for every flag not named;
/// the explicit-only flags (`MySQLdb`, `builtins`) default to off. `None` when an argument is
/// not a literal boolean keyword.
pub fn monkey_patch_flags(call: &ExprCall, data: &ProcessData) -> Option<BTreeSet<String>> {
    if !call.arguments.args.is_empty() {
        return None;
    }
    let mut given: std::collections::BTreeMap<String, bool> = Default::default();
    let mut all: Option<bool> = None;
    for keyword in &call.arguments.keywords {
        let name = keyword.arg.as_ref()?.as_str();
        let Expr::BooleanLiteral(value) = &keyword.value else {
            return None;
        };
        if name == "all" {
            all = Some(value.value);
        } else {
            given.insert(name.to_string(), value.value);
        }
    }
    let default_on = all.unwrap_or(!given.values().any(|v| *v));
    let accepted = data.default_flags.iter().chain(&data.explicit_flags);
    Some(
        accepted
            .filter(|flag| match given.get(flag.as_str()) {
                Some(on) => *on,
                None => default_on && !data.explicit_flags.contains(flag),
            })
            .cloned()
            .collect(),
    )
}

/// The flags a replacement needs where its process stays on the hub: one per module it
/// imports that runs green only when patched.
pub fn needed_flags<'a>(
    modules: impl IntoIterator<Item = &'a str>,
    data: &ProcessData,
) -> BTreeSet<String> {
    modules
        .into_iter()
        .filter_map(|m| data.flag_for(m))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ProcessData {
        let names: crate::recipe::model::NamesFile =
            toml::from_str(include_str!("../../transforms/names.toml")).expect("names.toml");
        names.process
    }

    fn flags(call: &str) -> Option<Vec<String>> {
        let parsed = ruff_python_parser::parse_expression(call).expect("parses");
        let Expr::Call(call) = parsed.expr() else {
            panic!("not a call");
        };
        monkey_patch_flags(call, &data()).map(|f| f.into_iter().collect())
    }

    fn set(names: &[&str]) -> Option<Vec<String>> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort();
        Some(v)
    }

    #[test]
    fn monkey_patch_flags_follow_eventlets_rules() {
        let all = [
            "os",
            "psycopg",
            "select",
            "socket",
            "subprocess",
            "thread",
            "time",
        ];
        assert_eq!(flags("monkey_patch()"), set(&all));
        assert_eq!(flags("monkey_patch(socket=True)"), set(&["socket"]));
        assert_eq!(
            flags("monkey_patch(os=False)"),
            set(&[
                "psycopg",
                "select",
                "socket",
                "subprocess",
                "thread",
                "time"
            ])
        );
        assert_eq!(
            flags("monkey_patch(all=False, socket=True, select=True, thread=True)"),
            set(&["select", "socket", "thread"])
        );
        assert_eq!(flags("monkey_patch(all=False)"), set(&[]));
        assert_eq!(
            flags("monkey_patch(all=True, socket=False)"),
            set(&["os", "psycopg", "select", "subprocess", "thread", "time"])
        );
        assert_eq!(flags("monkey_patch(MySQLdb=True)"), set(&["MySQLdb"]));
        assert_eq!(flags("monkey_patch(thread=use_threads)"), None);
        assert_eq!(flags("monkey_patch(**kwargs)"), None);
    }

    #[test]
    fn replacements_need_the_flag_of_each_module_they_import() {
        let needed = needed_flags(["time", "concurrent.futures", "importlib"], &data());
        assert_eq!(
            needed.into_iter().collect::<Vec<_>>(),
            vec!["thread".to_string(), "time".to_string()]
        );
    }
}
