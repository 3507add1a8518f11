//! Validate: check a [`RawReturn`] against the template and turn its rows
//! into [`Event`]s and [`Finding`]s. `merge` and `check` share this module,
//! so a return is judged the same way wherever it is read.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::dates::{read_date_cell, read_time_value, DateContext, DateProblem, DateWarning};
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

/// The index (in the sheet's rows) of its header row: the first of the
/// top rows that matches at least three template headings exactly or
/// closely.
pub fn header_row_index(sheet: &RawSheet) -> Option<usize> {
    sheet.rows.iter().take(HEADER_SEARCH_ROWS).position(|row| {
        row.cells
            .iter()
            .filter(|c| {
                matches!(
                    match_heading(&c.to_text()),
                    HeadingMatch::Exact(_) | HeadingMatch::Close(..)
                )
            })
            .count()
            >= 3
    })
}

/// Finds the header row and maps its headings, with findings.
pub fn map_columns(sheet: &RawSheet, file: &str, findings: &mut Vec<Finding>) -> Option<ColumnMap> {
    let chosen = header_row_index(sheet);
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

/// Why a row with content is not an event: what [`not_an_event`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotEvent {
    /// The template's headings again (after a page break, above a pasted
    /// block).
    RepeatedHeading,
    /// An instruction row: format placeholders (`dd/mm/yyyy`, `HH:MM`),
    /// the template's own help text, examples (`e.g. GP record`).
    Instruction,
    /// A footer alone on its row: `End of chronology`.
    Footer,
    /// A totals row: `Total` in its first cell and nothing but numbers
    /// (counts, a SUBTOTAL) in the others.
    Total,
}

impl NotEvent {
    /// The words used in the finding: `a repeated heading row` …
    pub fn as_str(self) -> &'static str {
        match self {
            NotEvent::RepeatedHeading => "a repeated heading row",
            NotEvent::Instruction => "an instruction row",
            NotEvent::Footer => "a footer",
            NotEvent::Total => "a totals row",
        }
    }
}

/// The longest text (normalised) taken for a heading in a row that may
/// repeat the headings.
const HEADING_MAX_LEN: usize = 40;

/// Labels of a totals row (normalised), in its first cell.
const TOTAL_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "sub total",
    "subtotal",
    "total events",
    "total entries",
    "total rows",
    "total number of events",
    "total number of entries",
    "number of events",
    "number of entries",
    "count",
    "event count",
    "row count",
];

/// Footers (normalised) read whole.
const FOOTERS: &[&str] = &[
    "end",
    "the end",
    "ends",
    "chronology ends",
    "chronology end",
    "no further entries",
    "no further events",
    "no further records",
    "no more entries",
    "end of entries",
];

/// The last word of an `End of … chronology` footer.
const FOOTER_NOUNS: &[&str] = &[
    "chronology",
    "return",
    "document",
    "entries",
    "records",
    "events",
    "submission",
];

/// Words a format placeholder is made of (`dd/mm/yyyy`, `HH:MM (24hr)`,
/// `Date (dd/mm/yy)`), and those of them that say it is one.
const FORMAT_WORDS: &[&str] = &[
    "d", "dd", "m", "mm", "mmm", "mmmm", "yy", "yyyy", "ddmmyy", "ddmmyyyy", "h", "hh", "hhmm",
    "ss", "hrs", "24hr", "24hrs", "24h", "24", "hour", "hours", "clock", "format", "date", "time",
    "or", "e", "g", "eg", "required", "optional",
];
const FORMAT_MARKS: &[&str] = &[
    "dd", "mm", "mmm", "yy", "yyyy", "ddmmyy", "ddmmyyyy", "hh", "hhmm",
];

/// Texts (normalised) that mark a cell as part of an instruction row but
/// are not enough on their own.
const INSTRUCTION_WEAK: &[&str] = &[
    "required",
    "optional",
    "mandatory",
    "required field",
    "optional field",
    "choose from the list",
    "choose from list",
    "select from the list",
    "select from list",
    "choose from drop down",
    "select from drop down",
    "drop down",
    "dropdown",
    "see guidance",
];

