//! The Terms of Reference in the template (`template --config`): the due
//! date, the contact and the key lines of enquiry on Guidance, and the
//! optional `Key line of enquiry` column with its dropdown; how a return's
//! column is read (`key-line-unknown`), carried into the merged chronology
//! (sheet, CSV, JSON) and counted per key practice episode.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use chronomerge::model::EVENT_TYPES;
use chronomerge::pipeline::{merge_dir, MergeOptions, MergedReview};
use chronomerge::template::{write_filled, TemplateOptions, TemplateValue as T};
use common::{col, sheet, text, zip_parts, ReturnBuilder, V};
use serde_json::Value;

const LINES: [&str; 3] = [
    "How well did agencies share information about risks to Child A?",
    "Was the voice of the child heard?",
    "How did agencies respond to signs of neglect?",
];

/// A review.toml with the Terms of Reference: sent 2 October 2026, so due
/// Friday 16 October 2026.
fn review_toml(with_lines: bool) -> String {
    let mut s = String::from(
        "review = \"LCSPR-2024-03\"\nperiod_from = 2022-01-01\nperiod_to = 2024-06-30\nreturns_sent = 2026-10-02\ncontact = \"Safeguarding partnership business unit, csp@example.org\"\n",
    );
    if with_lines {
        s.push_str("key_lines_of_enquiry = [");
        for l in LINES {
            s.push_str(&format!("\"{l}\", "));
        }
        s.push_str("]\n");
    }
    s.push_str(
        "\n[[agencies]]\nname = \"West Yorkshire Police\"\naliases = [\"WYP\"]\ncontact = \"DS Smith, Public Protection Unit\"\n\n[[agencies]]\nname = \"GP practice\"\n\n[[agencies]]\nname = \"Children's Social Care\"\n",
    );
    s
}

fn bin() -> Command {
    Command::cargo_bin("chronomerge").unwrap()
}

fn entry(i: usize) -> String {
    format!("KLOE {}: {}", i + 1, LINES[i])
}

fn template(dir: &Path, config: &Path, agency: Option<&str>) -> PathBuf {
    let out = dir.join("return.xlsx");
    let mut cmd = bin();
    cmd.args(["template", "--force", "--config"])
        .arg(config)
        .arg("-o")
        .arg(&out);
    if let Some(a) = agency {
        cmd.args(["--agency", a]);
    }
    cmd.assert().success();
    out
}

/// The `<col>` style of 1-based column `n` of a sheet's XML, and whether
/// that style is unlocked.
fn column_unlocked(xlsx: &Path, sheet_xml: &str, n: u32) -> bool {
    let tag = sheet_xml
        .split("<col ")
        .skip(1)
        .map(|c| &c[..c.find('>').unwrap()])
        .find(|c| {
            let attr = |name: &str| -> u32 {
                let at = c.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                c[at..at + c[at..].find('"').unwrap()].parse().unwrap()
            };
            attr("min") <= n && n <= attr("max")
        })
        .unwrap_or_else(|| panic!("no <col> for column {n}"));
    let at = tag.find("style=\"").unwrap() + 7;
    let style: usize = tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap();
    let styles = &zip_parts(xlsx, "xl/styles.xml")[0].1;
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let xf = &xf[..xf.find("</xf>").or_else(|| xf.find("/>")).unwrap()];
    xf.contains("locked=\"0\"")
}

/// The Chronology sheet's XML (the third sheet) of a template.
fn chronology_xml(xlsx: &Path) -> String {
    zip_parts(xlsx, "xl/worksheets/sheet3.xml")[0].1.clone()
}

