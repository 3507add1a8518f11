//! What calamine's cell readers do not give about a sheet's layout: its
//! merged cells (for `.xlsx` and `.ods`; `.xls` too, from its records),
//! its hidden rows and columns, and whether the workbook's formula values
//! were ever calculated (`fullCalcOnLoad`, the mark of a file written by a
//! script).
//!
//! Each reader streams only the structure (element attributes, record
//! headers) and keeps nothing per cell. A reader that fails part way gives
//! what it found: the cells were read by calamine already, and a merged
//! cell left unfilled only leaves its rows to be checked as they are.
//! `.xlsb` is not read (calamine gives neither merged cells nor hidden
//! rows for it, and agencies rarely send it).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::model::MergedCells;

/// The layout of one sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetLayout {
    /// Merged blocks of two cells or more.
    pub merged: Vec<MergedCells>,
    /// Hidden rows, 1-based inclusive ranges.
    pub hidden_rows: Vec<(u32, u32)>,
    /// Hidden columns, 0-based inclusive ranges.
    pub hidden_cols: Vec<(usize, usize)>,
}

/// The layout of a workbook's sheets, by sheet name.
#[derive(Debug, Clone, Default)]
pub struct WorkbookLayout {
    /// Each sheet read, by name.
    pub sheets: HashMap<String, SheetLayout>,
    /// The workbook asks to be calculated when opened: the values saved
    /// with its formulas are placeholders (`0` or nothing).
    pub uncalculated: bool,
}

/// The largest row and column numbers a sheet can have (xlsx and ods).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLS: u64 = 16_384;

/// Pushes `(a, b)` onto ranges, joining it to the last when adjacent.
fn push_range<T: Copy + PartialEq + std::ops::Add<Output = T> + From<u8>>(
    v: &mut Vec<(T, T)>,
    a: T,
    b: T,
) {
    if let Some(last) = v.last_mut() {
        if last.1 + T::from(1) == a {
            last.1 = b;
            return;
        }
    }
    v.push((a, b));
}

/// An attribute's value by its local name (any prefix).
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == local).then(|| a.value.to_string()))
}

fn is_true(v: Option<String>) -> bool {
    matches!(v.as_deref().map(str::trim), Some("1" | "true"))
}

/// `AB12` → (27, 12): 0-based column, 1-based row.
fn parse_a1(s: &str) -> Option<(usize, u32)> {
    let s = s.trim().trim_start_matches('$');
    let split = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col = 0usize;
    for b in letters.bytes() {
        col = col * 26 + (b.to_ascii_uppercase() - b'A') as usize + 1;
    }
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    (row >= 1).then_some((col - 1, row))
}

/// `A5:A7` → the block (a single cell gives `None`).
fn parse_block(s: &str) -> Option<MergedCells> {
    let (a, b) = s.split_once(':')?;
    let (c0, r0) = parse_a1(a)?;
    let (c1, r1) = parse_a1(b)?;
    let m = MergedCells {
        first_row: r0.min(r1),
        last_row: r0.max(r1),
        first_col: c0.min(c1),
        last_col: c0.max(c1),
    };
    (m.first_row != m.last_row || m.first_col != m.last_col).then_some(m)
}

