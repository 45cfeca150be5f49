//! `--help` in the language of the command line.
//!
//! The derive in [`super::Cli`] writes the English help from the doc comments, and English
//! parses with it untouched: `--help`, the man page and the completions stay what clap makes
//! of it. For Spanish, [`localized`] takes the same [`Command`] and puts in every text from
//! `i18n/es/help.ftl`, under an id that says where the text sits ([`texts`]): `help-run` (what
//! `run` does), `help-run-long` (its long form), `help-run-after` (after the options),
//! `help-run-out` (`--out`), `help-run-out-long`, `help-limitlab-lang-es` (a possible value),
//! `help-limitlab…` for the top level. What
//! clap writes itself comes from the `help-clap-…` messages: the headings (through a help
//! template), `[default: …]` and the other notes after an option's help (hidden from clap and
//! written here), the `-h`, `-V` flags and the `help` subcommand (defined here in its place),
//! and the parse errors ([`Errors`]). `i18n/en/help.ftl` holds the English of every id, the
//! same text as the doc comments (a test checks that the two render alike).

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::builder::{PossibleValue, StyledStr, Styles};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches, Parser, ValueEnum};

use super::Cli;
use crate::i18n::{self, Lang};
use crate::t;

mod errors;
mod usage;
pub use errors::Errors;

/// The id of the top-level command's texts.
pub const ROOT: &str = "help-limitlab";

/// Parses this command line (`args` as `std::env::args_os` gives them) in the language it
/// asks for, and sets that language for the process. Exits on `--help`, `--version` and a
/// usage error, as clap does. English parses with the derive as it is, and so do the
/// internal commands (`__init`, `__workload`, …) in any language: limitlab starts them
/// itself, for every sandbox and workload, and building the Spanish help would double the
/// time their command line takes.
pub fn parse(args: Vec<OsString>) -> Cli {
    let lang = lang_of(&args);
    i18n::set(lang);
    if lang == Lang::En || internal(&args) {
        return <Cli as Parser>::parse_from(args);
    }
    try_parse_from(args, lang).unwrap_or_else(|e| e.exit())
}

/// Whether the command line runs one of the hidden commands whose names start with `__`.
fn internal(args: &[OsString]) -> bool {
    let mut words = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        match word {
            "--lang" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return w.starts_with("__"),
        }
    }
    false
}

/// [`parse`] without exiting, in `lang`: a help page or a usage error is the `Err`, rendered
/// in `lang` (in English exactly as the derive would, except for the error's formatter).
pub fn try_parse_from(args: Vec<OsString>, lang: Lang) -> Result<Cli, clap::error::Error<Errors>> {
    let mut cmd = usage::command(&args, lang);
    let mut matches = cmd
        .try_get_matches_from_mut(help_as_flag(&Cli::command(), args))
        .map_err(|e| e.apply::<Errors>())?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd).apply::<Errors>())
}

/// The language a command line asks for before clap has parsed it: the last `--lang es|en`
/// (or `--lang=es`) before a `--`, else the environment's ([`Lang::from_env`]). A value that
/// is not a language is left to clap to refuse.
pub fn lang_of(args: &[OsString]) -> Lang {
    let parse = |v: &str| <Lang as ValueEnum>::from_str(v, false).ok();
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_str());
    while let Some(arg) = it.next() {
        match arg {
            Some("--") => break,
            Some("--lang") => found = it.next().flatten().and_then(parse).or(found),
            Some(a) => {
                if let Some(v) = a.strip_prefix("--lang=") {
                    found = parse(v).or(found);
                }
            }
            None => {}
        }
    }
    found.unwrap_or_else(Lang::from_env)
}

/// `limitlab help run` as `limitlab run --help` (and `limitlab __workload help forkbomb` as
/// `limitlab __workload forkbomb --help`), which is what clap's own `help` subcommand prints;
/// the one [`localized`] lists in its place only stands for it.
fn help_as_flag(cmd: &Command, mut args: Vec<OsString>) -> Vec<OsString> {
    let mut cmd = cmd;
    let mut i = 1;
    while let Some(arg) = args.get(i).and_then(|a| a.to_str()) {
        match arg {
            "--" => break,
            "--lang" => i += 2,
            a if a.starts_with('-') => i += 1,
            "help" if cmd.has_subcommands() => {
                args.remove(i);
                args.push("--help".into());
                break;
            }
            name => match cmd.find_subcommand(name) {
                Some(sc) => {
                    cmd = sc;
                    i += 1;
                }
                None => break,
            },
        }
    }
    args
}

