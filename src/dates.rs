//! Reading the dates and times agencies write, the way a UK reader would.
//!
//! Day first, always. The entry points are [`read_date_cell`] and
//! [`read_time_cell`] (for a [`Cell`] of any kind) and [`parse_date`] /
//! [`parse_time`] for text.
//!
//! Text is split by a byte-level tokenizer into at most 24 tokens held on
//! the stack (numbers with their digit count, month and weekday names,
//! separators, and the few words dates use: `to`, `of`, `c.`, `am`…), and
//! a small hand-written grammar reads the tokens. Nothing is allocated
//! unless there is a problem or a warning to report. The rule throughout:
//! read what is plain, refuse what could mean two things (`March 19`,
//! `03/19`, `5/3` with no year) and never guess. Whether a date is in the
//! future or outside the review period is the caller's business.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

use crate::model::Cell;

pub mod display;

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
    /// The event's time was marked uncertain (`?14:00`, `approx 14:00` in
    /// the Time cell): it is kept, sorts as written, and is shown as
    /// approximate. Set by the caller that reads the Time cell
    /// ([`read_time_value`]); the date parser leaves it `false`.
    pub time_approximate: bool,
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
            time_approximate: false,
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
    /// (`partial (month)`, `approximate`, `ends 10/05/2019`,
    /// `time approximate`), joined by `; `.
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
        if self.time_approximate {
            parts.push("time approximate".into());
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
    d.format(display::chrono_format(p)).to_string()
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

// ---------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------

/// The first serial read from a plain number (`Cell::Number`) in a Date
/// cell: whole numbers 1900–2100 are years, and anything smaller is not a
/// realistic date (it is far likelier a day, a sequence or a typing slip).
const NUMBER_SERIAL_MIN: f64 = 2101.0;
/// The last serial read from a plain number: 31/12/2100 (end of its day).
const NUMBER_SERIAL_MAX: f64 = 73416.0;
/// The last serial of the 1900 system: 31/12/9999.
const SERIAL_MAX_DAY: i64 = 2_958_465;

/// Reads a Date cell of any kind.
///
/// Date cells and serials must be 1900-system serials (ingest adds
/// [`EPOCH_1904_OFFSET`] for 1904 workbooks). A plain number is read as a
/// year when it is a whole number 1900–2100, as `yyyymmdd` when it is a
/// whole number 19000101–21001231 (`20160522`, typed into a cell the
/// spreadsheet took as a number), as a serial (with
/// [`DateWarning::SerialNumber`]) when it falls 1905–2100, and is
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
        Cell::Number(n) => {
            let n = *n;
            let shown = || crate::model::fmt_number(n);
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

/// The smallest and largest `yyyymmdd` read from a plain number or an
/// eight-digit text: years 1900–2100, like the years read alone.
const YYYYMMDD_MIN: f64 = 19_000_101.0;
const YYYYMMDD_MAX: f64 = 21_001_231.0;

/// A plain number (or a Date cell's text that is only a number, `43529`)
/// read as an Excel serial, with [`DateWarning::SerialNumber`].
fn serial_number_date(n: f64, shown: impl Fn() -> String) -> Result<DateRead, DateProblem> {
    if !(NUMBER_SERIAL_MIN..NUMBER_SERIAL_MAX).contains(&n) {
        return Err(DateProblem::Unreadable(shown()));
    }
    let dt = serial_to_datetime(n).ok_or_else(|| DateProblem::Unreadable(shown()))?;
    Ok(DateRead {
        value: value_from_datetime(dt),
        warnings: vec![DateWarning::SerialNumber(shown())],
    })
}

fn value_from_datetime(dt: NaiveDateTime) -> DateValue {
    let mut v = DateValue::day(dt.date());
    if dt.time() != NaiveTime::MIN {
        v.time = Some(dt.time());
    }
    v
}

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
    let bad = || TimeProblem(crate::model::fmt_number(n));
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

// ---------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------

const MAX_TOKS: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tk {
    Num,
    Month(u8),
    Weekday(u8),
    Slash,
    Dot,
    Dash,
    Colon,
    Comma,
    Question,
    Apos,
    LParen,
    RParen,
    At,
    IsoT,
    Am,
    Pm,
    LetterA,
    LetterP,
    LetterM,
    Hrs,
    Noon,
    Midnight,
    To,
    Of,
    The,
    Approx,
    Vague,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    k: Tk,
    /// Value of a number (saturating).
    v: u32,
    /// Digits in a number.
    nd: u8,
    /// White space before the token.
    sp: bool,
    /// A number with an ordinal suffix (`5th`).
    ord: bool,
}

const BLANK: Tok = Tok {
    k: Tk::Comma,
    v: 0,
    nd: 0,
    sp: false,
    ord: false,
};

struct Toks {
    t: [Tok; MAX_TOKS],
    n: usize,
}

fn word_kind(w: &[u8]) -> Option<Tk> {
    let mut buf = [0u8; 13];
    if w.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(match &buf[..w.len()] {
        b"jan" | b"january" => Tk::Month(1),
        b"feb" | b"february" | b"febuary" => Tk::Month(2),
        b"mar" | b"march" => Tk::Month(3),
        b"apr" | b"april" => Tk::Month(4),
        b"may" => Tk::Month(5),
        b"jun" | b"june" => Tk::Month(6),
        b"jul" | b"july" => Tk::Month(7),
        b"aug" | b"august" => Tk::Month(8),
        b"sep" | b"sept" | b"september" => Tk::Month(9),
        b"oct" | b"october" => Tk::Month(10),
        b"nov" | b"november" => Tk::Month(11),
        b"dec" | b"december" => Tk::Month(12),
        b"mon" | b"monday" => Tk::Weekday(0),
        b"tue" | b"tues" | b"tuesday" => Tk::Weekday(1),
        b"wed" | b"weds" | b"wednesday" => Tk::Weekday(2),
        b"thu" | b"thur" | b"thurs" | b"thursday" => Tk::Weekday(3),
        b"fri" | b"friday" => Tk::Weekday(4),
        b"sat" | b"saturday" => Tk::Weekday(5),
        b"sun" | b"sunday" => Tk::Weekday(6),
        b"am" => Tk::Am,
        b"pm" => Tk::Pm,
        b"a" => Tk::LetterA,
        b"p" => Tk::LetterP,
        b"m" => Tk::LetterM,
        b"h" | b"hr" | b"hrs" | b"hours" => Tk::Hrs,
        b"noon" | b"midday" => Tk::Noon,
        b"midnight" => Tk::Midnight,
        b"to" | b"until" | b"till" => Tk::To,
        b"of" => Tk::Of,
        b"the" => Tk::The,
        b"at" => Tk::At,
        b"t" => Tk::IsoT,
        b"c" | b"ca" | b"circa" | b"approx" | b"approximately" | b"about" | b"around" => Tk::Approx,
        b"early" | b"mid" | b"late" => Tk::Vague,
        _ => return None,
    })
}

/// Splits text into tokens; `None` for anything no date or time contains.
fn tokenize(s: &str) -> Option<Toks> {
    let b = s.as_bytes();
    let mut out = Toks {
        t: [BLANK; MAX_TOKS],
        n: 0,
    };
    let mut i = 0;
    let mut sp = false;
    macro_rules! push {
        ($tok:expr) => {{
            if out.n == MAX_TOKS {
                return None;
            }
            out.t[out.n] = $tok;
            out.n += 1;
            sp = false;
        }};
    }
    let punct = |k: Tk, sp: bool| Tok {
        k,
        v: 0,
        nd: 0,
        sp,
        ord: false,
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'0'..=b'9' => {
                let st = i;
                let mut v: u32 = 0;
                while i < b.len() && b[i].is_ascii_digit() {
                    v = v.saturating_mul(10).saturating_add((b[i] - b'0') as u32);
                    i += 1;
                }
                let nd = (i - st).min(255) as u8;
                push!(Tok {
                    k: Tk::Num,
                    v,
                    nd,
                    sp,
                    ord: false
                });
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                let st = i;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let w = &b[st..i];
                // An ordinal suffix straight after a number: 5th, 1st.
                if !sp && out.n > 0 && out.t[out.n - 1].k == Tk::Num && !out.t[out.n - 1].ord {
                    let l = [
                        w[0].to_ascii_lowercase(),
                        w.get(1).map_or(0, |x| x.to_ascii_lowercase()),
                    ];
                    if w.len() == 2 && matches!(&l, b"st" | b"nd" | b"rd" | b"th") {
                        out.t[out.n - 1].ord = true;
                        continue;
                    }
                }
                let k = word_kind(w)?;
                push!(punct(k, sp));
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                sp = true;
                i += 1;
            }
            b'/' | b'\\' => {
                push!(punct(Tk::Slash, sp));
                i += 1;
            }
            b'.' => {
                push!(punct(Tk::Dot, sp));
                i += 1;
            }
            b'-' | b'_' => {
                push!(punct(Tk::Dash, sp));
                i += 1;
            }
            b':' => {
                push!(punct(Tk::Colon, sp));
                i += 1;
            }
            b',' => {
                push!(punct(Tk::Comma, sp));
                i += 1;
            }
            b'\'' => {
                push!(punct(Tk::Apos, sp));
                i += 1;
            }
            b'(' | b'[' => {
                push!(punct(Tk::LParen, sp));
                i += 1;
            }
            b')' | b']' => {
                push!(punct(Tk::RParen, sp));
                i += 1;
            }
            b'?' => {
                push!(punct(Tk::Question, sp));
                i += 1;
            }
            b'~' => {
                push!(punct(Tk::Approx, sp));
                i += 1;
            }
            b'@' => {
                push!(punct(Tk::At, sp));
                i += 1;
            }
            0xC2 if b.get(i + 1) == Some(&0xA0) => {
                // no-break space
                sp = true;
                i += 2;
            }
            0xE2 if b.get(i + 1) == Some(&0x80) => {
                match b.get(i + 2) {
                    // en/em/figure spaces, thin, zero-width, narrow no-break
                    Some(0x80..=0x8B) | Some(0xAF) => sp = true,
                    // hyphens and dashes
                    Some(0x90..=0x95) => push!(punct(Tk::Dash, sp)),
                    // curly apostrophes
                    Some(0x98 | 0x99) => push!(punct(Tk::Apos, sp)),
                    _ => return None,
                }
                i += 3;
            }
            0xE2 if b.get(i + 1) == Some(&0x88) && b.get(i + 2) == Some(&0x92) => {
                // minus sign
                push!(punct(Tk::Dash, sp));
                i += 3;
            }
            _ => return None,
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------
// Grammar
// ---------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fail {
    /// Not understood.
    Unreadable,
    /// Understood, but impossible.
    Invalid,
}

type Res<T> = Result<T, Fail>;

/// One side of a date: what the agency wrote (0 / `None` for absent).
#[derive(Debug, Clone, Copy, Default)]
struct Piece {
    d: Option<u32>,
    m: Option<u32>,
    y: Option<i32>,
    wd: Option<u8>,
}

struct Parser<'a> {
    t: &'a [Tok],
    i: usize,
}

fn is_date_sep(k: Tk) -> bool {
    matches!(k, Tk::Slash | Tk::Dot | Tk::Dash)
}

impl<'a> Parser<'a> {
    fn at(&self, n: usize) -> Option<&'a Tok> {
        self.t.get(self.i + n)
    }
    fn kind(&self, n: usize) -> Option<Tk> {
        self.at(n).map(|t| t.k)
    }
    fn done(&self) -> bool {
        self.i >= self.t.len()
    }
    fn eat(&mut self, k: Tk) -> bool {
        if self.kind(0) == Some(k) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// A separator inside a numeric date: `/`, `.` or `-`, allowing a
    /// stray space on one side (`22 /05/2016`). A dash with space on both
    /// sides is a range (`03/05/2019 - 10/05/2019`).
    fn date_sep_at(&self, n: usize) -> bool {
        match self.at(n) {
            Some(t) if is_date_sep(t.k) => {
                !(t.k == Tk::Dash && t.sp && self.at(n + 1).is_some_and(|x| x.sp))
            }
            _ => false,
        }
    }
    fn num_at(&self, n: usize, digits: std::ops::RangeInclusive<u8>) -> Option<&'a Tok> {
        self.at(n)
            .filter(|t| t.k == Tk::Num && digits.contains(&t.nd))
    }
    /// Whether token `n` can stand as a year: a number of 2 or 4 digits
    /// that does not continue as a day, a time or another date.
    fn year_at(&self, n: usize) -> bool {
        let Some(t) = self.at(n) else { return false };
        if t.k != Tk::Num || t.ord || !(t.nd == 2 || (t.nd == 4 && t.v >= 1000)) {
            return false;
        }
        match self.at(n + 1) {
            None => true,
            Some(x) => match x.k {
                Tk::Month(_) | Tk::Of => false,
                // A full stop may end the text: `5th March 2019.`
                Tk::Dot => x.sp || self.at(n + 2).is_none(),
                Tk::Slash | Tk::Colon => x.sp,
                Tk::Am | Tk::Pm | Tk::Hrs | Tk::LetterA | Tk::LetterP => false,
                _ => true,
            },
        }
    }
    fn year_value(&self, t: &Tok, ctx: &DateContext) -> i32 {
        if t.nd == 2 {
            ctx.expand_year(t.v)
        } else {
            t.v as i32
        }
    }

    /// One side of a date.
    fn piece(&mut self, ctx: &DateContext) -> Res<Piece> {
        let mut pc = Piece::default();
        if let Some(Tk::Weekday(w)) = self.kind(0) {
            pc.wd = Some(w);
            self.i += 1;
            if !self.eat(Tk::Comma) {
                self.eat(Tk::Dot);
            }
        }
        // `the 5th of March 2019`
        if self.eat(Tk::The) && self.num_at(0, 1..=2).is_none() {
            return Err(Fail::Unreadable);
        }
        let t = *self.at(0).ok_or(Fail::Unreadable)?;
        match t.k {
            Tk::Num if t.nd == 8 && !t.ord => {
                // yyyymmdd (20160522), as case systems export dates. A
                // day-first reading (ddmmyyyy) would need a year 1900–2100
                // in the last four digits, which the month and day here
                // can never give, so there is nothing to guess.
                let y = (t.v / 10_000) as i32;
                if !(1900..=2100).contains(&y) {
                    return Err(Fail::Unreadable);
                }
                pc.y = Some(y);
                pc.m = Some(t.v / 100 % 100);
                pc.d = Some(t.v % 100);
                self.i += 1;
                Ok(pc)
            }
            Tk::Num if t.nd == 4 && !t.ord => {
                // Year first: 2019, 2019-03, 2019-03-05.
                if t.v < 1000 {
                    return Err(Fail::Unreadable);
                }
                pc.y = Some(t.v as i32);
                self.i += 1;
                if self.date_sep_at(0) && self.num_at(1, 1..=2).is_some_and(|x| !x.ord) {
                    pc.m = Some(self.at(1).expect("checked").v);
                    self.i += 2;
                    if self.date_sep_at(0) && self.num_at(1, 1..=2).is_some() {
                        pc.d = Some(self.at(1).expect("checked").v);
                        self.i += 2;
                    } else if !pc.m.is_some_and(|m| (1..=12).contains(&m)) {
                        // 2019-20 is a span of years, not a month.
                        return Err(Fail::Unreadable);
                    }
                }
                Ok(pc)
            }
            Tk::Num if (1..=2).contains(&t.nd) => {
                self.i += 1;
                // `3-10 May 2019`: a day whose month and year come after.
                if matches!(self.kind(0), Some(Tk::Dash | Tk::To))
                    && self.num_at(1, 1..=2).is_some()
                    && matches!(self.kind(2), Some(Tk::Month(_) | Tk::Of))
                {
                    pc.d = Some(t.v);
                    return Ok(pc);
                }
                // Day then month name: 5 March 2019, 05-Mar-19, 5th of May.
                let save = self.i;
                if self.date_sep_at(0) || self.kind(0) == Some(Tk::Of) {
                    self.i += 1;
                }
                if let Some(Tk::Month(m)) = self.kind(0) {
                    pc.d = Some(t.v);
                    pc.m = Some(m as u32);
                    self.i += 1;
                    self.eat(Tk::Dot);
                    self.year_after_month(&mut pc, ctx, false);
                    return Ok(pc);
                }
                self.i = save;
                if t.ord {
                    // `5th` alone: only as the start of a range.
                    pc.d = Some(t.v);
                    return Ok(pc);
                }
                // Numeric, day first.
                if self.date_sep_at(0) {
                    if let Some(n2) = self.num_at(1, 1..=2).filter(|x| !x.ord) {
                        self.i += 2;
                        pc.d = Some(t.v);
                        pc.m = Some(n2.v);
                        if self.date_sep_at(0) && self.year_at(1) {
                            pc.y = Some(self.year_value(self.at(1).expect("checked"), ctx));
                            self.i += 2;
                        }
                        return Ok(pc);
                    }
                    if let Some(n2) = self.num_at(1, 4..=4).filter(|x| !x.ord && x.v >= 1000) {
                        // 03/2019
                        self.i += 2;
                        pc.m = Some(t.v);
                        pc.y = Some(n2.v as i32);
                        return Ok(pc);
                    }
                    return Err(Fail::Unreadable);
                }
                pc.d = Some(t.v);
                Ok(pc)
            }
            Tk::Month(m) => {
                self.i += 1;
                self.eat(Tk::Dot);
                pc.m = Some(m as u32);
                // March 5, 2019 / March 5th 2019: the month name makes
                // the order plain.
                if let Some(n) = self.num_at(0, 1..=2) {
                    let mut j = 1;
                    if self.kind(j) == Some(Tk::Comma) {
                        j += 1;
                    }
                    if self.num_at(j, 4..=4).is_some() && self.year_at(j) {
                        pc.d = Some(n.v);
                        pc.y = Some(self.at(j).expect("checked").v as i32);
                        self.i += j + 1;
                        return Ok(pc);
                    }
                }
                self.year_after_month(&mut pc, ctx, true);
                Ok(pc)
            }
            _ => Err(Fail::Unreadable),
        }
    }

    /// The whole rest of the text is a number of five digits, with or
    /// without a decimal fraction (`43529`, `43529.5`): a serial.
    fn serial_text(&self) -> Option<f64> {
        let rest = &self.t[self.i..];
        let whole = |t: &Tok| t.k == Tk::Num && t.nd == 5 && !t.ord;
        match rest {
            [n] if whole(n) => Some(n.v as f64),
            [n, dot, f]
                if whole(n)
                    && dot.k == Tk::Dot
                    && !dot.sp
                    && f.k == Tk::Num
                    && !f.sp
                    && !f.ord
                    && f.nd <= 9 =>
            {
                Some(n.v as f64 + f.v as f64 / 10f64.powi(f.nd as i32))
            }
            _ => None,
        }
    }

    /// The year after a month name, if there is one.
    fn year_after_month(&mut self, pc: &mut Piece, ctx: &DateContext, month_first: bool) {
        let save = self.i;
        let mut dash = false;
        if self.date_sep_at(0) || self.kind(0) == Some(Tk::Comma) {
            dash = self.kind(0) == Some(Tk::Dash) && !self.at(0).expect("checked").sp;
            self.i += 1;
        }
        if self.kind(0) == Some(Tk::Apos) && self.num_at(1, 2..=2).is_some() && self.year_at(1) {
            // March '19
            let t = *self.at(1).expect("checked");
            pc.y = Some(self.year_value(&t, ctx));
            self.i += 2;
            return;
        }
        if self.year_at(0) {
            let t = *self.at(0).expect("checked");
            // `Mar-19` is how a spreadsheet shows March 2019; `March 19`
            // could as well be the 19th, so it is not read.
            if t.nd == 4 || !month_first || (dash && !t.sp) {
                pc.y = Some(self.year_value(&t, ctx));
                self.i += 1;
                return;
            }
        }
        self.i = save;
    }

    /// Leading `?`, `c.`, `circa`, `approx`… and `early`/`mid`/`late`.
    /// Returns (approximate, vague).
    fn hedges(&mut self) -> (bool, bool) {
        let (mut approx, mut vague) = (false, false);
        loop {
            match self.kind(0) {
                Some(Tk::Question) => {
                    self.i += 1;
                    approx = true;
                }
                Some(Tk::Approx) => {
                    self.i += 1;
                    self.eat(Tk::Dot);
                    approx = true;
                }
                Some(Tk::Vague) => {
                    self.i += 1;
                    self.eat(Tk::Dash);
                    approx = true;
                    vague = true;
                }
                _ => return (approx, vague),
            }
        }
    }

    /// A time of day from here on.
    fn time(&mut self) -> Res<NaiveTime> {
        let t = *self.at(0).ok_or(Fail::Unreadable)?;
        let mut h;
        let (mut m, mut s) = (0u32, 0u32);
        let mut minutes = false;
        match t.k {
            Tk::Noon => {
                self.i += 1;
                return Ok(NaiveTime::from_hms_opt(12, 0, 0).expect("valid"));
            }
            Tk::Midnight => {
                self.i += 1;
                return Ok(NaiveTime::MIN);
            }
            Tk::Num if t.ord => return Err(Fail::Unreadable),
            Tk::Num if (1..=2).contains(&t.nd) => {
                h = t.v;
                self.i += 1;
                if matches!(self.kind(0), Some(Tk::Colon | Tk::Dot))
                    && self.num_at(1, 2..=2).is_some_and(|x| !x.ord)
                {
                    m = self.at(1).expect("checked").v;
                    minutes = true;
                    self.i += 2;
                    if self.kind(0) == Some(Tk::Colon) && self.num_at(1, 2..=2).is_some() {
                        s = self.at(1).expect("checked").v;
                        self.i += 2;
                        if self.kind(0) == Some(Tk::Dot) && self.num_at(1, 1..=9).is_some() {
                            self.i += 2; // fraction of a second
                        }
                    }
                } else if self.kind(0) == Some(Tk::Hrs)
                    && self.at(0).is_some_and(|x| !x.sp)
                    && self.num_at(1, 2..=2).is_some_and(|x| !x.sp && !x.ord)
                {
                    // 14h30, as a French or Belgian writer puts it.
                    m = self.at(1).expect("checked").v;
                    minutes = true;
                    self.i += 2;
                }
            }
            Tk::Num if (3..=4).contains(&t.nd) => {
                h = t.v / 100;
                m = t.v % 100;
                minutes = true;
                self.i += 1;
            }
            _ => return Err(Fail::Unreadable),
        }
        // am / pm / a.m. / p.m.
        let mut pm: Option<bool> = None;
        match self.kind(0) {
            Some(Tk::Am) => pm = Some(false),
            Some(Tk::Pm) => pm = Some(true),
            Some(k @ (Tk::LetterA | Tk::LetterP))
                if self.kind(1) == Some(Tk::Dot) && self.kind(2) == Some(Tk::LetterM) =>
            {
                pm = Some(k == Tk::LetterP);
                self.i += 2;
                if self.kind(1) == Some(Tk::Dot) {
                    self.i += 1;
                }
            }
            _ => {}
        }
        if pm.is_some() {
            self.i += 1;
        }
        let mut hrs = false;
        if pm.is_none() && self.eat(Tk::Hrs) {
            hrs = true;
            self.eat(Tk::Dot);
        }
        if pm.is_none() && !hrs {
            match self.kind(0) {
                Some(Tk::Noon) => {
                    self.i += 1;
                    return if h == 12 && m == 0 && s == 0 {
                        Ok(NaiveTime::from_hms_opt(12, 0, 0).expect("valid"))
                    } else {
                        Err(Fail::Invalid)
                    };
                }
                Some(Tk::Midnight) => {
                    self.i += 1;
                    return if (h == 12 || h == 0) && m == 0 && s == 0 {
                        Ok(NaiveTime::MIN)
                    } else {
                        Err(Fail::Invalid)
                    };
                }
                _ => {}
            }
        }
        if !minutes && pm.is_none() && !hrs {
            return Err(Fail::Unreadable);
        }
        if let Some(pm) = pm {
            if !(1..=12).contains(&h) {
                return Err(Fail::Invalid);
            }
            h = h % 12 + if pm { 12 } else { 0 };
        }
        NaiveTime::from_hms_opt(h, m, s).ok_or(Fail::Invalid)
    }
}

/// A piece's start date and precision, taking what it lacks from `from`
/// (the end of a range: `3-10 May 2019`).
fn resolve(mut p: Piece, from: Option<&Piece>) -> Res<(NaiveDate, Precision)> {
    if let Some(e) = from {
        if p.y.is_none() {
            if e.m.is_none() {
                return Err(Fail::Unreadable);
            }
            p.y = e.y;
            if p.d.is_some() && p.m.is_none() {
                if e.d.is_none() {
                    return Err(Fail::Unreadable);
                }
                p.m = e.m;
            }
        }
    }
    let y = p.y.ok_or(Fail::Unreadable)?;
    let (date, prec) = if let Some(d) = p.d {
        let Some(m) = p.m else {
            return Err(Fail::Unreadable);
        };
        (NaiveDate::from_ymd_opt(y, m, d), Precision::Day)
    } else if let Some(m) = p.m {
        (NaiveDate::from_ymd_opt(y, m, 1), Precision::Month)
    } else {
        (NaiveDate::from_ymd_opt(y, 1, 1), Precision::Year)
    };
    let date = date.ok_or(Fail::Invalid)?;
    if p.wd.is_some() && prec != Precision::Day {
        return Err(Fail::Unreadable);
    }
    Ok((date, prec))
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn check_weekday(p: &Piece, date: NaiveDate, warnings: &mut Vec<DateWarning>) {
    if let Some(w) = p.wd {
        let actual = date.weekday().num_days_from_monday() as usize;
        if actual != w as usize {
            warnings.push(DateWarning::WeekdayMismatch {
                written: WEEKDAYS[w as usize].to_string(),
                actual: WEEKDAYS[actual].to_string(),
            });
        }
    }
}

fn parse_date_inner(t: &str, ctx: &DateContext) -> Res<DateRead> {
    let toks = tokenize(t).ok_or(Fail::Unreadable)?;
    let mut p = Parser {
        t: &toks.t[..toks.n],
        i: 0,
    };
    // A leading apostrophe is a spreadsheet's mark for text.
    p.eat(Tk::Apos);
    if let Some(n) = p.serial_text() {
        // `43529`: a serial number stored as text (a CSV export, a column
        // formatted as text), read as the number would be.
        return serial_number_date(n, || t.to_string()).map_err(|_| Fail::Unreadable);
    }
    let (mut approx, vague) = p.hedges();
    let mut first = p.piece(ctx)?;
    let mut second = None;
    let mut vague2 = false;
    if matches!(p.kind(0), Some(Tk::Dash | Tk::To)) {
        p.i += 1;
        let (a2, v2) = p.hedges();
        approx |= a2;
        vague2 = v2;
        second = Some(p.piece(ctx)?);
    }
    let mut time = None;
    if second.is_none() && !p.done() {
        let sep = matches!(p.kind(0), Some(Tk::Comma | Tk::At | Tk::IsoT));
        let j = usize::from(sep);
        if matches!(p.kind(j), Some(Tk::Num | Tk::Noon | Tk::Midnight)) {
            p.i += j;
            time = Some(p.time()?);
        }
    }
    // Trailing: `?`, `approx`, `(approx)`, `(?)`, `, Tuesday`, `(Tue)`.
    loop {
        let paren = p.kind(0) == Some(Tk::LParen);
        let j = usize::from(paren || p.kind(0) == Some(Tk::Comma));
        let mut k = j;
        match p.kind(k) {
            Some(Tk::Question) => {
                approx = true;
                k += 1;
            }
            Some(Tk::Approx) => {
                approx = true;
                k += 1;
                if p.kind(k) == Some(Tk::Dot) {
                    k += 1;
                }
            }
            Some(Tk::Weekday(w)) if second.is_none() && first.wd.is_none() => {
                first.wd = Some(w);
                k += 1;
                if p.kind(k) == Some(Tk::Dot) {
                    k += 1;
                }
            }
            _ => break,
        }
        if paren {
            if p.kind(k) != Some(Tk::RParen) {
                return Err(Fail::Unreadable);
            }
            k += 1;
        }
        p.i += k;
    }
    if p.kind(0) == Some(Tk::Dot) && p.at(1).is_none() {
        p.i += 1;
    }
    if !p.done() {
        return Err(Fail::Unreadable);
    }
    if let Some(e) = &second {
        if e.y.is_none() {
            return Err(Fail::Unreadable);
        }
    }
    let (start, precision) = resolve(first, second.as_ref())?;
    let mut warnings = Vec::new();
    check_weekday(&first, start, &mut warnings);
    let mut value = DateValue {
        start,
        precision,
        approximate: approx,
        end: None,
        end_precision: precision,
        time: None,
        time_approximate: false,
    };
    if let Some(e) = &second {
        let (end, end_precision) = resolve(*e, None)?;
        check_weekday(e, end, &mut warnings);
        if period_end(end, end_precision) < start || (vague2 && end_precision == Precision::Day) {
            // An end wholly before the start; `late 5 May` is no period.
            return Err(if vague2 {
                Fail::Unreadable
            } else {
                Fail::Invalid
            });
        }
        if end != start || end_precision != precision {
            value.end = Some(end);
            value.end_precision = end_precision;
        }
    }
    if vague && precision == Precision::Day {
        // `early 5 March 2019` says nothing plain.
        return Err(Fail::Unreadable);
    }
    if let Some(tm) = time {
        if precision != Precision::Day {
            return Err(Fail::Unreadable);
        }
        value.time = Some(tm);
    }
    Ok(DateRead { value, warnings })
}

/// Reads a date written as text, day first.
///
/// Reads numeric dates (`05/03/2019`, `5.3.19`, `2019-03-05`, `20190305`,
/// and a serial stored as text, `43529`, with
/// [`DateWarning::SerialNumber`]), dates with
/// month names (`5th Mar 2019`, `Tuesday 5 March 2019`, `05-Mar-19`),
/// partial dates (`March 2019`, `03/2019`, `2019`), uncertain dates
/// (`?22 May 2016`, `c. 2019`, `late May 2019`), ranges
/// (`3-10 May 2019`, `03/05/2019 - 10/05/2019`) and a date with a time
/// (`5/3/2019 14:30`). Anything else is [`DateProblem::Unreadable`], and
/// a day that does not exist is [`DateProblem::Invalid`].
///
/// ```
/// use chronomerge::dates::{parse_date, DateContext, DateProblem, Precision};
/// use chrono::NaiveDate;
/// let ctx = DateContext::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(parse_date("5th Mar 2019", &ctx).unwrap().value.start, d(2019, 3, 5));
/// assert_eq!(parse_date("5/3/19", &ctx).unwrap().value.start, d(2019, 3, 5));
/// let r = parse_date("3-10 May 2019", &ctx).unwrap().value;
/// assert_eq!((r.start, r.end), (d(2019, 5, 3), Some(d(2019, 5, 10))));
/// let p = parse_date("?March 2019", &ctx).unwrap().value;
/// assert_eq!((p.precision, p.approximate), (Precision::Month, true));
/// assert!(matches!(parse_date("31/02/2019", &ctx), Err(DateProblem::Invalid(_))));
/// assert!(matches!(parse_date("n/a", &ctx), Err(DateProblem::Unreadable(_))));
/// ```
pub fn parse_date(text: &str, ctx: &DateContext) -> Result<DateRead, DateProblem> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}');
    if t.is_empty() {
        return Err(DateProblem::Missing);
    }
    parse_date_inner(t, ctx).map_err(|f| match f {
        Fail::Unreadable => DateProblem::Unreadable(t.to_string()),
        Fail::Invalid => DateProblem::Invalid(t.to_string()),
    })
}

