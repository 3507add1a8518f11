//! Key practice episodes, joint events and gaps: pointing the reviewer at
//! where to look first.
//!
//! [`analyse`] takes the merged [`Chronology`] and finds:
//!
//! - **candidate key practice episodes** ([`Episode`]): stretches of time in
//!   which significant events come densely and from at least
//!   [`EpisodeConfig::min_agencies`] agencies. These are suggestions for the
//!   reviewer, never conclusions;
//! - **joint events** ([`Analysis::also_reported_by`]): the same incident or
//!   meeting reported by several agencies (same or adjacent day, compatible
//!   event types, similar details). They are linked, never merged or
//!   deleted;
//! - **gaps** ([`Gap`]): the longest stretches with no event at all;
//! - **the incident that led to the review** ([`Incident`], when
//!   [`EpisodeConfig::incident`] is set from review.toml): its events (that
//!   day and the next) are shown on their own and never make or join an
//!   episode (`incident`);
//! - **key decisions** ([`KeyDecision`]): decision wording (no further
//!   action, case closed, threshold not met …) within
//!   [`EpisodeConfig::decision_days`] of a concern, and visits where the
//!   child was not seen (`decisions`);
//! - **periods** ([`ConcernPeriod`]): concerns about one child from several
//!   sources within a few months (`concerns`), and months in which several
//!   agencies record significant events around a month-dated one
//!   (`partial`, which also lists month-dated events with the episodes
//!   covering their month, marked approximate).
//!
//! # How episodes are found
//!
//! 1. Every event gets a *significance*: the weight of its event type plus
//!    the weights of the keywords found in its details and action (capped),
//!    from one documented [`SignalTable`].
//! 2. Events with a full, certain date, that are not author's notes and
//!    whose significance reaches [`SignalTable::seed_weight`], are the
//!    *anchors*. Partial dates (month or year only, which sort to the 1st of
//!    their period), approximate dates and author's notes never anchor an
//!    episode, so they cannot make a false cluster.
//! 3. Anchors are swept in date order; a quiet stretch longer than
//!    [`EpisodeConfig::window_days`] between two anchors splits them. A run
//!    longer than [`EpisodeConfig::max_span_days`] (a chronology so busy
//!    that everything chains) is split at its widest gaps until every piece
//!    fits.
//! 4. In each piece, the *core* is the stretch of days whose significance
//!    is most unusual for its length, compared with the chronology's usual
//!    rate of significant events (a Poisson scan statistic, the
//!    log-likelihood ratio of Kulldorff). The usual rate is *local*: the
//!    average of the local rates of the agencies in the stretch (each
//!    agency's signal within [`EpisodeConfig::rate_days`] either side, no
//!    agency's less than the average agency's there), for as many agencies
//!    as are active there, so a busy agency or a busy year does not hide a
//!    crisis elsewhere. Each agency's significance counts
//!    only up to [`EpisodeConfig::agency_cap`], and the core needs at least
//!    [`EpisodeConfig::min_agencies`] *involved* agencies (each with at
//!    least [`EpisodeConfig::min_agency_signal`], or a joint event): one
//!    agency's run of events alone is never an episode, however long. What
//!    is left of the piece on either side is searched again.
//! 5. The core widens to the non-routine significant events (at least
//!    [`EpisodeConfig::extend_weight`]) of its involved agencies
//!    that follow on from it with no quiet stretch longer than the window.
//!    Every exactly dated event in its first..last day belongs to the
//!    episode (approximate dates included, but they give no signal);
//!    author's notes dated inside are attached but not counted.
//! 6. The score is the core's log-likelihood ratio plus
//!    [`EpisodeConfig::joint_weight`] for each joint event in the episode:
//!    more agencies, denser and more significant events and more joint
//!    events all raise it. Episodes below [`EpisodeConfig::min_score`] are
//!    dropped; the rest are ranked strongest first (ties by first date,
//!    then first event) and the first [`EpisodeConfig::max_episodes`] kept.
//!
//! Agencies whose names are so close that they may be one agency
//! (`same_agency`, [`Chronology::same_agency`]) count as one
//! agency throughout: for `min_agencies`, the per-agency cap, joint events
//! and the count of agencies in the reason.
//!
//! Everything is near-linear: one pass to read the signals of the events
//! (in parallel), one sweep in date order, and joint-event linking that
//! only compares an event with a bounded number
//! ([`EpisodeConfig::link_candidates`]) of events of other agencies on the
//! same or the next day, after a cheap signature bound. Half a million
//! events take about a second of processor time (`cargo bench --bench
//! episodes`).
//!
//! A year of monthly routine visits by three agencies, then one week in
//! which all three report an injury to Child A:
//!
//! ```
//! use chrono::NaiveDate;
//! use chronomerge::dates::DateValue;
//! use chronomerge::episodes::{analyse, EpisodeConfig};
//! use chronomerge::merge::{event_order, Agency, Chronology};
//! use chronomerge::model::{Event, Origin, EVENT_TYPES};
//!
//! let day = |m, d| NaiveDate::from_ymd_opt(2023, m, d).unwrap();
//! // An event of `agency` on `date`, of the template's event type `ty`.
//! let event = |agency: usize, date, ty: usize, details: &str| Event {
//!     origin: Origin::new("return.xlsx", "Chronology", 2),
//!     agency,
//!     date: DateValue::day(date),
//!     time: None,
//!     sequence: None,
//!     source: "Case record".into(),
//!     role: "".into(),
//!     subject: "Child A".into(),
//!     event_type: EVENT_TYPES[ty].into(),
//!     event_type_known: Some(ty),
//!     details: details.into(),
//!     action: String::new(),
//!     analysis: String::new(),
//!     date_written: "".into(),
//!     key_line: "".into(),
//!     is_note: false,
//!     outside_period: false,
//!     seq_in_return: 0,
//!     reference: Default::default(),
//! };
//! let (contact, referral_received, strategy, incident, injury, hospital) = (0, 4, 6, 9, 10, 11);
//! let mut events = Vec::new();
//! for m in 1..=12 {
//!     for a in 0..3 {
//!         events.push(event(a, day(m, 3 + 7 * a as u32), contact, "Routine home visit, Child A seen"));
//!     }
//! }
//! events.extend([
//!     event(2, day(10, 9), hospital, "Child A brought to ED with bruising to the ear; admitted"),
//!     event(0, day(10, 9), referral_received, "Referral received from ED: bruising to Child A's ear"),
//!     event(1, day(10, 9), incident, "Called by the duty team about Child A's injury, attended ED"),
//!     event(0, day(10, 10), strategy, "Strategy discussion about Child A's bruising; section 47 agreed"),
//!     event(1, day(10, 10), strategy, "Strategy meeting about Child A's bruising; s47 to proceed"),
//!     event(2, day(10, 10), injury, "Child protection medical: bruising to the ear and cheek"),
//! ]);
//! events.sort_by(event_order);
//! let agencies = ["Children's social care", "Police", "Hospital"]
//!     .map(|name| Agency { name: name.into(), colour: 0xDCE6F1, files: vec![], events: 0, rejected: 0 })
//!     .to_vec();
//! let chronology = Chronology { agencies, events, ..Chronology::default() };
//!
//! let analysis = analyse(&chronology, &EpisodeConfig::default());
//! assert_eq!(analysis.episodes.len(), 1);
//! let kpe = &analysis.episodes[0];
//! assert_eq!(kpe.id(), "KPE 1");
//! assert_eq!((kpe.first, kpe.last), (day(10, 9), day(10, 10)));
//! assert_eq!(kpe.agencies, [0, 1, 2]);
//! assert_eq!(analysis.episode_of.len(), chronology.events.len());
//! ```

