//! The merged workbook as the reviewer meets it: sheets, headings, fills,
//! ages and intervals, the Agencies and About sheets, anonymising, the
//! native charts, the page setup, and a LibreOffice conversion to PDF.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, DataType};
use common::*;

fn merge(dir: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("chronomerge")
        .unwrap()
        .args(["merge"])
        .arg(dir)
        .arg("-o")
        .arg(out)
        .args(["--today", "2026-11-26"])
        .args(extra)
        .assert()
}

const REVIEW_TOML: &str = r##"
review = "LCSPR-2024-03"
period_from = 2021-01-01
period_to = 2024-06-30

[[agencies]]
name = "Westshire Police"
colour = "#1F3A93"

[children]
"Child B" = 2023-06-01
"Child A" = 2021-03-15
"##;

fn row(date: V, subject: &'static str, details: &'static str) -> Vec<V> {
    vec![
        date,
        V::E,
        V::E,
        V::T("GP record"),
        V::T("GP"),
        V::T(subject),
        V::T("Appointment attended"),
        V::T(details),
        V::E,
        V::E,
    ]
}

/// A review with two agencies, two children, a partial date and names
/// to anonymise. Returns the folder.
fn review(root: &Path) -> PathBuf {
    let dir = root.join("review");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), REVIEW_TOML).unwrap();
    ReturnBuilder::new("Westshire Police")
        .event(
            V::D(2021, 1, 10),
            "Police incident log",
            "Incident or call-out",
            "Domestic incident at the home of Jane Smith; jane smith's partner present.",
        )
        .event(
            V::D(2023, 5, 3),
            "Police incident log",
            "Incident or call-out",
            "Call-out; Child A present. =HYPERLINK(\"http://x\",\"click\")",
        )
        .write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("GP practice")
        .row(row(V::D(2023, 5, 4), "Mother", "Mother seen by GP."))
        .row(row(
            V::D(2023, 6, 10),
            "Child A and Child B",
            "Both children seen for vaccinations.",
        ))
        .row(row(
            V::T("May 2023"),
            "Child A",
            "Letter from the practice.",
        ))
        .write_xlsx(&dir.join("gp.xlsx"));
    dir
}

