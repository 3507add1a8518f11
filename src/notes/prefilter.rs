//! The previous workbook cut down to the rows that can carry the
//! reviewer's work, before calamine reads it.
//!
//! A merged chronology has a row an event and the reviewer writes on few of
//! them; reading every cell of every row (and, in a workbook saved by
//! Excel or LibreOffice, every shared string) cost more than half a merge.
//! [`reduce`] streams each `Chronology` sheet's XML once, looking only at
//! tags, and keeps:
//!
//! - every row up to and including the headings (the first row with a
//!   `Ref` heading), and
//! - every later row that *may* carry work: one whose `Reviewer notes` or
//!   `Reviewer KPE` cell holds anything, or whose `Ref` cell is missing or
//!   not plainly a non-blank text;
//!
//! and drops the rest, which [`super::read_previous`] would drop anyway (a
//! row with its Ref and no note or KPE is the engine's own). The shared
//! strings are cut to those the kept rows use, renumbered. Everything kept
//! is copied byte for byte into a small uncompressed package that calamine
//! then reads as it reads the whole workbook, so every value is decoded by
//! the same code either way.
//!
//! The cut is only an optimisation: whenever the package is not as
//! expected (a cell without its `r` reference, a heading not found, an
//! unusual shared string), [`reduce`] gives `None` and the whole workbook is
//! read; and the caller reads the whole workbook again when calamine finds
//! its headings on another row than the cut did.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, Write};

use memchr::memmem::{self, Finder};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::NOT_PLACED_SHEET;

/// A workbook cut down by [`reduce`].
#[derive(Debug)]
pub(super) struct Reduced {
    /// The small package (a valid `.xlsx`, uncompressed).
    pub(super) package: Vec<u8>,
    /// Each cut sheet's heading row (0-based), by sheet name.
    pub(super) headings: HashMap<String, u32>,
}