mod cluster;
mod concerns;
mod decisions;
mod gaps;
mod incident;
mod key_lines;
mod link;
mod partial;
mod signals;
mod text;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::Precision;
use crate::model::Chronology;
use crate::model::Event;

pub use concerns::{ConcernPeriod, PeriodKind};
pub use decisions::{DecisionKind, KeyDecision};
pub use gaps::Gap;
pub use incident::Incident;
pub use key_lines::{key_line_counts, key_lines_text, KeyLineCount};
pub use link::JointLinks;
pub use signals::{DecisionSignal, KeywordSignal, SignalTable, TypeSignal};

/// How episodes, joint events and gaps are found. Every field has a
/// default, so a review's TOML can override just what it needs:
///
/// ```
/// use chronomerge::episodes::EpisodeConfig;
/// let c: EpisodeConfig = toml::from_str("window_days = 21\nmax_episodes = 5").unwrap();
/// assert_eq!(c.window_days, 21);
/// assert_eq!(c.min_agencies, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EpisodeConfig {
    /// At most this many episodes are shown (default 10).
    pub max_episodes: usize,
    /// An episode needs significant events from at least this many
    /// agencies (default 2).
    pub min_agencies: usize,
    /// The longest quiet stretch, in days, inside an episode (default 14).
    pub window_days: i64,
    /// The longest an episode may last, in days, before it is split at its
    /// widest gaps (default 42). The search inside a piece is quadratic in
    /// its number of days, so keep this modest.
    pub max_span_days: i64,
    /// Episodes scoring less are not shown (default 12.0). See the module
    /// docs for the score.
    pub min_score: f64,
    /// Score added for each joint event in an episode (default 2.0).
    pub joint_weight: f64,
    /// An agency is *involved* in a stretch when its significant events
    /// there add up to at least this (default 2.0: more than one missed
    /// appointment).
    pub min_agency_signal: f64,
    /// One agency's signal counts up to this much in a stretch (default
    /// 6.0), so that one agency recording many events cannot make an
    /// episode on its own.
    pub agency_cap: f64,
    /// A stretch with no event longer than this many days is a gap
    /// (default 90).
    pub gap_threshold_days: i64,
    /// At most this many gaps are listed, longest first (default 10).
    pub max_gaps: usize,
    /// Two events are the same thing reported twice when their details are
    /// at least this similar, 0..1 (default 0.4).
    pub link_similarity: f64,
    /// Each event is compared with at most this many events of other
    /// agencies on its day and the next (default 64).
    pub link_candidates: usize,
    /// An event of significance at least this (default 1.5) widens an
    /// episode beyond its core; lighter ones (a missed appointment, a case
    /// closed) are routine and widen nothing.
    pub extend_weight: f64,
    /// The usual rate an episode is measured against is each agency's own,
    /// over this many days either side of it (default 182): a busy agency
    /// or a busy year does not hide a crisis elsewhere.
    pub rate_days: i64,
    /// A decision is a key decision when it follows a concern within this
    /// many days (default 30).
    pub decision_days: i64,
    /// At most this many key decisions are listed (default 30).
    pub max_decisions: usize,
    /// Repeated concerns: concerns about one child from at least
    /// `concern_sources` sources (default 3) …
    pub concern_sources: usize,
    /// … within this many days (default 91) make a period.
    pub concern_days: i64,
    /// At most this many periods are listed (default 10).
    pub max_periods: usize,
    /// A month with a month-dated significant event in which at least this
    /// many agencies (default 3) record significant events is a
    /// month-level period.
    pub month_agencies: usize,
    /// Event-type and keyword weights.
    pub weights: SignalTable,
    /// The day of the incident that led to the review (from
    /// `incident` in review.toml, not set under `[episodes]`): its events
    /// are shown on their own and never make or join an episode.
    #[serde(skip)]
    pub incident: Option<NaiveDate>,
}

