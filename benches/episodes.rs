//! Key practice episodes, joint events and gaps: `analyse()` on generated
//! chronologies of 10,000 and 500,000 events.
//!
//! `cargo bench --bench episodes -- --quick`

use std::hint::black_box;

use chronomerge::episodes::{analyse, EpisodeConfig};
use chronomerge_testdata::synth::{generate, SynthConfig};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let config = EpisodeConfig::default();
    let mut group = c.benchmark_group("episodes");
    group.sample_size(10);
    for n in [10_000usize, 500_000] {
        let review = generate(&SynthConfig::sized(n, 1));
        let events = review.chronology.events.len();
        group.throughput(Throughput::Elements(events as u64));
        group.bench_function(format!("analyse/{n}"), |b| {
            b.iter(|| black_box(analyse(black_box(&review.chronology), &config)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