/// The cut of the workbook read from `reader`, or `None` when it is not in
/// a form the cut knows (the whole workbook is then read).
pub(super) fn reduce<R: Read + Seek>(reader: R) -> Option<Reduced> {
    let mut zip = ZipArchive::new(reader).ok()?;
    let workbook = read_entry(&mut zip, "xl/workbook.xml")?;
    let rels = read_entry(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let targets = relationships(&rels)?;
    let sheets = sheets(&workbook, &targets)?;
    let sst_path = targets
        .values()
        .find(|(kind, _)| kind.ends_with("/sharedStrings"))
        .map(|(_, path)| path.clone());
    let styles_path = targets
        .values()
        .find(|(kind, _)| kind.ends_with("/styles"))
        .map(|(_, path)| path.clone());
    let sst = match &sst_path {
        Some(p) => Some(Sst::new(read_entry(&mut zip, p)?)?),
        None => None,
    };

    let mut used = Used::default();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut headings = HashMap::new();
    for (name, path) in &sheets {
        // The not-placed sheet is small, and every row of it kept.
        let whole = name == NOT_PLACED_SHEET;
        let cut = cut_sheet(zip.by_name(path).ok()?, sst.as_ref(), &mut used, whole)?;
        if !whole {
            headings.insert(name.clone(), cut.heading?);
        }
        parts.push((path.clone(), cut.xml));
    }

    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut put = |path: &str, bytes: &[u8]| -> Option<()> {
        out.start_file(path, stored).ok()?;
        out.write_all(bytes).ok()
    };
    for path in ["[Content_Types].xml", "_rels/.rels"] {
        put(path, read_entry(&mut zip, path)?.as_bytes())?;
    }
    put("xl/workbook.xml", workbook.as_bytes())?;
    put("xl/_rels/workbook.xml.rels", rels.as_bytes())?;
    if let Some(p) = &styles_path {
        put(p, read_entry(&mut zip, p)?.as_bytes())?;
    }
    if let (Some(p), Some(sst)) = (&sst_path, &sst) {
        put(p, &sst.cut(&used))?;
    }
    for (path, xml) in &parts {
        put(path, xml)?;
    }
    let package = out.finish().ok()?.into_inner();
    Some(Reduced { package, headings })
}

/// The whole of one part of the package, as text.
fn read_entry<R: Read + Seek>(zip: &mut ZipArchive<R>, path: &str) -> Option<String> {
    let mut f = zip.by_name(path).ok()?;
    // The size the package declares is only a hint: never trusted for more
    // than a few megabytes up front.
    let mut s = String::with_capacity(f.size().min(8 << 20) as usize);
    f.read_to_string(&mut s).ok()?;
    Some(s)
}

/// The workbook's relationships: id → (type, part path in the package).
fn relationships(xml: &str) -> Option<HashMap<String, (String, String)>> {
    crate::package::elements(xml, "Relationship")
        .ok()?
        .into_iter()
        .map(|mut r| {
            let target = crate::package::part_path(r.get("Target")?);
            Some((
                r.remove("Id")?,
                (r.remove("Type").unwrap_or_default(), target),
            ))
        })
        .collect()
}

/// The sheets the notes are read from (every `Chronology` sheet and the
/// not-placed sheet), with their part paths; `None` when there is none.
fn sheets(xml: &str, targets: &HashMap<String, (String, String)>) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for s in crate::package::elements(xml, "sheet").ok()? {
        let name = s.get("name")?;
        if name == "Chronology" || name.starts_with("Chronology (") || name == NOT_PLACED_SHEET {
            out.push((name.clone(), targets.get(s.get("r:id")?)?.1.clone()));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The shared strings: the part as read, and where each entry is.
struct Sst {
    xml: String,
    /// Each `<si>` entry's byte range.
    entries: Vec<(usize, usize)>,
}

impl Sst {
    fn new(xml: String) -> Option<Sst> {
        let b = xml.as_bytes();
        // A comment or CDATA section could hide what looks like an entry:
        // not what Excel or LibreOffice write, so not cut.
        if memmem::find(b, b"<!").is_some() {
            return None;
        }
        let mut entries = Vec::new();
        let open = memmem::Finder::new(b"<si");
        let close = memmem::Finder::new(b"</si>");
        let mut at = 0;
        while let Some(i) = open.find(&b[at..]) {
            let start = at + i;
            let tag_end = start + memchr::memchr(b'>', &b[start..])?;
            // `<si>`, `<si …>` or `<si/>`; not `<sid…`.
            match b.get(start + 3)? {
                b'>' | b' ' | b'/' | b'\t' | b'\r' | b'\n' => {}
                _ => {
                    at = start + 3;
                    continue;
                }
            }
            let end = if b[tag_end - 1] == b'/' {
                tag_end + 1
            } else {
                tag_end + close.find(&b[tag_end..])? + "</si>".len()
            };
            entries.push((start, end));
            at = end;
        }
        Some(Sst { xml, entries })
    }

    /// Entry `i` as plain text, when it is one `<t>` with no markup,
    /// reference or Excel escape in it; `None` when unsure.
    fn plain(&self, i: usize) -> Option<&str> {
        let (a, z) = *self.entries.get(i)?;
        let e = &self.xml[a..z];
        let inner = e.strip_prefix("<si>")?.strip_suffix("</si>")?;
        plain_t(inner)
    }

    /// The part with only the entries in `used`, in their new order.
    fn cut(&self, used: &Used) -> Vec<u8> {
        let first = self.entries.first().map_or(self.xml.len(), |e| e.0);
        let head = &self.xml[..first];
        let tail = &self.xml.as_bytes()[self.entries.last().map_or(first, |e| e.1)..];
        let mut out = Vec::with_capacity(head.len() + tail.len() + used.order.len() * 64);
        out.extend_from_slice(head.as_bytes());
        for &i in &used.order {
            let (a, z) = self.entries[i as usize];
            out.extend_from_slice(&self.xml.as_bytes()[a..z]);
        }
        out.extend_from_slice(tail);
        out
    }
}

/// `<t>TEXT</t>` (or `<t xml:space="preserve">`) as TEXT, when TEXT has no
/// markup, entity or Excel `_x…_` escape.
fn plain_t(s: &str) -> Option<&str> {
    let rest = s
        .strip_prefix("<t>")
        .or_else(|| s.strip_prefix("<t xml:space=\"preserve\">"))?;
    let text = rest.strip_suffix("</t>")?;
    (!text.contains(['<', '&', '_'])).then_some(text)
}

/// The shared strings the kept rows use: their old indices in first-use
/// order, and each one's new index.
#[derive(Default)]
struct Used {
    order: Vec<u32>,
    new: HashMap<u32, u32>,
}

impl Used {
    fn renumber(&mut self, old: u32) -> u32 {
        let next = self.order.len() as u32;
        *self.new.entry(old).or_insert_with(|| {
            self.order.push(old);
            next
        })
    }
}

/// One sheet cut down.
struct Cut {
    xml: Vec<u8>,
    /// The heading row, 0-based (`None` for a sheet kept whole).
    heading: Option<u32>,
}

/// One `<c>` element of a row.
struct CellTag<'a> {
    col: u32,
    /// The `t` attribute.
    kind: &'a [u8],
    /// What is between `<c …>` and `</c>` (empty for `<c …/>`).
    inner: &'a [u8],
    /// Where the element starts and ends (in the sheet's buffer).
    whole: (usize, usize),
}

/// The columns the headings name.
#[derive(Default, Clone, Copy)]
struct Columns {
    reference: u32,
    note: Option<u32>,
    kpe: Option<u32>,
}

/// A sheet's XML read a block at a time: only the row being cut is held,
/// never the whole sheet (a large review's is hundreds of megabytes).
struct Blocks<R> {
    from: R,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    at: usize,
    done: bool,
}

impl<R: Read> Blocks<R> {
    /// How much is read at a time; in tests a few bytes, so that rows,
    /// cells and tags fall across blocks.
    #[cfg(not(test))]
    const BLOCK: usize = 1 << 20;
    #[cfg(test)]
    const BLOCK: usize = 61;

    /// Reads more: the unread part moved to the front and a block added;
    /// `None` at the end of the part or on a read error.
    fn more(&mut self) -> Option<()> {
        if self.done {
            return None;
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let n = (&mut self.from)
            .take(Self::BLOCK as u64)
            .read_to_end(&mut self.buf)
            .ok()?;
        self.done = n == 0;
        (n > 0).then_some(())
    }

    /// The end of the first `needle` at or after `from`, both counted from
    /// the unread part's start (`at`), reading more as needed.
    fn find_end(&mut self, from: usize, needle: &Finder) -> Option<usize> {
        let mut from = from;
        let len = needle.needle().len();
        loop {
            let hay = &self.buf[self.at + from..];
            let found = match needle.needle() {
                [one] => memchr::memchr(*one, hay),
                _ => needle.find(hay),
            };
            if let Some(i) = found {
                return Some(from + i + len);
            }
            from = (self.buf.len() - self.at).saturating_sub(len);
            self.more()?;
        }
    }

    /// The unread part.
    fn rest(&self) -> &[u8] {
        &self.buf[self.at..]
    }
}

/// Cuts one sheet: the rows up to the headings, then the rows that may
/// carry work (all rows when `whole`), with their shared strings renumbered
/// into `used`.
fn cut_sheet<R: Read>(from: R, sst: Option<&Sst>, used: &mut Used, whole: bool) -> Option<Cut> {
    let mut xml = Blocks {
        from,
        buf: Vec::new(),
        at: 0,
        done: false,
    };
    let (lt, gt) = (Finder::new(b"<"), Finder::new(b">"));
    let (row_close, cell_close) = (Finder::new(b"</row>"), Finder::new(b"</c>"));
    let data = xml.find_end(0, &Finder::new(b"<sheetData"))?;
    let data_tag_end = xml.find_end(data, &gt)?;
    let mut out = xml.rest()[..data_tag_end].to_vec();
    if xml.rest()[data_tag_end - 2] == b'/' {
        // No rows at all.
        while xml.more().is_some() {}
        out.extend_from_slice(&xml.rest()[data_tag_end..]);
        return Some(Cut {
            xml: out,
            heading: whole.then_some(0),
        });
    }
    xml.at += data_tag_end;
    let mut columns: Option<Columns> = None;
    let mut heading = None;
    loop {
        // The next row, or the end of the rows; positions from here on
        // are counted from the row's start.
        xml.at += xml.find_end(0, &lt)? - 1;
        let tag_end = xml.find_end(0, &gt)? - 1;
        let rest = xml.rest();
        if rest.starts_with(b"</sheetData>") {
            break;
        }
        if !(rest.starts_with(b"<row") && matches!(rest[4], b' ' | b'>' | b'/')) {
            return None;
        }
        let empty = rest[tag_end - 1] == b'/';
        let row_end = if empty {
            tag_end + 1
        } else {
            xml.find_end(tag_end, &row_close)?
        };
        let b = xml.rest();
        // A comment or CDATA section in a row could hide what looks like a
        // cell's end: not what Excel or LibreOffice write, so not cut.
        if memmem::find(&b[..row_end], b"<!").is_some() {
            return None;
        }
        let row_no = attr(&b[..=tag_end], b" r=\"").and_then(number)?;
        let mut cells = Vec::new();
        if !empty {
            read_cells(
                b,
                tag_end + 1,
                row_end - "</row>".len(),
                &cell_close,
                &mut cells,
            )?;
        }
        let keep = if whole {
            true
        } else if let Some(cols) = columns {
            may_carry_work(&cells, cols, sst)
        } else {
            // Before and at the headings: every row kept; the headings are
            // the first row with a `Ref`.
            if let Some(cols) = heading_columns(&cells, sst) {
                columns = Some(cols);
                heading = Some(row_no.checked_sub(1)?);
            }
            true
        };
        if keep {
            // The row, with each shared string's index renumbered.
            let mut copied = 0;
            for c in cells.iter().filter(|c| c.kind == b"s") {
                let v = c.inner.strip_prefix(b"<v>")?.strip_suffix(b"</v>")?;
                // An index the shared strings do not hold (or strings the
                // cut could not list): not cut.
                let old =
                    number(v).filter(|&i| sst.is_some_and(|s| (i as usize) < s.entries.len()))?;
                let new = used.renumber(old);
                let v_at = c.whole.1 - "</v></c>".len() - v.len();
                out.extend_from_slice(&b[copied..v_at]);
                out.extend_from_slice(new.to_string().as_bytes());
                copied = v_at + v.len();
            }
            out.extend_from_slice(&b[copied..row_end]);
        }
        xml.at += row_end;
    }
    if !whole && columns.is_none() {
        return None;
    }
    out.extend_from_slice(b"</sheetData></worksheet>");
    Some(Cut {
        xml: out,
        heading: if whole { Some(0) } else { heading },
    })
}

/// The `<c>` elements between `from` and `to` (a row's content).
fn read_cells<'a>(
    b: &'a [u8],
    from: usize,
    to: usize,
    close: &Finder,
    out: &mut Vec<CellTag<'a>>,
) -> Option<()> {
    let mut at = from;
    while let Some(i) = memchr::memchr(b'<', &b[at..to]) {
        let start = at + i;
        if b.get(start + 1) != Some(&b'c') {
            // A row holds only cells: anything else is not expected.
            return None;
        }
        match b.get(start + 2)? {
            b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n' => {}
            // A row holds only cells: anything else is not expected.
            _ => return None,
        }
        let tag_end = start + memchr::memchr(b'>', &b[start..to])?;
        let tag = &b[start..=tag_end];
        let r = attr(tag, b" r=\"")?;
        let letters = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let col = column(&r[..letters])?;
        let kind = attr(tag, b" t=\"").unwrap_or(b"n");
        let (inner, end) = if b[tag_end - 1] == b'/' {
            (&b[tag_end..tag_end], tag_end + 1)
        } else {
            let z = tag_end + 1 + close.find(&b[tag_end + 1..to])?;
            (&b[tag_end + 1..z], z + "</c>".len())
        };
        out.push(CellTag {
            col,
            kind,
            inner,
            whole: (start, end),
        });
        at = end;
    }
    Some(())
}

/// The value of attribute `key` (given as ` name="`) in a tag.
fn attr<'a>(tag: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    // A tag is a few dozen bytes: no searcher is worth building.
    let i = tag.windows(key.len()).position(|w| w == key)? + key.len();
    let len = memchr::memchr(b'"', &tag[i..])?;
    Some(&tag[i..i + len])
}

/// A whole number written in ASCII digits.
fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// A column's letters as its index, from 0.
fn column(letters: &[u8]) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0u32, |n, c| {
        n * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1
    });
    Some(n - 1)
}

