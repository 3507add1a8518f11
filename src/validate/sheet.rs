//! A return's chronology sheets, checked one after the other in workbook
//! order ([`SheetRun`]): a further sheet read under its own headings or,
//! with none, under the first sheet's; each sheet's layout applied, its
//! rows counted (merged, rejected or skipped) and checked by a
//! [`RowChecker`], and content under columns that are not read reported.

use std::collections::HashMap;
use std::sync::Arc;

use super::headings::{header_row_index, map_columns, ColumnMap};
use super::layout::read_layout;
use super::pool::TextPool;
use super::row::{not_an_event, RowChecker};
use super::CheckContext;
use crate::findings::{Code, Finding, Severity};
use crate::model::{
    cell_ref, col_name, is_chronology_name, Cell, Column, Event, RawRow, RawSheet, ReturnStatus,
    ReturnSummary, CHRONOLOGY_SHEET,
};

/// The formulas of a sheet's cells (column, row, text), by row.
type Formulas = HashMap<u32, Vec<(usize, u32, String)>>;

/// The first chronology sheet with headings: its column map and heading
/// cells, taken by a continuation sheet that has none.
struct BaseSheet {
    map: ColumnMap,
    header: Vec<Cell>,
    sheet: Arc<str>,
}

/// Checks a return's chronology sheets one after the other, in workbook
/// order, into its events, findings and accounting: the position of a row
/// in the return keeps increasing across sheets.
pub(super) struct SheetRun<'a> {
    file: &'a str,
    file_arc: Arc<str>,
    ctx: &'a CheckContext,
    /// Rows checked so far (the next row's `seq_in_return`).
    seq: u32,
    base: Option<BaseSheet>,
    summary: ReturnSummary,
    findings: Vec<Finding>,
    events: Vec<Event>,
    pool: TextPool,
}

impl<'a> SheetRun<'a> {
    /// A run that adds to the return's `summary` and `findings` so far.
    pub(super) fn new(
        file: &'a str,
        file_arc: Arc<str>,
        ctx: &'a CheckContext,
        summary: ReturnSummary,
        findings: Vec<Finding>,
    ) -> Self {
        SheetRun {
            file,
            file_arc,
            ctx,
            seq: 0,
            base: None,
            summary,
            findings,
            events: Vec::new(),
            pool: TextPool::default(),
        }
    }

    /// Checks the return's first chronology sheet, mapped by `map`.
    pub(super) fn first(&mut self, sheet: RawSheet, map: Option<ColumnMap>) {
        self.check_sheet(sheet, map, false);
    }

    /// Checks a further chronology sheet (one with no rows is passed over).
    pub(super) fn more(&mut self, sheet: RawSheet) {
        if sheet.rows.is_empty() {
            return;
        }
        let (map, no_headings) = self.continuation(&sheet);
        self.check_sheet(sheet, map, no_headings);
    }

    /// The return's events, findings and accounting once every sheet is
    /// checked, with the finding for a chronology with no events and the
    /// return's status.
    pub(super) fn finish(mut self) -> (Vec<Event>, Vec<Finding>, ReturnSummary) {
        let summary = &mut self.summary;
        if summary.rows_read == summary.rows_skipped {
            if let Some(base) = &self.base {
                self.findings.push(
                    Finding::new(
                        Code::ChronologyEmpty,
                        self.file,
                        "the chronology has headings but no events: check with the agency whether it had no involvement in the period or sent the blank template by mistake",
                    )
                    .at(base.sheet.as_ref(), cell_ref(0, base.map.header_row + 1)),
                );
            }
        }
        // A sheet that could not be read rejects its own rows, not the file,
        // when another sheet's rows were merged.
        if summary.status == ReturnStatus::Rejected && summary.rows_merged > 0 {
            summary.status = ReturnStatus::MergedWithWarnings;
        }
        if summary.status != ReturnStatus::Rejected
            && (summary.rows_rejected > 0 || self.findings.iter().any(|f| !f.is_info()))
        {
            summary.status = ReturnStatus::MergedWithWarnings;
        }
        (self.events, self.findings, self.summary)
    }