#[test]
fn the_template_carries_the_terms_of_reference_and_a_key_line_dropdown() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("review.toml"), review_toml(true)).unwrap();
    // The review folder stands for its review.toml; the agency by an alias.
    let t = template(tmp.path(), tmp.path(), Some("WYP"));
    let g = sheet(&t, "Guidance");
    let a: Vec<String> = g.iter().map(|r| text(&r[0])).collect();
    let has = |s: &str| a.iter().any(|x| x == s);
    assert!(has("Terms of Reference"), "{a:#?}");
    assert!(has("Review reference: LCSPR-2024-03"));
    assert!(has("Review period: 01/01/2022 to 30/06/2024"));
    assert!(has("Please return by Friday 16 October 2026 (16/10/2026)."));
    assert!(has(
        "Contact at the business unit: Safeguarding partnership business unit, csp@example.org"
    ));
    assert!(has(
        "Contact for your agency's return: DS Smith, Public Protection Unit"
    ));
    let first = a.iter().position(|x| *x == entry(0)).expect("KLOE 1");
    assert_eq!(a[first + 1], entry(1));
    assert_eq!(a[first + 2], entry(2));

    // The column after Analysis / comment, its dropdown the lines' range.
    let c = sheet(&t, "Chronology");
    assert_eq!(text(&c[0][9]), "Analysis / comment");
    assert_eq!(text(&c[0][10]), "Key line of enquiry");
    let xml = chronology_xml(&t);
    let dv = xml
        .split("<dataValidation ")
        .find(|d| d.contains("sqref=\"K2:K1048576\""))
        .expect("a validation on K2:K1048576");
    assert!(dv.contains("type=\"list\""), "{dv}");
    assert!(dv.contains("allowBlank=\"1\""), "{dv}");
    let range = format!(
        "<formula1>Guidance!$A${}:$A${}</formula1>",
        first + 1,
        first + 3
    );
    assert!(dv.contains(&range), "{dv} should hold {range}");
    assert!(column_unlocked(&t, &xml, 11), "K is unlocked");
    assert!(column_unlocked(&t, &xml, 8), "H is unlocked");
    // The headings stay locked: the heading row's cells keep their format.
    assert!(xml.contains("<sheetProtection"));

    // A review without lines: no column, no list on K, the rest as before.
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("review.toml"), review_toml(false)).unwrap();
    let t = template(&plain, &plain.join("review.toml"), None);
    let c = sheet(&t, "Chronology");
    assert_eq!(c[0].len(), 10);
    assert!(!chronology_xml(&t).contains("sqref=\"K2:K1048576\""));
    let a: Vec<String> = sheet(&t, "Guidance").iter().map(|r| text(&r[0])).collect();
    assert!(a
        .iter()
        .any(|x| x.starts_with("Please return by Friday 16 October 2026")));
    assert!(!a.iter().any(|x| x.starts_with("KLOE ")));
    assert!(!a.iter().any(|x| x.starts_with("Contact for your agency")));
}

fn check_json(file: &Path) -> Vec<Value> {
    let out = bin()
        .arg("check")
        .arg(file)
        .args(["--json", "--today", "2026-11-26"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> T {
    T::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// A police return filled in from the template, with a key line on three
/// of its four rows (as the dropdown gives it, by number, and as `KLOE 3`).
fn filled_return(dir: &Path) -> PathBuf {
    let cfg = chronomerge::config::ReviewConfig::load(&dir.join("review.toml")).unwrap();
    let mut opts = TemplateOptions::from_config(&cfg);
    opts.for_agency("West Yorkshire Police", &cfg);
    let row = |d: T, etype: &str, details: &str, kloe: T| {
        vec![
            d,
            T::Empty,
            T::Empty,
            "Police incident log".into(),
            "Police constable".into(),
            "Child A".into(),
            etype.into(),
            details.into(),
            "PPN submitted to children's social care.".into(),
            "".into(),
            kloe,
        ]
    };
    let rows = vec![
        row(
            date(2023, 5, 3),
            EVENT_TYPES[9],
            "Call-out to the family home: domestic abuse reported.",
            T::Text(entry(1)),
        ),
        row(
            date(2023, 5, 4),
            EVENT_TYPES[12],
            "Information shared with the school.",
            T::Number(1.0),
        ),
        row(
            date(2023, 5, 5),
            EVENT_TYPES[10],
            "Child A seen with bruising to the face; injury recorded.",
            "KLOE 3".into(),
        ),
        row(date(2023, 6, 1), EVENT_TYPES[0], "Welfare visit.", T::Empty),
    ];
    let p = dir.join("police.xlsx");
    write_filled(&p, &opts, &rows).unwrap();
    p
}

#[test]
fn a_return_filled_in_from_the_template_with_key_lines_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("review.toml"), review_toml(true)).unwrap();
    let p = filled_return(tmp.path());
    let json = check_json(&p);
    assert_eq!(json[0]["findings"], Value::Array(vec![]));
    assert_eq!(json[0]["summary"]["rows_merged"], 4);
    assert_eq!(json[0]["summary"]["status"], "merged");
}

#[test]
fn a_key_line_not_of_the_review_is_kept_and_warned_about_at_its_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), review_toml(true)).unwrap();
    // The agency's own copy of the template, the column as `KLOE`.
    let mut b = ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 5, 4),
            "GP record",
            EVENT_TYPES[1],
            "Child A seen.",
        )
        .event(
            V::D(2023, 5, 9),
            "GP record",
            EVENT_TYPES[1],
            "Child A seen again.",
        );
    b.headings.push("KLOE".into());
    b.rows[0].push(V::T("Housing"));
    b.rows[1].push(V::T("  was the voice of the CHILD heard "));
    let p = b.write_xlsx(&dir.join("gp.xlsx"));
    let json = check_json(&p);
    let findings = json[0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["code"], "key-line-unknown");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["sheet"], "Chronology");
    assert_eq!(f["cell"], "K2");
    assert!(f["message"].as_str().unwrap().contains("'Housing'"));
    assert_eq!(json[0]["summary"]["rows_merged"], 2);

    let review = merge(&dir);
    let ev = &review.chronology.events;
    assert_eq!(&*ev[0].key_line, "Housing");
    assert_eq!(*ev[1].key_line, entry(1));
}

