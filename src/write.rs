//! Write: the merged workbook that the reviewer opens (see `OUTPUT.md`).
//!
//! Sheets, in order: `Chronology` (one event a row, filled with its
//! agency's colour, headings and the `#` and `Date` columns frozen, a
//! filter on every column), `Timeline` (native Excel charts of events per
//! month by agency and of the candidate key practice episodes, with their
//! data), `Key practice episodes`, `Findings`, `Returns`, `Agencies` (the
//! colour legend, with each agency's counts, dates and returns) and `About`
//! (when, how and from which files the workbook was made, and whether it
//! was anonymised).
//!
//! Every cell that comes from a return is written as a string or a number,
//! never as a formula, link or rich text, so nothing an agency typed can run
//! on the reviewer's machine. With a [`Glossary`] every such string is
//! anonymised on the way out. Every sheet prints landscape, fitted to the
//! page width, with its heading row repeated, the review reference and the
//! protective marking in the header and `Page x of y` in the footer.
//!
//! The file is written to a temporary file in the output folder and renamed
//! over the target, so a reader never sees half a workbook and a failed
//! write leaves the previous one in place.
//!
//! Written to a file, every sheet but `Timeline` is streamed (through
//! temporary files in the output folder), and the `Chronology`'s rows,
//! most of the workbook, are written by the engine itself as the sheet's
//! XML while the save compresses them (`src/write/rows.rs`,
//! `src/write/splice.rs`); built in memory ([`build_workbook`]), every
//! cell goes through rust_xlsxwriter.
//! Both take each row's cells from the same code, and `tests/stream.rs`
//! checks that the two workbooks read back the same, cell by cell, format by
//! format and row height by row height.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill, ChartType, Color,
    DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

mod rows;
mod splice;

use crate::config::MergeOptions;
use crate::config::ReviewConfig;
use crate::dates::{datetime_to_serial, DateValue, Precision};
use crate::findings::Severity;
use crate::glossary::Glossary;
use crate::model::MergedReview;
use crate::output::{output_dir, OutputError, Step};

/// Above this many events a workbook written to a file is streamed: every
/// sheet but `Timeline` through a temporary file in the output folder
/// (rust_xlsxwriter's constant-memory mode), and the `Chronology`'s rows
/// written by the engine straight into the file as it is saved. Both
/// faster and smaller than holding the sheets in memory (an in-memory
/// sheet costs about 6 KB an event), so it is the default for every size.
/// [`WriteOptions::stream_above`] can raise it.
pub const STREAM_ABOVE_EVENTS: usize = 0;

/// The deflate level of the workbook's zip container (1 fastest … 9
/// smallest; rust_xlsxwriter's default is 6). Saving is a quarter of a
/// large merge, and a chronology is stored, not downloaded, so speed wins:
/// on M (60,000 events, zlib-rs) level 1 saves in 0.65 s for 12.3 MB, 2 in
/// 0.70 s for 9.4 MB, 3 in 0.77 s for 8.3 MB.
pub const ZIP_LEVEL: u8 = 2;

/// Excel's limit on the characters of one cell.
pub const CELL_LIMIT: usize = 32_767;
/// Rows on one sheet, heading included.
pub const SHEET_ROWS: u32 = 1_048_576;

/// The protective marking printed when the review sets none.
pub const DEFAULT_MARKING: &str = "OFFICIAL-SENSITIVE";

/// The headings of the `Chronology` sheet that `OUTPUT.md` and the CSV
/// export share, in order. The sheet adds [`INTERVAL`] and, when the
/// review gives dates of birth, [`AGE_AT_EVENT`] after `Time`.
pub const CHRONOLOGY_HEADINGS: [&str; 16] = [
    "#",
    "Date",
    "Time",
    "Agency",
    "Source of information",
    "Practitioner role",
    "Child or family member",
    "Event type",
    "Details of event",
    "Action / outcome",
    "Analysis / comment",
    "Date as written",
    "Date note",
    "Key practice episode",
    "Also reported by",
    "Origin",
];

/// Heading of the column giving the child's age at each event.
pub const AGE_AT_EVENT: &str = "Age at event";
/// Heading of the column giving the days since the previous dated event.
pub const INTERVAL: &str = "Interval";

/// Column widths of [`CHRONOLOGY_HEADINGS`], set for reading: the text
/// columns wide, codes and numbers narrow.
const WIDTHS: [f64; 16] = [
    6.0, 10.5, 7.0, 16.0, 16.0, 14.0, 12.0, 16.0, 55.0, 28.0, 28.0, 12.0, 14.0, 9.0, 16.0, 24.0,
];

/// Why the workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The workbook cannot be written: its folder is missing, is not a
    /// folder or cannot be written to, or the disk is full (the message
    /// names the workbook and says why, see [`OutputError`]).
    #[error("{0}. Choose another output with -o")]
    Folder(OutputError),
    /// The workbook library failed.
    #[error("the workbook could not be built: {0}")]
    Xlsx(#[from] XlsxError),
    /// The target is locked (open in Excel) or cannot be replaced.
    #[error("{0}. If the workbook is open in Excel, close it and run again, or choose another output with -o")]
    Replace(OutputError),
    /// The review configuration cannot be used for the workbook.
    #[error("review.toml: {0}")]
    Config(String),
    /// The engine could not put the workbook together (a fault in the
    /// engine, never in the returns).
    #[error("the workbook could not be put together: {0}")]
    Internal(String),
}

/// What the workbook needs besides the merged review.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Anonymise every text written from the returns with this glossary.
    pub glossary: Option<Glossary>,
    /// Stream the sheets (all but `Timeline`) through temporary files in
    /// the output folder when the chronology has more events than this
    /// (default [`STREAM_ABOVE_EVENTS`], always); `Some(usize::MAX)` builds
    /// them in memory.
    pub stream_above: Option<usize>,
    /// The glossary's file name, for the `About` sheet.
    pub glossary_file: Option<String>,
    /// The most rows one sheet uses: its heading, its rows and the empty
    /// row a streamed sheet ends on. Excel's [`SHEET_ROWS`] when `None`
    /// (and at most that; at least 3). A chronology or a list of findings
    /// longer than a sheet goes on in `Chronology (2)`, `Findings (2)` and
    /// so on, nothing left out.
    ///
    /// ```
    /// use chronomerge::write::WriteOptions;
    /// let opts = WriteOptions { rows_per_sheet: Some(60_000), ..WriteOptions::default() };
    /// assert_eq!(opts.rows_per_sheet, Some(60_000));
    /// ```
    pub rows_per_sheet: Option<u32>,
}

impl WriteOptions {
    /// The write options that merge options ask for: loads the glossary
    /// (`--glossary`). The error says what to fix.
    pub fn from_merge_options(opts: &MergeOptions) -> Result<WriteOptions, String> {
        match &opts.glossary {
            None => Ok(WriteOptions::default()),
            Some(p) => Ok(WriteOptions {
                stream_above: None,
                rows_per_sheet: None,
                glossary: Some(Glossary::load(p).map_err(|e| e.to_string())?),
                glossary_file: Some(
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| p.display().to_string()),
                ),
            }),
        }
    }
}

/// A child whose age the chronology shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The label the returns use, e.g. `Child A`.
    pub label: String,
    /// Date of birth.
    pub born: NaiveDate,
}