/// Reads an `.xlsx` workbook's calculation flag and the layout of the
/// named sheets.
pub fn xlsx(path: &Path, wanted: &[&str]) -> WorkbookLayout {
    let mut out = WorkbookLayout::default();
    let Ok(file) = File::open(path) else {
        return out;
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return out;
    };
    // workbook.xml: sheet names → relationship ids, and calcPr.
    let mut ids: Vec<(String, String)> = Vec::new();
    if let Some(part) = part_name(&zip, "xl/workbook.xml") {
        if let Ok(f) = zip.by_name(&part) {
            let mut xml = quick_xml::Reader::from_reader(BufReader::new(f));
            let mut buf = Vec::new();
            while let Ok(ev) = xml.read_event_into(&mut buf) {
                match ev {
                    Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                        "sheet" => {
                            let name = e.try_get_attribute("name").ok().flatten().and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()
                                    .map(|v| v.into_owned())
                            });
                            // `r:id` (any prefix), not `sheetId`.
                            let id = e.attributes().flatten().find_map(|a| {
                                (a.key.prefix().is_some() && a.key.local_name().as_ref() == "id")
                                    .then(|| a.value.to_string())
                            });
                            if let (Some(n), Some(id)) = (name, id) {
                                if wanted.contains(&n.as_str()) {
                                    ids.push((n, id));
                                }
                            }
                        }
                        "calcPr" => out.uncalculated = is_true(attr(e, "fullCalcOnLoad")),
                        _ => {}
                    },
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
            }
        }
    }
    // The relationships: id → part.
    let mut targets: HashMap<String, String> = HashMap::new();
    if let Some(part) = part_name(&zip, "xl/_rels/workbook.xml.rels") {
        if let Ok(f) = zip.by_name(&part) {
            let mut xml = quick_xml::Reader::from_reader(BufReader::new(f));
            let mut buf = Vec::new();
            while let Ok(ev) = xml.read_event_into(&mut buf) {
                match ev {
                    Event::Start(ref e) | Event::Empty(ref e)
                        if e.local_name().as_ref() == "Relationship" =>
                    {
                        if let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target")) {
                            let t = match t.strip_prefix('/') {
                                Some(abs) => abs.to_string(),
                                None => format!("xl/{t}"),
                            };
                            targets.insert(id, t);
                        }
                    }
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
            }
        }
    }
    for (name, id) in ids {
        let Some(part) = targets.get(&id).and_then(|t| part_name(&zip, t)) else {
            continue;
        };
        if let Ok(f) = zip.by_name(&part) {
            out.sheets.insert(name, xlsx_sheet(f));
        }
    }
    out
}

/// A zip part's real name, matched without regard to case (some writers
/// differ from the names the relationships give).
fn part_name<R: Read + Seek>(zip: &zip::ZipArchive<R>, want: &str) -> Option<String> {
    if zip.index_for_name(want).is_some() {
        return Some(want.to_string());
    }
    zip.file_names()
        .flatten()
        .find(|n| n.eq_ignore_ascii_case(want))
        .map(|n| n.into_owned())
}

