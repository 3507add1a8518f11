//! Machine-readable results beside the workbook: the merged review as JSON
//! (`--json`) and the merged chronology as CSV (`--csv`).
//!
//! The CSV opens in Excel too, so every field that Excel would take for a
//! formula (text starting `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! written with a leading `'` (see [`neutralise`]). The file starts with a
//! UTF-8 byte order mark so that Excel reads accented names correctly.
//!
//! Both files are written through a temporary file in the target's folder
//! and renamed over the target, like the workbook
//! ([`crate::output::write_atomically`]). [`crate::publish::publish`]
//! writes them after the workbook.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::render_partial;
use crate::findings::Finding;
use crate::glossary::Glossary;
use crate::model::EventRef;
use crate::model::ReturnSummary;
use crate::output::{write_buffered, OutputError};
use crate::review::MergedReview;
use crate::write::ChronologyColumn;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file or its folder cannot be written (the message names the
    /// file and says why, see [`OutputError`]).
    #[error("{0}")]
    Io(#[from] OutputError),
    /// The JSON could not be made.
    #[error("cannot write {path}: {source}")]
    Json {
        /// The target.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The CSV could not be made.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The target.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
}

/// Makes text safe to open in a spreadsheet: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'`, so Excel and
/// LibreOffice show it as text instead of running it as a formula.
///
/// ```
/// use chronomerge::export::neutralise;
/// assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(neutralise("\tx"), "'\tx");
/// assert_eq!(neutralise("Child A seen"), "Child A seen");
/// assert_eq!(neutralise(""), "");
/// ```
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// The columns of the CSV chronology: those the workbook's `Chronology`
/// sheet shares with `OUTPUT.md`, in order. When the sheet has a `Key line
/// of enquiry` column ([`crate::review::MergedReview::shows_key_line_column`]), so does the
/// CSV, after `Analysis / comment`.
pub const CSV_COLUMNS: [ChronologyColumn; 17] = ChronologyColumn::SHARED;

/// The headings of the CSV chronology: those of [`CSV_COLUMNS`].
pub const CSV_HEADINGS: [&str; 17] = crate::write::CHRONOLOGY_HEADINGS;

/// One merged event in the JSON, with agencies and episodes by name. Its
/// texts are borrowed from the merged review: the JSON of a large review is
/// written without a second copy of its events.
#[derive(Debug, Clone, Serialize)]
pub struct JsonEvent<'a> {
    /// Position in the merged chronology, from 1.
    pub number: usize,
    /// The event's stable reference (`POL-0042`), the same across
    /// re-merges (see [`crate::refs`]).
    #[serde(rename = "ref")]
    pub reference: &'a EventRef,
    /// The day it sorts by (`YYYY-MM-DD`; the first day of a partial date).
    pub date: NaiveDate,
    /// `day`, `month` or `year`: how much of the date the agency gave.
    pub date_precision: &'static str,
    /// The date as the workbook shows it (`05/03/2019`, `Mar 2019`, `2019`).
    pub date_shown: String,
    /// The end of a date range, if any.
    pub date_end: Option<NaiveDate>,
    /// The date was marked uncertain (`?`, `c.`, `approx`).
    pub approximate: bool,
    /// Time of day `HH:MM`, if known.
    pub time: Option<String>,
    /// The time was marked uncertain (`?14:00`, `approx 14:00`).
    pub time_approximate: bool,
    /// The agency's name.
    pub agency: &'a str,
    /// Source of information.
    pub source: &'a str,
    /// Practitioner role.
    pub role: &'a str,
    /// Child or family member.
    pub subject: &'a str,
    /// Event type as written.
    pub event_type: &'a str,
    /// Details of event.
    pub details: &'a str,
    /// Action / outcome.
    pub action: &'a str,
    /// Analysis / comment.
    pub analysis: &'a str,
    /// The Date cell as written.
    pub date_written: &'a str,
    /// The `Key line of enquiry` (`KLOE 2: text` for a line of the review,
    /// else as written); empty when none. Always present.
    pub key_line: &'a str,
    /// The `Date note` column of the workbook.
    pub date_note: String,
    /// An author's note rather than an event.
    pub is_note: bool,
    /// Outside the review period (kept, marked).
    pub outside_period: bool,
    /// The id of its candidate key practice episode (`KPE 3`).
    pub episode: Option<String>,
    /// Numbers of other agencies' events that report the same thing.
    pub also_reported_by: Vec<usize>,
    /// Where it came from.
    pub origin: JsonOrigin<'a>,
}

/// Where an event came from.
#[derive(Debug, Clone, Serialize)]
pub struct JsonOrigin<'a> {
    /// File name in the review folder.
    pub file: &'a str,
    /// Sheet name (the file name for a CSV).
    pub sheet: &'a str,
    /// Row as the agency sees it.
    pub row: u32,
}

