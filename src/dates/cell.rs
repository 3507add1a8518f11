//! Reading a date or a time from a [`Cell`] of any kind, and a cell as
//! the reader sees it, as text.

use chrono::{NaiveDate, NaiveTime};

use super::serial::{render_serial, serial_number_date, serial_to_datetime, value_from_datetime};
use super::{parse_date, parse_time, parse_time_value};
use super::{DateContext, DateProblem, DateRead, DateValue, Precision, TimeProblem, TimeValue};
use crate::cell::{fmt_number, Cell};

impl Cell {
    /// The cell as the reader would see it, as text: a date cell as a UK
    /// reader writes it (`05/03/2019 14:30`), a number without a needless
    /// `.0`.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => fmt_number(*n),
            Cell::DateTime { serial, .. } => render_serial(*serial),
            Cell::IsoDateTime(s) => render_iso(s),
            Cell::IsoDuration(s) => s.clone(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// Moves the text out of a text cell (other cells are rendered).
    pub fn into_text(self) -> String {
        match self {
            Cell::Text(s) => s,
            other => other.to_text(),
        }
    }
}

/// Reads a Date cell of any kind.
///
/// Date cells and serials must be 1900-system serials (ingest adds
/// [`EPOCH_1904_OFFSET`](super::EPOCH_1904_OFFSET) for 1904 workbooks). A plain number is read as a
/// year when it is a whole number 1900–2100, as `yyyymmdd` when it is a
/// whole number 19000101–21001231 (`20160522`, typed into a cell the
/// spreadsheet took as a number), as a serial (with
/// [`DateWarning::SerialNumber`](super::DateWarning::SerialNumber)) when it falls 1905–2100, and is
/// unreadable otherwise. Text holding only a five-digit number (`43529`,
/// a serial stored as text) is read as the serial, with the same warning.
///
/// ```
/// use chronomerge::dates::{read_date_cell, DateContext, DateProblem};
/// use chronomerge::model::Cell;
/// use chrono::NaiveDate;
/// let ctx = DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
/// let r = read_date_cell(&Cell::DateTime { serial: 43529.0, duration: false }, &ctx).unwrap();
/// assert_eq!(r.value.start, NaiveDate::from_ymd_opt(2019, 3, 5).unwrap());
/// let bad = read_date_cell(&Cell::DateTime { serial: 60.0, duration: false }, &ctx);
/// assert!(matches!(bad, Err(DateProblem::Invalid(_))));
/// assert_eq!(read_date_cell(&Cell::Empty, &ctx), Err(DateProblem::Missing));
/// ```
///
/// # Errors
///
/// [`DateProblem`]: the cell is empty, holds no date, or a day that does
/// not exist (Excel's 29/02/1900).
pub fn read_date_cell(cell: &Cell, ctx: &DateContext) -> Result<DateRead, DateProblem> {
    match cell {
        Cell::Empty => Err(DateProblem::Missing),
        Cell::Text(t) => parse_date(t, ctx),
        Cell::DateTime { serial, duration } => {
            let s = *serial;
            if *duration || !s.is_finite() || (0.0..1.0).contains(&s) {
                // A duration or a time of day alone is not a date.
                return Err(DateProblem::Unreadable(render_serial(s)));
            }
            let dt = serial_to_datetime(s).ok_or_else(|| DateProblem::Invalid(render_serial(s)))?;
            Ok(DateRead {
                value: value_from_datetime(dt),
                warnings: Vec::new(),
            })
        }
        Cell::Number(n) => number_date(*n),
        Cell::IsoDateTime(s) => {
            let mut r = parse_date(s, ctx)?;
            // OpenDocument writes midnight for a date-only cell.
            if r.value.time == Some(NaiveTime::MIN) {
                r.value.time = None;
            }
            Ok(r)
        }
        other => Err(DateProblem::Unreadable(other.to_text())),
    }
}

/// A plain number in a Date cell: a year (`2019`), `yyyymmdd`
/// (`20160522`) or a serial with [`DateWarning::SerialNumber`](super::DateWarning::SerialNumber).
fn number_date(n: f64) -> Result<DateRead, DateProblem> {
    let shown = || fmt_number(n);
    if (1900.0..=2100.0).contains(&n) {
        if n.fract() != 0.0 {
            return Err(DateProblem::Unreadable(shown()));
        }
        let d = NaiveDate::from_ymd_opt(n as i32, 1, 1).expect("valid year");
        let mut v = DateValue::day(d);
        v.precision = Precision::Year;
        v.end_precision = Precision::Year;
        return Ok(DateRead {
            value: v,
            warnings: Vec::new(),
        });
    }
    if n.fract() == 0.0 && (YYYYMMDD_MIN..=YYYYMMDD_MAX).contains(&n) {
        // 20160522 typed into a cell the spreadsheet took as a number.
        let v = n as u32;
        return NaiveDate::from_ymd_opt((v / 10_000) as i32, v / 100 % 100, v % 100)
            .map(|d| DateRead {
                value: DateValue::day(d),
                warnings: Vec::new(),
            })
            .ok_or_else(|| DateProblem::Invalid(shown()));
    }
    serial_number_date(n, shown)
}

/// The smallest and largest `yyyymmdd` read from a plain number or an
/// eight-digit text: years 1900–2100, like the years read alone.
const YYYYMMDD_MIN: f64 = 19_000_101.0;
const YYYYMMDD_MAX: f64 = 21_001_231.0;

/// Reads a Time cell of any kind. `Ok(None)` for an empty cell.
///
/// Time cells give the fraction of their day. A plain number is read as
/// a UK writer types a time (`1430`, `14.30` which a spreadsheet stores as
/// 14.3) or as a fraction of a day, and is a problem when both readings
/// are possible and differ (`0.5`).
///
/// ```
/// use chronomerge::dates::read_time_cell;
/// use chronomerge::model::Cell;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(14, 30, 0).unwrap();
/// assert_eq!(read_time_cell(&Cell::Number(1430.0)), Ok(Some(t)));
/// assert_eq!(read_time_cell(&Cell::IsoDuration("PT14H30M00S".into())), Ok(Some(t)));
/// assert_eq!(read_time_cell(&Cell::Empty), Ok(None));
/// ```
///
/// # Errors
///
/// [`TimeProblem`] when the cell holds something that is not a time of day.
pub fn read_time_cell(cell: &Cell) -> Result<Option<NaiveTime>, TimeProblem> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_time(t).map(Some),
        Cell::DateTime { serial, duration } => {
            let s = *serial;
            let bad = || TimeProblem(render_serial(s));
            if !s.is_finite() || s < 0.0 {
                return Err(bad());
            }
            if s >= 1.0 && (*duration || s.fract() == 0.0) {
                // 24 hours or more, or a date with no time.
                return Err(bad());
            }
            Ok(Some(time_from_fraction(s.fract())))
        }
        Cell::Number(n) => number_time(*n).map(Some),
        Cell::IsoDuration(s) => iso_duration(s)
            .map(Some)
            .ok_or_else(|| TimeProblem(s.clone())),
        Cell::IsoDateTime(s) => match s.split_once(['T', 't']) {
            Some((_, t)) => parse_time(t).map(Some).map_err(|_| TimeProblem(s.clone())),
            None => Err(TimeProblem(s.clone())),
        },
        other => Err(TimeProblem(other.to_text())),
    }
}