fn zip_text(path: &Path, name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

fn luminance(rgb: u32) -> f64 {
    let ch = |s: u32| {
        let c = ((rgb >> s) & 0xFF) as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
}

fn merged(tmp: &Path, extra: &[&str]) -> PathBuf {
    let dir = review(tmp);
    let out = tmp.join("merged.xlsx");
    merge(&dir, &out, extra).code(0);
    out
}

#[test]
fn sheets_headings_fills_ages_and_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let out = merged(tmp.path(), &[]);
    assert_eq!(
        sheet_names(&out),
        [
            "Chronology",
            "Timeline",
            "Key practice episodes",
            "Learning event",
            "Findings",
            "Returns",
            "Agencies",
            "About"
        ]
    );
    let chron = sheet(&out, "Chronology");
    // OUTPUT.md's headings, in its order, with the new columns beside the date.
    let heads: Vec<String> = chron[0].iter().map(text).collect();
    let order: Vec<usize> = [
        "#",
        "Ref",
        "Date",
        "Time",
        "Agency",
        "Source of information",
        "Practitioner role",
        "Child or family member",
        "Event type",
        "Details of event",
        "Action / outcome",
        "Analysis / comment",
        "Reviewer notes",
        "Reviewer KPE",
        "Date as written",
        "Date note",
        "Key practice episode",
        "Origin",
    ]
    .iter()
    .map(|h| col(&chron, h))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{heads:?}");
    let (age, interval) = (col(&chron, "Age at event"), col(&chron, "Interval"));
    assert!(age < col(&chron, "Agency") && interval < col(&chron, "Agency"));
    assert_eq!(chron.len(), 1 + 5);

    let details = col(&chron, "Details of event");
    let find = |needle: &str| {
        chron
            .iter()
            .position(|r| text(&r[details]).contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}"))
    };
    let age_of = |needle: &str| text(&chron[find(needle)][age]);
    assert_eq!(age_of("Domestic incident"), "unborn");
    assert_eq!(age_of("Call-out"), "2 years 1 month");
    // Names no configured child: the eldest's age, labelled.
    assert_eq!(age_of("Mother seen"), "2 years 1 month (Child A)");
    assert_eq!(
        age_of("vaccinations"),
        "Child A: 2 years 2 months; Child B: 9 days"
    );
    // The partial date counts from the first of its month.
    assert_eq!(age_of("Letter"), "2 years 1 month");

    let days = |needle: &str| chron[find(needle)][interval].as_f64();
    assert_eq!(days("Domestic incident"), None);
    assert_eq!(days("Letter"), None);
    assert_eq!(days("Call-out"), Some(843.0));
    assert_eq!(days("Mother seen"), Some(1.0));
    assert_eq!(days("vaccinations"), Some(37.0));

    // Formula-like text stays text.
    assert!(text(&chron[find("Call-out")][details])
        .starts_with("Call-out; Child A present. =HYPERLINK"));
    let xml = zip_text(&out, "xl/worksheets/sheet1.xml").unwrap();
    assert!(!xml.contains("<f>") && !xml.contains("<hyperlink"));

    // Every row is filled with its agency's colour, on which black text
    // reads at 4.5:1 or better; the police blue of review.toml is lightened.
    let agency = col(&chron, "Agency");
    let mut fills = std::collections::HashMap::new();
    for (i, r) in chron.iter().enumerate().skip(1) {
        for c in [0, details, chron[0].len() - 1] {
            let f = fill(&out, "Chronology", i as u32, c as u32).expect("filled");
            assert!((luminance(f) + 0.05) / 0.05 >= 4.5, "#{f:06X}");
            let prev = fills.insert(text(&r[agency]), f);
            assert!(prev.is_none() || prev == Some(f));
        }
    }
    // Every cell of the table is filled, empty ones (no episode, no note)
    // included: the text cells of a row get their format in one go.
    {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let styles = wb.worksheet_style("Chronology").unwrap();
        let kpe = col(&chron, "Key practice episode");
        let mut empty_seen = 0;
        for (i, r) in chron.iter().enumerate().skip(1) {
            let want = fills[&text(&r[agency])];
            for c in 0..chron[0].len() {
                let got = styles
                    .get((i as u32, c as u32))
                    .and_then(|st| st.fill.as_ref()?.get_color())
                    .map(|c| ((c.red as u32) << 16) | ((c.green as u32) << 8) | c.blue as u32);
                assert_eq!(got, Some(want), "row {i} column {c}");
            }
            empty_seen += usize::from(text(&r[kpe]).is_empty());
        }
        assert!(empty_seen > 0, "no row without an episode to check");
    }
    let police = fills["Westshire Police"];
    assert_ne!(police, 0x1F3A93);
    assert!(police & 0xFF > police >> 16, "still blue: #{police:06X}");
    assert_ne!(police, fills["GP practice"]);
}

#[test]
fn agencies_sheet_is_the_legend_with_counts_dates_and_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = merged(tmp.path(), &[]);
    let ag = sheet(&out, "Agencies");
    let heads: Vec<String> = ag[0].iter().map(text).collect();
    assert_eq!(
        heads[..7],
        [
            "Agency",
            "Colour",
            "Rows merged",
            "Rows rejected",
            "First event",
            "Last event",
            "Return file(s)"
        ]
    );
    assert_eq!(ag.len(), 3);
    let police = ag
        .iter()
        .position(|r| text(&r[0]) == "Westshire Police")
        .unwrap();
    let r = &ag[police];
    assert_eq!(r[2].as_f64(), Some(2.0));
    assert_eq!(r[3].as_f64(), Some(0.0));
    assert!(matches!(r[4], Data::DateTime(_)), "{:?}", r[4]);
    assert_eq!(r[4].as_date(), chrono::NaiveDate::from_ymd_opt(2021, 1, 10));
    assert_eq!(r[5].as_date(), chrono::NaiveDate::from_ymd_opt(2023, 5, 3));
    assert_eq!(text(&r[6]), "police.xlsx");
    // The colour cell names the fill it shows.
    let f = fill(&out, "Agencies", police as u32, 1).unwrap();
    assert_eq!(text(&r[1]), format!("#{f:06X}"));
    assert!(text(&r[7]).contains("#1F3A93"), "{:?}", r[7]);
}