    /// The column map of a further chronology sheet, with the finding
    /// that says it was read: its own headings, or (none) the first
    /// sheet's. The bool is true for a sheet without headings.
    fn continuation(&mut self, sheet: &RawSheet) -> (Option<ColumnMap>, bool) {
        let file = self.file;
        let first = self
            .base
            .as_ref()
            .map_or_else(|| CHRONOLOGY_SHEET.into(), |b| b.sheet.clone());
        if let Some(hi) = header_row_index(sheet) {
            let named = is_chronology_name(&sheet.name);
            let mut f = Finding::new(
                Code::SheetContinued,
                file,
                if named {
                    format!(
                        "the chronology continues on the sheet '{}': its rows were read after those of '{first}'",
                        sheet.name
                    )
                } else {
                    format!(
                        "the sheet '{}' is not named as the chronology but has its headings, so its rows were read as part of it (after those of '{first}'): check with the agency that they belong",
                        sheet.name
                    )
                },
            )
            .at(sheet.name.as_str(), cell_ref(0, sheet.rows[hi].row));
            if !named {
                f = f.with_severity(Severity::Warning);
            }
            self.findings.push(f);
            return (map_columns(sheet, file, &mut self.findings), false);
        }
        match &self.base {
            Some(base) => {
                let cols: Vec<String> = Column::ALL
                    .iter()
                    .filter_map(|c| {
                        base.map.cols[c.index()].map(|i| format!("{} {}", col_name(i), c.heading()))
                    })
                    .collect();
                self.findings.push(
                    Finding::new(
                        Code::SheetContinuedNoHeadings,
                        file,
                        format!(
                            "the sheet '{}' has no heading row; it was read as a continuation of '{}' with the same columns ({}): check a few of its rows in the merged chronology, and ask the agency to copy the heading row to the top of the sheet",
                            sheet.name,
                            base.sheet,
                            cols.join(", ")
                        ),
                    )
                    .at(sheet.name.as_str(), cell_ref(0, sheet.rows[0].row)),
                );
                (Some(base.map.clone()), true)
            }
            // No sheet before it had headings either: rejected like the
            // first (map_columns says why).
            None => (map_columns(sheet, file, &mut self.findings), false),
        }
    }

    /// Checks one chronology sheet's rows, counting each in the summary.
    /// `no_headings` is a continuation sheet read under the first sheet's
    /// columns (every row is data).
    fn check_sheet(&mut self, sheet: RawSheet, map: Option<ColumnMap>, no_headings: bool) {
        if sheet.stray_count > 0 {
            let (c, r) = sheet.stray[0];
            self.findings.push(
                Finding::new(
                    Code::CellOutsideTemplate,
                    self.file,
                    format!(
                        "{} cell(s) with content lie far to the right of the template's columns (first at {}); they are not merged: ask the agency to move the content into the template's columns or delete it",
                        sheet.stray_count,
                        cell_ref(c, r)
                    ),
                )
                .at(sheet.name.as_str(), cell_ref(c, r)),
            );
        }
        match map {
            None => self.reject_all(&sheet),
            Some(map) => self.check_rows(sheet, map, no_headings),
        }
    }

    /// Nothing can be read without headings: every row is rejected.
    fn reject_all(&mut self, sheet: &RawSheet) {
        let n = sheet.rows.len();
        let summary = &mut self.summary;
        summary.rows_read += n;
        summary.rows_rejected += n;
        summary.status = ReturnStatus::Rejected;
        summary.note = "no heading row".into();
        if n > 0 {
            let (first, last) = (sheet.rows[0].row, sheet.rows[n - 1].row);
            self.findings.push(
                Finding::new(
                    Code::HeadingMissing,
                    self.file,
                    format!(
                        "{n} row(s) with content (rows {first}–{last}) were not merged because the headings could not be found"
                    ),
                )
                .at(sheet.name.as_str(), format!("A{first}:J{last}")),
            );
        }
    }

