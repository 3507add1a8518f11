//! Synthetic reviews: a deterministic generator of merged chronologies with
//! planted key practice episodes and known joint events, for tests and
//! benchmarks.
//!
//! A generated review has:
//!
//! - **background**: each agency's routine, single-agency entries (visits,
//!   appointments, information shared) spread over a multi-year period,
//!   with the occasional isolated significant entry (a missed appointment,
//!   a call-out) as real chronologies have;
//! - **planted episodes**: short, dense, multi-agency stretches of
//!   significant events (an injury, a hospital attendance, a police
//!   call-out, a referral, a strategy discussion …), in which the same
//!   incident or meeting is reported by several agencies, each in its own
//!   words (the *joint events*);
//! - **single-agency bursts**: one agency recording many events in a few
//!   days, which must not be flagged as an episode;
//! - **traps**: partial dates (month or year only, which sort to the 1st of
//!   their period) and author's notes, which must not create clusters.
//!
//! Only invented roles appear ("Child A", "Mother", "Health visitor"),
//! never names. Everything comes from the crate's seeded [`Rng`], so the same
//! [`SynthConfig`] always gives the same review.
//!
//! ```
//! use chronomerge_testdata::synth::{generate, SynthConfig};
//! let review = generate(&SynthConfig { seed: 7, ..SynthConfig::default() });
//! assert_eq!(review.chronology.agencies.len(), 6);
//! assert_eq!(review.truth.episodes.len(), 4);
//! assert!(review.chronology.events.len() > 500);
//! ```

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveTime};
use serde::Serialize;

use chronomerge::dates::{DateValue, Precision};
use chronomerge::merge::{event_order, Agency, Chronology};
use chronomerge::model::{Event, Origin, EVENT_TYPES};

use crate::Rng;

/// What to generate. [`Default`] gives a realistic review: 6 agencies over
/// three years, about 30 routine entries per agency a year, 4 planted
/// episodes and 3 single-agency bursts.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// The seed of the random generator.
    pub seed: u64,
    /// Number of agencies (at least 2).
    pub agencies: usize,
    /// First day of the period.
    pub start: NaiveDate,
    /// Length of the period in days.
    pub days: i64,
    /// Routine (background) entries per agency per year.
    pub background_per_agency_year: f64,
    /// Share of background entries that are an isolated significant event.
    pub background_significant: f64,
    /// Planted multi-agency episodes.
    pub episodes: usize,
    /// Single-agency bursts (must not be flagged).
    pub bursts: usize,
    /// Partial-date entries (month or year only).
    pub partial_dates: usize,
    /// Author's notes.
    pub notes: usize,
    /// Share of background entries with an approximate date.
    pub approximate: f64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 1,
            agencies: 6,
            start: NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid"),
            days: 3 * 365,
            background_per_agency_year: 30.0,
            background_significant: 0.1,
            episodes: 4,
            bursts: 3,
            partial_dates: 12,
            notes: 6,
            approximate: 0.02,
        }
    }
}

impl SynthConfig {
    /// A configuration that gives about `events` events in all (for
    /// benchmarks): more agencies and a longer period as `events` grows,
    /// with planted episodes and bursts in proportion.
    ///
    /// ```
    /// use chronomerge_testdata::synth::{generate, SynthConfig};
    /// let r = generate(&SynthConfig::sized(5_000, 3));
    /// let n = r.chronology.events.len();
    /// assert!(n > 4_000 && n < 6_000, "{n}");
    /// ```
    pub fn sized(events: usize, seed: u64) -> Self {
        let agencies = (events / 2_000).clamp(6, 12);
        let years = (events as f64 / 20_000.0).clamp(3.0, 25.0);
        let days = (years * 365.0) as i64;
        let episodes = (days / 120).max(4) as usize;
        let bursts = (days / 200).max(3) as usize;
        let planted = episodes * 20 + bursts * 8 + 20;
        let background =
            (events.saturating_sub(planted)) as f64 / (agencies as f64 * years).max(1.0);
        SynthConfig {
            seed,
            agencies,
            start: NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid"),
            days,
            background_per_agency_year: background,
            episodes,
            bursts,
            partial_dates: 12,
            notes: 6,
            ..SynthConfig::default()
        }
    }
}

