//! Episodes: grouping the significant events into candidate key practice
//! episodes (steps 2 to 6 of the [module docs](super)): anchors swept in
//! date order and cut into pieces ([`pieces`]), the strongest core of each
//! piece found by a scan statistic ([`Search::best`]) and widened
//! ([`Search::extend`]), scored, given their reason in plain words
//! ([`reason`]) and ranked ([`rank`]).

use chrono::Duration;

use super::link::counted_as;
use super::signals::{Feature, SignalTable};
use super::{day_num, Episode, EpisodeConfig};
use crate::dates::Precision;
use crate::model::Chronology;
use crate::model::{Event, EVENT_TYPES};

/// Splits the anchor days `ds` (sorted, distinct) into pieces: a gap
/// longer than `window` splits; a piece longer than `max_span` is split
/// again at its widest gaps. Returns half-open ranges into `ds`.
fn pieces(ds: &[i32], window: i64, max_span: i64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for i in 1..=ds.len() {
        if i == ds.len() || (ds[i] - ds[i - 1]) as i64 > window {
            if s < i {
                split_long(ds, s, i, max_span, &mut out);
            }
            s = i;
        }
    }
    out
}

/// Single linkage with a span cap: join neighbouring days in order of the
/// gap between them (narrowest first, ties by position) while the joined
/// piece lasts at most `max_span` days.
fn split_long(ds: &[i32], s: usize, e: usize, max_span: i64, out: &mut Vec<(usize, usize)>) {
    if (ds[e - 1] - ds[s]) as i64 <= max_span {
        out.push((s, e));
        return;
    }
    let mut gaps: Vec<(i32, usize)> = (s + 1..e).map(|i| (ds[i] - ds[i - 1], i)).collect();
    gaps.sort_unstable();
    // Each piece is a range; `left[i]` / `right[i]` are kept at the ends.
    let mut left: Vec<usize> = (s..e).collect();
    let mut right: Vec<usize> = (s..e).collect();
    for (_, i) in gaps {
        // Joining the piece ending at i-1 with the piece starting at i.
        let l = left[i - 1 - s];
        let r = right[i - s];
        if ((ds[r] - ds[l]) as i64) <= max_span {
            left[r - s] = l;
            right[l - s] = r;
        }
    }
    let mut i = s;
    while i < e {
        let r = right[i - s];
        out.push((i, r + 1));
        i = r + 1;
    }
}

/// The strongest stretch of anchor days inside a piece.
struct Best {
    /// First and last anchor day (indexes into the distinct anchor days).
    from: usize,
    to: usize,
    /// Observed (capped) signal.
    observed: f64,
    /// Log-likelihood ratio of that signal against the usual rate.
    llr: f64,
    /// The usual daily rate it was measured against: the local rates of
    /// the agencies in it.
    rate: f64,
}

/// No agency's usual rate is taken as less than this share of the average
/// agency's.
const RATE_FLOOR: f64 = 1.0;

/// An event that can anchor an episode.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    /// Its day ([`day_num`]).
    day: i32,
    /// Its agency, as counted (close names as one).
    agency: usize,
    /// Its significance.
    weight: f64,
    /// It makes its agency involved on its own: a joint event, a referral
    /// made or a police call-out.
    strong: bool,
    /// It may widen an episode beyond its core (not routine).
    widens: bool,
}

/// The scan over the anchors of a piece.
struct Search<'a> {
    /// The anchors, in date order.
    anchors: &'a [Anchor],
    /// Start of each distinct day's anchors in `anchors` (one past the end
    /// last).
    day_start: &'a [usize],
    /// The distinct anchor days.
    days: &'a [i32],
    cap: f64,
    involved: f64,
    min_agencies: usize,
}

/// Poisson log-likelihood ratio of `observed` against `expected` (the
/// scan statistic of Kulldorff): 0 unless more than expected.
fn llr(observed: f64, expected: f64) -> f64 {
    if observed <= expected {
        0.0
    } else {
        observed * (observed / expected).ln() - (observed - expected)
    }
}

