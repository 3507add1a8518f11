//! Validate: check a [`RawReturn`] against the template and turn its rows
//! into [`Event`]s and [`Finding`]s. `merge` and `check` share this module,
//! so a return is judged the same way wherever it is read.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::dates::{read_date_cell, read_time_cell, DateContext, DateProblem, DateWarning};
use crate::findings::{Code, Finding, Severity};
use crate::model::{
    cell_ref, Cell, CheckedReturn, Column, Event, Format, Origin, RawReturn, RawRow, RawSheet,
    ReturnStatus, ReturnSummary, EVENT_TYPES,
};

/// What checking needs to know about the review.
#[derive(Debug, Clone)]
pub struct CheckContext {
    /// Today, for future dates and two-digit years.
    pub dates: DateContext,
    /// The review reference the returns must give.
    pub review: Option<String>,
    /// The review period.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Days either side of the period before a date is marked outside it.
    pub margin_days: i64,
    /// Agency name given on the command line (for a CSV with no `Agency`
    /// column).
    pub agency: Option<String>,
}

impl Default for CheckContext {
    fn default() -> Self {
        CheckContext {
            dates: DateContext::today(),
            review: None,
            period: None,
            margin_days: 0,
            agency: None,
        }
    }
}

/// Lower case, letters and digits only, single spaces: the key headings and
/// sheet names are compared by.
///
/// ```
/// assert_eq!(chronomerge::validate::normalise("  Action/ Outcome "), "action outcome");
/// ```
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(ch.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Other names agencies give the template's columns.
fn aliases(col: Column) -> &'static [&'static str] {
    match col {
        Column::Date => &[
            "date of event",
            "event date",
            "date of contact",
            "dates",
            "date time",
            "date and time",
            "date dd mm yyyy",
            "date dd mm yy",
            "date and time of event",
            "date time of event",
        ],
        Column::Time => &[
            "time of event",
            "event time",
            "time 24hr",
            "time 24h",
            "time 24 hour",
            "time hh mm",
        ],
        Column::Sequence => &[
            "seq",
            "sequence number",
            "sequence no",
            "seq no",
            "order",
            "no",
            "number",
        ],
        Column::Source => &["source", "information source", "source of info", "record"],
        Column::Role => &[
            "role",
            "practitioner",
            "worker role",
            "professional role",
            "practitioner job title",
        ],
        Column::Subject => &[
            "subject",
            "child family member",
            "person",
            "family member",
            "child",
        ],
        Column::EventType => &["type", "type of event", "event category", "category"],
        Column::Details => &[
            "details",
            "event details",
            "event",
            "description",
            "detail of event",
            "details of the event",
        ],
        Column::Action => &[
            "action",
            "outcome",
            "action outcome taken",
            "action taken",
            "outcome action",
        ],
        Column::Analysis => &[
            "analysis",
            "comment",
            "comments",
            "analysis comments",
            "reflection",
        ],
    }
}

/// Minimum similarity (normalised Levenshtein on normalised text) for a
/// misspelt heading to be matched. Below it the heading is not guessed.
pub const HEADING_SIMILARITY: f64 = 0.8;

/// Similarity from which an unmatched heading is taken to be a damaged
/// template heading ([`HeadingMatch::Unclear`], an error) rather than an
/// extra column of the agency's own ([`HeadingMatch::Unknown`], a warning).
pub const HEADING_UNCLEAR_SIMILARITY: f64 = 0.65;

/// How much better the best template heading must score than the next
/// before a close spelling is accepted.
const HEADING_MARGIN: f64 = 0.05;

/// How a heading cell was matched to a template column.
#[derive(Debug, Clone, PartialEq)]
pub enum HeadingMatch {
    /// The template's heading (or a known alias), exactly after normalising.
    Exact(Column),
    /// A close spelling, with its similarity.
    Close(Column, f64),
    /// Looks like a template heading, but not closely enough (or as close
    /// to two headings) to be matched with confidence: the column it
    /// resembles most, and the similarity. Never guessed.
    Unclear(Column, f64),
    /// The optional `Agency` column of a CSV export.
    Agency,
    /// Not a template heading.
    Unknown,
}

/// Matches one heading text to the template.
///
/// ```
/// use chronomerge::validate::{match_heading, HeadingMatch};
/// use chronomerge::model::Column;
/// assert_eq!(match_heading("DATE"), HeadingMatch::Exact(Column::Date));
/// assert!(matches!(match_heading("Detials of event"), HeadingMatch::Close(Column::Details, _)));
/// assert!(matches!(match_heading("Details of event/contact"), HeadingMatch::Close(Column::Details, _)));
/// assert!(matches!(match_heading("Tme"), HeadingMatch::Unclear(Column::Time, _)));
/// assert_eq!(match_heading("Date of birth"), HeadingMatch::Unknown);
/// assert_eq!(match_heading("Colour of car"), HeadingMatch::Unknown);
/// ```
pub fn match_heading(text: &str) -> HeadingMatch {
    let key = normalise(text);
    if key.is_empty() {
        return HeadingMatch::Unknown;
    }
    if key == "agency" || key == "agency name" || key == "organisation" {
        return HeadingMatch::Agency;
    }
    for col in Column::ALL {
        if key == normalise(col.heading()) || aliases(col).contains(&key.as_str()) {
            return HeadingMatch::Exact(col);
        }
    }
    // A heading that holds a template heading of two words or more as
    // whole words, and no other column's, is that heading with something
    // added: `Details of event/contact`, `Date of event (dd/mm/yyyy)`.
    let padded = format!(" {key} ");
    let mut within: Option<(Column, usize)> = None;
    let mut clash = false;
    for col in Column::ALL {
        let names = std::iter::once(col.heading()).chain(aliases(col).iter().copied());
        let longest = names
            .map(normalise)
            .filter(|n| n.contains(' ') && padded.contains(&format!(" {n} ")))
            .map(|n| n.len())
            .max();
        if let Some(len) = longest {
            match within {
                Some((c, _)) if c != col => clash = true,
                _ => within = Some((col, len)),
            }
        }
    }
    if let (Some((col, len)), false) = (within, clash) {
        return HeadingMatch::Close(col, len as f64 / key.len() as f64);
    }
    let mut scores: Vec<(Column, f64)> = Column::ALL
        .iter()
        .map(|&col| {
            let names = std::iter::once(col.heading()).chain(aliases(col).iter().copied());
            let s = names
                .map(|n| strsim::normalized_levenshtein(&key, &normalise(n)))
                .fold(0.0, f64::max);
            (col, s)
        })
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (col, best) = scores[0];
    let second = scores[1].1;
    if best >= HEADING_SIMILARITY && best - second > HEADING_MARGIN {
        HeadingMatch::Close(col, best)
    } else if best >= HEADING_UNCLEAR_SIMILARITY {
        HeadingMatch::Unclear(col, best)
    } else {
        HeadingMatch::Unknown
    }
}

