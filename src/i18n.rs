//! The language a person reads: English (the default) or Spanish.
//!
//! Every sentence is a Fluent message in `i18n/<lang>/*.ftl`, embedded at compile time and
//! looked up with [`t!`](crate::t). The language is `--lang`, else the locale (`LC_ALL`, then
//! `LC_MESSAGES`, then `LANG`: `es_CO.UTF-8` → Spanish), else English. Numbers follow it:
//! `1,000.5` in English, `1.000,5` in Spanish. Metric names, keys and file names are never
//! translated. Arguments are passed as text, already formatted by the helpers here, so an
//! English message reads byte for byte as it did before Fluent; a count is passed as a
//! number ([`count`]), so that a message picks its plural form (`{ $n -> [one] … *[other] … }`)
//! by the language's plural rules, and shows it as [`group`] would.

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
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
pub const FILES: [&str; 12] = [
    "report.ftl",
    "charts.ftl",
    "cli.ftl",
    "errors.ftl",
    "fleet.ftl",
    "help.ftl",
    "checks.ftl",
    "values.ftl",
    "outputs.ftl",
    "runtime.ftl",
    "catalogue.ftl",
    "plan.ftl",
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
            include_str!(concat!("../i18n/", $lang, "/outputs.ftl")),
            include_str!(concat!("../i18n/", $lang, "/runtime.ftl")),
            include_str!(concat!("../i18n/", $lang, "/catalogue.ftl")),
            include_str!(concat!("../i18n/", $lang, "/plan.ftl")),
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

/// The bundle of `lang`, parsed the first time it is used: a process parses only the
/// languages it speaks (and English where a message falls back to it), not both languages'
/// ~1,000 messages at its first one.
fn bundle_of(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 2] =
        [OnceLock::new(), OnceLock::new()];
    BUNDLES[lang as usize].get_or_init(|| bundle(lang))
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a valid language id");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the text goes to terminals, Markdown,
    // HTML and SVG, where they would show as stray characters.
    b.set_use_isolating(false);
    // Counts show in the language's digit grouping (`3,610`, `3.610`), as `group` writes them.
    b.set_formatter(Some(match lang {
        Lang::En => |v, _| show_count(Lang::En, v),
        Lang::Es => |v, _| show_count(Lang::Es, v),
    }));
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

/// Parses the current language's messages now (once per process), for a thread that must
/// not stop to parse them at its first sentence: the real-time sampler says a limit hit
/// the moment it sees one, and parsing ~1,000 messages there would take it ~1 ms.
pub fn ready() {
    bundle_of(current());
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

/// The message `id` in the current language with its arguments. A message missing from a
/// translation falls back to English; one missing from English is its id (the tests in this
/// module make both impossible for the ids the code uses).
pub fn tr(id: &str, args: &[(&str, Arg)]) -> String {
    message(current(), id, args)
        .or_else(|| message(Lang::En, id, args))
        .unwrap_or_else(|| id.to_string())
}

/// The message `id` in `lang`, if that language has it.
pub fn message(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let b = bundle_of(lang);
    let pattern = b.get_message(id)?.value()?;
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, v.value());
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

/// An argument of a message: text, or a [`Count`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Count(Count),
}

impl Arg {
    fn value(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(t) => FluentValue::from(t.as_str()),
            Arg::Count(c) => FluentValue::Number(FluentNumber::new(
                c.n,
                FluentNumberOptions {
                    use_grouping: c.grouped,
                    ..Default::default()
                },
            )),
        }
    }
}

/// What [`t!`](crate::t) makes of a value: a [`Count`] stays a number, anything else that
/// is `Display` becomes its text.
pub trait ToArg {
    fn to_arg(&self) -> Arg;
}

impl<T: std::fmt::Display + ?Sized> ToArg for T {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.to_string())
    }
}

impl ToArg for Count {
    fn to_arg(&self) -> Arg {
        Arg::Count(*self)
    }
}

impl ToArg for Arg {
    fn to_arg(&self) -> Arg {
        self.clone()
    }
}

/// A whole number a message counts things with: `t!("sweep-peak", peak = count(50))`.
/// Fluent picks the plural form from it (`1 task`, `2 tasks`; `1 tarea`, `2 tareas`), and
/// it shows as [`group`] writes it (`3,610`, `3.610` in Spanish), or, [`Count::ungrouped`],
/// as plain digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count {
    n: f64,
    grouped: bool,
}