impl Search<'_> {
    /// The stretch of days `from..=to` within the piece `s..e` whose
    /// capped signal is most unusual for its length, among those with at
    /// least `min_agencies` involved agencies. Ties: the earliest, then
    /// the shortest.
    fn best(
        &self,
        s: usize,
        e: usize,
        n_agencies: usize,
        rates: &[f64],
        active: f64,
    ) -> Option<Best> {
        let mut sums = vec![0.0f64; n_agencies];
        let mut inv = vec![false; n_agencies];
        let mut touched: Vec<usize> = Vec::new();
        let mut best: Option<Best> = None;
        for i in s..e {
            for &a in &touched {
                sums[a] = 0.0;
                inv[a] = false;
            }
            touched.clear();
            let (mut observed, mut involved, mut rate, mut n) = (0.0f64, 0usize, 0.0f64, 0usize);
            for j in i..e {
                for x in &self.anchors[self.day_start[j]..self.day_start[j + 1]] {
                    let a = x.agency;
                    let old = sums[a];
                    if old == 0.0 {
                        touched.push(a);
                        rate += rates[a];
                        n += 1;
                    }
                    let new = old + x.weight;
                    sums[a] = new;
                    observed += new.min(self.cap) - old.min(self.cap);
                    if !inv[a] && (x.strong || new >= self.involved) {
                        inv[a] = true;
                        involved += 1;
                    }
                }
                if involved < self.min_agencies {
                    continue;
                }
                // The touched agencies' average local rate, for as many
                // agencies as are active around the piece.
                let rate = rate / n as f64 * active;
                let expected = rate * (self.days[j] - self.days[i] + 1) as f64;
                let score = llr(observed, expected);
                if best.as_ref().is_none_or(|b| score > b.llr) {
                    best = Some(Best {
                        from: i,
                        to: j,
                        observed,
                        llr: score,
                        rate,
                    });
                }
            }
        }
        best
    }
}

impl Search<'_> {
    /// The core stretch widened to the days on which its involved agencies
    /// recorded significant events (more than twice the usual daily rate)
    /// following on from it with no quiet gap longer than `window` (other
    /// agencies' events do not widen it). Returns the first
    /// and last anchor day (indexes).
    fn extend(
        &self,
        best: &Best,
        s: usize,
        e: usize,
        window: i64,
        n_agencies: usize,
    ) -> (usize, usize) {
        let mut sums = vec![0.0f64; n_agencies];
        for x in &self.anchors[self.day_start[best.from]..self.day_start[best.to + 1]] {
            sums[x.agency] += if x.strong {
                x.weight.max(self.involved)
            } else {
                x.weight
            };
        }
        // A day widens the episode when its involved agencies' signal is
        // well above the usual daily rate (always so in a sparse
        // chronology; in a very busy one only on unusual days).
        let involved = |j: usize| {
            let day: f64 = self.anchors[self.day_start[j]..self.day_start[j + 1]]
                .iter()
                .filter(|x| x.widens && sums[x.agency] >= self.involved)
                .map(|x| x.weight)
                .sum();
            day > 0.0 && day >= 2.0 * best.rate
        };
        let (mut from, mut to) = (best.from, best.to);
        let mut j = from;
        while j > s {
            j -= 1;
            if (self.days[from] - self.days[j]) as i64 > window {
                break;
            }
            if involved(j) {
                from = j;
            }
        }
        let mut j = to;
        while j + 1 < e {
            j += 1;
            if (self.days[j] - self.days[to]) as i64 > window {
                break;
            }
            if involved(j) {
                to = j;
            }
        }
        (from, to)
    }
}

/// How a reason names an event's type, from the table.
fn type_phrase<'t>(table: &'t SignalTable, e: &Event) -> Option<&'t str> {
    let name = match e.event_type_known {
        Some(k) => EVENT_TYPES.get(k).copied().unwrap_or(""),
        None => e.event_type.trim(),
    };
    table
        .event_types
        .iter()
        .find(|t| t.event_type.trim().eq_ignore_ascii_case(name))
        .map(|t| t.phrase.as_str())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The exactly dated events that are not author's notes, in date order,
/// with what was read and linked of every event.
pub(super) struct Dated<'a> {
    /// Every event's features.
    pub(super) feats: &'a [Feature],
    /// The exactly dated events that are not author's notes, in date order.
    pub(super) order: &'a [u32],
    /// Their days ([`day_num`]).
    pub(super) days: &'a [i32],
    /// Every event's joint group, when it has links.
    pub(super) group_of: &'a [Option<u32>],
    /// The events set apart (the incident that led to the review): they
    /// neither anchor nor join an episode. Empty when none is.
    pub(super) skip: &'a [bool],
}

impl Dated<'_> {
    /// Whether event `i` is set apart.
    pub(super) fn skipped(&self, i: usize) -> bool {
        self.skip.get(i).copied().unwrap_or(false)
    }
}

