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
//! - **gaps** ([`Gap`]): the longest stretches with no event at all.
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
//!    log-likelihood ratio of Kulldorff). Each agency's significance counts
//!    only up to [`EpisodeConfig::agency_cap`], and the core needs at least
//!    [`EpisodeConfig::min_agencies`] *involved* agencies (each with at
//!    least [`EpisodeConfig::min_agency_signal`]): one agency's run of
//!    events alone is never an episode, however long. What is left of the
//!    piece on either side is searched again.
//! 5. The core widens to the significant events of its involved agencies
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
//! ([`crate::same_agency`], [`Chronology::same_agency`]) count as one
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
//! ```
//! use chronomerge::episodes::{analyse, EpisodeConfig};
//! use chronomerge::synth::{generate, SynthConfig};
//! let review = generate(&SynthConfig::default());
//! let analysis = analyse(&review.chronology, &EpisodeConfig::default());
//! assert!(!analysis.episodes.is_empty());
//! assert_eq!(analysis.episodes[0].id(), "KPE 1");
//! assert_eq!(analysis.episode_of.len(), review.chronology.events.len());
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dates::Precision;
use crate::merge::Chronology;
use crate::model::{Event, EVENT_TYPES};

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
#[serde(default)]
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
    /// Event-type and keyword weights.
    pub weights: SignalTable,
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
            weights: SignalTable::default(),
        }
    }
}

/// The weight of an event type, and the words used for it in a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSignal {
    /// One of the template's event types ([`EVENT_TYPES`]), matched
    /// case-insensitively.
    pub event_type: String,
    /// Its significance.
    pub weight: f64,
    /// How a reason names it ("strategy discussion").
    pub phrase: String,
}

/// A keyword or phrase found in the details or action of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeywordSignal {
    /// Words matched as whole words, case-insensitively, ignoring
    /// punctuation (`a&e` matches `A & E`); a word ending in `*` matches any
    /// word starting with it (`bruis*` matches `bruise`, `bruising`).
    pub keyword: String,
    /// Added to the event's significance when found (once per event).
    pub weight: f64,
    /// How a reason names it ("bruising").
    pub phrase: String,
}

/// The one table of signals: what makes an event significant.
///
/// | event type | weight | | keyword | weight |
/// |---|---|---|---|---|
/// | Strategy discussion or meeting | 2.5 | | `section 47`, `s47`, `s 47` | 2.0 |
/// | Child protection conference or core group | 2.0 | | `fractur*`, `overdos*`, `non accidental`, `police protection` | 2.0 |
/// | Injury or medical attention | 2.0 | | `bruis*`, `self harm*`, `assault*`, `strangl*` | 1.5 |
/// | Hospital attendance or admission | 2.0 | | `a&e`, `emergency department`, `burn*`, `injur*`, `head injury` | 1.0 |
/// | Incident or call-out | 1.5 | | `domestic*`, `missing`, `child protection`, `disclos*`, `neglect*`, `abuse*`, `strategy*` | 1.0 |
/// | Referral made / received | 1.5 | | `not brought`, `was not brought` | 0.8 |
/// | Appointment missed or child not brought | 1.0 | | `dna`, `did not attend` | 0.5 |
/// | Multi-agency meeting | 1.0 | | | |
/// | Assessment | 0.8 | | | |
/// | Information shared, Case closed or transferred | 0.5 | | | |
/// | Contact or visit, Appointment attended, Other, blank or unknown | 0.2 | | | |
///
/// Keyword weights add up to at most [`SignalTable::keyword_cap`] per
/// event. An event is significant enough to anchor an episode when its
/// total reaches [`SignalTable::seed_weight`]. A typed event type that is
/// not one of the template's is read for keywords too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignalTable {
    /// Significance needed to anchor an episode (default 1.0).
    pub seed_weight: f64,
    /// Most that keywords can add to one event (default 3.0).
    pub keyword_cap: f64,
    /// Weight of a blank or unrecognised event type (default 0.2).
    pub unknown_type_weight: f64,
    /// Weights of the template's event types.
    pub event_types: Vec<TypeSignal>,
    /// Keywords and their weights.
    pub keywords: Vec<KeywordSignal>,
}

impl Default for SignalTable {
    fn default() -> Self {
        let t = |event_type: &str, weight: f64, phrase: &str| TypeSignal {
            event_type: event_type.into(),
            weight,
            phrase: phrase.into(),
        };
        let k = |keyword: &str, weight: f64, phrase: &str| KeywordSignal {
            keyword: keyword.into(),
            weight,
            phrase: phrase.into(),
        };
        SignalTable {
            seed_weight: 1.0,
            keyword_cap: 3.0,
            unknown_type_weight: 0.2,
            event_types: vec![
                t(EVENT_TYPES[0], 0.2, "contact or visit"),
                t(EVENT_TYPES[1], 0.2, "appointment"),
                t(EVENT_TYPES[2], 1.0, "missed appointment / not brought"),
                t(EVENT_TYPES[3], 1.5, "referral"),
                t(EVENT_TYPES[4], 1.5, "referral"),
                t(EVENT_TYPES[5], 0.8, "assessment"),
                t(EVENT_TYPES[6], 2.5, "strategy discussion"),
                t(EVENT_TYPES[7], 2.0, "child protection conference"),
                t(EVENT_TYPES[8], 1.0, "multi-agency meeting"),
                t(EVENT_TYPES[9], 1.5, "police incident / call-out"),
                t(EVENT_TYPES[10], 2.0, "injury"),
                t(EVENT_TYPES[11], 2.0, "hospital attendance"),
                t(EVENT_TYPES[12], 0.5, "information shared"),
                t(EVENT_TYPES[13], 0.5, "case closed or transferred"),
                t(EVENT_TYPES[14], 0.2, "other"),
            ],
            keywords: vec![
                k("section 47", 2.0, "section 47"),
                k("s47", 2.0, "section 47"),
                k("s 47", 2.0, "section 47"),
                k("fractur*", 2.0, "fracture"),
                k("overdos*", 2.0, "overdose"),
                k("non accidental", 2.0, "possible non-accidental injury"),
                k("police protection", 2.0, "police protection"),
                k("bruis*", 1.5, "bruising"),
                k("self harm*", 1.5, "self-harm"),
                k("assault*", 1.5, "assault"),
                k("strangl*", 1.5, "strangulation"),
                k("a&e", 1.0, "A&E"),
                k("emergency department", 1.0, "A&E"),
                k("burn*", 1.0, "burn"),
                k("injur*", 1.0, "injury"),
                k("head injury", 1.0, "head injury"),
                k("domestic*", 1.0, "domestic abuse"),
                k("missing", 1.0, "missing"),
                k("child protection", 1.0, "child protection"),
                k("disclos*", 1.0, "disclosure"),
                k("neglect*", 1.0, "neglect"),
                k("abuse*", 1.0, "abuse"),
                k("strategy*", 1.0, "strategy discussion"),
                k("not brought", 0.8, "not brought"),
                k("dna", 0.5, "did not attend"),
                k("did not attend", 0.5, "did not attend"),
            ],
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
    /// Its events (indexes into `chronology.events`), in merged order,
    /// including attached author's notes.
    pub events: Vec<usize>,
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
    /// let e = Episode { rank: 3, first: d, last: d, agencies: vec![], events: vec![],
    ///                   joint_events: 0, score: 0.0, reason: String::new() };
    /// assert_eq!(e.id(), "KPE 3");
    /// ```
    pub fn id(&self) -> String {
        format!("KPE {}", self.rank)
    }
}

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
}

/// For each event of a chronology, the events of other agencies that report
/// the same thing ([`Analysis::also_reported_by`]): indexes into
/// `chronology.events`, sorted, in one flat list (a dense review links
/// millions of pairs, and a list per event would cost an allocation each).
///
/// ```
/// use chronomerge::episodes::JointLinks;
///
/// // Event 0 and event 2 report the same incident; event 1 stands alone.
/// let links = JointLinks::from_lists(vec![vec![2], vec![], vec![0]]);
/// assert_eq!(links.len(), 3);
/// assert_eq!(links.of(0), &[2]);
/// assert!(links.of(1).is_empty());
/// assert!(links.of(7).is_empty()); // past the end: no links
/// assert_eq!(links.linked_events(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JointLinks {
    /// `targets[start[i]..start[i + 1]]` are event `i`'s links
    /// (`start.len()` is one more than the number of events, or 0).
    start: Vec<usize>,
    targets: Vec<u32>,
}