/// A [`Count`] of `n` (rounded to a whole number, as [`group`] rounds it).
pub fn count(n: impl Into<Counted>) -> Count {
    Count {
        n: n.into().0.round(),
        grouped: true,
    }
}

impl Count {
    /// The count shown as plain digits (`1000`), as `format!` writes an integer.
    pub fn ungrouped(self) -> Count {
        Count {
            grouped: false,
            ..self
        }
    }
}

/// What [`count`] takes: a metric's value (`f64`) or a number of things.
pub struct Counted(f64);

macro_rules! counted_from {
    ($($t:ty),*) => {
        $(impl From<$t> for Counted {
            fn from(n: $t) -> Counted {
                Counted(n as f64)
            }
        })*
    };
}
counted_from!(f64, u32, u64, usize, i32, i64);

/// How a bundle shows a number: a count as [`group`] would in `lang` (or as plain digits);
/// anything else as Fluent does.
fn show_count(lang: Lang, v: &FluentValue) -> Option<String> {
    let FluentValue::Number(n) = v else {
        return None;
    };
    if n.value.fract() != 0.0 || n.options.minimum_fraction_digits.is_some() {
        return None;
    }
    let whole = n.value as i64;
    Some(if n.options.use_grouping {
        group_in(lang, whole)
    } else {
        whole.to_string()
    })
}

/// A message in the current language: `t!("verdict-held")`, `t!("term-results", dir = d)`,
/// `t!("sweep-peak", peak = i18n::count(50))`. Arguments are anything `Display`, passed as
/// text, or a [`Count`], passed as a number.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::tr($id, &[])
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::tr($id, &[$((stringify!($k), $crate::i18n::ToArg::to_arg(&$v))),+])
    };
}

/// A message taken down now and put into words when it is shown, in the language current
/// then: for a sentence a caller may never show (why a run's cgroups come from where they
/// do), so that making it parses no Fluent bundle. [`later!`](crate::later) makes one;
/// an argument that is itself a `Later` is put into words with it.
#[derive(Debug, Clone, PartialEq)]
pub enum Later {
    Message {
        id: &'static str,
        args: Vec<(&'static str, Part)>,
    },
    /// A sentence that is already words (a test's, an internal command's).
    Words(String),
}

/// An argument of a [`Later`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Now(Arg),
    Later(Later),
}

impl Later {
    /// The message in the current language.
    pub fn text(&self) -> String {
        match self {
            Later::Words(w) => w.clone(),
            Later::Message { id, args } => {
                let args: Vec<(&str, Arg)> = args
                    .iter()
                    .map(|(k, p)| match p {
                        Part::Now(a) => (*k, a.clone()),
                        Part::Later(l) => (*k, Arg::Text(l.text())),
                    })
                    .collect();
                tr(id, &args)
            }
        }
    }
}

impl From<String> for Later {
    fn from(w: String) -> Later {
        Later::Words(w)
    }
}

impl From<&str> for Later {
    fn from(w: &str) -> Later {
        Later::Words(w.to_string())
    }
}

/// What [`later!`](crate::later) makes of a value: a [`Later`] stays one, anything
/// [`ToArg`] takes is taken down as it would pass it.
pub trait ToPart {
    fn to_part(&self) -> Part;
}

impl<T: ToArg + ?Sized> ToPart for T {
    fn to_part(&self) -> Part {
        Part::Now(self.to_arg())
    }
}

impl ToPart for Later {
    fn to_part(&self) -> Part {
        Part::Later(self.clone())
    }
}

/// A [`Later`]: `later!("grant-no-systemd", own = o)`, with [`t!`](crate::t)'s arguments.
#[macro_export]
macro_rules! later {
    ($id:literal) => {
        $crate::i18n::Later::Message { id: $id, args: Vec::new() }
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::Later::Message {
            id: $id,
            args: vec![$((stringify!($k), $crate::i18n::ToPart::to_part(&$v))),+],
        }
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
    group_in(current(), v.round() as i64)
}

fn group_in(lang: Lang, n: i64) -> String {
    let sep = match lang {
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
mod tests;
