//! The `Reviewer notes not placed` sheet: the reviewer's notes that a
//! re-merge could not put back on their event (withdrawn, rejected,
//! superseded away, or typed on a row the reviewer added), each with its
//! Ref, the old event's date, agency and details, the note, the reviewer's
//! KPE and the day it was first not placed. Written only when there are
//! such notes; read back by the next re-merge, so none is ever lost.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines};
use super::sheet::{add_sheet, end_stream, write_headings};
use crate::notes::{NOT_PLACED_HEADINGS, NOT_PLACED_SHEET};

/// Writes the sheet, when the carried notes hold any not placed.
pub(super) fn write_not_placed(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
    let Some(carried) = cx.opts.reviewer.as_deref() else {
        return Ok(());
    };
    if carried.not_placed.is_empty() {
        return Ok(());
    }
    let ws = add_sheet(wb, stream)?;
    ws.set_name(NOT_PLACED_SHEET)?;
    cx.page.setup(ws, NOT_PLACED_SHEET, 1)?;
    let widths = [10.0, 11.0, 20.0, 55.0, 40.0, 12.0, 14.0];
    write_headings(ws, &NOT_PLACED_HEADINGS, &widths)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut row = 1u32;
    for n in &carried.not_placed {
        let since = n.since.clone().unwrap_or_default();
        let cells = [
            n.reference.as_str(),
            n.date_text.as_str(),
            n.agency.as_str(),
            n.details.as_str(),
            n.note.as_str(),
            n.kpe.as_str(),
            since.as_str(),
        ];
        for (c, t) in cells.iter().enumerate() {
            label(ws, row, c as u16, t, &wrap)?;
        }
        fit_row(ws, row, row_lines(cells.iter().copied().zip(widths)))?;
        row += 1;
    }
    ws.autofilter(0, 0, row - 1, (widths.len() - 1) as u16)?;
    end_stream(ws, row, stream)
}