/// A planted episode: the truth a detector is measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantedEpisode {
    /// First day of the planted stretch.
    pub first: NaiveDate,
    /// Last day of the planted stretch.
    pub last: NaiveDate,
    /// Agencies involved (indexes into `chronology.agencies`), sorted.
    pub agencies: Vec<usize>,
    /// Its events (indexes into `chronology.events`), sorted.
    pub events: Vec<usize>,
}

/// A planted single-agency burst.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlantedBurst {
    /// First day.
    pub first: NaiveDate,
    /// Last day.
    pub last: NaiveDate,
    /// The one agency.
    pub agency: usize,
}

/// What was planted.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Truth {
    /// Planted episodes, in date order.
    pub episodes: Vec<PlantedEpisode>,
    /// Groups of events (indexes into `chronology.events`, sorted) that
    /// report the same thing from different agencies.
    pub joint_groups: Vec<Vec<usize>>,
    /// Single-agency bursts, in date order.
    pub bursts: Vec<PlantedBurst>,
}

/// A generated review: the merged chronology and what was planted in it.
#[derive(Debug, Clone)]
pub struct SynthReview {
    /// Events in merged order, with their agencies.
    pub chronology: Chronology,
    /// The ground truth.
    pub truth: Truth,
}

/// Agency names and the practitioner role each writes as.
const AGENCIES: [(&str, &str); 12] = [
    ("Police", "Police constable"),
    ("Children's social care", "Social worker"),
    ("Health visiting", "Health visitor"),
    ("GP practice", "GP"),
    ("Hospital trust", "Emergency department nurse"),
    ("School", "Designated safeguarding lead"),
    ("Housing", "Housing officer"),
    ("Probation", "Probation officer"),
    ("Adult mental health", "Community psychiatric nurse"),
    ("Early help", "Family support worker"),
    ("Ambulance service", "Paramedic"),
    ("Substance misuse service", "Recovery worker"),
];

const SUBJECTS: [&str; 5] = ["Child A", "Child B", "Mother", "Father", "Mother's partner"];

/// Routine entry wordings; `{s}` is the subject. Each agency uses its own
/// slice (offset by agency), so different agencies word routine work
/// differently, as in life.
const ROUTINE: [&str; 36] = [
    "Routine welfare check recorded, {s} present, no concerns noted",
    "Compliance check, {s} at home address as expected",
    "Neighbourhood officer spoke with {s} in the street, friendly conversation",
    "Social work visit to the home, {s} seen alone in bedroom",
    "Supervision with team manager, plan for {s} updated",
    "Children in need review meeting booked for {s}",
    "New birth visit, {s} feeding well, weight gain satisfactory",
    "Development review, {s} weight and growth plotted on centile chart",
    "Immunisations given to {s}, no reaction observed",
    "Surgery consultation, {s} prescribed medication for eczema",
    "Medication review for {s}, repeat prescription issued",
    "Records updated following change of GP registration for {s}",
    "Outpatient clinic letter received regarding {s} follow up",
    "Discharge summary filed for {s} after planned procedure",
    "Paediatric dietitian clinic reviewed {s}, plan continues",
    "Attendance register reviewed, {s} present all week, settled in class",
    "Breakfast club attended by {s}, ate well",
    "Parents evening, teacher discussed reading progress of {s}",
    "Tenancy visit, repairs reported by {s}, rent account discussed",
    "Rent arrears letter issued to {s}",
    "Gas safety inspection completed at the flat of {s}",
    "Supervision appointment kept by {s}, licence conditions reviewed",
    "Offender manager updated risk plan for {s}, no change",
    "Unpaid work hours completed by {s}",
    "Care coordinator telephone call with {s}, mood described as stable",
    "Depot injection administered to {s} at the clinic",
    "Psychiatry outpatient review of {s}, dose unchanged",
    "Parenting programme session attended by {s}",
    "Family support worker helped {s} with a nursery application",
    "Budgeting advice session for {s}",
    "Non urgent transport provided for {s} to clinic",
    "Patient transport booked for {s}, journey uneventful",
    "Crew attended a fall at the care home, unrelated to {s}",
    "Key work session with {s}, prescribing reviewed",
    "Urine screen taken from {s}, result awaited",
    "Group recovery session attended by {s}",
];
const ROUTINE_TYPES: [usize; 4] = [0, 1, 12, 5];