/// The children of `review.toml`'s `[children]` table, eldest first:
///
/// ```toml
/// [children]
/// "Child A" = 2019-05-01
/// "Child B" = "2021-11-30"
/// ```
///
/// ```
/// let cfg: chronomerge::config::ReviewConfig =
///     toml::from_str("[children]\n\"Child B\" = 2021-11-30\n\"Child A\" = 2019-05-01\n").unwrap();
/// let kids = chronomerge::write::children(&cfg).unwrap();
/// assert_eq!(kids[0].label, "Child A");
/// assert_eq!(kids.len(), 2);
/// ```
pub fn children(config: &ReviewConfig) -> Result<Vec<Child>, String> {
    let Some(table) = &config.children else {
        return Ok(vec![]);
    };
    let mut out = Vec::with_capacity(table.len());
    for (label, v) in table {
        let bad = || {
            format!("[children] \"{label}\" must be a date of birth such as 2020-05-01, not {v}")
        };
        let born = match v {
            toml::Value::Datetime(dt) => dt
                .date
                .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
                .ok_or_else(bad)?,
            toml::Value::String(s) => crate::config::parse_cli_date(s).map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if label.trim().is_empty() {
            return Err(
                "[children] has an entry with no label: write \"Child A\" = 2020-05-01".into(),
            );
        }
        out.push(Child {
            label: label.trim().to_string(),
            born,
        });
    }
    out.sort_by(|a, b| a.born.cmp(&b.born).then_with(|| a.label.cmp(&b.label)));
    Ok(out)
}

/// A child's age on a day in years and months, as the chronology shows
/// it: `unborn` before the birth, days in the first month.
///
/// ```
/// use chrono::NaiveDate;
/// use chronomerge::write::age_at;
/// let born = NaiveDate::from_ymd_opt(2020, 5, 31).unwrap();
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(age_at(born, d(2020, 5, 1)), "unborn");
/// assert_eq!(age_at(born, d(2020, 5, 31)), "0 days");
/// assert_eq!(age_at(born, d(2020, 6, 1)), "1 day");
/// assert_eq!(age_at(born, d(2020, 6, 30)), "1 month");
/// assert_eq!(age_at(born, d(2021, 5, 30)), "11 months");
/// assert_eq!(age_at(born, d(2021, 5, 31)), "1 year");
/// assert_eq!(age_at(born, d(2023, 8, 2)), "3 years 2 months");
/// ```
pub fn age_at(born: NaiveDate, on: NaiveDate) -> String {
    if on < born {
        return "unborn".into();
    }
    let mut months = (on.year() - born.year()) * 12 + on.month() as i32 - born.month() as i32;
    // A month is complete on the same day of the month, or on the last
    // day of a shorter month.
    let last_of_month = on.succ_opt().is_none_or(|n| n.month() != on.month());
    if on.day() < born.day() && !last_of_month {
        months -= 1;
    }
    if months <= 0 {
        let days = (on - born).num_days();
        return if days == 1 {
            "1 day".into()
        } else {
            format!("{days} days")
        };
    }
    let (y, m) = (months / 12, months % 12);
    let unit = |n: i32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (y, m) {
        (0, m) => unit(m, "month", "months"),
        (y, 0) => unit(y, "year", "years"),
        (y, m) => format!(
            "{} {}",
            unit(y, "year", "years"),
            unit(m, "month", "months")
        ),
    }
}

/// True when `needle` occurs in `hay` as whole words, ignoring ASCII case.
fn contains_words(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return false;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    (0..=h.len() - n.len()).any(|i| {
        h[i..i + n.len()].eq_ignore_ascii_case(n)
            && (i == 0 || !word(h[i - 1]) || !word(n[0]))
            && (i + n.len() == h.len() || !word(h[i + n.len()]) || !word(n[n.len() - 1]))
    })
}

/// The `Age at event` cell of an event. One child in the review: its age.
/// Several: the age of the child the `Child or family member` cell names,
/// each age labelled when it names more than one, and when it names none
/// the eldest child's age, labelled.
fn age_cell(kids: &[Child], subject: &str, on: NaiveDate, buf: &mut String) {
    buf.clear();
    if kids.is_empty() {
        return;
    }
    if kids.len() == 1 {
        buf.push_str(&age_at(kids[0].born, on));
        return;
    }
    let mut named = kids.iter().filter(|k| contains_words(subject, &k.label));
    match (named.next(), named.next()) {
        // The cell names one child: its age, as the cell already says whose.
        (Some(k), None) => buf.push_str(&age_at(k.born, on)),
        // Several: each child's age, labelled.
        (Some(a), Some(b)) => {
            for k in [a, b].into_iter().chain(named) {
                if !buf.is_empty() {
                    buf.push_str("; ");
                }
                let _ = write!(buf, "{}: {}", k.label, age_at(k.born, on));
            }
        }
        (None, _) => {}
    }
    if buf.is_empty() {
        let _ = write!(buf, "{} ({})", age_at(kids[0].born, on), kids[0].label);
    }
}

/// Points per line of 11-point Calibri.
const LINE_PT: f64 = 15.0;
/// Excel's tallest row, in points.
const MAX_ROW_PT: f64 = 409.0;

/// How many lines `text` takes when wrapped in a column `width` characters
/// wide (Excel's width unit: one `0` of the default font). Words are
/// wrapped greedily by characters; average prose is a little narrower than
/// `0`, so the estimate errs towards one line too many, never too few.
///
/// ```
/// use chronomerge::write::wrap_lines;
/// assert_eq!(wrap_lines("", 10.0), 1);
/// assert_eq!(wrap_lines("short", 10.0), 1);
/// assert_eq!(wrap_lines("one\ntwo\nthree", 30.0), 3);
/// assert!(wrap_lines(&"word ".repeat(100), 20.0) >= 20);
/// ```
pub fn wrap_lines(text: &str, width: f64) -> u32 {
    let cap = (((width * 7.0 + 5.0) / 6.0) as usize).max(1);
    // Most cells fit on one line: no need to look at their words.
    if text.len() <= cap && !text.as_bytes().contains(&b'\n') {
        return 1;
    }
    let mut lines = 0u32;
    for para in text.split('\n') {
        let n = if para.is_ascii() {
            para_lines(ascii_words(para.as_bytes()), cap)
        } else {
            para_lines(para.split_whitespace().map(|w| w.chars().count()), cap)
        };
        lines = lines.saturating_add(n);
        if lines as f64 * LINE_PT > MAX_ROW_PT {
            break;
        }
    }
    lines.max(1)
}

/// The lengths of the words of ASCII text (split at the ASCII spaces
/// `char::is_whitespace` knows: space, tab, line feed, vertical tab, form
/// feed, carriage return).
fn ascii_words(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let space = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !space(b[i]) {
            i += 1;
        }
        (i > start).then_some(i - start)
    })
}

/// The lines of one paragraph, given the lengths of its words (empty
/// lengths, from runs of spaces, are skipped), wrapped greedily at `cap`.
fn para_lines(words: impl Iterator<Item = usize>, cap: usize) -> u32 {
    let mut n = 1u32;
    let mut used = 0usize;
    for len in words.filter(|&l| l > 0) {
        if used > 0 && used + 1 + len <= cap {
            used += 1 + len;
            continue;
        }
        if used > 0 {
            n += 1;
        }
        // A word longer than a line breaks across lines.
        n += ((len - 1) / cap) as u32;
        used = len - (len - 1) / cap * cap;
    }
    n
}

/// Sets the height of a row to show every line of its wrapped cells
/// (LibreOffice does not fit rows when it opens a workbook, and printing
/// needs the height).
fn fit_row(ws: &mut Worksheet, row: u32, lines: u32) -> Result<(), XlsxError> {
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * LINE_PT).min(MAX_ROW_PT))?;
    }
    Ok(())
}

/// The lines a row needs: the most of any of its (text, width) cells.
fn row_lines<'t>(cells: impl IntoIterator<Item = (&'t str, f64)>) -> u32 {
    cells
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .map(|(t, w)| wrap_lines(t, w))
        .max()
        .unwrap_or(1)
}

/// The most UTF-16 units [`split_for_cells`] puts in one cell: Excel counts
/// UTF-16 units, and parts stay well inside its limit.
const PART: usize = 32_000;

/// Text safe to hand to the writer: an empty string stays empty, and a
/// string over Excel's cell limit is split into parts (see
/// [`split_for_cells`]).
///
/// ```
/// let long = "x".repeat(70_000);
/// let parts = chronomerge::write::split_for_cells(&long);
/// assert_eq!(parts.len(), 3);
/// assert!(parts.iter().all(|p| p.chars().count() <= chronomerge::write::CELL_LIMIT));
/// assert_eq!(parts.concat(), long);
/// ```
pub fn split_for_cells(text: &str) -> Vec<&str> {
    if text.len() <= PART {
        return vec![text];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, ch) in text.char_indices() {
        if count == PART {
            parts.push(&text[start..i]);
            start = i;
            count = 0;
        }
        count += ch.len_utf16();
    }
    parts.push(&text[start..]);
    parts
}