fn merge(dir: &Path) -> MergedReview {
    merge_dir(
        dir,
        &MergeOptions {
            today: NaiveDate::from_ymd_opt(2026, 11, 26),
            ..MergeOptions::default()
        },
    )
    .unwrap()
}

/// A review folder with key lines: the police return filled in from the
/// template (key lines on three events), the GP's and social care's own
/// copies with a `Key line of enquiry` column, all reporting one week of
/// May 2023 (an injury, a strategy discussion): a candidate episode.
fn review_with_lines(root: &Path) -> PathBuf {
    let dir = root.join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), review_toml(true)).unwrap();
    filled_return(&dir);
    let mut gp = ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 5, 4),
            "GP record",
            EVENT_TYPES[10],
            "Child A brought with bruising to the face; injury explained as a fall.",
        )
        .event(
            V::D(2023, 5, 6),
            "GP record",
            EVENT_TYPES[2],
            "Child A not brought to the follow-up appointment.",
        );
    gp.headings.push("Key line of enquiry".into());
    gp.rows[0].push(V::S(entry(0)));
    gp.rows[1].push(V::T("2"));
    gp.write_xlsx(&dir.join("gp.xlsx"));
    ReturnBuilder::new("Children's Social Care")
        .event(
            V::D(2023, 5, 5),
            "Case record",
            EVENT_TYPES[6],
            "Strategy discussion held after police and GP reported an injury to Child A.",
        )
        .event(
            V::D(2023, 5, 8),
            "Case record",
            EVENT_TYPES[5],
            "Section 47 enquiry started: bruising, domestic abuse.",
        )
        .write_xlsx(&dir.join("csc.xlsx"));
    dir
}

