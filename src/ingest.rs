//! Ingest: read one return from disk into a [`RawReturn`]: its sheets' rows
//! with their origin, whatever the format.
//!
//! `.xlsx` and `.xlsb` are streamed cell by cell, so a stray value at
//! `XFD1048576` costs nothing; `.xls` and `.ods` go through calamine's
//! ranges; `.csv` through the csv crate, as UTF-8 (with or without BOM) or
//! Windows-1252; a `.txt` the same way when its first lines hold the
//! template's headings (Excel's "Unicode Text": UTF-16, tab separated); a
//! Word document's table through [`docx`]. Files are opened read-only and
//! never written.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader};

use crate::dates::EPOCH_1904_OFFSET;
use crate::findings::{Code, Finding};
use crate::model::{cell_ref, normalise, Cell, Format, RawReturn, RawRow, RawSheet};

pub mod docx;
pub mod guard;
pub mod layout;

// The sheet names, the columns kept per row and the rule for a chronology
// sheet's name live in `model`, below both `ingest` and `validate`, so that
// `validate` imports nothing from `ingest` (only `ingest` uses `validate`'s
// heading rules); their paths stay here.
pub use crate::model::{
    is_chronology_name, CHRONOLOGY_SHEET, DETAILS_SHEET, GUIDANCE_SHEET, MAX_COLS,
};

/// The largest return read (bytes on disk). A chronology is a few MB; a
/// file far larger is reported rather than read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a return. An `Err` is a finding about the whole file (it could
/// not be read at all); findings about parts of it are in the result.
///
/// # Errors
///
/// A [`Finding`] about the whole file when it cannot be read at all:
/// missing or unreadable, too large, encrypted, damaged, not what its name
/// says, or holding no chronology.
pub fn read_return(path: &Path, name: &str, format: Format) -> Result<RawReturn, Finding> {
    let meta = std::fs::metadata(path).map_err(|e| io_finding(name, &e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Finding::new(
            Code::FileTooLarge,
            name,
            format!(
                "the file is {} MB, more than the {} MB a return may be: ask the agency to check it and send the chronology only",
                meta.len() / 1_048_576,
                MAX_FILE_BYTES / 1_048_576
            ),
        ));
    }
    match format {
        Format::Csv => read_csv(path, name),
        Format::Text => read_text(path, name),
        Format::Docx => docx::read_docx(path, name),
        _ => {
            let actual = guard::inspect(path, name, format)?;
            read_workbook(path, name, format, actual)
        }
    }
}

pub(crate) fn io_finding(name: &str, e: &std::io::Error) -> Finding {
    let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
        "the file cannot be opened (it may be open and locked in another program): close it and run again"
    } else {
        "the file cannot be opened: check it is still in the folder and can be opened"
    };
    Finding::new(Code::FileUnreadable, name, format!("{hint} ({e})"))
}

pub(crate) fn not_workbook(name: &str, head: &[u8]) -> Finding {
    let what = if head.is_empty() {
        "the file is empty"
    } else if head.starts_with(b"%PDF") {
        "the file is a PDF, not a spreadsheet"
    } else if head.starts_with(b"<") {
        "the file is a web page or XML, not a spreadsheet"
    } else {
        "the file is not a spreadsheet, whatever its name says"
    };
    Finding::new(
        Code::FileNotWorkbook,
        name,
        format!("{what}: ask the agency to send the return as .xlsx made from the template"),
    )
}

fn calamine_finding(name: &str, e: &calamine::Error) -> Finding {
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("password") {
        return Finding::new(
            Code::FileEncrypted,
            name,
            "the file is password protected: ask the agency to send it again without a password",
        );
    }
    Finding::new(
        Code::FileUnreadable,
        name,
        format!(
            "the file is damaged or not a spreadsheet ({text}): ask the agency to re-save it as .xlsx from the template and send it again"
        ),
    )
}