/// Isolated significant background entries (one agency, one day): two
/// wordings for each kind of agency, so that two agencies' isolated events
/// never read alike.
const ISOLATED: [(&str, usize); 24] = [
    (
        "Call received about noise at the address involving {s}, advice given",
        9,
    ),
    (
        "Officers called to a verbal argument in the street, {s} present, no offences",
        9,
    ),
    (
        "Anonymous contact about home conditions for {s}, no further action",
        4,
    ),
    (
        "Contact from nursery about {s} being collected late, advice given",
        4,
    ),
    (
        "{s} was not brought to the clinic appointment, letter sent",
        2,
    ),
    ("Missed development check for {s}, card left at the door", 2),
    (
        "{s} did not attend planned surgery appointment, rebooked",
        2,
    ),
    ("Referral to speech and language therapy made for {s}", 3),
    (
        "{s} seen at minor injuries unit with a graze to the knee after a fall in the park",
        10,
    ),
    (
        "{s} attended urgent care with a temperature, discharged home",
        11,
    ),
    ("Unauthorised absence of {s} recorded, letter home", 2),
    (
        "Playground accident, {s} bumped a knee, first aid given",
        10,
    ),
    (
        "Complaint from neighbour about noise from the flat of {s}",
        9,
    ),
    ("Notice seeking possession discussed with {s}", 12),
    (
        "{s} missed the supervision appointment, warning letter issued",
        2,
    ),
    (
        "Police national computer check returned a new caution for {s}",
        12,
    ),
    ("{s} did not attend the psychiatry review, letter to GP", 2),
    (
        "Crisis team telephone contact with {s}, feeling low, safety plan reviewed",
        9,
    ),
    ("Food bank voucher referral made for {s}", 3),
    ("{s} cancelled the family session, rearranged", 2),
    (
        "Ambulance called for {s} with breathing difficulty, treated at home",
        11,
    ),
    (
        "Crew attended {s} after a faint in a shop, no conveyance",
        10,
    ),
    ("Positive drug screen for {s}, discussed at key work", 12),
    ("{s} missed the prescribing review, script held", 2),
];

struct Injury {
    what: &'static str,
    how: &'static str,
}
const INJURIES: [Injury; 6] = [
    Injury {
        what: "bruising to the left cheek",
        how: "fell against the coffee table",
    },
    Injury {
        what: "a burn to the right hand",
        how: "touched the oven door",
    },
    Injury {
        what: "a fractured left arm",
        how: "fell from the sofa",
    },
    Injury {
        what: "a head injury with swelling above the eye",
        how: "fell down the stairs",
    },
    Injury {
        what: "fingertip bruises on both upper arms",
        how: "was grabbed by a sibling while playing",
    },
    Injury {
        what: "an overdose of paracetamol tablets",
        how: "took the tablets after an argument at home",
    },
];

/// A generated event before sorting, with its truth tags.
struct Gen {
    event: Event,
    episode: Option<usize>,
    joint: Option<usize>,
}

struct Builder {
    rng: Rng,
    gens: Vec<Gen>,
    joint_count: usize,
}

fn type_index(t: usize) -> (String, Option<usize>) {
    (EVENT_TYPES[t].to_string(), Some(t))
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        agency: usize,
        date: DateValue,
        etype: usize,
        details: String,
        is_note: bool,
        episode: Option<usize>,
        joint: Option<usize>,
    ) {
        let (name, role) = AGENCIES[agency % AGENCIES.len()];
        let subject = SUBJECTS
            .iter()
            .find(|s| details.contains(*s))
            .copied()
            .unwrap_or("");
        let time = if self.rng.chance(0.4) {
            NaiveTime::from_hms_opt(
                self.rng.range(8, 20) as u32,
                self.rng.range(0, 59) as u32,
                0,
            )
        } else {
            None
        };
        let (event_type, event_type_known) = type_index(etype);
        let file = format!("agency-{:02}.xlsx", agency + 1);
        let event = Event {
            origin: Origin::new(&file, "Chronology", 0),
            agency,
            date,
            time,
            sequence: None,
            source: if is_note {
                "# Author's note".into()
            } else {
                format!("{name} record").into()
            },
            role: role.into(),
            subject: subject.into(),
            event_type: event_type.into(),
            event_type_known,
            details,
            action: String::new(),
            analysis: String::new(),
            date_written: date.start.format("%d/%m/%Y").to_string().into(),
            key_line: "".into(),
            is_note,
            outside_period: false,
            seq_in_return: 0,
            reference: Default::default(),
        };
        self.gens.push(Gen {
            event,
            episode,
            joint,
        });
    }

    fn new_joint(&mut self) -> usize {
        self.joint_count += 1;
        self.joint_count - 1
    }
}

