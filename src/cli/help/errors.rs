//! clap's parse errors in the language of the command line: its `RichFormatter`, message
//! for message, with the words from the `help-clap-…` messages of `i18n/*/help.ftl`.

use std::fmt::Write as _;

use clap::builder::{StyledStr, Styles};
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};

use crate::t;

/// clap's error messages (its `RichFormatter`, word for word) in the current language.
pub struct Errors;

impl ErrorFormatter for Errors {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let styles = Styles::styled();
        let e = styles.get_error();
        let mut out = format!("{e}error:{e:#} ");
        out += &describe(error, &styles).unwrap_or_else(|| {
            let fallback = error.kind().as_str().map(str::to_string);
            let source = std::error::Error::source(error).map(|s| s.to_string());
            fallback
                .or(source)
                .unwrap_or_else(|| "unknown cause".into())
        });
        out += &tips(error, &styles);
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            out += "\n\n";
            out += &usage_in_language(usage);
        }
        let literal = styles.get_literal();
        let flag = format!("{literal}--help{literal:#}");
        out += "\n\n";
        out += &t!("help-clap-more", flag = flag);
        out += "\n";
        StyledStr::from(out)
    }
}

/// The usage clap puts in an error, with its `Usage:` and `[OPTIONS]` in the current language.
fn usage_in_language(usage: &StyledStr) -> String {
    let text = usage.ansi().to_string();
    super::usage::in_line(&text.replacen("Usage:", &(t!("help-clap-usage") + ":"), 1))
}

fn string(error: &clap::error::Error<Errors>, kind: ContextKind) -> Option<&str> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