/// The candidate key practice episodes of a chronology, ranked, and for
/// each event the index of its episode, if any.
pub(super) fn find_episodes(
    chronology: &Chronology,
    config: &EpisodeConfig,
    dated: &Dated,
) -> (Vec<Episode>, Vec<Option<usize>>) {
    let events = &chronology.events;
    let counted = &chronology.same_agency;
    let anchors = anchors(events, counted, dated, config);
    let (anchor_days, day_start) = anchor_days(&anchors);
    let n_agencies = chronology
        .agencies
        .len()
        .max(events.iter().map(|e| e.agency + 1).max().unwrap_or(0));
    let local = LocalRates::new(&anchors, n_agencies, config.rate_days);
    let mut rates = vec![0.0f64; n_agencies];
    let (notes, note_days) = dated_notes(events);
    let search = Search {
        anchors: &anchors,
        day_start: &day_start,
        days: &anchor_days,
        cap: config.agency_cap,
        involved: config.min_agency_signal,
        min_agencies: config.min_agencies.max(1),
    };
    let builder = Builder {
        chronology,
        events,
        dated,
        notes: &notes,
        note_days: &note_days,
        config,
        n_agencies,
    };
    let mut candidates: Vec<Episode> = Vec::new();
    let mut present = vec![false; n_agencies];
    // Each piece gives its strongest core; what is left of the piece on
    // either side is searched again (at most a few times per piece).
    let mut work: Vec<(usize, usize, usize)> =
        pieces(&anchor_days, config.window_days, config.max_span_days)
            .into_iter()
            .rev()
            .map(|(s, e)| (s, e, 0))
            .collect();
    while let Some((s, e, depth)) = work.pop() {
        let near = local.fill(anchor_days[s], anchor_days[e - 1], &mut rates);
        let Some(best) = search.best(s, e, n_agencies, &rates, near as f64) else {
            continue;
        };
        let (from, to) = search.extend(&best, s, e, config.window_days, n_agencies);
        if depth < 3 {
            if to + 1 < e {
                work.push((to + 1, e, depth + 1));
            }
            if s < from {
                work.push((s, from, depth + 1));
            }
        }
        let (d0, d1) = (anchor_days[from], anchor_days[to]);
        if let Some(episode) = builder.episode(&best, d0, d1, &mut present) {
            candidates.push(episode);
        }
    }
    rank(candidates, config.max_episodes, events.len())
}

/// Anchors: the exactly dated events of `dated` whose date is certain,
/// that are not set apart, and whose significance reaches the seed weight,
/// in date order.
fn anchors(
    events: &[Event],
    counted: &[usize],
    dated: &Dated,
    config: &EpisodeConfig,
) -> Vec<Anchor> {
    let feats = dated.feats;
    let seed = config.weights.seed_weight;
    dated
        .order
        .iter()
        .zip(dated.days)
        .filter(|(&i, _)| {
            let i = i as usize;
            !events[i].date.approximate && feats[i].weight >= seed && !dated.skipped(i)
        })
        .map(|(&i, &d)| {
            let i = i as usize;
            let e = &events[i];
            Anchor {
                day: d,
                agency: counted_as(counted, e.agency),
                weight: feats[i].weight,
                // A referral made or a police call-out, or a joint event.
                // (A referral made or a police call-out alone does not: on
                // the generated reviews it lets one agency's burst and
                // another's isolated call-out pass as an episode.)
                strong: dated.group_of[i].is_some(),
                widens: feats[i].weight >= config.extend_weight,
            }
        })
        .collect()
}

/// Each agency's usual rate of significant signal per day, near a stretch
/// of days: its anchors within [`EpisodeConfig::rate_days`] either side,
/// over that many days (prefix sums per agency, so each look-up is a
/// binary search).
struct LocalRates {
    /// Per agency: its anchors' days and the running sum of their weights.
    per_agency: Vec<(Vec<i32>, Vec<f64>)>,
    reach: i32,
}

impl LocalRates {
    fn new(anchors: &[Anchor], n_agencies: usize, reach: i64) -> Self {
        let mut per_agency: Vec<(Vec<i32>, Vec<f64>)> = vec![(Vec::new(), vec![0.0]); n_agencies];
        for x in anchors {
            let (days, sums) = &mut per_agency[x.agency];
            days.push(x.day);
            let last = *sums.last().unwrap_or(&0.0);
            sums.push(last + x.weight);
        }
        LocalRates {
            per_agency,
            reach: reach.clamp(1, 100_000) as i32,
        }
    }