/// A time from a fraction of a day, to the nearest second.
fn time_from_fraction(f: f64) -> NaiveTime {
    let secs = ((f * 86_400.0).round() as u32).min(86_399);
    NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).expect("in range")
}

/// A time from a plain number in a Time cell.
fn number_time(n: f64) -> Result<NaiveTime, TimeProblem> {
    let bad = || TimeProblem(fmt_number(n));
    if !n.is_finite() || n <= 0.0 || n >= 2400.0 {
        return Err(bad());
    }
    // As typed: 1430 (hhmm) or 14.3 (hh.mm, trailing zero lost).
    let typed = if n.fract() == 0.0 {
        let v = n as u32;
        if v >= 100 {
            NaiveTime::from_hms_opt(v / 100, v % 100, 0)
        } else {
            None
        }
    } else if n < 24.0 {
        let h = n.trunc();
        let cents = (n - h) * 100.0;
        let m = cents.round();
        if (cents - m).abs() < 1e-6 {
            NaiveTime::from_hms_opt(h as u32, m as u32, 0)
        } else {
            None
        }
    } else {
        None
    };
    let fraction = if n < 1.0 {
        Some(time_from_fraction(n))
    } else {
        None
    };
    match (typed, fraction) {
        (Some(a), Some(b)) if a != b => Err(bad()),
        (Some(a), _) => Ok(a),
        (None, Some(b)) => Ok(b),
        (None, None) => Err(bad()),
    }
}

