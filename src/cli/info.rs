//! The commands that teach: `list`, `init`, `schema`, `completions`, `man`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::Cli;
use crate::data::metrics::{METRICS, MetricDef};
use crate::workloads::KINDS;
use crate::{Exit, coded, t};

/// `limitlab list`: every workload kind with its options, and every metric `[expect]` knows.
pub fn list() -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", t!("list-kinds"))?;
    for k in KINDS {
        writeln!(out, "\n  {}: {}", k.name, k.help_text())?;
        for o in k.options {
            let default = o
                .default_text()
                .map(|d| t!("list-default", value = d))
                .unwrap_or_else(|| t!("list-required"));
            writeln!(out, "    {}{default}\n        {}", o.name, o.help_text())?;
        }
    }
    writeln!(out, "\n{}\n", t!("list-sandbox"))?;
    for k in crate::scenario::schema::keys()
        .iter()
        .filter(|k| k.key.trim_matches(['[', ']', '`']).starts_with("sandbox."))
    {
        let default = k
            .default
            .as_deref()
            .map(|d| t!("list-default", value = d))
            .unwrap_or_default();
        writeln!(out, "  {}{default}\n      {}", k.key, k.description_text())?;
    }
    writeln!(out, "\n{}", t!("list-view"))?;
    for p in crate::sandbox::view::describe() {
        writeln!(out, "\n  {p}")?;
    }
    writeln!(out, "\n{}\n", t!("list-metrics"))?;
    let width = METRICS.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let unit = |m: &MetricDef| crate::i18n::tr(m.unit.message_id(), &[]);
    let units = METRICS.iter().map(|m| unit(m).chars().count()).max();
    let unit_width = units.unwrap_or(0).max(10);
    for m in METRICS {
        writeln!(
            out,
            "  {:<width$}  {:<unit_width$}  {}",
            m.name,
            unit(m),
            crate::i18n::tr(&m.help_id(), &[])
        )?;
    }
    writeln!(out, "\n{}", t!("list-comparisons"))?;
    for (name, _) in crate::workloads::escape::ATTEMPTS {
        let what = crate::workloads::escape::attempt_text(name);
        writeln!(out, "  {name:<17} {what}")?;
    }
    Ok(Exit::Held.into())
}

/// A commented starter scenario for `kind`: its comments in the current language, its TOML
/// the same in every language (the description is the English `starter-what-KIND`).
pub fn starter(kind: &str) -> Option<String> {
    use crate::i18n::{Lang, message};
    use crate::t;
    let (limits, workload, expect) = match kind {
        "forkbomb" => (
            format!("pids = 100                      # {}", t!("starter-pids")),
            "kind = \"forkbomb\"\nstyle = \"classic\"               # classic | binary | churn"
                .into(),
            "\"pids.peak\" = \"<= 100\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        "threadbomb" => (
            "pids = 100".into(),
            "kind = \"threadbomb\"\nstyle = \"classic\"               # classic | binary | churn"
                .into(),
            "\"pids.peak\" = \"<= 100\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        "memhog" => (
            format!(
                "pids = 100\nmemory = \"128MiB\"              # memory.max (v1: memory.limit_in_bytes)\nswap = \"0B\"                     # {}",
                t!("starter-swap")
            ),
            format!(
                "kind = \"memhog\"\nsize = \"1GiB\"                   # {}\n# rate = \"256MiB/s\"             # {}\n# backing = \"shm\"               # {}",
                t!("starter-size"),
                t!("starter-rate"),
                t!("starter-backing")
            ),
            "\"memory.oom_kills\" = \">= 1\"\n\"memory.peak_bytes\" = \"<= 128MiB\"",
        ),
        "cpuspin" => (
            format!(
                "pids = 100\ncpu = 0.5                       # {}",
                t!("starter-cpu")
            ),
            format!(
                "kind = \"cpuspin\"\nthreads = 2\n# duty = 1.0                    # {}",
                t!("starter-duty")
            ),
            "\"cpu.usage_cores\" = \"0.45..0.55\"\n\"cpu.throttled_ratio\" = \"> 0.5\"",
        ),
        "escape" => (
            "pids = 50".into(),
            format!(
                "kind = \"escape\"\n# tries = [\"cgroup-move\", \"network\"]   # {}",
                t!("starter-tries")
            ),
            "\"workload.escapes\" = \"== 0\"",
        ),
        "command" => (
            "pids = 1000".into(),
            "kind = \"command\"\nargv = [\"perl\", \"-e\", \"fork while fork\"]".into(),
            "\"pids.peak\" = \"<= 1000\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        _ => return None,
    };
    let id = format!("starter-what-{kind}");
    let what = crate::i18n::tr(&id, &[]);
    let description = message(Lang::En, &id, &[]).unwrap_or_else(|| what.clone());
    Some(format!(
        "# {what}\n\
         # {run_it}\n\
         description = \"{description}\"\n\
         duration = \"5s\"                 # {duration}\n\
         \n\
         # [sandbox]                      # {defaults}\n\
         # namespaces = [\"pid\", \"mount\", \"net\", \"uts\", \"ipc\", \"cgroup\"]\n\
         # uid = 65534                     # {uid}\n\
         # rlimits = {{ nproc = 500 }}\n\
         \n\
         [limits]\n\
         {limits}\n\
         \n\
         [[workload]]\n\
         {workload}\n\
         \n\
         [sampling]\n\
         interval = \"10ms\"\n\
         \n\
         [expect]                          # {expect_all}\n\
         {expect}\n\
         \"teardown.leaked\" = \"== 0\"\n",
        run_it = t!("starter-run-it"),
        duration = t!("starter-duration"),
        defaults = t!("starter-sandbox-defaults"),
        uid = t!("starter-uid"),
        expect_all = t!("starter-expect"),
    ))
}

/// `limitlab init`: writes a starter scenario, never over an existing file.
pub fn init(kind: &str, file: &Path) -> anyhow::Result<u8> {
    let text = starter(kind).ok_or_else(|| {
        let kinds: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        coded(
            Exit::BadInput,
            t!(
                "plan-kind-unknown",
                kind = format!("{kind:?}"),
                kinds = kinds.join(", ")
            ),
        )
    })?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| {
            coded(
                Exit::BadInput,
                t!(
                    "init-cannot-create",
                    file = file.display().to_string(),
                    error = e.to_string()
                ),
            )
        })?;
    f.write_all(text.as_bytes())?;
    println!("{}", t!("init-wrote", file = file.display().to_string()));
    Ok(Exit::Held.into())
}

