//! A sheet's layout applied to its rows before they are checked: merged
//! cells that span rows filled down, hidden rows and columns named.

use crate::findings::{Code, Finding};
use crate::model::{cell_ref, col_name, Cell, RawSheet, MAX_COLS};

/// How many merged cells or hidden row ranges a finding names.
const NAMED: usize = 10;

/// Applies a sheet's layout to its rows before they are checked, with a
/// finding for each kind of thing: a merged cell that spans several rows
/// below the header row gives its value to every row with content it
/// covers (`cell-merged`); rows and columns with content that were hidden
/// are named (`rows-hidden`, `columns-hidden`). Costs nothing when the
/// sheet has no merged cells and nothing hidden.
pub(super) fn read_layout(
    sheet: &mut RawSheet,
    header_row: u32,
    file: &str,
    findings: &mut Vec<Finding>,
) {
    fill_merged(sheet, header_row, file, findings);
    if !sheet.hidden_rows.is_empty() {
        hidden_rows(sheet, file, findings);
    }
    if !sheet.hidden_cols.is_empty() {
        hidden_cols(sheet, header_row, file, findings);
    }
}

/// Gives each merged cell's value (below the header row, spanning rows)
/// to the rows it covers that have nothing in its column.
fn fill_merged(sheet: &mut RawSheet, header_row: u32, file: &str, findings: &mut Vec<Finding>) {
    let mut filled: Vec<String> = Vec::new();
    let mut count = 0usize;
    for m in &sheet.merged {
        let col = m.first_col;
        if m.last_row == m.first_row || m.first_row <= header_row || col >= MAX_COLS {
            continue;
        }
        let Ok(top) = sheet.rows.binary_search_by_key(&m.first_row, |r| r.row) else {
            continue;
        };
        let Some(value) = sheet.rows[top]
            .cells
            .get(col)
            .filter(|c| !c.is_blank())
            .cloned()
        else {
            continue;
        };
        let mut any = false;
        for row in sheet.rows[top + 1..]
            .iter_mut()
            .take_while(|r| r.row <= m.last_row)
        {
            if row.cells.len() <= col {
                row.cells.resize(col + 1, Cell::Empty);
            }
            if row.cells[col].is_blank() {
                row.cells[col] = value.clone();
                any = true;
            }
        }
        if any {
            count += 1;
            if filled.len() < NAMED {
                filled.push(m.range());
            }
        }
    }
    if let Some(first) = filled.first().cloned() {
        let more = if count > filled.len() { ", …" } else { "" };
        findings.push(
            Finding::new(
                Code::CellMerged,
                file,
                format!(
                    "{count} merged cell(s) span several rows ({}{more}): each one's value was read for every row it covers; check those rows in the merged chronology",
                    filled.join(", ")
                ),
            )
            .at(sheet.name.as_str(), first),
        );
    }
}

/// Names the rows with content that were hidden (or filtered out).
fn hidden_rows(sheet: &mut RawSheet, file: &str, findings: &mut Vec<Finding>) {
    sheet.hidden_rows.sort_unstable();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut n = 0usize;
    let mut h = sheet.hidden_rows.iter().peekable();
    for row in &sheet.rows {
        while h.next_if(|&&(_, b)| b < row.row).is_some() {}
        if h.peek().is_some_and(|&&(a, _)| a <= row.row) {
            n += 1;
            match ranges.last_mut() {
                Some(last) if last.1 + 1 == row.row => last.1 = row.row,
                _ => ranges.push((row.row, row.row)),
            }
        }
    }
    let Some(&(first, _)) = ranges.first() else {
        return;
    };
    let mut list: Vec<String> = ranges
        .iter()
        .take(NAMED)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    if ranges.len() > NAMED {
        list.push("…".into());
    }
    findings.push(
        Finding::new(
            Code::RowsHidden,
            file,
            format!(
                "{n} row(s) with content were hidden (or filtered out) in the sheet (rows {}): they were read and merged like the others",
                list.join(", ")
            ),
        )
        .at(sheet.name.as_str(), cell_ref(0, first)),
    );
}

/// Names the columns with content that were hidden, with their headings.
fn hidden_cols(sheet: &RawSheet, header_row: u32, file: &str, findings: &mut Vec<Finding>) {
    let header = sheet.rows.iter().find(|r| r.row == header_row);
    let mut cols: Vec<usize> = Vec::new();
    for &(a, b) in &sheet.hidden_cols {
        for col in a..=b.min(MAX_COLS - 1) {
            if sheet
                .rows
                .iter()
                .any(|r| r.cells.get(col).is_some_and(|c| !c.is_blank()))
            {
                cols.push(col);
            }
        }
    }
    let Some(&first) = cols.first() else {
        return;
    };
    let names: Vec<String> = cols
        .iter()
        .map(|&c| {
            let heading = header
                .and_then(|h| h.cells.get(c))
                .map(|h| h.to_text().trim().to_string())
                .filter(|h| !h.is_empty());
            match heading {
                Some(h) => format!("{} '{h}'", col_name(c)),
                None => col_name(c),
            }
        })
        .collect();
    findings.push(
        Finding::new(
            Code::ColumnsHidden,
            file,
            format!(
                "{} column(s) with content were hidden in the sheet ({}): they were read like the others",
                cols.len(),
                names.join(", ")
            ),
        )
        .at(sheet.name.as_str(), cell_ref(first, header_row.max(1))),
    );
}
