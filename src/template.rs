//! The blank return the business unit sends to every agency
//! (`chronomerge template`), written from the same column list and event
//! types the checks use ([`Column`], [`EVENT_TYPES`]), so the template that
//! goes out and the checks that come back can never drift apart.
//!
//! The workbook has the three sheets of `TEMPLATE.md`:
//!
//! - `Guidance`: the review's Terms of Reference when known (reference,
//!   period, the date the return is due, the contact, the key lines of
//!   enquiry, numbered), how to fill in the return (date forms, a good
//!   entry, the columns, "use roles, not names", author's notes) and the
//!   list of event types. The two lists are the sources of the Event type
//!   and Key line of enquiry dropdowns.
//! - `Agency details`: labels in column A, values in column B, with the
//!   review reference and period filled in when known.
//! - `Chronology`: the headings in row 1 (frozen and locked), data
//!   validation with an input message on every heading and column, a date
//!   check on Date and a dropdown on Event type. Both only warn (an agency
//!   may type a partial date such as `March 2019`, or an event type of its
//!   own), because the engine reads and checks those itself. The sheet is
//!   protected without a password so the headings stay as they are, while
//!   agencies can type, paste, insert and delete rows in the data area.
//!   When the review has key lines of enquiry, an optional `Key line of
//!   enquiry` column follows `Analysis / comment`, with a dropdown of the
//!   lines (blank allowed; other text only warns, and is queried).
//!
//! ```no_run
//! use chronomerge::template::{write_template, TemplateOptions};
//! let opts = TemplateOptions {
//!     review: Some("LCSPR-2024-03".into()),
//!     ..TemplateOptions::default()
//! };
//! write_template(std::path::Path::new("return.xlsx"), &opts).unwrap();
//! ```

use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook,
    Worksheet, XlsxError,
};

use crate::config::ReviewConfig;
use crate::guidance::guidance_text;
pub use crate::guidance::{column_help, guidance_texts, ColumnHelp, KEY_LINE_HELP};
use crate::model::{Column, EVENT_TYPES};
use crate::model::{CHRONOLOGY_SHEET, DETAILS_SHEET, GUIDANCE_SHEET};

/// What to fill in on a blank template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateOptions {
    /// Review reference, written on `Agency details`.
    pub review: Option<String>,
    /// First day of the review period.
    pub from: Option<NaiveDate>,
    /// Last day of the review period.
    pub to: Option<NaiveDate>,
    /// The agency the template is for, when it is made for one.
    pub agency: Option<String>,
    /// The day the return is due ([`ReviewConfig::due_date`]).
    pub due: Option<NaiveDate>,
    /// The key lines of enquiry of the Terms of Reference: listed on
    /// `Guidance`, and offered in the `Key line of enquiry` column (which
    /// the template has only when there are some).
    pub key_lines: Vec<String>,
    /// The business unit's contact for the review (`contact` in
    /// `review.toml`).
    pub contact: Option<String>,
    /// The contact at the agency the template is made for (its
    /// `[[agencies]] contact`).
    pub agency_contact: Option<String>,
}

impl TemplateOptions {
    /// The options a review configuration gives: reference, period, due
    /// date, key lines of enquiry and contact.
    ///
    /// ```
    /// use chronomerge::config::ReviewConfig;
    /// use chronomerge::template::TemplateOptions;
    /// let cfg = ReviewConfig { review: Some("LCSPR-1".into()), ..Default::default() };
    /// assert_eq!(TemplateOptions::from_config(&cfg).review.as_deref(), Some("LCSPR-1"));
    /// ```
    pub fn from_config(config: &ReviewConfig) -> Self {
        TemplateOptions {
            review: config.review.clone(),
            from: config.period_from,
            to: config.period_to,
            agency: None,
            due: config.due_date(),
            key_lines: config.key_lines_of_enquiry.clone(),
            contact: config.contact.clone(),
            agency_contact: None,
        }
    }