impl JointLinks {
    /// The links of `n` events from directed pairs `(event, linked event)`
    /// in any order and with repeats, which `pairs` hands to its argument,
    /// the same each time it is called (twice: once to count each event's
    /// links, once to place them). No list of all the pairs is made: the
    /// links go straight to their place, and each event's few are then
    /// sorted, where sorting millions of pairs at once took longer.
    fn from_pairs(n: usize, pairs: impl Fn(&mut dyn FnMut(u32, u32))) -> JointLinks {
        let mut start = vec![0usize; n + 1];
        pairs(&mut |a, _| start[a as usize + 1] += 1);
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut targets = vec![0u32; start[n]];
        let mut next = start.clone();
        pairs(&mut |a, b| {
            targets[next[a as usize]] = b;
            next[a as usize] += 1;
        });
        drop(next);
        // Each event's links sorted and deduplicated, moved down over the
        // repeats.
        let mut kept = 0;
        for i in 0..n {
            let (from, to) = (start[i], start[i + 1]);
            targets[from..to].sort_unstable();
            start[i] = kept;
            for k in from..to {
                if k == from || targets[k] != targets[k - 1] {
                    targets[kept] = targets[k];
                    kept += 1;
                }
            }
        }
        start[n] = kept;
        targets.truncate(kept);
        targets.shrink_to_fit();
        JointLinks { start, targets }
    }

    /// The links of each event from one list per event (each list is
    /// sorted and deduplicated here).
    pub fn from_lists(lists: Vec<Vec<u32>>) -> JointLinks {
        JointLinks::from_pairs(lists.len(), |put| {
            for (i, l) in lists.iter().enumerate() {
                for &j in l {
                    put(i as u32, j);
                }
            }
        })
    }

    /// Event `i`'s links, sorted (empty past the last event).
    pub fn of(&self, i: usize) -> &[u32] {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.targets[a..b],
            _ => &[],
        }
    }

    /// The number of events (linked or not).
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many events have at least one link.
    pub fn linked_events(&self) -> usize {
        self.start.windows(2).filter(|w| w[1] > w[0]).count()
    }

    /// Each event's links, in event order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.of(i))
    }
}

/// `links[i]` is [`JointLinks::of`]`(i)`, except that it panics past the
/// last event, as a slice does.
impl std::ops::Index<usize> for JointLinks {
    type Output = [u32];
    fn index(&self, i: usize) -> &[u32] {
        assert!(i < self.len(), "event {i} of {}", self.len());
        self.of(i)
    }
}

/// Serialised as one list of linked event indexes per event.
impl Serialize for JointLinks {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

// ---------------------------------------------------------------------------
// Text: tokens, hashes, keyword matching.

/// FNV-1a, enough for short tokens.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// A content word of the details, for joint-event linking: the top 32
/// bits of its stem's hash. The top bits, not a fold of the two halves:
/// tokens then sort as their 64-bit hashes do, so weights are summed in
/// the same order and pairs land on the same side of the similarity bar
/// (a fold changed the order, and the generated benchmark linked 7 more
/// pairs wrongly in 1,480). Two different stems share a token once in
/// about 4 billion pairs of stems; such a pair counts as one shared word.
/// Half the size of the whole hash, on the 14 million words of a review of
/// 500,000 events. Never 0, which marks an empty place in a [`WordTable`].
type Token = u32;

fn token(bytes: &[u8]) -> Token {
    ((fnv(bytes) >> 32) as Token).max(1)
}

/// Splits text into lowercase word tokens (ASCII letters and digits;
/// other non-ASCII characters are kept inside words) written into `buf`,
/// returning their ranges.
fn tokenize(text: &str, buf: &mut Vec<u8>, out: &mut Vec<(u32, u32)>) {
    buf.clear();
    out.clear();
    buf.extend_from_slice(text.as_bytes());
    buf.make_ascii_lowercase();
    let n = buf.len();
    let mut i = 0;
    while i < n {
        while i < n && !WORD[buf[i] as usize] {
            i += 1;
        }
        let s = i;
        while i < n && WORD[buf[i] as usize] {
            i += 1;
        }
        if i > s {
            out.push((s as u32, i as u32));
        }
    }
}

/// Bytes that belong to words: ASCII letters and digits, and every byte of
/// a non-ASCII character.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    t
};

const STOPWORDS: [&str; 40] = [
    "the",
    "and",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "was",
    "were",
    "is",
    "be",
    "been",
    "has",
    "had",
    "her",
    "his",
    "she",
    "he",
    "they",
    "from",
    "re",
    "that",
    "this",
    "as",
    "an",
    "it",
    "who",
    "which",
    "are",
    "per",
    "after",
    "also",
    "about",
    "regarding",
    "there",
    "their",
    "then",
];