    /// Checks the rows of a sheet whose columns are mapped: each is
    /// skipped (not an event), rejected or merged.
    fn check_rows(&mut self, mut sheet: RawSheet, map: ColumnMap, no_headings: bool) {
        let required_missing = Column::ALL
            .iter()
            .any(|c| c.required() && map.cols[c.index()].is_none());
        let sheet_name: Arc<str> = sheet.name.as_str().into();
        let rejected_before = self.summary.rows_rejected;
        let uncalculated = sheet.formulas_uncalculated;
        let header_row = if no_headings { 0 } else { map.header_row };
        read_layout(&mut sheet, header_row, self.file, &mut self.findings);
        // Formulas by row, so each row finds its own at once.
        let mut formulas = Formulas::new();
        for f in sheet.formulas {
            formulas.entry(f.1).or_default().push(f);
        }
        let (data, header) = self.data_rows(sheet.rows, &map, no_headings);
        if self.base.is_none() {
            self.base = Some(BaseSheet {
                map: map.clone(),
                header: header.clone(),
                sheet: sheet_name.clone(),
            });
        }
        let seq0 = self.seq;
        self.seq = self.seq.saturating_add(data.len() as u32);
        let mut tally = ColumnTally::new(&map);
        let first_row = data.first().map_or(0, |r| r.row);
        let last_row = data.last().map_or(0, |r| r.row);
        let first_cell = data
            .first()
            .map(|r| cell_ref(map.cols[0].unwrap_or(0), r.row))
            .unwrap_or_default();
        let mut rows = RowChecker::new(
            &map,
            self.file_arc.clone(),
            sheet_name.clone(),
            self.ctx,
            &mut self.findings,
            &mut self.pool,
            uncalculated,
        );
        for (i, row) in data.into_iter().enumerate() {
            self.summary.rows_read += 1;
            if let Some(why) = not_an_event(&row, &map, &header) {
                self.summary.rows_skipped += 1;
                rows.skip(&row, why);
                continue;
            }
            let unclear_hit = tally.see(&row);
            if required_missing {
                self.summary.rows_rejected += 1;
                continue;
            }
            let row_formulas = formulas.get(&row.row).map_or(&[][..], Vec::as_slice);
            match rows.check(row, seq0.saturating_add(i as u32), row_formulas) {
                Some(ev) if !unclear_hit => {
                    count_merged(&mut self.summary, &ev);
                    self.events.push(ev);
                }
                _ => self.summary.rows_rejected += 1,
            }
        }
        rows.finish(&first_cell);
        tally.report(
            self.file,
            &sheet_name,
            &header,
            map.header_row,
            &mut self.findings,
        );
        if required_missing {
            self.required_missing(&sheet_name, rejected_before, first_row, last_row);
        }
    }

    /// The data rows of a sheet and its heading cells: those under its
    /// header row, or (a continuation without headings) all of them under
    /// the first sheet's.
    fn data_rows(
        &self,
        mut rows: Vec<RawRow>,
        map: &ColumnMap,
        no_headings: bool,
    ) -> (Vec<RawRow>, Vec<Cell>) {
        match (&self.base, no_headings) {
            (Some(base), true) => (rows, base.header.clone()),
            _ => {
                let data: Vec<RawRow> = rows.drain(map.header_index + 1..).collect();
                let header = rows.pop().map(|r| r.cells).unwrap_or_default();
                (data, header)
            }
        }
    }

    /// A sheet without a required column is rejected, and its rows with it.
    fn required_missing(&mut self, sheet: &str, rejected_before: usize, first: u32, last: u32) {
        let summary = &mut self.summary;
        summary.status = ReturnStatus::Rejected;
        summary.note = "a required column is missing".into();
        if summary.rows_rejected > rejected_before {
            self.findings.push(
                Finding::new(
                    Code::HeadingMissing,
                    self.file,
                    format!(
                        "{} row(s) (rows {first}–{last}) were not merged because a required column is missing",
                        summary.rows_rejected - rejected_before
                    ),
                )
                .at(sheet, format!("A{first}:J{last}")),
            );
        }
    }
}

/// Counts a merged event in the summary, with the first and last days.
fn count_merged(summary: &mut ReturnSummary, ev: &Event) {
    summary.rows_merged += 1;
    let d = ev.date.start;
    summary.first = Some(summary.first.map_or(d, |f| f.min(d)));
    let l = ev.date.last_day();
    summary.last = Some(summary.last.map_or(l, |x| x.max(l)));
}

/// Content found under one column that is not read (an extra or unclear
/// heading): how many rows, first and last.
#[derive(Debug, Clone, Copy)]
struct ColumnContent {
    col: usize,
    count: usize,
    first: u32,
    last: u32,
}