/// Finds a sheet by its template name: exactly, then ignoring case and
/// spaces, then by close spelling. Returns the name and whether it was exact.
pub fn find_sheet(names: &[String], wanted: &str) -> Option<(String, bool)> {
    if let Some(n) = names.iter().find(|n| n.as_str() == wanted) {
        return Some((n.clone(), true));
    }
    let key = normalise(wanted);
    if let Some(n) = names.iter().find(|n| normalise(n) == key) {
        return Some((n.clone(), false));
    }
    names
        .iter()
        .map(|n| (n, strsim::normalized_levenshtein(&normalise(n), &key)))
        .filter(|(_, s)| *s >= 0.75)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| (n.clone(), false))
}

/// Opens a workbook as what its content is (the guard looked), whatever
/// its extension says.
fn open_as(
    path: &Path,
    actual: guard::Actual,
) -> Result<calamine::Sheets<BufReader<File>>, calamine::Error> {
    use calamine::{open_workbook, Ods, Sheets, Xls, Xlsb, Xlsx};
    Ok(match actual {
        guard::Actual::Xlsx => Sheets::Xlsx(open_workbook::<Xlsx<_>, _>(path)?),
        guard::Actual::Xlsb => Sheets::Xlsb(open_workbook::<Xlsb<_>, _>(path)?),
        guard::Actual::Ods => Sheets::Ods(open_workbook::<Ods<_>, _>(path)?),
        guard::Actual::Xls => Sheets::Xls(open_workbook::<Xls<_>, _>(path)?),
    })
}

fn read_workbook(
    path: &Path,
    name: &str,
    format: Format,
    actual: guard::Actual,
) -> Result<RawReturn, Finding> {
    let file: Arc<str> = name.into();
    let mut findings = Vec::new();
    let mut wb = open_as(path, actual).map_err(|e| calamine_finding(name, &e))?;
    let names = wb.sheet_names();
    if crate::validate::is_merged_chronology(&names) {
        // The engine's own output: never read (validate says so).
        return Ok(RawReturn {
            file,
            format,
            sheet_names: names,
            details: None,
            chronology: Vec::new(),
            findings,
        });
    }
    let details_name = find_sheet(&names, DETAILS_SHEET).map(|(n, _)| n);
    let mut read = |sheet: &str| -> Result<RawSheet, Finding> {
        match &mut wb {
            calamine::Sheets::Xlsx(x) => stream_xlsx(x, sheet, name),
            calamine::Sheets::Xlsb(x) => stream_xlsb(x, sheet, name),
            other => range_sheet(other, sheet, name),
        }
    };
    let details = details_name.as_deref().map(&mut read).transpose()?;
    let mut chronology = pick_chronology(
        &names,
        details_name.as_deref(),
        name,
        &mut findings,
        &mut read,
    )?;
    if !chronology.is_empty() {
        let wanted: Vec<&str> = chronology.iter().map(|s| s.name.as_str()).collect();
        let mut layout = match actual {
            guard::Actual::Xlsx => layout::xlsx(path, &wanted),
            guard::Actual::Ods => layout::ods(path),
            guard::Actual::Xls => layout::xls(path),
            guard::Actual::Xlsb => layout::WorkbookLayout::default(),
        };
        for s in &mut chronology {
            if let Some(l) = layout.sheets.remove(&s.name) {
                s.merged = l.merged;
                s.hidden_rows = l.hidden_rows;
                s.hidden_cols = l.hidden_cols;
            }
            s.formulas_uncalculated = layout.uncalculated;
        }
    }
    Ok(RawReturn {
        file,
        format,
        sheet_names: names,
        details,
        chronology,
        findings,
    })
}

