//! The incident that led to the review (the death or serious harm, where
//! ambulance, hospital and police crowd together): reviewers never choose
//! it as a key practice episode, so it is shown on its own
//! ([`Incident`]) and its events neither make nor join an episode.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::dates::Precision;
use crate::model::Chronology;

/// The incident that led to the review, as the chronology records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    /// The day review.toml gives (`incident = YYYY-MM-DD`).
    pub first: NaiveDate,
    /// The next day: events of the day after (the hospital admission, the
    /// police attendance written up) belong to the incident too.
    pub last: NaiveDate,
    /// Agencies with an event in it (indexes into `chronology.agencies`),
    /// sorted.
    pub agencies: Vec<usize>,
    /// Its events (indexes into `chronology.events`), in merged order.
    pub events: Vec<usize>,
    /// The events' references (`POL-0042`), in the same order.
    pub references: Vec<String>,
    /// What it was, in plain words.
    pub summary: String,
}

/// The incident of `day`, and for every event whether it belongs to it
/// (exactly dated on the day or the next). Without a day: none, and no
/// event is set apart.
pub(super) fn find(
    chronology: &Chronology,
    day: Option<NaiveDate>,
) -> (Option<Incident>, Vec<bool>) {
    let events = &chronology.events;
    let Some(first) = day else {
        return (None, Vec::new());
    };
    let last = first + Duration::days(1);
    let mut in_incident = vec![false; events.len()];
    let mut members = Vec::new();
    let mut agencies = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if e.date.precision == Precision::Day && e.date.start >= first && e.date.start <= last {
            in_incident[i] = true;
            members.push(i);
            if !e.is_note {
                agencies.push(e.agency);
            }
        }
    }
    agencies.sort_unstable();
    agencies.dedup();
    let names: Vec<&str> = agencies
        .iter()
        .map(|&a| chronology.agencies.get(a).map_or("", |x| x.name.as_str()))
        .collect();
    let summary = if members.is_empty() {
        format!(
            "The incident that led to the review, {}: no event is recorded on that day or the next.",
            first.format(crate::dates::display::DAY)
        )
    } else {
        format!(
            "The incident that led to the review, {}: {} recorded by {} ({}). Shown on its own, not as a key practice episode.",
            first.format(crate::dates::display::DAY),
            if members.len() == 1 {
                "1 event".to_string()
            } else {
                format!("{} events", members.len())
            },
            if agencies.len() == 1 {
                "1 agency".to_string()
            } else {
                format!("{} agencies", agencies.len())
            },
            names.join(", ")
        )
    };
    let references = members
        .iter()
        .map(|&i| events[i].reference.to_string())
        .collect();
    let incident = Incident {
        first,
        last,
        agencies,
        events: members,
        references,
        summary,
    };
    (Some(incident), in_incident)
}