/// Writes a string cell of the engine's own words. Text that looks like a
/// formula stays text: the writer never parses strings.
fn label(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if s.is_empty() {
        ws.write_blank(row, col, f)?;
    } else {
        ws.write_string_with_format(row, col, s, f)?;
    }
    Ok(())
}

/// Writes text that came from the returns: always as a plain string, and
/// anonymised when there is a glossary (counting the replacements).
struct Input<'g> {
    glossary: Option<&'g Glossary>,
    replacements: usize,
}

impl Input<'_> {
    /// The text as it goes out.
    fn clean<'s>(&mut self, s: &'s str) -> Cow<'s, str> {
        match self.glossary {
            None => Cow::Borrowed(s),
            Some(g) => {
                let (out, n) = g.replace(s);
                self.replacements += n;
                out
            }
        }
    }

    fn put(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        s: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        let s = self.clean(s);
        label(ws, row, col, &s, f)
    }
}

struct AgencyFormats {
    text: Format,
    date_day: Format,
    date_month: Format,
    date_year: Format,
    time: Format,
    number: Format,
    days: Format,
    note: Format,
}

impl AgencyFormats {
    fn date(&self, p: Precision) -> &Format {
        match p {
            Precision::Day => &self.date_day,
            Precision::Month => &self.date_month,
            Precision::Year => &self.date_year,
        }
    }
}

fn agency_formats(colour: u32) -> AgencyFormats {
    let base = Format::new()
        .set_background_color(Color::RGB(colour))
        .set_font_color(Color::Black)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xA6A6A6))
        .set_align(FormatAlign::Top);
    AgencyFormats {
        text: base.clone().set_text_wrap(),
        date_day: base.clone().set_num_format("dd/mm/yyyy"),
        date_month: base.clone().set_num_format("mmm yyyy"),
        date_year: base.clone().set_num_format("yyyy"),
        time: base.clone().set_num_format("hh:mm"),
        number: base.clone(),
        days: base
            .clone()
            .set_num_format("[=1]\"1 day\";0\" days\"")
            .set_align(FormatAlign::Center),
        note: base.set_text_wrap().set_italic(),
    }
}

fn heading_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0x1F3864))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin)
}

fn write_headings(ws: &mut Worksheet, headings: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    let h = heading_format();
    for (i, name) in headings.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, &h)?;
        if let Some(w) = widths.get(i) {
            ws.set_column_width(i as u16, *w)?;
        }
    }
    // Bold headings are a little wider than prose.
    let lines = row_lines(
        headings
            .iter()
            .zip(widths.iter().chain(std::iter::repeat(&8.43)))
            .map(|(h, w)| (*h, w * 0.85)),
    );
    fit_row(ws, 0, lines)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// What every printed page carries.
struct Page {
    reference: String,
    marking: String,
    made: String,
}

impl Page {
    /// Landscape A4, fitted to the page width, the heading rows repeated,
    /// the review reference and marking in the header, page x of y below.
    fn setup(&self, ws: &mut Worksheet, title: &str, heading_rows: u32) -> Result<(), XlsxError> {
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_margins(0.4, 0.4, 0.75, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        if heading_rows > 0 {
            ws.set_repeat_rows(0, heading_rows - 1)?;
        }
        let reference = if self.reference.is_empty() {
            "Multi-agency chronology".to_string()
        } else {
            format!("Review {}", escape_hf(&self.reference))
        };
        ws.set_header(format!(
            "&L{}&C&\"-,Bold\"{}&R{}",
            clip(&reference, 60),
            clip(&escape_hf(&self.marking), 60),
            clip(&escape_hf(title), 60)
        ));
        ws.set_footer(format!(
            "&L{}&CPage &P of &N&RMade {} by chronomerge",
            clip(&escape_hf(&self.marking), 60),
            self.made
        ));
        Ok(())
    }
}

/// At most `n` characters (headers and footers are limited to 255).
fn clip(s: &str, n: usize) -> Cow<'_, str> {
    match s.char_indices().nth(n) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Escapes `&` for an Excel header or footer.
fn escape_hf(s: &str) -> String {
    s.replace('&', "&&")
}

/// Writes the merged workbook to `path`, atomically.
pub fn write_workbook(review: &MergedReview, path: &Path) -> Result<(), WriteError> {
    write_workbook_with(review, path, &WriteOptions::default())
}

/// Writes the merged workbook to `path` with options (a glossary),
/// atomically.
pub fn write_workbook_with(
    review: &MergedReview,
    path: &Path,
    opts: &WriteOptions,
) -> Result<(), WriteError> {
    let dir = output_dir(path);
    build(review, opts, Some(&dir))
        .map_err(|e| e.for_output(path))?
        .save_atomically(path)
}

/// A merged workbook built and ready to save, as [`write_workbook_with`]
/// saves it: every sheet but the `Chronology`'s rows streamed through
/// temporary files, the rows themselves written into the file by
/// [`Built::save_atomically`] (see `src/write/splice.rs`).
pub struct Built<'a> {
    workbook: Workbook,
    pending: Option<splice::Pending<'a>>,
}

impl Built<'_> {
    /// Saves the workbook through a temporary file in the target's folder,
    /// then renames it over the target (see [`save_atomically`]).
    pub fn save_atomically(&mut self, path: &Path) -> Result<(), WriteError> {
        match &self.pending {
            None => save_atomically(&mut self.workbook, path),
            Some(p) => splice::save(&mut self.workbook, p, path),
        }
    }
}

/// Builds the workbook that [`write_workbook_with`] saves, streaming its
/// sheets through temporary files in `dir` (which should be the output's
/// folder, so that nothing is written anywhere else): for timing the build
/// and the save apart.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chronomerge::pipeline::{merge_dir, MergeOptions};
/// use chronomerge::write::{build_workbook_in, WriteOptions};
/// use std::path::Path;
///
/// let review = merge_dir(Path::new("review"), &MergeOptions::default())?;
/// let opts = WriteOptions::default();
/// let mut built = build_workbook_in(&review, &opts, Path::new("out"))?;
/// built.save_atomically(Path::new("out/merged.xlsx"))?;
/// # Ok(())
/// # }
/// ```
pub fn build_workbook_in<'a>(
    review: &'a MergedReview,
    opts: &'a WriteOptions,
    dir: &Path,
) -> Result<Built<'a>, WriteError> {
    build(review, opts, Some(dir))
}

/// Saves a workbook through a temporary file in the target's folder, then
/// renames it over the target (see [`crate::output::write_atomically`]).
pub fn save_atomically(wb: &mut Workbook, path: &Path) -> Result<(), WriteError> {
    crate::output::write_atomically(path, |f| {
        let mut w = std::io::BufWriter::new(f);
        wb.save_to_writer(&mut w)
            .map_err(|e| WriteError::from(e).for_output(path))?;
        use std::io::Write;
        w.flush()
            .map_err(|e| WriteError::from(OutputError::new(path, Step::Write, e)))
    })
}

impl From<OutputError> for WriteError {
    /// A failure to replace the target is [`WriteError::Replace`] (the
    /// workbook may be open in Excel); any other is [`WriteError::Folder`].
    fn from(e: OutputError) -> WriteError {
        match e.step {
            Step::Replace => WriteError::Replace(e),
            Step::Folder | Step::Write => WriteError::Folder(e),
        }
    }
}

impl WriteError {
    /// The error as one writing the workbook `path`: a failure of the
    /// library's file writing (the temporary files a streamed build keeps
    /// in the output folder, the save) is the output's, said as
    /// [`WriteError::Folder`] rather than as a library error.
    fn for_output(self, path: &Path) -> WriteError {
        match self {
            WriteError::Xlsx(XlsxError::TempFileError(_, e)) => {
                WriteError::Folder(OutputError::new(path, Step::Folder, e))
            }
            WriteError::Xlsx(XlsxError::IoError(e)) => {
                WriteError::Folder(OutputError::new(path, Step::Write, e))
            }
            e => e,
        }
    }
}