    /// Each agency's rate around the days `d0..=d1` (no agency's less than
    /// [`RATE_FLOOR`] of the average agency's there: two isolated events
    /// of two near-silent agencies are not a crisis), and how many
    /// agencies have significant events there (at least 1).
    fn fill(&self, d0: i32, d1: i32, rates: &mut [f64]) -> usize {
        let (lo, hi) = (d0 - self.reach, d1 + self.reach);
        let span = (hi - lo + 1) as f64;
        let (mut active, mut total) = (0usize, 0.0f64);
        for (a, (days, sums)) in self.per_agency.iter().enumerate() {
            let i = days.partition_point(|&d| d < lo);
            let j = days.partition_point(|&d| d <= hi);
            if j > i {
                active += 1;
            }
            rates[a] = (sums[j] - sums[i]) / span;
            total += rates[a];
        }
        let active = active.max(1);
        let floor = (RATE_FLOOR * total / active as f64).max(1e-9);
        rates.iter_mut().for_each(|r| *r = r.max(floor));
        active
    }
}

/// The distinct days of the anchors, and where each day's anchors start
/// in `anchors` (one past the end last).
fn anchor_days(anchors: &[Anchor]) -> (Vec<i32>, Vec<usize>) {
    let mut anchor_days: Vec<i32> = Vec::new();
    let mut day_start: Vec<usize> = Vec::new();
    for (k, a) in anchors.iter().enumerate() {
        if anchor_days.last() != Some(&a.day) {
            anchor_days.push(a.day);
            day_start.push(k);
        }
    }
    day_start.push(anchors.len());
    (anchor_days, day_start)
}

/// The author's notes with a full date, in date order (ties by index), and
/// their days: attached to the episode they fall in, never counted.
fn dated_notes(events: &[Event]) -> (Vec<usize>, Vec<i32>) {
    let mut notes: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].is_note && events[i].date.precision == Precision::Day)
        .collect();
    notes.sort_by_key(|&i| (events[i].date.start, i));
    let note_days: Vec<i32> = notes.iter().map(|&i| day_num(&events[i])).collect();
    (notes, note_days)
}

/// What an episode is made from, once its core and its first and last
/// days are known.
struct Builder<'a> {
    /// For the agencies' names and which are counted as one.
    chronology: &'a Chronology,
    events: &'a [Event],
    dated: &'a Dated<'a>,
    /// [`dated_notes`].
    notes: &'a [usize],
    note_days: &'a [i32],
    config: &'a EpisodeConfig,
    n_agencies: usize,
}

