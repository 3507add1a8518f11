//! The analysis's suggestions beside the episodes: the incident that led
//! to the review, key decisions, repeated concerns, month-dated events,
//! the local rate, and the Learning event sheet.

mod common;

use chronomerge::episodes::{analyse, EpisodeConfig};
use chronomerge_testdata::synth::{generate, SynthConfig};

/// A review of 12 agencies × about 4,000 events over eight years: the
/// planted multi-agency episodes are found, each with a sensible span.
#[test]
fn a_dense_long_review_finds_its_planted_episodes() {
    let mut found = 0;
    let mut planted = 0;
    let mut spans = Vec::new();
    for seed in 0..6u64 {
        let synth = SynthConfig {
            seed,
            agencies: 12,
            days: 8 * 365,
            background_per_agency_year: 4_000.0 / 12.0 / 8.0,
            episodes: 5,
            bursts: 6,
            ..SynthConfig::default()
        };
        let r = generate(&synth);
        let a = analyse(&r.chronology, &EpisodeConfig::default());
        for p in &r.truth.episodes {
            planted += 1;
            let hit = a.episodes.iter().find(|e| {
                e.first <= p.last
                    && p.first <= e.last
                    && e.agencies.iter().filter(|x| p.agencies.contains(x)).count() >= 2
            });
            if let Some(e) = hit {
                found += 1;
                spans.push((
                    (e.last - e.first).num_days(),
                    (p.last - p.first).num_days(),
                    e.score,
                ));
            }
        }
        if std::env::var_os("EPISODES_DEBUG").is_some() {
            for e in &a.episodes {
                println!(
                    "{} {} {} {:?} {}",
                    e.score, e.first, e.last, e.agencies, e.reason
                );
            }
            for p in &r.truth.episodes {
                println!("PLANTED {} {} {:?}", p.first, p.last, p.agencies);
            }
        }
    }
    println!("dense: found {found}/{planted}; spans (found, planted, score) {spans:?}");
    assert!(found * 10 >= planted * 9, "found {found}/{planted}");
}
