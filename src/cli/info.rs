//! The commands that teach: `list`, `init`, `schema`, `completions`, `man`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::Cli;
use crate::data::metrics::{METRICS, MetricDef};
use crate::workloads::KINDS;
use crate::{Exit, coded};

/// `limitlab list`: every workload kind with its options, and every metric `[expect]` knows.
pub fn list() -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "Workload kinds ([[workload]] kind = \"...\"):")?;
    for k in KINDS {
        writeln!(out, "\n  {}: {}", k.name, k.help_text())?;
        for o in k.options {
            let default = o
                .default_text()
                .map(|d| format!(" (default: {d})"))
                .unwrap_or_else(|| " (required)".into());
            writeln!(out, "    {}{default}\n        {}", o.name, o.help_text())?;
        }
    }
    writeln!(out, "\nThe sandbox ([sandbox] keys):\n")?;
    for k in crate::scenario::schema::keys()
        .iter()
        .filter(|k| k.key.trim_matches(['[', ']', '`']).starts_with("sandbox."))
    {
        let default = k
            .default
            .as_deref()
            .map(|d| format!(" (default: {d})"))
            .unwrap_or_default();
        writeln!(out, "  {}{default}\n      {}", k.key, k.description_text())?;
    }
    writeln!(out, "\nWhat the workload sees:")?;
    for p in crate::sandbox::view::describe() {
        writeln!(out, "\n  {p}")?;
    }
    writeln!(out, "\nMetrics ([expect] \"metric\" = \"comparison\"):\n")?;
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
    writeln!(
        out,
        "\nComparisons: < <= == != >= > and a number, or an inclusive range low..high; byte and ms\nmetrics take units (\"< 128MiB\", \"< 2s\"). Escape attempts (kind = \"escape\", tries = [...]):"
    )?;
    for (name, _) in crate::workloads::escape::ATTEMPTS {
        let what = crate::workloads::escape::attempt_text(name);
        writeln!(out, "  {name:<17} {what}")?;
    }
    Ok(Exit::Held.into())
}

/// A commented starter scenario for `kind`.
pub fn starter(kind: &str) -> Option<String> {
    let (what, limits, workload, expect) = match kind {
        "forkbomb" => (
            "A fork bomb in which every process forks forever and stays, against pids.max = 100.",
            "pids = 100                      # processes and threads at once; \"max\" = no scenario limit",
            "kind = \"forkbomb\"\nstyle = \"classic\"               # classic | binary | churn",
            "\"pids.peak\" = \"<= 100\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        "threadbomb" => (
            "A thread bomb: pids.max counts threads exactly like processes.",
            "pids = 100",
            "kind = \"threadbomb\"\nstyle = \"classic\"               # classic | binary | churn",
            "\"pids.peak\" = \"<= 100\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        "memhog" => (
            "A memory hog against a memory limit without swap: the OOM killer stops it at the limit.",
            "pids = 100\nmemory = \"128MiB\"              # memory.max (v1: memory.limit_in_bytes)\nswap = \"0B\"                     # no swap: the limit is the limit",
            "kind = \"memhog\"\nsize = \"1GiB\"                   # how much it tries to reach\n# rate = \"256MiB/s\"             # default: as fast as the kernel allows\n# backing = \"shm\"               # a tmpfs file instead of anonymous memory",
            "\"memory.oom_kills\" = \">= 1\"\n\"memory.peak_bytes\" = \"<= 128MiB\"",
        ),
        "cpuspin" => (
            "CPU spinners against a quota of half a core: throttled, and it shows in their own work rate.",
            "pids = 100\ncpu = 0.5                       # cores: cpu.max quota/period",
            "kind = \"cpuspin\"\nthreads = 2\n# duty = 1.0                    # busy fraction of each 100 ms slot",
            "\"cpu.usage_cores\" = \"0.45..0.55\"\n\"cpu.throttled_ratio\" = \"> 0.5\"",
        ),
        "escape" => (
            "A hostile workload that tries to leave its cgroups and reach the host; every attempt must fail.",
            "pids = 50",
            "kind = \"escape\"\n# tries = [\"cgroup-move\", \"network\"]   # default: every attempt (`limitlab list` names them)",
            "\"workload.escapes\" = \"== 0\"",
        ),
        "command" => (
            "Any program in the sandbox: here the course's perl fork bomb.",
            "pids = 1000",
            "kind = \"command\"\nargv = [\"perl\", \"-e\", \"fork while fork\"]",
            "\"pids.peak\" = \"<= 1000\"\n\"pids.limit_hits\" = \">= 1\"",
        ),
        _ => return None,
    };
    Some(format!(
        "# {what}\n\
         # Run it: limitlab run FILE   ·   every key: docs/scenario.md   ·   kinds and metrics: limitlab list\n\
         description = \"{what}\"\n\
         duration = \"5s\"                 # how long the workload runs\n\
         \n\
         # [sandbox]                      # defaults shown\n\
         # namespaces = [\"pid\", \"mount\", \"net\", \"uts\", \"ipc\", \"cgroup\"]\n\
         # uid = 65534                     # the workload runs as nobody\n\
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
         [expect]                          # every one must hold for exit code 0\n\
         {expect}\n\
         \"teardown.leaked\" = \"== 0\"\n"
    ))
}

/// `limitlab init`: writes a starter scenario, never over an existing file.
pub fn init(kind: &str, file: &Path) -> anyhow::Result<u8> {
    let text = starter(kind).ok_or_else(|| {
        let kinds: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        coded(
            Exit::BadInput,
            format!("unknown kind {kind:?}; one of {}", kinds.join(", ")),
        )
    })?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| {
            coded(
                Exit::BadInput,
                format!(
                    "cannot create {}: {e} (limitlab init never overwrites a file)",
                    file.display()
                ),
            )
        })?;
    f.write_all(text.as_bytes())?;
    println!(
        "wrote {}; check it with `limitlab validate {0}` and run it with `limitlab run {0}`",
        file.display()
    );
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
    use crate::plan::{PlanOptions, plan};
    use crate::scenario::Source;

    #[test]
    fn every_starter_validates() {
        for k in KINDS {
            let text = starter(k.name).unwrap_or_else(|| panic!("no starter for {}", k.name));
            let src = Source::from_text("init.toml", text.as_str());
            let sc = src
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", k.name));
            plan(&src, &sc, &PlanOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", k.name));
        }
        assert!(starter("spoon").is_none());
    }
}