/// Where each template column sits in a return.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    /// For each template column (by index), the 0-based column in the sheet.
    pub cols: [Option<usize>; 10],
    /// The `Agency` column of a CSV export.
    pub agency: Option<usize>,
    /// Sheet columns whose heading matched nothing (extra columns).
    pub unknown: Vec<usize>,
    /// Sheet columns whose heading resembles a template column that was
    /// not otherwise found, but not closely enough to be matched: rows with
    /// content in them are rejected rather than guessed.
    pub unclear: Vec<(usize, Column)>,
    /// The 1-based header row.
    pub header_row: u32,
    /// Index of the header row in the sheet's rows.
    pub header_index: usize,
}

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 10;

/// Finds the header row and maps its headings, with findings.
pub fn map_columns(sheet: &RawSheet, file: &str, findings: &mut Vec<Finding>) -> Option<ColumnMap> {
    // The header row is the first of the top rows that matches at least
    // three template headings exactly or closely.
    let mut chosen = None;
    for (i, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let n = row
            .cells
            .iter()
            .filter(|c| {
                matches!(
                    match_heading(&c.to_text()),
                    HeadingMatch::Exact(_) | HeadingMatch::Close(..)
                )
            })
            .count();
        if n >= 3 {
            chosen = Some(i);
            break;
        }
    }
    let at = |cell: String| (sheet.name.clone(), cell);
    let Some(hi) = chosen else {
        findings.push(
            Finding::new(
                Code::HeadingMissing,
                file,
                "no heading row was found in the first rows of the sheet: ask the agency to use the template, with the headings in row 1",
            )
            .at(sheet.name.as_str(), "A1"),
        );
        return None;
    };
    let header = &sheet.rows[hi];
    if header.row > 1 {
        let (s, c) = at(cell_ref(0, 1));
        findings.push(
            Finding::new(
                Code::HeadingBanner,
                file,
                format!(
                    "the headings are in row {} instead of row 1; the rows above them were skipped",
                    header.row
                ),
            )
            .at(s, c),
        );
    }
    let mut unclear = Vec::new();
    let mut map = ColumnMap {
        header_row: header.row,
        header_index: hi,
        ..ColumnMap::default()
    };
    for (ci, cell) in header.cells.iter().enumerate() {
        let text = cell.to_text();
        if text.trim().is_empty() {
            continue;
        }
        let here = cell_ref(ci, header.row);
        match match_heading(&text) {
            HeadingMatch::Exact(col) | HeadingMatch::Close(col, _)
                if map.cols[col.index()].is_some() =>
            {
                findings.push(
                    Finding::new(
                        Code::HeadingUnknown,
                        file,
                        format!(
                            "the heading '{}' repeats the column '{}' already found; this column is not merged: ask the agency to remove it or merge its content",
                            text.trim(),
                            col.heading()
                        ),
                    )
                    .at(sheet.name.as_str(), here),
                );
                map.unknown.push(ci);
            }
            HeadingMatch::Exact(col) => {
                map.cols[col.index()] = Some(ci);
                if text.trim() != col.heading() && normalise(&text) != normalise(col.heading()) {
                    findings.push(
                        Finding::new(
                            Code::HeadingRenamed,
                            file,
                            format!(
                                "the heading '{}' was read as '{}'",
                                text.trim(),
                                col.heading()
                            ),
                        )
                        .at(sheet.name.as_str(), here),
                    );
                }
            }
            HeadingMatch::Close(col, s) => {
                map.cols[col.index()] = Some(ci);
                findings.push(
                    Finding::new(
                        Code::HeadingRenamed,
                        file,
                        format!(
                            "the heading '{}' was read as '{}' (similar spelling, {:.0}%)",
                            text.trim(),
                            col.heading(),
                            s * 100.0
                        ),
                    )
                    .at(sheet.name.as_str(), here),
                );
            }
            HeadingMatch::Agency => map.agency = Some(ci),
            HeadingMatch::Unclear(col, s) => unclear.push((ci, col, s, text.trim().to_string())),
            HeadingMatch::Unknown => {
                findings.push(unknown_heading(file, &sheet.name, &here, text.trim()));
                map.unknown.push(ci);
            }
        }
    }
    // A heading that only resembles a template heading is never guessed:
    // if that column was found elsewhere it is an extra column, else an
    // error (rows with content under it are rejected by the caller).
    for (ci, col, s, text) in unclear {
        let here = cell_ref(ci, header.row);
        if map.cols[col.index()].is_some() {
            findings.push(unknown_heading(file, &sheet.name, &here, &text));
            map.unknown.push(ci);
            continue;
        }
        findings.push(
            Finding::new(
                Code::HeadingUnclear,
                file,
                format!(
                    "the heading '{text}' looks like '{}' ({:.0}% similar) but cannot be matched with confidence, so its column is not read: ask the agency to restore the heading '{}' from the template",
                    col.heading(),
                    s * 100.0,
                    col.heading()
                ),
            )
            .at(sheet.name.as_str(), here),
        );
        map.unclear.push((ci, col));
    }
    for col in Column::ALL {
        if map.cols[col.index()].is_none() {
            let sev = if col.required() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let maybe = map
                .unclear
                .iter()
                .find(|(_, c)| *c == col)
                .map(|(ci, _)| {
                    format!(
                        " (the heading in {} may be meant)",
                        cell_ref(*ci, header.row)
                    )
                })
                .unwrap_or_default();
            findings.push(
                Finding::new(
                    Code::HeadingMissing,
                    file,
                    format!(
                        "the column '{}' is missing{}{maybe}: ask the agency to restore it from the template",
                        col.heading(),
                        if col.required() { " and is required" } else { "" }
                    ),
                )
                .with_severity(sev)
                .at(sheet.name.as_str(), cell_ref(col.index(), header.row)),
            );
        }
    }
    let found: Vec<usize> = map.cols.iter().flatten().copied().collect();
    if found.windows(2).any(|w| w[0] > w[1]) {
        findings.push(
            Finding::new(
                Code::HeadingReordered,
                file,
                "the columns are not in the template's order; they were matched by their headings",
            )
            .at(sheet.name.as_str(), cell_ref(0, header.row)),
        );
    }
    Some(map)
}

fn unknown_heading(file: &str, sheet: &str, cell: &str, text: &str) -> Finding {
    Finding::new(
        Code::HeadingUnknown,
        file,
        format!(
            "the heading '{text}' is not one of the template's; its column is not merged: ask the agency to move its content into the template's columns"
        ),
    )
    .at(sheet, cell)
}