/// Reads the chronology's sheets, in workbook order: every sheet (other
/// than `Guidance` and `Agency details`) named as the chronology or holding
/// the template's headings; a single other sheet whatever its name. Any
/// other sheet with rows of content is named in a `sheet-not-read` finding.
fn pick_chronology(
    names: &[String],
    details: Option<&str>,
    file: &str,
    findings: &mut Vec<Finding>,
    read: &mut dyn FnMut(&str) -> Result<RawSheet, Finding>,
) -> Result<Vec<RawSheet>, Finding> {
    let guidance = normalise(GUIDANCE_SHEET);
    let others: Vec<&String> = names
        .iter()
        .filter(|n| Some(n.as_str()) != details && normalise(n) != guidance)
        .collect();
    let mut chronology = Vec::new();
    let mut not_read = Vec::new();
    for n in &others {
        let named = is_chronology_name(n);
        let sheet = match read(n) {
            Ok(s) => s,
            Err(f) if named || others.len() == 1 => return Err(f),
            Err(f) => {
                findings.push(
                    Finding::new(
                        Code::SheetNotRead,
                        file,
                        format!(
                            "the sheet '{n}' was not read: {}; if it holds events, ask the agency to move them into the 'Chronology' sheet",
                            f.message
                        ),
                    )
                    .at(n.as_str(), ""),
                );
                continue;
            }
        };
        if named || crate::validate::header_row_index(&sheet).is_some() {
            chronology.push(sheet);
        } else {
            not_read.push(sheet);
        }
    }
    // A return with a single sheet besides the template's others is the
    // chronology, whatever it is called.
    if chronology.is_empty() && others.len() == 1 {
        chronology.append(&mut not_read);
    }
    if let Some(first) = chronology.first() {
        if !names.iter().any(|n| n == CHRONOLOGY_SHEET) {
            findings.push(
                Finding::new(
                    Code::SheetRenamed,
                    file,
                    format!(
                        "the sheet 'Chronology' was not found; the sheet '{}' was read as the chronology",
                        first.name
                    ),
                )
                .at(first.name.as_str(), ""),
            );
        }
    }
    for s in &not_read {
        // Rows of content: a row with two cells or more (a list of one
        // column, such as the event types, is not rows of events).
        let Some(row) = s
            .rows
            .iter()
            .find(|r| r.cells.iter().filter(|c| !c.is_blank()).count() >= 2)
        else {
            continue;
        };
        let rows = s
            .rows
            .iter()
            .filter(|r| r.cells.iter().filter(|c| !c.is_blank()).count() >= 2)
            .count();
        let col = row.cells.iter().position(|c| !c.is_blank()).unwrap_or(0);
        findings.push(
            Finding::new(
                Code::SheetNotRead,
                file,
                format!(
                    "the sheet '{}' holds {rows} row(s) of content but not the chronology's headings, so it was not read: if it holds events, ask the agency to move them into the 'Chronology' sheet (or give the sheet the template's headings)",
                    s.name
                ),
            )
            .at(s.name.as_str(), cell_ref(col, row.row)),
        );
    }
    Ok(chronology)
}

/// The serial of an Excel date cell in the 1900 system, whichever date
/// system the workbook used.
fn serial_1900(dt: &ExcelDateTime) -> f64 {
    let v = dt.as_f64();
    // calamine keeps the epoch private; a 1904 value gives different civil
    // components from the same value read in the 1900 system.
    let as_1900 = ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false).to_ymd_hms_milli();
    if dt.is_duration() || as_1900 == dt.to_ymd_hms_milli() {
        v
    } else {
        v + EPOCH_1904_OFFSET
    }
}

