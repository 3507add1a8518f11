//! The grammar: a small hand-written parser over the tokens.

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::lexer::{tokenize, Tk, Tok};
use super::serial::serial_number_date;
use super::value::period_end;
use super::{DateContext, DateRead, DateValue, DateWarning, Precision, TimeValue};

/// Why a text is not a date or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fail {
    /// Not understood.
    Unreadable,
    /// Understood, but impossible.
    Invalid,
}

/// A result of the grammar.
type Res<T> = Result<T, Fail>;

/// One side of a date: what the agency wrote (0 / `None` for absent).
#[derive(Debug, Clone, Copy, Default)]
struct Piece {
    d: Option<u32>,
    m: Option<u32>,
    y: Option<i32>,
    wd: Option<u8>,
}

/// The tokens and the position reached in them.
struct Parser<'a> {
    t: &'a [Tok],
    i: usize,
}

/// A separator inside a numeric date.
fn is_date_sep(k: Tk) -> bool {
    matches!(k, Tk::Slash | Tk::Dot | Tk::Dash)
}

impl<'a> Parser<'a> {
    fn new(t: &'a [Tok]) -> Self {
        Parser { t, i: 0 }
    }
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
            Tk::Num if t.nd == 8 && !t.ord => self.yyyymmdd(t, pc),
            Tk::Num if t.nd == 4 && !t.ord => self.year_first(t, pc),
            Tk::Num if (1..=2).contains(&t.nd) => self.day_first(t, pc, ctx),
            Tk::Month(m) => self.month_first(m, pc, ctx),
            _ => Err(Fail::Unreadable),
        }
    }

    /// `yyyymmdd` (`20160522`) at token `t`.
    fn yyyymmdd(&mut self, t: Tok, mut pc: Piece) -> Res<Piece> {
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

    /// Year first at token `t`: `2019`, `2019-03`, `2019-03-05`.
    fn year_first(&mut self, t: Tok, mut pc: Piece) -> Res<Piece> {
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

    /// A day (or a month) of one or two digits at token `t`: `5 March
    /// 2019`, `05/03/2019`, `03/2019`, `3-10 May 2019`, `5th`.
    fn day_first(&mut self, t: Tok, mut pc: Piece, ctx: &DateContext) -> Res<Piece> {
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

    /// A month name first: `March 2019`, `March 5, 2019`, `Mar-19`.
    fn month_first(&mut self, m: u8, mut pc: Piece, ctx: &DateContext) -> Res<Piece> {
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

/// Reads a date from its trimmed, non-empty text.
pub(super) fn date_text(t: &str, ctx: &DateContext) -> Res<DateRead> {
    let toks = tokenize(t).ok_or(Fail::Unreadable)?;
    let mut p = Parser::new(toks.as_slice());
    // A leading apostrophe is a spreadsheet's mark for text.
    p.eat(Tk::Apos);
    if let Some(n) = p.serial_text() {
        // `43529`: a serial number stored as text (a CSV export, a column
        // formatted as text), read as the number would be.
        return serial_number_date(n, || t.to_string()).map_err(|_| Fail::Unreadable);
    }
    p.date(ctx)?.value()
}

/// Reads a time of day from its trimmed text; `None` when it is not one.
pub(super) fn time_text(t: &str) -> Option<NaiveTime> {
    let toks = tokenize(t)?;
    let mut p = Parser::new(toks.as_slice());
    let tm = p.time().ok()?;
    p.done().then_some(tm)
}

/// Reads a time of day from its trimmed text, marked uncertain or not
/// (`?14:00`, `approx 14:00`, `14:00 (approx)`); `None` when it is not
/// one.
pub(super) fn time_value_text(t: &str) -> Option<TimeValue> {
    let toks = tokenize(t)?;
    let mut p = Parser::new(toks.as_slice());
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
    let time = p.time().ok()?;
    // Trailing: `?`, `approx`, `(approx)`, `(?)`.
    let paren = p.eat(Tk::LParen);
    if p.eat(Tk::Question) {
        approximate = true;
    } else if p.eat(Tk::Approx) {
        p.eat(Tk::Dot);
        approximate = true;
    } else if paren {
        return None;
    }
    if paren && !p.eat(Tk::RParen) {
        return None;
    }
    if !p.done() {
        return None;
    }
    Some(TimeValue { time, approximate })
}

/// What the grammar found in a date's text, before it is checked.
struct Found {
    /// The date, or the start of a range.
    first: Piece,
    /// The end of a range.
    second: Option<Piece>,
    /// Marked uncertain anywhere (`?`, `c.`, `approx`, `early`…).
    approx: bool,
    /// `early`, `mid` or `late` before the first piece.
    vague: bool,
    /// `early`, `mid` or `late` before the second piece.
    vague2: bool,
    /// A time after the date (`5/3/2019 14:30`).
    time: Option<NaiveTime>,
}

impl Parser<'_> {
    /// A date's text from here to its end: hedges, one piece or a range
    /// of two, a time, and trailing marks.
    fn date(&mut self, ctx: &DateContext) -> Res<Found> {
        let (mut approx, vague) = self.hedges();
        let mut first = self.piece(ctx)?;
        let mut second = None;
        let mut vague2 = false;
        if matches!(self.kind(0), Some(Tk::Dash | Tk::To)) {
            self.i += 1;
            let (a2, v2) = self.hedges();
            approx |= a2;
            vague2 = v2;
            second = Some(self.piece(ctx)?);
        }
        let mut time = None;
        if second.is_none() && !self.done() {
            let sep = matches!(self.kind(0), Some(Tk::Comma | Tk::At | Tk::IsoT));
            let j = usize::from(sep);
            if matches!(self.kind(j), Some(Tk::Num | Tk::Noon | Tk::Midnight)) {
                self.i += j;
                time = Some(self.time()?);
            }
        }
        approx |= self.trailing(&mut first, second.is_none())?;
        if self.kind(0) == Some(Tk::Dot) && self.at(1).is_none() {
            self.i += 1;
        }
        if !self.done() {
            return Err(Fail::Unreadable);
        }
        Ok(Found {
            first,
            second,
            approx,
            vague,
            vague2,
            time,
        })
    }

    /// Trailing marks: `?`, `approx`, `(approx)`, `(?)`, and a weekday
    /// (`, Tuesday`, `(Tue)`) when `first` is a single date without one.
    /// Gives whether the date was marked uncertain.
    fn trailing(&mut self, first: &mut Piece, single: bool) -> Res<bool> {
        let mut approx = false;
        loop {
            let paren = self.kind(0) == Some(Tk::LParen);
            let j = usize::from(paren || self.kind(0) == Some(Tk::Comma));
            let mut k = j;
            match self.kind(k) {
                Some(Tk::Question) => {
                    approx = true;
                    k += 1;
                }
                Some(Tk::Approx) => {
                    approx = true;
                    k += 1;
                    if self.kind(k) == Some(Tk::Dot) {
                        k += 1;
                    }
                }
                Some(Tk::Weekday(w)) if single && first.wd.is_none() => {
                    first.wd = Some(w);
                    k += 1;
                    if self.kind(k) == Some(Tk::Dot) {
                        k += 1;
                    }
                }
                _ => return Ok(approx),
            }
            if paren {
                if self.kind(k) != Some(Tk::RParen) {
                    return Err(Fail::Unreadable);
                }
                k += 1;
            }
            self.i += k;
        }
    }
}

impl Found {
    /// The date the pieces give, checked: a range's end must give its
    /// year and must not end before the start, `early`/`mid`/`late` must
    /// qualify a month or a year (not a day), a time needs a whole date,
    /// and a weekday written that is not the date's is a warning.
    fn value(self) -> Res<DateRead> {
        let Found {
            first,
            second,
            approx,
            vague,
            vague2,
            time,
        } = self;
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
            if period_end(end, end_precision) < start || (vague2 && end_precision == Precision::Day)
            {
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
}
