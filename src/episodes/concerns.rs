//! Repeated concerns ("key periods"): several referrals or reports about
//! the same child from different people over weeks or months, even when no
//! two of them fall within an episode's window.
//!
//! For each subject, its concerns in date order are swept with a window of
//! [`EpisodeConfig::concern_days`] (two pointers, a count per source):
//! every window with at least [`EpisodeConfig::concern_sources`] distinct
//! sources is part of a period, and overlapping windows make one period.
//! Linear in the concerns after one sort.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::cluster::Dated;
use super::partial::MonthDated;
use super::{Episode, EpisodeConfig};
use crate::dates::display::DAY;
use crate::model::Chronology;

/// What kind of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Concerns about one child from several sources within a few months.
    RepeatedConcerns,
    /// A month in which several agencies record significant events, one at
    /// least dated only by the month (found at the month's level, never
    /// starting a day-level episode).
    MonthLevel,
}

/// A period the reviewer may choose as a key period: repeated concerns, or
/// a busy month known only to the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcernPeriod {
    /// 1 = strongest; the id shown is `Period {number}`.
    pub number: usize,
    /// What kind.
    pub kind: PeriodKind,
    /// The child (or family member) the concerns are about; blank when the
    /// returns do not say, or for a month-level period.
    pub subject: String,
    /// First day.
    pub first: NaiveDate,
    /// Last day.
    pub last: NaiveDate,
    /// Where the concerns came from: the source of information, with its
    /// agency (`School (Children's social care)`), or the agency alone.
    pub sources: Vec<String>,
    /// Agencies with an event in it (indexes into `chronology.agencies`),
    /// sorted.
    pub agencies: Vec<usize>,
    /// Its events (indexes into `chronology.events`), in merged order.
    pub events: Vec<usize>,
    /// Events dated only by month whose month overlaps it: listed, marked
    /// approximate, not counted.
    pub approximate: Vec<usize>,
    /// Why it is listed, in plain words.
    pub reason: String,
}

impl ConcernPeriod {
    /// The id shown to the reviewer.
    pub fn id(&self) -> String {
        format!("Period {}", self.number)
    }
}

/// The day after `d`'s month ends.
pub(super) fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d) - Duration::days(1)
}

/// `s` trimmed and lower-cased, in `buf`.
fn lower<'a>(buf: &'a mut String, s: &str) -> &'a str {
    buf.clear();
    let s = s.trim();
    if s.is_ascii() {
        // The same, a byte at a time.
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(s.chars().flat_map(char::to_lowercase));
    }
    buf
}

/// The repeated-concern periods of a chronology (not numbered yet): those
/// whose concerns all fall inside one episode are left out (the episode
/// says it already).
pub(super) fn find(
    chronology: &Chronology,
    config: &EpisodeConfig,
    dated: &Dated,
    episodes: &[Episode],
) -> Vec<ConcernPeriod> {
    let events = &chronology.events;
    let feats = dated.feats;
    let min_sources = config.concern_sources.max(2);
    // Each concern's source, as (agency, lower-cased source), made a
    // number once; and the concerns by subject (lower-cased), in date
    // order, as (day, event, source).
    let mut buf = String::new();
    // (A source is looked up before it is copied: one copy per source,
    // not one per concern.)
    let mut source_ids: HashMap<usize, HashMap<String, u32>> = HashMap::new();
    let mut sources = 0u32;
    let mut by_subject: HashMap<String, Vec<(i32, usize, u32)>> = HashMap::new();
    for (&i, &d) in dated.order.iter().zip(dated.days) {
        let i = i as usize;
        if !feats[i].concern || dated.skipped(i) || events[i].date.approximate {
            continue;
        }
        let e = &events[i];
        let of_agency = source_ids.entry(e.agency).or_default();
        let name = lower(&mut buf, &e.source);
        let source = match of_agency.get(name) {
            Some(&id) => id,
            None => {
                of_agency.insert(name.to_string(), sources);
                sources += 1;
                sources - 1
            }
        };
        let subject = lower(&mut buf, &e.subject);
        match by_subject.get_mut(subject) {
            Some(list) => list.push((d, i, source)),
            None => {
                by_subject.insert(subject.to_string(), vec![(d, i, source)]);
            }
        }
    }
    let mut subjects: Vec<_> = by_subject.into_iter().collect();
    subjects.sort_by(|a, b| a.0.cmp(&b.0));
    let mut count = vec![0usize; sources as usize];
    drop(source_ids);
    let mut out = Vec::new();
    for (_, list) in &subjects {
        let mut distinct = 0usize;
        let mut l = 0usize;
        // Current period: first and last index into `list`.
        let mut current: Option<(usize, usize)> = None;
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for r in 0..list.len() {
            let c = &mut count[list[r].2 as usize];
            *c += 1;
            if *c == 1 {
                distinct += 1;
            }
            while (list[r].0 - list[l].0) as i64 > config.concern_days {
                let c = &mut count[list[l].2 as usize];
                *c -= 1;
                if *c == 0 {
                    distinct -= 1;
                }
                l += 1;
            }
            if distinct >= min_sources {
                current = match current {
                    Some((s, e)) if l <= e => Some((s, r)),
                    Some(run) => {
                        runs.push(run);
                        Some((l, r))
                    }
                    None => Some((l, r)),
                };
            }
        }
        runs.extend(current);
        for &(_, _, k) in &list[l..] {
            count[k as usize] = 0;
        }
        for (s, e) in runs {
            let members = &list[s..=e];
            // A period stands on the concerns outside the episodes: the
            // episodes already show the others.
            let mut outside: Vec<u32> = members
                .iter()
                .filter(|&&(_, i, _)| {
                    let day = events[i].date.start;
                    !episodes.iter().any(|ep| ep.first <= day && day <= ep.last)
                })
                .map(|&(_, _, k)| k)
                .collect();
            outside.sort_unstable();
            outside.dedup();
            if outside.len() < min_sources {
                continue;
            }
            out.push(period(
                chronology,
                members.iter().map(|&(_, i, _)| i).collect(),
            ));
        }
    }
    out
}

