//! Guards against hostile workbooks, run before calamine sees a file.
//!
//! calamine trusts what a file claims: a zip part's unpacked size, an
//! `.ods` table's repeated rows and columns, an `.xls` sheet's dimensions.
//! For `.xls` and `.ods` it builds every sheet as a dense rectangle when the
//! workbook is opened, so one stray value far from the data (`IV65536`,
//! `XFD1048576`) or a lying size record can ask for gigabytes and abort the
//! process, which no `catch_unwind` can stop. These guards read only the
//! file's structure, streaming, and turn each of those into a finding that
//! names the file and says what to do, so memory stays proportional to the
//! real data.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::findings::{Code, Finding};
use crate::model::{cell_ref, Format};

/// The most one part of a zip-based workbook may unpack to (a worksheet's
/// XML, the shared strings). A 100,000-row chronology is well under this.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// The most all parts of a zip-based workbook together may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;

/// The most entries a zip-based workbook may hold (a workbook has tens).
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// The largest sheet rectangle (rows × columns from the first to the last
/// cell with content) read from an `.xls` or `.ods`, whose reader builds
/// every sheet as a dense rectangle: 200,000 rows of the template's 10
/// columns.
pub const MAX_RANGE_CELLS: u64 = 2_000_000;

/// The largest rectangle an `.xls` sheet's DIMENSIONS record may claim
/// (the whole `.xls` grid, 65,536 rows × 256 columns): calamine reserves
/// this much before reading the cells.
pub const MAX_XLS_DIMENSION_CELLS: u64 = 65_536 * 256;

/// What a file turned out to be, whatever its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actual {
    /// A zip holding an Office Open XML workbook.
    Xlsx,
    /// A zip holding an Excel binary workbook.
    Xlsb,
    /// A zip holding an OpenDocument spreadsheet.
    Ods,
    /// An OLE compound file holding an Excel 97–2003 workbook.
    Xls,
}

impl Actual {
    /// The return format this content is read as.
    pub fn format(self) -> Format {
        match self {
            Actual::Xlsx => Format::Xlsx,
            Actual::Xlsb => Format::Xlsb,
            Actual::Ods => Format::Ods,
            Actual::Xls => Format::Xls,
        }
    }
}

fn damaged(name: &str, what: impl std::fmt::Display) -> Finding {
    Finding::new(
        Code::FileUnreadable,
        name,
        format!(
            "the file is damaged ({what}); it may have been cut short when it was sent: ask the agency to save the return again as .xlsx from the template and send it again"
        ),
    )
}

fn too_large(name: &str, what: impl std::fmt::Display) -> Finding {
    Finding::new(Code::FileTooLarge, name, format!("{what}"))
}

/// Decides what a workbook file really is and refuses what must not reach
/// calamine: encrypted packages, files that are not spreadsheets, zip
/// bombs, absurd `.xls`/`.ods` sheets.
///
/// # Errors
///
/// A [`Finding`] naming the file and what is wrong with it: encrypted, not
/// a spreadsheet, a zip bomb, too large a sheet, or unreadable.
pub fn inspect(path: &Path, name: &str, declared: Format) -> Result<Actual, Finding> {
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|e| super::io_finding(name, &e))?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let actual = inspect_zip(path, name)?;
        if actual == Actual::Ods {
            check_ods(path, name)?;
        }
        Ok(actual)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        inspect_ole(path, name, declared)
    } else {
        Err(super::not_workbook(name, head))
    }
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// An OLE compound file: an encrypted Office package, an `.xls`, or some
/// other Office document.
fn inspect_ole(path: &Path, name: &str, declared: Format) -> Result<Actual, Finding> {
    let comp = cfb::open(path).map_err(|e| damaged(name, e))?;
    if comp.exists("/EncryptedPackage") || comp.exists("/EncryptionInfo") {
        return Err(Finding::new(
            Code::FileEncrypted,
            name,
            "the file is password protected (encrypted): ask the agency to send it again without a password (sending the password is not enough: the engine cannot open it)",
        ));
    }
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|s| comp.is_stream(s));
    drop(comp);
    match stream {
        Some(s) => {
            check_xls(path, name, s)?;
            let _ = declared;
            Ok(Actual::Xls)
        }
        None => Err(Finding::new(
            Code::FileNotWorkbook,
            name,
            "the file is an Office document of another kind (Word or PowerPoint?), not a spreadsheet: ask the agency to send the return as .xlsx made from the template",
        )),
    }
}