/// Reads a time of day written as text: `14:30`, `14.30`, `1430`,
/// `2.30pm`, `2pm`, `2:30 PM`, `14:30:00`, `noon`, `midnight`, `14:30hrs`.
///
/// ```
/// use chronomerge::dates::parse_time;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(14, 30, 0).unwrap();
/// for s in ["14:30", "14.30", "1430", "2.30pm", "2:30 PM", "14:30hrs"] {
///     assert_eq!(parse_time(s), Ok(t));
/// }
/// assert!(parse_time("25:10").is_err());
/// assert!(parse_time("12:60").is_err());
/// ```
pub fn parse_time(text: &str) -> Result<NaiveTime, TimeProblem> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}');
    let bad = || TimeProblem(t.to_string());
    let toks = tokenize(t).ok_or_else(bad)?;
    let mut p = Parser {
        t: &toks.t[..toks.n],
        i: 0,
    };
    let tm = p.time().map_err(|_| bad())?;
    if !p.done() {
        return Err(bad());
    }
    Ok(tm)
}

/// A time of day as read from a Time cell, with whether the agency marked
/// it uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue {
    /// The time of day.
    pub time: NaiveTime,
    /// Marked uncertain: `?14:00`, `c.14:00`, `approx 14:00`, `14:00?`,
    /// `14:00 (approx)`.
    pub approximate: bool,
}