impl Builder<'_> {
    /// The episode of the days `d0..=d1` around the core `best`, unless it
    /// scores under [`EpisodeConfig::min_score`]. `present` is scratch, one
    /// place per agency.
    fn episode(&self, best: &Best, d0: i32, d1: i32, present: &mut [bool]) -> Option<Episode> {
        let (events, feats, order, days) = (
            self.events,
            self.dated.feats,
            self.dated.order,
            self.dated.days,
        );
        let config = self.config;
        let table = &config.weights;
        let seed = table.seed_weight;
        let lo = days.partition_point(|&d| d < d0);
        let hi = days.partition_point(|&d| d <= d1);
        present.iter_mut().for_each(|x| *x = false);
        let mut phrases: Vec<(String, f64, usize)> = Vec::new();
        let mut add_phrase =
            |p: &str, w: f64, at: usize| match phrases.iter_mut().find(|(q, _, _)| q == p) {
                Some(x) => x.1 += w,
                None => phrases.push((p.to_string(), w, at)),
            };
        let mut groups: Vec<u32> = Vec::new();
        let mut contributing: Vec<usize> = Vec::new();
        for &i in &order[lo..hi] {
            let i = i as usize;
            if self.dated.skipped(i) {
                continue;
            }
            let f = &feats[i];
            present[events[i].agency] = true;
            if f.weight >= seed && !events[i].date.approximate {
                contributing.push(events[i].agency);
            }
            if let Some(g) = self.dated.group_of[i] {
                groups.push(g);
            }
            if f.weight >= seed {
                if f.type_weight >= seed {
                    if let Some(p) = type_phrase(table, &events[i]) {
                        add_phrase(p, f.type_weight, i);
                    }
                }
                for &k in &f.keywords {
                    let kw = &table.keywords[k as usize];
                    add_phrase(&kw.phrase, kw.weight, i);
                }
            }
        }
        groups.sort_unstable();
        groups.dedup();
        let joint = groups.len();
        let score = best.llr + config.joint_weight * joint as f64;
        let score = (score * 100.0).round() / 100.0;
        if score < config.min_score {
            return None;
        }
        let mut members: Vec<usize> = order[lo..hi]
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| !self.dated.skipped(i))
            .collect();
        contributing.sort_unstable();
        contributing.dedup();
        let nlo = self.note_days.partition_point(|&d| d < d0);
        let nhi = self.note_days.partition_point(|&d| d <= d1);
        members.extend(
            self.notes[nlo..nhi]
                .iter()
                .filter(|&&i| !self.dated.skipped(i)),
        );
        members.sort_unstable();
        let agencies: Vec<usize> = (0..self.n_agencies).filter(|&a| present[a]).collect();
        // Names so close that they may be one agency are one in the count.
        let counted = &self.chronology.same_agency;
        let mut counted_here: Vec<usize> =
            agencies.iter().map(|&a| counted_as(counted, a)).collect();
        counted_here.sort_unstable();
        counted_here.dedup();
        let as_one: Vec<&str> = agencies
            .iter()
            .filter(|&&a| {
                agencies
                    .iter()
                    .any(|&b| b != a && counted_as(counted, b) == counted_as(counted, a))
            })
            .map(|&a| {
                self.chronology
                    .agencies
                    .get(a)
                    .map_or("", |x| x.name.as_str())
            })
            .collect();
        phrases.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        let what: Vec<&str> = phrases.iter().take(4).map(|p| p.0.as_str()).collect();
        let ndays = (d1 - d0 + 1) as usize;
        let times = best.observed / (best.rate * ndays as f64);
        let counts = Counts {
            agencies: counted_here.len(),
            days: ndays,
            events: members.iter().filter(|&&i| !events[i].is_note).count(),
            joint,
        };
        let reason = reason(&counts, &what, &as_one, times);
        let first = events[order[lo] as usize].date.start;
        Some(Episode {
            rank: 0,
            first,
            last: first + Duration::days((d1 - d0) as i64),
            agencies,
            contributing,
            events: members,
            approximate: Vec::new(),
            joint_events: joint,
            score,
            reason,
        })
    }
}

/// What an episode counts, for its reason: agencies (close names counted
/// once), days, events and joint events.
struct Counts {
    agencies: usize,
    days: usize,
    events: usize,
    joint: usize,
}

/// Why an episode was flagged, in plain words: how many agencies, days and
/// events, `what` happened (the strongest signals), how many joint events,
/// which agencies were counted as one (`as_one`), and how many `times` the
/// usual rate its significant events came at (when twice or more).
fn reason(counts: &Counts, what: &[&str], as_one: &[&str], times: f64) -> String {
    let mut reason = format!(
        "{} in {}, {}",
        plural(counts.agencies, "agency", "agencies"),
        plural(counts.days, "day", "days"),
        plural(counts.events, "event", "events"),
    );
    if !what.is_empty() {
        reason.push_str(": ");
        reason.push_str(&what.join(", "));
    }
    if counts.joint > 0 {
        reason.push_str(&format!(
            "; {}",
            plural(counts.joint, "joint event", "joint events")
        ));
    }
    if !as_one.is_empty() {
        reason.push_str(&format!(
            "; {} counted as one agency (names so alike may be one agency: see Findings)",
            as_one
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if times >= 2.0 {
        reason.push_str(&format!(
            "; significant events at {:.0} times the chronology's usual rate",
            times
        ));
    }
    reason
}

/// The strongest `max` episodes, ranked strongest first (ties by first
/// date, then first event), and for each of the `n` events the index of
/// its episode, if any.
fn rank(mut candidates: Vec<Episode>, max: usize, n: usize) -> (Vec<Episode>, Vec<Option<usize>>) {
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.first.cmp(&b.first))
            .then(a.events.first().cmp(&b.events.first()))
    });
    candidates.truncate(max);
    let mut episode_of = vec![None; n];
    for (k, ep) in candidates.iter_mut().enumerate() {
        ep.rank = k + 1;
        for &i in &ep.events {
            episode_of[i] = Some(k);
        }
    }
    (candidates, episode_of)
}
