//! The children of a review and their ages, for the `Chronology`'s `Age at
//! event` column (`review.toml`'s `[children]` table).

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::config::ReviewConfig;

/// A child whose age the chronology shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The label the returns use, e.g. `Child A`.
    pub label: String,
    /// Date of birth.
    pub born: NaiveDate,
}

/// The children of `review.toml`'s `[children]` table, eldest first:
///
/// ```toml
/// [children]
/// "Child A" = 2019-05-01
/// "Child B" = "2021-11-30"
/// ```
///
/// ```
/// let cfg: chronomerge::config::ReviewConfig =
///     toml::from_str("[children]\n\"Child B\" = 2021-11-30\n\"Child A\" = 2019-05-01\n").unwrap();
/// let kids = chronomerge::write::children(&cfg).unwrap();
/// assert_eq!(kids[0].label, "Child A");
/// assert_eq!(kids.len(), 2);
/// ```
pub fn children(config: &ReviewConfig) -> Result<Vec<Child>, String> {
    let Some(table) = &config.children else {
        return Ok(vec![]);
    };
    let mut out = Vec::with_capacity(table.len());
    for (label, v) in table {
        let bad = || {
            format!("[children] \"{label}\" must be a date of birth such as 2020-05-01, not {v}")
        };
        let born = match v {
            toml::Value::Datetime(dt) => dt
                .date
                .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
                .ok_or_else(bad)?,
            toml::Value::String(s) => crate::config::parse_cli_date(s).map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if label.trim().is_empty() {
            return Err(
                "[children] has an entry with no label: write \"Child A\" = 2020-05-01".into(),
            );
        }
        out.push(Child {
            label: label.trim().to_string(),
            born,
        });
    }
    out.sort_by(|a, b| a.born.cmp(&b.born).then_with(|| a.label.cmp(&b.label)));
    Ok(out)
}

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