/// The central directory's size and entry count, from the end record, so
/// an absurd directory is refused before anything parses it.
fn end_record(path: &Path) -> std::io::Result<Option<(u64, u64)>> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let tail = len.min(65_557);
    f.seek(SeekFrom::Start(len - tail))?;
    let mut buf = Vec::with_capacity(tail as usize);
    f.take(tail).read_to_end(&mut buf)?;
    let Some(at) = buf
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .filter(|&at| at + 22 <= buf.len())
    else {
        return Ok(None);
    };
    let r = &buf[at..];
    let entries = u16::from_le_bytes([r[10], r[11]]) as u64;
    let size = u32::from_le_bytes([r[12], r[13], r[14], r[15]]) as u64;
    Ok(Some((entries, size)))
}

/// Checks a zip's directory: every part's unpacked size within bounds (the
/// zip crate, which calamine uses too, never unpacks more than a part
/// declares), and what kind of workbook it holds.
fn inspect_zip(path: &Path, name: &str) -> Result<Actual, Finding> {
    let (mut zip, parts) = open_checked_zip(path, name)?;
    let mut kind = None;
    let mut word = false;
    for part in &parts {
        match part.as_str() {
            "xl/workbook.bin" => kind = Some(Actual::Xlsb),
            "xl/workbook.xml" if kind.is_none() => kind = Some(Actual::Xlsx),
            "content.xml" if kind.is_none() => kind = Some(Actual::Ods),
            "word/document.xml" | "ppt/presentation.xml" => word = true,
            _ => {}
        }
    }
    if kind == Some(Actual::Xlsx) {
        check_shared_strings(&mut zip, name)?;
    }
    kind.ok_or_else(|| {
        let what = if word {
            "the file is a Word or PowerPoint document, not a spreadsheet"
        } else {
            "the file is a zip archive, not a spreadsheet"
        };
        Finding::new(
            Code::FileNotWorkbook,
            name,
            format!("{what}: ask the agency to send the return as .xlsx made from the template"),
        )
    })
}

/// Opens a zip package once its directory has been checked: no more
/// entries than a document has, no part unpacking beyond
/// [`MAX_PART_BYTES`], all parts together within [`MAX_UNPACKED_BYTES`].
/// Returns the archive and its part names, in the zip's order.
fn open_checked_zip(
    path: &Path,
    name: &str,
) -> Result<(zip::ZipArchive<BufReader<File>>, Vec<String>), Finding> {
    match end_record(path) {
        Ok(Some((entries, size))) => {
            // 0xFFFF / 0xFFFFFFFF mean "see the zip64 record": the zip
            // crate checks those itself.
            if (entries != 0xFFFF && entries as usize > MAX_ZIP_ENTRIES)
                || (size != 0xFFFF_FFFF && size > 64 * 1024 * 1024)
            {
                return Err(too_large(
                    name,
                    format!("the file holds {entries} packed parts, far more than a spreadsheet has: it is not a real return; ask the agency to save the return again as .xlsx from the template"),
                ));
            }
        }
        Ok(None) => {
            return Err(damaged(
                name,
                "the end of the zip package is missing: the file is incomplete",
            ))
        }
        Err(e) => return Err(super::io_finding(name, &e)),
    }
    let file = File::open(path).map_err(|e| super::io_finding(name, &e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| damaged(name, e))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(
            name,
            format!("the file holds {} packed parts, far more than a spreadsheet has: ask the agency to save the return again as .xlsx from the template", zip.len()),
        ));
    }
    let mut total: u64 = 0;
    let mut parts = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| damaged(name, e))?;
        let size = entry.size();
        let part = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if size > MAX_PART_BYTES {
            return Err(too_large(
                name,
                format!(
                    "the part '{part}' of the file unpacks to {} MB, far more than a chronology holds (the limit is {} MB): this is what a 'zip bomb' does; do not open it, and ask the agency to send the return again as .xlsx saved from the template",
                    size / 1_048_576,
                    MAX_PART_BYTES / 1_048_576
                ),
            ));
        }
        total = total.saturating_add(size);
        parts.push(part);
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(too_large(
            name,
            format!(
                "the file unpacks to {} MB in all, far more than a chronology holds (the limit is {} MB): ask the agency to check it and send the chronology only, as .xlsx saved from the template",
                total / 1_048_576,
                MAX_UNPACKED_BYTES / 1_048_576
            ),
        ));
    }
    Ok((zip, parts))
}