    /// The template is made for `agency`: its name, and its contact when
    /// the configuration lists the agency (by name or alias) with one.
    pub fn for_agency(&mut self, agency: &str, config: &ReviewConfig) {
        let name = config.canonical_agency(agency);
        self.agency_contact = config
            .agencies
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.contact.clone());
        self.agency = Some(agency.to_string());
    }
}

/// The due date as the Terms of Reference give it: `Please return by
/// Friday 16 October 2026 (16/10/2026).`
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 10, 16).unwrap();
/// assert_eq!(chronomerge::template::due_line(d), "Please return by Friday 16 October 2026 (16/10/2026).");
/// ```
pub fn due_line(d: NaiveDate) -> String {
    format!(
        "Please return by {} ({}).",
        d.format("%A %-d %B %Y"),
        d.format(crate::dates::display::DAY)
    )
}

/// A value to put in a data row of a filled-in copy (see [`write_filled`]).
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateValue {
    /// Nothing.
    Empty,
    /// Text as typed.
    Text(String),
    /// A real date cell.
    Date(NaiveDate),
    /// A real time cell.
    Time(NaiveTime),
    /// A number.
    Number(f64),
}

impl From<&str> for TemplateValue {
    fn from(s: &str) -> Self {
        if s.is_empty() {
            TemplateValue::Empty
        } else {
            TemplateValue::Text(s.to_string())
        }
    }
}

impl From<NaiveDate> for TemplateValue {
    fn from(d: NaiveDate) -> Self {
        TemplateValue::Date(d)
    }
}

impl From<NaiveTime> for TemplateValue {
    fn from(t: NaiveTime) -> Self {
        TemplateValue::Time(t)
    }
}

impl From<f64> for TemplateValue {
    fn from(n: f64) -> Self {
        TemplateValue::Number(n)
    }
}

/// Width of the Guidance column, in characters.
const GUIDANCE_WIDTH: f64 = 72.0;

/// A row height (points) that shows a wrapped line of guidance in full:
/// spreadsheets do not grow rows for wrapped text written by a program.
fn row_height(text: &str) -> f64 {
    let per_line = (GUIDANCE_WIDTH * 1.15) as usize;
    let lines = text.chars().count().div_ceil(per_line).max(1);
    15.0 * lines as f64 + 2.0
}

/// The last row (0-based) the data validations cover: the whole sheet, so
/// rows typed or inserted anywhere are covered.
const LAST_ROW: u32 = 1_048_575;