/// Builds the workbook in memory, without anonymising.
pub fn build_workbook(review: &MergedReview) -> Result<Workbook, WriteError> {
    build_workbook_with(review, &WriteOptions::default())
}

/// Everything the sheets share.
struct Ctx<'a> {
    review: &'a MergedReview,
    page: Page,
    kids: Vec<Child>,
    /// The fill of each agency (configured colours lightened if needed).
    fills: Vec<u32>,
    /// Each agency's name as it goes out, and the replacements made in it.
    names: Vec<(String, usize)>,
    input: Input<'a>,
    /// Where the first event of each episode was written on the
    /// chronology: event index → (sheet number from 1, 0-based row), for
    /// the links on the episodes sheet.
    episode_starts: HashMap<usize, (u32, u32)>,
    /// The rows a sheet is filled to: [`WriteOptions::rows_per_sheet`]
    /// less one, which a streamed sheet needs after its last row (see
    /// [`end_stream`]).
    rows_used: u32,
}

impl Ctx<'_> {
    /// Writes an agency's name (anonymised once, counted per cell).
    fn agency(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        a: usize,
        f: &Format,
    ) -> Result<(), XlsxError> {
        let (name, n) = &self.names[a];
        self.input.replacements += n;
        label(ws, row, col, name, f)
    }
}

/// Builds the workbook in memory.
pub fn build_workbook_with(
    review: &MergedReview,
    opts: &WriteOptions,
) -> Result<Workbook, WriteError> {
    Ok(build(review, opts, None)?.workbook)
}

/// Builds the workbook. With `stream_dir`, the sheets (all but `Timeline`,
/// see [`add_sheet`]) are streamed row by row through temporary files in
/// that folder (the output's own folder, so nothing is written anywhere
/// else) instead of being held in memory: rust_xlsxwriter's
/// constant-memory mode, which is both faster and far smaller for a large
/// chronology.
fn build<'a>(
    review: &'a MergedReview,
    opts: &'a WriteOptions,
    stream_dir: Option<&Path>,
) -> Result<Built<'a>, WriteError> {
    let kids = review.children.clone();
    let mut wb = Workbook::new();
    // Deflate level 2 instead of 6: see ZIP_LEVEL.
    wb.set_zip_compression_level(ZIP_LEVEL);
    if let Some(dir) = stream_dir {
        wb.set_tempdir(dir)?;
    }
    let reference = review.config.review.clone().unwrap_or_default();
    let marking = marking(&review.config);
    let version = env!("CARGO_PKG_VERSION");
    let title = if reference.is_empty() {
        "Multi-agency chronology".to_string()
    } else {
        format!("Multi-agency chronology {reference}")
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_subject(if reference.is_empty() {
                "Child safeguarding practice review".to_string()
            } else {
                format!("Child safeguarding practice review {reference}")
            })
            .set_author(format!("chronomerge {version}"))
            .set_category("Child safeguarding practice review chronology")
            .set_keywords(format!("{reference}, {marking}, chronology"))
            .set_status(marking.clone())
            .set_comment(format!(
                "Made by chronomerge {version} on {}. Protective marking: {marking}.",
                review.made_at.format("%d/%m/%Y %H:%M")
            ))
            .set_custom_property("Review reference", reference.as_str())
            .set_custom_property("Protective marking", marking.as_str())
            .set_custom_property("Created by", format!("chronomerge {version}").as_str())
            .set_custom_property("Anonymised", opts.glossary.is_some()),
    );
    let mut input = Input {
        glossary: opts.glossary.as_ref(),
        replacements: 0,
    };
    let chron = &review.chronology;
    let fills = chron
        .agencies
        .iter()
        .map(|a| crate::palette::legible(a.colour))
        .collect();
    let names = chron
        .agencies
        .iter()
        .map(|a| {
            let before = input.replacements;
            let name = input.clean(&a.name).into_owned();
            let n = input.replacements - before;
            input.replacements = before;
            (name, n)
        })
        .collect();
    let mut cx = Ctx {
        review,
        page: Page {
            reference,
            marking,
            made: review.made_at.format("%d/%m/%Y %H:%M").to_string(),
        },
        kids,
        fills,
        names,
        input,
        episode_starts: HashMap::new(),
        rows_used: opts
            .rows_per_sheet
            .map_or(SHEET_ROWS, |n| n.clamp(3, SHEET_ROWS))
            - 1,
    };
    // Streaming (see STREAM_ABOVE_EVENTS) needs a folder for its temporary
    // files: the output's own.
    let stream = stream_dir.is_some()
        && review.chronology.events.len() > opts.stream_above.unwrap_or(STREAM_ABOVE_EVENTS);
    let pending = write_chronology(&mut wb, &mut cx, stream)?;
    write_timeline(&mut wb, &mut cx)?;
    write_episodes(&mut wb, &mut cx, stream)?;
    write_findings(&mut wb, &mut cx, stream)?;
    write_returns(&mut wb, &mut cx, stream)?;
    write_agencies(&mut wb, &mut cx, stream)?;
    write_about(&mut wb, &mut cx, opts, stream)?;
    Ok(Built {
        workbook: wb,
        pending,
    })
}

/// The protective marking of a review: `review.toml`'s `marking` (or the
/// `--marking` flag), else [`DEFAULT_MARKING`].
pub fn marking(config: &ReviewConfig) -> String {
    config
        .marking
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or(DEFAULT_MARKING)
        .to_string()
}

/// The columns of the `Chronology` sheet, as written.
struct Cols {
    headings: Vec<&'static str>,
    widths: Vec<f64>,
    age: Option<u16>,
    interval: u16,
    /// Column of each of [`CHRONOLOGY_HEADINGS`] from `Agency` on.
    shift: u16,
}

impl Cols {
    fn new(with_age: bool) -> Cols {
        let mut headings: Vec<&'static str> = CHRONOLOGY_HEADINGS[..3].to_vec();
        let mut widths: Vec<f64> = WIDTHS[..3].to_vec();
        let age = with_age.then(|| {
            headings.push(AGE_AT_EVENT);
            widths.push(11.0);
            (headings.len() - 1) as u16
        });
        headings.push(INTERVAL);
        widths.push(9.0);
        let interval = (headings.len() - 1) as u16;
        let shift = headings.len() as u16 - 3;
        headings.extend_from_slice(&CHRONOLOGY_HEADINGS[3..]);
        widths.extend_from_slice(&WIDTHS[3..]);
        Cols {
            headings,
            widths,
            age,
            interval,
            shift,
        }
    }

    /// The sheet column of `CHRONOLOGY_HEADINGS[i]` (i ≥ 3).
    fn at(&self, i: u16) -> u16 {
        i + self.shift
    }

    fn last(&self) -> u16 {
        self.headings.len() as u16 - 1
    }
}

