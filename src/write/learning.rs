//! The `Learning event` sheet: for each suggested episode and key
//! decision, the agencies and practitioner roles involved, with how many
//! events each, so the business unit can draw up the invitations to the
//! learning event. Managers' roles are listed apart from front-line roles
//! (a role is a manager's when it holds one of [`MANAGER_WORDS`]).

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::build::Ctx;
use super::cells::label;
use super::sheet::{add_sheet, end_stream, write_headings};

/// Words that make a practitioner role a manager's (matched in the role,
/// lower-cased): team managers, supervisors, heads, leads, designated and
/// named professionals.
pub const MANAGER_WORDS: &[&str] = &[
    "manager",
    "supervisor",
    "head",
    "lead",
    "designated",
    "named nurse",
    "named doctor",
    "named gp",
    "named professional",
    "director",
    "senior",
    "sergeant",
    "inspector",
    "principal",
    "chair",
];

/// Whether a practitioner role is a manager's.
///
/// ```
/// use chronomerge::write::is_manager_role;
/// assert!(is_manager_role("Team Manager"));
/// assert!(is_manager_role("Designated safeguarding lead"));
/// assert!(!is_manager_role("Social worker"));
/// ```
pub fn is_manager_role(role: &str) -> bool {
    let r = role.to_lowercase();
    MANAGER_WORDS.iter().any(|w| r.contains(w))
}

/// One line of the sheet: an item's agency and role, with its count.
struct Line {
    agency: usize,
    role: String,
    manager: bool,
    events: usize,
}

/// The agencies and roles of some events: front-line roles first, then
/// managers', each by agency then role.
fn lines(cx: &Ctx, events: &[usize]) -> Vec<Line> {
    let ev = &cx.review.chronology.events;
    let mut out: Vec<Line> = Vec::new();
    for &i in events {
        let e = &ev[i];
        if e.is_note {
            continue;
        }
        let role = e.role.trim();
        let role = if role.is_empty() {
            "(role not given)".to_string()
        } else {
            role.to_string()
        };
        match out
            .iter_mut()
            .find(|l| l.agency == e.agency && l.role.eq_ignore_ascii_case(&role))
        {
            Some(l) => l.events += 1,
            None => out.push(Line {
                agency: e.agency,
                manager: is_manager_role(&role),
                role,
                events: 1,
            }),
        }
    }
    out.sort_by(|a, b| {
        a.manager
            .cmp(&b.manager)
            .then(a.agency.cmp(&b.agency))
            .then(a.role.cmp(&b.role))
    });
    out
}

/// Writes the `Learning event` sheet.
pub(super) fn write_learning(
    wb: &mut Workbook,
    cx: &mut Ctx,
    stream: bool,
) -> Result<(), XlsxError> {
    let ws = add_sheet(wb, stream)?;
    ws.set_name("Learning event")?;
    cx.page.setup(ws, "Learning event", 1)?;
    write_headings(
        ws,
        &[
            "Item",
            "What",
            "Agency",
            "Practitioner role",
            "Level",
            "Events",
        ],
        &[12.0, 50.0, 30.0, 34.0, 12.0, 8.0],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let review = cx.review;
    let a = &review.analysis;
    let mut items: Vec<(String, String, Vec<usize>)> = Vec::new();
    for ep in &a.episodes {
        items.push((ep.id(), ep.reason.clone(), ep.events.clone()));
    }
    for d in &a.decisions {
        let mut events = vec![d.event];
        events.extend(d.concern);
        items.push((d.id(), d.reason.clone(), events));
    }
    let mut row = 1u32;
    for (id, what, events) in &items {
        for l in lines(cx, events) {
            label(ws, row, 0, id, &wrap)?;
            cx.input.put(ws, row, 1, what, &wrap)?;
            cx.agency(ws, row, 2, l.agency, &wrap)?;
            cx.input.put(ws, row, 3, &l.role, &wrap)?;
            label(
                ws,
                row,
                4,
                if l.manager { "Manager" } else { "Front-line" },
                &wrap,
            )?;
            ws.write_number_with_format(row, 5, l.events as f64, &wrap)?;
            row += 1;
        }
    }
    if items.is_empty() {
        label(
            ws,
            row,
            1,
            "No episode or key decision is suggested, so no one to invite yet.",
            &wrap,
        )?;
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 5)?;
    end_stream(ws, row, stream)
}
