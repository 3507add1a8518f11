//! The analysis's suggestions beside the episodes (issue 18): the
//! incident that led to the review set apart, key decisions, repeated
//! concerns, month-dated events, the local rate, and the `Learning event`
//! sheet.

mod common;

use assert_cmd::Command;
use chrono::{Duration, NaiveDate};
use chronomerge::dates::{DateValue, Precision};
use chronomerge::episodes::{analyse, DecisionKind, EpisodeConfig, PeriodKind};
use chronomerge::merge::{event_order, Agency, Chronology};
use chronomerge::model::{Event, EventRef, Origin, EVENT_TYPES};
use chronomerge_testdata::synth::{generate, SynthConfig};
use common::{col, sheet, sheet_names, text, ReturnBuilder, V};

const CONTACT: usize = 0;
const MISSED: usize = 2;
const REFERRAL_MADE: usize = 3;
const REFERRAL_RECEIVED: usize = 4;
const STRATEGY: usize = 6;
const INCIDENT: usize = 9;
const INJURY: usize = 10;
const HOSPITAL: usize = 11;
const CLOSED: usize = 13;

const PREFIXES: [&str; 5] = ["POL", "CSC", "HOS", "HV", "GP"];
const NAMES: [&str; 5] = [
    "Police",
    "Children's social care",
    "Hospital",
    "Health visiting",
    "GP",
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ev(agency: usize, date: NaiveDate, ty: usize, details: &str) -> Event {
    Event {
        origin: Origin::new("test.xlsx", "Chronology", 2),
        agency,
        date: DateValue::day(date),
        time: None,
        sequence: None,
        source: "Case record".into(),
        role: "Practitioner".into(),
        subject: "Child A".into(),
        event_type: EVENT_TYPES[ty].into(),
        event_type_known: Some(ty),
        details: details.into(),
        action: String::new(),
        analysis: String::new(),
        date_written: "".into(),
        is_note: false,
        outside_period: false,
        seq_in_return: 0,
        reference: Default::default(),
        key_line: Default::default(),
    }
}

/// A chronology of `events`, in merged order, each agency's events
/// numbered in order (`POL-0001` …).
fn chronology(mut events: Vec<Event>) -> Chronology {
    for (k, e) in events.iter_mut().enumerate() {
        e.seq_in_return = k as u32;
    }
    events.sort_by(event_order);
    let mut next = [0u32; 5];
    for e in &mut events {
        next[e.agency] += 1;
        e.reference = EventRef {
            prefix: PREFIXES[e.agency].into(),
            number: next[e.agency],
        };
    }
    let n = events.iter().map(|e| e.agency + 1).max().unwrap_or(0);
    Chronology {
        agencies: (0..n)
            .map(|a| Agency {
                name: NAMES[a].into(),
                colour: 0xFFFFFF,
                files: vec![],
                events: 0,
                rejected: 0,
            })
            .collect(),
        events,
        findings: vec![],
        returns: vec![],
        same_agency: vec![],
    }
}

/// Two years of routine visits by four agencies.
fn background() -> Vec<Event> {
    (0..96)
        .map(|k| {
            ev(
                k % 4,
                d(2022, 1, 3) + Duration::days(k as i64 * 7),
                CONTACT,
                "Routine home visit, Child A seen, no worries",
            )
        })
        .collect()
}

/// A multi-agency crisis over two days.
fn crisis(day: NaiveDate) -> Vec<Event> {
    let next = day + Duration::days(1);
    vec![
        ev(0, day, INCIDENT, "Police called to the home, Child A has bruising to the left cheek, mother says fell against the coffee table"),
        ev(2, day, HOSPITAL, "Child A brought to A&E with bruising to the left cheek; mother explains fell against coffee table"),
        ev(1, next, STRATEGY, "Strategy discussion about Child A bruising, section 47 enquiry agreed"),
        ev(0, next, STRATEGY, "Attended strategy meeting re Child A, s47 enquiries to proceed"),
        ev(2, next, STRATEGY, "Strategy discussion held, agreed section 47 and child protection medical for Child A"),
    ]
}

fn position(c: &Chronology, details: &str) -> usize {
    c.events
        .iter()
        .position(|e| e.details.starts_with(details))
        .unwrap_or_else(|| panic!("no event {details}"))
}

#[test]
fn no_further_action_after_a_referral_is_a_key_decision_with_its_reason() {
    let mut events = background();
    events.push(ev(
        0,
        d(2023, 5, 3),
        REFERRAL_MADE,
        "Referral to children's social care: Child A disclosed being hit by mother's partner",
    ));
    events.push(ev(
        1,
        d(2023, 5, 12),
        CLOSED,
        "Referral screened; no further action, threshold for assessment not met",
    ));
    let c = chronology(events);
    let a = analyse(&c, &EpisodeConfig::default());
    assert_eq!(a.decisions.len(), 1, "{:#?}", a.decisions);
    let k = &a.decisions[0];
    let referral = position(&c, "Referral to children's");
    assert_eq!(k.kind, DecisionKind::Decision);
    assert_eq!(k.event, position(&c, "Referral screened"));
    assert_eq!(k.agency, 1);
    assert_eq!(k.what, "No further action");
    assert_eq!(k.concern, Some(referral));
    assert_eq!(k.days_after, Some(9));
    assert_eq!(k.id(), "Decision 1");
    assert_eq!(
        k.reason,
        format!(
            "No further action by Children's social care 9 days after the referral by Police of 03/05/2023 ({}) (about Child A)",
            c.events[referral].reference
        )
    );
    assert_eq!(
        k.concern_reference,
        Some(c.events[referral].reference.to_string())
    );
    assert!(k.concern_reference.as_deref().unwrap().starts_with("POL-"));
    // A decision with no concern in the 30 days before it is not listed.
    let mut late = background();
    late.push(ev(
        0,
        d(2023, 3, 1),
        REFERRAL_MADE,
        "Referral about Child A",
    ));
    late.push(ev(
        1,
        d(2023, 5, 12),
        CLOSED,
        "Case closed, no further action",
    ));
    let a = analyse(&chronology(late), &EpisodeConfig::default());
    assert!(a.decisions.is_empty(), "{:#?}", a.decisions);
}

#[test]
fn a_visit_where_the_child_was_not_seen_is_listed() {
    let mut events = background();
    events.push(ev(
        3,
        d(2023, 2, 7),
        MISSED,
        "Planned home visit, no reply at the door, card left",
    ));
    let c = chronology(events);
    let a = analyse(&c, &EpisodeConfig::default());
    assert_eq!(a.decisions.len(), 1, "{:#?}", a.decisions);
    let k = &a.decisions[0];
    assert_eq!(k.kind, DecisionKind::ChildNotSeen);
    assert_eq!(k.what, "No reply at the visit");
    assert_eq!(k.concern, None);
    assert_eq!(
        k.reason,
        "No reply at the visit by Health visiting on 07/02/2023 (about Child A)"
    );
}

#[test]
fn three_referrals_from_three_sources_over_ten_weeks_make_a_period() {
    let mut events = background();
    for (day, source, what) in [
        (
            d(2023, 2, 1),
            "School",
            "Referral from school: Child A hungry and unkempt",
        ),
        (
            d(2023, 3, 15),
            "GP",
            "Referral from GP: Child A's weight has dropped",
        ),
        (
            d(2023, 4, 12),
            "Neighbour",
            "Referral from a neighbour: Child A left alone at night",
        ),
    ] {
        let mut e = ev(1, day, REFERRAL_RECEIVED, what);
        e.source = source.into();
        events.push(e);
    }
    let c = chronology(events);
    let a = analyse(&c, &EpisodeConfig::default());
    assert!(a.episodes.is_empty(), "{:#?}", a.episodes);
    let p: Vec<_> = a
        .periods
        .iter()
        .filter(|p| p.kind == PeriodKind::RepeatedConcerns)
        .collect();
    assert_eq!(p.len(), 1, "{:#?}", a.periods);
    let p = p[0];
    assert_eq!((p.first, p.last), (d(2023, 2, 1), d(2023, 4, 12)));
    assert_eq!(p.subject, "Child A");
    assert_eq!(p.events.len(), 3);
    assert_eq!(
        p.sources,
        [
            "School (Children's social care)",
            "GP (Children's social care)",
            "Neighbour (Children's social care)"
        ]
    );
    assert!(
        p.reason
            .starts_with("3 concerns about Child A from 3 sources over 10 weeks"),
        "{}",
        p.reason
    );
    // Asking for four sources, three are not enough.
    let config = EpisodeConfig {
        concern_sources: 4,
        ..EpisodeConfig::default()
    };
    let a = analyse(&c, &config);
    assert!(a.periods.is_empty(), "{:#?}", a.periods);
}

#[test]
fn the_incident_is_shown_on_its_own_and_absorbs_nothing() {
    let day = d(2023, 6, 20);
    let mut events = background();
    events.extend(crisis(day));
    // Two days before: a referral and a health visit, which the incident's
    // events would otherwise pull into one episode.
    events.push(ev(
        3,
        day - Duration::days(2),
        REFERRAL_MADE,
        "Health visitor referral: bruise seen on Child A's arm",
    ));
    events.push(ev(
        1,
        day - Duration::days(2),
        REFERRAL_RECEIVED,
        "Referral received from health visitor, bruise on arm, for screening",
    ));
    let c = chronology(events);
    let without = analyse(&c, &EpisodeConfig::default());
    assert!(
        without
            .episodes
            .iter()
            .any(|e| e.first <= day && day <= e.last),
        "{:#?}",
        without.episodes
    );
    let config = EpisodeConfig {
        incident: Some(day),
        ..EpisodeConfig::default()
    };
    let a = analyse(&c, &config);
    // No episode holds an event of the incident, or reaches the days
    // before it because of them.
    assert!(
        a.episodes
            .iter()
            .all(|e| e.last < day || e.first > day + Duration::days(1)),
        "{:#?}",
        a.episodes
    );
    // The referral two days before stays an episode of its own day.
    assert_eq!(a.episodes.len(), 1, "{:#?}", a.episodes);
    assert_eq!(
        (a.episodes[0].first, a.episodes[0].last),
        (day - Duration::days(2), day - Duration::days(2))
    );
    let inc = a.incident.as_ref().expect("incident");
    assert_eq!((inc.first, inc.last), (day, day + Duration::days(1)));
    assert_eq!(inc.events.len(), 5);
    assert_eq!(inc.agencies, [0, 1, 2]);
    assert_eq!(inc.references.len(), 5);
    assert!(
        inc.summary
            .contains("20/06/2023: 5 events recorded by 3 agencies"),
        "{}",
        inc.summary
    );
    for &i in &inc.events {
        assert_eq!(a.episode_of[i], None);
    }
}

#[test]
fn month_dated_events_are_placed_and_a_busy_month_is_found() {
    let mut events = background();
    events.extend(crisis(d(2023, 6, 15)));
    let mut june = ev(
        3,
        d(2023, 6, 1),
        INJURY,
        "Child A seen with a burn some time in June",
    );
    june.date.precision = Precision::Month;
    events.push(june);
    // March: one agency's month-dated injury, two others' significant
    // events four weeks apart (no day-level episode).
    let mut march = ev(
        0,
        d(2023, 3, 1),
        INJURY,
        "Child A injured at some point in March, details unknown",
    );
    march.date.precision = Precision::Month;
    events.push(march);
    events.push(ev(
        1,
        d(2023, 3, 2),
        REFERRAL_RECEIVED,
        "Referral received about Child A's bruising",
    ));
    events.push(ev(
        2,
        d(2023, 3, 29),
        HOSPITAL,
        "Child A brought to A&E with a head injury",
    ));
    let c = chronology(events);
    let a = analyse(&c, &EpisodeConfig::default());
    let june = position(&c, "Child A seen with a burn");
    let march = position(&c, "Child A injured at some point");
    assert_eq!(a.episodes.len(), 1, "{:#?}", a.episodes);
    assert_eq!(a.episodes[0].approximate, [june]);
    assert_eq!(a.episode_of[june], None);
    // The month-level pass: March, never a day-level episode on the 1st.
    let m: Vec<_> = a
        .periods
        .iter()
        .filter(|p| p.kind == PeriodKind::MonthLevel)
        .collect();
    assert_eq!(m.len(), 1, "{:#?}", a.periods);
    assert_eq!((m[0].first, m[0].last), (d(2023, 3, 1), d(2023, 3, 31)));
    assert_eq!(m[0].approximate, [march]);
    assert_eq!(m[0].agencies, [0, 1, 2]);
    assert!(
        m[0].reason
            .starts_with("Month-level: 3 agencies record significant events in March 2023"),
        "{}",
        m[0].reason
    );
    assert!(a.episodes.iter().all(|e| e.first != d(2023, 3, 1)));
}

/// A busy year of a busy agency (a police force with call-outs every day
/// of 2022) does not hide a crisis between two quiet agencies the next
/// year: the rate it is measured against is each agency's own, near it.
#[test]
fn a_quiet_agencies_crisis_after_a_busy_year_is_found() {
    let mut events = background();
    for k in 0..365 {
        let day = d(2022, 1, 1) + Duration::days(k);
        for n in 0..3 {
            events.push(ev(
                0,
                day,
                INCIDENT,
                &format!("Call-out {n} on day {k} to the town centre, advice given"),
            ));
        }
    }
    let day = d(2023, 9, 12);
    events.push(ev(
        3,
        day,
        REFERRAL_MADE,
        "Health visitor saw bruising to Child A's ear; referral made",
    ));
    events.push(ev(
        1,
        day,
        REFERRAL_RECEIVED,
        "Referral received from the health visitor: bruising to the ear",
    ));
    events.push(ev(
        1,
        day + Duration::days(1),
        STRATEGY,
        "Strategy discussion about Child A's bruising; section 47 agreed",
    ));
    events.push(ev(
        3,
        day + Duration::days(1),
        STRATEGY,
        "Strategy discussion attended about the bruising, s47 to proceed",
    ));
    let c = chronology(events);
    let a = analyse(&c, &EpisodeConfig::default());
    let ep = a
        .episodes
        .iter()
        .find(|e| e.first <= day && day <= e.last)
        .unwrap_or_else(|| panic!("not found: {:#?}", a.episodes));
    assert_eq!(ep.contributing, [1, 3], "{ep:#?}");
    assert_eq!((ep.first, ep.last), (day, day + Duration::days(1)));
}

/// A review of 12 agencies × about 4,000 events over eight years: the
/// planted multi-agency episodes are found, each with a sensible span.
#[test]
fn a_dense_long_review_finds_its_planted_episodes() {
    let mut found = 0;
    let mut planted = 0;
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
        assert!(r.chronology.events.len() > 3_500);
        let a = analyse(&r.chronology, &EpisodeConfig::default());
        for p in &r.truth.episodes {
            planted += 1;
            let hits: Vec<_> = a
                .episodes
                .iter()
                .filter(|e| {
                    e.first <= p.last
                        && p.first <= e.last
                        && e.agencies.iter().filter(|x| p.agencies.contains(x)).count() >= 2
                })
                .collect();
            // Found once, never split in two, with a sensible span.
            if let [e] = hits[..] {
                let (span, truth) = ((e.last - e.first).num_days(), (p.last - p.first).num_days());
                if span >= truth.min(2) && span <= truth + 42 && e.score >= 20.0 {
                    found += 1;
                }
            }
        }
    }
    assert!(found * 10 >= planted * 9, "found {found}/{planted}");
}

