//! Reading the dates and times agencies write, the way a UK reader would.
//!
//! Day first, always. The entry points are [`read_date_cell`] and
//! [`read_time_cell`] (for a [`Cell`] of any kind) and [`parse_date`] /
//! [`parse_time`] for text.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

use crate::model::Cell;

/// Days between the 1900 and the 1904 date systems' day zero.
pub const EPOCH_1904_OFFSET: f64 = 1462.0;

/// How much of a date the agency gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Only the year (`2019`); sorts first in its year.
    Year,
    /// Month and year (`March 2019`); sorts first in its month.
    Month,
    /// A full date.
    Day,
}

/// A date as read: start, precision, uncertainty, optional end and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateValue {
    /// The day the event sorts by: the first day of the period for a
    /// partial date.
    pub start: NaiveDate,
    /// How much of the start the agency gave.
    pub precision: Precision,
    /// `?`, `c.`, `circa`, `approx`, `about`.
    pub approximate: bool,
    /// The end of a range (`03/05/2019 - 10/05/2019`), if any.
    pub end: Option<NaiveDate>,
    /// The precision of the end.
    pub end_precision: Precision,
    /// A time given in the Date cell itself (`5/3/2019 14:30`).
    pub time: Option<NaiveTime>,
}

impl DateValue {
    /// An exact day.
    pub fn day(date: NaiveDate) -> Self {
        DateValue {
            start: date,
            precision: Precision::Day,
            approximate: false,
            end: None,
            end_precision: Precision::Day,
            time: None,
        }
    }

    /// The last day the value may stand for (end of range, month or year).
    pub fn last_day(&self) -> NaiveDate {
        match self.end {
            Some(e) => period_end(e, self.end_precision),
            None => period_end(self.start, self.precision),
        }
    }

    /// What the reader must know, for the `Date note` column
    /// (`partial (month)`, `approximate`, `ends 10/05/2019`), joined by `; `.
    ///
    /// ```
    /// use chronomerge::dates::{DateValue, Precision};
    /// use chrono::NaiveDate;
    /// let mut d = DateValue::day(NaiveDate::from_ymd_opt(2019, 3, 1).unwrap());
    /// d.precision = Precision::Month;
    /// d.approximate = true;
    /// assert_eq!(d.note(), "partial (month); approximate");
    /// ```
    pub fn note(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match self.precision {
            Precision::Day => {}
            Precision::Month => parts.push("partial (month)".into()),
            Precision::Year => parts.push("partial (year)".into()),
        }
        if self.approximate {
            parts.push("approximate".into());
        }
        if let Some(end) = self.end {
            parts.push(format!("ends {}", render_partial(end, self.end_precision)));
        }
        parts.join("; ")
    }
}

/// The last day of the period a partial date stands for.
pub fn period_end(d: NaiveDate, p: Precision) -> NaiveDate {
    match p {
        Precision::Day => d,
        Precision::Month => {
            let (y, m) = if d.month() == 12 {
                (d.year() + 1, 1)
            } else {
                (d.year(), d.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).expect("valid") - Duration::days(1)
        }
        Precision::Year => NaiveDate::from_ymd_opt(d.year(), 12, 31).expect("valid"),
    }
}

/// A date at its precision: `05/03/2019`, `Mar 2019` or `2019`.
pub fn render_partial(d: NaiveDate, p: Precision) -> String {
    match p {
        Precision::Day => d.format("%d/%m/%Y").to_string(),
        Precision::Month => d.format("%b %Y").to_string(),
        Precision::Year => d.format("%Y").to_string(),
    }
}

/// What is needed to read a date besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateContext {
    /// The day of the merge: later dates are errors, and two-digit years
    /// up to this year's last two digits are 20xx.
    pub today: NaiveDate,
}

impl DateContext {
    /// A context for the given day.
    pub fn new(today: NaiveDate) -> Self {
        DateContext { today }
    }

    /// A context for the local day the engine runs.
    pub fn today() -> Self {
        DateContext {
            today: chrono::Local::now().date_naive(),
        }
    }

    /// The four-digit year for a two-digit one (pivot rule of TEMPLATE.md).
    pub fn expand_year(&self, yy: u32) -> i32 {
        let pivot = (self.today.year() % 100) as u32;
        if yy <= pivot {
            2000 + yy as i32
        } else {
            1900 + yy as i32
        }
    }
}

/// A date that was read, with anything the reader should be warned about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRead {
    /// The value.
    pub value: DateValue,
    /// Warnings that keep the row (wrong weekday, number read as serial).
    pub warnings: Vec<DateWarning>,
}

/// Something doubtful about a date that was nevertheless read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateWarning {
    /// The weekday named is not the date's weekday.
    WeekdayMismatch {
        /// The weekday written.
        written: String,
        /// The date's real weekday.
        actual: String,
    },
    /// A plain number was read as an Excel serial date.
    SerialNumber(String),
}

/// Why a date could not be read. The row is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Nothing in the cell.
    Missing,
    /// Not understood; quotes the text.
    Unreadable(String),
    /// Understood, but the day does not exist (`31/02/2019`).
    Invalid(String),
}

impl DateProblem {
    /// A sentence for the finding.
    pub fn message(&self) -> String {
        match self {
            DateProblem::Missing => "the date is empty".into(),
            DateProblem::Unreadable(t) => format!("the date '{t}' cannot be read"),
            DateProblem::Invalid(t) => format!("the date '{t}' does not exist"),
        }
    }
}

/// Why a time could not be read (the event is kept without a time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeProblem(pub String);