/// The `Chronology` sheets (more than one past a sheet's rows). Built in
/// memory, every row goes through rust_xlsxwriter here. Streamed to a
/// file, the sheets get their headings only (the first also a probe cell
/// for each agency format, whose style index the save reads back), and
/// the rows are written at the save, straight into the file
/// (`src/write/splice.rs`): what is returned.
fn write_chronology<'a>(
    wb: &mut Workbook,
    cx: &mut Ctx<'a>,
    stream: bool,
) -> Result<Option<splice::Pending<'a>>, XlsxError> {
    let cols = Cols::new(!cx.kids.is_empty());
    let review = cx.review;
    let events = &review.chronology.events;
    let analysis = &review.analysis;
    // The events the episodes sheet links to: each episode's first.
    let wanted: Vec<usize> = analysis
        .episodes
        .iter()
        .filter_map(|ep| ep.events.iter().min().copied())
        .collect();
    let layout = rows::Layout::new(events, cx.rows_used, &wanted);
    cx.episode_starts = layout.starts.clone();
    let formats: Vec<AgencyFormats> = cx.fills.iter().map(|&c| agency_formats(c)).collect();
    let last = cols.last();
    let glossary = cx.input.glossary;
    let mut rows = rows::Rows::new(events, analysis, &cols, &cx.kids, &cx.names, glossary);
    let mut row = rows::Row::default();
    if stream {
        for (k, &end) in layout.sheet_ends.iter().enumerate() {
            let ws = new_chronology_sheet(wb, k as u32 + 1, &cols, &cx.page, true)?;
            if k == 0 {
                let mut r = 1;
                for f in &formats {
                    for fmt in rows::Fmt::ALL {
                        ws.write_blank(r, 0, f.get(fmt))?;
                        r += 1;
                    }
                }
            }
            ws.autofilter(0, 0, (end - 1).max(1), last)?;
        }
        // The count of replacements the About sheet gives, before the rows
        // are written: a dry run, only when anonymising.
        if glossary.is_some() {
            for i in 0..events.len() {
                let _ = rows.event(i, &mut row, |_| Ok::<(), ()>(()));
            }
            cx.input.replacements += rows.input.replacements;
        }
        return Ok(Some(splice::Pending {
            review,
            glossary,
            probes: splice::probes_for(formats.len()),
            cols,
            kids: cx.kids.clone(),
            names: cx.names.clone(),
            rows_used: cx.rows_used,
            layout,
        }));
    }
    let first = wb.worksheets().len();
    new_chronology_sheet(wb, 1, &cols, &cx.page, false)?;
    let mut cursor = rows::Cursor::new(cx.rows_used);
    for i in 0..events.len() {
        rows.event(i, &mut row, |r| {
            let (sheet, at, new) = cursor.advance();
            if new {
                new_chronology_sheet(wb, sheet, &cols, &cx.page, false)?;
            }
            let ws = wb.worksheet_from_index(first + sheet as usize - 1)?;
            rows::to_worksheet(ws, at, r, &formats)
        })?;
    }
    for (k, &end) in layout.sheet_ends.iter().enumerate() {
        wb.worksheet_from_index(first + k)?
            .autofilter(0, 0, (end - 1).max(1), last)?;
    }
    cx.input.replacements += rows.input.replacements;
    Ok(None)
}

/// Ends a streamed sheet whose rows all lie above `next`.
///
/// rust_xlsxwriter 0.102 writes the last row of a constant-memory sheet
/// twice when that row has a height (once with its cells, then again as an
/// empty `<row>` with the same number): a repeated row, which the file
/// format does not allow and Excel may offer to "repair". Moving on to row
/// `next` (a blank cell written and cleared again) writes the last row
/// once, as any other; what is left on `next` is an empty `<row>` with no
/// cells, no height and no style. `tests/stream.rs` checks that every
/// sheet's rows are strictly ascending.
fn end_stream(ws: &mut Worksheet, next: u32, stream: bool) -> Result<(), XlsxError> {
    if stream && next < SHEET_ROWS {
        ws.write_blank(next, 0, &heading_format())?;
        ws.clear_cell(next, 0);
    }
    Ok(())
}

/// A new worksheet: streamed (rust_xlsxwriter's constant-memory mode, rows
/// written to a temporary file as each is finished) or held in memory.
///
/// Every sheet but `Timeline` is streamed when the workbook is. Streaming
/// is leaner, and it also spares a thread: rust_xlsxwriter builds each
/// in-memory sheet's XML on a thread of its own when it saves, which for
/// a batch of small reviews meant six threads started and stopped per
/// workbook (docs/performance-history.md, run 8). A streamed sheet must be written
/// row by row, each row's cells and height before any later row: a write
/// to a row already written is dropped. `tests/stream.rs` compares every
/// sheet, cell by cell and row height by row height, with the in-memory
/// build. `Timeline` stays in memory because its charts copy their cached
/// values from the cells, which a streamed sheet no longer holds.
fn add_sheet(wb: &mut Workbook, stream: bool) -> Result<&mut Worksheet, XlsxError> {
    if stream {
        wb.add_worksheet_with_constant_memory()
    } else {
        Ok(wb.add_worksheet())
    }
}

/// The name of sheet `n` of a list that goes on past one sheet:
/// `Chronology`, then `Chronology (2)`, `Chronology (3)`…
fn continued_name(base: &str, n: u32) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base} ({n})")
    }
}

fn new_chronology_sheet<'a>(
    wb: &'a mut Workbook,
    n: u32,
    cols: &Cols,
    page: &Page,
    stream: bool,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name(continued_name("Chronology", n))?;
    write_headings(ws, &cols.headings, &cols.widths)?;
    // The headings and the `#` and `Date` columns stay in view.
    ws.set_freeze_panes(1, 2)?;
    page.setup(ws, "Chronology", 1)?;
    Ok(ws)
}