/// The whole engine: returns as agencies make them, with roles, a
/// referral and a decision of no further action, a crisis, the incident
/// day in review.toml; the workbook's tables, the Learning event sheet and
/// the JSON.
#[test]
fn the_workbook_and_json_show_decisions_periods_incident_and_who_to_invite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\nincident = 2023-09-10\n",
    )
    .unwrap();
    let row = |date: V, role: &'static str, ty: &'static str, details: &'static str| {
        vec![
            date,
            V::E,
            V::E,
            V::T("Case record"),
            V::T(role),
            V::T("Child A"),
            V::T(ty),
            V::T(details),
            V::T("Recorded"),
            V::E,
        ]
    };
    ReturnBuilder::new("Police")
        .row(row(
            V::D(2023, 3, 1),
            "Police constable",
            "Referral made",
            "Referral to CSC: Child A disclosed being hit at home",
        ))
        .row(row(
            V::D(2023, 6, 5),
            "Police constable",
            "Incident or call-out",
            "Called to the home, Child A with bruising to the cheek, mother says fell",
        ))
        .row(row(
            V::D(2023, 6, 6),
            "Detective sergeant",
            "Strategy discussion or meeting",
            "Strategy discussion about Child A's bruising, section 47 agreed",
        ))
        .row(row(
            V::D(2023, 9, 10),
            "Police constable",
            "Incident or call-out",
            "Attended with ambulance, Child A unresponsive",
        ))
        .write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("Children's social care")
        .row(row(
            V::D(2023, 3, 9),
            "Team manager",
            "Case closed or transferred",
            "Referral screened, no further action",
        ))
        .row(row(
            V::D(2023, 6, 6),
            "Social worker",
            "Strategy discussion or meeting",
            "Strategy meeting re Child A, bruising, s47 enquiries to proceed",
        ))
        .row(row(
            V::D(2023, 6, 7),
            "Social worker",
            "Assessment",
            "Section 47 home visit, Child A seen, bruising noted",
        ))
        .row(row(
            V::D(2023, 9, 10),
            "Social worker",
            "Information shared",
            "Informed by police that Child A was taken to hospital",
        ))
        .write_xlsx(&dir.join("csc.xlsx"));
    ReturnBuilder::new("Hospital")
        .row(row(
            V::D(2023, 6, 5),
            "Emergency department nurse",
            "Hospital attendance or admission",
            "Child A brought to A&E with bruising to the cheek, fell per mother",
        ))
        .row(row(
            V::D(2023, 6, 6),
            "Named nurse",
            "Strategy discussion or meeting",
            "Strategy discussion re Child A bruising; child protection medical, section 47",
        ))
        .row(row(
            V::D(2023, 9, 10),
            "Emergency department nurse",
            "Hospital attendance or admission",
            "Child A admitted after collapse",
        ))
        .write_xlsx(&dir.join("hospital.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("review.json");
    Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .args(["--today", "2026-11-26"])
        .assert()
        .code(0);
    let names = sheet_names(&out);
    let at = names
        .iter()
        .position(|n| n == "Key practice episodes")
        .unwrap();
    assert_eq!(names[at + 1], "Learning event");

    let kpe = sheet(&out, "Key practice episodes");
    let (e, ag, others) = (
        col(&kpe, "Episode"),
        col(&kpe, "Agencies"),
        col(&kpe, "Other agencies in span"),
    );
    let episodes: Vec<_> = kpe
        .iter()
        .filter(|r| text(&r[e]).starts_with("KPE "))
        .collect();
    assert_eq!(episodes.len(), 1, "{kpe:?}");
    assert_eq!(
        text(&episodes[0][ag]),
        "Children's social care, Hospital, Police"
    );
    assert_eq!(text(&episodes[0][others]), "");
    // The tables under the episodes, by their titles.
    let title = |t: &str| {
        kpe.iter()
            .position(|r| text(&r[0]) == t)
            .unwrap_or_else(|| panic!("no {t}: {kpe:?}"))
    };
    let (gaps, decisions, periods, incident) = (
        title("Longest gaps with no recorded event"),
        title("Key decisions"),
        title("Repeated concerns"),
        title("The incident that led to the review"),
    );
    assert!(gaps < decisions && decisions < periods && periods < incident);
    let head = &kpe[decisions + 1];
    let cell = |r: &Vec<calamine::Data>, h: &str| {
        text(&r[head.iter().position(|x| text(x) == h).unwrap()])
    };
    let dec = &kpe[decisions + 2];
    assert_eq!(cell(dec, "Decision"), "Decision 1");
    assert_eq!(cell(dec, "Decision made"), "No further action");
    assert!(cell(dec, "Agency").contains("Children's social care"));
    assert!(
        cell(dec, "Concern it follows").starts_with("POL-"),
        "{dec:?}"
    );
    assert!(
        cell(dec, "Why it is listed").starts_with("No further action by Children's social care 8 days after the referral by Police of 01/03/2023 (POL-"),
        "{dec:?}"
    );
    let inc = &kpe[incident + 2];
    assert_eq!(text(&inc[0]), "Incident");
    assert!(
        text(&inc[7]).contains("3 events recorded by 3 agencies"),
        "{inc:?}"
    );

    // Who to invite: roles with their counts, managers apart.
    let le = sheet(&out, "Learning event");
    let (item, role, level, count) = (
        col(&le, "Item"),
        col(&le, "Practitioner role"),
        col(&le, "Level"),
        col(&le, "Events"),
    );
    let lines: Vec<(String, String, String, String)> = le[1..]
        .iter()
        .map(|r| {
            (
                text(&r[item]),
                text(&r[role]),
                text(&r[level]),
                text(&r[count]),
            )
        })
        .collect();
    let has = |i: &str, r: &str, l: &str, n: &str| {
        lines
            .iter()
            .any(|x| x == &(i.into(), r.into(), l.into(), n.into()))
    };
    assert!(
        has("KPE 1", "Social worker", "Front-line", "2"),
        "{lines:?}"
    );
    assert!(
        has("KPE 1", "Detective sergeant", "Manager", "1"),
        "{lines:?}"
    );
    assert!(has("KPE 1", "Named nurse", "Manager", "1"), "{lines:?}");
    assert!(
        has("Decision 1", "Team manager", "Manager", "1"),
        "{lines:?}"
    );
    assert!(
        has("Decision 1", "Police constable", "Front-line", "1"),
        "{lines:?}"
    );
    // Front-line roles before managers' within an item.
    let kpe1: Vec<&String> = lines
        .iter()
        .filter(|x| x.0 == "KPE 1")
        .map(|x| &x.2)
        .collect();
    let first_manager = kpe1.iter().position(|l| *l == "Manager").unwrap();
    assert!(
        kpe1[first_manager..].iter().all(|l| *l == "Manager"),
        "{kpe1:?}"
    );

    // The JSON.
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["incident"]["first"], "2023-09-10");
    assert_eq!(v["incident"]["events"].as_array().unwrap().len(), 3);
    assert_eq!(v["decisions"][0]["what"], "No further action");
    assert_eq!(v["decisions"][0]["kind"], "decision");
    assert_eq!(v["decisions"][0]["days_after"], 8);
    assert!(v["decisions"][0]["event"].as_str().unwrap().contains('-'));
    assert!(v["periods"].is_array());
    assert_eq!(
        v["episodes"][0]["contributing"].as_array().unwrap().len(),
        3
    );
}

/// On the project's generated reviews no planted episode is split into two
/// suggestions.
#[test]
fn no_planted_episode_is_split_in_two() {
    for seed in 0..30u64 {
        let r = generate(&SynthConfig {
            seed,
            agencies: 4 + (seed % 5) as usize,
            episodes: 3 + (seed % 4) as usize,
            ..SynthConfig::default()
        });
        let a = analyse(&r.chronology, &EpisodeConfig::default());
        for p in &r.truth.episodes {
            let n = a
                .episodes
                .iter()
                .filter(|e| {
                    e.first <= p.last
                        && p.first <= e.last
                        && e.agencies.iter().filter(|x| p.agencies.contains(x)).count() >= 2
                })
                .count();
            assert!(
                n <= 1,
                "seed {seed}: {p:?} split into {n}: {:#?}",
                a.episodes
            );
        }
    }
}