/// How a cell of a row that may be an instruction row reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Instruction {
    /// Placeholder, the template's help text, an example: an instruction.
    Strong,
    /// A heading, `required`, `1, 2, 3`: fits an instruction row.
    Weak,
    /// Anything else: the row is not an instruction row.
    No,
}

/// The template's guidance texts, normalised, once.
fn guidance_keys() -> &'static HashSet<String> {
    static KEYS: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        crate::template::guidance_texts()
            .iter()
            .map(|t| normalise(t))
            .collect()
    })
}

fn instruction_kind(key: &str, heading: bool) -> Instruction {
    if guidance_keys().contains(key)
        || key.starts_with("e g ")
        || key.starts_with("eg ")
        || key.starts_with("for example ")
        || key.starts_with("example ")
    {
        return Instruction::Strong;
    }
    let words = || key.split(' ');
    if words().all(|w| FORMAT_WORDS.contains(&w)) && words().any(|w| FORMAT_MARKS.contains(&w)) {
        return Instruction::Strong;
    }
    if heading
        || INSTRUCTION_WEAK.contains(&key)
        || (words().count() >= 2
            && words().all(|w| w.len() <= 3 && w.bytes().all(|b| b.is_ascii_digit())))
    {
        return Instruction::Weak;
    }
    Instruction::No
}

fn is_footer(key: &str) -> bool {
    if FOOTERS.contains(&key) {
        return true;
    }
    let w: Vec<&str> = key.split(' ').collect();
    (3..=7).contains(&w.len())
        && w[0] == "end"
        && w[1] == "of"
        && FOOTER_NOUNS.contains(&w[w.len() - 1])
        && w[2..]
            .iter()
            .all(|x| !x.bytes().any(|b| b.is_ascii_digit()))
}

/// What a totals row holds beside its label: a number, text that is only
/// a number (a count in a CSV export), or the error value of a total that
/// could not be worked out (LibreOffice shows `#VALUE!` for a table's
/// SUBTOTAL it cannot resolve).
fn is_total_value(c: &Cell) -> bool {
    match c {
        Cell::Number(_) | Cell::Error(_) => true,
        Cell::Text(t) => t.trim().parse::<f64>().is_ok_and(f64::is_finite) || is_error_text(t),
        _ => false,
    }
}