/// Opens a Word document (`.docx`) for reading, with the same guards as a
/// workbook: a zip whose parts stay within bounds (no zip bomb), not an
/// encrypted package, not an old Word 97 document or a spreadsheet under a
/// Word name. Returns the archive and the name of its main document part.
///
/// # Errors
///
/// A [`Finding`] naming the file and what is wrong with it: not a Word
/// document, encrypted, an old Word 97 file, a spreadsheet under a Word
/// name, a zip bomb, or unreadable.
pub fn open_document(
    path: &Path,
    name: &str,
) -> Result<(zip::ZipArchive<BufReader<File>>, String), Finding> {
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|e| super::io_finding(name, &e))?;
    let head = &head[..n];
    let not_word = |what: &str| {
        Finding::new(
            Code::FileNotWorkbook,
            name,
            format!("{what}: ask the agency to send the return as .xlsx made from the template"),
        )
    };
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let (mut zip, parts) = open_checked_zip(path, name)?;
        let main = main_document_part(&mut zip).unwrap_or_else(|| "word/document.xml".into());
        if parts.contains(&main) {
            return Ok((zip, main));
        }
        let spreadsheet = parts
            .iter()
            .any(|p| p == "xl/workbook.xml" || p == "xl/workbook.bin" || p == "content.xml");
        return Err(not_word(if spreadsheet {
            "the file is a spreadsheet saved under a Word document's name (.docx): rename it to .xlsx (or .ods) and run again"
        } else {
            "the file is a zip archive, not a Word document"
        }));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let comp = cfb::open(path).map_err(|e| damaged(name, e))?;
        if comp.exists("/EncryptedPackage") || comp.exists("/EncryptionInfo") {
            return Err(Finding::new(
                Code::FileEncrypted,
                name,
                "the document is password protected (encrypted): ask the agency to send it again without a password (sending the password is not enough: the engine cannot open it)",
            ));
        }
        if comp.is_stream("/WordDocument") {
            return Err(Finding::new(
                Code::FileWord97,
                name,
                "the file is an old Word 97–2003 document (.doc) under a .docx name, whose tables the engine does not read: ask the agency to put the chronology in the template (.xlsx), or to save the document as .docx (Word: File › Save As › Word Document) and send it again",
            ));
        }
        return Err(not_word(
            "the file is an Office document of another kind, not a Word document",
        ));
    }
    if head.starts_with(b"{\\rtf") {
        return Err(Finding::new(
            Code::FileFormatNotRead,
            name,
            "the file is a Rich Text document (RTF) under a .docx name, which the engine does not read: ask the agency to save it as .docx (Word: File › Save As › Word Document), or better to put the chronology in the template (.xlsx)",
        ));
    }
    Err(super::not_workbook(name, head))
}

