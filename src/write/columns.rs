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
    pub const ALL: [ChronologyColumn; 21] = [
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
        Self::DateWritten,
        Self::DateNote,
        Self::Episode,
        Self::AlsoReportedBy,
        Self::Origin,
    ];

    /// The columns that `OUTPUT.md` and the CSV export share with the sheet,
    /// in order: all but [`AgeAtEvent`](Self::AgeAtEvent),
    /// [`Interval`](Self::Interval) and the reviewer's own columns
    /// ([`ReviewerNotes`](Self::ReviewerNotes),
    /// [`ReviewerKpe`](Self::ReviewerKpe)), which live in the workbook.
    pub const SHARED: [ChronologyColumn; 17] = [
        Self::Number,
        Self::Ref,
        Self::Date,
        Self::Time,
        Self::Agency,
        Self::Source,
        Self::Role,
        Self::Subject,
        Self::EventType,
        Self::Details,
        Self::Action,
        Self::Analysis,
        Self::DateWritten,
        Self::DateNote,
        Self::Episode,
        Self::AlsoReportedBy,
        Self::Origin,
    ];

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
            Self::DateWritten => "Date as written",
            Self::DateNote => "Date note",
            Self::Episode => "Key practice episode",
            Self::AlsoReportedBy => "Also reported by",
            Self::Origin => "Origin",
        }
    }

    /// The column's width on the sheet (Excel's unit: one `0` of the
    /// default font), set for reading: the text columns wide, codes and
    /// numbers narrow.
    pub const fn width(self) -> f64 {
        match self {
            Self::Number => 6.0,
            Self::Ref => 10.0,
            Self::Date => 10.5,
            Self::Time => 7.0,
            Self::AgeAtEvent => 11.0,
            Self::Interval => 9.0,
            Self::Agency => 16.0,
            Self::Source => 16.0,
            Self::Role => 14.0,
            Self::Subject => 12.0,
            Self::EventType => 16.0,
            Self::Details => 55.0,
            Self::Action => 28.0,
            Self::Analysis => 28.0,
            Self::ReviewerNotes => 36.0,
            Self::ReviewerKpe => 12.0,
            Self::DateWritten => 12.0,
            Self::DateNote => 14.0,
            Self::Episode => 9.0,
            Self::AlsoReportedBy => 16.0,
            Self::Origin => 24.0,
        }
    }

    /// The column's 0-based position on the sheet, with or without the
    /// `Age at event` column; `None` for that column when it is left out.
    pub const fn position(self, with_age: bool) -> Option<u16> {
        let i = self as u16;
        let age = Self::AgeAtEvent as u16;
        if with_age || i < age {
            Some(i)
        } else if i == age {
            None
        } else {
            Some(i - 1)
        }
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
/// dates of birth.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cols {
    with_age: bool,
}

impl Cols {
    /// The sheet's columns, with the age column or without it.
    pub(super) fn new(with_age: bool) -> Cols {
        Cols { with_age }
    }

    /// The columns on the sheet, left to right.
    pub(super) fn columns(self) -> impl Iterator<Item = ChronologyColumn> {
        ChronologyColumn::ALL
            .into_iter()
            .filter(move |c| c.position(self.with_age).is_some())
    }

    /// The `Age at event` column, when there is one.
    pub(super) fn age(self) -> Option<u16> {
        ChronologyColumn::AgeAtEvent.position(self.with_age)
    }

    /// The column of `c`, which is on the sheet (every column but `Age at
    /// event`, which [`Cols::age`] gives).
    pub(super) fn at(self, c: ChronologyColumn) -> u16 {
        debug_assert!(c.position(self.with_age).is_some(), "{c:?}");
        match c.position(self.with_age) {
            Some(p) => p,
            None => c as u16,
        }
    }

    /// The last column.
    pub(super) fn last(self) -> u16 {
        self.at(ChronologyColumn::Origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_run_left_to_right_with_and_without_the_age() {
        for with_age in [true, false] {
            let cols = Cols::new(with_age);
            let at: Vec<u16> = cols.columns().map(|c| cols.at(c)).collect();
            assert_eq!(at, (0..at.len() as u16).collect::<Vec<_>>());
            assert_eq!(at.len(), if with_age { 21 } else { 20 });
            assert_eq!(cols.last() as usize, at.len() - 1);
        }
        assert_eq!(Cols::new(true).age(), Some(4));
        assert_eq!(Cols::new(false).age(), None);
        assert_eq!(Cols::new(false).at(ChronologyColumn::Interval), 4);
    }

    #[test]
    fn the_shared_columns_are_the_sheets_less_age_interval_and_the_reviewers() {
        use ChronologyColumn as C;
        let sheet: Vec<_> = C::ALL
            .into_iter()
            .filter(|c| {
                !matches!(
                    c,
                    C::AgeAtEvent | C::Interval | C::ReviewerNotes | C::ReviewerKpe
                )
            })
            .collect();
        assert_eq!(sheet, ChronologyColumn::SHARED);
    }
}