/// One text the help shows, with the id of its message; `None` for a visible argument that
/// has no help at all (nothing to translate, nothing shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub id: String,
    pub english: Option<String>,
}

/// Every text the help of `cmd` (the derive's [`Cli::command`]) shows for itself and its
/// visible subcommands, arguments and possible values, in the order of the tree. Hidden
/// subcommands and arguments are left out.
pub fn texts(cmd: &Command) -> Vec<Text> {
    let mut out = Vec::new();
    walk(cmd, ROOT, &mut out);
    out
}

fn walk(cmd: &Command, base: &str, out: &mut Vec<Text>) {
    fn push(out: &mut Vec<Text>, id: String, text: Option<&StyledStr>) {
        if let Some(t) = text {
            let english = Some(t.to_string());
            out.push(Text { id, english });
        }
    }
    for (get, _, suffix) in COMMAND_TEXTS {
        push(out, format!("{base}{suffix}"), get(cmd));
    }
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let id = arg_id(base, a);
        if a.get_help().is_none() && a.get_long_help().is_none() {
            let (id, english) = (id.clone(), None);
            out.push(Text { id, english });
        }
        push(out, id.clone(), a.get_help());
        push(out, format!("{id}-long"), a.get_long_help());
        for pv in possible_values(a) {
            push(out, value_id(&id, &pv), pv.get_help());
        }
    }
    for sc in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        walk(sc, &child_id(base, sc.get_name()), out);
    }
}

fn child_id(base: &str, name: &str) -> String {
    if base == ROOT {
        format!("help-{name}")
    } else {
        format!("{base}-{name}")
    }
}

fn arg_id(base: &str, a: &Arg) -> String {
    format!("{base}-{}", a.get_id().as_str().replace('_', "-"))
}

fn value_id(arg_id: &str, pv: &PossibleValue) -> String {
    format!("{arg_id}-{}", pv.get_name())
}

/// The visible possible values of an argument that takes a value (before the command is
/// built, when clap's own `get_possible_values` does not know that yet).
fn possible_values(a: &Arg) -> Vec<PossibleValue> {
    if !a.get_action().takes_values() {
        return Vec::new();
    }
    a.get_value_parser()
        .possible_values()
        .map(|pvs| pvs.filter(|p| !p.is_hide_set()).collect())
        .unwrap_or_default()
}

/// `cmd` (the derive's [`Cli::command`], not yet built) with every text in `lang`. A text
/// with no message stays as it is (the hidden commands' texts have none).
pub fn localized(cmd: Command, lang: Lang) -> Command {
    i18n::with(lang, || {
        let styles = cmd.get_styles().clone();
        localize(cmd, ROOT, lang, &styles, false)
            .disable_version_flag(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help(t!("help-clap-flag-version"))
                    .display_order(BUILT_IN_ORDER),
            )
            .disable_help_subcommand(true)
    })
}

/// Where clap puts what it adds itself (the help and version flags, the help subcommand)
/// among what a command defines.
const BUILT_IN_ORDER: usize = 999;

/// A command's own texts: how to read each, how to set it, the suffix of its id.
type CommandText = (
    fn(&Command) -> Option<&StyledStr>,
    fn(Command, String) -> Command,
    &'static str,
);

const COMMAND_TEXTS: [CommandText; 6] = [
    (Command::get_about, |c, t| c.about(t), ""),
    (Command::get_long_about, |c, t| c.long_about(t), "-long"),
    (Command::get_before_help, |c, t| c.before_help(t), "-before"),
    (
        Command::get_before_long_help,
        |c, t| c.before_long_help(t),
        "-before-long",
    ),
    (Command::get_after_help, |c, t| c.after_help(t), "-after"),
    (
        Command::get_after_long_help,
        |c, t| c.after_long_help(t),
        "-after-long",
    ),
];