impl Default for EpisodeConfig {
    fn default() -> Self {
        EpisodeConfig {
            max_episodes: 10,
            min_agencies: 2,
            window_days: 14,
            max_span_days: 42,
            min_score: 12.0,
            joint_weight: 2.0,
            min_agency_signal: 2.0,
            agency_cap: 6.0,
            gap_threshold_days: 90,
            max_gaps: 10,
            link_similarity: 0.4,
            link_candidates: 64,
            extend_weight: 1.5,
            rate_days: 182,
            decision_days: 30,
            max_decisions: 30,
            concern_sources: 3,
            concern_days: 91,
            max_periods: 10,
            month_agencies: 3,
            weights: SignalTable::default(),
            incident: None,
        }
    }
}

/// A candidate key practice episode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    /// 1 = strongest; the id shown is `KPE {rank}`.
    pub rank: usize,
    /// First day (of its first anchoring event).
    pub first: NaiveDate,
    /// Last day (of its last anchoring event).
    pub last: NaiveDate,
    /// Agencies with an event in the episode (indexes into
    /// `chronology.agencies`), sorted.
    pub agencies: Vec<usize>,
    /// The agencies among `agencies` whose significant events make the
    /// episode (the others merely had something in its span), sorted.
    pub contributing: Vec<usize>,
    /// Its events (indexes into `chronology.events`), in merged order,
    /// including attached author's notes.
    pub events: Vec<usize>,
    /// Events dated only by month whose month overlaps the episode: listed
    /// with it, marked approximate, never counted (indexes, in merged
    /// order).
    pub approximate: Vec<usize>,
    /// Joint events inside it (incidents or meetings reported by more than
    /// one agency).
    pub joint_events: usize,
    /// Strength; see the module docs.
    pub score: f64,
    /// Why it was flagged, in plain words.
    pub reason: String,
}