#[test]
fn about_sheet_and_document_properties_say_how_it_was_made() {
    let tmp = tempfile::tempdir().unwrap();
    let out = merged(tmp.path(), &[]);
    let about = sheet(&out, "About");
    let value = |k: &str| {
        about
            .iter()
            .find(|r| text(&r[0]) == k)
            .map(|r| text(&r[1]))
            .unwrap_or_else(|| panic!("no {k} in About"))
    };
    assert_eq!(value("Review reference"), "LCSPR-2024-03");
    assert_eq!(value("Protective marking"), "OFFICIAL-SENSITIVE");
    assert!(value("Made").contains("chronomerge"));
    assert!(value("Anonymised").starts_with("No"));
    assert!(value("Children").contains("Child A (born 15/03/2021)"));
    let files: Vec<String> = about.iter().map(|r| text(&r[0])).collect();
    for f in ["police.xlsx", "gp.xlsx", "review.toml"] {
        assert!(files.iter().any(|x| x == f), "{files:?}");
    }
    let core = zip_text(&out, "docProps/core.xml").unwrap();
    assert!(core.contains("<dc:title>Multi-agency chronology LCSPR-2024-03</dc:title>"));
    assert!(core.contains("chronomerge"));
    let custom = zip_text(&out, "docProps/custom.xml").unwrap();
    assert!(custom.contains("Review reference") && custom.contains("LCSPR-2024-03"));
    assert!(custom.contains(&format!("chronomerge {}", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn glossary_anonymises_the_output_and_never_the_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let glossary = tmp.path().join("glossary.csv");
    std::fs::write(
        &glossary,
        "real text,replacement\nJane Smith,Mother\nWestshire Police,the police force\n",
    )
    .unwrap();
    let before = std::fs::read(dir.join("police.xlsx")).unwrap();
    let out = tmp.path().join("anon.xlsx");
    merge(
        &dir,
        &out,
        &[
            "--glossary",
            glossary.to_str().unwrap(),
            "--marking",
            "OFFICIAL",
        ],
    )
    .code(0);
    assert_eq!(std::fs::read(dir.join("police.xlsx")).unwrap(), before);
    for name in sheet_names(&out) {
        for r in sheet(&out, &name) {
            for c in &r {
                let t = text(c).to_lowercase();
                assert!(!t.contains("jane smith"), "{name}: {t}");
                assert!(!t.contains("westshire police"), "{name}: {t}");
            }
        }
    }
    let chron = sheet(&out, "Chronology");
    let details = col(&chron, "Details of event");
    assert!(chron.iter().any(|r| text(&r[details])
        == "Domestic incident at the home of Mother; Mother's partner present."));
    let agency = col(&chron, "Agency");
    assert!(chron.iter().any(|r| text(&r[agency]) == "the police force"));
    let about = sheet(&out, "About");
    let anon = about
        .iter()
        .find(|r| text(&r[0]) == "Anonymised")
        .map(|r| text(&r[1]))
        .unwrap();
    assert!(anon.starts_with("Yes"), "{anon}");
    assert!(anon.contains("glossary.csv (2 entries)"), "{anon}");
    let n: usize = anon
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{anon}"));
    assert!(n >= 6, "{anon}");
    // Dates of birth stay out of an anonymised workbook.
    let children = about
        .iter()
        .find(|r| text(&r[0]) == "Children")
        .map(|r| text(&r[1]))
        .unwrap();
    assert!(!children.contains("15/03/2021"), "{children}");
    // --marking reaches the printed header.
    let xml = zip_text(&out, "xl/worksheets/sheet1.xml").unwrap();
    assert!(xml.contains("OFFICIAL") && !xml.contains("OFFICIAL-SENSITIVE"));
}

#[test]
fn a_bad_glossary_or_date_of_birth_stops_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let glossary = tmp.path().join("g.csv");
    std::fs::write(&glossary, "Jane Smith,Mother\nTom\n").unwrap();
    let out = tmp.path().join("o.xlsx");
    let a = merge(&dir, &out, &["--glossary", glossary.to_str().unwrap()]).code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("line 2"), "{err}");
    assert!(!out.exists());
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\n[children]\n\"Child A\" = \"soon\"\n",
    )
    .unwrap();
    let a = merge(&dir, &out, &[]).code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("Child A"), "{err}");
}