/// A cell's text when it is plainly a text (shared or inline) with no
/// markup; `None` when unsure or not a text.
fn plain_text<'a>(c: &CellTag<'a>, sst: Option<&'a Sst>) -> Option<&'a str> {
    match c.kind {
        b"s" => {
            let v = c.inner.strip_prefix(b"<v>")?.strip_suffix(b"</v>")?;
            sst?.plain(number(v)? as usize)
        }
        b"inlineStr" => {
            let inner = std::str::from_utf8(c.inner).ok()?;
            plain_t(inner.strip_prefix("<is>")?.strip_suffix("</is>")?)
        }
        _ => None,
    }
}

/// The columns of `Ref`, `Reviewer notes` and `Reviewer KPE`, when this
/// row is the headings (it has a `Ref`); the first of each, as the reader
/// takes them.
fn heading_columns(cells: &[CellTag], sst: Option<&Sst>) -> Option<Columns> {
    let mut reference = None;
    let mut cols = Columns::default();
    for c in cells {
        match plain_text(c, sst).map(str::trim) {
            Some("Ref") => {
                reference.get_or_insert(c.col);
            }
            Some("Reviewer notes") => {
                cols.note.get_or_insert(c.col);
            }
            Some("Reviewer KPE") => {
                cols.kpe.get_or_insert(c.col);
            }
            // A heading the cut cannot read may be one of these: keep
            // every row.
            None if !c.inner.is_empty() => return None,
            _ => {}
        }
    }
    cols.reference = reference?;
    Some(cols)
}

