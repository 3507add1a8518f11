//! The words that guide an agency filling in its return: each column's
//! help (its input title and message, and its width) and the lines of the
//! template's `Guidance` sheet.
//!
//! [`crate::template`] writes them; [`crate::validate`] recognises a row of
//! them copied under the headings as an instruction row, not an event. They
//! live apart from both so that the checks do not import the template
//! writer (which reads the review's settings, which build the checks'
//! context).

use crate::model::Column;

/// The help of the optional `Key line of enquiry` column.
pub const KEY_LINE_HELP: ColumnHelp = ColumnHelp {
    title: "Key line of enquiry",
    message: "Optional: choose the key line of enquiry of the Terms of Reference this event bears on (see Guidance). Leave it blank when none does.",
    width: 30.0,
};

/// The help for one column: a title (at most 32 characters, Excel's limit
/// for an input title), the input message (at most 255), whether the
/// template asks for it, and the column width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnHelp {
    /// Title of the input message.
    pub title: &'static str,
    /// The input message shown when a cell of the column is selected.
    pub message: &'static str,
    /// Width in characters.
    pub width: f64,
}

/// The help shown for a column of `Chronology`. Every column has one (the
/// match is exhaustive, so a new column cannot be added without its help).
///
/// ```
/// use chronomerge::model::Column;
/// let h = chronomerge::template::column_help(Column::Date);
/// assert!(h.title.len() <= 32 && h.message.chars().count() <= 255);
/// ```
pub fn column_help(col: Column) -> ColumnHelp {
    let (title, message, width) = match col {
        Column::Date => (
            "Date (required)",
            "Day first: 05/03/2019. Also read: 5 March 2019, 2019-03-05, 05/03/2019 14:30. Partial: type 'March 2019 or '2019 (with ' first). Uncertain: ?22/05/2016 or c. May 2016. Range: 03/05/2019 - 10/05/2019.",
            14.0,
        ),
        Column::Time => (
            "Time (optional)",
            "24-hour HH:MM, e.g. 14:30. Leave blank if the time is not known. 2.30pm and 1430 are also read.",
            9.0,
        ),
        Column::Sequence => (
            "Sequence (optional)",
            "A number that orders events on the same day when the time is not known: 1, 2, 3. 1.5 sits between 1 and 2.",
            10.0,
        ),
        Column::Source => (
            "Source (required)",
            "Where the entry comes from, e.g. GP record, Police incident log. Start it with # for an author's note (only its date and time are checked).",
            24.0,
        ),
        Column::Role => (
            "Practitioner role",
            "The practitioner's role, not their name, e.g. Health visitor, Social worker, Police constable.",
            22.0,
        ),
        Column::Subject => (
            "Child or family member",
            "Who the event is about, by role, never by name: Child A, Mother, Father, Mother's partner.",
            20.0,
        ),
        Column::EventType => (
            "Event type",
            "Choose from the list (see Guidance). Other text is kept but queried.",
            32.0,
        ),
        Column::Details => (
            "Details (required)",
            "What happened, plainly and factually: who (by role), what, where. One event a row. Keep your reflection for Analysis / comment.",
            60.0,
        ),
        Column::Action => (
            "Action / outcome",
            "What was done as a result, e.g. referral made, advice given, no further action.",
            34.0,
        ),
        Column::Analysis => (
            "Analysis / comment",
            "Your agency's reflection on the event: was practice as expected, what was known at the time?",
            34.0,
        ),
    };
    ColumnHelp {
        title,
        message,
        width,
    }
}

/// Every text the template writes to guide the agency: each column's
/// help title and input message (`Date (required)`, `Day first:
/// 05/03/2019…`) and each line of the `Guidance` sheet. A row of these
/// copied under the headings is an instruction row, not an event
/// ([`crate::validate::not_an_event`]).
pub fn guidance_texts() -> Vec<String> {
    let mut v = Vec::new();
    for col in Column::ALL {
        let h = column_help(col);
        v.push(h.title.to_string());
        v.push(h.message.to_string());
    }
    v.push(KEY_LINE_HELP.message.to_string());
    for (heading, lines) in guidance_text() {
        v.push(heading.to_string());
        v.extend(lines);
    }
    v
}

/// The guidance sections: a heading and its lines.
pub(crate) fn guidance_text() -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "How to fill in this return",
            vec![
                "1. Fill in 'Agency details': your agency's name, the review reference and the period your return covers.".into(),
                "2. In 'Chronology', write one event a row, from row 2 down, oldest first. You can insert and delete rows; leave the headings in row 1 as they are.".into(),
                "3. Do not rename the sheets, add rows above the headings, or add, remove or reorder columns: the returns of every agency are merged by these headings.".into(),
                "4. Save the return as .xlsx, without a password, and send it to the business unit. You can check it first with 'chronomerge check'.".into(),
            ],
        ),
        (
            "Use roles, not names",
            vec![
                "Refer to people by their role, never by name: 'Child A', 'Mother', 'Father', 'Mother's partner', 'Health visitor', 'Social worker', 'Police constable'.".into(),
                "This applies to every column, including Details of event and Analysis / comment.".into(),
            ],
        ),
        (
            "Dates",
            vec![
                "Write dates day first: 05/03/2019. These are all read as 5 March 2019: 05/03/2019, 5/3/19, 5.3.2019, 2019-03-05, 5 March 2019, 5th Mar 2019, 05-Mar-19.".into(),
                "A date and time may share the Date cell: 05/03/2019 14:30.".into(),
                "Partial dates are allowed when the day is not known: March 2019, 03/2019, 2019. Type an apostrophe first ('March 2019) so the spreadsheet keeps it as written.".into(),
                "An uncertain date starts with ? or c.: ?22/05/2016, c. May 2016. A date range is written 03/05/2019 - 10/05/2019.".into(),
                "A date that does not exist (31/02/2019) or lies in the future is rejected until corrected. A date outside the review period is kept but queried.".into(),
            ],
        ),
        (
            "Time and sequence",
            vec![
                "Time: 24-hour HH:MM (14:30). Leave it blank when not known.".into(),
                "Sequence: when several events happen on one day and the times are not known, number them 1, 2, 3 in the order they happened.".into(),
            ],
        ),
        (
            "What a good entry looks like",
            vec![
                "Date 05/03/2019 | Time 14:30 | Source of information: GP record | Practitioner role: GP | Child or family member: Child A | Event type: Appointment attended | Details of event: Child A brought by Mother with a bruise to the left forearm; Mother said Child A fell at nursery. | Action / outcome: Safeguarding lead informed; referral made to children's social care. | Analysis / comment: The explanation was accepted without checking with the nursery.".into(),
                "Every event needs a Date, a Source of information and Details of event: a row without them is returned to you to complete.".into(),
                "Keep facts in Details of event and your agency's reflection in Analysis / comment.".into(),
            ],
        ),
        (
            "Author's notes",
            vec![
                "To add a note of your own (context, a gap in the records), start Source of information with #, ^, ¬ or ~, e.g. '# Author's note'. Only its date and time are checked, and it is shown as a note in the merged chronology.".into(),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_help_within_excel_limits() {
        for col in Column::ALL {
            let h = column_help(col);
            assert!(h.title.chars().count() <= 32, "{:?} title", col);
            assert!(h.message.encode_utf16().count() <= 255, "{:?} message", col);
        }
    }
}