/// Reads a time of day written as text, as [`parse_time`] does, and also
/// a time marked uncertain the way a Date is (`?14:00`, `c. 14:00`,
/// `approx 14:00`, `about 2pm`, `14:00?`, `14:00 (approx)`): the time is
/// read and [`TimeValue::approximate`] says it was marked.
///
/// ```
/// use chronomerge::dates::parse_time_value;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(14, 0, 0).unwrap();
/// for s in ["?14:00", "c.14:00", "approx 14:00", "14:00?", "14:00 (approx)", "~1400"] {
///     let v = parse_time_value(s).unwrap();
///     assert_eq!((v.time, v.approximate), (t, true), "{s}");
/// }
/// assert!(!parse_time_value("14:00").unwrap().approximate);
/// assert!(parse_time_value("?").is_err());
/// assert!(parse_time_value("late 14:00").is_err());
/// ```
pub fn parse_time_value(text: &str) -> Result<TimeValue, TimeProblem> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}');
    let bad = || TimeProblem(t.to_string());
    let toks = tokenize(t).ok_or_else(bad)?;
    let mut p = Parser {
        t: &toks.t[..toks.n],
        i: 0,
    };
    let mut approximate = false;
    loop {
        if p.eat(Tk::Question) {
            approximate = true;
        } else if p.eat(Tk::Approx) {
            p.eat(Tk::Dot);
            approximate = true;
        } else {
            break;
        }
    }
    let time = p.time().map_err(|_| bad())?;
    // Trailing: `?`, `approx`, `(approx)`, `(?)`.
    let paren = p.eat(Tk::LParen);
    if p.eat(Tk::Question) {
        approximate = true;
    } else if p.eat(Tk::Approx) {
        p.eat(Tk::Dot);
        approximate = true;
    } else if paren {
        return Err(bad());
    }
    if paren && !p.eat(Tk::RParen) {
        return Err(bad());
    }
    if !p.done() {
        return Err(bad());
    }
    Ok(TimeValue { time, approximate })
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