/// A command and its subcommands in `lang`, each with its help flag, its `help` subcommand
/// when it has subcommands, and its headings. `inherited`: whether a global argument above
/// makes `-h` and `--help` differ.
fn localize(mut cmd: Command, base: &str, lang: Lang, styles: &Styles, inherited: bool) -> Command {
    for (get, set, suffix) in COMMAND_TEXTS {
        if get(&cmd).is_some()
            && let Some(t) = i18n::message(lang, &format!("{base}{suffix}"), &[])
        {
            cmd = set(cmd, t);
        }
    }
    let long = long_help_exists(&cmd, inherited);
    let global_long = inherited
        || cmd
            .get_arguments()
            .any(|a| a.is_global_set() && wants_long(a));
    cmd = cmd.mut_args(|a| localize_arg(usage::value_names(a), base, lang, styles));
    cmd = cmd.mut_subcommands(|sc| {
        let id = child_id(base, sc.get_name());
        localize(sc, &id, lang, styles, global_long)
    });
    if cmd.has_subcommands() {
        cmd = usage::subcommand_value_name(cmd).subcommand(help_subcommand(styles, global_long));
    }
    finish(cmd, styles, long)
}

/// Whether clap would tell `-h` from `--help` for this command (its rule, from
/// `Command::long_help_exists_`), with `inherited` for a global argument above that does.
fn long_help_exists(cmd: &Command, inherited: bool) -> bool {
    inherited
        || cmd.get_long_about().is_some()
        || cmd.get_before_long_help().is_some()
        || cmd.get_after_long_help().is_some()
        || cmd.get_arguments().any(wants_long)
}

fn wants_long(a: &Arg) -> bool {
    !a.is_hide_set()
        && (a.get_long_help().is_some()
            || a.is_hide_long_help_set()
            || a.is_hide_short_help_set()
            || (!a.is_hide_possible_values_set()
                && possible_values(a).iter().any(|p| p.get_help().is_some())))
}

/// An argument's help in `lang`, with the notes clap adds after it (`[default: …]`,
/// `[possible values: …]`, `[env: …]`, the list of possible values `--help` shows) written
/// in `lang` and hidden from clap.
fn localize_arg(a: Arg, base: &str, lang: Lang, styles: &Styles) -> Arg {
    if a.is_hide_set() {
        return a;
    }
    let id = arg_id(base, &a);
    let message = |id: &str| i18n::message(lang, id, &[]);
    let help = a
        .get_help()
        .map(|h| message(&id).unwrap_or_else(|| h.ansi().to_string()));
    let long_help = a
        .get_long_help()
        .map(|h| message(&format!("{id}-long")).unwrap_or_else(|| h.ansi().to_string()));
    let notes = Notes::of(&a, &id, lang, styles);
    if notes.is_empty() {
        let a = match help {
            Some(h) => a.help(h),
            None => a,
        };
        return match long_help {
            Some(l) => a.long_help(l),
            None => a,
        };
    }
    let short = join_nonempty(help.as_deref().unwrap_or(""), " ", &notes.short.join(" "));
    let mut long = long_help.or(help).unwrap_or_default();
    if !notes.values.is_empty() {
        long = join_nonempty(&long, "\n\n", &notes.values);
    }
    if !notes.long.is_empty() {
        long = join_nonempty(&long, "\n\n", &notes.long.join("\n"));
    }
    a.help(short)
        .long_help(long)
        .hide_default_value(true)
        .hide_possible_values(true)
        .hide_env(true)
}

fn join_nonempty(a: &str, sep: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        (false, false) => format!("{a}{sep}{b}"),
    }
}

/// What clap writes after an argument's help, as it writes it (`HelpTemplate::spec_vals`),
/// in the current language.
struct Notes {
    /// On `-h`, after the help on the same line.
    short: Vec<String>,
    /// On `--help`, one a line after a blank one.
    long: Vec<String>,
    /// On `--help`, the possible values with their help, one a line.
    values: String,
}