fn from_dataref(d: DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => Cell::DateTime {
            serial: serial_1900(&dt),
            duration: dt.is_duration(),
        },
        DataRef::DateTimeIso(s) => Cell::IsoDateTime(s),
        DataRef::DurationIso(s) => Cell::IsoDuration(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::DateTime {
            serial: serial_1900(dt),
            duration: dt.is_duration(),
        },
        Data::DateTimeIso(s) => Cell::IsoDateTime(s.clone()),
        Data::DurationIso(s) => Cell::IsoDuration(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Collects streamed cells into rows, keeping only rows with content.
struct RowBuilder {
    sheet: RawSheet,
    current: Option<RawRow>,
}

impl RowBuilder {
    fn new(name: &str) -> Self {
        RowBuilder {
            sheet: RawSheet {
                name: name.to_string(),
                ..RawSheet::default()
            },
            current: None,
        }
    }

    /// Adds a cell at a 0-based (row, col).
    fn push(&mut self, row0: u32, col: u32, cell: Cell) {
        if cell.is_blank() {
            return;
        }
        let row = row0 + 1;
        let col = col as usize;
        if col >= MAX_COLS {
            if self.sheet.stray.len() < 20 {
                self.sheet.stray.push((col, row));
            }
            self.sheet.stray_count += 1;
            return;
        }
        if self.current.as_ref().map(|r| r.row) != Some(row) {
            self.flush();
            self.current = Some(RawRow {
                row,
                cells: Vec::new(),
            });
        }
        let r = self.current.as_mut().expect("set above");
        if r.cells.len() <= col {
            r.cells.resize(col + 1, Cell::Empty);
        }
        r.cells[col] = cell;
    }

    fn flush(&mut self) {
        if let Some(r) = self.current.take() {
            self.sheet.rows.push(r);
        }
    }

    fn finish(mut self) -> RawSheet {
        self.flush();
        // Streams are in row order in every file Excel writes; a hand-made
        // file might not be, so make sure (stable, cheap when sorted).
        if !self.sheet.rows.windows(2).all(|w| w[0].row < w[1].row) {
            self.sheet.rows.sort_by_key(|r| r.row);
            merge_same_rows(&mut self.sheet.rows);
        }
        self.sheet
    }
}

fn merge_same_rows(rows: &mut Vec<RawRow>) {
    let mut out: Vec<RawRow> = Vec::with_capacity(rows.len());
    for r in rows.drain(..) {
        match out.last_mut() {
            Some(last) if last.row == r.row => {
                for (i, c) in r.cells.into_iter().enumerate() {
                    if !c.is_blank() {
                        if last.cells.len() <= i {
                            last.cells.resize(i + 1, Cell::Empty);
                        }
                        last.cells[i] = c;
                    }
                }
            }
            _ => out.push(r),
        }
    }
    *rows = out;
}

/// The finding for a sheet whose stream breaks part way through.
fn damaged_sheet(file: &str, sheet: &str, e: &dyn std::fmt::Display) -> Finding {
    Finding::new(
        Code::FileUnreadable,
        file,
        format!("the sheet '{sheet}' is damaged ({e}): ask the agency to re-save the return as .xlsx and send it again"),
    )
    .at(sheet, "")
}

fn stream_xlsx<R: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsx<R>,
    sheet: &str,
    file: &str,
) -> Result<RawSheet, Finding> {
    let bad = |e: calamine::XlsxError| damaged_sheet(file, sheet, &e);
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(bad)?;
    let mut rows = RowBuilder::new(sheet);
    while let Some(c) = reader.next_cell_with_formula().map_err(bad)? {
        let (r, col) = c.pos;
        if let Some(f) = c.formula {
            if (col as usize) < MAX_COLS && rows.sheet.formulas.len() < 10_000 {
                rows.sheet.formulas.push((col as usize, r + 1, f));
            }
        }
        rows.push(r, col, from_dataref(c.value));
    }
    Ok(rows.finish())
}

fn stream_xlsb<R: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsb<R>,
    sheet: &str,
    file: &str,
) -> Result<RawSheet, Finding> {
    let bad = |e: calamine::XlsbError| damaged_sheet(file, sheet, &e);
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(bad)?;
    let mut rows = RowBuilder::new(sheet);
    while let Some(c) = reader.next_cell().map_err(bad)? {
        let (r, col) = c.get_position();
        rows.push(r, col, from_dataref(c.get_value().clone()));
    }
    Ok(rows.finish())
}

fn range_sheet(
    wb: &mut calamine::Sheets<BufReader<File>>,
    sheet: &str,
    file: &str,
) -> Result<RawSheet, Finding> {
    let range = wb.worksheet_range(sheet).map_err(|e| {
        Finding::new(
            Code::FileUnreadable,
            file,
            format!("the sheet '{sheet}' cannot be read ({e}): ask the agency to re-save the return as .xlsx and send it again"),
        )
        .at(sheet, "")
    })?;
    let mut rows = RowBuilder::new(sheet);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, row) in range.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            rows.push(r0 + r as u32, c0 + c as u32, from_data(d));
        }
    }
    // .xls and .ods formulas: calamine parsed them with the workbook.
    if let Ok(formulas) = wb.worksheet_formula(sheet) {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, row) in formulas.rows().enumerate() {
            for (c, f) in row.iter().enumerate() {
                let col = (c0 as usize).saturating_add(c);
                if !f.is_empty() && col < MAX_COLS && rows.sheet.formulas.len() < 10_000 {
                    // An OpenDocument formula reads `of:=…`.
                    let text = f.strip_prefix("of:").unwrap_or(f);
                    let text = text.strip_prefix('=').unwrap_or(text);
                    rows.sheet
                        .formulas
                        .push((col, r0 + r as u32 + 1, text.to_string()));
                }
            }
        }
    }
    Ok(rows.finish())
}