// ---------------------------------------------------------------------
// Serials
// ---------------------------------------------------------------------

/// The date and time of a serial in the 1900 system, to the nearest
/// second. `None` for serials outside 1900-01-01 … 9999-12-31 and for
/// Excel's phantom 29/02/1900 (60).
///
/// ```
/// use chronomerge::dates::{serial_to_datetime, EPOCH_1904_OFFSET};
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap().and_hms_opt(14, 30, 0).unwrap();
/// assert_eq!(serial_to_datetime(43529.0 + 14.5 / 24.0), Some(d));
/// // The same moment in a 1904 workbook.
/// assert_eq!(serial_to_datetime(42067.0 + 14.5 / 24.0 + EPOCH_1904_OFFSET), Some(d));
/// assert_eq!(serial_to_datetime(60.0), None);
/// ```
pub fn serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..(SERIAL_MAX_DAY + 1) as f64).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    let mut days_i = days as i64;
    let mut secs = ((serial - days) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        secs -= 86_400;
        days_i += 1;
    }
    if days_i == 60 || days_i > SERIAL_MAX_DAY {
        return None;
    }
    // Serials below 60 are one day later than the arithmetic says (the
    // phantom leap day sits between them and the rest).
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days_i = if days_i < 60 { days_i + 1 } else { days_i };
    let date = base.checked_add_signed(Duration::days(days_i))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0)?;
    Some(date.and_time(time))
}