/// `limitlab completions SHELL`. Like the man page, in English whatever the language: both
/// come from the derive's command, not from the Spanish one `--help` shows
/// ([`super::help::localized`]), so that a package built under any locale ships the same.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "limitlab", &mut text);
    std::io::stdout().write_all(&text)?;
    Ok(Exit::Held.into())
}

/// `limitlab man`: the man page, from the same definitions as `--help`.
pub fn man() -> anyhow::Result<u8> {
    let mut text = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut text)?;
    std::io::stdout().write_all(&text)?;
    Ok(Exit::Held.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, with};
    use crate::plan::{PlanOptions, plan};
    use crate::scenario::Source;

    #[test]
    fn every_starter_validates_in_both_languages() {
        for lang in Lang::ALL {
            with(lang, || {
                for k in KINDS {
                    let text =
                        starter(k.name).unwrap_or_else(|| panic!("no starter for {}", k.name));
                    let src = Source::from_text("init.toml", text.as_str());
                    let sc = src
                        .parse()
                        .unwrap_or_else(|e| panic!("{lang:?} {}: {e}\n{text}", k.name));
                    plan(&src, &sc, &PlanOptions::default())
                        .unwrap_or_else(|e| panic!("{lang:?} {}: {e}\n{text}", k.name));
                }
                assert!(starter("spoon").is_none());
            });
        }
    }

    /// A line as TOML reads it, and a commented-out setting (`# rate = ...`) as it would
    /// read uncommented: without its trailing comment. Other comment lines are words.
    fn setting(line: &str) -> Option<&str> {
        let body = match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => rest,
            Some(_) => return None,
            None if line.starts_with('#') => return None,
            None => line,
        };
        Some(body.split("  #").next().unwrap_or(body).trim_end())
    }

    #[test]
    fn a_spanish_starter_is_the_english_toml_with_spanish_comments() {
        for k in KINDS {
            let en = with(Lang::En, || starter(k.name)).unwrap();
            let es = with(Lang::Es, || starter(k.name)).unwrap();
            assert_ne!(en, es, "{}", k.name);
            let toml_of = |t: &str| toml::from_str::<toml::Table>(t).unwrap();
            assert_eq!(toml_of(&en), toml_of(&es), "{}", k.name);
            assert_eq!(en.lines().count(), es.lines().count(), "{}", k.name);
            for (a, b) in en.lines().zip(es.lines()) {
                assert_eq!(setting(a), setting(b), "{}:\n{a}\n{b}", k.name);
            }
        }
        let es = with(Lang::Es, || starter("memhog")).unwrap();
        assert!(
            es.starts_with(
                "# Una carga que acapara memoria frente a un límite de memoria sin swap"
            )
        );
        assert!(es.contains("\n# Ejecútalo: limitlab run ARCHIVO   ·   todas las claves"));
        assert!(
            es.contains("\nduration = \"5s\"                 # cuánto tiempo corre la carga\n")
        );
        assert!(es.contains("\n# rate = \"256MiB/s\"             # por defecto: tan rápido como lo permita el kernel\n"));
        assert!(es.contains("\n[expect]                          # todas deben cumplirse para el código de salida 0\n"));
        // The description is the file's TOML, English in every language.
        assert!(es.contains("\ndescription = \"A memory hog against a memory limit without swap"));
    }

    #[test]
    fn the_english_starter_reads_as_it_always_did() {
        let forkbomb = with(Lang::En, || starter("forkbomb")).unwrap();
        assert_eq!(
            forkbomb,
            "# A fork bomb in which every process forks forever and stays, against pids.max = 100.\n\
             # Run it: limitlab run FILE   ·   every key: docs/scenario.md   ·   kinds and metrics: limitlab list\n\
             description = \"A fork bomb in which every process forks forever and stays, against pids.max = 100.\"\n\
             duration = \"5s\"                 # how long the workload runs\n\
             \n\
             # [sandbox]                      # defaults shown\n\
             # namespaces = [\"pid\", \"mount\", \"net\", \"uts\", \"ipc\", \"cgroup\"]\n\
             # uid = 65534                     # the workload runs as nobody\n\
             # rlimits = { nproc = 500 }\n\
             \n\
             [limits]\n\
             pids = 100                      # processes and threads at once; \"max\" = no scenario limit\n\
             \n\
             [[workload]]\n\
             kind = \"forkbomb\"\n\
             style = \"classic\"               # classic | binary | churn\n\
             \n\
             [sampling]\n\
             interval = \"10ms\"\n\
             \n\
             [expect]                          # every one must hold for exit code 0\n\
             \"pids.peak\" = \"<= 100\"\n\
             \"pids.limit_hits\" = \">= 1\"\n\
             \"teardown.leaked\" = \"== 0\"\n"
        );
    }
}
