//! Validate: check a [`RawReturn`] against the template and turn its rows
//! into [`Event`]s and [`Finding`]s. `merge` and `check` share this module,
//! so a return is judged the same way wherever it is read.

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
        Column::Date => &["date of event", "event date", "date of contact", "dates"],
        Column::Time => &["time of event", "event time"],
        Column::Sequence => &["seq", "sequence number", "order", "no", "number"],
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
/// misspelt heading to be matched. Below it the heading is an error, not a
/// guess.
pub const HEADING_SIMILARITY: f64 = 0.8;

/// How a heading cell was matched to a template column.
#[derive(Debug, Clone, PartialEq)]
pub enum HeadingMatch {
    /// The template's heading (or a known alias), exactly after normalising.
    Exact(Column),
    /// A close spelling, with its similarity.
    Close(Column, f64),
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
/// assert_eq!(match_heading("Colour of car"), HeadingMatch::Unknown);
/// ```
pub fn match_heading(text: &str) -> HeadingMatch {
    let key = normalise(text);
    if key == "agency" || key == "agency name" || key == "organisation" {
        return HeadingMatch::Agency;
    }
    for col in Column::ALL {
        if key == normalise(col.heading()) || aliases(col).contains(&key.as_str()) {
            return HeadingMatch::Exact(col);
        }
    }
    let mut best: Option<(Column, f64)> = None;
    let mut second = 0.0;
    for col in Column::ALL {
        let names = std::iter::once(col.heading()).chain(aliases(col).iter().copied());
        let s = names
            .map(|n| strsim::normalized_levenshtein(&key, &normalise(n)))
            .fold(0.0, f64::max);
        match best {
            Some((_, b)) if s <= b => second = f64::max(second, s),
            _ => {
                if let Some((_, b)) = best {
                    second = f64::max(second, b);
                }
                best = Some((col, s));
            }
        }
    }
    match best {
        Some((col, s)) if s >= HEADING_SIMILARITY && s - second > 0.05 => {
            HeadingMatch::Close(col, s)
        }
        _ => HeadingMatch::Unknown,
    }
}

/// Where each template column sits in a return.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    /// For each template column (by index), the 0-based column in the sheet.
    pub cols: [Option<usize>; 10],
    /// The `Agency` column of a CSV export.
    pub agency: Option<usize>,
    /// Sheet columns whose heading matched nothing.
    pub unknown: Vec<usize>,
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
            HeadingMatch::Unknown => {
                findings.push(
                    Finding::new(
                        Code::HeadingUnknown,
                        file,
                        format!(
                            "the heading '{}' is not one of the template's and could not be matched with confidence; its column is not merged: ask the agency to use the template's headings",
                            text.trim()
                        ),
                    )
                    .at(sheet.name.as_str(), here),
                );
                map.unknown.push(ci);
            }
        }
    }
    for col in Column::ALL {
        if map.cols[col.index()].is_none() {
            let sev = if col.required() {
                Severity::Error
            } else {
                Severity::Warning
            };
            findings.push(
                Finding::new(
                    Code::HeadingMissing,
                    file,
                    format!(
                        "the column '{}' is missing{}: ask the agency to restore it from the template",
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
    EVENT_TYPES.iter().position(|t| normalise(t) == key)
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
            "agency" | "agency name" | "organisation" => &mut d.agency,
            "review reference" | "review ref" | "review" => &mut d.review,
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

/// Checks a return and turns it into events and findings.
pub fn check_return(raw: RawReturn, ctx: &CheckContext) -> CheckedReturn {
    let file = raw.file.to_string();
    let mut findings = raw.findings;
    let details = raw.details.as_ref().map(read_details).unwrap_or_default();

    let mut summary = ReturnSummary {
        file: file.clone(),
        agency: String::new(),
        format: Some(raw.format),
        status: ReturnStatus::Merged,
        rows_read: 0,
        rows_merged: 0,
        rows_rejected: 0,
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
        ));
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
            let (sheet_name, why) = if raw.details.is_some() {
                (
                    crate::ingest::DETAILS_SHEET,
                    "the 'Agency details' sheet gives no agency",
                )
            } else if raw.format == Format::Csv {
                ("", "the CSV has no 'Agency' column")
            } else {
                ("", "there is no 'Agency details' sheet")
            };
            findings.push(
                Finding::new(
                    Code::AgencyMissing,
                    &file,
                    format!("{why}; the agency was taken as '{agency}': ask the agency to fill in its name"),
                )
                .at(sheet_name, if sheet_name.is_empty() { "" } else { "B1" }),
            );
        }
    }
    summary.agency = agency.clone();

    if let Some(want) = &ctx.review {
        if raw.format != Format::Csv || !details.review.is_empty() {
            if details.review.is_empty() {
                findings.push(
                    Finding::new(
                        Code::ReviewMismatch,
                        &file,
                        format!("the return gives no review reference (expected '{want}'): ask the agency to fill it in"),
                    )
                    .at(crate::ingest::DETAILS_SHEET, ""),
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
                    .at(crate::ingest::DETAILS_SHEET, ""),
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
            let formulas = sheet.formulas;
            let mut rows = sheet.rows;
            let data: Vec<RawRow> = rows.drain(map.header_index + 1..).collect();
            let mut prev_date: Option<NaiveDate> = None;
            for (i, row) in data.into_iter().enumerate() {
                let origin = Origin {
                    file: file_arc.clone(),
                    sheet: sheet_name.clone(),
                    row: row.row,
                };
                summary.rows_read += 1;
                if required_missing {
                    summary.rows_rejected += 1;
                    continue;
                }
                let row_formulas: Vec<&(usize, u32, String)> =
                    formulas.iter().filter(|f| f.1 == row.row).collect();
                match check_row(
                    row,
                    &map,
                    origin,
                    i as u32,
                    ctx,
                    &mut findings,
                    &row_formulas,
                    &mut prev_date,
                ) {
                    Some(ev) => {
                        summary.rows_merged += 1;
                        let d = ev.date.start;
                        summary.first = Some(summary.first.map_or(d, |f| f.min(d)));
                        let l = ev.date.last_day();
                        summary.last = Some(summary.last.map_or(l, |x| x.max(l)));
                        events.push(ev);
                    }
                    None => summary.rows_rejected += 1,
                }
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
                                "{} row(s) were not merged because a required column is missing",
                                summary.rows_read
                            ),
                        )
                        .at(sheet_name.as_ref(), ""),
                    );
                }
            }
        }
    }
    for e in &mut events {
        e.agency = 0;
    }
    if summary.status != ReturnStatus::Rejected
        && (summary.rows_rejected > 0 || !findings.is_empty())
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

fn agency_fallback(details: &AgencyDetails, ctx: &CheckContext, file: &str) -> String {
    if !details.agency.is_empty() {
        return details.agency.clone();
    }
    ctx.agency
        .clone()
        .unwrap_or_else(|| agency_from_file_name(file))
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
    prev_date: &mut Option<NaiveDate>,
) -> Option<Event> {
    let file = origin.file.to_string();
    let sheet = origin.sheet.to_string();
    let r = origin.row;
    let mut cells = row.cells;
    let col_of = |c: Column| map.cols[c.index()];
    let mut take = |c: Column| -> (Cell, usize) {
        match col_of(c) {
            Some(i) if i < cells.len() => (std::mem::take(&mut cells[i]), i),
            Some(i) => (Cell::Empty, i),
            None => (Cell::Empty, c.index()),
        }
    };
    let (date_cell, date_col) = take(Column::Date);
    let (time_cell, time_col) = take(Column::Time);
    let (seq_cell, seq_col) = take(Column::Sequence);
    let (source_cell, source_col) = take(Column::Source);
    let (role, _) = take(Column::Role);
    let (subject, _) = take(Column::Subject);
    let (etype, etype_col) = take(Column::EventType);
    let (details_cell, details_col) = take(Column::Details);
    let (action, _) = take(Column::Action);
    let (analysis, _) = take(Column::Analysis);
    let mut row_errors = 0usize;
    let mut push = |f: Finding, errs: &mut usize| {
        if f.is_error() {
            *errs += 1;
        }
        findings.push(f);
    };

    // Error values and formulas anywhere in the row.
    let all = [
        (&date_cell, date_col),
        (&time_cell, time_col),
        (&seq_cell, seq_col),
        (&source_cell, source_col),
        (&etype, etype_col),
        (&details_cell, details_col),
    ];
    for (cell, col) in all {
        if let Cell::Error(e) = cell {
            push(
                Finding::new(
                    Code::CellError,
                    &file,
                    format!(
                        "the cell holds the error value {e}: ask the agency to type what was meant"
                    ),
                )
                .at(sheet.as_str(), cell_ref(col, r)),
                &mut row_errors,
            );
        }
    }
    for (col, _, f) in formulas {
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
    // Content under unknown headings is reported once per cell.
    for &ci in &map.unknown {
        if cells.get(ci).is_some_and(|c| !c.is_blank()) {
            push(
                Finding::new(
                    Code::CellOutsideTemplate,
                    &file,
                    "this cell is under a heading that is not the template's and is not merged: ask the agency to move its content into the template's columns",
                )
                .at(sheet.as_str(), cell_ref(ci, r)),
                &mut row_errors,
            );
        }
    }
    let source = source_cell.into_text().trim().to_string();
    let is_note = is_note_marker(&source);
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
                            read.value.start.format("%d/%m/%Y")
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
                        ctx.dates.today.format("%d/%m/%Y")
                    ),
                )
                .at(sheet.as_str(), cell_ref(date_col, r)),
                &mut row_errors,
            );
        } else if let Some((from, to)) = ctx.period {
            let margin = chrono::Duration::days(ctx.margin_days);
            if d.last_day() < from - margin || d.start > to + margin {
                outside_period = true;
                push(
                    Finding::new(
                        Code::DateOutsidePeriod,
                        &file,
                        format!(
                            "the date '{}' is outside the review period {} – {}: the event is kept and marked; check with the agency that it belongs",
                            date_written.trim(),
                            from.format("%d/%m/%Y"),
                            to.format("%d/%m/%Y")
                        ),
                    )
                    .at(sheet.as_str(), cell_ref(date_col, r)),
                    &mut row_errors,
                );
            }
        }
        if d.precision == crate::dates::Precision::Day {
            if let Some(p) = *prev_date {
                if d.start < p && (p - d.start).num_days() > 0 {
                    let hint = if p.year() != d.start.year() {
                        " (a mistyped year?)"
                    } else {
                        ""
                    };
                    push(
                        Finding::new(
                            Code::DateOrder,
                            &file,
                            format!(
                                "the date '{}' is earlier than the row above ({}){hint}: check it",
                                date_written.trim(),
                                p.format("%d/%m/%Y")
                            ),
                        )
                        .at(sheet.as_str(), cell_ref(date_col, r)),
                        &mut row_errors,
                    );
                }
            }
            *prev_date = Some(d.start);
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
            _ if other.is_blank() => None,
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
    let details = details_cell.into_text().trim().to_string();
    let event_type = etype.into_text().trim().to_string();
    let mut event_type_known = None;
    if !is_note {
        if source.is_empty() {
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
                            "the event type '{event_type}' is not in the template's list: it is kept as written; ask the agency to choose one from the list"
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
        source,
        role: role.into_text().trim().to_string(),
        subject: subject.into_text().trim().to_string(),
        event_type,
        event_type_known,
        details,
        action: action.into_text().trim().to_string(),
        analysis: analysis.into_text().trim().to_string(),
        date_written,
        is_note,
        outside_period,
        seq_in_return: index,
    })
}
