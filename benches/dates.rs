//! Text-date parsing throughput on a realistic mix of Date and Time cells.
//!
//! `cargo bench --bench dates -- --quick`; ns/cell = reported time / cells
//! (the group reports elements per second too).

use std::hint::black_box;

use chrono::NaiveDate;
use chronomerge::dates::{parse_date, parse_time, DateContext};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// What agencies actually write, weighted towards the common forms.
const DATES: &[&str] = &[
    "05/03/2019",
    "05/03/2019",
    "05/03/2019",
    "12/11/2018",
    "28/02/2020",
    "5/3/19",
    "17/6/21",
    "5.3.2019",
    "05-03-2019",
    "2019-03-05",
    "5 March 2019",
    "21st September 2020",
    "5th Mar 2019",
    "Tuesday 5 March 2019",
    "05-Mar-19",
    "5/3/2019 14:30",
    "2019-03-05T14:30:00",
    "March 2019",
    "03/2019",
    "2019",
    "?22 May 2016",
    "c. 2015",
    "03/05/2019 - 10/05/2019",
    "3-10 May 2019",
    "22.05/16",
    "31/02/2019",
    "n/a",
    "-",
];

const TIMES: &[&str] = &[
    "14:30", "09:15", "1430", "14.30", "2.30pm", "2pm", "14:30:00", "noon", "14:30hrs", "25:10",
];

fn bench(c: &mut Criterion) {
    let ctx = DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    let mut g = c.benchmark_group("dates");
    g.throughput(Throughput::Elements(DATES.len() as u64));
    g.bench_function("parse_date mix", |b| {
        b.iter(|| {
            for s in DATES {
                let _ = black_box(parse_date(black_box(s), &ctx));
            }
        })
    });
    g.throughput(Throughput::Elements(TIMES.len() as u64));
    g.bench_function("parse_time mix", |b| {
        b.iter(|| {
            for s in TIMES {
                let _ = black_box(parse_time(black_box(s)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
