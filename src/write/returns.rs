//! The `Returns` sheet: every file found in the review folder, its agency,
//! format, status, row counts (read = merged + rejected + skipped), dates
//! and note.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::date_format;
use super::sheet::{add_sheet, end_stream, write_headings};

/// Writes the `Returns` sheet.
pub(super) fn write_returns(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
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
    let date = date_format();
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