fn number(error: &clap::error::Error<Errors>, kind: ContextKind) -> Option<isize> {
    match error.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// What went wrong, for the kinds whose context clap fills in (`write_dynamic_context`).
fn describe(error: &clap::error::Error<Errors>, styles: &Styles) -> Option<String> {
    let (valid, invalid, literal) = (
        styles.get_valid(),
        styles.get_invalid(),
        styles.get_literal(),
    );
    let bad = |s: &str| format!("{invalid}{s}{invalid:#}");
    let lit = |s: &str| format!("{literal}{s}{literal:#}");
    let arg = string(error, ContextKind::InvalidArg);
    let value = string(error, ContextKind::InvalidValue);
    let provided = |n: isize| {
        if n > 1 {
            t!("help-clap-were-provided")
        } else {
            t!("help-clap-was-provided")
        }
    };
    Some(match error.kind() {
        ErrorKind::ArgumentConflict => conflict(error, styles),
        ErrorKind::NoEquals => t!("help-clap-err-no-equals", arg = bad(arg?)),
        ErrorKind::InvalidValue if value?.is_empty() => {
            t!("help-clap-err-value-required", arg = bad(arg?))
        }
        ErrorKind::InvalidValue => {
            t!(
                "help-clap-err-invalid-value",
                value = bad(value?),
                arg = lit(arg?)
            ) + &values_list(
                t!("help-clap-values"),
                error.get(ContextKind::ValidValue),
                styles,
            )
        }
        ErrorKind::InvalidSubcommand => t!(
            "help-clap-err-unknown-subcommand",
            name = bad(string(error, ContextKind::InvalidSubcommand)?)
        ),
        ErrorKind::MissingRequiredArgument => {
            let Some(ContextValue::Strings(args)) = error.get(ContextKind::InvalidArg) else {
                return None;
            };
            let mut s = t!("help-clap-err-missing");
            for a in args {
                let _ = write!(s, "\n  {valid}{a}{valid:#}");
            }
            s
        }
        ErrorKind::MissingSubcommand => {
            t!(
                "help-clap-err-missing-subcommand",
                name = bad(string(error, ContextKind::InvalidSubcommand)?)
            ) + &values_list(
                t!("help-clap-subcommands"),
                error.get(ContextKind::ValidSubcommand),
                styles,
            )
        }
        ErrorKind::TooManyValues => {
            t!(
                "help-clap-err-too-many",
                value = bad(value?),
                arg = lit(arg?)
            )
        }
        ErrorKind::TooFewValues => {
            let actual = number(error, ContextKind::ActualNumValues)?;
            let min = number(error, ContextKind::MinValues)?;
            t!(
                "help-clap-err-too-few",
                min = format!("{valid}{min}{valid:#}"),
                arg = lit(arg?),
                actual = bad(&actual.to_string()),
                provided = provided(actual)
            )
        }
        ErrorKind::WrongNumberOfValues => {
            let actual = number(error, ContextKind::ActualNumValues)?;
            let expected = number(error, ContextKind::ExpectedNumValues)?;
            t!(
                "help-clap-err-wrong-number",
                expected = format!("{valid}{expected}{valid:#}"),
                arg = lit(arg?),
                actual = bad(&actual.to_string()),
                provided = provided(actual)
            )
        }
        ErrorKind::ValueValidation => {
            let mut s = t!(
                "help-clap-err-invalid-value",
                value = bad(value?),
                arg = lit(arg?)
            );
            if let Some(source) = std::error::Error::source(error) {
                let _ = write!(s, ": {}", validation_in_language(&source.to_string()));
            }
            s
        }
        ErrorKind::UnknownArgument => t!("help-clap-err-unknown-argument", arg = bad(arg?)),
        _ => return None,
    })
}

fn conflict(error: &clap::error::Error<Errors>, styles: &Styles) -> String {
    let invalid = styles.get_invalid();
    let bad = |s: &str| format!("{invalid}{s}{invalid:#}");
    let mut prior = error.get(ContextKind::PriorArg);
    let mut s = if let Some(arg) = string(error, ContextKind::InvalidArg) {
        if prior == Some(&ContextValue::String(arg.to_string())) {
            prior = None;
            t!("help-clap-err-used-twice", arg = bad(arg))
        } else {
            t!("help-clap-err-conflict", arg = bad(arg))
        }
    } else if let Some(sub) = string(error, ContextKind::InvalidSubcommand) {
        t!("help-clap-err-conflict-subcommand", name = bad(sub))
    } else {
        error.kind().as_str().unwrap_or_default().to_string()
    };
    match prior {
        Some(ContextValue::Strings(values)) => {
            s.push(':');
            for v in values {
                let _ = write!(s, "\n  {}", bad(v));
            }
        }
        Some(ContextValue::String(v)) => {
            let _ = write!(s, " '{}'", bad(v));
        }
        Some(_) => s += &(" ".to_string() + &t!("help-clap-err-conflict-others")),
        None => {}
    }
    s
}

fn values_list(name: String, values: Option<&ContextValue>, styles: &Styles) -> String {
    let valid = styles.get_valid();
    match values {
        Some(ContextValue::Strings(v)) if !v.is_empty() => {
            let v: Vec<String> = v.iter().map(|v| format!("{valid}{v}{valid:#}")).collect();
            format!("\n  [{name}: {}]", v.join(", "))
        }
        _ => String::new(),
    }
}

/// The message of one of clap's own value parsers (a number out of its range) in the current
/// language; any other as it is.
fn validation_in_language(text: &str) -> String {
    match text.split_once(" is not in ") {
        Some((value, range)) if !value.contains(' ') && !range.contains(' ') => {
            t!("help-clap-not-in-range", value = value, range = range)
        }
        _ => text.to_string(),
    }
}

/// The "did you mean" lines and the tips clap adds to an error.
fn tips(error: &clap::error::Error<Errors>, styles: &Styles) -> String {
    let valid = styles.get_valid();
    let tip = format!("{valid}{}:{valid:#}", t!("help-clap-tip"));
    let mut out = String::new();
    let similar = [
        (ContextKind::SuggestedSubcommand, "subcommand"),
        (ContextKind::SuggestedArg, "argument"),
        (ContextKind::SuggestedValue, "value"),
    ];
    for (kind, what) in similar {
        let names: Vec<String> = match error.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(s)) if !s.is_empty() => s.clone(),
            _ => continue,
        };
        if out.is_empty() {
            out.push('\n');
        }
        let quoted: Vec<String> = names
            .iter()
            .map(|n| format!("'{valid}{n}{valid:#}'"))
            .collect();
        let line = similar_line(what, names.len() > 1, quoted.join(", "));
        let _ = write!(out, "\n  {tip} {line}");
    }
    if let Some(ContextValue::StyledStrs(tips)) = error.get(ContextKind::Suggested) {
        if out.is_empty() {
            out.push('\n');
        }
        for t in tips {
            let _ = write!(out, "\n  {tip} {}", tip_in_language(t, styles));
        }
    }
    out
}

