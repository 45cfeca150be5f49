//! Chart rendering of a run of 1,000,000 samples (about three hours at 10 ms): all five
//! figures, each as SVG and PNG.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use limitlab::report::charts::{render_run, synthetic};

fn million_samples(c: &mut Criterion) {
    let record = synthetic::run(1_000_000);
    let mut group = c.benchmark_group("charts");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("chart rendering of 1,000,000 samples", |b| {
        b.iter(|| render_run(&record).unwrap())
    });
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
