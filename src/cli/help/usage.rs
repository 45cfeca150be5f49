//! The placeholders clap writes in a usage line, in the current language: `[OPTIONS]`,
//! `<COMMAND>` (and `[COMMAND]`), `<ARGS>`: `Uso: limitlab [OPCIONES] <COMANDO>`. English
//! keeps clap's own words (the messages say them), and its help and errors stay the derive's.
//!
//! `COMMAND` and `ARGS` are value names, so they are set as such (a subcommand's value name,
//! an argument's) and clap writes them everywhere it shows them. `[OPTIONS]` is clap's own
//! text: a help page gets its usage line written out in its template ([`in_templates`]), and
//! an error's usage is rewritten ([`in_line`]).

use std::ffi::OsString;

use clap::builder::Styles;
use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;
use crate::i18n::{Lang, t_static};

/// A placeholder's word (`OPTIONS`, `COMMAND`, `ARGS`) in the current language; `None`
/// for any other value name. (`'static`, as clap keeps its value names.)
pub(super) fn word(name: &str) -> Option<&'static str> {
    match name {
        "OPTIONS" => Some(t_static("usage-options")),
        "COMMAND" => Some(t_static("usage-command")),
        "ARGS" => Some(t_static("usage-args")),
        _ => None,
    }
}

/// The value name of a command's subcommand (`<COMMAND>`), in the current language.
pub(super) fn subcommand_value_name(cmd: Command) -> Command {
    if !cmd.has_subcommands() {
        return cmd;
    }
    match word(cmd.get_subcommand_value_name().unwrap_or("COMMAND")) {
        Some(w) => cmd.subcommand_value_name(w),
        None => cmd,
    }
}

/// An argument whose value names are placeholders (`exec`'s `<COMMAND>...`, the `help`
/// subcommand's `[COMMAND]...`) with them in the current language.
pub(super) fn value_names(a: Arg) -> Arg {
    let Some(names) = a.get_value_names() else {
        return a;
    };
    if names.iter().all(|n| word(n.as_str()).is_none()) {
        return a;
    }
    let names: Vec<clap::builder::Str> = names
        .iter()
        .map(|n| word(n.as_str()).map_or_else(|| n.clone(), Into::into))
        .collect();
    a.value_names(names)
}

/// A usage line as clap wrote it (an error's, or a help page's), with `[OPTIONS]` in the
/// current language.
pub(super) fn in_line(usage: &str) -> String {
    match word("OPTIONS") {
        Some(w) => usage.replace("[OPTIONS]", &format!("[{w}]")),
        None => usage.to_string(),
    }
}

/// The command [`super::try_parse_from`] parses with: [`super::localized`] in `lang`, with
/// its usage lines written out ([`in_templates`]).
pub(super) fn command(args: &[OsString], lang: Lang) -> Command {
    crate::i18n::with(lang, || {
        in_templates(super::localized(Cli::command(), lang), args)
    })
}

/// `cmd` (built by [`super::localized`]) with each command's usage line written out in its
/// help template, `[OPTIONS]` in the current language; `args` are the command line's (the
/// first names the program, as clap takes it). Where nothing changes (English), `cmd` is
/// as it was.
pub(super) fn in_templates(cmd: Command, args: &[OsString]) -> Command {
    if word("OPTIONS") == Some("OPTIONS") {
        return cmd;
    }
    let styles = cmd.get_styles().clone();
    let bin = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|f| f.to_string_lossy().into_owned());
    let mut cmd = match bin {
        Some(b) => cmd.bin_name(b),
        None => cmd,
    };
    cmd.build();
    write_out(cmd, &styles)
}

fn write_out(mut cmd: Command, styles: &Styles) -> Command {
    let rendered = cmd.render_usage().ansi().to_string();
    let reset = format!("{:#}", styles.get_usage());
    let line = rendered
        .split_once("Usage:")
        .map(|(_, rest)| rest.strip_prefix(reset.as_str()).unwrap_or(rest))
        .map(|rest| rest.strip_prefix(' ').unwrap_or(rest));
    if let Some(line) = line.filter(|l| !l.contains(['{', '}'])) {
        let template = super::template(&cmd, styles).replacen("{usage}", &in_line(line), 1);
        cmd = cmd.help_template(template);
    }
    cmd.mut_subcommands(|sc| write_out(sc, styles))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use crate::i18n::{self, Lang};

    fn render(line: &str, lang: Lang) -> String {
        let args: Vec<OsString> = line.split_whitespace().map(OsString::from).collect();
        let e = super::super::try_parse_from(args, lang).unwrap_err();
        i18n::with(lang, || e.render().to_string())
    }

    #[test]
    fn spanish_usage_lines_have_spanish_placeholders() {
        let top = render("limitlab --help", Lang::Es);
        assert!(
            top.contains("Uso: limitlab [OPCIONES] <COMANDO>\n"),
            "{top}"
        );
        let exec = render("limitlab exec --help", Lang::Es);
        for words in [
            "Uso: limitlab exec [OPCIONES] -- <COMANDO>...\n",
            "Argumentos:\n  <COMANDO>...\n",
            "--pids <N>",
        ] {
            assert!(exec.contains(words), "{words:?} in\n{exec}");
        }
        let help = render("limitlab help help", Lang::Es);
        assert!(help.contains("[COMANDO]..."), "{help}");
        // And in the usage an error shows, and the arguments it misses.
        let err = render("limitlab exec", Lang::Es);
        assert!(
            err.contains("  <COMANDO>...\n") && err.contains("Uso: limitlab exec -- <COMANDO>..."),
            "{err}"
        );
        let err = render("limitlab", Lang::Es);
        assert!(err.contains("Uso: limitlab [OPCIONES] <COMANDO>"), "{err}");
        for text in [top, exec, help, err] {
            assert!(
                !text.contains("[OPTIONS]") && !text.contains("COMMAND>"),
                "{text}"
            );
        }
    }

    #[test]
    fn the_usage_line_names_the_program_as_it_was_called() {
        let es = render("/usr/local/bin/ll exec --help", Lang::Es);
        assert!(
            es.contains("Uso: ll exec [OPCIONES] -- <COMANDO>..."),
            "{es}"
        );
        let en = render("/usr/local/bin/ll exec --help", Lang::En);
        assert!(
            en.contains("Usage: ll exec [OPTIONS] -- <COMMAND>..."),
            "{en}"
        );
    }
}
