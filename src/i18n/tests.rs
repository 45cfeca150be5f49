//! The catalogue checks (every message in both languages, with the same variables, and
//! every id the code uses defined), plurals and number formats.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

use super::*;

/// Every message of a language with the variables it uses (in its value and its
/// variants, with the file it is in).
fn catalogue(lang: Lang) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut out = BTreeMap::new();
    for (file, text) in sources(lang) {
        let res = fluent_syntax::parser::parse(text).unwrap_or_else(|(_, errors)| {
            panic!("i18n/{}/{file} does not parse: {errors:?}", lang.code())
        });
        for entry in res.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                let prev = out.insert(m.id.name.to_string(), (file.to_string(), vars));
                assert!(
                    prev.is_none(),
                    "i18n/{}: message {} is defined twice",
                    lang.code(),
                    m.id.name
                );
            }
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, vars),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// The ids the code asks for: every `t!`, `later!` and `t_static` call with a literal id in
/// src/.
fn used_ids() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let bytes = text.as_bytes();
                let calls = text
                    .match_indices("t!(")
                    .chain(text.match_indices("later!("))
                    .chain(text.match_indices("t_static("));
                for (at, call) in calls {
                    let before = at.checked_sub(1).map(|i| bytes[i]);
                    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                        continue;
                    }
                    let rest = text[at + call.len()..].trim_start();
                    if let Some(lit) = rest.strip_prefix('"')
                        && let Some((id, _)) = lit.split_once('"')
                        && !id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        out.insert(id.to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut out,
    );
    out
}

#[test]
fn every_message_is_translated_with_the_same_variables() {
    let en = catalogue(Lang::En);
    let es = catalogue(Lang::Es);
    let mut problems = Vec::new();
    for (id, (file, vars)) in &en {
        match es.get(id) {
            None => problems.push(format!("{id} (i18n/en/{file}) has no Spanish translation")),
            Some((es_file, es_vars)) if es_vars != vars => problems.push(format!(
                "{id}: English uses {vars:?}, Spanish (i18n/es/{es_file}) {es_vars:?}"
            )),
            Some((es_file, _)) if es_file != file => problems.push(format!(
                "{id} is in i18n/en/{file} but in i18n/es/{es_file}"
            )),
            _ => {}
        }
    }
    for id in es.keys().filter(|id| !en.contains_key(*id)) {
        problems.push(format!("{id} is in Spanish but not in English"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(en.len() > 100, "only {} messages", en.len());
}

#[test]
fn every_message_the_code_uses_exists() {
    let en = catalogue(Lang::En);
    let used = used_ids();
    let missing: Vec<_> = used.iter().filter(|id| !en.contains_key(*id)).collect();
    assert!(missing.is_empty(), "no message for {missing:?}");
    assert!(used.len() > 100, "only {} ids found in src/", used.len());
}

#[test]
fn the_ftl_folders_hold_exactly_the_embedded_files() {
    for lang in Lang::ALL {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("i18n")
            .join(lang.code());
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "{}", dir.display());
    }
}

#[test]
fn both_bundles_load_and_format() {
    for lang in Lang::ALL {
        with(lang, || {
            let s = t!("word-on");
            assert!(!s.is_empty() && s != "word-on", "{lang:?}: {s}");
        });
    }
    assert_eq!(with(Lang::En, || t!("word-on")), "on");
    assert_eq!(with(Lang::Es, || t!("word-on")), "activado");
}

#[test]
fn a_later_message_is_put_into_words_in_the_language_current_when_shown() {
    let inner = with(Lang::Es, || {
        crate::later!("grant-no-unit", manager = "the system manager", own = "/a")
    });
    let outer = crate::later!(
        "grant-scope",
        why = inner,
        manager = "the system manager",
        slice = "system.slice"
    );
    let en = "the system manager has no unit for limitlab's cgroup /a, so limitlab asks the system manager for a delegated scope of its own (limitlab-<pid>.scope in system.slice)";
    assert_eq!(with(Lang::En, || outer.text()), en);
    assert_eq!(
        with(Lang::Es, || outer.text()),
        "the system manager no tiene ninguna unidad para el cgroup /a de limitlab, así que limitlab le pide a systemd (the system manager) un scope delegado propio (limitlab-<pid>.scope en system.slice)"
    );
    // Taking it down is not saying it: the same words whichever language it was taken in.
    assert_eq!(with(Lang::Es, || outer.clone()), outer);
    let counted = crate::later!("grant-and-shared", others = count(2).ungrouped());
    assert_eq!(
        with(Lang::En, || counted.text()),
        with(Lang::En, || t!(
            "grant-and-shared",
            others = count(2).ungrouped()
        ))
    );
    assert_eq!(Later::from("as it is").text(), "as it is");
}

#[test]
fn locale_picks_the_language() {
    assert_eq!(Lang::of_locale("es_CO.UTF-8"), Lang::Es);
    assert_eq!(Lang::of_locale("es"), Lang::Es);
    assert_eq!(Lang::of_locale("es_ES@euro"), Lang::Es);
    assert_eq!(Lang::of_locale("en_US.UTF-8"), Lang::En);
    assert_eq!(Lang::of_locale("C"), Lang::En);
    assert_eq!(Lang::of_locale("C.UTF-8"), Lang::En);
    assert_eq!(Lang::of_locale("fr_FR.UTF-8"), Lang::En);
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Lang::from_vars(env(&[])), Lang::En);
    assert_eq!(Lang::from_vars(env(&[("LANG", "es_CO.UTF-8")])), Lang::Es);
    assert_eq!(
        Lang::from_vars(env(&[("LANG", "es_CO.UTF-8"), ("LC_MESSAGES", "C")])),
        Lang::En
    );
    assert_eq!(
        Lang::from_vars(env(&[("LC_ALL", "es_CO.UTF-8"), ("LC_MESSAGES", "C")])),
        Lang::Es
    );
    assert_eq!(
        Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "es_CO.UTF-8")])),
        Lang::Es
    );
}