fn similar_line(what: &str, many: bool, names: String) -> String {
    match (what, many) {
        ("subcommand", false) => t!("help-clap-similar-subcommand", names = names),
        ("subcommand", true) => t!("help-clap-similar-subcommands", names = names),
        ("argument", false) => t!("help-clap-similar-argument", names = names),
        ("argument", true) => t!("help-clap-similar-arguments", names = names),
        (_, false) => t!("help-clap-similar-value", names = names),
        (_, true) => t!("help-clap-similar-values", names = names),
    }
}

/// One of clap's tips (`Error::unknown_argument`, `invalid_subcommand`,
/// `unnecessary_double_dash`) in the current language, told apart by its words; another as
/// clap wrote it.
fn tip_in_language(tip: &StyledStr, styles: &Styles) -> String {
    let (valid, invalid) = (styles.get_valid(), styles.get_invalid());
    let text = tip.to_string();
    let parts: Vec<&str> = text.split('\'').collect();
    match parts.as_slice() {
        ["to pass ", arg, " as a value, use ", fix, ""] => t!(
            "help-clap-tip-as-value",
            arg = format!("{invalid}{arg}{invalid:#}"),
            fix = format!("{valid}{fix}{valid:#}")
        ),
        ["", fix, " exists"] => t!(
            "help-clap-tip-exists",
            fix = format!("{valid}{fix}{valid:#}")
        ),
        [
            "subcommand ",
            name,
            " exists; to use it, remove the ",
            dash,
            " before it",
        ] => t!(
            "help-clap-tip-double-dash",
            name = format!("{valid}{name}{valid:#}"),
            dash = format!("{invalid}{dash}{invalid:#}")
        ),
        _ => tip.ansi().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::CommandFactory;

    use crate::cli::Cli;
    use crate::i18n::{self, Lang};

    fn render(line: &str, lang: Lang) -> (String, String) {
        let args: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        let clap = Cli::command()
            .try_get_matches_from(args.clone())
            .unwrap_err();
        let ours = super::super::try_parse_from(args, lang).unwrap_err();
        (
            i18n::with(lang, || ours.render().to_string()),
            clap.render().to_string(),
        )
    }

    #[test]
    fn in_english_the_errors_are_clap_s_word_for_word() {
        for line in [
            "limitlab",
            "limitlab run",
            "limitlab rnu",
            "limitlab run --qiet x",
            "limitlab --lang fr doctor",
            "limitlab run --safety-ceiling 0 x",
            "limitlab run --out",
            "limitlab run -q -q x",
            "limitlab exec",
            "limitlab exec --pids 5 ls",
            "limitlab validate --bogus",
            "limitlab -- run",
            "limitlab compare a",
            "limitlab completions nosh",
            "limitlab run --format jsn x",
        ] {
            let (ours, clap) = render(line, Lang::En);
            assert_eq!(ours, clap, "{line}");
        }
    }

    #[test]
    fn in_spanish_the_errors_are_spanish() {
        let (err, _) = render("limitlab run --qiet x", Lang::Es);
        assert!(
            err.starts_with("error: argumento inesperado '--qiet'"),
            "{err}"
        );
        assert!(
            err.contains("sugerencia: existe un argumento parecido: '--quiet'"),
            "{err}"
        );
        assert!(
            err.contains("Uso: limitlab run") && err.contains("prueba '--help'"),
            "{err}"
        );
        let (err, _) = render("limitlab run --safety-ceiling 0 x", Lang::Es);
        assert!(
            err.contains("0 no está en 1..18446744073709551615"),
            "{err}"
        );
        let (err, _) = render("limitlab validate --bogus", Lang::Es);
        assert!(
            err.contains("para pasar '--bogus' como valor, usa '-- --bogus'"),
            "{err}"
        );
        let (err, _) = render("limitlab exec", Lang::Es);
        assert!(
            err.contains("faltan estos argumentos obligatorios:"),
            "{err}"
        );
    }
}