/// A light English stemmer, enough to make `bruise`, `bruised`,
/// `bruising` and `bruises` one token, and `enquiry` and `enquiries`.
/// (`s47` is read as `section 47`.)
fn stem(w: &[u8]) -> &[u8] {
    let mut w = w;
    if w.len() > 4 && w.ends_with(b"ies") {
        return &w[..w.len() - 3];
    }
    if w.len() > 4 && w.ends_with(b"y") {
        return &w[..w.len() - 1];
    }
    for suf in [&b"ing"[..], b"ed", b"es", b"s"] {
        if w.len() > suf.len() + 3 && w.ends_with(suf) {
            w = &w[..w.len() - suf.len()];
            break;
        }
    }
    if w.len() > 4 && w.ends_with(b"e") {
        w = &w[..w.len() - 1];
    }
    w
}

#[derive(Debug, Clone, Copy)]
struct TokPat {
    hash: u64,
    len: usize,
    prefix: bool,
    /// Its first two bytes (one for a one-letter word).
    start: [u8; 2],
}

/// The first two letters of the words that start a keyword (a 65,536-bit
/// set); one-letter words always pass.
struct Starts(Vec<u64>);

impl Default for Starts {
    fn default() -> Self {
        Starts(vec![0; 1024])
    }
}

impl Starts {
    fn key(a: u8, b: u8) -> usize {
        (a as usize) << 8 | b as usize
    }
    fn add(&mut self, start: &[u8; 2]) {
        let k = Self::key(start[0], start[1]);
        self.0[k >> 6] |= 1 << (k & 63);
    }
    fn contains(&self, w: &[u8]) -> bool {
        let k = Self::key(w[0], w[1]);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}

/// Compiled keyword table.
struct Matcher {
    patterns: Vec<(Vec<TokPat>, f64)>,
    first_exact: IdMap<Vec<u16>>,
    first_prefix: Vec<(usize, IdMap<Vec<u16>>)>,
    stop: IdMap<()>,
    starts: Starts,
    type_weight: [f64; EVENT_TYPES.len()],
    unknown: f64,
    type_names: Vec<(String, f64)>,
}

impl Matcher {
    fn new(table: &SignalTable) -> Self {
        let mut buf = Vec::new();
        let mut toks = Vec::new();
        let mut patterns = Vec::new();
        let mut first_exact: IdMap<Vec<u16>> = IdMap::default();
        let mut first_prefix: Vec<(usize, IdMap<Vec<u16>>)> = Vec::new();
        for (i, k) in table.keywords.iter().enumerate().take(u16::MAX as usize) {
            // Each white-space separated part may end in `*` (a prefix);
            // a part such as `a&e` gives several words, the `*` applying to
            // its last.
            let mut pat: Vec<TokPat> = Vec::new();
            for part in k.keyword.split_whitespace() {
                let prefix = part.ends_with('*');
                tokenize(part.trim_end_matches('*'), &mut buf, &mut toks);
                let n = toks.len();
                for (j, &(s, e)) in toks.iter().enumerate() {
                    let w = &buf[s as usize..e as usize];
                    pat.push(TokPat {
                        hash: fnv(w),
                        len: w.len(),
                        prefix: prefix && j + 1 == n,
                        start: [w[0], *w.get(1).unwrap_or(&0)],
                    });
                }
            }
            let Some(first) = pat.first().copied() else {
                patterns.push((pat, k.weight));
                continue;
            };
            if first.prefix {
                match first_prefix.iter_mut().find(|(l, _)| *l == first.len) {
                    Some((_, m)) => m.entry(first.hash).or_default().push(i as u16),
                    None => {
                        let mut m = IdMap::default();
                        m.insert(first.hash, vec![i as u16]);
                        first_prefix.push((first.len, m));
                    }
                }
            } else {
                first_exact.entry(first.hash).or_default().push(i as u16);
            }
            patterns.push((pat, k.weight));
        }
        let mut stop = IdMap::default();
        for w in STOPWORDS {
            stop.insert(fnv(w.as_bytes()), ());
        }
        let type_names: Vec<(String, f64)> = table
            .event_types
            .iter()
            .map(|t| (t.event_type.trim().to_lowercase(), t.weight))
            .collect();
        let mut type_weight = [table.unknown_type_weight; EVENT_TYPES.len()];
        for (i, name) in EVENT_TYPES.iter().enumerate() {
            let lower = name.to_lowercase();
            if let Some((_, w)) = type_names.iter().find(|(n, _)| *n == lower) {
                type_weight[i] = *w;
            }
        }
        let mut starts = Starts::default();
        for (pat, _) in &patterns {
            match pat.first() {
                // A one-letter prefix (`a*`) starts any word with that letter.
                Some(first) if first.prefix && first.len < 2 => {
                    for b in 0..=255u8 {
                        starts.add(&[first.start[0], b]);
                    }
                }
                Some(first) => starts.add(&first.start),
                None => {}
            }
        }
        Matcher {
            patterns,
            starts,
            first_exact,
            first_prefix,
            stop,
            type_weight,
            unknown: table.unknown_type_weight,
            type_names,
        }
    }