/// One candidate key practice episode in the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct JsonEpisode {
    /// `KPE 1` is the strongest.
    pub id: String,
    /// 1 = strongest.
    pub rank: usize,
    /// First day.
    pub first: NaiveDate,
    /// Last day.
    pub last: NaiveDate,
    /// Agencies involved, by name.
    pub agencies: Vec<String>,
    /// The agencies whose significant events make it (the others merely
    /// had something in its span), by name.
    pub contributing: Vec<String>,
    /// Numbers of its events in the merged chronology.
    pub events: Vec<usize>,
    /// Month-dated events whose month overlaps it (approximate), by
    /// reference.
    pub approximate: Vec<String>,
    /// The Refs of its events, in the same order.
    pub event_refs: Vec<String>,
    /// Joint events inside it.
    pub joint_events: usize,
    /// Strength.
    pub score: f64,
    /// Why it was flagged.
    pub reason: String,
    /// The key lines of enquiry of its events, with how many events each
    /// (empty when none has one).
    pub key_lines: Vec<crate::episodes::KeyLineCount>,
}

/// The incident that led to the review, shown on its own.
#[derive(Debug, Clone, Serialize)]
pub struct JsonIncident {
    /// The day review.toml gives.
    pub first: NaiveDate,
    /// The day after (its events belong to the incident too).
    pub last: NaiveDate,
    /// Agencies with an event in it, by name.
    pub agencies: Vec<String>,
    /// Its events, by reference.
    pub events: Vec<String>,
    /// Its events' numbers in the merged chronology.
    pub numbers: Vec<usize>,
    /// What it was, in plain words.
    pub summary: String,
}

/// A key decision.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDecision {
    /// `Decision 1` is the first in date order.
    pub id: String,
    /// Its day.
    pub date: NaiveDate,
    /// The agency that made it.
    pub agency: String,
    /// Its event, by reference.
    pub event: String,
    /// Its event's number in the merged chronology.
    pub number: usize,
    /// `decision` or `child_not_seen`.
    pub kind: crate::episodes::DecisionKind,
    /// The decision in plain words.
    pub what: String,
    /// The concern it follows, by reference.
    pub concern: Option<String>,
    /// Days between the concern and the decision.
    pub days_after: Option<i64>,
    /// Why it is listed.
    pub reason: String,
}

/// A period of repeated concerns, or a month-level period.
#[derive(Debug, Clone, Serialize)]
pub struct JsonPeriod {
    /// `Period 1` is the strongest.
    pub id: String,
    /// `repeated_concerns` or `month_level`.
    pub kind: crate::episodes::PeriodKind,
    /// The child or family member the concerns are about.
    pub subject: String,
    /// First day.
    pub first: NaiveDate,
    /// Last day.
    pub last: NaiveDate,
    /// Where the concerns came from.
    pub sources: Vec<String>,
    /// Agencies, by name.
    pub agencies: Vec<String>,
    /// Its events, by reference.
    pub events: Vec<String>,
    /// Month-dated events whose month overlaps it, by reference.
    pub approximate: Vec<String>,
    /// Why it is listed.
    pub reason: String,
}

/// Two or more agencies' events that report the same thing.
#[derive(Debug, Clone, Serialize)]
pub struct JsonJointLink {
    /// Event numbers (from 1), sorted.
    pub events: Vec<usize>,
    /// The Refs of those events, in the same order.
    pub event_refs: Vec<String>,
    /// The agencies that reported it.
    pub agencies: Vec<String>,
}

