//! The children of a review and their ages, for the `Chronology`'s `Age at
//! event` column (`review.toml`'s `[children]` table).

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::config::Child;

/// A child's age on a day in years and months, as the chronology shows
/// it: `unborn` before the birth, days in the first month.
///
/// ```
/// use chrono::NaiveDate;
/// use chronomerge::write::age_at;
/// let born = NaiveDate::from_ymd_opt(2020, 5, 31).unwrap();
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(age_at(born, d(2020, 5, 1)), "unborn");
/// assert_eq!(age_at(born, d(2020, 5, 31)), "0 days");
/// assert_eq!(age_at(born, d(2020, 6, 1)), "1 day");
/// assert_eq!(age_at(born, d(2020, 6, 30)), "1 month");
/// assert_eq!(age_at(born, d(2021, 5, 30)), "11 months");
/// assert_eq!(age_at(born, d(2021, 5, 31)), "1 year");
/// assert_eq!(age_at(born, d(2023, 8, 2)), "3 years 2 months");
/// ```
pub fn age_at(born: NaiveDate, on: NaiveDate) -> String {
    if on < born {
        return "unborn".into();
    }
    let mut months = (on.year() - born.year()) * 12 + on.month() as i32 - born.month() as i32;
    // A month is complete on the same day of the month, or on the last
    // day of a shorter month.
    let last_of_month = on.succ_opt().is_none_or(|n| n.month() != on.month());
    if on.day() < born.day() && !last_of_month {
        months -= 1;
    }
    if months <= 0 {
        let days = (on - born).num_days();
        return if days == 1 {
            "1 day".into()
        } else {
            format!("{days} days")
        };
    }
    let (y, m) = (months / 12, months % 12);
    let unit = |n: i32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (y, m) {
        (0, m) => unit(m, "month", "months"),
        (y, 0) => unit(y, "year", "years"),
        (y, m) => format!(
            "{} {}",
            unit(y, "year", "years"),
            unit(m, "month", "months")
        ),
    }
}

/// True when `needle` occurs in `hay` as whole words, ignoring ASCII case.
fn contains_words(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return false;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    (0..=h.len() - n.len()).any(|i| {
        h[i..i + n.len()].eq_ignore_ascii_case(n)
            && (i == 0 || !word(h[i - 1]) || !word(n[0]))
            && (i + n.len() == h.len() || !word(h[i + n.len()]) || !word(n[n.len() - 1]))
    })
}

/// The `Age at event` cell of an event. One child in the review: its age.
/// Several: the age of the child the `Child or family member` cell names,
/// each age labelled when it names more than one, and when it names none
/// the eldest child's age, labelled.
pub(super) fn age_cell(kids: &[Child], subject: &str, on: NaiveDate, buf: &mut String) {
    buf.clear();
    if kids.is_empty() {
        return;
    }
    if kids.len() == 1 {
        buf.push_str(&age_at(kids[0].born, on));
        return;
    }
    let mut named = kids.iter().filter(|k| contains_words(subject, &k.label));
    match (named.next(), named.next()) {
        // The cell names one child: its age, as the cell already says whose.
        (Some(k), None) => buf.push_str(&age_at(k.born, on)),
        // Several: each child's age, labelled.
        (Some(a), Some(b)) => {
            for k in [a, b].into_iter().chain(named) {
                if !buf.is_empty() {
                    buf.push_str("; ");
                }
                let _ = write!(buf, "{}: {}", k.label, age_at(k.born, on));
            }
        }
        (None, _) => {}
    }
    if buf.is_empty() {
        let _ = write!(buf, "{} ({})", age_at(kids[0].born, on), kids[0].label);
    }
}