    /// Marks in `hits` the keywords found in a tokenized text.
    fn scan(&self, buf: &[u8], toks: &[(u32, u32)], hits: &mut [bool]) {
        let word = |i: usize| &buf[toks[i].0 as usize..toks[i].1 as usize];
        let matches_at = |pid: usize, i: usize| -> bool {
            let pat = &self.patterns[pid].0;
            if i + pat.len() > toks.len() {
                return false;
            }
            pat.iter().enumerate().all(|(j, p)| {
                let w = word(i + j);
                if p.prefix {
                    w.len() >= p.len && fnv(&w[..p.len]) == p.hash
                } else {
                    w.len() == p.len && fnv(w) == p.hash
                }
            })
        };
        for i in 0..toks.len() {
            let w = word(i);
            // Most words cannot start a keyword: skip them on their first
            // two letters.
            if w.len() >= 2 && !self.starts.contains(w) {
                continue;
            }
            if let Some(ids) = self.first_exact.get(&fnv(w)) {
                for &pid in ids {
                    if !hits[pid as usize] && matches_at(pid as usize, i) {
                        hits[pid as usize] = true;
                    }
                }
            }
            for (len, map) in &self.first_prefix {
                if w.len() >= *len {
                    if let Some(ids) = map.get(&fnv(&w[..*len])) {
                        for &pid in ids {
                            if !hits[pid as usize] && matches_at(pid as usize, i) {
                                hits[pid as usize] = true;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What is read once from each event.
#[derive(Debug, Default)]
struct Feature {
    /// Significance (type + capped keywords).
    weight: f64,
    /// Type part of `weight`.
    type_weight: f64,
    /// Keywords found (indexes into the table), ascending.
    keywords: Box<[u16]>,
    /// The stemmed content words of the details (for joint-event
    /// linking), by token, each token once: one allocation per event, as
    /// the linker reads a word's token, place and weight together.
    words: Box<[Word]>,
    /// Sum of the words' `idf`.
    norm: f32,
    /// Signature of all `tokens` (one bit per token, [`bit`]).
    sig: Sig,
}

/// One content word of an event's details.
#[derive(Debug, Clone, Copy)]
struct Word {
    /// Hash of the stemmed word ([`token`]).
    token: Token,
    /// Where the stem is in the (lowercased) details, for
    /// near-identical-word matching ([`span_of`]); 0 for none.
    span: u32,
    /// Weight of the word ([`Idf`]).
    idf: f32,
}

/// Scratch buffers reused by one worker.
#[derive(Default)]
struct Scratch {
    buf: Vec<u8>,
    toks: Vec<(u32, u32)>,
    hits: Vec<bool>,
    pairs: Vec<(Token, u32)>,
}

/// The type weight of an event, and whether its type was recognised.
fn type_of(m: &Matcher, e: &Event) -> (f64, bool) {
    if let Some(k) = e.event_type_known {
        return (m.type_weight.get(k).copied().unwrap_or(m.unknown), true);
    }
    let lower = e.event_type.trim().to_lowercase();
    match m.type_names.iter().find(|(n, _)| *n == lower) {
        Some((_, w)) => (*w, true),
        None => (m.unknown, lower.is_empty()),
    }
}

fn feature(
    m: &Matcher,
    table: &SignalTable,
    e: &Event,
    linkable: bool,
    s: &mut Scratch,
) -> Feature {
    let (tw, known) = type_of(m, e);
    s.hits.clear();
    s.hits.resize(m.patterns.len(), false);
    let mut words = Box::default();
    tokenize(&e.details, &mut s.buf, &mut s.toks);
    m.scan(&s.buf, &s.toks, &mut s.hits);
    if linkable {
        let pairs = &mut s.pairs;
        pairs.clear();
        for &(a, z) in &s.toks {
            let w = &s.buf[a as usize..z as usize];
            if w.len() < 2 {
                continue;
            }
            let h = fnv(w);
            if m.stop.contains_key(&h) {
                continue;
            }
            if w == b"s47" {
                pairs.push((token(b"section"), 0));
                pairs.push((token(b"47"), 0));
                continue;
            }
            let st = stem(w);
            pairs.push((token(st), span_of(a, st.len())));
        }
        // By hash, the first place a word occurs first among its repeats.
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| p.0);
        words = pairs
            .iter()
            .map(|&(token, span)| Word {
                token,
                span,
                idf: 0.0,
            })
            .collect();
    }
    if !e.action.is_empty() {
        tokenize(&e.action, &mut s.buf, &mut s.toks);
        m.scan(&s.buf, &s.toks, &mut s.hits);
    }
    if !known {
        tokenize(&e.event_type, &mut s.buf, &mut s.toks);
        m.scan(&s.buf, &s.toks, &mut s.hits);
    }
    let mut kw = 0.0;
    let mut keywords = Vec::new();
    for (i, &hit) in s.hits.iter().enumerate() {
        if hit {
            kw += table.keywords[i].weight;
            keywords.push(i as u16);
        }
    }
    let keywords = keywords.into_boxed_slice();
    Feature {
        weight: tw + kw.min(table.keyword_cap),
        type_weight: tw,
        keywords,
        words,
        norm: 0.0,
        sig: [0; SIG_BITS / 64],
    }
}

// ---------------------------------------------------------------------------
// Joint events.

/// Event types that can describe the same happening: an incident seen by
/// police, paramedics and hospital; a meeting each attendee records; a
/// referral made by one agency and received by another; a joint visit.
/// `Other`, blank and unrecognised types go with anything.
fn type_group(e: &Event) -> u8 {
    match e.event_type_known {
        Some(9..=11) => 1,
        Some(6..=8) => 2,
        Some(3 | 4 | 12) => 3,
        Some(0 | 1 | 5) => 4,
        Some(2) => 5,
        Some(13) => 6,
        _ => 0,
    }
}

/// The share of the similarity bar two records of one meeting must reach
/// when they give the same day and start times within
/// [`MEETING_MINUTES`] of each other.
const MEETING_BAR: f64 = 0.35;
/// How far apart two records' times may be and still be one meeting.
const MEETING_MINUTES: i64 = 30;

/// Two records of a meeting (strategy discussion, conference, multi-agency
/// meeting) on the same day, both timed, within [`MEETING_MINUTES`].
fn same_meeting(a: &Event, b: &Event, ga: u8, gb: u8) -> bool {
    ga == 2
        && gb == 2
        && a.date.start == b.date.start
        && match (a.time, b.time) {
            (Some(x), Some(y)) => (x - y).num_minutes().abs() <= MEETING_MINUTES,
            _ => false,
        }
}

fn compatible(a: u8, b: u8) -> bool {
    a == b || a == 0 || b == 0
}

/// Weights of the content words of the details: rare words (an injury,
/// a place) say more about whether two reports are of the same thing than
/// common ones (`child`, `mother`). `idf = 1 + ln((n + 1) / (df + 1))`
/// over the exactly dated events (a deterministic sample of at most
/// 100,000 of them in a very large chronology).
struct Idf {
    map: IdMap<f32>,
    unseen: f32,
}

impl Idf {
    fn new(feats: &[Feature], order: &[u32]) -> Self {
        let step = order.len().div_ceil(100_000).max(1);
        let mut df: IdMap<u32> = IdMap::default();
        let mut n = 0u32;
        for &i in order.iter().step_by(step) {
            n += 1;
            for w in &feats[i as usize].words {
                *df.entry(Self::key(w.token)).or_insert(0) += 1;
            }
        }
        let idf = |d: u32| 1.0 + ((n as f32 + 1.0) / (d as f32 + 1.0)).ln();
        Idf {
            map: df.into_iter().map(|(t, d)| (t, idf(d))).collect(),
            unseen: idf(0),
        }
    }

    fn get(&self, t: Token) -> f32 {
        self.map.get(&Self::key(t)).copied().unwrap_or(self.unseen)
    }

    /// A token spread over 64 bits (one to one), as the map's hasher
    /// takes its keys as they are and places them by their top and low
    /// bits.
    fn key(t: Token) -> u64 {
        u64::from(t).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Bits in a token signature ([`Sig`]).
const SIG_BITS: usize = 256;

/// A set of [`SIG_BITS`] bits: which signature bits an event's tokens hit.
/// Two events can share no more weight than the first's tokens carry on
/// the bits both hit, so the linker skips pairs whose bound is under
/// [`NEAR`] of the bar without comparing their words: they could not link
/// even with near-identical words counted. 256 bits rather than 128:
/// events of 40-60 content words fill a third of 128 bits, so two
/// unrelated ones share about a third of their weight by chance and pass
/// the bound; with 256, about a sixth.
type Sig = [u64; SIG_BITS / 64];

/// The signature bit of a token (its top 8 bits).
fn bit(t: Token) -> usize {
    (t >> (Token::BITS - SIG_BITS.trailing_zeros())) as usize
}

/// The signature of a word list.
fn signature(words: &[Word]) -> Sig {
    let mut sig = [0u64; SIG_BITS / 64];
    for w in words {
        let b = bit(w.token);
        sig[b / 64] |= 1 << (b % 64);
    }
    sig
}

/// Sum of the weights (`a`'s) of the tokens two word lists, sorted by
/// token, share.
fn common(a: &[Word], b: &[Word]) -> f32 {
    // Branch-free merge: which side moves on is data, not a jump the CPU
    // has to guess (the lists interleave at random).
    let (mut i, mut j, mut n) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].token, b[j].token);
        if x == y {
            n += a[i].idf;
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// A stem's place in the details packed into 32 bits (offset in the low
/// 24 bits, length in the high 8) for near-identical-word matching, which
/// looks only at stems of four letters or more; 0 for none (a shorter stem,
/// one longer than 255 bytes or one past the first 16 MB of the text). A
/// stem is always a prefix of its word, and lowercasing keeps byte offsets,
/// so the details themselves hold its text: nothing is copied.
fn span_of(start: u32, len: usize) -> u32 {
    if (4..=255).contains(&len) && start < 1 << 24 {
        start | (len as u32) << 24
    } else {
        0
    }
}

/// The stem a [`span_of`] value points at, lowercased into `out`.
fn stem_text<'o>(text: &str, span: u32, out: &'o mut String) -> Option<&'o str> {
    let (a, n) = ((span & 0xFF_FFFF) as usize, (span >> 24) as usize);
    let w = text.get(a..a + n)?;
    out.clear();
    out.push_str(w);
    out.make_ascii_lowercase();
    Some(out.as_str())
}

/// The tokens of one event, for asking whether each of another's words is
/// among them: a candidate's words are then looked up independently of
/// each other, where a merge of the two sorted lists waits at every step
/// on the comparison before (half the linker's time on a dense review).
/// Two places for each of [`WordTable::BUCKETS`] buckets, chosen by a
/// token's top bits; an event with three tokens in one bucket (about one
/// in a hundred of 60 words) does not fit, and its pairs are merged as
/// before.
struct WordTable {
    /// `[Token; 2]` per bucket; 0 = empty.
    slots: Vec<[Token; 2]>,
    /// The buckets in use, to empty them for the next event.
    used: Vec<usize>,
    /// All of the event's tokens are in the table.
    fits: bool,
}

impl Default for WordTable {
    fn default() -> Self {
        WordTable {
            slots: vec![[0; 2]; Self::BUCKETS],
            used: Vec::new(),
            fits: false,
        }
    }
}

impl WordTable {
    /// 2,048 buckets of two 4-byte tokens: 16 KB, within the first-level
    /// cache.
    const BUCKETS: usize = 2048;

    fn bucket(t: Token) -> usize {
        (t >> (Token::BITS - Self::BUCKETS.trailing_zeros())) as usize
    }

    /// Holds `words` from now on (and nothing else).
    fn fill(&mut self, words: &[Word]) {
        for &b in &self.used {
            self.slots[b] = [0; 2];
        }
        self.used.clear();
        self.fits = true;
        for w in words {
            let b = Self::bucket(w.token);
            let slot = &mut self.slots[b];
            if slot[0] == 0 {
                slot[0] = w.token;
                self.used.push(b);
            } else if slot[1] == 0 {
                slot[1] = w.token;
            } else {
                self.fits = false;
            }
        }
    }

    /// [`common`] of the table's words and `b`, when they fit: the weights
    /// of `b`'s words that are in the table, added in token order, as the
    /// merge adds them (a token weighs the same in every event), so the
    /// sum is the same to the bit.
    fn common(&self, a: &[Word], b: &[Word]) -> f32 {
        if !self.fits {
            return common(a, b);
        }
        // The weights of the shared words are gathered without a branch
        // (each written, kept only when shared), then added: adding the
        // unshared words' zeros as well would leave the sum the same but
        // make every word wait on the addition before it.
        let mut n = 0.0;
        let mut shared = [0.0f32; 64];
        for chunk in b.chunks(shared.len()) {
            let mut k = 0;
            for w in chunk {
                let [x, y] = self.slots[Self::bucket(w.token)];
                shared[k] = w.idf;
                k += usize::from((x == w.token) | (y == w.token));
            }
            for &v in &shared[..k] {
                n += v;
            }
        }
        n
    }
}

/// Buffers one linking worker reuses.
#[derive(Default)]
struct LinkScratch {
    /// Per signature bit, the weight of this event's tokens on it.
    bit_weight: Vec<f32>,
    a_words: Vec<(u32, u32, f32)>,
    b_words: Vec<(u32, u32, f32)>,
    x: String,
    y: String,
}

/// The tokens each of two events has and the other lacks, as (key,
/// [`span_of`] value, weight), each in token order, from one merge of the
/// two sorted, deduplicated token lists: the key is the stem's first two
/// bytes, lowercased, and its length, so that once sorted by key the stems
/// a near-identical-word comparison needs are found by a search.
fn unshared(
    (ta, fa): (&str, &Feature),
    (tb, fb): (&str, &Feature),
    out_a: &mut Vec<(u32, u32, f32)>,
    out_b: &mut Vec<(u32, u32, f32)>,
) {
    out_a.clear();
    out_b.clear();
    fn push(text: &[u8], f: &Feature, k: usize, out: &mut Vec<(u32, u32, f32)>) {
        let Word { span, idf, .. } = f.words[k];
        if span != 0 {
            let a = (span & 0xFF_FFFF) as usize;
            let at = |i: usize| u32::from(text.get(a + i).map_or(0, u8::to_ascii_lowercase));
            out.push((at(0) << 16 | at(1) << 8 | span >> 24, span, idf));
        }
    }
    let (a, b) = (&fa.words, &fb.words);
    let (xa, xb) = (ta.as_bytes(), tb.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].token.cmp(&b[j].token) {
            std::cmp::Ordering::Less => {
                push(xa, fa, i, out_a);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                push(xb, fb, j, out_b);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    for k in i..a.len() {
        push(xa, fa, k, out_a);
    }
    for k in j..b.len() {
        push(xb, fb, k, out_b);
    }
}

/// How alike the details of two events are, 0..1: a Dice coefficient of
/// their content words weighted by rarity ([`Idf`]), in which words that
/// differ only by a typo or an inflection the stemmer missed
/// (Jaro-Winkler similarity of at least 0.9 by [`strsim::jaro_winkler`],
/// words of four letters or more) count as shared, in proportion.
///
/// `table` holds the words of `fa` (see [`WordTable::fill`]).
fn similarity(
    (ta, fa): (&str, &Feature),
    (tb, fb): (&str, &Feature),
    bar: f64,
    table: &WordTable,
    s: &mut LinkScratch,
) -> f64 {
    let total = (fa.norm + fb.norm) as f64;
    if fa.words.is_empty() || fb.words.is_empty() || total <= 0.0 {
        return 0.0;
    }
    // Cheap bound first: the lighter side cannot share more than itself.
    if 2.0 * (fa.norm.min(fb.norm) as f64) / total < bar {
        return 0.0;
    }
    let shared = table.common(&fa.words, &fb.words) as f64;
    let exact = 2.0 * shared / total;
    if exact >= bar || exact < NEAR * bar {
        return exact;
    }
    // Near the bar: let near-identical words count, among the words the
    // two do not share exactly.
    // Only the side that is searched needs sorting.
    unshared((ta, fa), (tb, fb), &mut s.a_words, &mut s.b_words);
    s.b_words.sort_unstable_by_key(|w| w.0);
    let mut soft = 0.0f64;
    for &(kx, sx, wx) in &s.a_words {
        // Jaro-Winkler of 0.9 or more needs a shared start and lengths
        // within a few letters of each other in all but freak cases: only
        // those stems (found by their keys) are compared.
        let from = s.b_words.partition_point(|w| w.0 < kx.saturating_sub(2));
        let mut best: Option<(f64, f32)> = None;
        for &(ky, sy, wy) in &s.b_words[from..] {
            if ky > kx + 2 {
                break;
            }
            let (Some(x), Some(y)) = (stem_text(ta, sx, &mut s.x), stem_text(tb, sy, &mut s.y))
            else {
                continue;
            };
            let sim = strsim::jaro_winkler(x, y);
            if best.is_none_or(|(b, _)| sim >= b) {
                best = Some((sim, wy));
            }
        }
        if let Some((sim, wy)) = best {
            if sim >= 0.9 {
                soft += sim * f64::from(wx + wy) / 2.0;
            }
        }
    }
    (2.0 * (shared + soft) / total).min(1.0)
}

/// Below this share of the bar, exact sharing is too far off for
/// near-identical words to make up the rest ([`similarity`]).
const NEAR: f64 = 0.75;

/// Linked pairs of event indexes.
type Pairs = Vec<(u32, u32)>;

/// Union-find over event indexes.
struct Sets(Vec<u32>);
impl Sets {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = p;
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Links the events that report the same thing. Returns, per event, the
/// linked events and, per event, the id of its joint group (the smallest
/// event index in it) when it has links.
///
/// With `prefilter`, pairs that could not link (by their signatures,
/// [`Sig`]) are not compared; without, every candidate pair is (for the
/// test that the prefilter loses no link). Events of agencies counted as
/// one (`counted`, [`Chronology::counted_as`]) are never linked.
#[allow(clippy::too_many_arguments)]
fn link(
    events: &[Event],
    counted: &(dyn Fn(usize) -> usize + Sync),
    feats: &[Feature],
    order: &[u32],
    days: &[i32],
    config: &EpisodeConfig,
    prefilter: bool,
) -> (JointLinks, Vec<Option<u32>>) {
    let n = events.len();
    let bar = config.link_similarity;
    let cap = config.link_candidates.max(1);
    // What the sweep looks at, packed by position in date order.
    struct Slot {
        sig: Sig,
        norm: f32,
        agency: u32,
        group: u8,
        words: bool,
    }
    let slots: Vec<Slot> = order
        .par_iter()
        .with_min_len(4096)
        .map(|&i| {
            let (e, f) = (&events[i as usize], &feats[i as usize]);
            Slot {
                sig: f.sig,
                norm: f.norm,
                agency: counted(e.agency) as u32,
                group: type_group(e),
                words: !f.words.is_empty(),
            }
        })
        .collect();
    let pairs: Vec<Pairs> = (0..order.len())
        .into_par_iter()
        .with_min_len(4096)
        .fold(
            || (Vec::new(), LinkScratch::default(), WordTable::default()),
            |(mut out, mut scratch, mut table): (Pairs, LinkScratch, WordTable), p| {
                let a = &slots[p];
                if !a.words {
                    return (out, scratch, table);
                }
                let i = order[p] as usize;
                // The weight of the words of `i` on each signature bit: the
                // weights on the bits two signatures share bound what the
                // two details can share, without reading the other's words.
                let bw = &mut scratch.bit_weight;
                bw.clear();
                bw.resize(SIG_BITS, 0.0);
                for w in &feats[i].words {
                    bw[bit(w.token)] += w.idf;
                }
                table.fill(&feats[i].words);
                let d = days[p];
                let mut seen = 0;
                for q in p + 1..order.len() {
                    if days[q] > d + 1 {
                        break;
                    }
                    let b = &slots[q];
                    if b.agency == a.agency || !compatible(a.group, b.group) || !b.words {
                        continue;
                    }
                    seen += 1;
                    if seen > cap {
                        break;
                    }
                    let both: Sig = std::array::from_fn(|k| a.sig[k] & b.sig[k]);
                    if prefilter && both.iter().all(|&w| w == 0) {
                        continue;
                    }
                    let j = order[q] as usize;
                    // A meeting that two agencies record on the same day at
                    // (nearly) the same time is the same meeting unless
                    // their accounts have almost nothing in common: each
                    // attendee words it their own way ("strategy
                    // discussion chaired by…", "strat meeting by Teams…").
                    let bar = if same_meeting(&events[i], &events[j], a.group, b.group) {
                        bar * MEETING_BAR
                    } else {
                        bar
                    };
                    let mut bound = 0.0f32;
                    for (k, &w) in both.iter().enumerate() {
                        let mut w = w;
                        while w != 0 {
                            bound += scratch.bit_weight[k * 64 + w.trailing_zeros() as usize];
                            w &= w - 1;
                        }
                    }
                    // Near-identical words count only for pairs whose exact
                    // sharing reaches NEAR of the bar (see `similarity`),
                    // so that is the least a pair must be able to share.
                    if prefilter && 2.0 * f64::from(bound) / f64::from(a.norm + b.norm) < NEAR * bar
                    {
                        continue;
                    }
                    let sim = similarity(
                        (&events[i].details, &feats[i]),
                        (&events[j].details, &feats[j]),
                        bar,
                        &table,
                        &mut scratch,
                    );
                    if sim >= bar {
                        out.push((i as u32, j as u32));
                    }
                }
                (out, scratch, table)
            },
        )
        .map(|(out, _, _)| out)
        .collect();

    let mut sets = Sets((0..n as u32).collect());
    for &(a, b) in pairs.iter().flatten() {
        sets.union(a, b);
    }
    // Each linked event's group: the smallest event index in it.
    let mut group_of: Vec<Option<u32>> = vec![None; n];
    for &(a, b) in pairs.iter().flatten() {
        group_of[a as usize] = Some(a);
        group_of[b as usize] = Some(b);
    }
    let mut size = vec![0u32; n];
    for (i, g) in group_of.iter_mut().enumerate() {
        if g.is_some() {
            let r = sets.find(i as u32);
            *g = Some(r);
            size[r as usize] += 1;
        }
    }
    // Close small groups: everyone in a group of the same incident is
    // linked to every other agency's report within a day.
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, g) in group_of.iter().enumerate() {
        if let Some(r) = *g {
            if (3..=16).contains(&size[r as usize]) {
                members.entry(r).or_default().push(i as u32);
            }
        }
    }
    drop(size);
    let links = JointLinks::from_pairs(n, |put| {
        for &(a, b) in pairs.iter().flatten() {
            put(a, b);
            put(b, a);
        }
        for list in members.values() {
            for &a in list {
                for &b in list {
                    let (ea, eb) = (&events[a as usize], &events[b as usize]);
                    if a != b
                        && counted(ea.agency) != counted(eb.agency)
                        && (ea.date.start - eb.date.start).num_days().abs() <= 1
                    {
                        put(a, b);
                    }
                }
            }
        }
    });
    (links, group_of)
}

// ---------------------------------------------------------------------------
// Episodes.

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
}

/// The scan over the anchors of a piece.
struct Search<'a> {
    /// (day, agency, significance), in date order.
    anchors: &'a [(i32, usize, f64)],
    /// Start of each distinct day's anchors in `anchors` (one past the end
    /// last).
    day_start: &'a [usize],
    /// The distinct anchor days.
    days: &'a [i32],
    rate: f64,
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
    fn best(&self, s: usize, e: usize, n_agencies: usize) -> Option<Best> {
        let mut sums = vec![0.0f64; n_agencies];
        let mut touched: Vec<usize> = Vec::new();
        let mut best: Option<Best> = None;
        for i in s..e {
            for &a in &touched {
                sums[a] = 0.0;
            }
            touched.clear();
            let (mut observed, mut involved) = (0.0f64, 0usize);
            for j in i..e {
                for &(_, a, w) in &self.anchors[self.day_start[j]..self.day_start[j + 1]] {
                    let old = sums[a];
                    if old == 0.0 {
                        touched.push(a);
                    }
                    let new = old + w;
                    sums[a] = new;
                    observed += new.min(self.cap) - old.min(self.cap);
                    if old < self.involved && new >= self.involved {
                        involved += 1;
                    }
                }
                if involved < self.min_agencies {
                    continue;
                }
                let expected = self.rate * (self.days[j] - self.days[i] + 1) as f64;
                let score = llr(observed, expected);
                if best.as_ref().is_none_or(|b| score > b.llr) {
                    best = Some(Best {
                        from: i,
                        to: j,
                        observed,
                        llr: score,
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
        for &(_, a, w) in &self.anchors[self.day_start[best.from]..self.day_start[best.to + 1]] {
            sums[a] += w;
        }
        // A day widens the episode when its involved agencies' signal is
        // well above the usual daily rate (always so in a sparse
        // chronology; in a very busy one only on unusual days).
        let involved = |j: usize| {
            let day: f64 = self.anchors[self.day_start[j]..self.day_start[j + 1]]
                .iter()
                .filter(|&&(_, a, _)| sums[a] >= self.involved)
                .map(|&(_, _, w)| w)
                .sum();
            day > 0.0 && day >= 2.0 * self.rate
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

/// Finds the candidate key practice episodes, the joint events and the
/// gaps of a merged chronology. Deterministic: the same chronology and
/// configuration always give the same analysis.
pub fn analyse(chronology: &Chronology, config: &EpisodeConfig) -> Analysis {
    analyse_with(chronology, config, true)
}

/// [`analyse`], with or without the linker's prefilter.
fn analyse_with(chronology: &Chronology, config: &EpisodeConfig, prefilter: bool) -> Analysis {
    let events = &chronology.events;
    let n = events.len();
    let table = &config.weights;
    let m = Matcher::new(table);

    // Exactly dated events that are not author's notes: the ones that can
    // anchor, be counted and be linked.
    let exact: Vec<bool> = events
        .iter()
        .map(|e| e.date.precision == Precision::Day && !e.is_note)
        .collect();
    let mut feats: Vec<Feature> = events
        .par_iter()
        .zip(exact.par_iter())
        .with_min_len(2048)
        .map_init(Scratch::default, |s, (e, &x)| feature(&m, table, e, x, s))
        .collect();

    let day_num = |i: usize| -> i32 {
        (events[i].date.start - NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid")).num_days()
            as i32
    };
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| exact[i as usize]).collect();
    if !order
        .windows(2)
        .all(|w| events[w[0] as usize].date.start <= events[w[1] as usize].date.start)
    {
        order.sort_by_key(|&i| (events[i as usize].date.start, i));
    }
    let days: Vec<i32> = order.iter().map(|&i| day_num(i as usize)).collect();

    let idf = Idf::new(&feats, &order);
    feats.par_iter_mut().with_min_len(2048).for_each(|f| {
        for w in f.words.iter_mut() {
            w.idf = idf.get(w.token);
        }
        f.norm = f.words.iter().map(|w| w.idf).sum();
        f.sig = signature(&f.words);
    });
    // Agencies whose names are so close that they may be one agency count
    // as one: for the involved agencies, the cap and joint events.
    let counted = |a: usize| chronology.counted_as(a);
    let (also_reported_by, group_of) =
        link(events, &counted, &feats, &order, &days, config, prefilter);
    let gaps = find_gaps(&order, &days, events, config);

    // Anchors: exact, certain, significant; in date order.
    let seed = table.seed_weight;
    let anchors: Vec<(i32, usize, f64)> = order
        .iter()
        .zip(&days)
        .filter(|(&i, _)| {
            let i = i as usize;
            !events[i].date.approximate && feats[i].weight >= seed
        })
        .map(|(&i, &d)| {
            (
                d,
                counted(events[i as usize].agency),
                feats[i as usize].weight,
            )
        })
        .collect();
    // Distinct anchor days, each with its range in `anchors`.
    let mut anchor_days: Vec<i32> = Vec::new();
    let mut day_start: Vec<usize> = Vec::new();
    for (k, a) in anchors.iter().enumerate() {
        if anchor_days.last() != Some(&a.0) {
            anchor_days.push(a.0);
            day_start.push(k);
        }
    }
    day_start.push(anchors.len());
    let n_agencies = chronology
        .agencies
        .len()
        .max(events.iter().map(|e| e.agency + 1).max().unwrap_or(0));
    // The usual rate of significant signal per day, over the chronology's
    // span (at least a year, so that a short chronology is not its own
    // background).
    let total: f64 = anchors.iter().map(|a| a.2).sum();
    let span_all = match (days.first(), days.last()) {
        (Some(a), Some(z)) => (z - a + 1) as f64,
        _ => 1.0,
    };
    let rate = (total / span_all.max(365.0)).max(1e-9);

    let mut notes: Vec<usize> = (0..n)
        .filter(|&i| events[i].is_note && events[i].date.precision == Precision::Day)
        .collect();
    notes.sort_by_key(|&i| (events[i].date.start, i));
    let note_days: Vec<i32> = notes.iter().map(|&i| day_num(i)).collect();

    let search = Search {
        anchors: &anchors,
        day_start: &day_start,
        days: &anchor_days,
        rate,
        cap: config.agency_cap,
        involved: config.min_agency_signal,
        min_agencies: config.min_agencies.max(1),
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
        let Some(best) = search.best(s, e, n_agencies) else {
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
        for &i in &order[lo..hi] {
            let i = i as usize;
            let f = &feats[i];
            present[events[i].agency] = true;
            if let Some(g) = group_of[i] {
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
            continue;
        }
        let mut members: Vec<usize> = order[lo..hi].iter().map(|&i| i as usize).collect();
        let nlo = note_days.partition_point(|&d| d < d0);
        let nhi = note_days.partition_point(|&d| d <= d1);
        members.extend_from_slice(&notes[nlo..nhi]);
        members.sort_unstable();
        let agencies: Vec<usize> = (0..n_agencies).filter(|&a| present[a]).collect();
        // Names so close that they may be one agency are one in the count.
        let mut counted_here: Vec<usize> = agencies.iter().map(|&a| counted(a)).collect();
        counted_here.sort_unstable();
        counted_here.dedup();
        let as_one: Vec<&str> = agencies
            .iter()
            .filter(|&&a| agencies.iter().any(|&b| b != a && counted(b) == counted(a)))
            .map(|&a| chronology.agencies.get(a).map_or("", |x| x.name.as_str()))
            .collect();
        phrases.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        let what: Vec<&str> = phrases.iter().take(4).map(|p| p.0.as_str()).collect();
        let ndays = (d1 - d0 + 1) as usize;
        let times = best.observed / (rate * ndays as f64);
        let mut reason = format!(
            "{} in {}, {}",
            plural(counted_here.len(), "agency", "agencies"),
            plural(ndays, "day", "days"),
            plural(hi - lo, "event", "events"),
        );
        if !what.is_empty() {
            reason.push_str(": ");
            reason.push_str(&what.join(", "));
        }
        if joint > 0 {
            reason.push_str(&format!(
                "; {}",
                plural(joint, "joint event", "joint events")
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
        let first = events[order[lo] as usize].date.start;
        candidates.push(Episode {
            rank: 0,
            first,
            last: first + Duration::days((d1 - d0) as i64),
            agencies,
            events: members,
            joint_events: joint,
            score,
            reason,
        });
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.first.cmp(&b.first))
            .then(a.events.first().cmp(&b.events.first()))
    });
    candidates.truncate(config.max_episodes);
    let mut episode_of = vec![None; n];
    for (k, ep) in candidates.iter_mut().enumerate() {
        ep.rank = k + 1;
        for &i in &ep.events {
            episode_of[i] = Some(k);
        }
    }
    Analysis {
        episodes: candidates,
        episode_of,
        also_reported_by,
        gaps,
    }
}

/// The longest stretches between exactly dated events (author's notes and
/// partial dates left out), longer than the threshold, longest first.
fn find_gaps(order: &[u32], days: &[i32], events: &[Event], config: &EpisodeConfig) -> Vec<Gap> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, SynthConfig};

    /// The table gives the merge's sum to the bit, for events that fit
    /// and (by falling back to the merge) for those that do not.
    #[test]
    fn word_table_sums_as_the_merge_does() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut table = WordTable::default();
        let (mut fitted, mut spilled) = (0, 0);
        for round in 0..2000 {
            // Few distinct tokens, so pairs share many; sometimes crowded
            // into a few buckets, so some events do not fit.
            let spread = if round % 3 == 0 { 4 } else { 4095 };
            let mut list = |len: usize| {
                let mut w: Vec<Word> = (0..len)
                    .map(|_| {
                        let t = ((next() % spread) as Token + 1) << 20 | (next() % 3) as Token;
                        Word {
                            token: t,
                            span: 0,
                            idf: 1.0 + (t % 97) as f32 / 7.0,
                        }
                    })
                    .collect();
                w.sort_unstable_by_key(|w| w.token);
                w.dedup_by_key(|w| w.token);
                w
            };
            let a = list(1 + round % 70);
            let b = list(1 + round % 53);
            table.fill(&a);
            if table.fits {
                fitted += 1;
            } else {
                spilled += 1;
            }
            assert_eq!(
                table.common(&a, &b).to_bits(),
                common(&a, &b).to_bits(),
                "round {round}"
            );
        }
        assert!(
            fitted > 100 && spilled > 100,
            "{fitted} fitted, {spilled} spilled"
        );
    }

    /// Pairs in any order, with repeats, become each event's sorted,
    /// distinct links; events past the last pair have none.
    #[test]
    fn joint_links_from_unsorted_pairs() {
        let pairs = [(3, 1), (1, 3), (1, 0), (3, 1), (0, 1), (1, 2)];
        let links = JointLinks::from_pairs(5, |put| {
            for &(a, b) in &pairs {
                put(a, b);
            }
        });
        let lists: Vec<&[u32]> = links.iter().collect();
        assert_eq!(lists, [&[1][..], &[0, 2, 3], &[], &[1], &[]]);
        assert_eq!(links.linked_events(), 3);
        assert_eq!(
            serde_json::to_string(&links).unwrap(),
            "[[1],[0,2,3],[],[1],[]]"
        );
        assert!(JointLinks::from_pairs(0, |_| {}).is_empty());
    }

    /// The signature prefilter only skips pairs that could not link: the
    /// links are the same as when every candidate pair is compared, on the
    /// generated reviews of `tests/episodes.rs` (among which some pairs
    /// link only through near-identical words: a prefilter at the bar
    /// itself, as before, loses them).
    #[test]
    fn prefilter_loses_no_link() {
        let config = EpisodeConfig::default();
        let mut compared = 0;
        for seed in 0..50u64 {
            let r = generate(&SynthConfig {
                seed,
                agencies: 4 + (seed % 5) as usize,
                episodes: 3 + (seed % 4) as usize,
                ..SynthConfig::default()
            });
            let fast = analyse_with(&r.chronology, &config, true);
            let all = analyse_with(&r.chronology, &config, false);
            assert_eq!(fast.also_reported_by, all.also_reported_by, "seed {seed}");
            compared += all.also_reported_by.linked_events();
        }
        assert!(compared > 500, "only {compared} linked events");
    }
}