/// The main document part a package's `_rels/.rels` names
/// (`word/document.xml` in every file Word or LibreOffice writes).
fn main_document_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    let rels = zip.by_name("_rels/.rels").ok()?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(rels.take(1024 * 1024)));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(ref e) | Event::Empty(ref e)
                if e.local_name().as_ref() == "Relationship"
                    && attr_string(e, "Type").ends_with("/officeDocument") =>
            {
                let target = attr_string(e, "Target");
                let target = target.trim_start_matches('/');
                return (!target.is_empty()).then(|| target.to_string());
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// calamine reserves room for as many shared strings as the table's
/// `uniqueCount` claims: a 2 KB file claiming ten billion would abort the
/// process. Each string takes at least 8 bytes of XML (`<si><t/></si>`),
/// so a claim beyond the part's size is a lie.
fn check_shared_strings<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<(), Finding> {
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| damaged(name, e))?;
        let part = entry
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if !part.ends_with("sharedstrings.xml") {
            continue;
        }
        let bound = entry.size() / 8 + 1024;
        let mut head = Vec::new();
        let _ = entry.take(8192).read_to_end(&mut head);
        let text = String::from_utf8_lossy(&head);
        let claimed = text.find("uniqueCount=").and_then(|at| {
            let rest = &text[at + "uniqueCount=".len()..];
            let q = rest.chars().next()?;
            let rest = &rest[q.len_utf8()..];
            let end = rest.find(q)?;
            Some(rest[..end].trim().to_string())
        });
        if let Some(claimed) = claimed {
            let n = claimed.parse::<u128>().unwrap_or(u128::MAX);
            if n > bound as u128 {
                return Err(damaged(
                    name,
                    format!(
                        "its shared-string table claims {claimed} strings, far more than it holds"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The rows × columns of a bounding box, or 0 when empty.
#[derive(Debug, Clone, Copy)]
struct BBox {
    rows: (u64, u64),
    cols: (u64, u64),
    any: bool,
}

impl BBox {
    fn new() -> Self {
        BBox {
            rows: (u64::MAX, 0),
            cols: (u64::MAX, 0),
            any: false,
        }
    }

    fn add(&mut self, r0: u64, r1: u64, c0: u64, c1: u64) {
        self.any = true;
        self.rows = (self.rows.0.min(r0), self.rows.1.max(r1));
        self.cols = (self.cols.0.min(c0), self.cols.1.max(c1));
    }

    fn cells(&self) -> u64 {
        if !self.any {
            return 0;
        }
        (self.rows.1 - self.rows.0 + 1).saturating_mul(self.cols.1 - self.cols.0 + 1)
    }

    fn far_corner(&self) -> String {
        cell_ref(
            self.cols.1.min(u32::MAX as u64) as usize,
            (self.rows.1 + 1).min(u32::MAX as u64) as u32,
        )
    }
}

fn stray_finding(name: &str, sheet: &str, b: &BBox) -> Finding {
    Finding::new(
        Code::FileTooLarge,
        name,
        format!(
            "the sheet '{sheet}' has content spread from {} to {} ({} rows × {} columns), far more than a chronology: there is probably a stray value far below or to the right of the data. Ask the agency to delete everything below and to the right of the chronology (or copy the chronology into a fresh template), save as .xlsx and send it again",
            cell_ref(
                b.cols.0.min(u32::MAX as u64) as usize,
                (b.rows.0 + 1).min(u32::MAX as u64) as u32
            ),
            b.far_corner(),
            b.rows.1 - b.rows.0 + 1,
            b.cols.1 - b.cols.0 + 1
        ),
    )
    .at(sheet, b.far_corner())
}

fn attr_u64(e: &BytesStart<'_>, key: &str) -> u64 {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn attr_string(e: &BytesStart<'_>, key: &str) -> String {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
        .unwrap_or_default()
}

/// Streams an `.ods` `content.xml` and measures each table's content the
/// way calamine will lay it out (repeats expanded, capped at the sheet's
/// limits), refusing a table whose rectangle is absurd.
fn check_ods(path: &Path, name: &str) -> Result<(), Finding> {
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLS: u64 = 16_384;
    let file = File::open(path).map_err(|e| super::io_finding(name, &e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| damaged(name, e))?;
    // A password-protected .ods keeps its content.xml encrypted; its
    // manifest says so.
    if let Ok(manifest) = zip.by_name("META-INF/manifest.xml") {
        let mut text = Vec::new();
        let _ = manifest.take(4 * 1024 * 1024).read_to_end(&mut text);
        if text
            .windows(b"encryption-data".len())
            .any(|w| w == b"encryption-data")
        {
            return Err(Finding::new(
                Code::FileEncrypted,
                name,
                "the file is password protected (encrypted): ask the agency to send it again without a password (sending the password is not enough: the engine cannot open it)",
            ));
        }
    }
    let content = zip.by_name("content.xml").map_err(|e| damaged(name, e))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut table = String::new();
    let mut bbox = BBox::new();
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| damaged(name, e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty_el = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        table = attr_string(e, "table:name");
                        bbox = BBox::new();
                        row = 0;
                    }
                    "table:table-row" => {
                        row_repeat = attr_u64(e, "table:number-rows-repeated")
                            .min(MAX_ROWS.saturating_sub(row));
                        col = 0;
                        if is_empty_el {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = attr_u64(e, "table:number-columns-repeated")
                            .min(MAX_COLS.saturating_sub(col));
                        // calamine keeps a cell that has a value type or
                        // a formula; anything else (a style, an empty
                        // paragraph) is an empty cell to it.
                        let has = |k: &str| e.try_get_attribute(k).ok().flatten().is_some();
                        if (has("office:value-type") || has("table:formula"))
                            && n > 0
                            && row_repeat > 0
                        {
                            bbox.add(row, row + row_repeat - 1, col, col + n - 1);
                        }
                        col = col.saturating_add(n);
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" if bbox.cells() > MAX_RANGE_CELLS => {
                    return Err(stray_finding(name, &table, &bbox));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// Streams an `.xls` workbook stream's records and measures each sheet's
/// cells (and its DIMENSIONS claim) before calamine builds it.
fn check_xls(path: &Path, name: &str, stream: &str) -> Result<(), Finding> {
    let mut comp = cfb::open(path).map_err(|e| damaged(name, e))?;
    let s = comp.open_stream(stream).map_err(|e| damaged(name, e))?;
    let mut r = BufReader::new(s);
    let mut depth = 0u32;
    let mut sheet_no = 0usize;
    let mut bbox = BBox::new();
    let mut data = Vec::new();
    let mut names: Vec<String> = Vec::new();
    loop {
        let mut hdr = [0u8; 4];
        match r.read_exact(&mut hdr) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(damaged(name, e)),
        }
        let typ = u16::from_le_bytes([hdr[0], hdr[1]]);
        let len = u16::from_le_bytes([hdr[2], hdr[3]]) as usize;
        data.clear();
        data.resize(len, 0);
        if r.read_exact(&mut data).is_err() {
            break; // calamine reports the truncation itself
        }
        let u16_at = |i: usize| -> Option<u64> {
            data.get(i..i + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as u64)
        };
        let u32_at = |i: usize| -> Option<u64> {
            data.get(i..i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
        };
        match typ {
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    sheet_no += 1;
                    bbox = BBox::new();
                }
            }
            0x000A => {
                if depth == 1 && bbox.cells() > MAX_RANGE_CELLS {
                    let sheet = names
                        .get(sheet_no.saturating_sub(2))
                        .cloned()
                        .unwrap_or_else(|| format!("sheet {}", sheet_no.saturating_sub(1)));
                    return Err(stray_finding(name, &sheet, &bbox));
                }
                depth = depth.saturating_sub(1);
            }
            0x0085 if sheet_no == 1 && len >= 8 => {
                // BOUNDSHEET: the sheet's name (BIFF8 short string).
                names.push(super::layout::boundsheet_name(&data));
            }
            0x0200 if depth == 1 => {
                // DIMENSIONS, as calamine reads it (it reserves this much).
                let (rf, rl, cf, cl) = if len == 10 {
                    (u16_at(0), u16_at(2), u16_at(4), u16_at(6))
                } else {
                    (u32_at(0), u32_at(4), u16_at(8), u16_at(10))
                };
                if let (Some(rf), Some(rl), Some(cf), Some(cl)) = (rf, rl, cf, cl) {
                    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                    if rl >= 1 && cl >= 1 {
                        let rows = (rl - 1).checked_sub(rf).map(|d| d + 1);
                        let cols = (cl - 1).checked_sub(cf).map(|d| d + 1);
                        let cells = match (rows, cols) {
                            (Some(r), Some(c)) => r.saturating_mul(c),
                            _ => u64::MAX,
                        };
                        if cells > MAX_XLS_DIMENSION_CELLS {
                            return Err(damaged(
                                name,
                                format!(
                                    "sheet {} claims {} cells, more than an .xls sheet can hold",
                                    sheet_no.saturating_sub(1),
                                    if cells == u64::MAX {
                                        "negative".to_string()
                                    } else {
                                        cells.to_string()
                                    }
                                ),
                            ));
                        }
                    }
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if depth == 1 => {
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    bbox.add(row, row, col, col);
                }
            }
            0x00BD if depth == 1 && len >= 6 => {
                if let (Some(row), Some(c0), Some(c1)) = (u16_at(0), u16_at(2), u16_at(len - 2)) {
                    bbox.add(row, row, c0.min(c1), c0.max(c1));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Repairs what would make a CSV lose events, with a finding for each:
/// NUL bytes (removed) and a quote opened at the start of a field and never
/// closed (which would swallow the rest of the file into one cell: the
/// quote is kept as text and the lines after it read normally).
pub fn repair_csv(text: String, name: &str, findings: &mut Vec<Finding>) -> String {
    let sheet = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let mut text = text;
    let nuls = text.bytes().filter(|&b| b == 0).count();
    if nuls > 0 {
        text.retain(|c| c != '\0');
        findings.push(
            Finding::new(
                Code::CsvBroken,
                name,
                format!(
                    "the file holds {nuls} NUL (zero) byte(s), which a CSV export should not; they were removed and the rest was read: ask the agency to check the export settings (it may not be a plain-text CSV)"
                ),
            )
            .with_severity(crate::findings::Severity::Warning)
            .at(sheet.as_str(), ""),
        );
    }
    let delimiter = super::sniff_delimiter(&text);
    if let Some((at, row)) = unterminated_quote(text.as_bytes(), delimiter) {
        // `""""` is a quoted field holding one quote; what follows joins
        // the same field, up to the next separator, as the agency typed it.
        text.replace_range(at..at + 1, "\"\"\"\"");
        findings.push(
            Finding::new(
                Code::CsvBroken,
                name,
                format!(
                    "a quote (\") opened in row {row} is never closed, which would make the rest of the file one cell: the row was read as it stands, with the quote kept as text, and the rows after it were read normally. Check row {row} with the agency and ask them to export the CSV again"
                ),
            )
            .with_severity(crate::findings::Severity::Warning)
            .at(sheet.as_str(), cell_ref(0, row)),
        );
    }
    text
}

/// The byte offset of a quote that opens a field and is never closed, and
/// the 1-based record it starts in, reading as the csv crate does.
fn unterminated_quote(bytes: &[u8], delimiter: u8) -> Option<(usize, u32)> {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut s = S::FieldStart;
    let mut record = 1u32;
    let mut record_has_content = false;
    let mut open = (0usize, 1u32);
    for (i, &b) in bytes.iter().enumerate() {
        s = match s {
            S::FieldStart | S::Unquoted | S::QuoteInQuoted => {
                if b == b'"' && s == S::FieldStart {
                    open = (i, record);
                    record_has_content = true;
                    S::Quoted
                } else if b == b'"' && s == S::QuoteInQuoted {
                    S::Quoted
                } else if b == delimiter {
                    record_has_content = true;
                    S::FieldStart
                } else if b == b'\n' || b == b'\r' {
                    if record_has_content && b == b'\n' {
                        record += 1;
                        record_has_content = false;
                    }
                    S::FieldStart
                } else {
                    record_has_content = true;
                    S::Unquoted
                }
            }
            S::Quoted => {
                if b == b'"' {
                    S::QuoteInQuoted
                } else {
                    S::Quoted
                }
            }
        };
    }
    (s == S::Quoted).then_some(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_unterminated_quote_and_its_row() {
        let t = b"Date,Details\n1/1/19,\"closed\"\n2/1/19,\"never closed\n3/1/19,x\n";
        assert_eq!(unterminated_quote(t, b','), Some((36, 3)));
        let ok = b"Date,Details\n1/1/19,\"a \"\"b\"\" c\"\n2/1/19,5'11\" tall\n";
        assert_eq!(unterminated_quote(ok, b','), None);
        let multi = b"Date,Details\n1/1/19,\"two\nlines\"\n";
        assert_eq!(unterminated_quote(multi, b','), None);
    }

    #[test]
    fn repaired_csv_keeps_every_line_and_the_quote() {
        let mut findings = Vec::new();
        let t = "Date,Details,Agency\n1/1/19,\"never closed,A\n2/1/19,next,A\n".to_string();
        let fixed = repair_csv(t, "x.csv", &mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].cell, "A2");
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(fixed.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], ["1/1/19", "\"never closed", "A"]);
        assert_eq!(rows[2], ["2/1/19", "next", "A"]);
    }

    #[test]
    fn nul_bytes_are_removed_with_a_warning() {
        let mut findings = Vec::new();
        let fixed = repair_csv("a\0b,c\n".into(), "x.csv", &mut findings);
        assert_eq!(fixed, "ab,c\n");
        assert_eq!(findings[0].severity, crate::findings::Severity::Warning);
    }

    fn ods_file(rows: &str) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut f = tempfile::Builder::new().suffix(".ods").tempfile().unwrap();
        let mut z = zip::ZipWriter::new(f.as_file_mut());
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("mimetype", o).unwrap();
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        z.start_file("content.xml", o).unwrap();
        write!(z, "<office:document-content><office:body><office:spreadsheet><table:table table:name=\"Chronology\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>").unwrap();
        z.finish().unwrap();
        f
    }

    #[test]
    fn ods_styled_empty_rows_pass_and_a_far_value_is_refused() {
        let value = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>";
        let styled = "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:style-name=\"ce1\" table:number-columns-repeated=\"1024\"></table:table-cell></table:table-row>";
        let ok = ods_file(&format!("{value}{styled}"));
        assert!(check_ods(ok.path(), "ok.ods").is_ok());
        let far = ods_file(&format!(
            "{value}{styled}<table:table-row><table:table-cell table:number-columns-repeated=\"200\"/><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>"
        ));
        let f = check_ods(far.path(), "far.ods").unwrap_err();
        assert_eq!(f.code, Code::FileTooLarge);
        assert_eq!(f.cell, "GS1048002");
    }

    #[test]
    fn bounding_box_counts_cells() {
        let mut b = BBox::new();
        assert_eq!(b.cells(), 0);
        b.add(0, 0, 0, 9);
        b.add(1_048_575, 1_048_575, 16_383, 16_383);
        assert_eq!(b.cells(), 1_048_576 * 16_384);
        assert_eq!(b.far_corner(), "XFD1048576");
    }
}
