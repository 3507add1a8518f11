//! The reviewer's offline timeline page (`--html FILE`): one
//! self-contained HTML file, everything inline, nothing fetched.
//!
//! The page is drawn in the browser by a few hundred lines of plain
//! JavaScript (`page.js`, with `page.css`), both compiled into the engine
//! and written inline. The events travel as JSON in a
//! `<script type="application/json">` element, with `<`, `>`, `&`, U+2028
//! and U+2029 escaped so no text of a return can end the element
//! ([`script_json`]); the script renders every text with `textContent`,
//! never as markup. A Content-Security-Policy in a `<meta>` tag allows only
//! that one script and that one style, by their SHA-256 ([`csp`]): nothing
//! can be loaded from anywhere, so the page opens the same from a secure
//! drive, an email attachment or a laptop with no network.
//!
//! What the page shows: one lane per agency in the agency's colour, each
//! event a mark at its date (a partial or approximate date drawn as a span
//! or a hollow mark), the candidate episodes, the silences and the incident
//! as bands ([`Band`]), zoom from years to days and pan; beside it the
//! list in merged order, filtered together with the timeline (agency,
//! child or family member, event type, key line of enquiry, episode, free
//! text, only significant events). Every event element carries its Ref
//! (`data-ref="POL-0042"`). A click shows the event's full row. Above
//! [`AGGREGATE_ABOVE`] events the timeline counts events per agency per
//! month and the list is shown a page at a time, with a notice.
//!
//! With a glossary every text from the returns (and the agencies' names,
//! the origins, the episodes' reasons) is anonymised as in the workbook.
//! The protective marking heads the page and every printed page.

use crate::notes::Carried;
use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::dates::render_partial;
use crate::export::{date_note, precision_word, ExportError};
use crate::glossary::Glossary;
use crate::model::Event;
use crate::output::write_buffered;
use crate::review::MergedReview;

/// The page's script, written inline.
const SCRIPT: &str = include_str!("page.js");
/// The page's style sheet, written inline.
const STYLE: &str = include_str!("page.css");

/// Above this many events the timeline shows counts per agency per month
/// instead of one mark per event, and the list a page of events at a time
/// (a notice says so): a review of 60,000 events stays responsive.
pub const AGGREGATE_ABOVE: usize = 20_000;

/// The default name of the page `batch --html` writes beside each
/// workbook.
pub const DEFAULT_HTML: &str = crate::discover::DEFAULT_HTML;

/// One event as the page's JSON carries it (short keys: the JSON of a
/// large review is most of the page).
#[derive(Debug, Serialize)]
struct PageEvent {
    /// Ref (`POL-0042`).
    r: String,
    /// Position in the merged chronology, from 1.
    n: usize,
    /// Index of the agency in the page's agencies.
    a: usize,
    /// The day it sorts by (`YYYY-MM-DD`).
    d: String,
    /// The end of a date range, if any.
    e: Option<String>,
    /// `day`, `month` or `year`.
    p: &'static str,
    /// The date was marked uncertain.
    ap: bool,
    /// The date as the workbook shows it.
    ds: String,
    /// Time `HH:MM` or empty.
    t: String,
    /// Source of information.
    src: String,
    /// Practitioner role.
    role: String,
    /// Child or family member.
    subj: String,
    /// Event type (`Author's note` for a note with none).
    ty: String,
    /// Details of event.
    det: String,
    /// Action / outcome.
    act: String,
    /// Analysis / comment.
    ana: String,
    /// Date as written.
    dw: String,
    /// Date note.
    dn: String,
    /// Key practice episode id, or empty.
    kpe: String,
    /// Also reported by (agency names).
    also: String,
    /// Origin: `file › sheet › row`.
    orig: String,
    /// Reviewer notes (see [`reviewer_notes`]).
    notes: String,
    /// Key line of enquiry (see [`key_line`]).
    kl: String,
    /// Significant: in an episode, or weighted at least the seed weight.
    sig: bool,
}

