//! The summary of a run of 1,000,000 samples (about three hours at 10 ms): every metric,
//! the expectations and the verdict, from samples in memory, and the metrics folded one
//! sample at a time as `limitlab report` streams them from `samples.csv`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use limitlab::metrics::Fold;
use limitlab::report::charts::synthetic;
use limitlab::report::summary;

fn million_samples(c: &mut Criterion) {
    let record = synthetic::run(1_000_000);
    let mut group = c.benchmark_group("summary");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("summary computation over 1,000,000 samples", |b| {
        b.iter(|| summary::build(&record, Vec::new()))
    });
    group.bench_function(
        "metrics fold, one sample at a time, 1,000,000 samples",
        |b| {
            b.iter(|| {
                let mut fold = Fold::new(&record);
                record.samples.iter().for_each(|s| fold.push(s));
                fold.finish(&record)
            })
        },
    );
    group.finish();
}

// No plots: criterion draws them with plotters, which finds no font on a machine without
// any installed (limitlab's charts embed their own).
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = million_samples
}
criterion_main!(benches);