/// A stretch with no event.
#[derive(Debug, Clone, Serialize)]
pub struct JsonGap {
    /// Number of the last event before the gap.
    pub after_event: usize,
    /// Day of that event.
    pub from: NaiveDate,
    /// Day of the next event.
    pub to: NaiveDate,
    /// Days between them.
    pub days: i64,
}

/// An agency of the merged chronology.
#[derive(Debug, Clone, Serialize)]
pub struct JsonAgency {
    /// Name.
    pub name: String,
    /// Fill colour `#RRGGBB`.
    pub colour: String,
    /// Return files it came from.
    pub files: Vec<String>,
    /// Events merged.
    pub events: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// The whole review as `--json` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct JsonReview<'a> {
    /// `chronomerge`.
    pub tool: &'static str,
    /// The engine's version.
    pub version: &'static str,
    /// When the merge ran (RFC 3339, local time).
    pub made_at: String,
    /// Review reference, if known.
    pub review: Option<String>,
    /// Review period start.
    pub period_from: Option<NaiveDate>,
    /// Review period end.
    pub period_to: Option<NaiveDate>,
    /// Agencies, in the order of the chronology's legend.
    pub agencies: Vec<JsonAgency>,
    /// Agencies the review configuration expects but that sent no return.
    pub missing_agencies: Vec<String>,
    /// Merged events in order.
    pub events: Vec<JsonEvent<'a>>,
    /// Every finding.
    pub findings: &'a [Finding],
    /// One line per file found.
    pub returns: &'a [ReturnSummary],
    /// Candidate key practice episodes, strongest first.
    pub episodes: Vec<JsonEpisode>,
    /// Events reported by more than one agency.
    pub joint_links: Vec<JsonJointLink>,
    /// Long stretches with no event, longest first.
    pub gaps: Vec<JsonGap>,
    /// Where every agency's return stands (`{"today", "due", "agencies":
    /// [{"agency", "state", …}]}`, see [`crate::status`]).
    pub status: crate::status::StatusReport,
    /// The incident that led to the review, when review.toml gives its day.
    pub incident: Option<JsonIncident>,
    /// Key decisions, in date order.
    pub decisions: Vec<JsonDecision>,
    /// Repeated concerns and month-level periods, strongest first.
    pub periods: Vec<JsonPeriod>,
}

/// Agencies the configuration expects that have no merged return.
pub fn missing_agencies(review: &MergedReview) -> Vec<String> {
    review
        .config
        .agencies
        .iter()
        .filter(|exp| {
            !review
                .chronology
                .agencies
                .iter()
                .any(|a| a.name == exp.name)
        })
        .map(|exp| exp.name.clone())
        .collect()
}

pub(crate) fn date_note(ev: &crate::model::Event) -> String {
    let mut note = ev.date.note();
    if ev.outside_period {
        if !note.is_empty() {
            note.push_str("; ");
        }
        note.push_str("outside review period");
    }
    note
}

pub(crate) fn precision_word(p: crate::dates::Precision) -> &'static str {
    match p {
        crate::dates::Precision::Day => "day",
        crate::dates::Precision::Month => "month",
        crate::dates::Precision::Year => "year",
    }
}

