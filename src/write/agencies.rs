//! The `Agencies` sheet: the colour legend, with each agency's counts,
//! first and last event, return files and where its colour came from.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::build::Ctx;
use super::cells::{fit_row, label, row_lines, serial_of};
use super::formats::agency_formats;
use super::sheet::{add_sheet, end_stream, write_headings};
use crate::dates::DateValue;

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

/// Writes the `Agencies` sheet.
pub(super) fn write_agencies(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
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