/// Month number (year × 12 + month − 1) of a day.
fn month_no(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_start(m: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(NaiveDate::MIN)
}

/// Most months the timeline shows (a century).
const MAX_MONTHS: i32 = 1200;
/// Most series one chart holds (Excel allows 255).
const MAX_SERIES: usize = 250;
/// Colours of the episodes in the second chart: strong, so that episodes
/// stand out from the pale agency fills.
const EPISODE_COLOURS: [u32; 8] = [
    0x1F3864, 0xC00000, 0x7030A0, 0x00704A, 0xB35900, 0x005F87, 0x7F6000, 0x595959,
];

fn write_timeline(wb: &mut Workbook, cx: &mut Ctx) -> Result<(), XlsxError> {
    let review = cx.review;
    let chron = &review.chronology;
    let analysis = &review.analysis;
    let ws = wb.add_worksheet();
    ws.set_name("Timeline")?;
    cx.page.setup(ws, "Timeline", 0)?;
    let bold = Format::new().set_bold().set_font_size(14);
    let plain = Format::new();
    let italic = Format::new().set_italic();
    // The months shown: the review period, else the events' span.
    let dated = chron
        .events
        .iter()
        .filter(|e| e.date.precision != Precision::Year);
    let span = match (review.config.period_from, review.config.period_to) {
        (Some(f), Some(t)) => Some((month_no(f), month_no(t))),
        _ => {
            let first = dated.clone().map(|e| month_no(e.date.start)).min();
            let last = dated.clone().map(|e| month_no(e.date.start)).max();
            match (
                first,
                last,
                review.config.period_from,
                review.config.period_to,
            ) {
                (Some(_), Some(b), Some(f), None) => Some((month_no(f), b.max(month_no(f)))),
                (Some(a), Some(_), None, Some(t)) => Some((a.min(month_no(t)), month_no(t))),
                (Some(a), Some(b), _, _) => Some((a, b)),
                _ => None,
            }
        }
    };
    let span = span.filter(|_| !chron.agencies.is_empty());
    let Some((m0, mut m1)) = span else {
        label(ws, 0, 0, "Timeline", &bold)?;
        label(ws, 2, 0, "No dated events to chart.", &plain)?;
        return Ok(());
    };
    if m1 - m0 + 1 > MAX_MONTHS {
        m1 = m0 + MAX_MONTHS - 1;
    }
    let months = (m1 - m0 + 1) as usize;
    let n_ag = chron.agencies.len().min(MAX_SERIES);
    let n_ep = analysis.episodes.len().min(MAX_SERIES);
    let mut by_agency = vec![vec![0u32; n_ag]; months];
    let mut by_episode = vec![vec![0u32; n_ep]; months];
    let (mut outside, mut year_only) = (0usize, 0usize);
    for (i, ev) in chron.events.iter().enumerate() {
        if ev.date.precision == Precision::Year {
            year_only += 1;
            continue;
        }
        let m = month_no(ev.date.start);
        if m < m0 || m > m1 {
            outside += 1;
            continue;
        }
        let k = (m - m0) as usize;
        if ev.agency < n_ag {
            by_agency[k][ev.agency] += 1;
        }
        if let Some(e) = analysis.episode_of.get(i).copied().flatten() {
            if e < n_ep {
                by_episode[k][e] += 1;
            }
        }
    }
    let from = month_start(m0).format("%B %Y");
    let to = month_start(m1).format("%B %Y");
    label(
        ws,
        0,
        0,
        &format!("Timeline: events per month by agency, {from} to {to}"),
        &bold,
    )?;
    let mut note = String::from(
        "Top: each agency's events per month, stacked. Below: the same months, with the events of each candidate key practice episode in colour and all other events in grey. The charts' data is in the table under them.",
    );
    if outside > 0 {
        let _ = write!(
            note,
            " {outside} event(s) outside these months are not charted."
        );
    }
    if year_only > 0 {
        let _ = write!(
            note,
            " {year_only} event(s) dated by year only are not charted."
        );
    }
    label(ws, 1, 0, &note, &italic)?;

    // The data table, under the charts.
    let t0: u32 = 44;
    let head = heading_format();
    let month_fmt = Format::new()
        .set_num_format("mmm yyyy")
        .set_align(FormatAlign::Left);
    label(
        ws,
        t0 - 1,
        0,
        "Events per month (the data of the charts above)",
        &Format::new().set_bold(),
    )?;
    label(ws, t0, 0, "Month", &head)?;
    ws.set_column_width(0, 10)?;
    let formats: Vec<Format> = cx
        .fills
        .iter()
        .take(n_ag)
        .map(|&c| {
            Format::new()
                .set_background_color(Color::RGB(c))
                .set_font_color(Color::Black)
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin)
        })
        .collect();
    for (a, f) in formats.iter().enumerate() {
        cx.agency(ws, t0, 1 + a as u16, a, f)?;
        ws.set_column_width(1 + a as u16, 12)?;
    }
    let total_col = 1 + n_ag as u16;
    label(ws, t0, total_col, "All agencies", &head)?;
    ws.set_column_width(total_col, 10)?;
    let other_col = total_col + 1;
    label(ws, t0, other_col, "Not in an episode", &head)?;
    ws.set_column_width(other_col, 10)?;
    let ep_col0 = other_col + 1;
    for (e, ep) in analysis.episodes.iter().take(n_ep).enumerate() {
        label(ws, t0, ep_col0 + e as u16, &ep.id(), &head)?;
        ws.set_column_width(ep_col0 + e as u16, 8)?;
    }
    for k in 0..months {
        let r = t0 + 1 + k as u32;
        let d = month_start(m0 + k as i32);
        ws.write_number_with_format(
            r,
            0,
            datetime_to_serial(d.and_time(NaiveTime::MIN)),
            &month_fmt,
        )?;
        let mut total = 0;
        for (a, &n) in by_agency[k].iter().enumerate() {
            ws.write_number(r, 1 + a as u16, n)?;
            total += n;
        }
        ws.write_number(r, total_col, total)?;
        let mut in_episodes = 0;
        for (e, &n) in by_episode[k].iter().enumerate() {
            ws.write_number(r, ep_col0 + e as u16, n)?;
            in_episodes += n;
        }
        ws.write_number(r, other_col, total.saturating_sub(in_episodes))?;
    }
    let head_lines = row_lines(
        cx.names
            .iter()
            .take(n_ag)
            .map(|(n, _)| (n.as_str(), 12.0 * 0.85))
            .chain([("Not in an episode", 10.0 * 0.85)]),
    );
    fit_row(ws, t0, head_lines)?;
    let (first, last) = (t0 + 1, t0 + months as u32);
    let width = 1100;

    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("Events per month, by agency");
    chart.set_alt_text(
        "Stacked columns: the number of events each agency recorded in each month of the review period.",
    );
    let months = MonthColumns { t0, first, last };
    for a in 0..n_ag {
        months.add(&mut chart, 1 + a as u16, cx.fills[a], Some(0x595959));
    }
    months.finish(&mut chart, width, 380);
    ws.insert_chart(2, 0, &chart)?;

    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart
        .title()
        .set_name("Candidate key practice episodes among all events, per month");
    chart.set_alt_text(
        "Stacked columns: the events of each candidate key practice episode in each month, on the same months as the chart above.",
    );
    if n_ep == 0 {
        chart
            .title()
            .set_name("No candidate key practice episodes: all events per month");
    }
    for e in 0..n_ep {
        let colour = EPISODE_COLOURS[e % EPISODE_COLOURS.len()];
        months.add(&mut chart, ep_col0 + e as u16, colour, None);
    }
    // The other events in pale grey, so the episodes show against the
    // whole of the case.
    months.add(&mut chart, other_col, 0xD9D9D9, Some(0xA6A6A6));
    months.finish(&mut chart, width, 340);
    ws.insert_chart(23, 0, &chart)?;
    ws.set_repeat_rows(t0, t0)?;
    Ok(())
}

/// The month rows of the `Timeline` sheet (headings on row `t0`, months
/// on rows `first..=last`, month in column A) that its two charts plot.
struct MonthColumns {
    t0: u32,
    first: u32,
    last: u32,
}

impl MonthColumns {
    /// Adds the column `col` as a stacked series, filled with `fill` and
    /// outlined with `border` when given.
    fn add(&self, chart: &mut Chart, col: u16, fill: u32, border: Option<u32>) {
        let (t0, first, last) = (self.t0, self.first, self.last);
        let mut format = ChartFormat::new();
        format.set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(fill)));
        if let Some(b) = border {
            format.set_border(ChartLine::new().set_color(Color::RGB(b)).set_width(0.5));
        }
        chart
            .add_series()
            .set_name(("Timeline", t0, col))
            .set_categories(("Timeline", first, 0, last, 0))
            .set_values(("Timeline", first, col, last, col))
            .set_format(&mut format)
            .set_gap(20);
    }

    /// Month axis, event count axis, legend below, size.
    fn finish(&self, chart: &mut Chart, width: u32, height: u32) {
        chart
            .x_axis()
            .set_text_axis(true)
            .set_num_format("mmm yyyy");
        chart.y_axis().set_name("Events").set_min(0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(width).set_height(height);
    }
}

fn serial_of(d: NaiveDate) -> f64 {
    datetime_to_serial(d.and_time(NaiveTime::MIN))
}

fn write_episodes(wb: &mut Workbook, cx: &mut Ctx, stream: bool) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Key practice episodes")?;
    cx.page.setup(ws, "Key practice episodes", 1)?;
    let headings = [
        "Episode",
        "First date",
        "Last date",
        "Agencies",
        "Events",
        "Joint events",
        "Score",
        "Why it was flagged",
        "First event",
    ];
    write_headings(
        ws,
        &headings,
        &[10.0, 11.0, 11.0, 40.0, 8.0, 8.0, 8.0, 70.0, 14.0],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Top);
    let score = Format::new()
        .set_num_format("0.0")
        .set_align(FormatAlign::Top);
    let review = cx.review;
    let a = &review.analysis;
    let mut row = 1u32;
    for ep in &a.episodes {
        label(ws, row, 0, &ep.id(), &wrap)?;
        ws.write_number_with_format(row, 1, serial_of(ep.first), &date)?;
        ws.write_number_with_format(row, 2, serial_of(ep.last), &date)?;
        let names: Vec<&str> = ep
            .agencies
            .iter()
            .map(|&i| cx.names[i].0.as_str())
            .collect();
        label(ws, row, 3, &names.join(", "), &wrap)?;
        ws.write_number_with_format(row, 4, ep.events.len() as f64, &wrap)?;
        ws.write_number_with_format(row, 5, ep.joint_events as f64, &wrap)?;
        ws.write_number_with_format(row, 6, ep.score, &score)?;
        cx.input.put(ws, row, 7, &ep.reason, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([
                (names.join(", ").as_str(), 40.0),
                (ep.reason.as_str(), 70.0),
            ]),
        )?;
        let start = ep
            .events
            .iter()
            .min()
            .and_then(|i| cx.episode_starts.get(i));
        if let Some(&(sheet, r)) = start {
            // The engine's own link to its own sheet: no input in it.
            let name = continued_name("Chronology", sheet);
            let text = if sheet == 1 {
                format!("row {}", r + 1)
            } else {
                format!("{name}, row {}", r + 1)
            };
            ws.write_url_with_text(
                row,
                8,
                format!("internal:'{name}'!A{}", r + 1).as_str(),
                text,
            )?;
        }
        row += 1;
    }
    if a.episodes.is_empty() {
        label(ws, row, 0, "", &wrap)?;
        label(
            ws,
            row,
            7,
            "No stretch of the chronology met the thresholds for a candidate episode.",
            &wrap,
        )?;
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 8)?;
    row += 1;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(row, 0, "Longest gaps with no recorded event", &bold)?;
    row += 1;
    let h = heading_format();
    for (c, name) in ["Gap", "From", "To", "Days"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &h)?;
    }
    row += 1;
    for (i, g) in a.gaps.iter().enumerate() {
        label(ws, row, 0, &format!("Gap {}", i + 1), &wrap)?;
        ws.write_number_with_format(row, 1, serial_of(g.from), &date)?;
        ws.write_number_with_format(row, 2, serial_of(g.to), &date)?;
        ws.write_number(row, 3, g.days as f64)?;
        row += 1;
    }
    end_stream(ws, row, stream)
}

