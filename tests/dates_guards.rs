//! Rules of the date grammar that the corpus (`tests/dates_corpus.rs`)
//! did not pin, found while splitting `src/dates` into its seams: each of
//! these could change in a refactor with every other date test passing.

use chrono::NaiveDate;
use chronomerge::dates::{parse_date, DateContext, DateProblem, DateWarning};

fn ctx() -> DateContext {
    DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A weekday after a single date is read and checked; after a range it
/// could name either end, so the text is refused, not guessed.
#[test]
fn a_weekday_after_a_range_is_refused() {
    for text in [
        "03/05/2019 - 10/05/2019, Friday",
        "3-10 May 2019 (Fri)",
        "3 May 2019 to 10 May 2019 Friday",
    ] {
        assert_eq!(
            parse_date(text, &ctx()),
            Err(DateProblem::Unreadable(text.to_string())),
            "{text}"
        );
    }
    // After a single date the weekday is read, and checked.
    let r = parse_date("03/05/2019, Friday", &ctx()).unwrap();
    assert_eq!((r.value.start, r.value.end), (ymd(2019, 5, 3), None));
    assert!(r.warnings.is_empty());
    let r = parse_date("03/05/2019 (Tue)", &ctx()).unwrap();
    assert_eq!(
        r.warnings,
        vec![DateWarning::WeekdayMismatch {
            written: "Tuesday".into(),
            actual: "Friday".into(),
        }]
    );
}
