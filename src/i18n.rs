//! The language a person reads: English (the default) or Spanish.
//!
//! Every sentence is a Fluent message in `i18n/<lang>/*.ftl`, embedded at compile time and
//! looked up with [`t!`](crate::t). The language is `--lang`, else the locale (`LC_ALL`, then
//! `LC_MESSAGES`, then `LANG`: `es_CO.UTF-8` → Spanish), else English. Numbers follow it:
//! `1,000.5` in English, `1.000,5` in Spanish. Metric names, keys and file names are never
//! translated. Arguments are passed as text, already formatted by the helpers here, so an
//! English message reads byte for byte as it did before Fluent.

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language limitlab speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English (the default)
    En,
    /// Spanish (español)
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// `en`, `es`: the folder under `i18n/` and the HTML `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language of a locale name (`es_CO.UTF-8`, `es`, `en_US`, `C`): Spanish for any
    /// `es…`, English for everything else.
    pub fn of_locale(locale: &str) -> Lang {
        let lang = locale.split(['_', '.', '@', '-']).next().unwrap_or("");
        if lang.eq_ignore_ascii_case("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The language the environment asks for: the first of `LIMITLAB_LANG` (what a harness
    /// run with `--lang` hands its sandbox's processes), `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// (POSIX's order) that is set and not empty, English when none is.
    pub fn from_env() -> Lang {
        Lang::from_vars(|k| std::env::var(k).ok())
    }

    /// [`Lang::from_env`] over any variable lookup.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        [LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()))
            .map(|v| Lang::of_locale(&v))
            .unwrap_or(Lang::En)
    }
}

/// The variable a harness sets for the processes it starts, so that they speak `--lang`.
pub const LANG_ENV: &str = "LIMITLAB_LANG";

/// The Fluent files of each language, in the order they are loaded.
pub const FILES: [&str; 8] = [
    "report.ftl",
    "charts.ftl",
    "cli.ftl",
    "errors.ftl",
    "fleet.ftl",
    "help.ftl",
    "checks.ftl",
    "values.ftl",
];

macro_rules! ftl_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../i18n/", $lang, "/report.ftl")),
            include_str!(concat!("../i18n/", $lang, "/charts.ftl")),
            include_str!(concat!("../i18n/", $lang, "/cli.ftl")),
            include_str!(concat!("../i18n/", $lang, "/errors.ftl")),
            include_str!(concat!("../i18n/", $lang, "/fleet.ftl")),
            include_str!(concat!("../i18n/", $lang, "/help.ftl")),
            include_str!(concat!("../i18n/", $lang, "/checks.ftl")),
            include_str!(concat!("../i18n/", $lang, "/values.ftl")),
        ]
    };
}

/// The embedded text of every Fluent file of `lang`, with its name.
pub fn sources(lang: Lang) -> [(&'static str, &'static str); FILES.len()] {
    let texts = match lang {
        Lang::En => ftl_files!("en"),
        Lang::Es => ftl_files!("es"),
    };
    let mut out = [("", ""); FILES.len()];
    for (i, text) in texts.into_iter().enumerate() {
        out[i] = (FILES[i], text);
    }
    out
}

fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a valid language id");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the text goes to terminals, Markdown,
    // HTML and SVG, where they would show as stray characters.
    b.set_use_isolating(false);
    for (name, text) in sources(lang) {
        let res = FluentResource::try_new(text.to_string())
            .unwrap_or_else(|(_, e)| panic!("i18n/{}/{name} does not parse: {e:?}", lang.code()));
        b.add_resource(res)
            .unwrap_or_else(|e| panic!("i18n/{}/{name}: {e:?}", lang.code()));
    }
    b
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static OVERRIDE: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Sets the language of this process (the CLI does, once, from `--lang` or the locale).
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language text is produced in now.
pub fn current() -> Lang {
    OVERRIDE.with(|o| o.get()).unwrap_or_else(|| {
        if CURRENT.load(Ordering::Relaxed) == Lang::Es as u8 {
            Lang::Es
        } else {
            Lang::En
        }
    })
}