/// Whether a row with content is not an event, and what it is.
///
/// The rule is conservative: a row is skipped only when its Date cell
/// holds no date (a date cell, a number from 1900, text starting with a
/// digit or any text read as a date is always an event's) and every cell
/// with content fits one of:
///
/// - a **repeated heading row**: at least three cells, each the heading
///   above it or a template heading;
/// - an **instruction row**: each cell a format placeholder
///   (`dd/mm/yyyy`, `HH:MM`), the template's own help or guidance text, an
///   example (`e.g. GP record`), a heading, `required`/`optional` or
///   `1, 2, 3`, with at least one of the first three;
/// - a **footer**: one cell alone on its row, `End of chronology`,
///   `End of the police return`, `No further entries` … (`End of …` must
///   end with chronology, return, document, entries, records, events or
///   submission);
/// - a **totals row**: `Total` (`Totals`, `Grand total`, `Count` …) in its
///   first cell with content and nothing but numbers (or the error value
///   of a broken SUBTOTAL) in the others.
///
/// Anything else stays a row to merge or reject with its reasons: a row
/// whose Details say *end of chronology period review meeting* with a date
/// and a source is an event. `header` is the header row's cells.
///
/// ```
/// use chronomerge::model::{Cell, RawRow};
/// use chronomerge::validate::{not_an_event, ColumnMap, NotEvent};
/// let mut map = ColumnMap::default();
/// for i in 0..10 { map.cols[i] = Some(i); }
/// let row = |cells: &[&str]| RawRow {
///     row: 2,
///     cells: cells.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect(),
/// };
/// assert_eq!(not_an_event(&row(&["dd/mm/yyyy", "HH:MM"]), &map, &[]), Some(NotEvent::Instruction));
/// assert_eq!(not_an_event(&row(&["", "", "", "", "", "", "", "End of chronology"]), &map, &[]), Some(NotEvent::Footer));
/// assert_eq!(not_an_event(&row(&["05/03/2019", "", "", "GP", "", "", "", "End of chronology period review meeting"]), &map, &[]), None);
/// ```
pub fn not_an_event(row: &RawRow, map: &ColumnMap, header: &[Cell]) -> Option<NotEvent> {
    // An ordinary event's Date cell settles it at once, without a copy:
    // a date cell, a number that may be a year or a serial, text starting
    // with a digit, or any text the date parser reads (`March 2019`,
    // `c. 2019`; whether the date is in the future does not matter here).
    if let Some(dc) = map.cols[Column::Date.index()] {
        match row.cells.get(dc) {
            Some(Cell::DateTime { .. } | Cell::IsoDateTime(_)) => return None,
            Some(Cell::Number(n)) if *n >= 1900.0 => return None,
            Some(Cell::Text(t))
                if t.trim_start().starts_with(|c: char| c.is_ascii_digit())
                    || crate::dates::parse_date(t, &any_day()).is_ok() =>
            {
                return None
            }
            _ => {}
        }
    }
    let cells: Vec<(usize, &Cell)> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_blank())
        .collect();
    let (&(_, first), rest) = cells.split_first()?;
    let first_key = normalise(&first.to_text());
    if TOTAL_LABELS.contains(&first_key.as_str()) && rest.iter().all(|(_, c)| is_total_value(c)) {
        return Some(NotEvent::Total);
    }
    if rest.is_empty() && is_footer(&first_key) {
        return Some(NotEvent::Footer);
    }
    // A heading is short: a long text that holds a heading's words
    // (`… its date and time are checked`) is not one.
    let heading = |ci: usize, key: &str| {
        header
            .get(ci)
            .is_some_and(|h| normalise(&h.to_text()) == key)
            || (key.len() <= HEADING_MAX_LEN
                && matches!(
                    match_heading(key),
                    HeadingMatch::Exact(_) | HeadingMatch::Close(..) | HeadingMatch::Agency
                ))
    };
    let mut all_headings = true;
    let mut strong = false;
    for (i, &(ci, c)) in cells.iter().enumerate() {
        let key = if i == 0 {
            first_key.clone()
        } else {
            normalise(&c.to_text())
        };
        let h = heading(ci, &key);
        all_headings &= h;
        match instruction_kind(&key, h) {
            Instruction::Strong => strong = true,
            Instruction::Weak => {}
            Instruction::No => return None,
        }
    }
    if all_headings && cells.len() >= 3 {
        Some(NotEvent::RepeatedHeading)
    } else {
        strong.then_some(NotEvent::Instruction)
    }
}