/// A band drawn across every lane: a candidate episode, a silence, the
/// incident (and, when the analysis has them, key decisions: add them in
/// [`bands`] with kind `decision`; the page draws every kind it is given).
#[derive(Debug, Serialize)]
pub struct Band {
    /// `episode`, `silence`, `incident` or `decision`: how it is drawn.
    pub kind: &'static str,
    /// Its id (`KPE 3`), empty when it has none; episodes are filtered by it.
    pub id: String,
    /// What the band says on the timeline.
    pub label: String,
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`).
    pub to: String,
    /// Shown when the band is pointed at (the episode's reason).
    pub note: String,
}

/// An agency's lane.
#[derive(Debug, Serialize)]
struct PageAgency {
    name: String,
    colour: String,
}

/// Everything the page's script reads.
#[derive(Debug, Serialize)]
struct PageData {
    review: String,
    marking: String,
    made_at: String,
    period_from: Option<String>,
    period_to: Option<String>,
    aggregate: bool,
    aggregate_above: usize,
    agencies: Vec<PageAgency>,
    /// `[key, heading]` of every field the detail shows, in the
    /// workbook's column order.
    fields: Vec<[&'static str; 2]>,
    events: Vec<PageEvent>,
    bands: Vec<Band>,
}

/// The reviewer's notes of an event, for the page: those carried over
/// from the previous workbook ([`crate::notes`]), with the reviewer's own
/// key practice episode after them.
fn reviewer_notes(notes: Option<&Carried>, index: usize) -> String {
    match notes.and_then(|n| n.placed.get(&index)) {
        Some(p) if p.kpe.trim().is_empty() => p.note.clone(),
        Some(p) if p.note.trim().is_empty() => format!("Reviewer KPE: {}", p.kpe),
        Some(p) => format!("{}\n(Reviewer KPE: {})", p.note, p.kpe),
        None => String::new(),
    }
}

/// The key line of enquiry of an event, for the page: when any event
/// carries one, the page's filter appears.
fn key_line(ev: &Event) -> &str {
    &ev.key_line
}

/// The bands of the timeline: the candidate episodes, the silences (gaps)
/// and the incident. Key decisions go here too, as kind `decision`.
pub fn bands(review: &MergedReview, glossary: Option<&Glossary>) -> Vec<Band> {
    let t = |s: &str| anonymise(s, glossary);
    let mut out = Vec::new();
    for e in &review.analysis.episodes {
        out.push(Band {
            kind: "episode",
            id: e.id(),
            label: e.id(),
            from: e.first.to_string(),
            to: e.last.to_string(),
            note: t(&e.reason),
        });
    }
    for g in &review.analysis.gaps {
        out.push(Band {
            kind: "silence",
            id: String::new(),
            label: format!("{} days with no event", g.days),
            from: g.from.succ_opt().unwrap_or(g.from).to_string(),
            to: g.to.pred_opt().unwrap_or(g.to).max(g.from).to_string(),
            note: format!("No event from {} to {}", g.from, g.to),
        });
    }
    for d in &review.analysis.decisions {
        out.push(Band {
            kind: "decision",
            id: d.id(),
            label: d.id(),
            from: d.date.to_string(),
            to: d.date.to_string(),
            note: t(&d.reason),
        });
    }
    match (&review.analysis.incident, review.config.incident) {
        (Some(inc), _) => out.push(Band {
            kind: "incident",
            id: String::new(),
            label: "Incident".into(),
            from: inc.first.to_string(),
            to: inc.last.to_string(),
            note: t(&inc.summary),
        }),
        (None, Some(day)) => out.push(Band {
            kind: "incident",
            id: String::new(),
            label: "Incident".into(),
            from: day.to_string(),
            to: day.to_string(),
            note: format!("The incident that led to the review ({day})"),
        }),
        (None, None) => {}
    }
    out
}

fn anonymise(s: &str, glossary: Option<&Glossary>) -> String {
    match glossary {
        Some(g) => g.replace(s).0.into_owned(),
        None => s.to_string(),
    }
}

/// The fields of the detail, `[key, heading]`, in the workbook's order.
const FIELDS: [[&str; 2]; 20] = [
    ["n", "#"],
    ["r", "Ref"],
    ["ds", "Date"],
    ["t", "Time"],
    ["agency", "Agency"],
    ["src", "Source of information"],
    ["role", "Practitioner role"],
    ["subj", "Child or family member"],
    ["ty", "Event type"],
    ["det", "Details of event"],
    ["act", "Action / outcome"],
    ["ana", "Analysis / comment"],
    ["notes", "Reviewer notes"],
    ["kl", "Key line of enquiry"],
    ["dw", "Date as written"],
    ["dn", "Date note"],
    ["kpe", "Key practice episode"],
    ["also", "Also reported by"],
    ["orig", "Origin"],
    ["sig", "Significant"],
];

fn page_data(
    review: &MergedReview,
    glossary: Option<&Glossary>,
    notes: Option<&Carried>,
) -> PageData {
    let chron = &review.chronology;
    let analysis = &review.analysis;
    let t = |s: &str| anonymise(s, glossary);
    let table = review
        .config
        .episodes
        .clone()
        .and_then(|t| t.try_into::<crate::episodes::EpisodeConfig>().ok())
        .unwrap_or_default()
        .weights;
    let weight = crate::episodes::significance(&chron.events, &table);
    let events = chron
        .events
        .iter()
        .enumerate()
        .map(|(i, ev)| {
            let episode = analysis.episode_of.get(i).copied().flatten();
            let also = crate::export::also_reported_by(chron, analysis, i);
            let ty = crate::export::event_type_shown(ev);
            PageEvent {
                r: ev.reference.to_string(),
                n: i + 1,
                a: ev.agency,
                d: ev.date.start.to_string(),
                e: ev.date.end.map(|d| d.to_string()),
                p: precision_word(ev.date.precision),
                ap: ev.date.approximate,
                ds: render_partial(ev.date.start, ev.date.precision),
                t: ev
                    .time
                    .map(|x| x.format(crate::dates::display::TIME).to_string())
                    .unwrap_or_default(),
                src: t(&ev.source),
                role: t(&ev.role),
                subj: t(&ev.subject),
                ty: t(ty),
                det: t(&ev.details),
                act: t(&ev.action),
                ana: t(&ev.analysis),
                dw: t(ev.date_written.trim()),
                dn: date_note(ev),
                kpe: episode
                    .map(|e| analysis.episodes[e].id())
                    .unwrap_or_default(),
                also: t(&also),
                orig: t(&ev.origin.to_string()),
                notes: t(&reviewer_notes(notes, i)),
                kl: t(key_line(ev)),
                sig: episode.is_some() || weight.get(i).is_some_and(|&w| w >= table.seed_weight),
            }
        })
        .collect::<Vec<_>>();
    PageData {
        review: t(review.config.review.as_deref().unwrap_or("")),
        marking: crate::write::marking(&review.config),
        made_at: review.made_at.format("%d/%m/%Y %H:%M").to_string(),
        period_from: review.config.period_from.map(|d| d.to_string()),
        period_to: review.config.period_to.map(|d| d.to_string()),
        aggregate: events.len() > AGGREGATE_ABOVE,
        aggregate_above: AGGREGATE_ABOVE,
        agencies: chron
            .agencies
            .iter()
            .map(|a| PageAgency {
                name: t(&a.name),
                colour: format!("#{:06X}", a.colour & 0xFF_FFFF),
            })
            .collect(),
        fields: FIELDS.to_vec(),
        events,
        bands: bands(review, glossary),
    }
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` (so no
/// `</script>` or `<!--` can appear) and the line separators U+2028 and
/// U+2029 written as `\uXXXX` escapes. They can only occur inside JSON
/// strings, where the escape means the same character.
///
/// ```
/// use chronomerge::html::script_json;
/// let s = script_json(r#"{"d":"</script><b>&"}"#);
/// assert_eq!(s, r#"{"d":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
/// ```
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe as HTML text or a quoted attribute value.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `'sha256-…'` of an inline script or style, as a Content-Security-Policy
/// names it.
fn hash_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's Content-Security-Policy: nothing may be loaded or sent
/// (`default-src 'none'`, which covers `connect-src`), only the page's own
/// script and style run (by hash), images only as `data:`.
pub fn csp() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hash_source(SCRIPT),
        hash_source(STYLE)
    )
}