/// Starts sheet `n` of the findings (`Findings`, then `Findings (2)`…).
fn new_findings_sheet<'a>(
    wb: &'a mut Workbook,
    n: u32,
    page: &Page,
    stream: bool,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name(continued_name("Findings", n))?;
    page.setup(ws, "Findings", 1)?;
    let headings = ["Severity", "File", "Sheet", "Cell", "Code", "Message"];
    write_headings(ws, &headings, &[9.0, 28.0, 16.0, 9.0, 24.0, 90.0])?;
    Ok(ws)
}

fn write_findings(wb: &mut Workbook, cx: &mut Ctx, stream: bool) -> Result<(), XlsxError> {
    let mut sheet_no = 1;
    let mut ws = new_findings_sheet(wb, sheet_no, &cx.page, stream)?;
    let err = Format::new()
        .set_background_color(Color::RGB(0xF8D7DA))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let warn = Format::new()
        .set_background_color(Color::RGB(0xFFF3CD))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let info = Format::new()
        .set_background_color(Color::RGB(0xE7F1FA))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let mut row = 1u32;
    for f in &cx.review.chronology.findings {
        let parts = split_for_cells(&f.message);
        // A finding stays on one sheet, all its parts together.
        if row + parts.len() as u32 > cx.rows_used && row > 1 {
            ws.autofilter(0, 0, row - 1, 5)?;
            end_stream(ws, row, stream)?;
            sheet_no += 1;
            ws = new_findings_sheet(wb, sheet_no, &cx.page, stream)?;
            row = 1;
        }
        let fmt = match f.severity {
            Severity::Error => &err,
            Severity::Warning => &warn,
            Severity::Info => &info,
        };
        label(ws, row, 0, f.severity.as_str(), fmt)?;
        cx.input.put(ws, row, 1, &f.file, fmt)?;
        cx.input.put(ws, row, 2, &f.sheet, fmt)?;
        label(ws, row, 3, &f.cell, fmt)?;
        label(ws, row, 4, f.code.as_str(), fmt)?;
        for (k, part) in parts.into_iter().enumerate() {
            if k > 0 {
                row += 1;
            }
            cx.input.put(ws, row, 5, part, fmt)?;
            fit_row(
                ws,
                row,
                row_lines([
                    (part, 90.0),
                    (f.file.as_str(), 28.0),
                    (f.sheet.as_str(), 16.0),
                ]),
            )?;
        }
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 5)?;
    end_stream(ws, row, stream)
}

fn write_returns(wb: &mut Workbook, cx: &mut Ctx, stream: bool) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Returns")?;
    cx.page.setup(ws, "Returns", 1)?;
    let headings = [
        "File",
        "Agency",
        "Format",
        "Status",
        "Rows read",
        "Rows merged",
        "Rows rejected",
        "Rows skipped",
        "First date",
        "Last date",
        "Review reference",
        "Note",
    ];
    write_headings(
        ws,
        &headings,
        &[
            30.0, 28.0, 8.0, 20.0, 10.0, 10.0, 10.0, 10.0, 11.0, 11.0, 16.0, 50.0,
        ],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let num = Format::new().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Top);
    let returns = &cx.review.chronology.returns;
    for (i, r) in returns.iter().enumerate() {
        let row = i as u32 + 1;
        cx.input.put(ws, row, 0, &r.file, &wrap)?;
        cx.input.put(ws, row, 1, &r.agency, &wrap)?;
        let fmt = match r.format {
            Some(f) => format!("{f:?}").to_lowercase(),
            None => String::new(),
        };
        label(ws, row, 2, &fmt, &wrap)?;
        label(ws, row, 3, r.status.as_str(), &wrap)?;
        ws.write_number_with_format(row, 4, r.rows_read as f64, &num)?;
        ws.write_number_with_format(row, 5, r.rows_merged as f64, &num)?;
        ws.write_number_with_format(row, 6, r.rows_rejected as f64, &num)?;
        ws.write_number_with_format(row, 7, r.rows_skipped as f64, &num)?;
        if let Some(d) = r.first {
            ws.write_number_with_format(row, 8, serial_of(d), &date)?;
        }
        if let Some(d) = r.last {
            ws.write_number_with_format(row, 9, serial_of(d), &date)?;
        }
        cx.input.put(ws, row, 10, &r.review_reference, &wrap)?;
        cx.input.put(ws, row, 11, &r.note, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([
                (r.file.as_str(), 30.0),
                (r.agency.as_str(), 28.0),
                (r.status.as_str(), 20.0),
                (r.note.as_str(), 50.0),
            ]),
        )?;
    }
    ws.autofilter(0, 0, (returns.len() as u32).max(1), 11)?;
    end_stream(ws, returns.len() as u32 + 1, stream)
}

/// The `Agencies` sheet headings.
pub const AGENCIES_HEADINGS: [&str; 8] = [
    "Agency",
    "Colour",
    "Rows merged",
    "Rows rejected",
    "First event",
    "Last event",
    "Return file(s)",
    "Colour note",
];

fn write_agencies(wb: &mut Workbook, cx: &mut Ctx, stream: bool) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Agencies")?;
    cx.page.setup(ws, "Agencies (colour legend)", 1)?;
    write_headings(
        ws,
        &AGENCIES_HEADINGS,
        &[36.0, 10.0, 11.0, 11.0, 12.0, 12.0, 40.0, 40.0],
    )?;
    let review = cx.review;
    let chron = &review.chronology;
    let mut first: Vec<Option<DateValue>> = vec![None; chron.agencies.len()];
    let mut last: Vec<Option<DateValue>> = vec![None; chron.agencies.len()];
    for ev in &chron.events {
        let a = ev.agency;
        if first[a].is_none() {
            first[a] = Some(ev.date);
        }
        last[a] = Some(ev.date);
    }
    for (i, a) in chron.agencies.iter().enumerate() {
        let row = i as u32 + 1;
        let fill = cx.fills[i];
        let f = agency_formats(fill);
        cx.agency(ws, row, 0, i, &f.text)?;
        label(ws, row, 1, &format!("#{fill:06X}"), &f.text)?;
        ws.write_number_with_format(row, 2, a.events as f64, &f.number)?;
        ws.write_number_with_format(row, 3, a.rejected as f64, &f.number)?;
        for (c, d) in [(4, first[i]), (5, last[i])] {
            match d {
                Some(d) => {
                    ws.write_number_with_format(row, c, serial_of(d.start), f.date(d.precision))?;
                }
                None => {
                    ws.write_blank(row, c, &f.text)?;
                }
            }
        }
        cx.input.put(ws, row, 6, &a.files.join(", "), &f.text)?;
        let note = match review.config.colour_of(&a.name) {
            Some(c) if c != fill => format!(
                "review.toml gives #{:06X}; lightened to a pale tint of it so black text reads well (contrast {:.1}:1)",
                c,
                crate::palette::contrast_with_black(fill),
            ),
            Some(_) => "from review.toml".to_string(),
            None => "palette".to_string(),
        };
        label(ws, row, 7, &note, &f.text)?;
        fit_row(
            ws,
            row,
            row_lines([
                (cx.names[i].0.as_str(), 36.0),
                (a.files.join(", ").as_str(), 40.0),
                (note.as_str(), 40.0),
            ]),
        )?;
    }
    ws.autofilter(0, 0, (chron.agencies.len() as u32).max(1), 7)?;
    end_stream(ws, chron.agencies.len() as u32 + 1, stream)
}