impl Episode {
    /// The id shown to the reviewer.
    ///
    /// ```
    /// # use chronomerge::episodes::Episode;
    /// # use chrono::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    /// let e = Episode { rank: 3, first: d, last: d, agencies: vec![], contributing: vec![],
    ///                   events: vec![], approximate: vec![], joint_events: 0, score: 0.0,
    ///                   reason: String::new() };
    /// assert_eq!(e.id(), "KPE 3");
    /// ```
    pub fn id(&self) -> String {
        format!("KPE {}", self.rank)
    }
}

/// Everything [`analyse`] found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Analysis {
    /// Candidate episodes, strongest first (`episodes[i].rank == i + 1`).
    pub episodes: Vec<Episode>,
    /// For each event: the index into `episodes` of its episode, if any.
    pub episode_of: Vec<Option<usize>>,
    /// For each event: the events of other agencies that report the same
    /// thing (indexes into `chronology.events`, sorted).
    pub also_reported_by: JointLinks,
    /// Stretches with no event longer than the threshold, longest first.
    pub gaps: Vec<Gap>,
    /// The incident that led to the review (when review.toml gives its
    /// day): shown on its own, never an episode.
    pub incident: Option<Incident>,
    /// Key decisions: closures, no further action, threshold not met …
    /// soon after a concern, and visits where the child was not seen, in
    /// date order.
    pub decisions: Vec<KeyDecision>,
    /// Repeated concerns about one child from several sources, and the
    /// months in which several agencies record significant events around a
    /// month-dated one, strongest first.
    pub periods: Vec<ConcernPeriod>,
}

/// Finds the candidate key practice episodes, the joint events and the
/// gaps of a merged chronology. Deterministic: the same chronology and
/// configuration always give the same analysis.
pub fn analyse(chronology: &Chronology, config: &EpisodeConfig) -> Analysis {
    analyse_with(chronology, config, link::How::Default)
}

/// [`analyse`] with the joint-event linker's prefilter off: every
/// candidate pair is compared. Slower, same answer; it exists for the test
/// that the prefilter loses no link (`tests/episodes.rs`, on the generated
/// reviews of the testdata crate), not for use.
#[doc(hidden)]
pub fn analyse_without_prefilter(chronology: &Chronology, config: &EpisodeConfig) -> Analysis {
    analyse_with(chronology, config, link::How::WithoutPrefilter)
}

/// [`analyse`] with the joint-event linker reading every chronology's
/// words a short stretch of days at a time, as it reads a chronology too
/// large to hold them all. Same answer; it exists for the test that shows
/// so (`tests/episodes.rs`), not for use.
#[doc(hidden)]
pub fn analyse_streamed(chronology: &Chronology, config: &EpisodeConfig) -> Analysis {
    analyse_with(chronology, config, link::How::Streamed)
}

/// [`analyse`], with the linker run as `how` says.
fn analyse_with(chronology: &Chronology, config: &EpisodeConfig, how: link::How) -> Analysis {
    let read = read_with(chronology, config, how);
    conclude(chronology, config, read)
}

/// The first and heavier half of [`analyse`]: each event's signals and
/// the joint events linked by their words. It does not read the events'
/// Refs, so they can be given while it runs (`pipeline` does so);
/// [`conclude`] does the rest.
///
/// ```
/// use chronomerge::episodes::{analyse, conclude, read_and_link, EpisodeConfig};
/// # let chronology = chronomerge::model::Chronology::default();
/// let config = EpisodeConfig::default();
/// let read = read_and_link(&chronology, &config);
/// // … the chronology's Refs may be given here …
/// let analysis = conclude(&chronology, &config, read);
/// assert_eq!(analysis, analyse(&chronology, &config));
/// ```
pub fn read_and_link(chronology: &Chronology, config: &EpisodeConfig) -> ReadAndLinked {
    read_with(chronology, config, link::How::Default)
}

/// What [`read_and_link`] read, for [`conclude`].
#[derive(Debug)]
pub struct ReadAndLinked {
    feats: Vec<signals::Feature>,
    order: Vec<u32>,
    days: Vec<i32>,
    also_reported_by: JointLinks,
    group_of: Vec<Option<u32>>,
}