/// Reads a CSV export: UTF-8 (BOM or not) or Windows-1252, comma,
/// semicolon or tab separated, header on line 1.
fn read_csv(path: &Path, name: &str) -> Result<RawReturn, Finding> {
    let bytes = std::fs::read(path).map_err(|e| io_finding(name, &e))?;
    read_delimited(decode_csv(&bytes), name, Format::Csv)
}

/// How much of a `.txt` is looked at to decide whether it is a chronology.
const TEXT_SNIFF_BYTES: u64 = 64 * 1024;

/// Reads a `.txt` as a chronology when its first lines hold the template's
/// headings (Excel's "Unicode Text" and "Text (Tab delimited)" exports);
/// any other text file is not a return: `Err` with a
/// [`Code::FileNoChronology`] finding of severity info (notes left in the
/// folder are nothing to fix).
fn read_text(path: &Path, name: &str) -> Result<RawReturn, Finding> {
    use std::io::Read;
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(TEXT_SNIFF_BYTES).read_to_end(&mut head))
        .map_err(|e| io_finding(name, &e))?;
    if !text_is_chronology(&decode_csv(&head)) {
        return Err(Finding::new(
            Code::FileNoChronology,
            name,
            "the text file's first lines hold none of the template's headings (Date, Source of information, Details of event …), so it is not read as a chronology: nothing to do if it is notes; if it is the agency's chronology, ask the agency to send it as .xlsx made from the template",
        )
        .with_severity(crate::findings::Severity::Info));
    }
    let bytes = std::fs::read(path).map_err(|e| io_finding(name, &e))?;
    read_delimited(decode_csv(&bytes), name, Format::Text)
}

/// True when the text file at `path` holds a chronology (its first lines
/// hold the template's headings): what [`read_return`] would read. Only
/// the start of the file is read.
pub fn text_file_is_chronology(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(TEXT_SNIFF_BYTES).read_to_end(&mut head))
        .is_ok_and(|_| text_is_chronology(&decode_csv(&head)))
}

/// True when one of the first lines of a text holds at least three of the
/// template's headings (the rule `validate::map_columns` finds the header
/// row by), split at tabs, commas or semicolons.
pub fn text_is_chronology(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .any(|line| {
            let sep = match sniff_delimiter(line) {
                b'\t' => '\t',
                b';' => ';',
                _ => ',',
            };
            line.split(sep)
                .filter(|h| {
                    matches!(
                        crate::validate::match_heading(h.trim().trim_matches('"')),
                        crate::validate::HeadingMatch::Exact(_)
                            | crate::validate::HeadingMatch::Close(..)
                    )
                })
                .count()
                >= 3
        })
}