fn fill(template: &str, subject: &str) -> String {
    template.replace("{s}", subject)
}

/// Generates a review from a configuration (deterministic).
pub fn generate(config: &SynthConfig) -> SynthReview {
    let n_ag = config.agencies.max(2);
    let mut b = Builder {
        rng: Rng::new(config.seed),
        gens: Vec::new(),
        joint_count: 0,
    };
    let day = |d: i64| config.start + Duration::days(d);
    let days = config.days.max(120);

    // Background: routine entries, some isolated significant ones.
    let per_agency = (config.background_per_agency_year * days as f64 / 365.0).round() as usize;
    for a in 0..n_ag {
        for _ in 0..per_agency {
            let d = b.rng.range(0, days - 1);
            let subject = *b.rng.pick(&SUBJECTS[..3]);
            let mut date = DateValue::day(day(d));
            date.approximate = b.rng.chance(config.approximate);
            if b.rng.chance(config.background_significant) {
                let k = (a * 2 + b.rng.below(2) as usize) % ISOLATED.len();
                let (t, ty) = ISOLATED[k];
                b.push(a, date, ty, fill(t, subject), false, None, None);
            } else {
                // Each agency draws from its own three wordings.
                let k = (a * 3 + b.rng.below(3) as usize) % ROUTINE.len();
                let ty = *b.rng.pick(&ROUTINE_TYPES);
                b.push(a, date, ty, fill(ROUTINE[k], subject), false, None, None);
            }
        }
    }

    // Reserve non-overlapping slots (with a margin) for episodes and bursts.
    let mut taken: Vec<(i64, i64)> = Vec::new();
    let mut slot = |rng: &mut Rng, len: i64| -> Option<i64> {
        for _ in 0..1000 {
            let s = rng.range(10, days - len - 10);
            if taken.iter().all(|&(a, z)| s + len + 45 < a || s > z + 45) {
                taken.push((s, s + len));
                return Some(s);
            }
        }
        None
    };

    let mut planted: Vec<(i64, i64, BTreeSet<usize>)> = Vec::new();
    for ep in 0..config.episodes {
        let len = b.rng.range(2, 14);
        let Some(s) = slot(&mut b.rng, len) else {
            break;
        };
        let k = b.rng.range(2, 5.min(n_ag as i64)) as usize;
        let mut agencies: Vec<usize> = Vec::new();
        while agencies.len() < k {
            let a = b.rng.below(n_ag as u64) as usize;
            if !agencies.contains(&a) {
                agencies.push(a);
            }
        }
        let child = *b.rng.pick(&SUBJECTS[..2]);
        let inj = b.rng.pick(&INJURIES);
        let mut used = BTreeSet::new();
        let tag = Some(ep);

        // 1. The incident, reported by two or three of the agencies.
        let g = b.new_joint();
        let reporters = k.min(b.rng.range(2, 3) as usize);
        for (i, &a) in agencies.iter().take(reporters).enumerate() {
            let d = s + if i == 0 { 0 } else { b.rng.range(0, 1) };
            let (text, ty) = incident_wording(&mut b.rng, a, i, child, inj);
            b.push(a, DateValue::day(day(d)), ty, text, false, tag, Some(g));
            used.insert(a);
        }
        // 2. The referral: made by one agency, received by another.
        let mid = s + b.rng.range(1, (len / 2).max(1));
        let maker = agencies[0];
        let taker = agencies[1];
        let g = b.new_joint();
        b.push(
            maker,
            DateValue::day(day(mid)),
            3,
            format!(
                "Safeguarding referral made to children's social care about {child} following {}; explanation of mother that {child} {} not consistent",
                inj.what, inj.how
            ),
            false,
            tag,
            Some(g),
        );
        let received = mid + b.rng.range(0, 1);
        b.push(
            taker,
            DateValue::day(day(received)),
            4,
            format!(
                "Referral received from partner agency regarding {child} and {}, mother says {child} {}; screened as child protection",
                inj.what, inj.how
            ),
            false,
            tag,
            Some(g),
        );
        used.insert(maker);
        used.insert(taker);
        // 3. The strategy discussion, recorded by every agency that joined.
        let sd = (mid + b.rng.range(1, 3)).min(s + len);
        let g = b.new_joint();
        let attendees: Vec<usize> = agencies
            .iter()
            .copied()
            .filter(|_| b.rng.chance(0.8))
            .collect();
        let attendees = if attendees.len() < 2 {
            agencies[..2].to_vec()
        } else {
            attendees
        };
        for (i, &a) in attendees.iter().enumerate() {
            let text = strategy_wording(i + a, child, inj);
            b.push(a, DateValue::day(day(sd)), 6, text, false, tag, Some(g));
            used.insert(a);
        }
        // 4. Agencies not yet heard from add their own significant event.
        for (pos, &a) in agencies.iter().enumerate() {
            if !used.contains(&a) || b.rng.chance(0.3) {
                let d = s + b.rng.range(0, len);
                let (t, ty) = FOLLOW_UPS[(pos + ep) % FOLLOW_UPS.len()];
                b.push(
                    a,
                    DateValue::day(day(d)),
                    ty,
                    fill(t, child),
                    false,
                    tag,
                    None,
                );
            }
        }
        planted.push((s, s + len, agencies.iter().copied().collect()));
    }

    // Single-agency bursts: many entries from one agency in a few days.
    let mut bursts = Vec::new();
    for _ in 0..config.bursts {
        let len = b.rng.range(3, 8);
        let Some(s) = slot(&mut b.rng, len) else {
            break;
        };
        let a = b.rng.below(n_ag as u64) as usize;
        let n = b.rng.range(5, 9);
        let subject = *b.rng.pick(&SUBJECTS[..3]);
        for _ in 0..n {
            let d = s + b.rng.range(0, len);
            let (t, ty) = *b.rng.pick(&BURST);
            b.push(
                a,
                DateValue::day(day(d)),
                ty,
                fill(t, subject),
                false,
                None,
                None,
            );
        }
        bursts.push(PlantedBurst {
            first: day(s),
            last: day(s + len),
            agency: a,
        });
    }

    // Partial dates: several agencies on the same month or year, which all
    // sort to its 1st day and must not look like a cluster.
    for i in 0..config.partial_dates {
        let a = i % n_ag;
        let month = (days / 30 / 2).max(1);
        let m = day(month * 30);
        let first =
            NaiveDate::from_ymd_opt(chrono::Datelike::year(&m), chrono::Datelike::month(&m), 1)
                .expect("valid");
        let (start, precision) = if i % 3 == 2 {
            (
                NaiveDate::from_ymd_opt(chrono::Datelike::year(&m), 1, 1).expect("valid"),
                Precision::Year,
            )
        } else {
            (first, Precision::Month)
        };
        let date = DateValue {
            start,
            precision,
            ..DateValue::day(start)
        };
        let (t, ty) = PARTIAL[i % PARTIAL.len()];
        b.push(a, date, ty, fill(t, "Child A"), false, None, None);
    }

    // Author's notes, bunched on one day, with alarming words.
    let nd = b.rng.range(0, days - 1);
    for i in 0..config.notes {
        b.push(
            i % n_ag,
            DateValue::day(day(nd)),
            14,
            "Author's note: injury, police and hospital records for this period to be checked; strategy discussion minutes requested".to_string(),
            true,
            None,
            None,
        );
    }

    finish(b, n_ag, planted, bursts, &day)
}

