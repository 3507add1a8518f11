//! Events dated only by month ("March 2019", as published reviews often
//! date them): they sort to the 1st of their month, so they never start
//! or join a day-level episode. Here they are placed in the episodes and
//! periods that cover their month (listed, marked approximate), and a
//! month-level pass finds months in which several agencies record
//! significant events around one of them.

use chrono::{Datelike, Duration, NaiveDate};

use super::cluster::Dated;
use super::concerns::{month_end, ConcernPeriod, PeriodKind};
use super::link::counted_as;
use super::signals::Feature;
use super::{Episode, EpisodeConfig};
use crate::dates::Precision;
use crate::model::Chronology;
use crate::model::Event;

/// The events dated only by month (not author's notes), by the 1st of
/// their month, with whether each is significant.
pub(super) struct MonthDated {
    /// (first of the month, event, significant), in date order (ties by
    /// index).
    list: Vec<(NaiveDate, usize, bool)>,
}

impl MonthDated {
    /// The month-dated events of `events`.
    pub(super) fn new(events: &[Event], feats: &[Feature], seed: f64) -> Self {
        let mut list: Vec<(NaiveDate, usize, bool)> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.date.precision == Precision::Month && !e.is_note)
            .map(|(i, e)| (e.date.start, i, feats[i].weight >= seed))
            .collect();
        list.sort_unstable();
        MonthDated { list }
    }

    /// The month-dated events whose month overlaps `first..=last`, in
    /// merged order.
    pub(super) fn within(&self, first: NaiveDate, last: NaiveDate) -> Vec<usize> {
        let from = first - Duration::days(31);
        let lo = self.list.partition_point(|x| x.0 < from);
        let hi = self.list.partition_point(|x| x.0 <= last);
        let mut out: Vec<usize> = self.list[lo..hi]
            .iter()
            .filter(|x| month_end(x.0) >= first)
            .map(|x| x.1)
            .collect();
        out.sort_unstable();
        out
    }
}

/// Months in which at least [`EpisodeConfig::month_agencies`] agencies
/// record significant events, one of them at least dated only by the
/// month: periods marked month-level (not numbered yet). A partial date
/// never starts a day-level episode; this is where it counts.
pub(super) fn month_level(
    chronology: &Chronology,
    config: &EpisodeConfig,
    dated: &Dated,
    months: &MonthDated,
    episodes: &[Episode],
) -> Vec<ConcernPeriod> {
    let events = &chronology.events;
    let seed = config.weights.seed_weight;
    let counted = &chronology.same_agency;
    let key = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    // Months with a significant month-dated event.
    let mut wanted: Vec<i32> = months
        .list
        .iter()
        .filter(|x| x.2)
        .map(|x| key(x.0))
        .collect();
    wanted.dedup();
    let mut out = Vec::new();
    for k in wanted {
        let first = NaiveDate::from_ymd_opt(k.div_euclid(12), (k.rem_euclid(12) + 1) as u32, 1);
        let Some(first) = first else { continue };
        let last = month_end(first);
        let lo = dated
            .order
            .partition_point(|&i| events[i as usize].date.start < first);
        let hi = dated
            .order
            .partition_point(|&i| events[i as usize].date.start <= last);
        let mut members: Vec<usize> = dated.order[lo..hi]
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| dated.feats[i].weight >= seed && !dated.skipped(i))
            .collect();
        let approximate: Vec<usize> = months
            .list
            .iter()
            .skip(months.list.partition_point(|x| x.0 < first))
            .take_while(|x| x.0 <= last)
            .filter(|x| x.2)
            .map(|x| x.1)
            .collect();
        let mut agencies: Vec<usize> = members
            .iter()
            .chain(&approximate)
            .map(|&i| events[i].agency)
            .collect();
        agencies.sort_unstable();
        agencies.dedup();
        let mut as_counted: Vec<usize> = agencies.iter().map(|&a| counted_as(counted, a)).collect();
        as_counted.sort_unstable();
        as_counted.dedup();
        // A month whose month-dated events an episode already lists
        // adds nothing.
        let placed = approximate
            .iter()
            .all(|i| episodes.iter().any(|ep| ep.approximate.contains(i)));
        if as_counted.len() < config.month_agencies.max(2) || placed {
            continue;
        }
        members.sort_unstable();
        let names: Vec<&str> = agencies
            .iter()
            .map(|&a| chronology.agencies.get(a).map_or("", |x| x.name.as_str()))
            .collect();
        let reason = format!(
            "Month-level: {} agencies record significant events in {} ({}): {} dated to the day, {} dated only by the month (approximate)",
            as_counted.len(),
            first.format(crate::dates::display::MONTH_LONG),
            names.join(", "),
            members.len(),
            approximate.len()
        );
        out.push(ConcernPeriod {
            number: 0,
            kind: PeriodKind::MonthLevel,
            subject: String::new(),
            first,
            last,
            sources: names.iter().map(|n| n.to_string()).collect(),
            agencies,
            events: members,
            approximate,
            reason,
        });
    }
    out
}