/// Why the template could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The workbook library failed.
    #[error("the template cannot be made ({0})")]
    Build(#[from] XlsxError),
    /// The file cannot be written (the message names it and says why).
    #[error("{0}: choose another output with -o")]
    Write(#[from] crate::output::OutputError),
}

/// Writes the blank return.
///
/// # Errors
///
/// [`TemplateError::Write`] when the file cannot be written (its folder is
/// missing or read-only, the disk is full), [`TemplateError::Build`] when
/// the workbook cannot be made.
pub fn write_template(path: &Path, opts: &TemplateOptions) -> Result<(), TemplateError> {
    write_filled(path, opts, &[])
}

/// Writes the template with `rows` already typed into `Chronology` from
/// row 2 (each row's values in [`Column::ALL`] order): what an agency sends
/// back after filling it in. Used by the tests to show that a correctly
/// filled template passes `check` with no findings.
///
/// The file is written to a temporary file next to `path` and then moved
/// into place, so a failed write never leaves half a workbook.
///
/// # Errors
///
/// As [`write_template`].
pub fn write_filled(
    path: &Path,
    opts: &TemplateOptions,
    rows: &[Vec<TemplateValue>],
) -> Result<(), TemplateError> {
    let mut wb = build(opts, rows)?;
    let bytes = wb.save_to_buffer()?;
    crate::output::write_buffered(path, |w| w.write_all(&bytes))?;
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn excel_time(t: NaiveTime) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// Builds the template workbook in memory.
///
/// # Errors
///
/// [`XlsxError`] when rust_xlsxwriter refuses a value (a date outside
/// Excel's range, a text over a cell's limit).
pub fn build(opts: &TemplateOptions, rows: &[Vec<TemplateValue>]) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title("Agency chronology return (template v1)")
        .set_comment("Written by chronomerge: fill in 'Agency details' and 'Chronology'.");
    if let Some(r) = &opts.review {
        props = props.set_subject(format!("Review {r}"));
    }
    wb.set_properties(&props);
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let hint = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x595959))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let date_fmt = crate::dates::display::EXCEL_DAY;

    // Guidance. The event types listed at its end are the source of the
    // Event type dropdown (a list typed into the validation itself would
    // pass Excel's 255-character limit).
    let types_row;
    // The first row of the key lines of enquiry on Guidance, when the
    // review has some.
    let key_lines_row: Option<u32>;
    {
        let g = wb.add_worksheet();
        g.set_name(GUIDANCE_SHEET)?;
        g.set_column_width(0, GUIDANCE_WIDTH)?;
        g.set_paper_size(9); // A4
        g.set_print_fit_to_pages(1, 0);
        let mut r = 0u32;
        g.write_string_with_format(r, 0, "Agency chronology return: guidance", &title)?;
        r += 1;
        if let Some(rev) = &opts.review {
            let period = match (opts.from, opts.to) {
                (Some(f), Some(t)) => format!(
                    "; review period {} to {}",
                    f.format(crate::dates::display::DAY),
                    t.format(crate::dates::display::DAY)
                ),
                _ => String::new(),
            };
            g.write_string_with_format(r, 0, format!("Review {rev}{period}."), &bold)?;
            r += 1;
        }
        r += 1;
        let tor = terms_of_reference(g, r, opts, &bold, &wrap)?;
        key_lines_row = tor.1;
        r = tor.0;
        for (heading, lines) in guidance_text() {
            g.write_string_with_format(r, 0, heading, &bold)?;
            r += 1;
            for line in lines {
                g.write_string_with_format(r, 0, &line, &wrap)?;
                g.set_row_height(r, row_height(&line))?;
                r += 1;
            }
            r += 1;
        }
        g.write_string_with_format(r, 0, "The columns of 'Chronology'", &bold)?;
        r += 1;
        for col in Column::ALL {
            let h = column_help(col);
            let need = if col.required() {
                "required"
            } else {
                "optional"
            };
            let line = format!("{} ({need}): {}", col.heading(), h.message);
            g.set_row_height(r, row_height(&line))?;
            g.write_string_with_format(r, 0, line, &wrap)?;
            r += 1;
        }
        if key_lines_row.is_some() {
            let line = format!(
                "{} (optional): {}",
                crate::key_lines::HEADING,
                KEY_LINE_HELP.message
            );
            g.set_row_height(r, row_height(&line))?;
            g.write_string_with_format(r, 0, line, &wrap)?;
            r += 1;
        }
        r += 1;
        g.write_string_with_format(
            r,
            0,
            "Event types (choose one for each event from the dropdown in 'Event type')",
            &bold,
        )?;
        types_row = r + 1;
        for (i, t) in EVENT_TYPES.iter().enumerate() {
            g.write_string(types_row + i as u32, 0, *t)?;
        }
        g.protect();
    }

    // Agency details.
    {
        let d = wb.add_worksheet();
        d.set_name(DETAILS_SHEET)?;
        d.set_column_width(0, 22)?;
        d.set_column_width(2, 60)?;
        let value = Format::new()
            .set_unlocked()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        let value_date = value.clone().set_num_format(date_fmt);
        d.set_column_format(1, &value)?;
        d.set_column_width(1, 40)?;
        let labels: [(&str, &str, bool); 6] = [
            (
                "Agency",
                "Your agency's name as the partnership knows it, e.g. West Yorkshire Police.",
                false,
            ),
            (
                "Review reference",
                "The reference of this review, as given by the business unit.",
                false,
            ),
            (
                "Completed by (role)",
                "Your role, not your name, e.g. Named nurse for safeguarding.",
                false,
            ),
            (
                "Date completed",
                "The date you completed the return (dd/mm/yyyy).",
                true,
            ),
            (
                "Period from",
                "The first date your return covers (dd/mm/yyyy).",
                true,
            ),
            (
                "Period to",
                "The last date your return covers (dd/mm/yyyy).",
                true,
            ),
        ];
        for (i, (label, help, is_date)) in labels.iter().enumerate() {
            let r = i as u32;
            d.write_string_with_format(r, 0, *label, &bold)?;
            d.write_string_with_format(r, 2, *help, &hint)?;
            let fmt = if *is_date { &value_date } else { &value };
            d.write_blank(r, 1, fmt)?;
            let mut dv = DataValidation::new();
            if *is_date {
                dv = dv
                    .allow_date(DataValidationRule::Between(
                        ExcelDateTime::from_ymd(1900, 1, 1)?,
                        ExcelDateTime::from_ymd(2099, 12, 31)?,
                    ))
                    .set_error_style(DataValidationErrorStyle::Information)
                    .set_error_title("Not a date")?
                    .set_error_message("Type the date as dd/mm/yyyy, e.g. 05/03/2019.")?;
            } else {
                dv = dv.allow_any_value();
            }
            let dv = dv.set_input_title(*label)?.set_input_message(*help)?;
            d.add_data_validation(r, 1, r, 1, &dv)?;
        }
        if let Some(a) = &opts.agency {
            d.write_string_with_format(0, 1, a, &value)?;
        }
        if let Some(rev) = &opts.review {
            d.write_string_with_format(1, 1, rev, &value)?;
        }
        if let Some(f) = opts.from {
            d.write_datetime_with_format(4, 1, excel_date(f)?, &value_date)?;
        }
        if let Some(t) = opts.to {
            d.write_datetime_with_format(5, 1, excel_date(t)?, &value_date)?;
        }
        d.set_paper_size(9);
        d.set_landscape();
        d.set_print_fit_to_pages(1, 0);
        d.protect_with_options(&ProtectionOptions {
            format_columns: true,
            format_rows: true,
            ..ProtectionOptions::default()
        });
    }

    // Chronology.
    {
        let ws = wb.add_worksheet();
        ws.set_name(CHRONOLOGY_SHEET)?;
        let key_lines = key_lines_row.map(|first| (first, opts.key_lines.len() as u32));
        chronology_sheet(ws, rows, date_fmt, types_row, key_lines)?;
        ws.set_active(true);
    }
    Ok(wb)
}