/// A date context for asking only whether text reads as a date.
fn any_day() -> DateContext {
    DateContext::new(NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid"))
}

/// The warning for a row [`not_an_event`] skipped: named by its first cell
/// with content, quoting the row's text.
fn skipped_row(file: &str, sheet: &str, row: &RawRow, why: NotEvent) -> Finding {
    const MAX: usize = 200;
    let mut text = String::new();
    let mut first = None;
    for (ci, c) in row.cells.iter().enumerate().filter(|(_, c)| !c.is_blank()) {
        first.get_or_insert(ci);
        if !text.is_empty() {
            text.push_str(" | ");
        }
        text.push_str(c.to_text().trim());
    }
    if text.chars().count() > MAX {
        text = text.chars().take(MAX).collect::<String>() + "…";
    }
    Finding::new(
        Code::RowNotEvent,
        file,
        format!(
            "skipped: not an event ({}): '{text}'; nothing in this row is merged: if it is an event after all, ask the agency to give its date, source and details; otherwise ask them to delete the row",
            why.as_str()
        ),
    )
    .at(sheet, cell_ref(first.unwrap_or(0), row.row))
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
/// merged (an [`Event`]), rejected (with at least one error finding
/// naming it) or skipped as not an event ([`not_an_event`], with a
/// `row-not-event` warning naming it), so
/// `rows_read = rows_merged + rows_rejected + rows_skipped`.
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
            completed: None,
            modified: None,
            agency_at: None,
        };
    }
    let mut findings = raw.findings;
    let details = raw.details.as_ref().map(read_details).unwrap_or_default();
    let details_sheet = raw
        .details
        .as_ref()
        .map(|d| d.name.clone())
        .unwrap_or_else(|| crate::ingest::DETAILS_SHEET.to_string());
    if raw.format.has_details_sheet()
        && raw
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

    let mut sheets = raw.chronology.into_iter();
    let Some(sheet) = sheets.next() else {
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
            completed: date_completed(&details, ctx),
            modified: None,
            agency_at: None,
        };
    };

    let map = map_columns(&sheet, &file, &mut findings);
    let agency_col = map.as_ref().and_then(|m| m.agency);

    // Agency: details sheet, else CSV column, else command line, else file name.
    let mut agency = details.agency.clone();
    let agency_at = match details.agency_row {
        Some(r) if !agency.is_empty() => Some((details_sheet.clone(), cell_ref(1, r))),
        _ => None,
    };
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
        if raw.format.has_details_sheet() || ctx.agency.is_none() {
            let (sheet_name, cell, why) = if raw.format == Format::Docx {
                (
                    sheet.name.clone(),
                    String::new(),
                    "the Word document has no 'Agency:' line (nor an 'Agency' row in a table)",
                )
            } else if raw.details.is_some() {
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
            } else if raw.format == Format::Text {
                (
                    sheet.name.clone(),
                    String::new(),
                    "the text file has no 'Agency' column",
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
        if raw.format.has_details_sheet() || !details.review.is_empty() {
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

    let mut events = Vec::new();
    let mut pool = TextPool::default();
    let mut run = SheetRun {
        file: &file,
        file_arc: raw.file.clone(),
        ctx,
        seq: 0,
        base: None,
    };
    run.check_sheet(
        sheet,
        map,
        false,
        &mut summary,
        &mut findings,
        &mut events,
        &mut pool,
    );
    for sheet in sheets {
        if sheet.rows.is_empty() {
            continue;
        }
        let (map, no_headings) = run.continuation(&sheet, &mut findings);
        run.check_sheet(
            sheet,
            map,
            no_headings,
            &mut summary,
            &mut findings,
            &mut events,
            &mut pool,
        );
    }
    if summary.rows_read == summary.rows_skipped {
        if let Some(base) = &run.base {
            findings.push(
                Finding::new(
                    Code::ChronologyEmpty,
                    &file,
                    "the chronology has headings but no events: check with the agency whether it had no involvement in the period or sent the blank template by mistake",
                )
                .at(base.sheet.as_ref(), cell_ref(0, base.map.header_row + 1)),
            );
        }
    }
    // A sheet that could not be read rejects its own rows, not the file,
    // when another sheet's rows were merged.
    if summary.status == ReturnStatus::Rejected && summary.rows_merged > 0 {
        summary.status = ReturnStatus::MergedWithWarnings;
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
        completed: date_completed(&details, ctx),
        modified: None,
        agency_at,
    }
}

/// The `Date completed` of the agency details, when it is a readable day.
fn date_completed(details: &AgencyDetails, ctx: &CheckContext) -> Option<chrono::NaiveDate> {
    crate::dates::parse_date(&details.date_completed, &ctx.dates)
        .ok()
        .filter(|d| d.value.precision == crate::dates::Precision::Day)
        .map(|d| d.value.start)
}

/// The first chronology sheet with headings: its column map and heading
/// cells, taken by a continuation sheet that has none.
struct BaseSheet {
    map: ColumnMap,
    header: Vec<Cell>,
    sheet: Arc<str>,
}

/// Checks a return's chronology sheets one after the other, in workbook
/// order: the position of a row in the return keeps increasing across
/// sheets.
struct SheetRun<'a> {
    file: &'a str,
    file_arc: Arc<str>,
    ctx: &'a CheckContext,
    /// Rows checked so far (the next row's `seq_in_return`).
    seq: u32,
    base: Option<BaseSheet>,
}

impl SheetRun<'_> {
    /// The column map of a further chronology sheet, with the finding
    /// that says it was read: its own headings, or (none) the first
    /// sheet's. The bool is true for a sheet without headings.
    fn continuation(
        &self,
        sheet: &RawSheet,
        findings: &mut Vec<Finding>,
    ) -> (Option<ColumnMap>, bool) {
        let file = self.file;
        let first = self.base.as_ref().map_or_else(
            || crate::ingest::CHRONOLOGY_SHEET.into(),
            |b| b.sheet.clone(),
        );
        if let Some(hi) = header_row_index(sheet) {
            let named = crate::ingest::is_chronology_name(&sheet.name);
            let mut f = Finding::new(
                Code::SheetContinued,
                file,
                if named {
                    format!(
                        "the chronology continues on the sheet '{}': its rows were read after those of '{first}'",
                        sheet.name
                    )
                } else {
                    format!(
                        "the sheet '{}' is not named as the chronology but has its headings, so its rows were read as part of it (after those of '{first}'): check with the agency that they belong",
                        sheet.name
                    )
                },
            )
            .at(sheet.name.as_str(), cell_ref(0, sheet.rows[hi].row));
            if !named {
                f = f.with_severity(Severity::Warning);
            }
            findings.push(f);
            return (map_columns(sheet, file, findings), false);
        }
        match &self.base {
            Some(base) => {
                let cols: Vec<String> = Column::ALL
                    .iter()
                    .filter_map(|c| {
                        base.map.cols[c.index()]
                            .map(|i| format!("{} {}", crate::model::col_name(i), c.heading()))
                    })
                    .collect();
                findings.push(
                    Finding::new(
                        Code::SheetContinuedNoHeadings,
                        file,
                        format!(
                            "the sheet '{}' has no heading row; it was read as a continuation of '{}' with the same columns ({}): check a few of its rows in the merged chronology, and ask the agency to copy the heading row to the top of the sheet",
                            sheet.name,
                            base.sheet,
                            cols.join(", ")
                        ),
                    )
                    .at(sheet.name.as_str(), cell_ref(0, sheet.rows[0].row)),
                );
                (Some(base.map.clone()), true)
            }
            // No sheet before it had headings either: rejected like the
            // first (map_columns says why).
            None => (map_columns(sheet, file, findings), false),
        }
    }

    /// Checks one chronology sheet's rows into `events`, counting each in
    /// `summary`. `no_headings` is a continuation sheet read under the first
    /// sheet's columns (every row is data).
    #[allow(clippy::too_many_arguments)]
    fn check_sheet(
        &mut self,
        mut sheet: RawSheet,
        map: Option<ColumnMap>,
        no_headings: bool,
        summary: &mut ReturnSummary,
        findings: &mut Vec<Finding>,
        events: &mut Vec<Event>,
        pool: &mut TextPool,
    ) {
        let (file, ctx) = (self.file, self.ctx);
        if sheet.stray_count > 0 {
            let (c, r) = sheet.stray[0];
            findings.push(
                Finding::new(
                    Code::CellOutsideTemplate,
                    file,
                    format!(
                        "{} cell(s) with content lie far to the right of the template's columns (first at {}); they are not merged: ask the agency to move the content into the template's columns or delete it",
                        sheet.stray_count,
                        cell_ref(c, r)
                    ),
                )
                .at(sheet.name.as_str(), cell_ref(c, r)),
            );
        }

        match map {
            None => {
                // Nothing can be read without headings: every row is rejected.
                let n = sheet.rows.len();
                summary.rows_read += n;
                summary.rows_rejected += n;
                summary.status = ReturnStatus::Rejected;
                summary.note = "no heading row".into();
                if n > 0 {
                    findings.push(
                        Finding::new(
                            Code::HeadingMissing,
                            file,
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
                let file_arc = self.file_arc.clone();
                let rejected_before = summary.rows_rejected;
                let uncalculated = sheet.formulas_uncalculated;
                read_layout(
                    &mut sheet,
                    if no_headings { 0 } else { map.header_row },
                    file,
                    findings,
                );
                // Formulas by row, so each row finds its own at once.
                let mut formulas: std::collections::HashMap<u32, Vec<(usize, u32, String)>> =
                    std::collections::HashMap::new();
                for f in sheet.formulas {
                    formulas.entry(f.1).or_default().push(f);
                }
                let mut rows = sheet.rows;
                let (data, header): (Vec<RawRow>, Vec<Cell>) = match (&self.base, no_headings) {
                    // A continuation without headings: the first sheet's.
                    (Some(base), true) => (rows, base.header.clone()),
                    _ => {
                        let data: Vec<RawRow> = rows.drain(map.header_index + 1..).collect();
                        let header = rows.pop().map(|r| r.cells).unwrap_or_default();
                        (data, header)
                    }
                };
                if self.base.is_none() {
                    self.base = Some(BaseSheet {
                        map: map.clone(),
                        header: header.clone(),
                        sheet: sheet_name.clone(),
                    });
                }
                let seq0 = self.seq;
                self.seq = self.seq.saturating_add(data.len() as u32);
                let heading_of =
                    |ci: usize| header.get(ci).map(|c| c.to_text()).unwrap_or_default();
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
                    if let Some(why) = not_an_event(&row, &map, &header) {
                        summary.rows_skipped += 1;
                        findings.push(skipped_row(file, &sheet_name, &row, why));
                        continue;
                    }
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
                        seq0.saturating_add(i as u32),
                        ctx,
                        findings,
                        &row_formulas,
                        uncalculated,
                        &mut order,
                        pool,
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
                order.finish(file, &sheet_name, &first_cell, findings);
                for u in unknown.iter().filter(|u| u.count > 0) {
                    findings.push(
                        Finding::new(
                            Code::CellOutsideTemplate,
                            file,
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
                            file,
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
                            file,
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
                    if summary.rows_rejected > rejected_before {
                        findings.push(
                            Finding::new(
                                Code::HeadingMissing,
                                file,
                                format!(
                                    "{} row(s) (rows {first_row}–{last_row}) were not merged because a required column is missing",
                                    summary.rows_rejected - rejected_before
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

/// Reads a Sequence cell's text: a number, or a number with a decimal
/// comma (`1,5` sorts between 1 and 2). A comma followed by three digits
/// (`1,500`) could be a thousands separator, so it is not read.
///
/// ```
/// use chronomerge::validate::parse_sequence;
/// assert_eq!(parse_sequence(" 1.5 "), Some(1.5));
/// assert_eq!(parse_sequence("1,5"), Some(1.5));
/// assert_eq!(parse_sequence("2,25"), Some(2.25));
/// assert_eq!(parse_sequence("1,500"), None);
/// assert_eq!(parse_sequence("1,5,2"), None);
/// assert_eq!(parse_sequence("first"), None);
/// ```
pub fn parse_sequence(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    let (whole, frac) = t.split_once(',')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    format!("{whole}.{frac}").parse().ok()
}

/// True when a formula cell's value is not the formula's result: nothing
/// was saved (openpyxl, a script writing `<f>` alone), or the writer's
/// placeholder `0` (rust_xlsxwriter's and XlsxWriter's default, kept as it
/// is when LibreOffice re-saves the file as .xls or .ods). A `0` is taken
/// as a placeholder where it can mean nothing (a date, a text column), and
/// in Time and Sequence only when the workbook says it was never
/// calculated.
fn formula_value_unsaved(cell: &Cell, col: Column, uncalculated: bool) -> bool {
    let zero = match cell {
        Cell::Number(n) => *n == 0.0,
        Cell::DateTime { serial, .. } => *serial == 0.0,
        _ => false,
    };
    cell.is_blank() || (zero && (uncalculated || !matches!(col, Column::Time | Column::Sequence)))
}

/// Applies a sheet's layout to its rows before they are checked, with a
/// finding for each kind of thing: a merged cell that spans several rows
/// below the header row gives its value to every row with content it
/// covers (`cell-merged`); rows and columns with content that were hidden
/// are named (`rows-hidden`, `columns-hidden`). Costs nothing when the
/// sheet has no merged cells and nothing hidden.
fn read_layout(sheet: &mut RawSheet, header_row: u32, file: &str, findings: &mut Vec<Finding>) {
    const NAMED: usize = 10;
    let mut filled: Vec<String> = Vec::new();
    let mut count = 0usize;
    for m in &sheet.merged {
        let col = m.first_col;
        if m.last_row == m.first_row || m.first_row <= header_row || col >= crate::ingest::MAX_COLS
        {
            continue;
        }
        let Ok(top) = sheet.rows.binary_search_by_key(&m.first_row, |r| r.row) else {
            continue;
        };
        let Some(value) = sheet.rows[top]
            .cells
            .get(col)
            .filter(|c| !c.is_blank())
            .cloned()
        else {
            continue;
        };
        let mut any = false;
        for row in sheet.rows[top + 1..]
            .iter_mut()
            .take_while(|r| r.row <= m.last_row)
        {
            if row.cells.len() <= col {
                row.cells.resize(col + 1, Cell::Empty);
            }
            if row.cells[col].is_blank() {
                row.cells[col] = value.clone();
                any = true;
            }
        }
        if any {
            count += 1;
            if filled.len() < NAMED {
                filled.push(m.range());
            }
        }
    }
    if let Some(first) = filled.first().cloned() {
        let more = if count > filled.len() { ", …" } else { "" };
        findings.push(
            Finding::new(
                Code::CellMerged,
                file,
                format!(
                    "{count} merged cell(s) span several rows ({}{more}): each one's value was read for every row it covers; check those rows in the merged chronology",
                    filled.join(", ")
                ),
            )
            .at(sheet.name.as_str(), first),
        );
    }
    if !sheet.hidden_rows.is_empty() {
        sheet.hidden_rows.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut n = 0usize;
        let mut h = sheet.hidden_rows.iter().peekable();
        for row in &sheet.rows {
            while h.next_if(|&&(_, b)| b < row.row).is_some() {}
            if h.peek().is_some_and(|&&(a, _)| a <= row.row) {
                n += 1;
                match ranges.last_mut() {
                    Some(last) if last.1 + 1 == row.row => last.1 = row.row,
                    _ => ranges.push((row.row, row.row)),
                }
            }
        }
        if let Some(&(first, _)) = ranges.first() {
            let mut list: Vec<String> = ranges
                .iter()
                .take(NAMED)
                .map(|&(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}–{b}")
                    }
                })
                .collect();
            if ranges.len() > NAMED {
                list.push("…".into());
            }
            findings.push(
                Finding::new(
                    Code::RowsHidden,
                    file,
                    format!(
                        "{n} row(s) with content were hidden (or filtered out) in the sheet (rows {}): they were read and merged like the others",
                        list.join(", ")
                    ),
                )
                .at(sheet.name.as_str(), cell_ref(0, first)),
            );
        }
    }
    if !sheet.hidden_cols.is_empty() {
        let header = sheet.rows.iter().find(|r| r.row == header_row);
        let mut cols: Vec<usize> = Vec::new();
        for &(a, b) in &sheet.hidden_cols {
            for col in a..=b.min(crate::ingest::MAX_COLS - 1) {
                if sheet
                    .rows
                    .iter()
                    .any(|r| r.cells.get(col).is_some_and(|c| !c.is_blank()))
                {
                    cols.push(col);
                }
            }
        }
        if let Some(&first) = cols.first() {
            let names: Vec<String> = cols
                .iter()
                .map(|&c| {
                    let heading = header
                        .and_then(|h| h.cells.get(c))
                        .map(|h| h.to_text().trim().to_string())
                        .filter(|h| !h.is_empty());
                    match heading {
                        Some(h) => format!("{} '{h}'", crate::model::col_name(c)),
                        None => crate::model::col_name(c),
                    }
                })
                .collect();
            findings.push(
                Finding::new(
                    Code::ColumnsHidden,
                    file,
                    format!(
                        "{} column(s) with content were hidden in the sheet ({}): they were read like the others",
                        cols.len(),
                        names.join(", ")
                    ),
                )
                .at(sheet.name.as_str(), cell_ref(first, header_row.max(1))),
            );
        }
    }
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
    uncalculated: bool,
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
    let mut source = take_cell(&mut vals, Column::Source);
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
    // Template columns whose formula has no saved value: one finding
    // each, and no "is empty" beside it.
    let mut unsaved: Vec<usize> = Vec::new();
    for (col, _, f) in formulas {
        if map.unknown.contains(col) || map.unclear.iter().any(|(c, _)| c == col) {
            continue;
        }
        if is_note && *col != date_col && *col != time_col {
            continue;
        }
        if let Some(which) = Column::ALL
            .iter()
            .copied()
            .find(|c| map.cols[c.index()] == Some(*col))
        {
            let cell = if which == Column::Source {
                &mut source
            } else {
                &mut vals[which.index()].0
            };
            if formula_value_unsaved(cell, which, uncalculated) {
                *cell = Cell::Empty;
                unsaved.push(*col);
                push(
                    Finding::new(
                        Code::CellFormulaUnsaved,
                        &file,
                        format!("the cell holds the formula ={f} whose value was not saved (the file was written by a program that does not calculate formulas), so the row is not merged: ask the agency to open the return in Excel and save it, or paste values over the formulas, and send it again"),
                    )
                    .at(sheet.as_str(), cell_ref(*col, r)),
                    &mut row_errors,
                );
                continue;
            }
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
            if code == Code::DateMissing && unsaved.contains(&date_col) {
                row_errors += 1;
            } else {
                push(
                    Finding::new(code, &file, what).at(sheet.as_str(), cell_ref(date_col, r)),
                    &mut row_errors,
                );
            }
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

    let mut time_approximate = false;
    let time = match read_time_value(&time_cell) {
        Ok(Some(t)) => {
            time_approximate = t.approximate;
            Some(t.time)
        }
        Ok(None) => date.and_then(|d| d.time),
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
        other => match parse_sequence(&other.to_text()) {
            Some(n) => Some(n),
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
        if source_text.is_empty() && !unsaved.contains(&source_col) {
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
        if details.is_empty() && !unsaved.contains(&details_col) {
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
            if !unsaved.contains(&etype_col) {
                push(
                    Finding::new(
                        Code::EventTypeMissing,
                        &file,
                        "'Event type' is empty: ask the agency to choose one from the list",
                    )
                    .at(sheet.as_str(), cell_ref(etype_col, r)),
                    &mut row_errors,
                );
            }
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
    let mut date = date?;
    if row_errors > 0 {
        return None;
    }
    date.time_approximate = time_approximate;
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
            chronology: vec![RawSheet {
                name: "Chronology".into(),
                rows: all,
                ..RawSheet::default()
            }],
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