fn write_about(
    wb: &mut Workbook,
    cx: &mut Ctx,
    opts: &WriteOptions,
    stream: bool,
) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("About")?;
    cx.page.setup(ws, "About this workbook", 1)?;
    write_headings(ws, &["About this workbook", ""], &[30.0, 100.0])?;
    let review = cx.review;
    let chron = &review.chronology;
    let cfg = &review.config;
    let key = Format::new()
        .set_bold()
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // The files first, so that the count of replacements includes them.
    let files: Vec<(String, String)> = chron
        .returns
        .iter()
        .map(|r| {
            let file = cx.input.clean(&r.file).into_owned();
            let line = if r.agency.is_empty() {
                format!("{} ({})", r.status.as_str(), cx.input.clean(&r.note))
            } else {
                let skipped = if r.rows_skipped > 0 {
                    format!(", {} skipped (not events)", r.rows_skipped)
                } else {
                    String::new()
                };
                format!(
                    "{} · {} · {} merged, {} rejected{skipped}",
                    cx.input.clean(&r.agency),
                    r.status.as_str(),
                    r.rows_merged,
                    r.rows_rejected
                )
            };
            (file, line)
        })
        .collect();
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| rows.push((k.to_string(), v));
    add("Title", "Multi-agency chronology".into());
    add(
        "Review reference",
        if cx.page.reference.is_empty() {
            "(none given: set review in review.toml or use --review)".into()
        } else {
            cx.page.reference.clone()
        },
    );
    add("Protective marking", cx.page.marking.clone());
    add(
        "Made",
        format!(
            "{} by chronomerge {}",
            review.made_at.format("%d/%m/%Y at %H:%M (%:z)"),
            env!("CARGO_PKG_VERSION")
        ),
    );
    let folder = review.dir.display().to_string();
    let folder = cx.input.clean(&folder).into_owned();
    add("Review folder", folder);
    let merged = chron
        .returns
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                crate::model::ReturnStatus::Merged | crate::model::ReturnStatus::MergedWithWarnings
            )
        })
        .count();
    add(
        "Contents",
        format!(
            "{} event(s) from {} return(s) of {} agencies; {} file(s) found in the folder (see Returns); {} error(s) and {} warning(s) (see Findings); {} candidate key practice episode(s)",
            chron.events.len(),
            merged,
            chron.agencies.len(),
            chron.returns.len(),
            review.errors(),
            review.warnings(),
            review.analysis.episodes.len()
        ),
    );
    let period = match (cfg.period_from, cfg.period_to) {
        (Some(f), Some(t)) => format!("{} to {}", f.format("%d/%m/%Y"), t.format("%d/%m/%Y")),
        (Some(f), None) => format!("from {}", f.format("%d/%m/%Y")),
        (None, Some(t)) => format!("up to {}", t.format("%d/%m/%Y")),
        (None, None) => "not set: no event is marked outside the period".into(),
    };
    add(
        "Review period",
        format!("{period}; margin {} day(s)", cfg.margin_days.unwrap_or(0)),
    );
    add(
        "Day of the merge",
        review.context.dates.today.format("%d/%m/%Y").to_string(),
    );
    add(
        "Key practice episode settings",
        match &cfg.episodes {
            Some(t) => format!(
                "review.toml [episodes]: {}",
                toml::to_string(t)
                    .unwrap_or_default()
                    .trim()
                    .replace('\n', "; ")
            ),
            None => "the defaults (see chronomerge merge --help for the flags)".into(),
        },
    );
    add(
        "Order",
        "Date, then time (untimed events first in their day), then sequence, then agency, then the agency's own row order. Partial dates sort first in their month or year.".into(),
    );
    let kids = if cx.kids.is_empty() {
        "No dates of birth in review.toml, so there is no Age at event column. Add them as [children] \"Child A\" = 2020-05-01.".to_string()
    } else {
        let list: Vec<String> = cx
            .kids
            .iter()
            .map(|k| {
                if opts.glossary.is_some() {
                    cx.input.clean(&k.label).into_owned()
                } else {
                    format!("{} (born {})", k.label, k.born.format("%d/%m/%Y"))
                }
            })
            .collect();
        let mut s = format!(
            "Age at event: years and months on the event's date (its first day for a partial date), 'unborn' before the birth. Children: {}",
            list.join(", ")
        );
        if opts.glossary.is_some() {
            s.push_str(" (dates of birth left out of the anonymised workbook)");
        }
        if cx.kids.len() > 1 {
            s.push_str(". The age shown is that of the child the 'Child or family member' cell names (each labelled when it names several); when it names none, that of the eldest, labelled.");
        }
        s
    };
    add("Children", kids);
    add(
        "Interval",
        "Days since the previous event with a full date, in merged order; empty for the first event and for partial dates.".into(),
    );
    add(
        "Colours",
        "Each agency's rows are filled with its colour (legend: the Agencies sheet). Colours come from review.toml, else the palette; every fill keeps black text at a contrast of 13:1 or more (WCAG AA asks 4.5:1): a colour from review.toml that is darker is lightened to a pale tint of it. Neighbouring palette colours are chosen to be easy to tell apart.".into(),
    );
    let anon = match &opts.glossary {
        Some(g) => format!(
            "Yes: {} replacement(s) made with the glossary {} ({} entr{}) in the text written from the returns (whole words, ignoring case). The returns themselves are unchanged.",
            cx.input.replacements,
            opts.glossary_file.as_deref().unwrap_or("(given)"),
            g.len(),
            if g.len() == 1 { "y" } else { "ies" },
        ),
        None => "No: names and places appear as the agencies wrote them. Use --glossary FILE to replace them before sharing the workbook beyond the review team.".into(),
    };
    add("Anonymised", anon);
    add(
        "Safety",
        "Everything from the returns is stored as plain text or numbers: nothing an agency typed can run as a formula, a link or a macro.".into(),
    );
    let mut row = 1u32;
    for (k, v) in &rows {
        label(ws, row, 0, k, &key)?;
        label(ws, row, 1, v, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([(k.as_str(), 30.0), (v.as_str(), 100.0)]),
        )?;
        row += 1;
    }
    row += 1;
    let head = heading_format();
    label(ws, row, 0, "Files read", &head)?;
    label(ws, row, 1, "Agency · status · rows", &head)?;
    row += 1;
    for (file, line) in &files {
        label(ws, row, 0, file, &wrap)?;
        label(ws, row, 1, line, &wrap)?;
        fit_row(
            ws,
            row,
            row_lines([(file.as_str(), 30.0), (line.as_str(), 100.0)]),
        )?;
        row += 1;
    }
    row += 1;
    label(ws, row, 0, "Legend", &head)?;
    label(ws, row, 1, "", &head)?;
    row += 1;
    for (i, _) in chron.agencies.iter().enumerate() {
        let f = agency_formats(cx.fills[i]);
        let (name, _) = &cx.names[i];
        label(ws, row, 0, name, &f.text)?;
        label(ws, row, 1, &format!("#{:06X}", cx.fills[i]), &f.text)?;
        row += 1;
    }
    end_stream(ws, row, stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain version of [`wrap_lines`]: every word's characters
    /// counted, no fast path.
    fn wrap_lines_plain(text: &str, width: f64) -> u32 {
        let cap = (((width * 7.0 + 5.0) / 6.0) as usize).max(1);
        let mut lines = 0u32;
        for para in text.split('\n') {
            let mut n = 1u32;
            let mut used = 0usize;
            for word in para.split_whitespace() {
                let len = word.chars().count();
                if used > 0 && used + 1 + len <= cap {
                    used += 1 + len;
                    continue;
                }
                if used > 0 {
                    n += 1;
                }
                n += ((len.max(1) - 1) / cap) as u32;
                used = len - (len.max(1) - 1) / cap * cap;
            }
            lines = lines.saturating_add(n);
            if lines as f64 * LINE_PT > MAX_ROW_PT {
                break;
            }
        }
        lines.max(1)
    }

    proptest! {
        #[test]
        fn fast_wrap_counts_the_same_lines(
            text in "([a-z]{1,12}|[ \t\r\n\u{0B}]{1,3}|é|—|\u{A0}|x{30,80}){0,60}",
            width in 1.0f64..60.0,
        ) {
            prop_assert_eq!(wrap_lines(&text, width), wrap_lines_plain(&text, width));
        }
    }
}