/// The steps: read each event's signals ([`signals::features`]), put the
/// exactly dated events in date order, link the joint events by their
/// words, read a stretch of days at a time ([`link::link`]).
fn read_with(chronology: &Chronology, config: &EpisodeConfig, how: link::How) -> ReadAndLinked {
    let events = &chronology.events;
    let table = &config.weights;
    let m = signals::Matcher::new(table);

    // Exactly dated events that are not author's notes: the ones that can
    // anchor, be counted and be linked.
    let exact: Vec<bool> = events
        .iter()
        .map(|e| e.date.precision == Precision::Day && !e.is_note)
        .collect();
    let (order, days) = date_order(events, &exact);
    // A chronology whose linker keeps every event's words has them read
    // with the features, from the same tokens.
    let (feats, kept) = if how.keeps_words(order.len()) {
        let (feats, kept) = signals::features_keeping_words(&m, table, events, &exact);
        (feats, Some(kept))
    } else {
        (signals::features(&m, table, events), None)
    };
    let (also_reported_by, group_of) =
        link::link(chronology, &m, &order, &days, config, how, kept.as_ref());
    ReadAndLinked {
        feats,
        order,
        days,
        also_reported_by,
        group_of,
    }
}

/// The second half of [`analyse`], on what [`read_and_link`] read from the
/// same chronology (its Refs given since, or not): the gaps, the incident,
/// the episodes, the key decisions and the periods.
///
/// # Panics
///
/// When `read` was read from a chronology with other events.
pub fn conclude(chronology: &Chronology, config: &EpisodeConfig, read: ReadAndLinked) -> Analysis {
    let events = &chronology.events;
    let table = &config.weights;
    let ReadAndLinked {
        feats,
        order,
        days,
        also_reported_by,
        group_of,
    } = read;
    assert_eq!(
        feats.len(),
        events.len(),
        "conclude: read from another chronology"
    );
    let gaps = gaps::find_gaps(&order, &days, events, config);
    // The incident that led to the review is shown on its own: its events
    // neither make nor join an episode.
    let (incident, in_incident) = incident::find(chronology, config.incident);
    let dated = cluster::Dated {
        feats: &feats,
        order: &order,
        days: &days,
        group_of: &group_of,
        skip: &in_incident,
    };
    // The key decisions do not depend on the episodes: found beside them.
    let ((mut episodes, episode_of), decisions) = rayon::join(
        || cluster::find_episodes(chronology, config, &dated),
        || decisions::find(chronology, config, &dated),
    );
    let months = partial::MonthDated::new(events, &feats, table.seed_weight);
    for ep in &mut episodes {
        ep.approximate = months.within(ep.first, ep.last);
    }
    let (mut periods, month_level) = rayon::join(
        || concerns::find(chronology, config, &dated, &episodes),
        || partial::month_level(chronology, config, &dated, &months, &episodes),
    );
    periods.extend(month_level);
    concerns::rank(&mut periods, config.max_periods);
    for p in &mut periods {
        concerns::describe(p, chronology, &months);
    }
    Analysis {
        episodes,
        episode_of,
        also_reported_by,
        gaps,
        incident,
        decisions,
        periods,
    }
}

/// An event's day as a number (days since 1900-01-01).
fn day_num(e: &Event) -> i32 {
    (e.date.start - NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid")).num_days() as i32
}

/// The `exact` events in date order (ties by index), and their days.
fn date_order(events: &[Event], exact: &[bool]) -> (Vec<u32>, Vec<i32>) {
    let mut order: Vec<u32> = (0..events.len() as u32)
        .filter(|&i| exact[i as usize])
        .collect();
    if !order
        .windows(2)
        .all(|w| events[w[0] as usize].date.start <= events[w[1] as usize].date.start)
    {
        order.sort_by_key(|&i| (events[i as usize].date.start, i));
    }
    let days: Vec<i32> = order
        .iter()
        .map(|&i| day_num(&events[i as usize]))
        .collect();
    (order, days)
}

/// Each event's significance as the episode finder weighs it: its event
/// type's weight plus its keywords' (capped), from `table`. An event is
/// significant when this reaches [`SignalTable::seed_weight`]. Read for
/// the `--html` page's "only significant events" filter; not used by
/// [`analyse`], which reads the same from its own features.
pub fn significance(events: &[Event], table: &SignalTable) -> Vec<f64> {
    let m = signals::Matcher::new(table);
    signals::features(&m, table, events)
        .into_iter()
        .map(|f| f.weight)
        .collect()
}