/// The 1900-system serial of a date and time.
///
/// ```
/// use chronomerge::dates::datetime_to_serial;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2019, 3, 5).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// assert_eq!(datetime_to_serial(d), 43529.5);
/// ```
pub fn datetime_to_serial(dt: NaiveDateTime) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
    let mut days = (dt.date() - base).num_days() as f64;
    if days < 61.0 {
        days -= 1.0;
    }
    let t = dt.time();
    days + (t.num_seconds_from_midnight() as f64 + t.nanosecond() as f64 / 1e9) / 86_400.0
}

/// A serial rendered as a UK reader writes it: `05/03/2019`,
/// `05/03/2019 14:30`, or `14:30` for a time alone. Serial 60 is
/// Excel's phantom `29/02/1900`.
pub fn render_serial(serial: f64) -> String {
    if (0.0..1.0).contains(&serial) {
        let secs = ((serial * 86_400.0).round() as u32).min(86_399);
        return format!("{:02}:{:02}", secs / 3600, secs / 60 % 60);
    }
    if serial.floor() == 60.0 {
        return "29/02/1900".into();
    }
    match serial_to_datetime(serial) {
        Some(dt) if dt.time() == NaiveTime::MIN => dt.format(display::DAY).to_string(),
        Some(dt) => dt.format(display::DAY_TIME).to_string(),
        None => crate::model::fmt_number(serial),
    }
}
