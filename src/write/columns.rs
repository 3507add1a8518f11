//! The `Chronology` sheet's columns: each [`ChronologyColumn`] with its
//! heading, width and place, and [`Cols`], where each goes on a sheet
//! (the `Age at event` column is there only when the review gives dates of
//! birth). The CSV export takes its columns from here too.

/// A column of the merged chronology, in the `Chronology` sheet's order.
///
/// ```
/// use chronomerge::write::ChronologyColumn as C;
/// assert_eq!(C::Details.heading(), "Details of event");
/// // With dates of birth the sheet has an `Age at event` column after
/// // `Time`, and every column from `Interval` on moves one to the right.
/// assert_eq!(C::Details.position(true), Some(11));
/// assert_eq!(C::Details.position(false), Some(10));
/// assert_eq!(C::AgeAtEvent.position(false), None);
/// assert_eq!(C::SHARED.map(C::heading), chronomerge::write::CHRONOLOGY_HEADINGS);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChronologyColumn {
    /// `#`: the event's number in merged order, from 1.
    Number,
    /// `Ref`: the event's stable reference (`POL-0042`, see
    /// [`crate::refs`]).
    Ref,
    /// `Date`: the day it sorts by, shown at the precision the agency gave.
    Date,
    /// `Time`: the time of day, if given.
    Time,
    /// `Age at event`: the child's age (only when the review gives dates of
    /// birth).
    AgeAtEvent,
    /// `Interval`: days since the previous event with a full date (sheet
    /// only).
    Interval,
    /// `Agency`.
    Agency,
    /// `Source of information`.
    Source,
    /// `Practitioner role`.
    Role,
    /// `Child or family member`.
    Subject,
    /// `Event type`.
    EventType,
    /// `Details of event`.
    Details,
    /// `Action / outcome`.
    Action,
    /// `Analysis / comment`.
    Analysis,
    /// `Reviewer notes`: the reviewer's own, empty from the engine and
    /// carried over to the same event on every re-merge (sheet only).
    ReviewerNotes,
    /// `Reviewer KPE`: the reviewer's own key practice episode for the
    /// event, carried over like the notes (sheet only).
    ReviewerKpe,
    /// `Key line of enquiry`: the line of the Terms of Reference the
    /// agency gave the event (only when the review has key lines of
    /// enquiry or an event carries one).
    KeyLine,
    /// `Date as written`: the Date cell as the agency wrote it.
    DateWritten,
    /// `Date note`: how the date was read, and other notes on the row.
    DateNote,
    /// `Key practice episode`: the candidate episode the event is in.
    Episode,
    /// `Also reported by`: agencies whose events report the same thing.
    AlsoReportedBy,
    /// `Origin`: file, sheet and row the event came from.
    Origin,
}

impl ChronologyColumn {
    /// Every column, in the sheet's order.
    pub const ALL: [ChronologyColumn; 22] = [
        Self::Number,
        Self::Ref,
        Self::Date,
        Self::Time,
        Self::AgeAtEvent,
        Self::Interval,
        Self::Agency,
        Self::Source,
        Self::Role,
        Self::Subject,
        Self::EventType,
        Self::Details,
        Self::Action,
        Self::Analysis,
        Self::ReviewerNotes,
        Self::ReviewerKpe,
        Self::KeyLine,
        Self::DateWritten,
        Self::DateNote,
        Self::Episode,
        Self::AlsoReportedBy,
        Self::Origin,
    ];

    /// The columns that `OUTPUT.md` and the CSV export share with the sheet,
    /// in order: all but [`AgeAtEvent`](Self::AgeAtEvent),
    /// [`Interval`](Self::Interval), the reviewer's own columns
    /// ([`ReviewerNotes`](Self::ReviewerNotes),
    /// [`ReviewerKpe`](Self::ReviewerKpe)), which live in the workbook, and
    /// [`KeyLine`](Self::KeyLine) (which the CSV has after `Analysis /
    /// comment` when the sheet has it).
    pub const SHARED: [ChronologyColumn; 17] = {
        let mut out = [Self::Number; 17];
        let (mut i, mut n) = (0, 0);
        while i < Self::ALL.len() {
            if Self::ALL[i].shared() {
                out[n] = Self::ALL[i];
                n += 1;
            }
            i += 1;
        }
        assert!(n == out.len(), "SHARED holds every shared column");
        out
    };

    /// Whether the column is one of [`SHARED`](Self::SHARED).
    const fn shared(self) -> bool {
        !matches!(
            self,
            Self::AgeAtEvent
                | Self::Interval
                | Self::ReviewerNotes
                | Self::ReviewerKpe
                | Self::KeyLine
        )
    }