#[test]
fn the_merged_chronology_carries_the_key_lines_and_each_episode_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review_with_lines(tmp.path());
    let review = merge(&dir);
    assert_eq!(
        review.chronology.findings.len(),
        0,
        "{:#?}",
        review.chronology.findings
    );
    let out = tmp.path().join("merged.xlsx");
    chronomerge::write::write_workbook(&review, &out).unwrap();
    let rows = sheet(&out, "Chronology");
    let k = col(&rows, "Key line of enquiry");
    assert!(k > col(&rows, "Analysis / comment"));
    assert!(k < col(&rows, "Date as written"));
    let details = col(&rows, "Details of event");
    let kloe_of = |needle: &str| {
        let r = rows
            .iter()
            .find(|r| text(&r[details]).contains(needle))
            .unwrap_or_else(|| panic!("no event {needle}"));
        text(&r[k])
    };
    assert_eq!(kloe_of("Call-out to the family home"), entry(1));
    assert_eq!(kloe_of("Information shared with the school"), entry(0));
    assert_eq!(kloe_of("Child A seen with bruising"), entry(2));
    assert_eq!(kloe_of("Welfare visit"), "");
    assert_eq!(kloe_of("bruising to the face; injury explained"), entry(0));
    assert_eq!(kloe_of("not brought to the follow-up"), entry(1));
    assert_eq!(kloe_of("Strategy discussion held"), "");

    // The episode of that week counts its events per line.
    assert!(
        !review.analysis.episodes.is_empty(),
        "an episode in May 2023"
    );
    let ep = sheet(&out, "Key practice episodes");
    let kc = col(&ep, "Key lines of enquiry");
    let first = &review.analysis.episodes[0];
    let counts = chronomerge::episodes::key_line_counts(first, &review.chronology.events);
    let want = chronomerge::episodes::key_lines_text(&counts);
    assert_eq!(text(&ep[1][kc]), want);
    let may: Vec<usize> = (0..review.chronology.events.len())
        .filter(|&i| first.events.contains(&i))
        .collect();
    assert!(may.len() >= 5, "{may:?}");
    assert!(
        want.starts_with("KLOE 1 ×2; KLOE 2 ×2; KLOE 3 ×1"),
        "{want}"
    );

    // JSON: every event's key_line, each episode's counts.
    let json = serde_json::to_value(chronomerge::export::json_review(&review)).unwrap();
    let ev = json["events"].as_array().unwrap();
    assert!(ev.iter().all(|e| e["key_line"].is_string()));
    assert!(ev.iter().any(|e| e["key_line"] == entry(2).as_str()));
    assert_eq!(json["episodes"][0]["key_lines"][0]["key_line"], "KLOE 1");
    assert_eq!(json["episodes"][0]["key_lines"][0]["events"], 2);

    // CSV: the column after Analysis / comment.
    let csv = chronomerge::export::chronology_csv(&review, None).unwrap();
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let kc = head
        .iter()
        .position(|h| h == "Key line of enquiry")
        .unwrap();
    assert_eq!(head[kc - 1], "Analysis / comment");
    let values: Vec<String> = r.records().map(|x| x.unwrap()[kc].to_string()).collect();
    assert_eq!(values.iter().filter(|v| !v.is_empty()).count(), 5);
}

#[test]
fn a_return_re_saved_as_ods_keeps_its_key_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), review_toml(true)).unwrap();
    // Filled in beside the review, then re-saved into it as .ods.
    std::fs::write(tmp.path().join("review.toml"), review_toml(true)).unwrap();
    let x = filled_return(tmp.path());
    common::soffice_convert(&[x], "ods", &dir);
    let json = check_json(&dir.join("police.ods"));
    assert_eq!(json[0]["findings"], Value::Array(vec![]));
    let review = merge(&dir);
    let lines: Vec<&str> = review
        .chronology
        .events
        .iter()
        .map(|e| &*e.key_line)
        .collect();
    assert_eq!(lines, [entry(1).as_str(), &entry(0), &entry(2), ""]);
}

#[test]
fn a_review_without_key_lines_has_no_key_line_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::small_review(tmp.path(), "Second call-out.");
    let review = merge(&dir);
    let out = tmp.path().join("merged.xlsx");
    chronomerge::write::write_workbook(&review, &out).unwrap();
    let head: Vec<String> = sheet(&out, "Chronology")[0].iter().map(text).collect();
    assert!(!head.iter().any(|h| h == "Key line of enquiry"), "{head:?}");
    let head: Vec<String> = sheet(&out, "Key practice episodes")[0]
        .iter()
        .map(text)
        .collect();
    assert!(
        !head.iter().any(|h| h == "Key lines of enquiry"),
        "{head:?}"
    );
    let csv = chronomerge::export::chronology_csv(&review, None).unwrap();
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    let first = csv.lines().next().unwrap();
    assert_eq!(first, chronomerge::write::CHRONOLOGY_HEADINGS.join(","));
    let json = serde_json::to_value(chronomerge::export::json_review(&review)).unwrap();
    assert!(json["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["key_line"] == ""));

    // A return with the column but a review without lines: the values are
    // kept as written, without a finding, and the column is shown.
    let mut b = ReturnBuilder::new("Children's Social Care").event(
        V::D(2023, 5, 5),
        "Case record",
        EVENT_TYPES[6],
        "Strategy discussion.",
    );
    b.headings.push("Line of enquiry".into());
    b.rows[0].push(V::T("Neglect"));
    b.write_xlsx(&dir.join("csc.xlsx"));
    let review = merge(&dir);
    assert!(review
        .chronology
        .findings
        .iter()
        .all(|f| f.code.as_str() != "key-line-unknown" && f.code.as_str() != "heading-unknown"));
    chronomerge::write::write_workbook(&review, &out).unwrap();
    let rows = sheet(&out, "Chronology");
    let k = col(&rows, "Key line of enquiry");
    assert!(rows.iter().any(|r| text(&r[k]) == "Neglect"));
}
