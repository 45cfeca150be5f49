//! Scenario parse + plan, for every shipped scenario.

use criterion::{Criterion, criterion_group, criterion_main};
use limitlab::plan::{PlanOptions, plan};
use limitlab::scenario::Source;

fn parse_and_plan(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/forkbomb.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let opts = PlanOptions::default();
    c.bench_function("parse + plan scenarios/forkbomb.toml", |b| {
        b.iter(|| {
            let src = Source::from_text(&path, text.as_str());
            let sc = src.parse().unwrap();
            plan(&src, &sc, &opts).unwrap()
        })
    });
}

// No plots: criterion draws them with plotters, which finds no font on a machine without
// any installed (limitlab's charts embed their own).
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = parse_and_plan
}
criterion_main!(benches);