fn is_note_marker(source: &str) -> bool {
    matches!(
        source.trim_start().chars().next(),
        Some('#' | '^' | '¬' | '~')
    )
}

/// Matches an event type to the template's list, tolerating case and
/// punctuation.
///
/// ```
/// assert_eq!(chronomerge::validate::match_event_type("referral MADE"), Some(3));
/// assert_eq!(chronomerge::validate::match_event_type("Phone call"), None);
/// ```
pub fn match_event_type(text: &str) -> Option<usize> {
    let key = normalise(text);
    normalised_event_types().iter().position(|t| *t == key)
}

/// [`EVENT_TYPES`] normalised, once (every row's type is matched
/// against them).
fn normalised_event_types() -> &'static [String] {
    static TYPES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| EVENT_TYPES.iter().map(|t| normalise(t)).collect())
}

/// The template's event type an unknown one is probably a misspelling of,
/// if one is close enough to suggest.
///
/// ```
/// use chronomerge::validate::closest_event_type;
/// assert_eq!(closest_event_type("Refferal made"), Some("Referral made"));
/// assert_eq!(closest_event_type("Phone call"), None);
/// ```
pub fn closest_event_type(text: &str) -> Option<&'static str> {
    let key = normalise(text);
    EVENT_TYPES
        .iter()
        .zip(normalised_event_types())
        .map(|(t, n)| (t, strsim::normalized_levenshtein(&key, n)))
        .filter(|(_, s)| *s >= HEADING_SIMILARITY)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| *t)
}

/// The agency details found on the `Agency details` sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyDetails {
    /// Agency.
    pub agency: String,
    /// Review reference.
    pub review: String,
    /// Completed by (role).
    pub completed_by: String,
    /// Date completed, as written.
    pub date_completed: String,
    /// Period from, as written.
    pub period_from: String,
    /// Period to, as written.
    pub period_to: String,
    /// The 1-based row of the `Agency` label, if there is one.
    pub agency_row: Option<u32>,
    /// The 1-based row of the `Review reference` label, if there is one.
    pub review_row: Option<u32>,
}

/// Reads the labels of the `Agency details` sheet (column A labels, column
/// B values, found by text wherever the rows are).
pub fn read_details(sheet: &RawSheet) -> AgencyDetails {
    let mut d = AgencyDetails::default();
    for row in &sheet.rows {
        let label = row
            .cells
            .first()
            .map(|c| normalise(&c.to_text()))
            .unwrap_or_default();
        let value = row
            .cells
            .get(1)
            .map(|c| c.to_text().trim().to_string())
            .unwrap_or_default();
        let slot = match label.as_str() {
            "agency" | "agency name" | "organisation" => {
                d.agency_row.get_or_insert(row.row);
                &mut d.agency
            }
            "review reference" | "review ref" | "review" => {
                d.review_row.get_or_insert(row.row);
                &mut d.review
            }
            "completed by role" | "completed by" => &mut d.completed_by,
            "date completed" => &mut d.date_completed,
            "period from" => &mut d.period_from,
            "period to" => &mut d.period_to,
            _ => continue,
        };
        if slot.is_empty() {
            *slot = value;
        }
    }
    d
}

