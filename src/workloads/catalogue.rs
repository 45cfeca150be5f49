//! The catalogue of workload kinds: every kind and its options, as validation messages,
//! `limitlab list`, the schema and docs/scenario.md show them. Each kind's entry is defined
//! beside its code ([`super::forkbomb::KIND`], ...); this file puts them in order.

use super::{command, cpuspin, escape, forkbomb, memhog, threadbomb};

/// An option of a workload kind, for validation messages and `limitlab list`.
#[derive(Debug)]
pub struct OptionDef {
    pub name: &'static str,
    pub help: &'static str,
    pub default: Option<&'static str>,
}

/// A workload kind: its name in `kind = "..."`, what it does, and its options.
#[derive(Debug)]
pub struct KindDef {
    pub name: &'static str,
    pub help: &'static str,
    pub options: &'static [OptionDef],
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