#[test]
fn numbers_follow_the_language() {
    with(Lang::En, || {
        assert_eq!(fixed(1000.5, 1), "1000.5");
        assert_eq!(group(48211.0), "48,211");
        assert_eq!(number("5.0 s".into()), "5.0 s");
    });
    with(Lang::Es, || {
        assert_eq!(fixed(1000.5, 1), "1.000,5");
        assert_eq!(fixed(-1234567.25, 2), "-1.234.567,25");
        assert_eq!(fixed(12.0, 0), "12");
        assert_eq!(fixed(0.5, 3), "0,500");
        assert_eq!(group(48211.0), "48.211");
        assert_eq!(group(100.0), "100");
        assert_eq!(number("5.0 s".into()), "5,0 s");
        assert_eq!(number("1,234.5".into()), "1.234,5");
    });
}

#[test]
fn counts_pick_the_plural_form() {
    with(Lang::En, || {
        assert_eq!(t!("sweep-peak", peak = count(1)), "at most 1 task at once");
        assert_eq!(t!("sweep-peak", peak = count(2)), "at most 2 tasks at once");
        assert_eq!(t!("sweep-peak", peak = count(0)), "at most 0 tasks at once");
        assert_eq!(
            t!("sweep-peak", peak = count(1.0)),
            "at most 1 task at once"
        );
        assert_eq!(
            t!("sweep-forks-refused", count = count(1)),
            "1 fork refused"
        );
    });
    with(Lang::Es, || {
        assert_eq!(
            t!("sweep-peak", peak = count(1)),
            "como mucho 1 tarea a la vez"
        );
        assert_eq!(
            t!("sweep-peak", peak = count(2)),
            "como mucho 2 tareas a la vez"
        );
        assert_eq!(
            t!("sweep-peak", peak = count(0)),
            "como mucho 0 tareas a la vez"
        );
        assert_eq!(
            t!("sweep-forks-refused", count = count(1)),
            "1 fork rechazado"
        );
        assert_eq!(
            t!("sweep-forks-refused", count = count(3)),
            "3 forks rechazados"
        );
    });
}

#[test]
fn counts_show_in_the_language_s_format() {
    with(Lang::En, || {
        assert_eq!(
            t!("sweep-peak", peak = count(1000)),
            "at most 1,000 tasks at once"
        );
        assert_eq!(
            t!("sweep-peak", peak = count(1000).ungrouped()),
            "at most 1000 tasks at once"
        );
        assert_eq!(
            t!("sweep-forks-refused", count = count(3610.0)),
            format!("{} forks refused", group(3610.0))
        );
    });
    with(Lang::Es, || {
        assert_eq!(
            t!("sweep-peak", peak = count(1000)),
            "como mucho 1.000 tareas a la vez"
        );
        assert_eq!(
            t!("sweep-forks-refused", count = count(1_234_567_u64)),
            "1.234.567 forks rechazados"
        );
        assert_eq!(
            t!("sweep-peak", peak = count(1000).ungrouped()),
            "como mucho 1000 tareas a la vez"
        );
    });
}

#[test]
fn text_arguments_read_as_before() {
    // A number passed as text is shown as it is and takes the default (plural) form.
    with(Lang::En, || {
        assert_eq!(
            t!("sweep-peak", peak = "an unknown number of"),
            "at most an unknown number of tasks at once"
        );
        assert_eq!(t!("term-results", dir = 42), "results: 42");
    });
}

/// Every selector on a variable (a count) has a `[one]` variant and `*[other]` as its
/// default, in both languages, so that no count reads "1 tasks" or lacks a form.
#[test]
fn every_plural_has_one_and_other() {
    fn check(p: &ast::Pattern<&str>, id: &str, problems: &mut Vec<String>) {
        for el in &p.elements {
            let ast::PatternElement::Placeable { expression } = el else {
                continue;
            };
            if let ast::Expression::Select { selector, variants } = expression {
                if let ast::InlineExpression::VariableReference { id: var } = selector {
                    let key = |v: &ast::Variant<&str>| match &v.key {
                        ast::VariantKey::Identifier { name } => name.to_string(),
                        ast::VariantKey::NumberLiteral { value } => value.to_string(),
                    };
                    let default = variants.iter().find(|v| v.default).map(key);
                    if default.as_deref() != Some("other")
                        || !variants.iter().any(|v| key(v) == "one")
                    {
                        problems.push(format!("{id}: ${} needs [one] and *[other]", var.name));
                    }
                }
                for v in variants {
                    check(&v.value, id, problems);
                }
            }
        }
    }
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for (file, text) in sources(lang) {
            let res = fluent_syntax::parser::parse(text).unwrap();
            for entry in res.body {
                if let ast::Entry::Message(m) = entry
                    && let Some(p) = &m.value
                {
                    check(
                        p,
                        &format!("i18n/{}/{file}: {}", lang.code(), m.id.name),
                        &mut problems,
                    );
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
