//! One chronology row at a time: whether a row with content is an event at
//! all ([`not_an_event`]), and the [`RowChecker`] that reads an event's
//! cells (error values, formulas, date, time, sequence, the required
//! texts) into an [`Event`] or rejects it with its findings.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};

use super::headings::{match_heading, ColumnMap, HeadingMatch, HEADING_SIMILARITY};
use super::order::OrderTracker;
use super::pool::TextPool;
use super::CheckContext;
use crate::dates::{
    display, read_date_cell, read_time_value, DateContext, DateProblem, DateValue, DateWarning,
    Precision,
};
use crate::findings::{Code, Finding};
use crate::model::{cell_ref, normalise, Cell, Column, Event, Origin, RawRow, EVENT_TYPES};

/// True for the Source of an author's note (`# …`, `^ …`, `¬ …`, `~ …`),
/// which passes every check but its date and time.
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
        crate::guidance::guidance_texts()
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
                    HeadingMatch::Exact(_)
                        | HeadingMatch::Close(..)
                        | HeadingMatch::Agency
                        | HeadingMatch::KeyLine
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
fn match_event_type(text: &str) -> Option<usize> {
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
fn closest_event_type(text: &str) -> Option<&'static str> {
    let key = normalise(text);
    EVENT_TYPES
        .iter()
        .zip(normalised_event_types())
        .map(|(t, n)| (t, strsim::normalized_levenshtein(&key, n)))
        .filter(|(_, s)| *s >= HEADING_SIMILARITY)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| *t)
}