/// One worksheet part: `<col hidden>`, `<row hidden>`, `<mergeCell ref>`.
///
/// The part is the size of the sheet's data and is unpacked a second time
/// here (calamine's cell reader gives no row attributes), so it is scanned
/// as bytes: from `<` to `<`, looking only at the tag name, and parsing
/// the attributes of the three tags wanted. Text cannot hold a `<` in XML,
/// so every `<` starts markup. Nothing is kept per cell.
fn xlsx_sheet<R: Read>(mut r: R) -> SheetLayout {
    const CHUNK: usize = 1 << 16;
    let mut out = SheetLayout::default();
    let mut buf: Vec<u8> = Vec::with_capacity(2 * CHUNK);
    let mut row = 0u32;
    let mut eof = false;
    while !eof {
        let len = buf.len();
        buf.resize(len + CHUNK, 0);
        let n = loop {
            match r.read(&mut buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break 0,
            }
        };
        buf.truncate(len + n);
        eof = n == 0;
        // Scan every complete tag; keep an incomplete one for the next chunk.
        let mut i = 0;
        let mut keep = buf.len();
        while let Some(off) = memchr::memchr(b'<', &buf[i..]) {
            let start = i + off;
            let Some(name_len) = buf[start + 1..]
                .iter()
                .position(|b| matches!(b, b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r'))
            else {
                keep = start;
                break;
            };
            let name = &buf[start + 1..start + 1 + name_len];
            let local = match memchr::memrchr(b':', name) {
                Some(c) => &name[c + 1..],
                None => name,
            };
            if !matches!(local, b"row" | b"col" | b"mergeCell") {
                i = start + 1;
                continue;
            }
            let Some(end) = memchr::memchr(b'>', &buf[start..]) else {
                keep = start;
                break;
            };
            let tag = &buf[start + 1 + name_len..start + end];
            match local {
                b"row" => {
                    row = tag_attr(tag, b"r")
                        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse().ok())
                        .unwrap_or(row.saturating_add(1));
                    if matches!(tag_attr(tag, b"hidden"), Some(b"1" | b"true")) {
                        push_range(&mut out.hidden_rows, row, row);
                    }
                }
                b"col" => {
                    if matches!(tag_attr(tag, b"hidden"), Some(b"1" | b"true")) {
                        let n = |k: &[u8]| {
                            tag_attr(tag, k)
                                .and_then(|v| {
                                    std::str::from_utf8(v).ok()?.trim().parse::<u64>().ok()
                                })
                                .filter(|&v| (1..=MAX_COLS).contains(&v))
                        };
                        if let (Some(a), Some(b)) = (n(b"min"), n(b"max")) {
                            let (a, b) = (a.min(b) as usize - 1, a.max(b) as usize - 1);
                            push_range(&mut out.hidden_cols, a, b);
                        }
                    }
                }
                _ => {
                    if let Some(m) = tag_attr(tag, b"ref")
                        .and_then(|v| std::str::from_utf8(v).ok())
                        .and_then(parse_block)
                    {
                        out.merged.push(m);
                    }
                }
            }
            i = start + end + 1;
        }
        if keep == buf.len() {
            buf.clear();
        } else {
            buf.drain(..keep);
            if buf.len() > 1 << 20 {
                break; // a "tag" of a megabyte: not a worksheet
            }
        }
    }
    out
}

/// The raw value of attribute `key` (any prefix) in a tag's attribute
/// text: `r="5" hidden="1"`.
fn tag_attr<'a>(mut tag: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    loop {
        let eq = memchr::memchr(b'=', tag)?;
        let name = tag[..eq].trim_ascii();
        let rest = tag[eq + 1..].trim_ascii_start();
        let q = *rest.first()?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let close = memchr::memchr(q, &rest[1..])?;
        let value = &rest[1..1 + close];
        let local = match memchr::memrchr(b':', name) {
            Some(c) => &name[c + 1..],
            None => name,
        };
        if local == key {
            return Some(value);
        }
        tag = &rest[close + 2..];
    }
}

/// An `.ods` workbook's tables: `table:visibility` of rows and columns
/// (`collapse`, or `filter` for rows a filter hides), and the spans of
/// merged cells (`table:number-rows-spanned`, `…-columns-spanned`).
pub fn ods(path: &Path) -> WorkbookLayout {
    let mut out = WorkbookLayout::default();
    let Ok(file) = File::open(path) else {
        return out;
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return out;
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return out;
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut table: Option<(String, SheetLayout)> = None;
    let (mut row, mut col, mut col_def, mut row_repeat) = (0u64, 0u64, 0u64, 1u64);
    let num = |e: &BytesStart<'_>, k: &str| {
        attr(e, k)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let hidden = |e: &BytesStart<'_>| {
        matches!(
            attr(e, "visibility").as_deref(),
            Some("collapse" | "filter")
        )
    };
    while let Ok(ev) = xml.read_event_into(&mut buf) {
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    "table:table" => {
                        if let Some((n, l)) = table.take() {
                            out.sheets.insert(n, l);
                        }
                        let name = e
                            .try_get_attribute("table:name")
                            .ok()
                            .flatten()
                            .and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .ok()
                                    .map(|v| v.into_owned())
                            })
                            .unwrap_or_default();
                        table = Some((name, SheetLayout::default()));
                        (row, col, col_def) = (0, 0, 0);
                    }
                    "table:table-column" => {
                        let n =
                            num(e, "number-columns-repeated").min(MAX_COLS - col_def.min(MAX_COLS));
                        if n > 0 && hidden(e) {
                            if let Some((_, l)) = table.as_mut() {
                                push_range(
                                    &mut l.hidden_cols,
                                    col_def as usize,
                                    (col_def + n - 1) as usize,
                                );
                            }
                        }
                        col_def += n;
                    }
                    "table:table-row" => {
                        row_repeat =
                            num(e, "number-rows-repeated").min(MAX_ROWS - row.min(MAX_ROWS));
                        col = 0;
                        if row_repeat > 0 && hidden(e) {
                            if let Some((_, l)) = table.as_mut() {
                                push_range(
                                    &mut l.hidden_rows,
                                    row as u32 + 1,
                                    (row + row_repeat) as u32,
                                );
                            }
                        }
                        if empty {
                            row += row_repeat;
                        }
                    }
                    name @ ("table:table-cell" | "table:covered-table-cell") => {
                        let n = num(e, "number-columns-repeated").min(MAX_COLS - col.min(MAX_COLS));
                        if name == "table:table-cell" {
                            let rs =
                                num(e, "number-rows-spanned").min(MAX_ROWS - row.min(MAX_ROWS));
                            let cs =
                                num(e, "number-columns-spanned").min(MAX_COLS - col.min(MAX_COLS));
                            if (rs > 1 || cs > 1) && n > 0 {
                                if let Some((_, l)) = table.as_mut() {
                                    l.merged.push(MergedCells {
                                        first_row: row as u32 + 1,
                                        last_row: (row + rs) as u32,
                                        first_col: col as usize,
                                        last_col: (col + cs - 1) as usize,
                                    });
                                }
                            }
                        }
                        col += n;
                    }
                    _ => {}
                }
            }
            Event::End(ref e) if e.name().as_ref() == "table:table-row" => row += row_repeat,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some((n, l)) = table {
        out.sheets.insert(n, l);
    }
    out
}