/// The whole page for a merged review, with the reviewer's notes carried
/// over from the previous workbook when given, anonymised with the glossary when
/// there is one.
///
/// # Errors
///
/// The JSON serialiser's error (none is expected: every value is a plain
/// string, number or list).
pub fn page_html(
    review: &MergedReview,
    glossary: Option<&Glossary>,
    notes: Option<&Carried>,
) -> Result<String, serde_json::Error> {
    let data = page_data(review, glossary, notes);
    let json = script_json(&serde_json::to_string(&data)?);
    let marking = html_text(&data.marking);
    let title = if data.review.is_empty() {
        "Multi-agency chronology".to_string()
    } else {
        format!("Multi-agency chronology: {}", data.review)
    };
    let title = html_text(&title);
    let n = data.events.len();
    let mut page = String::with_capacity(json.len() + SCRIPT.len() + STYLE.len() + 8192);
    page.push_str(&format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<div class="marking" id="marking">{marking}</div>
<header class="top">
<h1>{title}</h1>
<p class="meta" id="meta">{n} event(s). Made by chronomerge {version} on {made}.</p>
<noscript><p class="notice">This page needs JavaScript to draw the timeline and the list. The workbook holds the same chronology.</p></noscript>
<p class="notice" id="notice" hidden></p>
</header>
<section class="filters" id="filters" aria-label="Filters">
<label>Agency <select id="f-agency"></select></label>
<label>Child or family member <select id="f-subject"></select></label>
<label>Event type <select id="f-type"></select></label>
<label id="l-keyline" hidden>Key line of enquiry <select id="f-keyline"></select></label>
<label>Episode <select id="f-episode"></select></label>
<label>Search <input id="f-search" type="search" autocomplete="off" placeholder="words in any column"></label>
<label><input id="f-sig" type="checkbox"> Only significant events</label>
<button type="button" id="f-clear">Clear filters</button>
<span id="count" aria-live="polite"></span>
</section>
<section class="tl-wrap" aria-label="Timeline">
<div class="tl-tools" id="tl-tools">
<span>Zoom:</span>
<button type="button" data-zoom="fit">Whole review</button>
<button type="button" data-zoom="3650">10 years</button>
<button type="button" data-zoom="365">Year</button>
<button type="button" data-zoom="91">Quarter</button>
<button type="button" data-zoom="30">Month</button>
<button type="button" data-zoom="7">Week</button>
<button type="button" data-zoom="in" aria-label="Zoom in">+</button>
<button type="button" data-zoom="out" aria-label="Zoom out">&#8722;</button>
<span class="hint">Wheel to zoom, drag to pan, click a mark for its row.</span>
<span class="key"><span class="k-day"></span> dated <span class="k-partial"></span> month or year only <span class="k-approx"></span> approximate <span class="k-episode"></span> episode <span class="k-silence"></span> silence <span class="k-decision"></span> key decision <span class="k-incident"></span> incident</span>
</div>
<div id="timeline"></div>
</section>
<div class="main">
<section class="list-wrap" aria-label="Events">
<div id="list" role="table" aria-label="Events in merged order"><div class="row head" role="row"><span role="columnheader">#</span><span role="columnheader">Ref</span><span role="columnheader">Date</span><span role="columnheader">Time</span><span role="columnheader">Agency</span><span role="columnheader">Child or family member</span><span role="columnheader">Event type</span><span role="columnheader">Details of event</span><span role="columnheader">KPE</span></div><div id="rows" role="rowgroup"></div></div>
<div class="pager" id="pager" hidden><button type="button" id="p-prev">Previous</button> <span id="p-where"></span> <button type="button" id="p-next">Next</button></div>
</section>
<aside class="detail" id="detail" aria-label="The event's full row"><p class="hint">Click an event on the timeline or in the list to see its full row.</p></aside>
</div>
<div class="marking marking-foot">{marking}</div>
<script type="application/json" id="data">{json}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        csp = csp(),
        version = env!("CARGO_PKG_VERSION"),
        made = html_text(&data.made_at),
    ));
    Ok(page)
}

/// Writes the timeline page for a merged review, atomically, anonymised
/// with the glossary when there is one.
///
/// # Errors
///
/// [`ExportError::Io`] when the file cannot be written (the message names
/// it and says why), [`ExportError::Json`] when the page's data cannot be
/// made.
pub fn write_html(
    review: &MergedReview,
    path: &Path,
    glossary: Option<&Glossary>,
    notes: Option<&Carried>,
) -> Result<(), ExportError> {
    let page = page_html(review, glossary, notes).map_err(|source| ExportError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(write_buffered(path, |w| w.write_all(page.as_bytes()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_leaves_no_markup() {
        let hostile = serde_json::to_string(
            "</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u{2028}\u{2029}",
        )
        .unwrap();
        let s = script_json(&hostile);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!s.contains(bad), "{bad:?} in {s}");
        }
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, serde_json::from_str::<String>(&hostile).unwrap());
    }

    #[test]
    fn csp_names_the_script_and_style_by_hash() {
        let c = csp();
        assert!(c.starts_with("default-src 'none'; script-src 'sha256-"));
        assert_eq!(c.matches("'sha256-").count(), 2);
        assert!(!c.contains("unsafe"));
    }
}