impl Notes {
    fn of(a: &Arg, id: &str, lang: Lang, styles: &Styles) -> Notes {
        let (ctx, val, lit) = (
            styles.get_context(),
            styles.get_context_value(),
            styles.get_literal(),
        );
        let note =
            |word: String, value: String| format!("{ctx}[{word}: {ctx:#}{value}{ctx}]{ctx:#}");
        let mut n = Notes {
            short: Vec::new(),
            long: Vec::new(),
            values: String::new(),
        };
        if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
            let value = if a.is_hide_env_values_set() {
                String::new()
            } else {
                let v = std::env::var_os(env).unwrap_or_default();
                format!("={}", v.to_string_lossy())
            };
            let s = note(
                t!("help-clap-env"),
                format!("{val}{}{value}{val:#}", env.to_string_lossy()),
            );
            n.short.push(s.clone());
            n.long.push(s);
        }
        let defaults = a.get_default_values();
        if a.get_action().takes_values() && !a.is_hide_default_value_set() && !defaults.is_empty() {
            let d: Vec<_> = defaults.iter().map(|d| d.to_string_lossy()).collect();
            let s = note(
                t!("help-clap-default"),
                format!("{val}{}{val:#}", d.join(" ")),
            );
            n.short.push(s.clone());
            n.long.push(s);
        }
        let pvs = possible_values(a);
        if a.is_hide_possible_values_set() || pvs.is_empty() {
            return n;
        }
        let names: Vec<String> = pvs
            .iter()
            .map(|p| format!("{val}{}{val:#}", p.get_name()))
            .collect();
        let inline = note(
            t!("help-clap-values"),
            names.join(&format!("{ctx}, {ctx:#}")),
        );
        n.short.push(inline.clone());
        if !pvs.iter().any(|p| p.get_help().is_some()) {
            n.long.push(inline);
            return n;
        }
        let width = pvs
            .iter()
            .map(|p| p.get_name().chars().count())
            .max()
            .unwrap_or(0);
        n.values = t!("help-clap-possible-values") + ":";
        for p in &pvs {
            let name = p.get_name();
            let _ = write!(n.values, "\n- {lit}{name}{lit:#}");
            if let Some(h) = p.get_help() {
                let text = i18n::message(lang, &value_id(id, p), &[])
                    .unwrap_or_else(|| h.ansi().to_string());
                let pad = width - name.chars().count();
                let _ = write!(n.values, ": {:pad$}{text}", "");
            }
        }
        n
    }

    fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty() && self.values.is_empty()
    }
}

/// The `help` subcommand clap adds, with its text in the current language.
fn help_subcommand(styles: &Styles, long: bool) -> Command {
    let cmd = Command::new("help")
        .about(t!("help-clap-help"))
        .arg(
            Arg::new("subcommand")
                .action(ArgAction::Append)
                .num_args(..)
                .value_name(usage::word("COMMAND").unwrap_or("COMMAND"))
                .help(t!("help-clap-help-command")),
        )
        .display_order(BUILT_IN_ORDER);
    finish(cmd, styles, long)
}

/// A command's help flag and headings in the current language. `long`: whether its `-h` and
/// `--help` differ.
fn finish(cmd: Command, styles: &Styles, long: bool) -> Command {
    let help = if long {
        Arg::new("help")
            .help(t!("help-clap-flag-help-more"))
            .long_help(t!("help-clap-flag-help-summary"))
    } else {
        Arg::new("help").help(t!("help-clap-flag-help"))
    };
    let cmd = cmd.disable_help_flag(true).arg(
        help.short('h')
            .long("help")
            .action(ArgAction::Help)
            .display_order(BUILT_IN_ORDER),
    );
    let template = template(&cmd, styles);
    cmd.help_template(template)
}