    /// The column's heading.
    pub const fn heading(self) -> &'static str {
        match self {
            Self::Number => "#",
            Self::Ref => "Ref",
            Self::Date => "Date",
            Self::Time => "Time",
            Self::AgeAtEvent => "Age at event",
            Self::Interval => "Interval",
            Self::Agency => "Agency",
            Self::Source => "Source of information",
            Self::Role => "Practitioner role",
            Self::Subject => "Child or family member",
            Self::EventType => "Event type",
            Self::Details => "Details of event",
            Self::Action => "Action / outcome",
            Self::Analysis => "Analysis / comment",
            Self::ReviewerNotes => "Reviewer notes",
            Self::ReviewerKpe => "Reviewer KPE",
            Self::KeyLine => crate::key_lines::HEADING,
            Self::DateWritten => "Date as written",
            Self::DateNote => "Date note",
            Self::Episode => "Key practice episode",
            Self::AlsoReportedBy => "Also reported by",
            Self::Origin => "Origin",
        }
    }

    /// The column's width on the sheet (Excel's unit: one `0` of the
    /// default font), set for reading and for printing: `Details of event`
    /// gets the room, the other text columns wrap in a narrower one, codes
    /// and numbers are narrow. The printed columns (all but the
    /// [`collapsed`](Self::collapsed) ones) of today's sheet, with the
    /// reviewer's two columns, add up to 165 (172 with `Age at event`): one
    /// A4 landscape page wide at about 78% (75% with the age; text at 8.25
    /// pt or more, `page.rs`); with `Key line of enquiry` too the sheet
    /// prints at 75% with its last columns on a page to the right. The collapsed ones are wide enough
    /// that their text seldom makes a row taller than its printed cells
    /// need.
    pub const fn width(self) -> f64 {
        match self {
            Self::Number => 5.0,
            Self::Ref => 8.5,
            Self::Date => 10.0,
            Self::Time => 5.0,
            Self::AgeAtEvent => 7.0,
            Self::Interval => 9.0,
            Self::Agency => 10.5,
            Self::Source => 9.5,
            Self::Role => 10.5,
            Self::Subject => 8.0,
            Self::EventType => 10.0,
            Self::Details => 37.0,
            Self::Action => 15.0,
            Self::Analysis => 15.0,
            Self::ReviewerNotes => 12.0,
            Self::ReviewerKpe => 6.5,
            Self::KeyLine => 14.0,
            Self::DateWritten => 14.0,
            Self::DateNote => 28.0,
            Self::Episode => 7.5,
            Self::AlsoReportedBy => 24.0,
            Self::Origin => 36.0,
        }
    }

    /// Whether the column is a technical one, grouped and collapsed on the
    /// sheet: hidden, so that it neither prints nor crowds the screen, and
    /// opened with one click on the `+` above the columns. `#` (the
    /// position in this merge's order: the stable `Ref` beside it names the
    /// event), `Interval`, `Date as written`, `Date note`, `Also reported
    /// by` and `Origin`.
    ///
    /// ```
    /// use chronomerge::write::ChronologyColumn as C;
    /// assert!(C::Origin.collapsed() && C::Interval.collapsed() && C::Number.collapsed());
    /// assert!(!C::Ref.collapsed() && !C::Details.collapsed());
    /// ```
    pub const fn collapsed(self) -> bool {
        matches!(
            self,
            Self::Number
                | Self::Interval
                | Self::DateWritten
                | Self::DateNote
                | Self::AlsoReportedBy
                | Self::Origin
        )
    }

    /// The column's 0-based position on a sheet without the `Key line of
    /// enquiry` column (the review has no key lines of enquiry), with or
    /// without the `Age at event` column; `None` for a column left out.
    /// [`position_in`](Self::position_in) is the general case.
    pub const fn position(self, with_age: bool) -> Option<u16> {
        self.position_in(with_age, false)
    }

    /// The column's 0-based position on the sheet, with or without the
    /// `Age at event` and the `Key line of enquiry` columns; `None` for a
    /// column left out.
    ///
    /// ```
    /// use chronomerge::write::ChronologyColumn as C;
    /// assert_eq!(C::KeyLine.position_in(false, true), Some(15));
    /// assert_eq!(C::KeyLine.position_in(false, false), None);
    /// assert_eq!(C::Origin.position_in(true, true), Some(21));
    /// ```
    pub const fn position_in(self, with_age: bool, with_key_line: bool) -> Option<u16> {
        let i = self as u16;
        let (age, key) = (Self::AgeAtEvent as u16, Self::KeyLine as u16);
        if (i == age && !with_age) || (i == key && !with_key_line) {
            return None;
        }
        let mut p = i;
        if !with_age && i > age {
            p -= 1;
        }
        if !with_key_line && i > key {
            p -= 1;
        }
        Some(p)
    }
}

/// The headings of the columns the `Chronology` sheet shares with
/// `OUTPUT.md` and the CSV export ([`ChronologyColumn::SHARED`]), in order.
/// The sheet adds [`INTERVAL`] and, when the review gives dates of birth,
/// [`AGE_AT_EVENT`] after `Time`.
pub const CHRONOLOGY_HEADINGS: [&str; 17] = {
    let mut h = [""; 17];
    let mut i = 0;
    while i < h.len() {
        h[i] = ChronologyColumn::SHARED[i].heading();
        i += 1;
    }
    h
};