/// An ISO 8601 duration under a day (`PT14H30M00S`, `P0DT9H5M`).
fn iso_duration(s: &str) -> Option<NaiveTime> {
    let b = s.trim().as_bytes();
    let mut i = 0;
    if b.first().map(|c| c.to_ascii_uppercase()) != Some(b'P') {
        return None;
    }
    i += 1;
    let mut in_time = false;
    let mut total: f64 = 0.0;
    let mut any = false;
    while i < b.len() {
        let c = b[i].to_ascii_uppercase();
        if c == b'T' {
            if in_time {
                return None;
            }
            in_time = true;
            i += 1;
            continue;
        }
        let st = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
            i += 1;
        }
        if st == i || i >= b.len() {
            return None;
        }
        let num: f64 = std::str::from_utf8(&b[st..i])
            .ok()?
            .replace(',', ".")
            .parse()
            .ok()?;
        let unit = b[i].to_ascii_uppercase();
        i += 1;
        total += num
            * match (in_time, unit) {
                (false, b'D') => 86_400.0,
                (true, b'H') => 3_600.0,
                (true, b'M') => 60.0,
                (true, b'S') => 1.0,
                _ => return None,
            };
        any = true;
    }
    if !any {
        return None;
    }
    let secs = total.round();
    if !(0.0..86_400.0).contains(&secs) {
        return None;
    }
    NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0)
}

/// Reads a Time cell of any kind as [`read_time_cell`] does, and also a
/// text time marked uncertain ([`parse_time_value`]). `Ok(None)` for an
/// empty cell.
///
/// ```
/// use chronomerge::dates::read_time_value;
/// use chronomerge::model::Cell;
/// let v = read_time_value(&Cell::Text("?14:00".into())).unwrap().unwrap();
/// assert_eq!(v.time.to_string(), "14:00:00");
/// assert!(v.approximate);
/// assert!(!read_time_value(&Cell::Number(1430.0)).unwrap().unwrap().approximate);
/// ```
///
/// # Errors
///
/// [`TimeProblem`] when the cell holds something that is not a time of day.
pub fn read_time_value(cell: &Cell) -> Result<Option<TimeValue>, TimeProblem> {
    match cell {
        Cell::Text(t) if !t.trim().is_empty() => parse_time_value(t).map(Some),
        other => read_time_cell(other).map(|t| {
            t.map(|time| TimeValue {
                time,
                approximate: false,
            })
        }),
    }
}

/// An OpenDocument date cell (`2022-01-27`, `2022-01-27T14:30:00`) as the
/// agency saw it in the spreadsheet: `27/01/2022`, `27/01/2022 14:30`.
/// Anything else is returned as it is.
///
/// ```
/// use chronomerge::model::render_iso;
/// assert_eq!(render_iso("2022-01-27"), "27/01/2022");
/// assert_eq!(render_iso("2022-01-27T14:30:00"), "27/01/2022 14:30");
/// assert_eq!(render_iso("not a date"), "not a date");
/// ```
pub fn render_iso(s: &str) -> String {
    use chrono::{NaiveDate, NaiveDateTime, Timelike};
    let t = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
        if dt.time().num_seconds_from_midnight() == 0 {
            return dt.format(super::display::DAY).to_string();
        }
        return dt.format(super::display::DAY_TIME).to_string();
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => d.format(super::display::DAY).to_string(),
        Err(_) => s.to_string(),
    }
}