/// clap's default help template with the headings in the current language: the same
/// sections in the same order, each only when the command has something in it.
fn template(cmd: &Command, styles: &Styles) -> String {
    let (usage, header) = (styles.get_usage(), styles.get_header());
    let mut out = format!(
        "{{before-help}}{{about-with-newline}}\n{usage}{}:{usage:#} {{usage}}",
        t!("help-clap-usage")
    );
    let mut section = |title: String, tag: &str| {
        let _ = write!(out, "\n\n{header}{title}:{header:#}\n{{{tag}}}");
    };
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        section(t!("help-clap-commands"), "subcommands");
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        section(t!("help-clap-arguments"), "positionals");
    }
    section(t!("help-clap-options"), "options");
    out + "{after-help}"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    /// What the derive alone prints for a command line that stops at a help page or an error.
    fn derive_render(line: &str) -> String {
        let e = Cli::command().try_get_matches_from(args(line)).unwrap_err();
        e.render().to_string()
    }

    fn localized_render(line: &str, lang: Lang) -> String {
        let e = try_parse_from(args(line), lang).unwrap_err();
        i18n::with(lang, || e.render().to_string())
    }

    /// Every visible command's path, the top level first.
    fn paths() -> Vec<String> {
        let cmd = Cli::command();
        let mut out = vec![String::new()];
        for sc in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            out.push(format!("{} ", sc.get_name()));
        }
        out
    }

    fn trimmed(text: &str) -> String {
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn in_english_the_localized_help_is_the_derives() {
        // The same command with the English messages renders what clap renders from the doc
        // comments: i18n/en/help.ftl says what they say, and nothing clap writes is lost.
        // (Trailing spaces aside: clap indents the blank line before a list of possible
        // values differently when the list is its own.)
        for path in paths() {
            for flag in ["-h", "--help"] {
                let line = format!("limitlab {path}{flag}");
                let ours = localized_render(&line, Lang::En);
                let clap = derive_render(&line);
                assert_eq!(trimmed(&ours), trimmed(&clap), "{line}");
                assert!(ours.len() > 100, "{line}: {ours}");
            }
        }
        let ours = localized_render("limitlab help run", Lang::En);
        assert_eq!(trimmed(&ours), trimmed(&derive_render("limitlab help run")));
    }

    #[test]
    fn in_spanish_the_help_is_spanish() {
        let help = localized_render("limitlab run --help", Lang::Es);
        for words in [
            "Ejecuta escenarios",
            "Uso: limitlab run [OPCIONES] <SCENARIO>...",
            "Argumentos:",
            "Opciones:",
            "[predeterminado: 2048]",
            "Valores posibles:",
            "- es: español",
            "Imprime la ayuda",
            "--safety-ceiling <N>",
        ] {
            assert!(help.contains(words), "{words:?} in\n{help}");
        }
        assert!(
            !help.contains("Options:") && !help.contains("[default: 2048]"),
            "{help}"
        );
        let top = localized_render("limitlab -h", Lang::Es);
        assert!(
            top.contains("Comandos:") && top.contains("Imprime la versión"),
            "{top}"
        );
        assert!(top.contains("[valores posibles: en, es]"), "{top}");
        assert_eq!(localized_render("limitlab help run", Lang::Es), help);
        // The hidden commands keep their English texts and still have their help flag.
        let hidden = localized_render("limitlab __workload forkbomb --help", Lang::Es);
        assert!(
            hidden.contains("A fork bomb") && hidden.contains("Opciones:"),
            "{hidden}"
        );
        assert_eq!(
            localized_render("limitlab __workload help forkbomb", Lang::Es),
            hidden
        );
    }

    #[test]
    fn the_language_is_known_before_clap_parses() {
        let es = |line: &str| lang_of(&args(line)) == Lang::Es;
        assert!(es("limitlab --lang es run --help"));
        assert!(es("limitlab run x --lang=es"));
        assert!(!es("limitlab --lang es run --lang en x"));
        assert!(!es("limitlab exec --lang en -- prog --lang es"));
        assert!(internal(&args("limitlab --lang es __workload forkbomb")));
        assert!(!internal(&args("limitlab --lang es run __x.toml")));
        let cmd = Cli::command();
        let rewritten = |line: &str| help_as_flag(&cmd, args(line));
        assert_eq!(
            rewritten("limitlab --lang es help run"),
            args("limitlab --lang es run --help")
        );
        assert_eq!(rewritten("limitlab help"), args("limitlab --help"));
        assert_eq!(rewritten("limitlab run help"), args("limitlab run help"));
        assert_eq!(
            rewritten("limitlab __workload help forkbomb"),
            args("limitlab __workload forkbomb --help")
        );
    }
}
