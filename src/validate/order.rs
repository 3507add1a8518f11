//! The date-order tracker: watches the order of a sheet's full dates, so
//! that a return that is mostly newest-first, or shuffled, gives one
//! finding rather than one per row.

use chrono::{Datelike, NaiveDate};

use crate::dates::display;
use crate::findings::{Code, Finding};

/// One step between consecutive dated rows that goes against the order.
#[derive(Debug, Clone)]
struct Step {
    cell: String,
    written: String,
    prev: NaiveDate,
    date: NaiveDate,
}

/// Watches the order of the return's full dates, so that a return that is
/// mostly newest-first gives one finding, not one per row.
#[derive(Debug, Default)]
pub(super) struct OrderTracker {
    prev: Option<NaiveDate>,
    back: Vec<Step>,
    forward: Vec<Step>,
}

/// At most this many rows out of order are listed one by one; more (or
/// more than a quarter of the steps) give one finding for the return that
/// names the first few cells.
const ORDER_LIST_MAX: usize = 10;

/// How many cells the one finding for a return out of order names.
const ORDER_CELLS_NAMED: usize = 20;

impl OrderTracker {
    /// Notes the next row's full date, its cell and the date as written.
    pub(super) fn see(&mut self, date: NaiveDate, cell: String, written: &str) {
        if let Some(prev) = self.prev {
            let step = || Step {
                cell,
                written: written.trim().to_string(),
                prev,
                date,
            };
            if date < prev {
                self.back.push(step());
            } else if date > prev {
                self.forward.push(step());
            }
        }
        self.prev = Some(date);
    }

    /// The findings about the sheet's order, once its last row is seen:
    /// a return listed newest first, and the rows against its order
    /// (one by one, or one finding when there are many).
    pub(super) fn finish(
        self,
        file: &str,
        sheet: &str,
        first_cell: &str,
        findings: &mut Vec<Finding>,
    ) {
        let steps = self.back.len() + self.forward.len();
        let reversed = self.back.len() >= 2 && self.back.len() > self.forward.len();
        if reversed {
            findings.push(
                Finding::new(
                    Code::DateOrderReversed,
                    file,
                    format!(
                        "the return lists its events newest first ({} of {steps} steps from one row to the next go back in time); events are merged by date, so nothing is lost: ask the agency to list events oldest first next time",
                        self.back.len()
                    ),
                )
                .at(sheet, first_cell),
            );
        }
        let (against, word, order) = if reversed {
            (self.forward, "later", "newest first")
        } else {
            (self.back, "earlier", "oldest first")
        };
        if against.is_empty() {
            return;
        }
        // Many rows, or a good share of them, out of order: the return is
        // simply not in order, and one finding says so.
        let shuffled = against.len() > 3 && against.len() * 4 > steps;
        if against.len() > ORDER_LIST_MAX || shuffled {
            let s = &against[0];
            let mut cells: Vec<&str> = against
                .iter()
                .take(ORDER_CELLS_NAMED)
                .map(|s| s.cell.as_str())
                .collect();
            if against.len() > ORDER_CELLS_NAMED {
                cells.push("…");
            }
            findings.push(
                Finding::new(
                    Code::DateOrder,
                    file,
                    format!(
                        "the return is not in date order: {} rows are {word} than the row above ({}; the first is '{}' after {}): check the dates with the agency, a row out of order is a common sign of a mistyped year",
                        against.len(),
                        cells.join(", "),
                        s.written,
                        s.prev.format(display::DAY)
                    ),
                )
                .at(sheet, s.cell.as_str()),
            );
            return;
        }
        for s in against {
            let hint = if s.prev.year() != s.date.year() {
                " (a mistyped year?)"
            } else {
                ""
            };
            findings.push(
                Finding::new(
                    Code::DateOrder,
                    file,
                    format!(
                        "the date '{}' is {word} than the row above ({}) in a return listed {order}{hint}: check the date with the agency",
                        s.written,
                        s.prev.format(display::DAY)
                    ),
                )
                .at(sheet, s.cell.as_str()),
            );
        }
    }
}