/// Reads a Date cell of any kind.
pub fn read_date_cell(cell: &Cell, ctx: &DateContext) -> Result<DateRead, DateProblem> {
    match cell {
        Cell::Empty => Err(DateProblem::Missing),
        Cell::Text(t) => parse_date(t, ctx),
        Cell::DateTime { serial, .. } => {
            let dt = serial_to_datetime(*serial)
                .ok_or_else(|| DateProblem::Invalid(render_serial(*serial)))?;
            let mut v = DateValue::day(dt.date());
            if dt.time() != NaiveTime::MIN {
                v.time = Some(dt.time());
            }
            Ok(DateRead {
                value: v,
                warnings: vec![],
            })
        }
        Cell::Number(n) => {
            let dt = serial_to_datetime(*n)
                .filter(|_| (1.0..=2_958_465.0).contains(n))
                .ok_or_else(|| DateProblem::Unreadable(crate::model::fmt_number(*n)))?;
            let mut v = DateValue::day(dt.date());
            if dt.time() != NaiveTime::MIN {
                v.time = Some(dt.time());
            }
            Ok(DateRead {
                value: v,
                warnings: vec![DateWarning::SerialNumber(crate::model::fmt_number(*n))],
            })
        }
        Cell::IsoDateTime(s) => parse_date(s, ctx),
        other => Err(DateProblem::Unreadable(other.to_text())),
    }
}

/// Reads a date written as text, day first.
pub fn parse_date(text: &str, ctx: &DateContext) -> Result<DateRead, DateProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DateProblem::Missing);
    }
    let unreadable = || DateProblem::Unreadable(t.to_string());
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let nums: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if nums.len() != 3
        || nums
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(unreadable());
    }
    let n: Vec<u32> = nums.iter().map(|s| s.parse().unwrap_or(u32::MAX)).collect();
    let (y, m, d) = if nums[0].len() == 4 {
        (n[0] as i32, n[1], n[2])
    } else {
        let y = match nums[2].len() {
            2 => ctx.expand_year(n[2]),
            4 => n[2] as i32,
            _ => return Err(unreadable()),
        };
        (y, n[1], n[0])
    };
    if !(1..=12).contains(&m) || d == 0 || d > 31 {
        return Err(unreadable());
    }
    let date =
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateProblem::Invalid(t.to_string()))?;
    let mut v = DateValue::day(date);
    if let Some(tp) = time_part {
        v.time = Some(parse_time(tp).map_err(|_| unreadable())?);
    }
    Ok(DateRead {
        value: v,
        warnings: vec![],
    })
}

/// Reads a Time cell of any kind. `Ok(None)` for an empty cell.
pub fn read_time_cell(cell: &Cell) -> Result<Option<NaiveTime>, TimeProblem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_time(t).map(Some),
        Cell::DateTime { serial, .. } | Cell::Number(serial) => {
            let frac = serial.fract();
            if *serial < 0.0 {
                return Err(TimeProblem(serial.to_string()));
            }
            let secs = (frac * 86_400.0).round() as u32;
            Ok(NaiveTime::from_num_seconds_from_midnight_opt(
                secs.min(86_399),
                0,
            ))
        }
        other => Err(TimeProblem(other.to_text())),
    }
}

/// Reads a time of day written as text (`14:30`).
pub fn parse_time(text: &str) -> Result<NaiveTime, TimeProblem> {
    let t = text.trim();
    let bad = || TimeProblem(t.to_string());
    let mut it = t.split(':');
    let h: u32 = it
        .next()
        .ok_or_else(bad)?
        .trim()
        .parse()
        .map_err(|_| bad())?;
    let m: u32 = it
        .next()
        .ok_or_else(bad)?
        .trim()
        .parse()
        .map_err(|_| bad())?;
    let s: u32 = match it.next() {
        Some(s) => s.trim().parse().map_err(|_| bad())?,
        None => 0,
    };
    NaiveTime::from_hms_opt(h, m, s).ok_or_else(bad)
}

/// The date and time of a serial in the 1900 system. `None` for serials
/// outside 1900-01-01 … 9999-12-31 and for Excel's phantom 29/02/1900 (60).
pub fn serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    if days == 60.0 {
        return None;
    }
    // Serials below 60 are one day later than the arithmetic says (the
    // phantom leap day sits between them and the rest).
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days_i = if days < 60.0 {
        days as i64 + 1
    } else {
        days as i64
    };
    let date = base.checked_add_signed(Duration::days(days_i))?;
    let ms = ((serial - days) * 86_400_000.0).round() as i64;
    let ms = ms.min(86_399_999);
    Some(date.and_time(NaiveTime::MIN) + Duration::milliseconds(ms))
}

/// The 1900-system serial of a date and time.
pub fn datetime_to_serial(dt: NaiveDateTime) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
    let mut days = (dt.date() - base).num_days() as f64;
    if days < 61.0 {
        days -= 1.0;
    }
    days + dt.time().num_seconds_from_midnight() as f64 / 86_400.0
}

/// A serial rendered as a UK reader writes it: `05/03/2019`,
/// `05/03/2019 14:30`, or `14:30` for a time alone.
pub fn render_serial(serial: f64) -> String {
    if (0.0..1.0).contains(&serial) {
        let secs = (serial * 86_400.0).round() as u32;
        return format!("{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60);
    }
    match serial_to_datetime(serial) {
        Some(dt) if dt.time() == NaiveTime::MIN => dt.format("%d/%m/%Y").to_string(),
        Some(dt) => dt.format("%d/%m/%Y %H:%M").to_string(),
        None => crate::model::fmt_number(serial),
    }
}