impl ColumnContent {
    fn new(col: usize) -> Self {
        ColumnContent {
            col,
            count: 0,
            first: 0,
            last: 0,
        }
    }

    fn add(&mut self, row: u32) {
        if self.count == 0 {
            self.first = row;
        }
        self.count += 1;
        self.last = row;
    }

    fn range(&self) -> String {
        if self.first == self.last {
            cell_ref(self.col, self.first)
        } else {
            format!(
                "{}:{}",
                cell_ref(self.col, self.first),
                cell_ref(self.col, self.last)
            )
        }
    }
}

/// Content under the columns of a sheet that are not read, tallied down
/// its rows: under an extra heading, under an unclear heading (such a row
/// is not merged), and in a column with no heading.
struct ColumnTally {
    unknown: Vec<ColumnContent>,
    unclear: Vec<ColumnContent>,
    headless: Vec<ColumnContent>,
    /// Columns read or reported by their heading; content anywhere else
    /// (a column with no heading) is reported too.
    placed: Vec<usize>,
}

impl ColumnTally {
    fn new(map: &ColumnMap) -> Self {
        let mut placed: Vec<usize> = map.cols.iter().flatten().copied().collect();
        placed.extend(map.agency);
        placed.extend(map.key_line);
        placed.extend(&map.unknown);
        placed.extend(map.unclear.iter().map(|&(c, _)| c));
        ColumnTally {
            unknown: map.unknown.iter().map(|&c| ColumnContent::new(c)).collect(),
            unclear: map
                .unclear
                .iter()
                .map(|&(c, _)| ColumnContent::new(c))
                .collect(),
            headless: Vec::new(),
            placed,
        }
    }

    /// Tallies a row's content; true when it has some under an unclear
    /// heading.
    fn see(&mut self, row: &RawRow) -> bool {
        let has = |ci: usize| row.cells.get(ci).is_some_and(|c| !c.is_blank());
        for u in self.unknown.iter_mut() {
            if has(u.col) {
                u.add(row.row);
            }
        }
        for (ci, c) in row.cells.iter().enumerate() {
            if !c.is_blank() && !self.placed.contains(&ci) {
                match self.headless.iter_mut().find(|u| u.col == ci) {
                    Some(u) => u.add(row.row),
                    None => {
                        let mut u = ColumnContent::new(ci);
                        u.add(row.row);
                        self.headless.push(u);
                    }
                }
            }
        }
        let mut unclear_hit = false;
        for u in self.unclear.iter_mut() {
            if has(u.col) {
                u.add(row.row);
                unclear_hit = true;
            }
        }
        unclear_hit
    }

    /// One finding per column with content that was not merged.
    fn report(
        mut self,
        file: &str,
        sheet: &str,
        header: &[Cell],
        header_row: u32,
        findings: &mut Vec<Finding>,
    ) {
        // A heading as a finding names it: `'Notes' (K3)`.
        let heading = |ci: usize| {
            let text = header.get(ci).map(|c| c.to_text()).unwrap_or_default();
            format!("'{}' ({})", text.trim(), cell_ref(ci, header_row))
        };
        let mut push = |code: Code, u: &ColumnContent, message: String| {
            findings.push(Finding::new(code, file, message).at(sheet, u.range()));
        };
        for u in self.unknown.iter().filter(|u| u.count > 0) {
            push(
                Code::CellOutsideTemplate,
                u,
                format!(
                    "{} cell(s) under the heading {} are not merged because that column is not the template's: ask the agency to move their content into the template's columns",
                    u.count,
                    heading(u.col)
                ),
            );
        }
        self.headless.sort_by_key(|u| u.col);
        for u in &self.headless {
            push(
                Code::CellOutsideTemplate,
                u,
                format!(
                    "{} cell(s) in column {}, which has no heading, are not merged: ask the agency to move their content into the template's columns",
                    u.count,
                    col_name(u.col)
                ),
            );
        }
        for u in self.unclear.iter().filter(|u| u.count > 0) {
            push(
                Code::HeadingUnclear,
                u,
                format!(
                    "{} row(s) with content under the heading {} were not merged: the engine does not guess which column is meant; ask the agency to restore the template's heading",
                    u.count,
                    heading(u.col)
                ),
            );
        }
    }
}