fn finish(
    mut b: Builder,
    n_ag: usize,
    planted: Vec<(i64, i64, BTreeSet<usize>)>,
    bursts: Vec<PlantedBurst>,
    day: &dyn Fn(i64) -> NaiveDate,
) -> SynthReview {
    // The agency's own row order: by date within the agency.
    b.gens.sort_by(|x, y| {
        x.event
            .agency
            .cmp(&y.event.agency)
            .then(x.event.date.start.cmp(&y.event.date.start))
    });
    let mut counter = vec![0u32; n_ag];
    for g in &mut b.gens {
        let a = g.event.agency;
        g.event.seq_in_return = counter[a];
        g.event.origin.row = counter[a] + 2;
        counter[a] += 1;
    }
    b.gens.sort_by(|x, y| event_order(&x.event, &y.event));

    let mut episodes: Vec<PlantedEpisode> = planted
        .iter()
        .map(|(s, e, ags)| PlantedEpisode {
            first: day(*s),
            last: day(*e),
            agencies: ags.iter().copied().collect(),
            events: Vec::new(),
        })
        .collect();
    let mut joint: Vec<Vec<usize>> = vec![Vec::new(); b.joint_count];
    let mut events = Vec::with_capacity(b.gens.len());
    for (i, g) in b.gens.into_iter().enumerate() {
        if let Some(e) = g.episode {
            episodes[e].events.push(i);
        }
        if let Some(j) = g.joint {
            joint[j].push(i);
        }
        events.push(g.event);
    }
    episodes.sort_by_key(|e| e.first);
    let mut bursts = bursts;
    bursts.sort_by_key(|b| b.first);

    let agencies = (0..n_ag)
        .map(|a| {
            let name = if a < AGENCIES.len() {
                AGENCIES[a].0.to_string()
            } else {
                format!(
                    "{} (area {})",
                    AGENCIES[a % AGENCIES.len()].0,
                    a / AGENCIES.len() + 1
                )
            };
            Agency {
                name,
                colour: PALETTE[a % PALETTE.len()],
                files: vec![format!("agency-{:02}.xlsx", a + 1)],
                events: counter[a] as usize,
                rejected: 0,
            }
        })
        .collect();

    SynthReview {
        chronology: Chronology {
            agencies,
            events,
            findings: Vec::new(),
            returns: Vec::new(),
            same_agency: Vec::new(),
        },
        truth: Truth {
            episodes,
            joint_groups: joint.into_iter().filter(|g| g.len() >= 2).collect(),
            bursts,
        },
    }
}