/// Writes the Terms of Reference on `Guidance` from row `r`, when the
/// options give any of them: the row after them, and the first row of the
/// key lines of enquiry (the source of the Chronology's dropdown).
fn terms_of_reference(
    g: &mut Worksheet,
    mut r: u32,
    opts: &TemplateOptions,
    bold: &Format,
    wrap: &Format,
) -> Result<(u32, Option<u32>), XlsxError> {
    let day = |d: NaiveDate| d.format(crate::dates::display::DAY).to_string();
    let mut lines: Vec<String> = Vec::new();
    if let Some(rev) = &opts.review {
        lines.push(format!("Review reference: {rev}"));
    }
    match (opts.from, opts.to) {
        (Some(f), Some(t)) => lines.push(format!("Review period: {} to {}", day(f), day(t))),
        (Some(f), None) => lines.push(format!("Review period: from {}", day(f))),
        (None, Some(t)) => lines.push(format!("Review period: up to {}", day(t))),
        (None, None) => {}
    }
    let any = opts.due.is_some()
        || opts.contact.is_some()
        || opts.agency_contact.is_some()
        || !opts.key_lines.is_empty();
    if !any {
        return Ok((r, None));
    }
    if let Some(d) = opts.due {
        lines.push(due_line(d));
    }
    if let Some(c) = &opts.contact {
        lines.push(format!("Contact at the business unit: {c}"));
    }
    if let Some(c) = &opts.agency_contact {
        lines.push(format!("Contact for your agency's return: {c}"));
    }
    g.write_string_with_format(r, 0, "Terms of Reference", bold)?;
    r += 1;
    for line in &lines {
        g.write_string_with_format(r, 0, line, wrap)?;
        g.set_row_height(r, row_height(line))?;
        r += 1;
    }
    let mut first = None;
    if !opts.key_lines.is_empty() {
        g.write_string_with_format(
            r,
            0,
            "Key lines of enquiry (in 'Key line of enquiry', choose the line each event bears on, or leave it blank)",
            bold,
        )?;
        r += 1;
        first = Some(r);
        for (i, l) in opts.key_lines.iter().enumerate() {
            let e = crate::key_lines::entry(i, l);
            g.write_string_with_format(r, 0, &e, wrap)?;
            g.set_row_height(r, row_height(&e))?;
            r += 1;
        }
    }
    Ok((r + 1, first))
}

