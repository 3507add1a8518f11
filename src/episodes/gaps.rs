//! Gaps: the longest silences of a chronology, stretches with no event.

use chrono::NaiveDate;
use serde::Serialize;

use super::EpisodeConfig;
use crate::model::Event;

/// A stretch of time with no event. Only exactly dated events that are
/// not author's notes count: a partial date (`March 2019`) inside a gap
/// does not close it, and is left for the reader to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The last event before the gap (index into `chronology.events`).
    pub after_event: usize,
    /// The day of that event.
    pub from: NaiveDate,
    /// The day of the next event.
    pub to: NaiveDate,
    /// `to - from` in days.
    pub days: i64,
}

/// The longest stretches between exactly dated events (author's notes and
/// partial dates left out), longer than the threshold, longest first.
pub(super) fn find_gaps(
    order: &[u32],
    days: &[i32],
    events: &[Event],
    config: &EpisodeConfig,
) -> Vec<Gap> {
    let mut gaps: Vec<Gap> = (1..order.len())
        .filter(|&p| (days[p] - days[p - 1]) as i64 > config.gap_threshold_days)
        .map(|p| {
            let (a, b) = (order[p - 1] as usize, order[p] as usize);
            Gap {
                after_event: a,
                from: events[a].date.start,
                to: events[b].date.start,
                days: (days[p] - days[p - 1]) as i64,
            }
        })
        .collect();
    gaps.sort_by(|a, b| b.days.cmp(&a.days).then(a.from.cmp(&b.from)));
    gaps.truncate(config.max_gaps);
    gaps
}
