//! The merged chronology prints legibly (issue 19): the sample review's
//! workbook, printed to PDF by LibreOffice (A4 landscape), sets its
//! chronology's text at 7.5 pt or more, leaves out the technical columns
//! (grouped and collapsed on the sheet), and repeats the headings, the
//! marking and the page numbers on every page.
//!
//! Needs LibreOffice (`soffice`), `pdftotext` (poppler-utils) and the
//! Carlito font (metric-compatible with Calibri, the workbook's font):
//! `./scripts/test` installs them. Without them the test fails, never
//! skips.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{col, sheet, text};

/// The sample review merged by the binary (exit 1: the sample holds two
/// rows an agency must fix).
fn merged_sample(dir: &Path) -> PathBuf {
    let sample = common::sample_review_copy(dir);
    let out = dir.join("sample-merged.xlsx");
    let o = assert_cmd::Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("merge")
        .arg(&sample)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The `<col>` element of the sheet XML covering 0-based column `c`.
fn col_element(xml: &str, c: usize) -> String {
    let n = c + 1;
    xml.match_indices("<col ")
        .map(|(i, _)| &xml[i..i + xml[i..].find("/>").unwrap() + 2])
        .find(|e| {
            let attr = |name: &str| -> usize {
                let at = e.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                e[at..at + e[at..].find('"').unwrap()].parse().unwrap()
            };
            attr("min") <= n && n <= attr("max")
        })
        .unwrap_or_else(|| panic!("no <col> for column {n}"))
        .to_string()
}

/// The fonts map `Calibri` to Carlito, its metric-compatible stand-in, as
/// LibreOffice needs to lay the workbook out as Excel does (with another
/// font the columns come out a third wider and the page is shrunk to fit).
fn carlito_installed() {
    let o = Command::new("fc-match").arg("Calibri").output().expect(
        "fc-match (fontconfig) is missing: install LibreOffice and fonts-crosextra-carlito \
         (./scripts/test does)",
    );
    let font = String::from_utf8_lossy(&o.stdout);
    assert!(
        font.contains("Carlito") || font.contains("Calibri"),
        "Calibri falls back to {font}: install fonts-crosextra-carlito (./scripts/test does)"
    );
}

/// The text of each page of a PDF, laid out (`pdftotext -layout`).
fn pdf_pages_text(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is missing: install poppler-utils (./scripts/test does)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A PDF read just far enough to find each page's content stream: the
/// objects by number, the page tree's leaves in order.
struct Pdf {
    bytes: Vec<u8>,
}

impl Pdf {
    /// The body of object `n` (from after `n 0 obj`).
    fn object(&self, n: u32) -> &[u8] {
        let key = format!("{n} 0 obj");
        let b = &self.bytes;
        let at = (0..b.len().saturating_sub(key.len()))
            .find(|&i| {
                b[i..].starts_with(key.as_bytes()) && (i == 0 || matches!(b[i - 1], b'\n' | b'\r'))
            })
            .unwrap_or_else(|| panic!("no object {n}"));
        &b[at + key.len()..]
    }

    /// The dictionary text of object `n` (up to its stream or its end).
    fn dict(&self, n: u32) -> String {
        let body = self.object(n);
        let end = find(body, b"stream")
            .into_iter()
            .chain(find(body, b"endobj"))
            .min()
            .unwrap();
        String::from_utf8_lossy(&body[..end]).into_owned()
    }

    /// The decoded stream of object `n`.
    fn stream(&self, n: u32) -> Vec<u8> {
        let body = self.object(n);
        let dict = self.dict(n);
        let mut start = find(body, b"stream").unwrap() + b"stream".len();
        if body[start] == b'\r' {
            start += 1;
        }
        if body[start] == b'\n' {
            start += 1;
        }
        let end = start + find(&body[start..], b"endstream").unwrap();
        let raw = &body[start..end];
        if dict.contains("/FlateDecode") {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            raw.to_vec()
        }
    }

    /// The pages, in order, from the root of the page tree.
    fn pages(&self) -> Vec<u32> {
        let text = String::from_utf8_lossy(&self.bytes);
        let root = text.find("/Root").map(|i| first_ref(&text[i + 5..]));
        let catalog = self.dict(root.expect("a /Root"));
        let tree = first_ref(&catalog[catalog.find("/Pages").unwrap() + 6..]);
        let mut out = Vec::new();
        self.leaves(tree, &mut out);
        out
    }

    fn leaves(&self, n: u32, out: &mut Vec<u32>) {
        let d = self.dict(n);
        match d.find("/Kids") {
            Some(i) => {
                let list = &d[i + 5..];
                let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
                for kid in refs(list) {
                    self.leaves(kid, out);
                }
            }
            None => out.push(n),
        }
    }

    /// The content streams of page `n`, decoded and joined.
    fn contents(&self, n: u32) -> Vec<u8> {
        let d = self.dict(n);
        let at = d.find("/Contents").expect("a page with contents") + 9;
        let rest = d[at..].trim_start();
        let list = if rest.starts_with('[') {
            &rest[1..rest.find(']').unwrap()]
        } else {
            rest
        };
        let ids = refs(list);
        let ids = if rest.starts_with('[') {
            ids
        } else {
            ids[..1].to_vec()
        };
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.stream(id));
            out.push(b'\n');
        }
        out
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The object number of the `n 0 R` reference `s` starts with.
fn first_ref(s: &str) -> u32 {
    let head: String = s.chars().take(40).collect();
    refs(&head)[0]
}

/// The object numbers of the `n 0 R` references in `s`, in order.
fn refs(s: &str) -> Vec<u32> {
    let t: Vec<&str> = s.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < t.len() {
        let r = t[i + 2].trim_end_matches(|c: char| !c.is_ascii_alphabetic());
        let r = r
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if let (Ok(n), Ok(_), true) = (t[i].parse::<u32>(), t[i + 1].parse::<u32>(), r == "R") {
            out.push(n);
            i += 3;
        } else {
            i += 1;
        }
    }
    out
}

/// The size, in points on the page, of the text each text-showing operator
/// of a content stream draws: the `Tf` size times the text matrix's and the
/// transformation matrix's vertical scale.
fn text_sizes(content: &[u8]) -> Vec<f64> {
    let mut sizes = Vec::new();
    let mut nums: Vec<f64> = Vec::new();
    let (mut font, mut tm, mut ctm) = (0.0f64, 1.0f64, 1.0f64);
    let mut saved: Vec<f64> = Vec::new();
    let scale = |m: &[f64]| (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
    let b = content;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' => {
                // A string: nested brackets, backslash escapes.
                let mut depth = 0;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'<' if b.get(i + 1) != Some(&b'<') => {
                while i < b.len() && b[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b']' | b'<' | b'>' | b'{' | b'}' => i += 1,
            b'%' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' => {
                i += 1;
                while i < b.len() && !b" \t\r\n/[]()<>{}%".contains(&b[i]) {
                    i += 1;
                }
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < b.len() && !b" \t\r\n/[]()<>{}%".contains(&b[i]) {
                    i += 1;
                }
                let tok = std::str::from_utf8(&b[start..i]).unwrap_or("");
                if let Ok(n) = tok.parse::<f64>() {
                    nums.push(n);
                    continue;
                }
                match tok {
                    "Tf" => font = nums.last().copied().unwrap_or(font),
                    "Tm" if nums.len() >= 6 => tm = scale(&nums[nums.len() - 6..]),
                    "BT" => tm = 1.0,
                    "cm" if nums.len() >= 6 => ctm *= scale(&nums[nums.len() - 6..]),
                    "q" => saved.push(ctm),
                    "Q" => ctm = saved.pop().unwrap_or(1.0),
                    "Tj" | "TJ" | "'" | "\"" => sizes.push(font * tm * ctm),
                    _ => {}
                }
                nums.clear();
            }
        }
    }
    sizes
}

#[test]
fn the_sample_reviews_chronology_prints_at_a_legible_size() {
    carlito_installed();
    let tmp = tempfile::tempdir().unwrap();
    let out = merged_sample(tmp.path());

    // The technical columns are grouped and collapsed: hidden, at outline
    // level 1; what is read stays open.
    let rows = sheet(&out, "Chronology");
    let xml = zip_text(&out, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("outlineLevelCol=\"1\""), "{}", &xml[..1500]);
    for heading in [
        "#",
        "Interval",
        "Date as written",
        "Date note",
        "Also reported by",
        "Origin",
    ] {
        let e = col_element(&xml, col(&rows, heading));
        assert!(
            e.contains("hidden=\"1\"") && e.contains("outlineLevel=\"1\""),
            "{heading}: {e}"
        );
    }
    for heading in [
        "Ref",
        "Date",
        "Agency",
        "Details of event",
        "Action / outcome",
        "Key practice episode",
        "Reviewer notes",
        "Reviewer KPE",
    ] {
        let e = col_element(&xml, col(&rows, heading));
        assert!(!e.contains("hidden"), "{heading}: {e}");
    }
    // The cells are all there, collapsed or not.
    let origin = col(&rows, "Origin");
    assert!(text(&rows[1][origin]).contains(" › "));

    let pdf_dir = tmp.path().join("pdf");
    let pdf = common::soffice_convert(std::slice::from_ref(&out), "pdf", &pdf_dir).remove(0);
    let texts = pdf_pages_text(&pdf);
    let doc = Pdf {
        bytes: std::fs::read(&pdf).unwrap(),
    };
    let pages = doc.pages();
    assert_eq!(pages.len(), texts.len());
    // The Chronology's pages: those whose header names it.
    let chronology: Vec<usize> = (0..texts.len())
        .filter(|&p| {
            texts[p]
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim_end().ends_with("Chronology"))
        })
        .collect();
    assert!(
        chronology.len() >= 2,
        "{} chronology pages",
        chronology.len()
    );
    assert_eq!(chronology, (0..chronology.len()).collect::<Vec<_>>());
    let total = texts.len();

    let mut sizes: HashMap<usize, (f64, usize)> = HashMap::new();
    // Fitted to the page width, every page carries every printed heading.
    // A sheet too wide for a legible fit (more columns than today's) runs
    // on to pages to the right, each with the columns up to `Date`.
    let fitted = xml.contains("<pageSetUpPr fitToPage=\"1\"/>");
    let spilled = xml.contains("pageOrder=\"overThenDown\"");
    assert!(fitted != spilled, "{}", &xml[..600]);
    let every_page: &[&str] = if fitted {
        &[
            "Details of event",
            "Practitioner",
            "Key",
            "OFFICIAL-SENSITIVE",
        ]
    } else {
        &["Date", "OFFICIAL-SENSITIVE"]
    };
    for &p in &chronology {
        let t = &texts[p];
        // The headings, the marking and the page number on every page.
        for words in every_page {
            assert!(t.contains(words), "page {} lacks {words:?}:\n{t}", p + 1);
        }
        assert!(
            t.contains(&format!("Page {} of {total}", p + 1)),
            "page {}:\n{t}",
            p + 1
        );
        // The collapsed columns are not printed.
        for heading in ["Origin", "Date as written", "Date note", "Also reported by"] {
            assert!(!t.contains(heading), "page {} prints {heading:?}", p + 1);
        }
        let s = text_sizes(&doc.contents(pages[p]));
        assert!(!s.is_empty(), "no text on page {}", p + 1);
        let min = s.iter().copied().fold(f64::INFINITY, f64::min);
        sizes.insert(p, (min, s.len()));
    }
    // The Details text (all the chronology's text, the headers and footers
    // too) prints at 7.5 pt or more: 5 pt before issue 19.
    let smallest = sizes.values().map(|s| s.0).fold(f64::INFINITY, f64::min);
    assert!(
        smallest >= 7.5,
        "the chronology prints at {smallest:.2} pt: {sizes:?}"
    );
    // Every printed heading is printed, and page 2 repeats the headings.
    let all: String = chronology.iter().map(|&p| texts[p].as_str()).collect();
    for words in ["Details of event", "Practitioner", "Key", "Agency"] {
        assert!(all.contains(words), "{words:?} is not printed");
    }
    // (Page 2, as every page, carries the heading row: checked above.)
    assert!(texts[1].contains("Date"), "{}", texts[1]);
    // A planted event's details are on the pages, in full words.
    assert!(all.contains("Mother's partner interviewed under caution"));
}

#[test]
fn text_sizes_read_the_font_and_the_matrices() {
    let s = text_sizes(b"BT /F1 11 Tf (a) Tj 0.5 0 0 0.5 0 0 Tm [(b)] TJ ET q 2 0 0 2 0 0 cm BT /F2 6 Tf <0102> Tj ET Q BT /F1 4 Tf (x\\)) Tj ET");
    assert_eq!(s, [11.0, 5.5, 12.0, 4.0]);
    assert_eq!(refs("/Kids[ 1 0 R 4 0 R\n7 0 R]"), [1, 4, 7]);
}
