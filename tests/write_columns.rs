//! The chronology's columns come from one place ([`ChronologyColumn`]):
//! the workbook's `Chronology` sheet and the CSV export both lay out their
//! columns from it, and the dates they show for people take their formats
//! from `dates::display`.

mod common;

use std::path::Path;

use chronomerge::dates::{display, Precision};
use chronomerge::pipeline::{merge_dir, MergeOptions, MergedReview};
use chronomerge::write::{write_workbook, ChronologyColumn as C};
use common::{sheet, text};

fn sample() -> MergedReview {
    let opts = MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    };
    merge_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-review"),
        &opts,
    )
    .unwrap()
}

#[test]
fn the_sheet_and_the_csv_lay_out_their_columns_from_the_column_enum() {
    let mut review = sample();
    let out = tempfile::tempdir().unwrap();
    for with_age in [false, true] {
        if with_age {
            let cfg: chronomerge::config::ReviewConfig =
                toml::from_str("[children]\n\"Child A\" = 2019-05-01\n").unwrap();
            // The writer takes the children settled with the configuration.
            review.children = chronomerge::config::children(&cfg).unwrap();
            review.config.children = cfg.children;
        }
        let path = out.path().join(format!("age-{with_age}.xlsx"));
        write_workbook(&review, &path).unwrap();
        let rows = sheet(&path, "Chronology");
        let headings: Vec<String> = rows[0].iter().map(text).collect();
        let expected: Vec<&str> = C::ALL
            .into_iter()
            .filter(|c| c.position(with_age).is_some())
            .map(C::heading)
            .collect();
        assert_eq!(headings, expected);
        for c in C::ALL {
            if let Some(p) = c.position(with_age) {
                assert_eq!(headings[p as usize], c.heading());
            }
        }
        // Cells sit under their headings: the number, the agency, the origin.
        let row = &rows[1];
        let at = |c: C| text(&row[c.position(with_age).unwrap() as usize]);
        assert_eq!(at(C::Number), "1");
        let first = &review.chronology.events[0];
        assert_eq!(at(C::Ref), first.reference.to_string());
        assert!(at(C::Ref).contains('-'), "{}", at(C::Ref));
        assert_eq!(at(C::ReviewerNotes), "");
        assert_eq!(at(C::Agency), review.chronology.agencies[first.agency].name);
        let o = &first.origin;
        assert_eq!(
            at(C::Origin),
            format!("{} › {} › {}", o.file, o.sheet, o.row)
        );
    }

    let csv = chronomerge::export::chronology_csv(&review, None).unwrap();
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head, C::SHARED.map(C::heading));
    assert_eq!(head, chronomerge::write::CHRONOLOGY_HEADINGS);
    // Each event's Date shown at its precision with the one display format.
    let date_col = C::SHARED.iter().position(|&c| c == C::Date).unwrap();
    let mut seen = [false; 3];
    for (rec, ev) in r.records().zip(&review.chronology.events) {
        let rec = rec.unwrap();
        let p = ev.date.precision;
        let shown = ev.date.start.format(display::chrono_format(p)).to_string();
        assert_eq!(&rec[date_col], shown);
        seen[p as usize] = true;
    }
    assert!(
        seen[Precision::Day as usize] && seen[Precision::Month as usize],
        "the sample has full and partial dates"
    );
    assert_eq!(display::excel_format(Precision::Day), display::EXCEL_DAY);
}