fn chronology_sheet(
    ws: &mut Worksheet,
    rows: &[Vec<TemplateValue>],
    date_fmt: &str,
    types_row: u32,
    key_lines: Option<(u32, u32)>,
) -> Result<(), XlsxError> {
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    // The data area is unlocked through the column formats, so agencies can
    // type and insert rows under sheet protection; the headings keep their
    // own (locked) format.
    let data = Format::new()
        .set_unlocked()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let data_date = data.clone().set_num_format(date_fmt);
    let data_time = data.clone().set_num_format("hh:mm");
    for col in Column::ALL {
        let c = col.index() as u16;
        let help = column_help(col);
        let fmt = match col {
            Column::Date => &data_date,
            _ => &data,
        };
        ws.set_column_format(c, fmt)?;
        ws.set_column_width(c, help.width)?;
        ws.write_string_with_format(0, c, col.heading(), &heading)?;
        // The heading's own input message.
        let head_dv = DataValidation::new()
            .allow_any_value()
            .set_input_title(help.title)?
            .set_input_message(help.message)?;
        ws.add_data_validation(0, c, 0, c, &head_dv)?;
        // The data cells: a check where one helps, always the message.
        let dv = match col {
            Column::Date => DataValidation::new()
                .allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(1900, 1, 1)?,
                    ExcelDateTime::from_ymd(2099, 12, 31)?,
                ))
                .set_error_style(DataValidationErrorStyle::Information)
                .set_error_title("Not a date Excel recognises")?
                .set_error_message(
                    "Partial dates (March 2019), uncertain dates (?22/05/2016) and ranges (03/05/2019 - 10/05/2019) are allowed: click OK to keep what you typed. Otherwise click Cancel and type the date as dd/mm/yyyy.",
                )?,
            Column::Time => DataValidation::new()
                .allow_time(DataValidationRule::Between(
                    ExcelDateTime::from_hms(0, 0, 0)?,
                    ExcelDateTime::from_hms(23, 59, 59)?,
                ))
                .set_error_style(DataValidationErrorStyle::Information)
                .set_error_title("Not a time")?
                .set_error_message(
                    "Type the time as HH:MM (24-hour), e.g. 14:30, or leave it blank. Click OK to keep what you typed.",
                )?,
            Column::Sequence => DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, 1.0e9))
                .set_error_style(DataValidationErrorStyle::Information)
                .set_error_title("Not a number")?
                .set_error_message(
                    "Sequence is a number (1, 2, 1.5). Click OK to keep what you typed.",
                )?,
            Column::EventType => {
                let last = types_row + EVENT_TYPES.len() as u32;
                DataValidation::new()
                    .allow_list_formula(Formula::new(format!(
                        "={GUIDANCE_SHEET}!$A${}:$A${last}",
                        types_row + 1
                    )))
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_title("Not one of the event types")?
                    .set_error_message(
                        "Please choose an event type from the list. Click Yes to keep your own text (it will be queried), No to choose again.",
                    )?
            }
            _ => DataValidation::new().allow_any_value(),
        };
        let dv = dv
            .set_input_title(help.title)?
            .set_input_message(help.message)?;
        ws.add_data_validation(1, c, LAST_ROW, c, &dv)?;
    }
    // The optional Key line of enquiry column, after Analysis / comment,
    // with a dropdown of the review's lines (listed on Guidance).
    let mut first_free = Column::ALL.len() as u16;
    if let Some((first, n)) = key_lines {
        let c = first_free;
        first_free += 1;
        let help = KEY_LINE_HELP;
        ws.set_column_format(c, &data)?;
        ws.set_column_width(c, help.width)?;
        ws.write_string_with_format(0, c, crate::key_lines::HEADING, &heading)?;
        let head_dv = DataValidation::new()
            .allow_any_value()
            .set_input_title(help.title)?
            .set_input_message(help.message)?;
        ws.add_data_validation(0, c, 0, c, &head_dv)?;
        let dv = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "={GUIDANCE_SHEET}!$A${}:$A${}",
                first + 1,
                first + n
            )))
            .ignore_blank(true)
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("Not a key line of enquiry")?
            .set_error_message(
                "Please choose a key line of enquiry from the list, or leave the cell blank. Click Yes to keep your own text (it will be queried), No to choose again.",
            )?
            .set_input_title(help.title)?
            .set_input_message(help.message)?;
        ws.add_data_validation(1, c, LAST_ROW, c, &dv)?;
    }
    // Excel deletes a row under protection only when none of its cells
    // is locked, so the columns right of the template are unlocked too
    // (anything typed there is reported by the checks).
    ws.set_column_range_format(first_free, 16_383, &Format::new().set_unlocked())?;
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        delete_rows: true,
        ..ProtectionOptions::default()
    });
    for (i, row) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                TemplateValue::Empty => {}
                TemplateValue::Text(s) => {
                    ws.write_string_with_format(r, c, s, &data)?;
                }
                TemplateValue::Date(d) => {
                    ws.write_datetime_with_format(r, c, excel_date(*d)?, &data_date)?;
                }
                TemplateValue::Time(t) => {
                    ws.write_datetime_with_format(r, c, excel_time(*t)?, &data_time)?;
                }
                TemplateValue::Number(n) => {
                    ws.write_number_with_format(r, c, *n, &data)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    #[test]
    fn the_template_has_the_contract_headings_and_event_types() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.xlsx");
        let opts = TemplateOptions {
            review: Some("LCSPR-2024-03".into()),
            from: NaiveDate::from_ymd_opt(2022, 1, 1),
            to: NaiveDate::from_ymd_opt(2024, 6, 30),
            ..TemplateOptions::default()
        };
        write_template(&p, &opts).unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&p).unwrap();
        assert_eq!(
            wb.sheet_names(),
            [GUIDANCE_SHEET, DETAILS_SHEET, CHRONOLOGY_SHEET]
        );
        let chron = wb.worksheet_range(CHRONOLOGY_SHEET).unwrap();
        let heads: Vec<String> = chron
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let want: Vec<&str> = Column::ALL.iter().map(|c| c.heading()).collect();
        assert_eq!(heads, want);
        let g = wb.worksheet_range(GUIDANCE_SHEET).unwrap();
        let col_a: Vec<String> = g.rows().map(|r| r[0].to_string()).collect();
        let at = col_a
            .iter()
            .position(|s| s.starts_with("Event types"))
            .unwrap();
        let types = &col_a[at + 1..];
        assert_eq!(types, EVENT_TYPES);
        let d = wb.worksheet_range(DETAILS_SHEET).unwrap();
        assert_eq!(
            d.get_value((1, 1)),
            Some(&Data::String("LCSPR-2024-03".into()))
        );
        assert!(matches!(d.get_value((4, 1)), Some(Data::DateTime(_))));
    }
}
