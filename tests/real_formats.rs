//! Returns as agencies really send them, in formats beyond the workbook:
//! a chronology typed as a Word table (.docx, made by LibreOffice and by
//! hand), Excel's "Unicode Text" (.txt), an old Word 97 .doc, a PDF; and a
//! review folder with no return in it, which must not pass for a merge.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::Data;
use common::*;

const HEAD: &str = "<tr><th>Date</th><th>Time</th><th>Sequence</th><th>Source of information</th><th>Practitioner role</th><th>Child or family member</th><th>Event type</th><th>Details of event</th><th>Action / outcome</th><th>Analysis / comment</th></tr>";

/// Runs the binary; (exit code, stdout, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .args(args)
        .args(["--today", "2026-11-26"])
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn merge(dir: &Path, out: &Path) -> (i32, String, String) {
    run(&[
        "merge".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

fn check(path: &Path) -> (i32, String, String) {
    run(&["check".as_ref(), path.as_os_str()])
}

/// The rows of a sheet below its headings, as text, by heading.
struct Table {
    rows: Vec<Vec<Data>>,
}

impl Table {
    fn read(out: &Path, sheet_name: &str) -> Table {
        Table {
            rows: sheet(out, sheet_name),
        }
    }

    fn get(&self, i: usize, heading: &str) -> String {
        text(&self.rows[i][col(&self.rows, heading)])
    }

    /// The row (index) whose `heading` column is `value`.
    fn find(&self, heading: &str, value: &str) -> usize {
        (1..self.rows.len())
            .find(|&i| self.get(i, heading) == value)
            .unwrap_or_else(|| panic!("no row with {heading} = {value}: {:?}", self.rows))
    }

    /// (severity, sheet, cell) of the findings about `file` with `code`.
    fn findings(&self, file: &str, code: &str) -> Vec<(String, String, String)> {
        (1..self.rows.len())
            .filter(|&i| self.get(i, "File") == file && self.get(i, "Code") == code)
            .map(|i| {
                (
                    self.get(i, "Severity"),
                    self.get(i, "Sheet"),
                    self.get(i, "Cell"),
                )
            })
            .collect()
    }

    fn codes_of(&self, file: &str) -> Vec<String> {
        (1..self.rows.len())
            .filter(|&i| self.get(i, "File") == file)
            .map(|i| self.get(i, "Code"))
            .collect()
    }
}

/// Every file's counts add up on the Returns sheet.
fn assert_counts_add_up(returns: &Table) {
    for i in 1..returns.rows.len() {
        let n = |h: &str| returns.get(i, h).parse::<usize>().unwrap_or(0);
        assert_eq!(
            n("Rows read"),
            n("Rows merged") + n("Rows rejected") + n("Rows skipped"),
            "{:?}",
            returns.rows[i]
        );
    }
}

/// A GP practice's chronology typed as a Word table, saved by LibreOffice
/// from HTML: an `Agency:` paragraph, a date merged down over two rows,
/// line breaks and paragraphs in cells, and a row with no source.
fn gp_html(dir: &Path) -> PathBuf {
    let html = format!(
        r#"<html><head><meta charset="utf-8"><title>GP chronology</title></head><body>
<p>Multi-agency chronology: Child A</p>
<p>Agency: Riverside GP Practice</p>
<table border="1">{HEAD}
<tr><td>05/03/2019</td><td>14:30</td><td></td><td>GP record</td><td>GP</td><td>Child A</td><td>Appointment attended</td><td>Seen for a cough.<br>Mother present.</td><td>Antibiotics</td><td></td></tr>
<tr><td rowspan="2">12/04/2019</td><td></td><td>1</td><td>GP record</td><td>Practice nurse</td><td>Child A</td><td>Contact or visit</td><td><p>Immunisation given.</p><p>No concerns.</p></td><td></td><td></td></tr>
<tr><td></td><td>2</td><td>GP record</td><td>GP</td><td>Mother</td><td>Appointment missed or child not brought</td><td>Mother did not attend; café closed.</td><td>Letter sent</td><td></td></tr>
<tr><td>20/05/2019</td><td></td><td></td><td></td><td>GP</td><td>Child A</td><td>Other</td><td>A row with no source.</td><td></td><td></td></tr>
</table>
<p>End of document.</p></body></html>"#
    );
    let p = dir.join("Riverside GP.html");
    std::fs::write(&p, html).unwrap();
    p
}

#[test]
fn a_word_table_saved_by_libreoffice_is_merged_row_by_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    let html = gp_html(tmp.path());
    let docx = soffice_convert(&[html], "docx:MS Word 2007 XML", &dir);
    assert_eq!(docx[0].file_name().unwrap(), "Riverside GP.docx");
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2019, 4, 1),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    let out = tmp.path().join("merged.xlsx");
    let (code, stdout, stderr) = merge(&dir, &out);
    // The row with no source is rejected: errors, exit 1.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("Riverside GP.docx › Table 1 › D5: error source-missing"),
        "{stderr}"
    );

    let chron = Table::read(&out, "Chronology");
    assert_eq!(chron.rows.len(), 1 + 4, "{:?}", chron.rows);
    let first = chron.find("Origin", "Riverside GP.docx › Table 1 › 2");
    assert_eq!(chron.get(first, "Agency"), "Riverside GP Practice");
    assert_eq!(chron.get(first, "Date as written"), "05/03/2019");
    assert_eq!(
        chron.get(first, "Details of event"),
        "Seen for a cough.\nMother present."
    );
    let second = chron.find("Origin", "Riverside GP.docx › Table 1 › 3");
    assert_eq!(
        chron.get(second, "Details of event"),
        "Immunisation given.\nNo concerns."
    );
    // The date merged down over rows 3 and 4 dates both events.
    let third = chron.find("Origin", "Riverside GP.docx › Table 1 › 4");
    assert_eq!(chron.get(third, "Date as written"), "12/04/2019");
    assert_eq!(
        chron.get(third, "Details of event"),
        "Mother did not attend; café closed."
    );
    // Merged in date order with the police return.
    let police = chron.find("Agency", "West Yorkshire Police");
    assert!(first < police && police < second, "{:?}", chron.rows);

    let findings = Table::read(&out, "Findings");
    assert_eq!(
        findings.findings("Riverside GP.docx", "word-table-merged-cell"),
        [("info".into(), "Table 1".into(), "A3:A4".into())]
    );
    assert_eq!(
        findings.findings("Riverside GP.docx", "source-missing"),
        [("error".into(), "Table 1".into(), "D5".into())]
    );
    // The agency came from the document: no agency finding.
    assert!(findings
        .findings("Riverside GP.docx", "agency-details-missing")
        .is_empty());

    let returns = Table::read(&out, "Returns");
    let r = returns.find("File", "Riverside GP.docx");
    assert_eq!(returns.get(r, "Format"), "docx");
    assert_eq!(returns.get(r, "Agency"), "Riverside GP Practice");
    assert_eq!(returns.get(r, "Status"), "merged with warnings");
    assert_eq!(returns.get(r, "Rows read"), "4");
    assert_eq!(returns.get(r, "Rows merged"), "3");
    assert_eq!(returns.get(r, "Rows rejected"), "1");
    assert_counts_add_up(&returns);

    // `check` reads it the same way.
    let (code, stdout, _) = check(&docx[0]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("Riverside GP.docx › Table 1 › D5: error source-missing"),
        "{stdout}"
    );
}