#[test]
fn timeline_has_native_charts_and_every_sheet_prints_as_configured() {
    let tmp = tempfile::tempdir().unwrap();
    let out = merged(tmp.path(), &[]);
    // Native charts: stacked columns by agency, and the episodes.
    let c1 = zip_text(&out, "xl/charts/chart1.xml").expect("a chart");
    assert!(c1.contains("<c:barChart>") && c1.contains("<c:grouping val=\"stacked\"/>"));
    assert!(
        c1.contains("Timeline!$B$"),
        "series read the Timeline table"
    );
    assert!(zip_text(&out, "xl/charts/chart2.xml").is_some());
    let tl = sheet(&out, "Timeline");
    assert!(tl.iter().any(|r| r.iter().any(|c| text(c) == "Month")));

    let wbxml = zip_text(&out, "xl/workbook.xml").unwrap();
    assert!(
        wbxml.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">Chronology!$1:$1</definedName>"#),
        "{wbxml}"
    );
    // The filter spans every column of the Chronology.
    let chron = sheet(&out, "Chronology");
    let last = (b'A' + chron[0].len() as u8 - 1) as char;
    assert!(
        wbxml.contains(&format!("Chronology!$A$1:${last}$6")),
        "{wbxml}"
    );
    for n in 1..=7 {
        let xml = zip_text(&out, &format!("xl/worksheets/sheet{n}.xml")).unwrap();
        assert!(xml.contains(r#"orientation="landscape""#), "sheet{n}");
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "sheet{n}");
        assert!(xml.contains(r#"fitToHeight="0""#), "sheet{n}");
        assert!(!xml.contains("fitToWidth=\"") || xml.contains(r#"fitToWidth="1""#));
        assert!(xml.contains("Review LCSPR-2024-03"), "sheet{n}");
        assert!(xml.contains("OFFICIAL-SENSITIVE"), "sheet{n}");
        assert!(xml.contains("Page &amp;P of &amp;N"), "sheet{n}");
    }
    // The headings and the #, Ref and Date columns are frozen.
    let s1 = zip_text(&out, "xl/worksheets/sheet1.xml").unwrap();
    assert!(s1.contains(
        r#"<pane xSplit="3" ySplit="1" topLeftCell="D2" activePane="bottomRight" state="frozen"/>"#
    ));
}

/// The MediaBox sizes (width, height) of a PDF's pages.
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(i, _)| {
            let rest = &text[i + 9..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let v: Vec<f64> = rest[open + 1..close]
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 4).then(|| (v[2] - v[0], v[3] - v[1]))
        })
        .collect()
}

#[test]
fn libreoffice_converts_it_to_landscape_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = merged(tmp.path(), &[]);
    let pdf_dir = tmp.path().join("pdf");
    common::soffice_convert(std::slice::from_ref(&out), "pdf", &pdf_dir);
    let pdf = std::fs::read(pdf_dir.join("merged.pdf")).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF"));
    let boxes = media_boxes(&pdf);
    assert!(!boxes.is_empty(), "no pages");
    for (w, h) in &boxes {
        assert!(w > h, "a portrait page {w}×{h}");
    }
    // A4 landscape.
    assert!(boxes
        .iter()
        .all(|(w, h)| (w - 842.0).abs() < 2.0 && (h - 595.0).abs() < 2.0));
    if let Ok(info) = std::process::Command::new("pdfinfo")
        .arg(pdf_dir.join("merged.pdf"))
        .output()
    {
        let info = String::from_utf8_lossy(&info.stdout);
        if let Some(size) = info.lines().find(|l| l.starts_with("Page size:")) {
            assert!(size.contains("841.89 x 595."), "{size}");
        }
    }
}

#[test]
fn a_review_with_no_events_still_makes_every_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\nperiod_from = 2022-01-01\nperiod_to = 2022-03-01\n",
    )
    .unwrap();
    // One return, rejected whole (so no agency and no event): a folder with
    // no return at all is not merged (exit 2, see real_formats.rs).
    std::fs::write(dir.join("police.xlsx"), b"not a workbook").unwrap();
    let out = tmp.path().join("empty.xlsx");
    merge(&dir, &out, &[]).code(1);
    assert_eq!(sheet_names(&out).len(), 8);
    let tl = sheet(&out, "Timeline");
    assert!(tl
        .iter()
        .any(|r| r.iter().any(|c| text(c) == "No dated events to chart.")));
}
