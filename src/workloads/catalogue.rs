//! The catalogue of workload kinds: every kind and its options, as validation messages,
//! `limitlab list`, the schema and docs/scenario.md show them. Each kind's entry is defined
//! beside its code ([`super::forkbomb::KIND`], ...); this file puts them in order.
//!
//! The English texts here are data, as docs/scenario.md shows them; what `limitlab list`
//! shows is their message in the language of the command line (i18n/*/catalogue.ftl):
//! `kind-help-KIND`, `kind-option-OPTION` (an option is the same in every kind that takes
//! it) and, for a default that is words rather than a value, `kind-default-OPTION`.

use super::{command, cpuspin, escape, forkbomb, memhog, threadbomb};

/// An option of a workload kind, for validation messages and `limitlab list`.
#[derive(Debug)]
pub struct OptionDef {
    pub name: &'static str,
    pub help: &'static str,
    pub default: Option<&'static str>,
}

impl OptionDef {
    /// What it does, in the current language.
    pub fn help_text(&self) -> String {
        crate::i18n::tr(&self.help_id(), &[])
    }

    fn help_id(&self) -> String {
        format!("kind-option-{}", self.name.replace('_', "-"))
    }

    fn default_id(&self) -> String {
        format!("kind-default-{}", self.name.replace('_', "-"))
    }

    /// Its default as a person reads it: a value as it is written (`"0s"`, `"classic"`),
    /// words (`all of them`) in the current language.
    pub fn default_text(&self) -> Option<String> {
        use crate::i18n::{Lang, message, tr};
        let default = self.default?;
        let id = self.default_id();
        let words = message(Lang::En, &id, &[]).is_some();
        Some(if words { tr(&id, &[]) } else { default.into() })
    }
}

/// A workload kind: its name in `kind = "..."`, what it does, and its options.
#[derive(Debug)]
pub struct KindDef {
    pub name: &'static str,
    pub help: &'static str,
    pub options: &'static [OptionDef],
}

impl KindDef {
    /// What it does, in the current language.
    pub fn help_text(&self) -> String {
        crate::i18n::tr(&self.help_id(), &[])
    }

    fn help_id(&self) -> String {
        format!("kind-help-{}", self.name)
    }
}

/// The option every kind takes.
pub const START_AFTER: OptionDef = OptionDef {
    name: "start_after",
    help: "delay before this workload starts, e.g. \"2s\"; must be shorter than the duration",
    default: Some("0s"),
};

/// Every workload kind and its options.
pub const KINDS: &[KindDef] = &[
    forkbomb::KIND,
    threadbomb::KIND,
    memhog::KIND,
    cpuspin::KIND,
    escape::KIND,
    command::KIND,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, message, with};

    #[test]
    fn every_kind_and_option_has_its_text_in_both_languages() {
        let options = || KINDS.iter().flat_map(|k| k.options);
        for k in KINDS {
            let id = k.help_id();
            assert_eq!(message(Lang::En, &id, &[]).as_deref(), Some(k.help), "{id}");
            let es = message(Lang::Es, &id, &[]).unwrap_or_else(|| panic!("{id}: no Spanish"));
            assert_ne!(es, k.help, "{id} is not translated");
        }
        for o in options() {
            // One message per option name: every kind that takes it says it alike.
            for other in options().filter(|p| p.name == o.name) {
                assert_eq!(
                    (other.help, other.default),
                    (o.help, o.default),
                    "{}",
                    o.name
                );
            }
            let id = o.help_id();
            assert_eq!(message(Lang::En, &id, &[]).as_deref(), Some(o.help), "{id}");
            assert!(
                message(Lang::Es, &id, &[]).is_some_and(|es| es != o.help),
                "{id}"
            );
            let id = o.default_id();
            if let Some(en) = message(Lang::En, &id, &[]) {
                assert_eq!(Some(en.as_str()), o.default, "{id}");
                assert!(
                    message(Lang::Es, &id, &[]).is_some_and(|es| es != en),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn the_catalogue_reads_in_spanish_and_in_english_as_its_data() {
        let escape = KINDS.iter().find(|k| k.name == "escape").unwrap();
        let tries = &escape.options[0];
        with(Lang::Es, || {
            assert!(
                escape
                    .help_text()
                    .starts_with("una carga hostil: intenta salir")
            );
            assert_eq!(tries.default_text().as_deref(), Some("todos"));
            assert_eq!(START_AFTER.default_text().as_deref(), Some("0s"));
            assert!(
                START_AFTER
                    .help_text()
                    .starts_with("la espera antes de que arranque")
            );
            let forkbomb = &KINDS[0];
            assert!(
                forkbomb
                    .help_text()
                    .starts_with("una bomba fork incorporada")
            );
            assert!(
                forkbomb.options[0]
                    .help_text()
                    .contains("(como :(){ :|:& };:)")
            );
        });
        with(Lang::En, || {
            for k in KINDS {
                assert_eq!(k.help_text(), k.help);
                for o in k.options {
                    assert_eq!(o.help_text(), o.help);
                    assert_eq!(o.default_text().as_deref(), o.default);
                }
            }
        });
    }
}