/// A minimal .docx written by hand, as Word writes its parts.
fn write_docx(path: &Path, body: &str) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    z.start_file("_rels/.rels", opts).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
    .unwrap();
    z.finish().unwrap();
}

fn tc(text: &str) -> String {
    format!("<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p></w:tc>")
}

fn tc_pr(pr: &str, text: &str) -> String {
    format!("<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
}

#[test]
fn a_hand_written_docx_with_spans_merges_breaks_and_an_agency_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    let heads: String = HEADINGS.iter().map(|h| tc(h)).collect();
    let body = format!(
        // Table 1: the agency as a two-column row. Table 2: the chronology.
        "<w:tbl><w:tr>{a}{b}</w:tr><w:tr>{c}{d}</w:tr></w:tbl>\
         <w:p><w:r><w:t>Chronology</w:t></w:r></w:p>\
         <w:tbl><w:tr>{heads}</w:tr>\
         <w:tr>{date}{e}{e}{src}{role}{who}{ty}\
           <w:tc><w:p><w:r><w:t>Home visit.</w:t><w:br/><w:t>Mother</w:t><w:tab/><w:t>present.</w:t></w:r></w:p><w:p><w:del><w:r><w:delText>Deleted words.</w:delText></w:r></w:del></w:p></w:tc>\
           <w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>Referred on</w:t></w:r></w:p></w:tc></w:tr>\
         <w:tr>{cont}{e}{e}{src}{role}{who}{ty2}{det2}{e}{e}</w:tr>\
         <w:tr>{cont}{e}{e}{e}{e}{e}{e}{e}{e}{e}</w:tr>\
         </w:tbl>",
        a = tc("Agency"),
        b = tc("Youth Justice Service"),
        c = tc("Review reference"),
        d = tc("LCSPR-2024-03"),
        date = tc_pr("<w:vMerge w:val=\"restart\"/>", "01/02/2020"),
        cont = tc_pr("<w:vMerge/>", ""),
        e = tc(""),
        src = tc("YJS case record"),
        role = tc("Case manager"),
        who = tc("Child A"),
        ty = tc("Contact or visit"),
        ty2 = tc("Multi-agency meeting"),
        det2 = tc("Panel meeting &amp; plan agreed."),
    );
    write_docx(&dir.join("yjs.docx"), &body);
    let out = tmp.path().join("merged.xlsx");
    let (code, stdout, stderr) = run(&[
        "merge".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--review".as_ref(),
        "LCSPR-2024-03".as_ref(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    let chron = Table::read(&out, "Chronology");
    assert_eq!(chron.rows.len(), 3, "{:?}", chron.rows);
    let a = chron.find("Origin", "yjs.docx › Table 2 › 2");
    assert_eq!(chron.get(a, "Agency"), "Youth Justice Service");
    assert_eq!(chron.get(a, "Date as written"), "01/02/2020");
    assert_eq!(
        chron.get(a, "Details of event"),
        "Home visit.\nMother\tpresent."
    );
    // The spanning cell sits in its first grid column.
    assert_eq!(chron.get(a, "Action / outcome"), "Referred on");
    let b = chron.find("Origin", "yjs.docx › Table 2 › 3");
    assert_eq!(chron.get(b, "Date as written"), "01/02/2020");
    assert_eq!(
        chron.get(b, "Details of event"),
        "Panel meeting & plan agreed."
    );

    let findings = Table::read(&out, "Findings");
    // Rows 2–4 are merged down in A; row 4 holds nothing of its own: it
    // is not an event, and not named.
    assert_eq!(
        findings.findings("yjs.docx", "word-table-merged-cell"),
        [("info".into(), "Table 2".into(), "A2:A3".into())]
    );
    assert_eq!(findings.codes_of("yjs.docx"), ["word-table-merged-cell"]);
    let returns = Table::read(&out, "Returns");
    let r = returns.find("File", "yjs.docx");
    assert_eq!(returns.get(r, "Status"), "merged");
    assert_eq!(returns.get(r, "Review reference"), "LCSPR-2024-03");
    assert_eq!(returns.get(r, "Rows read"), "2");
    assert_counts_add_up(&returns);

    // A second table with the template's headings is read as a part of
    // the chronology, and said so; a document without an agency line says
    // so.
    let body2 = format!(
        "<w:tbl><w:tr>{heads}</w:tr><w:tr>{d}{e}{e}{s}{e}{e}{e}{t}{e}{e}</w:tr></w:tbl>\
         <w:p/><w:tbl><w:tr>{heads}</w:tr><w:tr>{d}{e}{e}{s}{e}{e}{e}{t}{e}{e}</w:tr></w:tbl>",
        d = tc("03/03/2020"),
        e = tc(""),
        s = tc("Record"),
        t = tc("Seen."),
    );
    let lone = tmp.path().join("lone");
    std::fs::create_dir_all(&lone).unwrap();
    write_docx(&lone.join("Housing.docx"), &body2);
    let (code, stdout, stderr) = check(&lone.join("Housing.docx"));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Housing.docx › Table 2 › A1: warning sheet-continued"),
        "{stdout}"
    );
    // The second table's row was read and checked like the first's.
    assert!(
        stdout.contains("Housing.docx › Table 2 › G2: warning event-type-missing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Housing.docx › Table 1: warning agency-details-missing: the Word document has no 'Agency:' line"),
        "{stdout}"
    );
    assert!(stderr.contains("(Housing)"), "{stderr}");
}

/// Text as Excel's "Unicode Text" writes it: UTF-16LE with a byte order
/// mark, tab separated, CRLF, a cell with a line break quoted.
fn unicode_text(lines: &[&str]) -> Vec<u8> {
    let text = lines.join("\r\n") + "\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
}

#[test]
fn excel_unicode_text_is_read_and_other_text_files_are_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    let header = HEADINGS.join("\t");
    std::fs::write(
        dir.join("Health visiting.txt"),
        unicode_text(&[
            &header,
            "05/03/2019\t10:00\t\tHV record\tHealth visitor\tChild A\tContact or visit\t\"Home visit; Ålesund café.\nWeight taken.\"\t\t",
            "\t\t\t\t\t\t\t\t\t",
            "06/03/2019\t\t\t\tHealth visitor\tChild A\tContact or visit\tNo source given.\t\t",
        ]),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "Chased Police for their return.\r\n").unwrap();
    let out = tmp.path().join("merged.xlsx");
    let (code, stdout, stderr) = merge(&dir, &out);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    // Notes are not a chronology: said on the terminal, not an error.
    assert!(
        stderr.contains("notes.txt: info file-no-chronology"),
        "{stderr}"
    );

    let chron = Table::read(&out, "Chronology");
    assert_eq!(chron.rows.len(), 2, "{:?}", chron.rows);
    assert_eq!(
        chron.get(1, "Origin"),
        "Health visiting.txt › Health visiting › 2"
    );
    assert_eq!(chron.get(1, "Agency"), "Health visiting");
    assert_eq!(
        chron.get(1, "Details of event"),
        "Home visit; Ålesund café.\nWeight taken."
    );
    assert_eq!(chron.get(1, "Date as written"), "05/03/2019");

    let findings = Table::read(&out, "Findings");
    assert_eq!(
        findings.findings("Health visiting.txt", "source-missing"),
        [("error".into(), "Health visiting".into(), "D4".into())]
    );
    assert_eq!(
        findings.findings("Health visiting.txt", "agency-details-missing"),
        [("warning".into(), "Health visiting".into(), String::new())]
    );
    assert_eq!(
        findings.findings("notes.txt", "file-no-chronology"),
        [("info".into(), String::new(), String::new())]
    );

    let returns = Table::read(&out, "Returns");
    let r = returns.find("File", "Health visiting.txt");
    assert_eq!(returns.get(r, "Format"), "text");
    assert_eq!(returns.get(r, "Rows read"), "2");
    assert_eq!(returns.get(r, "Rows rejected"), "1");
    let n = returns.find("File", "notes.txt");
    assert_eq!(returns.get(n, "Status"), "ignored");
    assert_counts_add_up(&returns);
}

/// A review folder with one good return and every kind of file that is
/// not read: each is a Findings row and a line on the terminal; lock and
/// hidden files stay quiet.
#[test]
fn files_not_read_are_findings_and_terminal_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2019, 4, 1),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home.",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    // A Word 97 document and a letter with no table, both by LibreOffice.
    let letter = tmp.path().join("covering letter.html");
    std::fs::write(
        &letter,
        "<html><body><p>Dear colleague,</p><p>Please find our chronology attached.</p></body></html>",
    )
    .unwrap();
    let old = tmp.path().join("old chronology.html");
    std::fs::copy(gp_html(tmp.path()), &old).unwrap();
    soffice_convert(&[letter], "docx:MS Word 2007 XML", &dir);
    let doc = soffice_convert(&[old], "doc:MS Word 97", &dir);
    // The same .doc under a .docx name, and a workbook's zip bomb under one.
    std::fs::copy(&doc[0], dir.join("renamed.docx")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/zip bomb.xlsx"),
        dir.join("bomb.docx"),
    )
    .unwrap();
    std::fs::write(dir.join("scan.pdf"), b"%PDF-1.4\n%\xE2\xE3\n1 0 obj\n").unwrap();
    std::fs::write(dir.join("notes.txt"), b"minutes of the meeting").unwrap();
    std::fs::write(dir.join("~$police.xlsx"), b"lock").unwrap();
    std::fs::write(dir.join(".DS_Store"), b"x").unwrap();
    std::fs::write(dir.join("Thumbs.db"), b"x").unwrap();

    let out = tmp.path().join("merged.xlsx");
    let (code, stdout, stderr) = merge(&dir, &out);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    for line in [
        "scan.pdf: error file-format-not-read: the file is a PDF",
        "old chronology.doc: error file-word-97",
        "renamed.docx: error file-word-97",
        "bomb.docx: error file-too-large",
        "covering letter.docx: warning file-no-chronology",
        "notes.txt: info file-no-chronology",
    ] {
        assert!(stderr.contains(line), "{line}\n{stderr}");
    }
    for quiet in ["~$police.xlsx", ".DS_Store", "Thumbs.db"] {
        assert!(!stderr.contains(quiet), "{quiet}\n{stderr}");
    }

    let findings = Table::read(&out, "Findings");
    for (file, code, severity) in [
        ("scan.pdf", "file-format-not-read", "error"),
        ("old chronology.doc", "file-word-97", "error"),
        ("renamed.docx", "file-word-97", "error"),
        ("bomb.docx", "file-too-large", "error"),
        ("covering letter.docx", "file-no-chronology", "warning"),
        ("notes.txt", "file-no-chronology", "info"),
    ] {
        assert_eq!(
            findings.findings(file, code),
            [(severity.to_string(), String::new(), String::new())],
            "{file}"
        );
    }
    for quiet in ["~$police.xlsx", ".DS_Store", "Thumbs.db"] {
        assert!(findings.codes_of(quiet).is_empty(), "{quiet}");
    }

    let returns = Table::read(&out, "Returns");
    let status = |f: &str| returns.get(returns.find("File", f), "Status");
    assert_eq!(status("police.xlsx"), "merged");
    assert_eq!(status("scan.pdf"), "rejected");
    assert_eq!(status("old chronology.doc"), "rejected");
    assert_eq!(status("renamed.docx"), "rejected");
    assert_eq!(status("covering letter.docx"), "ignored");
    assert_eq!(status("notes.txt"), "ignored");
    assert_eq!(status("~$police.xlsx"), "ignored");
    assert_eq!(status("Thumbs.db"), "ignored");
    assert_counts_add_up(&returns);
    let chron = Table::read(&out, "Chronology");
    assert_eq!(chron.rows.len(), 2);

    // `check` on the folder prints the same lines; a file it cannot read
    // makes it exit 2.
    let (code, stdout, _) = check(&dir);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("scan.pdf: error file-format-not-read"),
        "{stdout}"
    );
    assert!(
        stdout.contains("covering letter.docx: warning file-no-chronology"),
        "{stdout}"
    );
    assert!(!stdout.contains("~$police.xlsx"), "{stdout}");
}

