//! One agency, one return: several returns of one agency in a folder, and
//! one agency under two names.
//!
//! # Several returns of one agency
//!
//! Returns that name the same agency (after the aliases of `review.toml`
//! are folded; rejected and ignored files aside) are compared, newest
//! first. Of two returns the **newer** is the one whose `Date completed`
//! (on its `Agency details` sheet) is later; when the two do not both give
//! a readable one, or give the same day, the one whose file was modified
//! later; when that does not tell them apart either (unknown, or the same
//! time), the one whose file name without its extension sorts later,
//! ignoring case and reading numbers as numbers (`Police` <
//! `Police - corrected v2` < `Police - corrected v10`).
//!
//! The events of an older and a newer return are paired ([`diff_events`](resent::diff_events)):
//! first those alike in every column (after normalising the text: case,
//! spacing and punctuation), then, of the rest, those with the same date,
//! time and details (another column was corrected), then those with the
//! same date and source of information whose details are alike (a
//! Sørensen–Dice similarity of their letter pairs of at least
//! [`CHANGED_SIMILARITY`](resent::CHANGED_SIMILARITY): a time or a typo corrected). The last two are
//! *changed*; an older event with no pair is *removed*, a newer one
//! *added*. Each pass is a hash look-up, never a comparison of every pair.
//!
//! The older return is **superseded** when at least [`SUPERSEDE_SHARE`](resent::SUPERSEDE_SHARE) of
//! its events are paired with the newer's. The share is taken of the
//! older return's events because they are what superseding it would lose:
//! when most of them are in the newer return, it is a corrected or
//! extended copy. A superseded return is listed on `Returns` with the
//! status `superseded` and a note of what the newer one added, changed and
//! removed; none of its rows is merged (they are counted as skipped, so
//! `rows_read = rows_merged + rows_rejected + rows_skipped` still holds);
//! and its findings are replaced by one `return-superseded` (info)
//! finding. They are dropped, not kept and marked, because the `Findings`
//! sheet is the business unit's list of what to chase: an error of the old
//! file is either corrected in the new one or still there, and then listed
//! under the new file's own cell, which is the one the agency must fix.
//!
//! Returns of one agency that share fewer events are **parts** of its
//! return (an incident log and a unit's log): all are merged, and each but
//! the newest gets a `return-part` (info) finding.
//!
//! `review.toml` overrides either way ([`crate::config::ReturnsConfig`]):
//! `[returns] supersedes = { "new.xlsx" = ["old.xlsx"] }` supersedes
//! whatever the events say, and `parts = [["a.xlsx", "b.xlsx"]]` keeps all
//! of a group merged. `supersedes` wins over `parts`. An entry that
//! cannot be applied (a file not in the folder, rejected, of another
//! agency, or a loop) is a `returns-override-unused` warning.
//!
//! # One agency under two names
//!
//! Two agency names are **close** ([`names_close`](names::names_close)) when, after
//! normalising (case, punctuation) and dropping words that name no
//! agency in particular (`the`, `of`, `and`, `NHS`, `trust`, `service`,
//! `council`'s `city`/`borough`/`metropolitan` …, [`FILLER`](names::FILLER)):
//!
//! 1. they name the same *kinds* of agency: the words that say what an
//!    agency does (`police`, `constabulary` → police; `fire`, `rescue` →
//!    fire; `surgery`, `practice`, `medical`, `GP` → GP …, [`KINDS`](names::KINDS)) are
//!    the same set in both; so `West Yorkshire Police` and `West
//!    Yorkshire Fire` are never close; and
//! 2. their other words (places, names) are the same, or those of one
//!    (at least one word) are all among those of the other: `Kirklees
//!    Police` and `West Yorkshire Police - Kirklees` are close, `Kirklees
//!    Police` and `Calderdale Police` are not, nor are `West Yorkshire
//!    Police - Kirklees` and `West Yorkshire Police - Calderdale`.
//!
//! Words are compared whole (no spelling distance: `Barnet` and `Barnes`
//! are two places). Names that are both the `name` of an `[[agencies]]`
//! entry are the reviewer's two agencies and never close. Close names
//! get an `agency-names-close` warning suggesting the alias line, and
//! until they are aliased the key practice episodes count them as one
//! agency (for `min_agencies`, the per-agency cap, joint events and the
//! count in the reason), through [`crate::model::Chronology::same_agency`].

mod names;
mod resent;

pub(crate) use names::{counted_as, flag_close_names};
pub(crate) use resent::settle;