/// Builds the JSON view of a merged review.
pub fn json_review(review: &MergedReview) -> JsonReview<'_> {
    let chron = &review.chronology;
    let analysis = &review.analysis;
    let name = |i: usize| chron.agencies[i].name.clone();
    let reference = |j: usize| chron.events[j].reference.to_string();
    let name_ref = |i: usize| chron.agencies[i].name.as_str();
    let events = chron
        .events
        .iter()
        .enumerate()
        .map(|(i, ev)| JsonEvent {
            number: i + 1,
            reference: &ev.reference,
            date: ev.date.start,
            date_precision: precision_word(ev.date.precision),
            date_shown: render_partial(ev.date.start, ev.date.precision),
            date_end: ev.date.end,
            approximate: ev.date.approximate,
            time: ev
                .time
                .map(|t| t.format(crate::dates::display::TIME).to_string()),
            time_approximate: ev.date.time_approximate,
            agency: name_ref(ev.agency),
            source: &ev.source,
            role: &ev.role,
            subject: &ev.subject,
            event_type: &ev.event_type,
            details: &ev.details,
            action: &ev.action,
            analysis: &ev.analysis,
            date_written: &ev.date_written,
            key_line: &ev.key_line,
            date_note: date_note(ev),
            is_note: ev.is_note,
            outside_period: ev.outside_period,
            episode: analysis
                .episode_of
                .get(i)
                .copied()
                .flatten()
                .map(|e| analysis.episodes[e].id()),
            also_reported_by: analysis
                .also_reported_by
                .of(i)
                .iter()
                .map(|&j| j as usize + 1)
                .collect(),
            origin: JsonOrigin {
                file: &ev.origin.file,
                sheet: &ev.origin.sheet,
                row: ev.origin.row,
            },
        })
        .collect();
    // Joint links: each group of events reporting the same thing, once.
    let mut joint_links: Vec<JsonJointLink> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, others) in analysis.also_reported_by.iter().enumerate() {
        if others.is_empty() {
            continue;
        }
        let mut group: Vec<usize> = others.iter().map(|&j| j as usize).chain([i]).collect();
        group.sort_unstable();
        group.dedup();
        if !seen.insert(group.clone()) {
            continue;
        }
        let mut agencies: Vec<String> = group
            .iter()
            .filter_map(|&j| chron.events.get(j).map(|e| name(e.agency)))
            .collect();
        agencies.sort();
        agencies.dedup();
        joint_links.push(JsonJointLink {
            events: group.iter().map(|j| j + 1).collect(),
            event_refs: group
                .iter()
                .map(|&j| chron.events[j].reference.to_string())
                .collect(),
            agencies,
        });
    }
    JsonReview {
        tool: "chronomerge",
        version: env!("CARGO_PKG_VERSION"),
        made_at: review.made_at.to_rfc3339(),
        review: review.config.review.clone(),
        period_from: review.config.period_from,
        period_to: review.config.period_to,
        agencies: chron
            .agencies
            .iter()
            .map(|a| JsonAgency {
                name: a.name.clone(),
                colour: format!("#{:06X}", a.colour),
                files: a.files.clone(),
                events: a.events,
                rejected: a.rejected,
            })
            .collect(),
        missing_agencies: missing_agencies(review),
        events,
        findings: &chron.findings,
        returns: &chron.returns,
        episodes: analysis
            .episodes
            .iter()
            .map(|e| JsonEpisode {
                id: e.id(),
                rank: e.rank,
                first: e.first,
                last: e.last,
                agencies: e.agencies.iter().map(|&a| name(a)).collect(),
                contributing: e.contributing.iter().map(|&a| name(a)).collect(),
                events: e.events.iter().map(|j| j + 1).collect(),
                approximate: e.approximate.iter().map(|&j| reference(j)).collect(),
                event_refs: e
                    .events
                    .iter()
                    .map(|&j| chron.events[j].reference.to_string())
                    .collect(),
                joint_events: e.joint_events,
                score: e.score,
                reason: e.reason.clone(),
                key_lines: crate::episodes::key_line_counts(e, &chron.events),
            })
            .collect(),
        joint_links,
        gaps: analysis
            .gaps
            .iter()
            .map(|g| JsonGap {
                after_event: g.after_event + 1,
                from: g.from,
                to: g.to,
                days: g.days,
            })
            .collect(),
        status: crate::status::status(review),
        incident: analysis.incident.as_ref().map(|inc| JsonIncident {
            first: inc.first,
            last: inc.last,
            agencies: inc.agencies.iter().map(|&a| name(a)).collect(),
            events: inc.events.iter().map(|&j| reference(j)).collect(),
            numbers: inc.events.iter().map(|j| j + 1).collect(),
            summary: inc.summary.clone(),
        }),
        decisions: analysis
            .decisions
            .iter()
            .map(|d| JsonDecision {
                id: d.id(),
                date: d.date,
                agency: name(d.agency),
                event: d.reference.clone(),
                number: d.event + 1,
                kind: d.kind,
                what: d.what.clone(),
                concern: d.concern_reference.clone(),
                days_after: d.days_after,
                reason: d.reason.clone(),
            })
            .collect(),
        periods: analysis
            .periods
            .iter()
            .map(|p| JsonPeriod {
                id: p.id(),
                kind: p.kind,
                subject: p.subject.clone(),
                first: p.first,
                last: p.last,
                sources: p.sources.clone(),
                agencies: p.agencies.iter().map(|&a| name(a)).collect(),
                events: p.events.iter().map(|&j| reference(j)).collect(),
                approximate: p.approximate.iter().map(|&j| reference(j)).collect(),
                reason: p.reason.clone(),
            })
            .collect(),
    }
}