/// Empty, or nothing but files that are not chronologies: not a success
/// for `merge`, `check` or `batch`, and nothing written by `merge`.
#[test]
fn a_folder_with_no_returns_is_not_a_success() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let empty = archive.join("empty");
    let papers = archive.join("LCSPR-2024-09");
    let good = archive.join("LCSPR-2024-01");
    for d in [&empty, &papers, &good] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(papers.join("scan.pdf"), b"%PDF-1.4\n").unwrap();
    std::fs::write(papers.join("notes.txt"), b"minutes").unwrap();
    write_docx(
        &papers.join("letter.docx"),
        "<w:p><w:r><w:t>Dear colleague</w:t></w:r></w:p>",
    );
    std::fs::write(papers.join("~$old.xlsx"), b"lock").unwrap();
    ReturnBuilder::new("West Yorkshire Police")
        .event(
            V::D(2019, 4, 1),
            "Police incident log",
            "Incident or call-out",
            "Call-out.",
        )
        .write_xlsx(&good.join("police.xlsx"));

    let out = tmp.path().join("merged.xlsx");
    let (code, _, stderr) = merge(&empty, &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the folder is empty"), "{stderr}");
    assert!(!out.exists());

    let (code, _, stderr) = merge(&papers, &out);
    assert_eq!(code, 2, "{stderr}");
    for said in [
        "scan.pdf: error file-format-not-read",
        "letter.docx: warning file-no-chronology",
        "notes.txt: info file-no-chronology",
        "none of its 4 file(s) is a chronology return",
        "~$old.xlsx (ignored: Excel lock file",
        "no workbook was written",
    ] {
        assert!(stderr.contains(said), "{said}\n{stderr}");
    }
    assert!(!out.exists());

    let (code, _, stderr) = check(&empty);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the folder is empty"), "{stderr}");
    // Only notes and a letter (no PDF): still not a success.
    std::fs::remove_file(papers.join("scan.pdf")).unwrap();
    let (code, stdout, stderr) = check(&papers);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("none of its 3 file(s) is a chronology return"),
        "{stderr}"
    );
    assert!(
        stdout.contains("letter.docx: warning file-no-chronology"),
        "{stdout}"
    );

    // batch: the review folder with no return fails; the good one merges;
    // the empty folder is no review.
    let bout = tmp.path().join("batch-out");
    let (code, stdout, stderr) = run(&[
        "batch".as_ref(),
        archive.as_os_str(),
        "-o".as_ref(),
        bout.as_os_str(),
    ]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.contains("2 review(s) found"), "{stdout}");
    assert!(
        stderr.contains("LCSPR-2024-09: FAILED: no return to merge"),
        "{stderr}"
    );
    assert!(stdout.contains("LCSPR-2024-01: 1 return(s)"), "{stdout}");
    assert!(!bout
        .join("LCSPR-2024-09")
        .join("merged-chronology.xlsx")
        .exists());
    assert!(bout
        .join("LCSPR-2024-01")
        .join("merged-chronology.xlsx")
        .exists());

    // An archive with no review at all.
    let (code, _, stderr) = run(&[
        "batch".as_ref(),
        empty.as_os_str(),
        "-o".as_ref(),
        tmp.path().join("batch-empty").as_os_str(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no review found under"), "{stderr}");
}