/// Whether a row after the headings may carry the reviewer's work: a note
/// or KPE cell with anything in it, or a Ref that is missing or not plainly
/// a non-blank text.
fn may_carry_work(cells: &[CellTag], cols: Columns, sst: Option<&Sst>) -> bool {
    let holds = |col: Option<u32>| {
        col.is_some_and(|col| {
            cells
                .iter()
                .any(|c| c.col == col && !c.inner.iter().all(u8::is_ascii_whitespace))
        })
    };
    if holds(cols.note) || holds(cols.kpe) {
        return true;
    }
    match cells.iter().find(|c| c.col == cols.reference) {
        Some(c) => plain_text(c, sst).is_none_or(|t| t.trim().is_empty()),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read_cut, read_whole, OldRow};
    use super::*;
    use rust_xlsxwriter::{Color, Format, Formula, Workbook, Worksheet};

    const HEADINGS: [&str; 7] = [
        "#",
        "Ref",
        "Date",
        "Agency",
        "Details of event",
        "Reviewer notes",
        "Reviewer KPE",
    ];

    /// A chronology sheet with every kind of row the cut must judge.
    fn chronology(ws: &mut Worksheet, name: &str, title: bool) {
        ws.set_name(name).unwrap();
        let first = u32::from(title);
        if title {
            ws.write_string(0, 0, "Chronology of Child A").unwrap();
        }
        for (c, h) in HEADINGS.iter().enumerate() {
            ws.write_string(first, c as u16, *h).unwrap();
        }
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let red = Format::new().set_font_color(Color::Red);
        let mut r = first;
        fn row(
            ws: &mut Worksheet,
            r: &mut u32,
            refr: Option<&str>,
            note: Option<&str>,
            kpe: Option<&str>,
        ) -> u32 {
            *r += 1;
            let r = *r;
            let date = Format::new().set_num_format("dd/mm/yyyy");
            ws.write_number(r, 0, f64::from(r)).unwrap();
            if let Some(x) = refr {
                ws.write_string(r, 1, x).unwrap();
            }
            ws.write_number_with_format(r, 2, 45000.0 + f64::from(r), &date)
                .unwrap();
            ws.write_string(r, 3, "Police").unwrap();
            ws.write_string(r, 4, format!("Call-out number {r} to the flat."))
                .unwrap();
            if let Some(x) = note {
                ws.write_string(r, 5, x).unwrap();
            }
            if let Some(x) = kpe {
                ws.write_string(r, 6, x).unwrap();
            }
            r
        }
        for k in 0..40 {
            row(ws, &mut r, Some(&format!("POL-{k:04}")), None, None);
        }
        row(
            ws,
            &mut r,
            Some("POL-1001"),
            Some("Check with the school"),
            None,
        );
        row(ws, &mut r, Some("POL-1002"), None, Some("KPE 2"));
        row(ws, &mut r, Some(" "), None, None);
        row(ws, &mut r, None, None, None);
        row(ws, &mut r, Some("POL_1005"), None, None);
        row(ws, &mut r, Some("POL & 1006"), None, None);
        row(ws, &mut r, Some("POL-1007"), Some("   "), None);
        row(
            ws,
            &mut r,
            Some("POL-1008"),
            Some("Note & more <b>"),
            Some("_x000D_"),
        );
        let n = row(ws, &mut r, Some("POL-1009"), None, None);
        ws.write_number(n, 6, 5.0).unwrap();
        let n = row(ws, &mut r, Some("POL-1010"), None, None);
        ws.write_number_with_format(n, 5, 45123.0, &date).unwrap();
        let n = row(ws, &mut r, Some("POL-1011"), None, None);
        ws.write_formula(n, 5, Formula::new("=1+1").set_result("2"))
            .unwrap();
        let n = row(ws, &mut r, None, None, None);
        ws.write_rich_string(n, 1, &[(&red, "POL-"), (&Format::new(), "1012")])
            .unwrap();
        let n = row(ws, &mut r, Some("POL-1013"), None, None);
        ws.write_rich_string(n, 5, &[(&red, "Seen "), (&Format::new(), "twice")])
            .unwrap();
        let n = row(ws, &mut r, Some("POL-1014"), None, None);
        ws.write_string(n, 2, "12/03/2024").unwrap();
        ws.write_string(n, 5, "Date typed").unwrap();
        let n = row(ws, &mut r, Some("POL-1015"), None, None);
        ws.write_boolean(n, 6, true).unwrap();
        for k in 0..40 {
            row(ws, &mut r, Some(&format!("GP-{k:04}")), None, None);
        }
    }

    fn workbook(dir: &Path, name: &str, constant_memory: bool, title: bool) -> PathBuf {
        let mut wb = Workbook::new();
        for sheet in ["Chronology", "Chronology (2)"] {
            let ws = if constant_memory {
                wb.add_worksheet_with_constant_memory().unwrap()
            } else {
                wb.add_worksheet()
            };
            chronology(ws, sheet, title);
        }
        let other = wb.add_worksheet();
        other.set_name("Summary").unwrap();
        other.write_string(0, 0, "Reviewer notes").unwrap();
        let np = wb.add_worksheet();
        np.set_name(NOT_PLACED_SHEET).unwrap();
        for (c, h) in [
            "Ref",
            "Date",
            "Agency",
            "Details of event",
            "Reviewer notes",
        ]
        .iter()
        .enumerate()
        {
            np.write_string(0, c as u16, *h).unwrap();
        }
        np.write_string(1, 0, "POL-0500").unwrap();
        np.write_string(1, 4, "Withdrawn since").unwrap();
        np.write_string(2, 3, "A row with no note").unwrap();
        let path = dir.join(name);
        wb.save(&path).unwrap();
        path
    }

    /// The cut's rows, which must be made and read (no fallback).
    fn cut_rows(path: &Path) -> Vec<OldRow> {
        let file = std::fs::File::open(path).unwrap();
        let cut = reduce(std::io::BufReader::new(file)).expect("the cut is made");
        read_cut(cut).expect("the cut is read, headings where the cut found them")
    }

    use std::path::{Path, PathBuf};

    #[test]
    fn the_cut_reads_the_same_rows_as_the_whole_workbook() {
        let dir = tempfile::tempdir().unwrap();
        for (name, constant) in [("shared.xlsx", false), ("inline.xlsx", true)] {
            let path = workbook(dir.path(), name, constant, false);
            let whole = read_whole(&path).unwrap();
            assert!(whole.len() > 20, "{name}: {whole:#?}");
            assert_eq!(cut_rows(&path), whole, "{name}");
            assert_eq!(super::super::read_previous(&path).unwrap(), Some(whole));
        }
    }

    #[test]
    fn the_cut_keeps_only_the_rows_that_may_carry_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), "shared.xlsx", false, false);
        let cut = reduce(std::io::BufReader::new(std::fs::File::open(&path).unwrap())).unwrap();
        let mut zip = ZipArchive::new(Cursor::new(cut.package.clone())).unwrap();
        let sheet = read_entry(&mut zip, "xl/worksheets/sheet1.xml").unwrap();
        // The headings and the 15 rows that may carry work (a note, a KPE,
        // a Ref that is blank, missing or not plain text), not the 80 rows
        // of the engine's own with only their Ref.
        assert_eq!(sheet.matches("<row").count(), 1 + 15, "{sheet}");
        assert_eq!(cut.headings.get("Chronology"), Some(&0));
        let sst = read_entry(&mut zip, "xl/sharedStrings.xml").unwrap();
        assert!(!sst.contains("GP-0001"), "{sst}");
        assert!(sst.contains("Check with the school"), "{sst}");
    }

    #[test]
    fn headings_below_a_title_are_found_and_the_cut_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), "titled.xlsx", false, true);
        let whole = read_whole(&path).unwrap();
        // The title row is passed over: the notes under the headings are
        // read, by the whole read and by the cut alike.
        assert!(
            whole.iter().any(|r| r.note == "Check with the school"),
            "{whole:#?}"
        );
        assert_eq!(cut_rows(&path), whole);
    }

    #[test]
    fn a_workbook_saved_by_libreoffice_is_cut_and_reads_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), "made.xlsx", false, false);
        let out = dir.path().join("lo");
        let soffice = ["soffice", "libreoffice"]
            .into_iter()
            .find(|p| {
                std::process::Command::new(p)
                    .arg("--version")
                    .output()
                    .is_ok()
            })
            .expect("LibreOffice (soffice) is needed: run ./scripts/test, which installs it");
        let status = std::process::Command::new(soffice)
            .args(["--headless", "--convert-to", "xlsx", "--outdir"])
            .arg(&out)
            .arg(&path)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let saved = out.join("made.xlsx");
        let whole = read_whole(&saved).unwrap();
        assert!(whole.len() > 20, "{whole:#?}");
        assert_eq!(cut_rows(&saved), whole);
    }

    /// `path` with `part` changed by `edit`.
    fn rewrite(path: &Path, part: &str, edit: impl Fn(String) -> String) {
        let bytes = std::fs::read(path).unwrap();
        let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut text = Vec::new();
            f.read_to_end(&mut text).unwrap();
            if name == part {
                text = edit(String::from_utf8(text).unwrap()).into_bytes();
            }
            out.start_file(name, SimpleFileOptions::default()).unwrap();
            out.write_all(&text).unwrap();
        }
        std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
    }

    #[test]
    fn what_the_cut_cannot_be_sure_of_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        type Edit = (&'static str, &'static str, fn(String) -> String);
        let edits: [Edit; 3] = [
            // A comment among the shared strings.
            ("comment.xlsx", "xl/sharedStrings.xml", |s| {
                s.replacen("<si>", "<!-- <si><t>x</t></si> --><si>", 1)
            }),
            // Entries with a namespace prefix the cut does not count.
            ("prefixed.xlsx", "xl/sharedStrings.xml", |s| {
                s.replace(
                    "<si>",
                    "<x:si xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
                )
                .replace("</si>", "</x:si>")
            }),
            // A cell without its reference.
            ("no-ref.xlsx", "xl/worksheets/sheet1.xml", |s| {
                s.replacen("<c r=\"B5\"", "<c", 1)
            }),
        ];
        for (name, part, edit) in edits {
            let path = workbook(dir.path(), name, false, false);
            rewrite(&path, part, edit);
            let cut = reduce(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
            assert!(cut.is_none(), "{name}: the cut was made");
            let whole = read_whole(&path).unwrap();
            assert!(whole.len() > 20, "{name}: {whole:#?}");
            assert_eq!(
                super::super::read_previous(&path).unwrap(),
                Some(whole),
                "{name}"
            );
        }
    }
}