/// Writes the merged review as pretty-printed JSON.
///
/// # Errors
///
/// [`ExportError::Io`] when the file cannot be written (the message names
/// it and says why), [`ExportError::Json`] when the JSON cannot be made.
pub fn write_json(review: &MergedReview, path: &Path) -> Result<(), ExportError> {
    write_json_with(review, path, None)
}

/// Replaces, with the glossary, the text of every string in a JSON value
/// (the keys stay as they are).
fn anonymise_value(v: &mut serde_json::Value, g: &Glossary) {
    match v {
        serde_json::Value::String(s) => {
            if let (std::borrow::Cow::Owned(o), _) = g.replace(s) {
                *s = o;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| anonymise_value(x, g)),
        serde_json::Value::Object(m) => m.values_mut().for_each(|x| anonymise_value(x, g)),
        _ => {}
    }
}

/// Writes the merged review as pretty-printed JSON, anonymising every text
/// with the glossary when there is one (as the workbook does).
///
/// # Errors
///
/// [`ExportError::Io`] when the file cannot be written (the message names
/// it and says why), [`ExportError::Json`] when the JSON cannot be made.
pub fn write_json_with(
    review: &MergedReview,
    path: &Path,
    glossary: Option<&Glossary>,
) -> Result<(), ExportError> {
    // Written as it is serialised: the JSON of a large review is bigger
    // than the review (L: about a gigabyte), so it is never held whole. A
    // serialiser error that is not the file's (none is expected: every
    // value is a plain string, number or list) is kept as the JSON error.
    let mut not_io = None;
    let written = write_buffered(path, |w| {
        let r = match glossary {
            None => serde_json::to_writer_pretty(&mut *w, &json_review(review)),
            Some(g) => serde_json::to_value(json_review(review)).and_then(|mut v| {
                anonymise_value(&mut v, g);
                serde_json::to_writer_pretty(&mut *w, &v)
            }),
        };
        r.map_err(|e| {
            if e.is_io() {
                std::io::Error::from(e)
            } else {
                not_io = Some(e);
                std::io::Error::other("the JSON could not be made")
            }
        })
    });
    match (written, not_io) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(source)) => Err(ExportError::Json {
            path: path.to_path_buf(),
            source,
        }),
        (Err(e), None) => Err(ExportError::Io(e)),
    }
}