/// The sheet name of a BIFF8 BOUNDSHEET record's data (at least 8 bytes):
/// a short string of `data[6]` characters from byte 8, two bytes each when
/// bit 0 of `data[7]` is set, else one.
pub(super) fn boundsheet_name(data: &[u8]) -> String {
    let cch = data[6] as usize;
    let bytes = &data[8..];
    if data[7] & 1 == 1 {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .take(cch)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().take(cch).map(|&b| b as char).collect()
    }
}

/// An `.xls` workbook's sheets, from its BIFF8 records: ROW (hidden flag),
/// COLINFO (hidden flag) and MERGEDCELLS. Stops at FILEPASS (an encrypted
/// workbook's records cannot be read).
pub fn xls(path: &Path) -> WorkbookLayout {
    let mut out = WorkbookLayout::default();
    let Ok(mut comp) = cfb::open(path) else {
        return out;
    };
    let Some(stream) = ["/Workbook", "/Book"]
        .into_iter()
        .find(|s| comp.is_stream(s))
    else {
        return out;
    };
    let Ok(s) = comp.open_stream(stream) else {
        return out;
    };
    let mut r = BufReader::new(s);
    // Sheet names by the stream offset of their BOF (BOUNDSHEET's lbPlyPos).
    let mut by_offset: HashMap<u64, String> = HashMap::new();
    let mut pos = 0u64;
    let mut depth = 0u32;
    let mut current: Option<(String, SheetLayout)> = None;
    let mut data = Vec::new();
    loop {
        let mut hdr = [0u8; 4];
        if r.read_exact(&mut hdr).is_err() {
            break;
        }
        let at = pos;
        let typ = u16::from_le_bytes([hdr[0], hdr[1]]);
        let len = u16::from_le_bytes([hdr[2], hdr[3]]) as usize;
        pos += 4 + len as u64;
        data.clear();
        data.resize(len, 0);
        if r.read_exact(&mut data).is_err() {
            break;
        }
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        match typ {
            0x002F => break, // FILEPASS
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    current = by_offset
                        .get(&at)
                        .map(|n| (n.clone(), SheetLayout::default()));
                }
            }
            0x000A => {
                if depth == 1 {
                    if let Some((n, l)) = current.take() {
                        out.sheets.insert(n, l);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            0x0085 if current.is_none() && depth == 1 && len >= 8 => {
                let off = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as u64;
                by_offset.insert(off, boundsheet_name(&data));
            }
            0x0208 if depth == 1 && len >= 14 => {
                if let Some((_, l)) = current.as_mut() {
                    if data[12] & 0x20 != 0 {
                        let row = u16::from_le_bytes([data[0], data[1]]) as u32 + 1;
                        push_range(&mut l.hidden_rows, row, row);
                    }
                }
            }
            0x007D if depth == 1 && len >= 10 => {
                if let (Some((_, l)), Some(a), Some(b), Some(flags)) =
                    (current.as_mut(), u16_at(0), u16_at(2), u16_at(8))
                {
                    if flags & 1 != 0 && a <= b && b < 256 {
                        push_range(&mut l.hidden_cols, a as usize, b as usize);
                    }
                }
            }
            0x00E5 if depth == 1 => {
                if let (Some((_, l)), Some(n)) = (current.as_mut(), u16_at(0)) {
                    for i in 0..n as usize {
                        let b = 2 + i * 8;
                        if let (Some(r0), Some(r1), Some(c0), Some(c1)) =
                            (u16_at(b), u16_at(b + 2), u16_at(b + 4), u16_at(b + 6))
                        {
                            if r0 <= r1 && c0 <= c1 && (r0 != r1 || c0 != c1) {
                                l.merged.push(MergedCells {
                                    first_row: r0 as u32 + 1,
                                    last_row: r1 as u32 + 1,
                                    first_col: c0 as usize,
                                    last_col: c1 as usize,
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references_and_blocks() {
        assert_eq!(parse_a1("A1"), Some((0, 1)));
        assert_eq!(parse_a1("$AB$12"), Some((27, 12)));
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1("12"), None);
        assert_eq!(
            parse_block("A5:A7"),
            Some(MergedCells {
                first_row: 5,
                last_row: 7,
                first_col: 0,
                last_col: 0
            })
        );
        assert_eq!(parse_block("B2:B2"), None);
        assert_eq!(parse_block("junk"), None);
    }

    #[test]
    fn tag_attributes_are_read_raw() {
        let t = br#" r="5" spans="1:10" x14ac:dyDescent='0.25' hidden="1"/"#;
        assert_eq!(tag_attr(t, b"r"), Some(&b"5"[..]));
        assert_eq!(tag_attr(t, b"hidden"), Some(&b"1"[..]));
        assert_eq!(tag_attr(t, b"dyDescent"), Some(&b"0.25"[..]));
        assert_eq!(tag_attr(t, b"ht"), None);
    }

    /// A sheet scanned in chunks much smaller than it gives every hidden
    /// row and merged block, whatever falls across a chunk's edge.
    #[test]
    fn a_sheet_is_scanned_across_chunks() {
        let mut xml =
            String::from(r#"<worksheet><cols><col min="3" max="4" hidden="1"/></cols><sheetData>"#);
        for r in 1..=20_000u32 {
            let hidden = if r % 7 == 0 { r#" hidden="1""# } else { "" };
            xml.push_str(&format!(
                r#"<row r="{r}"{hidden}><c r="A{r}" t="s"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>row &lt; text</t></is></c></row>"#
            ));
        }
        xml.push_str(r#"</sheetData><mergeCells count="1"><mergeCell ref="A2:A4"/></mergeCells></worksheet>"#);
        let l = xlsx_sheet(xml.as_bytes());
        assert_eq!(l.hidden_rows.len(), 20_000 / 7);
        assert_eq!(l.hidden_rows[0], (7, 7));
        assert_eq!(l.hidden_cols, [(2, 3)]);
        assert_eq!(l.merged.len(), 1);
        assert_eq!(l.merged[0].range(), "A2:A4");
    }

    #[test]
    fn adjacent_ranges_join() {
        let mut v = Vec::new();
        for r in [3u32, 4, 5, 9] {
            push_range(&mut v, r, r);
        }
        assert_eq!(v, [(3, 5), (9, 9)]);
    }
}