const PALETTE: [u32; 8] = [
    0xDCE6F1, 0xFDE9D9, 0xEBF1DE, 0xE4DFEC, 0xDAEEF3, 0xFDEADA, 0xF2F2F2, 0xFFF2CC,
];

const FOLLOW_UPS: [(&str, usize); 5] = [
    (
        "{s} admitted to the children's ward for observation and skeletal survey",
        11,
    ),
    (
        "Home visit by duty social worker, {s} seen and spoken to, section 47 enquiry started",
        5,
    ),
    (
        "Police child abuse investigation unit informed, joint visit planned for {s}",
        9,
    ),
    (
        "{s} not brought to the follow up fracture clinic appointment",
        2,
    ),
    ("Initial child protection conference date set for {s}", 7),
];

const BURST: [(&str, usize); 4] = [
    ("Call from neighbour about shouting at the address, officers attended, {s} calm, no offences disclosed", 9),
    ("{s} absent from school today, unauthorised, message left", 2),
    ("{s} attended the surgery with a cough, advice given", 1),
    ("Call to the address about a parking dispute involving {s}, words of advice", 9),
];

const PARTIAL: [(&str, usize); 4] = [
    (
        "{s} reported to have moved address with mother during this month",
        12,
    ),
    (
        "Concerns about domestic abuse were known to the family at some point this year",
        9,
    ),
    (
        "{s} had an injury recorded by another professional, date unknown",
        10,
    ),
    (
        "Referral discussed at some point this month, no record kept",
        3,
    ),
];

/// How each agency words the same incident (index `i` varies the voice).
fn incident_wording(
    rng: &mut Rng,
    agency: usize,
    i: usize,
    child: &str,
    inj: &Injury,
) -> (String, usize) {
    let voice = (agency + i + rng.below(2) as usize) % 5;
    let (w, how) = (inj.what, inj.how);
    match voice {
        0 => (
            format!("Police attended the family home after a call; {child} seen with {w}; mother stated {child} {how}"),
            9,
        ),
        1 => (
            format!("{child} brought to A&E by mother with {w}. Account given that {child} {how}. Safeguarding concerns raised"),
            11,
        ),
        2 => (
            format!("Informed that {child} had {w}; mother explained {child} {how}; advice given and manager informed"),
            10,
        ),
        3 => (
            format!("Contact received: {child} has {w}, mother says {child} {how}, concerns about the explanation"),
            10,
        ),
        _ => (
            format!("{child} presented with {w}, reported that {child} {how}; injury recorded on body map"),
            10,
        ),
    }
}

/// How each agency records the strategy discussion.
fn strategy_wording(voice: usize, child: &str, inj: &Injury) -> String {
    let w = inj.what;
    match voice % 4 {
        0 => format!("Strategy discussion held about {child} and {w}; section 47 enquiry agreed"),
        1 => format!("Attended strategy meeting re {child}, {w}; outcome s47 enquiries to proceed"),
        2 => format!("Strategy discussion with police and social care regarding {child} {w}, agreed single agency actions and s47"),
        _ => format!("Strategy discussion: {child}, {w}; agreed section 47 and child protection medical"),
    }
}
