//! The summary of a batch: one row per review, as a workbook and a CSV.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{ReviewRow, ReviewStatus, SUMMARY_CSV, SUMMARY_XLSX};
use crate::export::neutralise;

/// Writes the summary workbook and CSV into `out`, anonymised with the
/// glossary when there is one (the summary is shared like the workbooks).
/// The reviews' workbooks are written by now: a summary that cannot be
/// written is said (the second value), not a failure of the whole batch.
pub(super) fn write_summary(
    rows: &[ReviewRow],
    out: &Path,
    write: &crate::write::WriteOptions,
) -> (PathBuf, Vec<String>) {
    let summary_xlsx = out.join(SUMMARY_XLSX);
    let summary_csv = out.join(SUMMARY_CSV);
    let shown: Vec<ReviewRow> = match &write.glossary {
        None => rows.to_vec(),
        Some(g) => rows
            .iter()
            .map(|r| {
                let a = |s: &str| g.replace(s).0.into_owned();
                ReviewRow {
                    folder: a(&r.folder),
                    reference: a(&r.reference),
                    missing_agencies: r.missing_agencies.iter().map(|m| a(m)).collect(),
                    workbook: a(&r.workbook),
                    message: a(&r.message),
                    ..r.clone()
                }
            })
            .collect(),
    };
    let mut summary_errors = Vec::new();
    if let Err(e) = write_summary_xlsx(&shown, &summary_xlsx) {
        summary_errors.push(e.to_string());
    }
    match summary_csv_bytes(&shown) {
        Ok(b) => {
            if let Err(e) = crate::output::write_buffered(&summary_csv, |w| w.write_all(&b)) {
                summary_errors.push(format!("{e}. Choose another output with -o"));
            }
        }
        Err(e) => summary_errors.push(e),
    }
    (summary_xlsx, summary_errors)
}

/// The headings of the summary workbook and CSV.
pub const SUMMARY_HEADINGS: [&str; 19] = [
    "Review folder",
    "Reference",
    "Status",
    "Returns merged",
    "Returns rejected",
    "Agencies",
    "Events",
    "Rejected rows",
    "Errors",
    "Warnings",
    "Period from",
    "Period to",
    "First event",
    "Last event",
    "Episodes found",
    "Agencies missing",
    "Time taken (s)",
    "Workbook",
    "Message",
];

enum Field {
    Text(String),
    Number(f64),
    Date(Option<NaiveDate>),
}

fn fields(r: &ReviewRow) -> [Field; 19] {
    use Field::*;
    [
        Text(r.folder.clone()),
        Text(r.reference.clone()),
        Text(r.status.as_str().into()),
        Number(r.returns as f64),
        Number(r.returns_rejected as f64),
        Number(r.agencies as f64),
        Number(r.events as f64),
        Number(r.rejected_rows as f64),
        Number(r.errors as f64),
        Number(r.warnings as f64),
        Date(r.period_from),
        Date(r.period_to),
        Date(r.first_event),
        Date(r.last_event),
        Number(r.episodes as f64),
        Text(r.missing_agencies.join(", ")),
        Number((r.seconds * 1000.0).round() / 1000.0),
        Text(r.workbook.clone()),
        Text(r.message.clone()),
    ]
}

fn summary_csv_bytes(rows: &[ReviewRow]) -> Result<Vec<u8>, String> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let err = |e: csv::Error| format!("the summary CSV could not be made: {e}");
        w.write_record(SUMMARY_HEADINGS).map_err(err)?;
        for r in rows {
            let rec: Vec<String> = fields(r)
                .into_iter()
                .map(|f| match f {
                    Field::Text(s) => neutralise(&s).into_owned(),
                    Field::Number(n) => crate::model::fmt_number(n),
                    Field::Date(d) => d
                        .map(|d| d.format(crate::dates::display::DAY).to_string())
                        .unwrap_or_default(),
                })
                .collect();
            w.write_record(&rec).map_err(err)?;
        }
        w.flush()
            .map_err(|e| format!("the summary CSV could not be made: {e}"))?;
    }
    Ok(out)
}

fn write_summary_xlsx(rows: &[ReviewRow], path: &Path) -> Result<(), crate::write::WriteError> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Reviews")?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x1F3864))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin);
    let failed = Format::new().set_background_color(Color::RGB(0xF8CBAD));
    let plain = Format::new();
    let date = Format::new().set_num_format(crate::dates::display::EXCEL_DAY);
    let failed_date = failed
        .clone()
        .set_num_format(crate::dates::display::EXCEL_DAY);
    let widths = [
        28.0, 16.0, 16.0, 9.0, 9.0, 9.0, 9.0, 9.0, 8.0, 9.0, 11.0, 11.0, 11.0, 11.0, 9.0, 24.0,
        9.0, 36.0, 50.0,
    ];
    for (c, h) in SUMMARY_HEADINGS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, widths[c])?;
    }
    ws.set_freeze_panes(1, 1)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let bad = matches!(r.status, ReviewStatus::Failed | ReviewStatus::WrittenInPart);
        let (tf, df) = if bad {
            (&failed, &failed_date)
        } else {
            (&plain, &date)
        };
        for (c, f) in fields(r).into_iter().enumerate() {
            let c = c as u16;
            match f {
                Field::Text(s) if s.is_empty() => {
                    ws.write_blank(row, c, tf)?;
                }
                Field::Text(s) => {
                    ws.write_string_with_format(row, c, &s, tf)?;
                }
                Field::Number(n) => {
                    ws.write_number_with_format(row, c, n, tf)?;
                }
                Field::Date(Some(d)) => {
                    let serial =
                        crate::dates::datetime_to_serial(d.and_time(chrono::NaiveTime::MIN));
                    ws.write_number_with_format(row, c, serial, df)?;
                }
                Field::Date(None) => {
                    ws.write_blank(row, c, tf)?;
                }
            }
        }
    }
    ws.autofilter(
        0,
        0,
        rows.len().max(1) as u32,
        (SUMMARY_HEADINGS.len() - 1) as u16,
    )?;
    crate::write::save_atomically(&mut wb, path)
}