/// The agency name a file name suggests: `west_yorkshire-police return.xlsx`
/// → `west yorkshire police return`.
pub fn agency_from_file_name(name: &str) -> String {
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    stem.replace(['_', '-', '.'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// True for text that is a spreadsheet error value as Excel or LibreOffice
/// shows it (`#REF!`, `#N/A`, `Err:502` …): what a CSV export or a
/// copy-and-paste of values leaves where a formula broke.
///
/// ```
/// use chronomerge::validate::is_error_text;
/// assert!(is_error_text(" #REF! "));
/// assert!(is_error_text("Err:502"));
/// assert!(!is_error_text("#1 priority"));
/// ```
pub fn is_error_text(s: &str) -> bool {
    let t = s.trim();
    if let Some(n) = t.strip_prefix("Err:") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    matches!(
        t.to_ascii_uppercase().as_str(),
        "#NULL!"
            | "#DIV/0!"
            | "#VALUE!"
            | "#REF!"
            | "#NAME?"
            | "#NUM!"
            | "#N/A"
            | "#GETTING_DATA"
            | "#SPILL!"
            | "#CALC!"
            | "#FIELD!"
            | "#BLOCKED!"
            | "#CONNECT!"
            | "#BUSY!"
            | "#UNKNOWN!"
    )
}

/// Content found under one column that is not read (an extra or unclear
/// heading): how many rows, first and last.
#[derive(Debug, Clone, Copy)]
struct ColumnContent {
    col: usize,
    count: usize,
    first: u32,
    last: u32,
}

impl ColumnContent {
    fn new(col: usize) -> Self {
        ColumnContent {
            col,
            count: 0,
            first: 0,
            last: 0,
        }
    }

    fn add(&mut self, row: u32) {
        if self.count == 0 {
            self.first = row;
        }
        self.count += 1;
        self.last = row;
    }

    fn range(&self) -> String {
        if self.first == self.last {
            cell_ref(self.col, self.first)
        } else {
            format!(
                "{}:{}",
                cell_ref(self.col, self.first),
                cell_ref(self.col, self.last)
            )
        }
    }
}

/// One step between consecutive dated rows that goes against the order.
#[derive(Debug, Clone)]
struct Step {
    cell: String,
    written: String,
    prev: NaiveDate,
    date: NaiveDate,
}

/// Watches the order of the return's full dates, so that a return that is
/// mostly newest-first gives one finding, not one per row.
#[derive(Debug, Default)]
struct OrderTracker {
    prev: Option<NaiveDate>,
    back: Vec<Step>,
    forward: Vec<Step>,
}

/// At most this many rows out of order are listed one by one; more (or
/// more than a quarter of the steps) give one finding for the return that
/// names the first few cells.
const ORDER_LIST_MAX: usize = 10;

/// How many cells the one finding for a return out of order names.
const ORDER_CELLS_NAMED: usize = 20;

impl OrderTracker {
    fn see(&mut self, date: NaiveDate, cell: String, written: &str) {
        if let Some(prev) = self.prev {
            let step = || Step {
                cell,
                written: written.trim().to_string(),
                prev,
                date,
            };
            if date < prev {
                self.back.push(step());
            } else if date > prev {
                self.forward.push(step());
            }
        }
        self.prev = Some(date);
    }

    fn finish(self, file: &str, sheet: &str, first_cell: &str, findings: &mut Vec<Finding>) {
        let steps = self.back.len() + self.forward.len();
        let reversed = self.back.len() >= 2 && self.back.len() > self.forward.len();
        if reversed {
            findings.push(
                Finding::new(
                    Code::DateOrderReversed,
                    file,
                    format!(
                        "the return lists its events newest first ({} of {steps} steps from one row to the next go back in time); events are merged by date, so nothing is lost: ask the agency to list events oldest first next time",
                        self.back.len()
                    ),
                )
                .at(sheet, first_cell),
            );
        }
        let (against, word, order) = if reversed {
            (self.forward, "later", "newest first")
        } else {
            (self.back, "earlier", "oldest first")
        };
        if against.is_empty() {
            return;
        }
        // Many rows, or a good share of them, out of order: the return is
        // simply not in order, and one finding says so.
        let shuffled = against.len() > 3 && against.len() * 4 > steps;
        if against.len() > ORDER_LIST_MAX || shuffled {
            let s = &against[0];
            let mut cells: Vec<&str> = against
                .iter()
                .take(ORDER_CELLS_NAMED)
                .map(|s| s.cell.as_str())
                .collect();
            if against.len() > ORDER_CELLS_NAMED {
                cells.push("…");
            }
            findings.push(
                Finding::new(
                    Code::DateOrder,
                    file,
                    format!(
                        "the return is not in date order: {} rows are {word} than the row above ({}; the first is '{}' after {}): check the dates with the agency, a row out of order is a common sign of a mistyped year",
                        against.len(),
                        cells.join(", "),
                        s.written,
                        s.prev.format(crate::dates::display::DAY)
                    ),
                )
                .at(sheet, s.cell.as_str()),
            );
            return;
        }
        for s in against {
            let hint = if s.prev.year() != s.date.year() {
                " (a mistyped year?)"
            } else {
                ""
            };
            findings.push(
                Finding::new(
                    Code::DateOrder,
                    file,
                    format!(
                        "the date '{}' is {word} than the row above ({}) in a return listed {order}{hint}: check the date with the agency",
                        s.written,
                        s.prev.format(crate::dates::display::DAY)
                    ),
                )
                .at(sheet, s.cell.as_str()),
            );
        }
    }
}

/// True when a workbook's sheets are those of a merged chronology
/// (OUTPUT.md's `Chronology`, `Key practice episodes`, `Findings` and
/// `Returns`), which is never read as a return.
///
/// ```
/// use chronomerge::validate::is_merged_chronology;
/// let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
/// assert!(is_merged_chronology(&s(&["Chronology", "Key practice episodes", "Findings", "Returns", "About"])));
/// assert!(!is_merged_chronology(&s(&["Guidance", "Agency details", "Chronology"])));
/// ```
pub fn is_merged_chronology(sheet_names: &[String]) -> bool {
    ["Chronology", "Key practice episodes", "Findings", "Returns"]
        .iter()
        .all(|want| sheet_names.iter().any(|n| n == want))
}

/// Checks a return and turns it into events and findings.
///
/// Every row with content is counted once in `rows_read` and ends as
/// merged (an [`Event`]) or rejected (with at least one error finding
/// naming it), so `rows_read = rows_merged + rows_rejected`.
pub fn check_return(raw: RawReturn, ctx: &CheckContext) -> CheckedReturn {
    let file = raw.file.to_string();
    if is_merged_chronology(&raw.sheet_names) {
        // A merged chronology left in the review folder (by `merge`, or
        // copied there by hand under any name): its Chronology sheet has
        // the template's headings, but it is the engine's output.
        let summary = ReturnSummary {
            file: file.clone(),
            agency: String::new(),
            format: Some(raw.format),
            status: ReturnStatus::Ignored,
            rows_read: 0,
            rows_merged: 0,
            rows_rejected: 0,
            rows_skipped: 0,
            first: None,
            last: None,
            review_reference: String::new(),
            note: "a merged chronology made by chronomerge, not an agency's return".into(),
        };
        return CheckedReturn {
            agency: String::new(),
            events: vec![],
            findings: vec![],
            summary,
        };
    }
    let mut findings = raw.findings;
    let details = raw.details.as_ref().map(read_details).unwrap_or_default();
    let details_sheet = raw
        .details
        .as_ref()
        .map(|d| d.name.clone())
        .unwrap_or_else(|| crate::ingest::DETAILS_SHEET.to_string());
    if raw
        .details
        .as_ref()
        .is_some_and(|d| d.name != crate::ingest::DETAILS_SHEET)
    {
        findings.push(
            Finding::new(
                Code::SheetRenamed,
                &file,
                format!(
                    "the sheet 'Agency details' was not found; the sheet '{details_sheet}' was read as the agency details"
                ),
            )
            .at(details_sheet.as_str(), ""),
        );
    }

    let mut summary = ReturnSummary {
        file: file.clone(),
        agency: String::new(),
        format: Some(raw.format),
        status: ReturnStatus::Merged,
        rows_read: 0,
        rows_merged: 0,
        rows_rejected: 0,
        rows_skipped: 0,
        first: None,
        last: None,
        review_reference: details.review.clone(),
        note: String::new(),
    };

    let Some(sheet) = raw.chronology else {
        findings.push(Finding::new(
            Code::SheetMissing,
            &file,
            format!(
                "there is no 'Chronology' sheet (sheets found: {}): ask the agency to use the template",
                raw.sheet_names.join(", ")
            ),
        )
        .at(crate::ingest::CHRONOLOGY_SHEET, ""));
        summary.status = ReturnStatus::Rejected;
        summary.agency = agency_fallback(&details, ctx, &file);
        summary.note = "no Chronology sheet".into();
        return CheckedReturn {
            agency: summary.agency.clone(),
            events: vec![],
            findings,
            summary,
        };
    };

    let map = map_columns(&sheet, &file, &mut findings);
    let agency_col = map.as_ref().and_then(|m| m.agency);

    // Agency: details sheet, else CSV column, else command line, else file name.
    let mut agency = details.agency.clone();
    if agency.is_empty() {
        if let (Some(m), Some(ac)) = (&map, agency_col) {
            agency = sheet.rows[m.header_index + 1..]
                .iter()
                .find_map(|r| {
                    r.cells
                        .get(ac)
                        .map(|c| c.to_text().trim().to_string())
                        .filter(|s| !s.is_empty())
                })
                .unwrap_or_default();
        }
    }
    if agency.is_empty() {
        agency = agency_fallback(&details, ctx, &file);
        if raw.format != Format::Csv || ctx.agency.is_none() {
            let (sheet_name, cell, why) = if raw.details.is_some() {
                match details.agency_row {
                    Some(r) => (
                        details_sheet.clone(),
                        cell_ref(1, r),
                        "the Agency cell of 'Agency details' is empty",
                    ),
                    None => (
                        details_sheet.clone(),
                        "A1".to_string(),
                        "the 'Agency details' sheet has no 'Agency' row",
                    ),
                }
            } else if raw.format == Format::Csv {
                (
                    sheet.name.clone(),
                    String::new(),
                    "the CSV has no 'Agency' column",
                )
            } else {
                (
                    crate::ingest::DETAILS_SHEET.to_string(),
                    String::new(),
                    "there is no 'Agency details' sheet",
                )
            };
            findings.push(
                Finding::new(
                    Code::AgencyMissing,
                    &file,
                    format!("{why}; the agency was taken as '{agency}': ask the agency to fill in its name"),
                )
                .at(sheet_name, cell),
            );
        }
    }
    summary.agency = agency.clone();

    if let Some(want) = &ctx.review {
        if raw.format != Format::Csv || !details.review.is_empty() {
            let cell = details
                .review_row
                .map(|r| cell_ref(1, r))
                .unwrap_or_default();
            if details.review.is_empty() {
                findings.push(
                    Finding::new(
                        Code::ReviewMismatch,
                        &file,
                        format!("the return gives no review reference (expected '{want}'): ask the agency to fill it in"),
                    )
                    .at(details_sheet.as_str(), cell),
                );
            } else if normalise(&details.review) != normalise(want) {
                findings.push(
                    Finding::new(
                        Code::ReviewMismatch,
                        &file,
                        format!(
                            "the review reference is '{}' but this review is '{want}': check the agency returned the right chronology",
                            details.review
                        ),
                    )
                    .at(details_sheet.as_str(), cell),
                );
            }
        }
    }

    if sheet.stray_count > 0 {
        let (c, r) = sheet.stray[0];
        findings.push(
            Finding::new(
                Code::CellOutsideTemplate,
                &file,
                format!(
                    "{} cell(s) with content lie far to the right of the template's columns (first at {}); they are not merged: ask the agency to move the content into the template's columns or delete it",
                    sheet.stray_count,
                    cell_ref(c, r)
                ),
            )
            .at(sheet.name.as_str(), cell_ref(c, r)),
        );
    }

    let mut events = Vec::new();
    let mut pool = TextPool::default();
    match map {
        None => {
            // Nothing can be read without headings: every row is rejected.
            let n = sheet.rows.len();
            summary.rows_read = n;
            summary.rows_rejected = n;
            summary.status = ReturnStatus::Rejected;
            summary.note = "no heading row".into();
            if n > 0 {
                findings.push(
                    Finding::new(
                        Code::HeadingMissing,
                        &file,
                        format!(
                            "{n} row(s) with content (rows {}–{}) were not merged because the headings could not be found",
                            sheet.rows[0].row,
                            sheet.rows[n - 1].row
                        ),
                    )
                    .at(sheet.name.as_str(), format!("A{}:J{}", sheet.rows[0].row, sheet.rows[n - 1].row)),
                );
            }
        }
        Some(map) => {
            let required_missing = Column::ALL
                .iter()
                .any(|c| c.required() && map.cols[c.index()].is_none());
            let sheet_name: std::sync::Arc<str> = sheet.name.as_str().into();
            let file_arc = raw.file.clone();
            // Formulas by row, so each row finds its own at once.
            let mut formulas: std::collections::HashMap<u32, Vec<(usize, u32, String)>> =
                std::collections::HashMap::new();
            for f in sheet.formulas {
                formulas.entry(f.1).or_default().push(f);
            }
            let mut rows = sheet.rows;
            let data: Vec<RawRow> = rows.drain(map.header_index + 1..).collect();
            let header = rows.pop().map(|r| r.cells).unwrap_or_default();
            let heading_of = |ci: usize| header.get(ci).map(|c| c.to_text()).unwrap_or_default();
            let mut order = OrderTracker::default();
            let mut unknown: Vec<ColumnContent> =
                map.unknown.iter().map(|&c| ColumnContent::new(c)).collect();
            let mut unclear: Vec<ColumnContent> = map
                .unclear
                .iter()
                .map(|&(c, _)| ColumnContent::new(c))
                .collect();
            // Columns read or reported by their heading; content anywhere
            // else (a column with no heading) is reported too.
            let mut placed: Vec<usize> = map.cols.iter().flatten().copied().collect();
            placed.extend(map.agency);
            placed.extend(&map.unknown);
            placed.extend(map.unclear.iter().map(|&(c, _)| c));
            let mut headless: Vec<ColumnContent> = Vec::new();
            let first_row = data.first().map_or(0, |r| r.row);
            let last_row = data.last().map_or(0, |r| r.row);
            let first_cell = data
                .first()
                .map(|r| cell_ref(map.cols[0].unwrap_or(0), r.row))
                .unwrap_or_default();
            for (i, row) in data.into_iter().enumerate() {
                let origin = Origin {
                    file: file_arc.clone(),
                    sheet: sheet_name.clone(),
                    row: row.row,
                };
                summary.rows_read += 1;
                let has = |ci: usize| row.cells.get(ci).is_some_and(|c| !c.is_blank());
                for u in unknown.iter_mut() {
                    if has(u.col) {
                        u.add(row.row);
                    }
                }
                for (ci, c) in row.cells.iter().enumerate() {
                    if !c.is_blank() && !placed.contains(&ci) {
                        match headless.iter_mut().find(|u| u.col == ci) {
                            Some(u) => u.add(row.row),
                            None => {
                                let mut u = ColumnContent::new(ci);
                                u.add(row.row);
                                headless.push(u);
                            }
                        }
                    }
                }
                let mut unclear_hit = false;
                for u in unclear.iter_mut() {
                    if has(u.col) {
                        u.add(row.row);
                        unclear_hit = true;
                    }
                }
                if required_missing {
                    summary.rows_rejected += 1;
                    continue;
                }
                let row_formulas: Vec<&(usize, u32, String)> = formulas
                    .get(&row.row)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                match check_row(
                    row,
                    &map,
                    origin,
                    i as u32,
                    ctx,
                    &mut findings,
                    &row_formulas,
                    &mut order,
                    &mut pool,
                ) {
                    Some(ev) if !unclear_hit => {
                        summary.rows_merged += 1;
                        let d = ev.date.start;
                        summary.first = Some(summary.first.map_or(d, |f| f.min(d)));
                        let l = ev.date.last_day();
                        summary.last = Some(summary.last.map_or(l, |x| x.max(l)));
                        events.push(ev);
                    }
                    _ => summary.rows_rejected += 1,
                }
            }
            order.finish(&file, &sheet_name, &first_cell, &mut findings);
            if summary.rows_read == 0 {
                findings.push(
                    Finding::new(
                        Code::ChronologyEmpty,
                        &file,
                        "the chronology has headings but no events: check with the agency whether it had no involvement in the period or sent the blank template by mistake",
                    )
                    .at(sheet_name.as_ref(), cell_ref(0, map.header_row + 1)),
                );
            }
            for u in unknown.iter().filter(|u| u.count > 0) {
                findings.push(
                    Finding::new(
                        Code::CellOutsideTemplate,
                        &file,
                        format!(
                            "{} cell(s) under the heading '{}' ({}) are not merged because that column is not the template's: ask the agency to move their content into the template's columns",
                            u.count,
                            heading_of(u.col).trim(),
                            cell_ref(u.col, map.header_row)
                        ),
                    )
                    .at(sheet_name.as_ref(), u.range()),
                );
            }
            headless.sort_by_key(|u| u.col);
            for u in &headless {
                findings.push(
                    Finding::new(
                        Code::CellOutsideTemplate,
                        &file,
                        format!(
                            "{} cell(s) in column {}, which has no heading, are not merged: ask the agency to move their content into the template's columns",
                            u.count,
                            crate::model::col_name(u.col)
                        ),
                    )
                    .at(sheet_name.as_ref(), u.range()),
                );
            }
            for u in unclear.iter().filter(|u| u.count > 0) {
                findings.push(
                    Finding::new(
                        Code::HeadingUnclear,
                        &file,
                        format!(
                            "{} row(s) with content under the heading '{}' ({}) were not merged: the engine does not guess which column is meant; ask the agency to restore the template's heading",
                            u.count,
                            heading_of(u.col).trim(),
                            cell_ref(u.col, map.header_row)
                        ),
                    )
                    .at(sheet_name.as_ref(), u.range()),
                );
            }
            if required_missing {
                summary.status = ReturnStatus::Rejected;
                summary.note = "a required column is missing".into();
                if summary.rows_read > 0 {
                    findings.push(
                        Finding::new(
                            Code::HeadingMissing,
                            &file,
                            format!(
                                "{} row(s) (rows {first_row}–{last_row}) were not merged because a required column is missing",
                                summary.rows_read
                            ),
                        )
                        .at(
                            sheet_name.as_ref(),
                            format!("A{first_row}:J{last_row}"),
                        ),
                    );
                }
            }
        }
    }
    if summary.status != ReturnStatus::Rejected
        && (summary.rows_rejected > 0 || findings.iter().any(|f| !f.is_info()))
    {
        summary.status = ReturnStatus::MergedWithWarnings;
    }
    CheckedReturn {
        agency,
        events,
        findings,
        summary,
    }
}

fn take_cell(vals: &mut [(Cell, usize)], c: Column) -> Cell {
    std::mem::take(&mut vals[c.index()].0)
}

fn agency_fallback(details: &AgencyDetails, ctx: &CheckContext, file: &str) -> String {
    if !details.agency.is_empty() {
        return details.agency.clone();
    }
    ctx.agency
        .clone()
        .unwrap_or_else(|| agency_from_file_name(file))
}

/// One copy of each short text that repeats down a return (sources,
/// roles, subjects, event types, dates as written), shared by the events
/// that give it: a return of 25,000 rows names a few dozen roles, and a
/// copy per row would cost an allocation each.
#[derive(Default)]
struct TextPool(HashSet<Arc<str>>);

impl TextPool {
    /// The pool stops growing here; later new texts are simply not shared
    /// (a column of free text costs the same as before).
    const MAX: usize = 16_384;

    fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return Arc::clone(t);
        }
        let t: Arc<str> = Arc::from(text);
        if self.0.len() < Self::MAX {
            self.0.insert(Arc::clone(&t));
        }
        t
    }
}

/// `s` without its leading and trailing white space, in the same buffer.
fn trim_owned(mut s: String) -> String {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start().len();
    if start > 0 {
        s.drain(..start);
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    row: RawRow,
    map: &ColumnMap,
    origin: Origin,
    index: u32,
    ctx: &CheckContext,
    findings: &mut Vec<Finding>,
    formulas: &[&(usize, u32, String)],
    order: &mut OrderTracker,
    pool: &mut TextPool,
) -> Option<Event> {
    let file = origin.file.to_string();
    let sheet = origin.sheet.to_string();
    let r = origin.row;
    let mut cells = row.cells;
    // Each template column's cell and its 0-based column in the sheet.
    let mut vals: Vec<(Cell, usize)> = Column::ALL
        .iter()
        .map(|&c| match map.cols[c.index()] {
            Some(i) if i < cells.len() => (std::mem::take(&mut cells[i]), i),
            Some(i) => (Cell::Empty, i),
            None => (Cell::Empty, c.index()),
        })
        .collect();
    let col_at = |c: Column| map.cols[c.index()].unwrap_or(c.index());
    let (date_col, time_col, seq_col) = (
        col_at(Column::Date),
        col_at(Column::Time),
        col_at(Column::Sequence),
    );
    let (source_col, etype_col, details_col) = (
        col_at(Column::Source),
        col_at(Column::EventType),
        col_at(Column::Details),
    );
    let source = take_cell(&mut vals, Column::Source);
    let source_text = pool.share(source.to_text().trim());
    // An author's note passes every check but its date and time.
    let is_note = is_note_marker(&source_text);
    let mut row_errors = 0usize;
    let mut push = |f: Finding, errs: &mut usize| {
        if f.is_error() {
            *errs += 1;
        }
        findings.push(f);
    };

    // Error values and formulas in the template's columns.
    let checked_cols: &[Column] = if is_note {
        &[Column::Date, Column::Time]
    } else {
        &Column::ALL
    };
    for &c in checked_cols {
        let (cell, ci) = if c == Column::Source {
            (&source, source_col)
        } else {
            (&vals[c.index()].0, vals[c.index()].1)
        };
        let err = match cell {
            Cell::Error(e) => Some(e.clone()),
            Cell::Text(t) if is_error_text(t) => Some(t.trim().to_string()),
            _ => None,
        };
        if let Some(e) = err {
            push(
                Finding::new(
                    Code::CellError,
                    &file,
                    format!(
                        "the '{}' cell holds the error value {e}: ask the agency to type what was meant",
                        c.heading()
                    ),
                )
                .at(sheet.as_str(), cell_ref(ci, r)),
                &mut row_errors,
            );
        }
    }
    for (col, _, f) in formulas {
        if map.unknown.contains(col) || map.unclear.iter().any(|(c, _)| c == col) {
            continue;
        }
        if is_note && *col != date_col && *col != time_col {
            continue;
        }
        push(
            Finding::new(
                Code::CellFormula,
                &file,
                format!("the cell holds the formula ={f}; the value it showed was used: ask the agency to type the value instead"),
            )
            .at(sheet.as_str(), cell_ref(*col, r)),
            &mut row_errors,
        );
    }
    let date_cell = take_cell(&mut vals, Column::Date);
    let time_cell = take_cell(&mut vals, Column::Time);
    let seq_cell = take_cell(&mut vals, Column::Sequence);
    let role = take_cell(&mut vals, Column::Role);
    let subject = take_cell(&mut vals, Column::Subject);
    let etype = take_cell(&mut vals, Column::EventType);
    let details_cell = take_cell(&mut vals, Column::Details);
    let action = take_cell(&mut vals, Column::Action);
    let analysis = take_cell(&mut vals, Column::Analysis);
    let date_written = date_cell.to_text();

    let date = match read_date_cell(&date_cell, &ctx.dates) {
        Ok(read) => {
            for w in read.warnings {
                let f = match w {
                    DateWarning::WeekdayMismatch { written, actual } => Finding::new(
                        Code::DateWeekday,
                        &file,
                        format!(
                            "the date '{}' says {written} but that day was a {actual}: ask the agency which is right",
                            date_written.trim()
                        ),
                    ),
                    DateWarning::SerialNumber(n) => Finding::new(
                        Code::DateSerial,
                        &file,
                        format!(
                            "the date cell holds the plain number {n}, read as the Excel date {}: check it, and ask the agency to format the Date column as dates",
                            read.value.start.format(crate::dates::display::DAY)
                        ),
                    ),
                };
                push(f.at(sheet.as_str(), cell_ref(date_col, r)), &mut row_errors);
            }
            Some(read.value)
        }
        Err(p) => {
            let code = match p {
                DateProblem::Missing => Code::DateMissing,
                DateProblem::Unreadable(_) => Code::DateUnreadable,
                DateProblem::Invalid(_) => Code::DateInvalid,
            };
            let what = match code {
                Code::DateMissing => "the row has content but no date: ask the agency to give the date of the event (a partial date such as 'March 2019' is allowed)".to_string(),
                Code::DateUnreadable => format!("{}: ask the agency to write it as dd/mm/yyyy", p.message()),
                _ => format!("{}: ask the agency to correct it", p.message()),
            };
            push(
                Finding::new(code, &file, what).at(sheet.as_str(), cell_ref(date_col, r)),
                &mut row_errors,
            );
            None
        }
    };
    let mut outside_period = false;
    if let Some(d) = &date {
        if d.start > ctx.dates.today {
            push(
                Finding::new(
                    Code::DateFuture,
                    &file,
                    format!(
                        "the date '{}' is in the future (after {}): ask the agency to correct it",
                        date_written.trim(),
                        ctx.dates.today.format(crate::dates::display::DAY)
                    ),
                )
                .at(sheet.as_str(), cell_ref(date_col, r)),
                &mut row_errors,
            );
        } else if let Some((from, to)) = ctx.period {
            let margin = chrono::Duration::days(ctx.margin_days.max(0));
            if d.last_day() < from - margin || d.start > to + margin {
                outside_period = true;
                let margin_note = if ctx.margin_days > 0 {
                    format!(" (allowing {} days either side)", ctx.margin_days)
                } else {
                    String::new()
                };
                push(
                    Finding::new(
                        Code::DateOutsidePeriod,
                        &file,
                        format!(
                            "the date '{}' is outside the review period {} – {}{margin_note}: the event is kept and marked; check with the agency that it belongs",
                            date_written.trim(),
                            from.format(crate::dates::display::DAY),
                            to.format(crate::dates::display::DAY)
                        ),
                    )
                    .at(sheet.as_str(), cell_ref(date_col, r)),
                    &mut row_errors,
                );
            }
        }
        if d.precision == crate::dates::Precision::Day {
            order.see(d.start, cell_ref(date_col, r), &date_written);
        }
    }

    let time = match read_time_cell(&time_cell) {
        Ok(t) => t.or(date.and_then(|d| d.time)),
        Err(p) => {
            push(
                Finding::new(
                    Code::TimeUnreadable,
                    &file,
                    format!(
                        "the time '{}' cannot be read: the event is kept without a time; ask the agency to write it as HH:MM",
                        p.0
                    ),
                )
                .at(sheet.as_str(), cell_ref(time_col, r)),
                &mut row_errors,
            );
            date.and_then(|d| d.time)
        }
    };
    let sequence = match &seq_cell {
        Cell::Empty => None,
        Cell::Number(n) => Some(*n),
        other => match other.to_text().trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ if other.is_blank() || is_note => None,
            _ => {
                push(
                    Finding::new(
                        Code::SequenceUnreadable,
                        &file,
                        format!(
                            "the sequence '{}' is not a number: the event is kept without one; ask the agency to put a number",
                            other.to_text().trim()
                        ),
                    )
                    .at(sheet.as_str(), cell_ref(seq_col, r)),
                    &mut row_errors,
                );
                None
            }
        },
    };
    let details = trim_owned(details_cell.into_text());
    let event_type = pool.share(etype.into_text().trim());
    let mut event_type_known = None;
    if !is_note {
        if source_text.is_empty() {
            push(
                Finding::new(
                    Code::SourceMissing,
                    &file,
                    "'Source of information' is empty: ask the agency to say where the entry comes from (e.g. 'GP record')",
                )
                .at(sheet.as_str(), cell_ref(source_col, r)),
                &mut row_errors,
            );
        }
        if details.is_empty() {
            push(
                Finding::new(
                    Code::DetailsMissing,
                    &file,
                    "'Details of event' is empty: ask the agency to describe the event",
                )
                .at(sheet.as_str(), cell_ref(details_col, r)),
                &mut row_errors,
            );
        }
        if event_type.is_empty() {
            push(
                Finding::new(
                    Code::EventTypeMissing,
                    &file,
                    "'Event type' is empty: ask the agency to choose one from the list",
                )
                .at(sheet.as_str(), cell_ref(etype_col, r)),
                &mut row_errors,
            );
        } else {
            event_type_known = match_event_type(&event_type);
            if event_type_known.is_none() {
                push(
                    Finding::new(
                        Code::EventTypeUnknown,
                        &file,
                        format!(
                            "the event type '{event_type}' is not in the template's list{}: it is kept as written; ask the agency to choose one from the list",
                            closest_event_type(&event_type)
                                .map(|t| format!(" (did they mean '{t}'?)"))
                                .unwrap_or_default()
                        ),
                    )
                    .at(sheet.as_str(), cell_ref(etype_col, r)),
                    &mut row_errors,
                );
            }
        }
    } else {
        event_type_known = match_event_type(&event_type);
    }
    let date = date?;
    if row_errors > 0 {
        return None;
    }
    Some(Event {
        origin,
        agency: 0,
        date,
        time,
        sequence,
        source: source_text,
        role: pool.share(role.into_text().trim()),
        subject: pool.share(subject.into_text().trim()),
        event_type,
        event_type_known,
        details,
        action: trim_owned(action.into_text()),
        analysis: trim_owned(analysis.into_text()),
        date_written: pool.share(&date_written),
        is_note,
        outside_period,
        seq_in_return: index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RawReturn, RawRow, RawSheet};

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn headings() -> RawRow {
        RawRow {
            row: 1,
            cells: Column::ALL.iter().map(|c| t(c.heading())).collect(),
        }
    }

    fn ret(rows: Vec<RawRow>) -> RawReturn {
        let mut all = vec![headings()];
        all.extend(rows);
        RawReturn {
            file: "x.xlsx".into(),
            format: Format::Xlsx,
            sheet_names: vec!["Agency details".into(), "Chronology".into()],
            details: Some(RawSheet {
                name: "Agency details".into(),
                rows: vec![RawRow {
                    row: 1,
                    cells: vec![t("Agency"), t("Police")],
                }],
                ..RawSheet::default()
            }),
            chronology: Some(RawSheet {
                name: "Chronology".into(),
                rows: all,
                ..RawSheet::default()
            }),
            findings: vec![],
        }
    }

    fn row(r: u32, cells: &[Cell]) -> RawRow {
        RawRow {
            row: r,
            cells: cells.to_vec(),
        }
    }

    fn ctx() -> CheckContext {
        CheckContext {
            dates: crate::dates::DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
            ..CheckContext::default()
        }
    }

    fn codes(c: &CheckedReturn) -> Vec<(Code, String)> {
        c.findings
            .iter()
            .map(|f| (f.code, f.cell.clone()))
            .collect()
    }

    /// Trimming in place gives what `trim` gives, Unicode spaces included.
    #[test]
    fn trim_owned_is_trim() {
        for t in [
            "",
            " ",
            "a",
            "  a b  ",
            "\u{a0}x\u{2003}",
            "\t\r\nline\n",
            "é ",
        ] {
            assert_eq!(trim_owned(t.to_string()), t.trim(), "{t:?}");
        }
    }

    /// The pool hands out one copy of a text however often it comes, and
    /// past its cap still gives every text back, unshared.
    #[test]
    fn text_pool_shares_and_stops_growing() {
        let mut pool = TextPool::default();
        let a = pool.share("Health visitor");
        let b = pool.share("Health visitor");
        assert!(Arc::ptr_eq(&a, &b));
        for n in 0..TextPool::MAX + 10 {
            assert_eq!(&*pool.share(&n.to_string()), n.to_string());
        }
        assert_eq!(pool.0.len(), TextPool::MAX);
        let late = pool.share("late");
        assert_eq!(&*late, "late");
        assert!(!Arc::ptr_eq(&late, &pool.share("late")));
        assert!(Arc::ptr_eq(&a, &pool.share("Health visitor")));
    }

    #[test]
    fn an_error_cell_is_named_and_the_row_kept() {
        let c = check_return(
            ret(vec![row(
                2,
                &[
                    t("05/03/2023"),
                    Cell::Empty,
                    Cell::Empty,
                    t("GP record"),
                    Cell::Error("#REF!".into()),
                    Cell::Empty,
                    t("Assessment"),
                    t("Seen."),
                ],
            )]),
            &ctx(),
        );
        assert_eq!(codes(&c), [(Code::CellError, "E2".to_string())]);
        assert_eq!(c.summary.rows_merged, 1);
    }

    #[test]
    fn an_authors_note_is_checked_for_date_and_time_only() {
        let note = |r: u32, date: &str, time: &str| {
            row(
                r,
                &[
                    t(date),
                    t(time),
                    t("first"),
                    t("~ note"),
                    Cell::Error("#N/A".into()),
                    Cell::Empty,
                    t("Not a type"),
                ],
            )
        };
        let c = check_return(
            ret(vec![
                note(2, "05/03/2023", ""),
                note(3, "", ""),
                note(4, "06/03/2023", "99:99"),
            ]),
            &ctx(),
        );
        assert_eq!(
            codes(&c),
            [
                (Code::DateMissing, "A3".to_string()),
                (Code::TimeUnreadable, "B4".to_string())
            ]
        );
        assert!(c.events.iter().all(|e| e.is_note));
        assert_eq!(
            (
                c.summary.rows_read,
                c.summary.rows_merged,
                c.summary.rows_rejected
            ),
            (3, 2, 1)
        );
    }

    #[test]
    fn a_shuffled_return_gives_one_order_finding() {
        let days = [5, 1, 9, 2, 8, 3, 7, 4, 6, 10, 1, 9, 2];
        let rows = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                row(
                    i as u32 + 2,
                    &[
                        t(&format!("{d:02}/03/2023")),
                        Cell::Empty,
                        Cell::Empty,
                        t("Log"),
                        Cell::Empty,
                        Cell::Empty,
                        t("Other"),
                        t("x"),
                    ],
                )
            })
            .collect();
        let c = check_return(ret(rows), &ctx());
        let order: Vec<_> = codes(&c)
            .into_iter()
            .filter(|(c, _)| matches!(c, Code::DateOrder | Code::DateOrderReversed))
            .collect();
        assert_eq!(order, [(Code::DateOrder, "A3".to_string())]);
    }

    #[test]
    fn content_in_a_column_with_no_heading_is_reported() {
        let r = |n: u32, extra: &str| {
            let mut cells = vec![
                t("05/03/2023"),
                Cell::Empty,
                Cell::Empty,
                t("GP record"),
                Cell::Empty,
                Cell::Empty,
                t("Assessment"),
                t("Seen."),
            ];
            cells.resize(12, Cell::Empty);
            cells[11] = t(extra);
            row(n, &cells)
        };
        let c = check_return(ret(vec![r(2, "a note"), r(3, ""), r(4, "more")]), &ctx());
        assert_eq!(
            codes(&c),
            [(Code::CellOutsideTemplate, "L2:L4".to_string())]
        );
        assert!(c.findings[0].message.starts_with("2 cell(s) in column L"));
        assert_eq!(c.summary.rows_merged, 3);
    }

    #[test]
    fn ambiguous_and_distant_headings_are_not_guessed() {
        assert!(matches!(
            match_heading("Dte"),
            HeadingMatch::Unclear(Column::Date, _)
        ));
        assert_eq!(match_heading("Colour of car"), HeadingMatch::Unknown);
        assert_eq!(match_heading("NHS number"), HeadingMatch::Unknown);
        assert!(matches!(
            match_heading("Action/outcome taken"),
            HeadingMatch::Exact(Column::Action)
        ));
        assert_eq!(
            match_heading("Date and time of event"),
            HeadingMatch::Exact(Column::Date)
        );
        assert!(matches!(
            match_heading("Action taken / outcome"),
            HeadingMatch::Close(Column::Action, _)
        ));
        // Holding two template headings is a clash, never a guess.
        assert!(!matches!(
            match_heading("Event type and details of event"),
            HeadingMatch::Exact(_) | HeadingMatch::Close(..)
        ));
    }
}