/// A repeated-concerns period of the concerns `members` (in date order),
/// without its reason and approximate events yet ([`describe`] gives them
/// to the periods kept).
fn period(chronology: &Chronology, mut members: Vec<usize>) -> ConcernPeriod {
    let events = &chronology.events;
    let name = |a: usize| chronology.agencies.get(a).map_or("", |x| x.name.as_str());
    let (first, last) = (
        events[members[0]].date.start,
        events[members[members.len() - 1]].date.start,
    );
    // Each source once, in order: (agency, source as written).
    let mut seen: Vec<(usize, &str)> = Vec::new();
    for &i in &members {
        let e = &events[i];
        let key = (e.agency, e.source.trim());
        if !seen.contains(&key) {
            seen.push(key);
        }
    }
    let sources: Vec<String> = seen
        .iter()
        .map(|&(a, src)| {
            if src.is_empty() {
                name(a).to_string()
            } else {
                format!("{src} ({})", name(a))
            }
        })
        .collect();
    let subject = events[members[0]].subject.trim().to_string();
    let mut agencies: Vec<usize> = members.iter().map(|&i| events[i].agency).collect();
    agencies.sort_unstable();
    agencies.dedup();
    members.sort_unstable();
    ConcernPeriod {
        number: 0,
        kind: PeriodKind::RepeatedConcerns,
        subject,
        first,
        last,
        sources,
        agencies,
        events: members,
        approximate: Vec::new(),
        reason: String::new(),
    }
}

/// Gives a repeated-concerns period kept by [`rank`] its reason (every
/// concern's day and Ref) and the month-dated events it covers.
pub(super) fn describe(p: &mut ConcernPeriod, chronology: &Chronology, months: &MonthDated) {
    if p.kind != PeriodKind::RepeatedConcerns {
        return;
    }
    let events = &chronology.events;
    // The concerns in date order (ties by event), as they were found.
    let mut members = p.events.clone();
    members.sort_by_key(|&i| (events[i].date.start, i));
    let dates: Vec<String> = members
        .iter()
        .map(|&i| {
            let e = &events[i];
            if e.reference.number == 0 {
                e.date.start.format(DAY).to_string()
            } else {
                format!("{} ({})", e.date.start.format(DAY), e.reference)
            }
        })
        .collect();
    let (first, last) = (p.first, p.last);
    let weeks = ((last - first).num_days() + 6) / 7;
    p.reason = format!(
        "{} concerns{} from {} sources over {}: {}; on {}",
        members.len(),
        if p.subject.is_empty() {
            String::new()
        } else {
            format!(" about {}", p.subject)
        },
        p.sources.len(),
        if weeks <= 1 {
            "a week".to_string()
        } else {
            format!("{weeks} weeks")
        },
        p.sources.join(", "),
        dates.join(", ")
    );
    p.approximate = months.within(first, last);
}

/// Ranks the periods (most sources, then most events, then earliest),
/// keeps the first `max` and numbers them.
pub(super) fn rank(periods: &mut Vec<ConcernPeriod>, max: usize) {
    periods.sort_by(|a, b| {
        b.sources
            .len()
            .cmp(&a.sources.len())
            .then(b.events.len().cmp(&a.events.len()))
            .then(a.first.cmp(&b.first))
            .then(a.events.first().cmp(&b.events.first()))
    });
    periods.truncate(max);
    for (k, p) in periods.iter_mut().enumerate() {
        p.number = k + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::lower;

    /// The byte-at-a-time path for ASCII gives what the character path
    /// gives.
    #[test]
    fn lower_is_trimmed_lowercase_ascii_or_not() {
        let mut buf = String::new();
        for s in [
            "  School NURSE ",
            "GP",
            "",
            " \t",
            "Ärztin Ñ ",
            "İstanbul Office",
            "ß",
        ] {
            let want: String = s.trim().chars().flat_map(char::to_lowercase).collect();
            assert_eq!(lower(&mut buf, s), want, "{s:?}");
        }
    }
}
