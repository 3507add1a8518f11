//! The `Findings` sheet: every finding, coloured by severity, with its
//! file, sheet, cell, code and message; `Findings (2)` and so on past a
//! sheet's rows (a finding's parts always on one sheet).

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, split_for_cells};
use super::page::Page;
use super::sheet::{add_sheet, continued_name, end_stream, write_headings};
use crate::findings::Severity;

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

/// Writes the `Findings` sheets.
pub(super) fn write_findings(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
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