/// Runs `f` with text in `lang` on this thread (tests render both languages in one process).
pub fn with<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    let before = OVERRIDE.with(|o| o.replace(Some(lang)));
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|o| o.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// The message `id` in the current language with its arguments (all text). A message
/// missing from a translation falls back to English; one missing from English is its id
/// (the tests in this module make both impossible for the ids the code uses).
pub fn tr(id: &str, args: &[(&str, String)]) -> String {
    message(current(), id, args)
        .or_else(|| message(Lang::En, id, args))
        .unwrap_or_else(|| id.to_string())
}

/// The message `id` in `lang`, if that language has it.
pub fn message(lang: Lang, id: &str, args: &[(&str, String)]) -> Option<String> {
    let b = &bundles()[lang as usize];
    let pattern = b.get_message(id)?.value()?;
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, FluentValue::from(v.as_str()));
    }
    let mut errors = Vec::new();
    let text = b
        .format_pattern(pattern, Some(&fa), &mut errors)
        .into_owned();
    debug_assert!(
        errors.is_empty(),
        "i18n/{}: message {id}: {errors:?}",
        lang.code()
    );
    Some(text)
}

/// A message in the current language: `t!("verdict-held")`, `t!("term-results", dir = d)`.
/// Arguments are anything `Display`, passed as text.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::tr($id, &[])
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::tr($id, &[$((stringify!($k), ($v).to_string())),+])
    };
}

/// [`tr`] of an argument-free message as a `&'static str`, for the few labels kept in
/// `'static` fields (chart event labels, axis names): each (language, id) is made once.
pub fn t_static(id: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static MADE: Mutex<Option<HashMap<(u8, &'static str), &'static str>>> = Mutex::new(None);
    let lang = current();
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    made.get_or_insert_with(HashMap::new)
        .entry((lang as u8, id))
        .or_insert_with(|| Box::leak(tr(id, &[]).into_boxed_str()))
}

/// A number as English formats it (`1,234.5`, `5.0 s`, `48,211`), in the current
/// language's format: unchanged in English; in Spanish the decimal point and the
/// thousands separator swap (`1.234,5`, `5,0 s`, `48.211`). Only for text that is a
/// formatted number (and its unit), never for a sentence.
pub fn number(english: String) -> String {
    match current() {
        Lang::En => english,
        Lang::Es => english
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

/// `v` with `decimals` decimals: `1000.5` in English (as `format!` writes it, no grouping),
/// `1.000,5` in Spanish (grouped from four digits on).
pub fn fixed(v: f64, decimals: usize) -> String {
    let english = format!("{v:.decimals$}");
    match current() {
        Lang::En => english,
        Lang::Es => {
            let (sign, body) = match english.strip_prefix('-') {
                Some(b) => ("-", b),
                None => ("", english.as_str()),
            };
            let (int, frac) = body.split_once('.').unwrap_or((body, ""));
            let mut out = String::from(sign);
            out.push_str(&group_digits(int, '.'));
            if !frac.is_empty() {
                out.push(',');
                out.push_str(frac);
            }
            out
        }
    }
}

/// `48211.0` → `48,211` (English), `48.211` (Spanish).
pub fn group(v: f64) -> String {
    let n = v.round() as i64;
    let sep = match current() {
        Lang::En => ',',
        Lang::Es => '.',
    };
    let digits = group_digits(&n.unsigned_abs().to_string(), sep);
    if n < 0 { format!("-{digits}") } else { digits }
}

fn group_digits(digits: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The text of the current language from an English one and an optional Spanish one.
pub fn pick(en: &Option<String>, es: &Option<String>) -> Option<String> {
    match current() {
        Lang::Es => es.clone().or_else(|| en.clone()),
        Lang::En => en.clone(),
    }
}

/// A yes/no word.
pub fn on_off(on: bool) -> String {
    if on { t!("word-on") } else { t!("word-off") }
}

#[cfg(test)]
mod tests {
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

    /// The ids the code asks for: every `t!` and `t_static` call with a literal id in src/.
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
}
