//! The sampler's hot path: one tick (every stat file re-read and parsed into a sample) on a
//! real cgroup and on a fixture tree, the PSI parser alone, and one `samples.csv` row written
//! and flushed as the sampler does.
//!
//! The real-cgroup tick needs root: without it that benchmark is skipped with the reason
//! printed. Its cgroups are made beneath this process's own and removed at the end.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use limitlab::data::PsiScope;
use limitlab::data::StatFile;
use limitlab::data::stream::SampleWriter;
use limitlab::data::{PsiResource, SourceKind};
use limitlab::plan::{PlanOptions, plan};
use limitlab::sampler::{self, Reader};
use limitlab::sandbox::cgroup::Layout;
use limitlab::scenario::Source;

const PSI: &str = "some avg10=1.80 avg60=1.56 avg300=0.42 total=1601200\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=25\n";

/// The files a hybrid sandbox's sampler reads, with realistic contents, in `dir`.
fn fixture_tree(dir: &Path) -> Vec<StatFile> {
    let files: &[(&str, SourceKind, &str)] = &[
        ("pids.current", SourceKind::PidsCurrent, "1000\n"),
        ("pids.peak", SourceKind::PidsPeak, "1000\n"),
        ("pids.events", SourceKind::PidsEvents, "max 48211\n"),
        (
            "memory.usage_in_bytes",
            SourceKind::MemoryCurrent,
            "367001600\n",
        ),
        (
            "memory.max_usage_in_bytes",
            SourceKind::MemoryPeak,
            "371195904\n",
        ),
        ("memory.failcnt", SourceKind::MemoryFailcnt, "0\n"),
        (
            "memory.oom_control",
            SourceKind::MemoryOomControl,
            "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
        ),
        ("cpuacct.usage", SourceKind::CpuacctUsage, "73216854113\n"),
        (
            "cpu.stat",
            SourceKind::CpuStatV1,
            "nr_periods 5000\nnr_throttled 4100\nthrottled_time 212000000000\nnr_bursts 0\nburst_time 0\n",
        ),
        (
            "cpu.pressure",
            SourceKind::Psi(PsiResource::Cpu, PsiScope::Cgroup),
            PSI,
        ),
        (
            "memory.pressure",
            SourceKind::Psi(PsiResource::Memory, PsiScope::Cgroup),
            PSI,
        ),
        (
            "io.pressure",
            SourceKind::Psi(PsiResource::Io, PsiScope::Cgroup),
            PSI,
        ),
    ];
    files
        .iter()
        .map(|(name, kind, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            StatFile { path, kind: *kind }
        })
        .collect()
}

fn tick_on_fixture_tree(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = fixture_tree(tmp.path());
    files.extend(sampler::host_psi_files());
    let mut reader = Reader::open(&files, None, None);
    assert!(reader.read().pids_current.is_some());
    c.bench_function("sampler tick on a fixture tree (15 files)", |b| {
        b.iter(|| reader.read())
    });
}

fn tick_on_a_real_cgroup(c: &mut Criterion) {
    const NAME: &str = "sampler tick on a real cgroup";
    if !nix::unistd::geteuid().is_root() {
        println!("SKIPPED {NAME}: needs root to create a cgroup");
        return;
    }
    let layout = match Layout::detect() {
        Ok(l) => l,
        Err(e) => {
            println!("SKIPPED {NAME}: no usable cgroup hierarchy ({e})");
            return;
        }
    };
    let src = Source::from_text(
        "bench.toml",
        "duration = \"1s\"\n[limits]\npids = 100\nmemory = \"64MiB\"\ncpu = 0.5\n[[workload]]\nkind = \"forkbomb\"\n",
    );
    let p = plan(&src, &src.parse().unwrap(), &PlanOptions::default()).unwrap();
    let cgroup = match layout.create_sandbox(&p.limits) {
        Ok(c) => c,
        Err(e) => {
            println!("SKIPPED {NAME}: cannot create a cgroup here ({e})");
            return;
        }
    };
    let mut files = cgroup.stat_files();
    files.extend(sampler::host_psi_files());
    let mut reader = Reader::open(&files, None, None);
    assert!(reader.read().pids_current.is_some());
    let label = format!("{NAME} ({}, {} files)", layout.mode, files.len());
    c.bench_function(&label, |b| b.iter(|| reader.read()));
    drop(reader);
    let stuck = cgroup.remove();
    assert!(stuck.is_empty(), "cgroups left: {stuck:?}");
}

fn psi_parse(c: &mut Criterion) {
    c.bench_function("PSI parse (some + full)", |b| {
        b.iter(|| sampler::parse_psi(std::hint::black_box(PSI)))
    });
}

fn csv_row_write(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    // A full row: every column the synthetic fork bomb fills, from the middle of its run.
    let record = limitlab::report::charts::synthetic::run(1000);
    let sample = record.samples[500].clone();
    let mut writer = SampleWriter::create(&tmp.path().join("samples.csv")).unwrap();
    c.bench_function("samples.csv row write (serialize + flush)", |b| {
        b.iter(|| writer.write(&sample).unwrap())
    });
    writer.finish().unwrap();
}

// No plots: criterion draws them with plotters, which finds no font on a machine without
// any installed (limitlab's charts embed their own).
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = tick_on_fixture_tree,
    tick_on_a_real_cgroup,
    psi_parse,
    csv_row_write
}
criterion_main!(benches);