/// Heading of the column giving the child's age at each event.
pub const AGE_AT_EVENT: &str = ChronologyColumn::AgeAtEvent.heading();
/// Heading of the column giving the days since the previous dated event.
pub const INTERVAL: &str = ChronologyColumn::Interval.heading();

/// The columns of a `Chronology` sheet as written: all of
/// [`ChronologyColumn::ALL`], less `Age at event` when the review gives no
/// dates of birth and less `Key line of enquiry` when the review has no key
/// lines of enquiry and no event carries one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cols {
    with_age: bool,
    with_key_line: bool,
}

impl Cols {
    /// The sheet's columns, with the age column or without it, and with
    /// the key line column or without it.
    pub(super) fn new(with_age: bool, with_key_line: bool) -> Cols {
        Cols {
            with_age,
            with_key_line,
        }
    }

    fn position(self, c: ChronologyColumn) -> Option<u16> {
        c.position_in(self.with_age, self.with_key_line)
    }

    /// The columns on the sheet, left to right.
    pub(super) fn columns(self) -> impl Iterator<Item = ChronologyColumn> {
        ChronologyColumn::ALL
            .into_iter()
            .filter(move |&c| self.position(c).is_some())
    }

    /// The `Age at event` column, when there is one.
    pub(super) fn age(self) -> Option<u16> {
        self.position(ChronologyColumn::AgeAtEvent)
    }

    /// The `Key line of enquiry` column, when there is one.
    pub(super) fn key_line(self) -> Option<u16> {
        self.position(ChronologyColumn::KeyLine)
    }

    /// The column of `c`, which is on the sheet (every column but `Age at
    /// event` and `Key line of enquiry`, which [`Cols::age`] and
    /// [`Cols::key_line`] give).
    pub(super) fn at(self, c: ChronologyColumn) -> u16 {
        debug_assert!(self.position(c).is_some(), "{c:?}");
        match self.position(c) {
            Some(p) => p,
            None => c as u16,
        }
    }

    /// The last column.
    pub(super) fn last(self) -> u16 {
        self.at(ChronologyColumn::Origin)
    }

    /// The runs of neighbouring [collapsed](ChronologyColumn::collapsed)
    /// columns, as (first, last) sheet columns, left to right: each is
    /// grouped and collapsed on its own.
    pub(super) fn collapsed_runs(self) -> Vec<(u16, u16)> {
        let mut runs: Vec<(u16, u16)> = Vec::new();
        for c in self.columns().filter(|c| c.collapsed()) {
            let at = self.at(c);
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == at => *last = at,
                _ => runs.push((at, at)),
            }
        }
        runs
    }

    /// The widths of the columns that print (all but the collapsed ones).
    pub(super) fn printed_widths(self) -> impl Iterator<Item = f64> {
        self.columns()
            .filter(|c| !c.collapsed())
            .map(ChronologyColumn::width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_run_left_to_right_with_and_without_the_age() {
        for with_age in [true, false] {
            for with_key_line in [true, false] {
                let cols = Cols::new(with_age, with_key_line);
                let at: Vec<u16> = cols.columns().map(|c| cols.at(c)).collect();
                assert_eq!(at, (0..at.len() as u16).collect::<Vec<_>>());
                assert_eq!(at.len(), 20 + with_age as usize + with_key_line as usize);
                assert_eq!(cols.last() as usize, at.len() - 1);
                assert_eq!(cols.key_line().is_some(), with_key_line);
            }
        }
        assert_eq!(Cols::new(true, false).age(), Some(4));
        assert_eq!(Cols::new(false, false).age(), None);
        assert_eq!(Cols::new(false, false).at(ChronologyColumn::Interval), 4);
        assert_eq!(Cols::new(false, true).key_line(), Some(15));
    }

    #[test]
    fn the_technical_columns_collapse_in_runs() {
        // `#` alone; Interval alone; Date as written and Date note; Also
        // reported by and Origin (Key practice episode between them stays
        // open).
        assert_eq!(
            Cols::new(false, false).collapsed_runs(),
            [(0, 0), (4, 4), (15, 16), (18, 19)]
        );
        assert_eq!(
            Cols::new(true, false).collapsed_runs(),
            [(0, 0), (5, 5), (16, 17), (19, 20)]
        );
        assert_eq!(
            Cols::new(true, true).collapsed_runs(),
            [(0, 0), (5, 5), (17, 18), (20, 21)]
        );
        let printed: f64 = Cols::new(false, false).printed_widths().sum();
        assert!(printed <= 165.0, "{printed}");
        let printed: f64 = Cols::new(true, false).printed_widths().sum();
        assert!(printed <= 172.0, "{printed}");
    }

    #[test]
    fn the_shared_columns_are_the_sheets_less_age_interval_and_the_reviewers() {
        use ChronologyColumn as C;
        let sheet: Vec<_> = C::ALL
            .into_iter()
            .filter(|c| {
                !matches!(
                    c,
                    C::AgeAtEvent | C::Interval | C::KeyLine | C::ReviewerNotes | C::ReviewerKpe
                )
            })
            .collect();
        assert_eq!(sheet, ChronologyColumn::SHARED);
    }
}
