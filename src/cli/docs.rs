//! `limitlab __docs`: docs/scenario.md, written from the scenario format's own schema, the
//! workload catalogue and the sandbox's view (tests/docs.rs fails when the file and the code
//! disagree).

use std::fmt::Write as _;

use crate::data::metrics::METRICS;
use crate::scenario::schema::keys;
use crate::workloads::KINDS;

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `docs/scenario.md`.
pub fn scenario_markdown() -> String {
    // docs/scenario.md is English, whatever the locale of whoever regenerates it.
    crate::i18n::with(crate::i18n::Lang::En, english_markdown)
}

fn english_markdown() -> String {
    let mut m = String::from(
        "# The scenario format\n\n\
         Generated from the Rust types that parse it (`limitlab __docs > docs/scenario.md`);\n\
         a test fails when this file and the code disagree. For editors, the same description\n\
         is a JSON Schema: `scenarios/schema.json`.\n\n\
         Sizes take units (`B`, `KiB` `MiB` `GiB` `TiB`, `KB` `MB` `GB` `TB`, or the kernel's `K` `M` `G` `T`\n\
         meaning powers of 1024); a bare integer is bytes. Durations take units (`ns`, `us`, `ms`,\n\
         `s`, `m`, `h`). Every key is optional unless it says it is required.\n\n\
         ## Keys\n\n| key | type | unit | default | description | example |\n|---|---|---|---|---|---|\n",
    );
    for k in keys() {
        let _ = writeln!(
            m,
            "| `{}` | {} | {} | {} | {} | {} |",
            k.key,
            md(&k.kind),
            k.unit.as_deref().map(md).unwrap_or_default(),
            k.default
                .as_deref()
                .map(|d| format!("`{}`", md(d)))
                .unwrap_or_default(),
            md(&k.description),
            k.examples
                .iter()
                .map(|e| format!("`{}`", md(e)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    m.push_str("\n## What the workload sees\n");
    for p in crate::sandbox::view::describe() {
        let _ = write!(m, "\n{}\n", md(&p));
    }
    m.push_str("\n## Workload kinds\n\nA `[[workload]]` table takes `kind` and the options of that kind.\n");
    for k in KINDS {
        let _ = writeln!(
            m,
            "\n### `{}`\n\n{}\n\n| option | default | description |\n|---|---|---|",
            k.name, k.help
        );
        for o in k.options {
            let _ = writeln!(
                m,
                "| `{}` | {} | {} |",
                o.name,
                o.default.map(md).unwrap_or_else(|| "required".into()),
                md(o.help)
            );
        }
    }
    m.push_str(
        "\n## Metrics\n\n`[expect]` maps a metric to a comparison: `<`, `<=`, `==`, `!=`, `>=`, `>` and a\n\
         number, or an inclusive range `low..high`. Values of byte and millisecond metrics may\n\
         carry units (`\"< 128MiB\"`, `\"< 2s\"`). A metric the kernel does not provide makes its\n\
         expectation fail as \"not available\".\n\n| metric | unit | meaning |\n|---|---|---|\n",
    );
    for d in METRICS {
        let _ = writeln!(m, "| `{}` | {} | {} |", d.name, d.unit.name(), md(d.help));
    }
    m
}