/// True for text that is a spreadsheet error value as Excel or LibreOffice
/// shows it (`#REF!`, `#N/A`, `Err:502` …): what a CSV export or a
/// copy-and-paste of values leaves where a formula broke.
fn is_error_text(s: &str) -> bool {
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
fn parse_sequence(text: &str) -> Option<f64> {
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

/// Checks the rows of one chronology sheet into [`Event`]s, with the
/// findings about each row. It holds, once for the sheet, what every row
/// needs: the column map, the file and sheet the findings name, the
/// review's context, the findings, the text pool and the date-order
/// tracker.
pub(super) struct RowChecker<'a> {
    map: &'a ColumnMap,
    /// The file and sheet of the rows; `row` is that of the row checked.
    origin: Origin,
    ctx: &'a CheckContext,
    findings: &'a mut Vec<Finding>,
    pool: &'a mut TextPool,
    order: OrderTracker,
    /// The workbook says its formulas were never calculated.
    uncalculated: bool,
    /// Error findings about the row being checked.
    errors: usize,
    /// The review's key lines, normalised, and their entries (`KLOE 1:
    /// text`), made once for a sheet with a `Key line of enquiry` column.
    key_lines: Vec<(String, Arc<str>)>,
    /// The empty text every event without a key line shares.
    no_key_line: Arc<str>,
}

impl<'a> RowChecker<'a> {
    /// A checker for the rows of `sheet` in `file`.
    pub(super) fn new(
        map: &'a ColumnMap,
        file: Arc<str>,
        sheet: Arc<str>,
        ctx: &'a CheckContext,
        findings: &'a mut Vec<Finding>,
        pool: &'a mut TextPool,
        uncalculated: bool,
    ) -> Self {
        RowChecker {
            map,
            origin: Origin {
                file,
                sheet,
                row: 0,
            },
            ctx,
            findings,
            pool,
            order: OrderTracker::default(),
            uncalculated,
            errors: 0,
            key_lines: match map.key_line {
                Some(_) => ctx
                    .key_lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (normalise(l), crate::key_lines::entry(i, l).into()))
                    .collect(),
                None => Vec::new(),
            },
            no_key_line: Arc::from(""),
        }
    }

    /// The warning for a row [`not_an_event`] found is not an event.
    pub(super) fn skip(&mut self, row: &RawRow, why: NotEvent) {
        let f = skipped_row(&self.origin.file, &self.origin.sheet, row, why);
        self.findings.push(f);
    }

    /// The sheet's findings about date order, after its last row;
    /// `first_cell` is the first data row's Date cell.
    pub(super) fn finish(self, first_cell: &str) {
        let (file, sheet) = (&self.origin.file, &self.origin.sheet);
        self.order.finish(file, sheet, first_cell, self.findings);
    }

    /// Checks one row: its event, or `None` when the row is rejected (the
    /// findings say why). `index` is the row's position in the return and
    /// `formulas` the formulas of its cells (column, row, text).
    pub(super) fn check(
        &mut self,
        row: RawRow,
        index: u32,
        formulas: &[(usize, u32, String)],
    ) -> Option<Event> {
        self.origin.row = row.row;
        self.errors = 0;
        let mut row_cells = row.cells;
        let key_line_cell = self
            .map
            .key_line
            .and_then(|ci| row_cells.get_mut(ci))
            .map(std::mem::take);
        let mut cells = self.template_cells(row_cells);
        let source_text = self
            .pool
            .share(cells[Column::Source.index()].to_text().trim());
        // An author's note passes every check but its date and time.
        let is_note = is_note_marker(&source_text);
        self.error_values(&cells, is_note);
        let unsaved = self.formulas(&mut cells, formulas, is_note);
        let [date_cell, time_cell, seq_cell, _, role, subject, etype, details_cell, action, analysis] =
            cells;
        let date_written = date_cell.to_text();
        let date = self.date(&date_cell, &date_written, &unsaved);
        let outside_period = date
            .as_ref()
            .is_some_and(|d| self.date_in_review(d, &date_written));
        let (time, time_approximate) = self.time(&time_cell, date.as_ref());
        let sequence = self.sequence(&seq_cell, is_note);
        let details = trim_owned(details_cell.into_text());
        let event_type = self.pool.share(etype.into_text().trim());
        let event_type_known = if is_note {
            match_event_type(&event_type)
        } else {
            self.required_texts(&source_text, &details, &event_type, &unsaved)
        };
        let key_line = self.key_line(key_line_cell, is_note);
        let mut date = date?;
        if self.errors > 0 {
            return None;
        }
        date.time_approximate = time_approximate;
        Some(Event {
            origin: self.origin.clone(),
            agency: 0,
            date,
            time,
            sequence,
            source: source_text,
            role: self.pool.share(role.into_text().trim()),
            subject: self.pool.share(subject.into_text().trim()),
            event_type,
            event_type_known,
            details,
            action: trim_owned(action.into_text()),
            analysis: trim_owned(analysis.into_text()),
            date_written: self.pool.share(&date_written),
            key_line,
            is_note,
            outside_period,
            seq_in_return: index,
            reference: Default::default(),
        })
    }

    /// The `Key line of enquiry` cell (when the sheet has the column): the
    /// entry of the review's line it names, else the text as written, with
    /// a warning when the review has lines (not for an author's note).
    fn key_line(&mut self, cell: Option<Cell>, is_note: bool) -> Arc<str> {
        let Some(cell) = cell.filter(|c| !c.is_blank()) else {
            return Arc::clone(&self.no_key_line);
        };
        let text = cell.into_text();
        let text = text.trim();
        if text.is_empty() {
            return Arc::clone(&self.no_key_line);
        }
        let key = normalise(text);
        let found = crate::key_lines::find_normalised(self.key_lines.iter().map(|(n, _)| n), &key);
        if let Some(i) = found {
            return Arc::clone(&self.key_lines[i].1);
        }
        if !self.key_lines.is_empty() && !is_note {
            let n = self.key_lines.len();
            let f = self.finding(
                Code::KeyLineUnknown,
                format!(
                    "the key line of enquiry '{text}' is not one of the review's {n} (KLOE 1 to KLOE {n}); it is kept as written: ask the agency to choose one from the list, or leave the cell blank"
                ),
                self.map.key_line.unwrap_or_default(),
            );
            self.report(f);
        }
        self.pool.share(text)
    }

    /// The 0-based sheet column of a template column (its template
    /// position when the sheet does not have it).
    fn col(&self, c: Column) -> usize {
        self.map.cols[c.index()].unwrap_or(c.index())
    }

    /// A finding at the checked row's cell in sheet column `col`.
    fn finding(&self, code: Code, message: impl Into<String>, col: usize) -> Finding {
        Finding::new(code, &*self.origin.file, message)
            .at(&*self.origin.sheet, cell_ref(col, self.origin.row))
    }

    /// Records a finding about the checked row, counting its errors.
    fn report(&mut self, f: Finding) {
        if f.is_error() {
            self.errors += 1;
        }
        self.findings.push(f);
    }

    /// Each template column's cell of the row, moved out of it.
    fn template_cells(&self, mut cells: Vec<Cell>) -> [Cell; 10] {
        std::array::from_fn(|i| match self.map.cols[i] {
            Some(ci) if ci < cells.len() => std::mem::take(&mut cells[ci]),
            _ => Cell::Empty,
        })
    }

    /// Error values (`#REF!`, or the text of one) in the template's
    /// columns (an author's note: in its date and time only).
    fn error_values(&mut self, cells: &[Cell; 10], is_note: bool) {
        let checked: &[Column] = if is_note {
            &[Column::Date, Column::Time]
        } else {
            &Column::ALL
        };
        for &c in checked {
            let err = match &cells[c.index()] {
                Cell::Error(e) => e.clone(),
                Cell::Text(t) if is_error_text(t) => t.trim().to_string(),
                _ => continue,
            };
            let f = self.finding(
                Code::CellError,
                format!(
                    "the '{}' cell holds the error value {err}: ask the agency to type what was meant",
                    c.heading()
                ),
                self.col(c),
            );
            self.report(f);
        }
    }

    /// The row's formulas: one finding each; a template column's formula
    /// whose value was not saved empties its cell (and no "is empty"
    /// finding is made beside it). Returns those columns.
    fn formulas(
        &mut self,
        cells: &mut [Cell; 10],
        formulas: &[(usize, u32, String)],
        is_note: bool,
    ) -> Vec<usize> {
        let (date_col, time_col) = (self.col(Column::Date), self.col(Column::Time));
        let mut unsaved = Vec::new();
        for (col, _, f) in formulas {
            let map = self.map;
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
                let cell = &mut cells[which.index()];
                if formula_value_unsaved(cell, which, self.uncalculated) {
                    *cell = Cell::Empty;
                    unsaved.push(*col);
                    let f = self.finding(
                        Code::CellFormulaUnsaved,
                        format!("the cell holds the formula ={f} whose value was not saved (the file was written by a program that does not calculate formulas), so the row is not merged: ask the agency to open the return in Excel and save it, or paste values over the formulas, and send it again"),
                        *col,
                    );
                    self.report(f);
                    continue;
                }
            }
            let f = self.finding(
                Code::CellFormula,
                format!("the cell holds the formula ={f}; the value it showed was used: ask the agency to type the value instead"),
                *col,
            );
            self.report(f);
        }
        unsaved
    }

    /// Reads the Date cell, with its warnings, or says why it cannot be
    /// read (not when its formula's value was not saved: that is said).
    fn date(&mut self, cell: &Cell, written: &str, unsaved: &[usize]) -> Option<DateValue> {
        let date_col = self.col(Column::Date);
        match read_date_cell(cell, &self.ctx.dates) {
            Ok(read) => {
                for w in read.warnings {
                    let f = match w {
                        DateWarning::WeekdayMismatch { written: day, actual } => self.finding(
                            Code::DateWeekday,
                            format!(
                                "the date '{}' says {day} but that day was a {actual}: ask the agency which is right",
                                written.trim()
                            ),
                            date_col,
                        ),
                        DateWarning::SerialNumber(n) => self.finding(
                            Code::DateSerial,
                            format!(
                                "the date cell holds the plain number {n}, read as the Excel date {}: check it, and ask the agency to format the Date column as dates",
                                read.value.start.format(display::DAY)
                            ),
                            date_col,
                        ),
                    };
                    self.report(f);
                }
                Some(read.value)
            }
            Err(p) => {
                let code = match p {
                    DateProblem::Missing => Code::DateMissing,
                    DateProblem::Unreadable(_) => Code::DateUnreadable,
                    DateProblem::Invalid(_) => Code::DateInvalid,
                };
                if code == Code::DateMissing && unsaved.contains(&date_col) {
                    self.errors += 1;
                    return None;
                }
                let what = match code {
                    Code::DateMissing => "the row has content but no date: ask the agency to give the date of the event (a partial date such as 'March 2019' is allowed)".to_string(),
                    Code::DateUnreadable => format!("{}: ask the agency to write it as dd/mm/yyyy", p.message()),
                    _ => format!("{}: ask the agency to correct it", p.message()),
                };
                let f = self.finding(code, what, date_col);
                self.report(f);
                None
            }
        }
    }

    /// Checks a date against today and the review period, and gives a
    /// full date to the order tracker. True when the date is outside the
    /// period (the event is kept and marked).
    fn date_in_review(&mut self, d: &DateValue, written: &str) -> bool {
        let date_col = self.col(Column::Date);
        let ctx = self.ctx;
        let mut outside_period = false;
        if d.start > ctx.dates.today {
            let f = self.finding(
                Code::DateFuture,
                format!(
                    "the date '{}' is in the future (after {}): ask the agency to correct it",
                    written.trim(),
                    ctx.dates.today.format(display::DAY)
                ),
                date_col,
            );
            self.report(f);
        } else if let Some((from, to)) = ctx.period {
            let margin = chrono::Duration::days(ctx.margin_days.max(0));
            if d.last_day() < from - margin || d.start > to + margin {
                outside_period = true;
                let margin_note = if ctx.margin_days > 0 {
                    format!(" (allowing {} days either side)", ctx.margin_days)
                } else {
                    String::new()
                };
                let f = self.finding(
                    Code::DateOutsidePeriod,
                    format!(
                        "the date '{}' is outside the review period {} – {}{margin_note}: the event is kept and marked; check with the agency that it belongs",
                        written.trim(),
                        from.format(display::DAY),
                        to.format(display::DAY)
                    ),
                    date_col,
                );
                self.report(f);
            }
        }
        if d.precision == Precision::Day {
            let cell = cell_ref(date_col, self.origin.row);
            self.order.see(d.start, cell, written);
        }
        outside_period
    }

    /// The event's time: the Time cell's, else the date cell's; and
    /// whether it is approximate.
    fn time(&mut self, cell: &Cell, date: Option<&DateValue>) -> (Option<NaiveTime>, bool) {
        match read_time_value(cell) {
            Ok(Some(t)) => (Some(t.time), t.approximate),
            Ok(None) => (date.and_then(|d| d.time), false),
            Err(p) => {
                let f = self.finding(
                    Code::TimeUnreadable,
                    format!(
                        "the time '{}' cannot be read: the event is kept without a time; ask the agency to write it as HH:MM",
                        p.0
                    ),
                    self.col(Column::Time),
                );
                self.report(f);
                (date.and_then(|d| d.time), false)
            }
        }
    }

    /// The Sequence cell's number, if it holds one.
    fn sequence(&mut self, cell: &Cell, is_note: bool) -> Option<f64> {
        match cell {
            Cell::Empty => None,
            Cell::Number(n) => Some(*n),
            other => match parse_sequence(&other.to_text()) {
                Some(n) => Some(n),
                _ if other.is_blank() || is_note => None,
                _ => {
                    let f = self.finding(
                        Code::SequenceUnreadable,
                        format!(
                            "the sequence '{}' is not a number: the event is kept without one; ask the agency to put a number",
                            other.to_text().trim()
                        ),
                        self.col(Column::Sequence),
                    );
                    self.report(f);
                    None
                }
            },
        }
    }

    /// Checks what every event must say (source, details, an event type
    /// from the template's list) and returns the event type's place in
    /// that list.
    fn required_texts(
        &mut self,
        source: &str,
        details: &str,
        event_type: &str,
        unsaved: &[usize],
    ) -> Option<usize> {
        let source_col = self.col(Column::Source);
        if source.is_empty() && !unsaved.contains(&source_col) {
            let f = self.finding(
                Code::SourceMissing,
                "'Source of information' is empty: ask the agency to say where the entry comes from (e.g. 'GP record')",
                source_col,
            );
            self.report(f);
        }
        let details_col = self.col(Column::Details);
        if details.is_empty() && !unsaved.contains(&details_col) {
            let f = self.finding(
                Code::DetailsMissing,
                "'Details of event' is empty: ask the agency to describe the event",
                details_col,
            );
            self.report(f);
        }
        let etype_col = self.col(Column::EventType);
        if event_type.is_empty() {
            if !unsaved.contains(&etype_col) {
                let f = self.finding(
                    Code::EventTypeMissing,
                    "'Event type' is empty: ask the agency to choose one from the list",
                    etype_col,
                );
                self.report(f);
            }
            return None;
        }
        let known = match_event_type(event_type);
        if known.is_none() {
            let f = self.finding(
                Code::EventTypeUnknown,
                format!(
                    "the event type '{event_type}' is not in the template's list{}: it is kept as written; ask the agency to choose one from the list",
                    closest_event_type(event_type)
                        .map(|t| format!(" (did they mean '{t}'?)"))
                        .unwrap_or_default()
                ),
                etype_col,
            );
            self.report(f);
        }
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The examples that were the documentation of the event type,
    /// sequence and error value readers.
    #[test]
    fn event_types_sequences_and_error_values_are_read() {
        assert_eq!(match_event_type("referral MADE"), Some(3));
        assert_eq!(match_event_type("Phone call"), None);
        assert_eq!(closest_event_type("Refferal made"), Some("Referral made"));
        assert_eq!(closest_event_type("Phone call"), None);
        assert_eq!(parse_sequence(" 1.5 "), Some(1.5));
        assert_eq!(parse_sequence("1,5"), Some(1.5));
        assert_eq!(parse_sequence("2,25"), Some(2.25));
        assert_eq!(parse_sequence("1,500"), None);
        assert_eq!(parse_sequence("1,5,2"), None);
        assert_eq!(parse_sequence("first"), None);
        assert!(is_error_text(" #REF! "));
        assert!(is_error_text("Err:502"));
        assert!(!is_error_text("#1 priority"));
    }
}