/// Reads delimited text (a CSV export, or a `.txt` saved by Excel) into a
/// return of one sheet named after the file.
fn read_delimited(text: String, name: &str, format: Format) -> Result<RawReturn, Finding> {
    let mut findings = Vec::new();
    let text = guard::repair_csv(text, name, &mut findings);
    let delimiter = sniff_delimiter(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    // Excel names the one sheet of a CSV after the file: use the same name,
    // so a cell reference in a finding is where the agency will look.
    let sheet_name = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let mut sheet = RawSheet {
        name: sheet_name.clone(),
        ..RawSheet::default()
    };
    let mut header_len = None;
    // Ragged lines past the first RAGGED_LISTED are counted, not listed:
    // (count, first line, last line).
    let mut ragged = 0usize;
    let mut ragged_more: Option<(usize, u32, u32)> = None;
    let mut record = csv::StringRecord::new();
    // A record's row is its number in the file (the header is row 1): the
    // row Excel shows when the agency opens the CSV, even when a quoted
    // field spans several lines.
    let mut line = 0u32;
    loop {
        line += 1;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let cells: Vec<Cell> = record
                    .iter()
                    .take(MAX_COLS)
                    .map(|s| {
                        let s = s.replace('\0', "");
                        if s.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s)
                        }
                    })
                    .collect();
                if record.len() > MAX_COLS {
                    sheet.stray.push((MAX_COLS, line));
                    sheet.stray_count += record.len() - MAX_COLS;
                }
                match header_len {
                    None => header_len = Some(record.len()),
                    Some(h) if record.len() != h && cells.iter().any(|c| !c.is_blank()) => {
                        ragged += 1;
                        if ragged > RAGGED_LISTED {
                            let m = ragged_more.get_or_insert((0, line, line));
                            m.0 += 1;
                            m.2 = line;
                        } else {
                            findings.push(
                                Finding::new(
                                    Code::CsvRagged,
                                    name,
                                    format!(
                                        "line {line} has {} fields where the header has {h}: check that no field holds an unquoted comma",
                                        record.len()
                                    ),
                                )
                                .at(sheet.name.as_str(), cell_ref(0, line)),
                            );
                        }
                    }
                    _ => {}
                }
                if cells.iter().any(|c| !c.is_blank()) {
                    sheet.rows.push(RawRow { row: line, cells });
                }
            }
            Err(e) => {
                findings.push(
                    Finding::new(
                        Code::CsvBroken,
                        name,
                        format!("the CSV cannot be read past record {line} ({e}): ask the agency to export it again"),
                    )
                    .at(sheet.name.as_str(), cell_ref(0, line)),
                );
                break;
            }
        }
    }
    if let (Some((n, first, last)), Some(h)) = (ragged_more, header_len) {
        findings.push(
            Finding::new(
                Code::CsvRagged,
                name,
                format!(
                    "{n} more line(s), from line {first} to line {last}, have a number of fields other than the header's {h} (only the first {RAGGED_LISTED} are listed): the export is probably broken throughout; ask the agency to export it again with every field quoted"
                ),
            )
            .at(sheet.name.as_str(), cell_ref(0, first)),
        );
    }
    Ok(one_sheet_return(
        name,
        format,
        vec![sheet_name],
        None,
        sheet,
        findings,
    ))
}

/// The [`RawReturn`] of a file read as one chronology sheet (a CSV, a text
/// file, a Word document's table): the one place these readers build it.
pub(crate) fn one_sheet_return(
    file: &str,
    format: Format,
    sheet_names: Vec<String>,
    details: Option<RawSheet>,
    chronology: RawSheet,
    findings: Vec<Finding>,
) -> RawReturn {
    RawReturn {
        file: file.into(),
        format,
        sheet_names,
        details,
        chronology: vec![chronology],
        findings,
    }
}

/// Ragged CSV lines listed one finding each; the rest are summed up in
/// one finding, so that a broken export does not bury the other findings.
pub const RAGGED_LISTED: usize = 20;

/// Decodes CSV bytes: UTF-16 when they start with its byte order mark
/// (Excel's "Unicode text"), UTF-8 (a BOM is dropped) when they are valid
/// UTF-8, else Windows-1252 (what Excel and most case systems on Windows
/// write).
///
/// ```
/// assert_eq!(chronomerge::ingest::decode_csv(b"\xEF\xBB\xBFCaf\xC3\xA9"), "Café");
/// assert_eq!(chronomerge::ingest::decode_csv(b"Caf\xE9 \xA3"), "Café £");
/// ```
pub fn decode_csv(bytes: &[u8]) -> String {
    // Excel's "Unicode text" is UTF-16 with a byte order mark.
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text.into_owned()
        }
    }
}

/// The separator of a CSV: whichever of `,` `;` and tab the header line
/// holds most of (comma when none).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}
