//! The `command` workload: any program, run inside the sandbox as the sandbox's uid. It has
//! no code in the workload image; this is how the init finds it and what it gets.

use std::path::{Path, PathBuf};

use super::catalogue::{KindDef, OptionDef, START_AFTER};

/// The catalogue's entry.
pub const KIND: KindDef = KindDef {
    name: "command",
    help: "any program, run unprivileged inside the sandbox (host binaries are visible)",
    options: &[
        OptionDef {
            name: "argv",
            help: "the program and its arguments, e.g. [\"perl\", \"-e\", \"fork while fork\"]; looked up in PATH",
            default: None,
        },
        START_AFTER,
    ],
};

/// `command: perl -e ...`, cut after 80 characters.
pub(super) fn describe(argv: &[String]) -> String {
    let line = argv.join(" ");
    let short: String = line.chars().take(80).collect();
    if short.len() < line.len() {
        format!("command: {short}…")
    } else {
        format!("command: {line}")
    }
}

/// The search path and the only environment a workload gets.
pub const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The environment of every workload, `KEY=value`: with the language of the run
/// ([`crate::i18n::LANG_ENV`], which the init was given), so that a workload's own messages
/// (limitlab's built-in ones) follow `--lang`.
pub fn environment() -> Vec<String> {
    vec![
        format!("PATH={PATH}"),
        "HOME=/tmp".into(),
        "LANG=C.UTF-8".into(),
        format!(
            "{}={}",
            crate::i18n::LANG_ENV,
            crate::i18n::current().code()
        ),
    ]
}

/// Finds a program the way a shell would: a name with a `/` is used as it is, anything
/// else is looked up in [`PATH`].
pub fn resolve(program: &str) -> Result<PathBuf, String> {
    if program.contains('/') {
        return Ok(PathBuf::from(program));
    }
    PATH.split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file() && nix::unistd::access(p, nix::unistd::AccessFlags::X_OK).is_ok())
        .ok_or_else(|| crate::t!("child-command-not-found", program = program, path = PATH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_shell() {
        assert!(resolve("sh").unwrap().ends_with("sh"));
        assert_eq!(resolve("./x").unwrap(), PathBuf::from("./x"));
        assert!(
            resolve("no-such-program-limitlab")
                .unwrap_err()
                .contains("command not found")
        );
    }

    #[test]
    fn a_workload_is_handed_the_run_language() {
        use crate::i18n::{LANG_ENV, Lang, with};
        for lang in Lang::ALL {
            let env = with(lang, environment);
            assert!(
                env.contains(&format!("{LANG_ENV}={}", lang.code())),
                "{env:?}"
            );
            assert!(env.contains(&"LANG=C.UTF-8".to_string()), "{env:?}");
        }
    }
}