/// The merged chronology as CSV text (UTF-8 with a byte order mark, CRLF
/// line ends, every text field neutralised; anonymised with the glossary
/// when there is one).
///
/// # Errors
///
/// The CSV writer's error (none is expected: it writes to memory).
pub fn chronology_csv(
    review: &MergedReview,
    glossary: Option<&Glossary>,
) -> Result<Vec<u8>, csv::Error> {
    let chron = &review.chronology;
    let analysis = &review.analysis;
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // The conditional `Key line of enquiry` column, after `Analysis /
        // comment`, when the sheet has it.
        let key_line_at = review.shows_key_line_column().then(|| {
            1 + CSV_COLUMNS
                .iter()
                .position(|&c| c == ChronologyColumn::Analysis)
                .unwrap_or(CSV_COLUMNS.len() - 1)
        });
        match key_line_at {
            Some(k) => w.write_record(
                CSV_HEADINGS[..k]
                    .iter()
                    .chain([&crate::key_lines::HEADING])
                    .chain(&CSV_HEADINGS[k..]),
            )?,
            None => w.write_record(CSV_HEADINGS)?,
        }
        for (i, ev) in chron.events.iter().enumerate() {
            let mut episode = analysis
                .episode_of
                .get(i)
                .copied()
                .flatten()
                .map(|e| analysis.episodes[e].id())
                .unwrap_or_default();
            let mut also = also_reported_by(chron, analysis, i);
            let event_type = event_type_shown(ev);
            let fields = CSV_COLUMNS.map(|c| match c {
                ChronologyColumn::Number => (i + 1).to_string(),
                ChronologyColumn::Ref => ev.reference.to_string(),
                ChronologyColumn::Date => render_partial(ev.date.start, ev.date.precision),
                ChronologyColumn::Time => ev
                    .time
                    .map(|t| t.format(crate::dates::display::TIME).to_string())
                    .unwrap_or_default(),
                ChronologyColumn::Agency => chron.agencies[ev.agency].name.clone(),
                ChronologyColumn::Source => ev.source.to_string(),
                ChronologyColumn::Role => ev.role.to_string(),
                ChronologyColumn::Subject => ev.subject.to_string(),
                ChronologyColumn::EventType => event_type.to_string(),
                ChronologyColumn::Details => ev.details.clone(),
                ChronologyColumn::Action => ev.action.clone(),
                ChronologyColumn::Analysis => ev.analysis.clone(),
                ChronologyColumn::DateWritten => ev.date_written.trim().to_string(),
                ChronologyColumn::DateNote => date_note(ev),
                ChronologyColumn::Episode => std::mem::take(&mut episode),
                ChronologyColumn::AlsoReportedBy => std::mem::take(&mut also),
                ChronologyColumn::Origin => ev.origin.to_string(),
                // Not in the CSV: the sheet's own columns (the key line is
                // put in below, when there is the column).
                ChronologyColumn::AgeAtEvent
                | ChronologyColumn::Interval
                | ChronologyColumn::KeyLine
                | ChronologyColumn::ReviewerNotes
                | ChronologyColumn::ReviewerKpe => String::new(),
            });
            let clean = |f: &str| match glossary {
                Some(g) => neutralise(&g.replace(f).0).into_owned(),
                None => neutralise(f).into_owned(),
            };
            match key_line_at {
                Some(k) => w.write_record(
                    fields[..k]
                        .iter()
                        .map(|f| clean(f))
                        .chain([clean(&ev.key_line)])
                        .chain(fields[k..].iter().map(|f| clean(f))),
                )?,
                None => w.write_record(fields.iter().map(|f| clean(f)))?,
            }
        }
        w.flush()?;
    }
    Ok(out)
}

/// Writes the merged chronology as CSV.
///
/// # Errors
///
/// [`ExportError::Io`] when the file cannot be written (the message names
/// it and says why), [`ExportError::Csv`] when the CSV cannot be made.
pub fn write_csv(review: &MergedReview, path: &Path) -> Result<(), ExportError> {
    write_csv_with(review, path, None)
}

/// Writes the merged chronology as CSV, anonymised with the glossary when
/// there is one.
///
/// # Errors
///
/// [`ExportError::Io`] when the file cannot be written (the message names
/// it and says why), [`ExportError::Csv`] when the CSV cannot be made.
pub fn write_csv_with(
    review: &MergedReview,
    path: &Path,
    glossary: Option<&Glossary>,
) -> Result<(), ExportError> {
    let bytes = chronology_csv(review, glossary).map_err(|source| ExportError::Csv {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(write_buffered(path, |w| w.write_all(&bytes))?)
}

/// The agencies whose events report the same thing as event `i`, by name,
/// sorted, once each (`Also reported by`).
pub(crate) fn also_reported_by(
    chron: &crate::model::Chronology,
    analysis: &crate::episodes::Analysis,
    i: usize,
) -> String {
    let mut names: Vec<&str> = analysis
        .also_reported_by
        .of(i)
        .iter()
        .map(|&j| {
            chron.agencies[chron.events[j as usize].agency]
                .name
                .as_str()
        })
        .collect();
    names.sort();
    names.dedup();
    names.join(", ")
}

/// The event type as shown: an author's note with no type reads
/// `Author's note`.
pub(crate) fn event_type_shown(ev: &crate::model::Event) -> &str {
    if ev.event_type.is_empty() && ev.is_note {
        "Author's note"
    } else {
        &ev.event_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_every_formula_start() {
        for s in ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"] {
            assert!(neutralise(s).starts_with('\''), "{s:?}");
        }
        for s in ["1", "a=b", " =1", "'=1", "Child A"] {
            assert_eq!(neutralise(s), s);
        }
    }
}
