//! Several returns of one agency in a folder: which is newer, which
//! events a re-sent return kept, changed, added and removed, and whether
//! it supersedes the older one or is another part of the agency's return
//! (see the [parent module](super)).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::config::ReviewConfig;
use crate::findings::{Code, Finding};
use crate::model::{CheckedReturn, Event, ReturnStatus};

/// The share of an older return's events that must be paired with a
/// newer return's for the older to be superseded.
pub const SUPERSEDE_SHARE: f64 = 0.5;

/// How alike (Sørensen–Dice on letter pairs, 0–1) the details of two
/// events of the same day and source must be for one to be the other
/// changed.
pub const CHANGED_SIMILARITY: f64 = 0.5;

/// At most this many events of the same day and source are tried as the
/// changed form of an event (a day of one source with hundreds of
/// unpaired events is not compared pair by pair).
const CHANGED_CANDIDATES: usize = 16;

/// How the events of an older return compare with a newer one's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventDiff {
    /// Events alike in every column.
    pub same: usize,
    /// Events of the older return found, changed, in the newer.
    pub changed: usize,
    /// Events of the newer return with no pair in the older.
    pub added: usize,
    /// Events of the older return with no pair in the newer.
    pub removed: usize,
}

impl EventDiff {
    /// Events of the older return found in the newer, alike or changed.
    pub fn paired(&self) -> usize {
        self.same + self.changed
    }
}

/// Feeds text to a hasher as [`normalise`] would give it (lower case,
/// letters and digits, single spaces), without building the string.
fn hash_text(h: &mut DefaultHasher, s: &str) {
    let (mut gap, mut any) = (false, false);
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            if gap && any {
                h.write_u8(b' ');
            }
            gap = false;
            any = true;
            for c in ch.to_lowercase() {
                h.write_u32(c as u32);
            }
        } else {
            gap = true;
        }
    }
    h.write_u8(0xFF);
}

/// Date, time and details: the same event, whatever else was corrected.
fn match_key(e: &Event) -> u64 {
    let mut h = DefaultHasher::new();
    e.date.start.hash(&mut h);
    e.date.precision.hash(&mut h);
    e.time.hash(&mut h);
    hash_text(&mut h, &e.details);
    h.finish()
}

/// Every column the agency wrote: the same event, unchanged.
fn full_key(e: &Event) -> u64 {
    let mut h = DefaultHasher::new();
    e.date.start.hash(&mut h);
    e.date.precision.hash(&mut h);
    e.date.approximate.hash(&mut h);
    e.date.end.hash(&mut h);
    e.time.hash(&mut h);
    e.sequence.map(f64::to_bits).hash(&mut h);
    e.is_note.hash(&mut h);
    for t in [
        &*e.source,
        &*e.role,
        &*e.subject,
        &*e.event_type,
        &e.details,
        &e.action,
        &e.analysis,
    ] {
        hash_text(&mut h, t);
    }
    h.finish()
}

/// Day and source: where a changed event is looked for.
fn day_source_key(e: &Event) -> u64 {
    let mut h = DefaultHasher::new();
    e.date.start.hash(&mut h);
    e.date.precision.hash(&mut h);
    hash_text(&mut h, &e.source);
    h.finish()
}

/// Pairs the unpaired events of `older` and `newer` that give the same
/// key; returns how many.
fn pair_by(
    older: &[Event],
    newer: &[Event],
    old_left: &mut [bool],
    new_left: &mut [bool],
    key: fn(&Event) -> u64,
) -> usize {
    let mut map: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in older.iter().enumerate().filter(|(i, _)| old_left[*i]) {
        map.entry(key(e)).or_default().push(i);
    }
    let mut n = 0;
    for (j, e) in newer.iter().enumerate() {
        if !new_left[j] {
            continue;
        }
        if let Some(i) = map.get_mut(&key(e)).and_then(|v| v.pop()) {
            old_left[i] = false;
            new_left[j] = false;
            n += 1;
        }
    }
    n
}

/// Compares the events of an older return with a newer one's (see the
/// module docs). Linear in the events, apart from the few unpaired events
/// of one day and source compared as changed.
pub fn diff_events(older: &[Event], newer: &[Event]) -> EventDiff {
    let mut old_left = vec![true; older.len()];
    let mut new_left = vec![true; newer.len()];
    let same = pair_by(older, newer, &mut old_left, &mut new_left, full_key);
    let mut changed = pair_by(older, newer, &mut old_left, &mut new_left, match_key);
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in older.iter().enumerate().filter(|(i, _)| old_left[*i]) {
        buckets.entry(day_source_key(e)).or_default().push(i);
    }
    if !buckets.is_empty() {
        for (j, e) in newer.iter().enumerate() {
            if !new_left[j] {
                continue;
            }
            let Some(list) = buckets.get_mut(&day_source_key(e)) else {
                continue;
            };
            let hit = list.iter().take(CHANGED_CANDIDATES).position(|&i| {
                strsim::sorensen_dice(&older[i].details, &e.details) >= CHANGED_SIMILARITY
            });
            if let Some(pos) = hit {
                let i = list.remove(pos);
                old_left[i] = false;
                new_left[j] = false;
                changed += 1;
            }
        }
    }
    EventDiff {
        same,
        changed,
        added: new_left.iter().filter(|&&x| x).count(),
        removed: old_left.iter().filter(|&&x| x).count(),
    }
}

/// Compares text as people order versions: case ignored, runs of digits
/// by their number (`v2` < `v10`).
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (mut x, mut y) = (a.as_str(), b.as_str());
    loop {
        let (Some(c), Some(d)) = (x.chars().next(), y.chars().next()) else {
            return x.len().cmp(&y.len());
        };
        if c.is_ascii_digit() && d.is_ascii_digit() {
            let n = x.find(|c: char| !c.is_ascii_digit()).unwrap_or(x.len());
            let m = y.find(|c: char| !c.is_ascii_digit()).unwrap_or(y.len());
            let (p, q) = (
                x[..n].trim_start_matches('0'),
                y[..m].trim_start_matches('0'),
            );
            let o = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
            if o != Ordering::Equal {
                return o;
            }
            x = &x[n..];
            y = &y[m..];
        } else {
            if c != d {
                return c.cmp(&d);
            }
            x = &x[c.len_utf8()..];
            y = &y[d.len_utf8()..];
        }
    }
}

fn stem(file: &str) -> &str {
    std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
}

/// Which of two returns is the newer (`Greater`: `a`), and why, in words
/// that follow "the newer one": see the module docs.
fn newness(a: &CheckedReturn, b: &CheckedReturn) -> (Ordering, String) {
    if let (Some(x), Some(y)) = (a.completed, b.completed) {
        if x != y {
            let (n, o) = (x.max(y), x.min(y));
            return (
                x.cmp(&y),
                format!(
                    "its Date completed {} is later than this one's {}",
                    n.format(crate::dates::display::DAY),
                    o.format(crate::dates::display::DAY)
                ),
            );
        }
    }
    if let (Some(x), Some(y)) = (a.modified, b.modified) {
        if x != y {
            return (
                x.cmp(&y),
                "its file was saved later (the Date completed does not tell them apart)".into(),
            );
        }
    }
    let o = natural_cmp(stem(&a.summary.file), stem(&b.summary.file))
        .then_with(|| a.summary.file.cmp(&b.summary.file));
    (
        o,
        "its file name sorts later (neither the Date completed nor the file times tell them apart)"
            .into(),
    )
}

pub(super) fn is_live(r: &CheckedReturn) -> bool {
    !matches!(
        r.summary.status,
        ReturnStatus::Rejected | ReturnStatus::Ignored | ReturnStatus::Superseded
    )
}

/// The `[returns]` decisions that apply, as indexes.
#[derive(Default)]
struct Overrides {
    /// older → newer.
    supersedes: HashMap<usize, usize>,
    /// Pairs (low, high) that are parts.
    parts: HashSet<(usize, usize)>,
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// Reads `[returns]` against the returns found; what cannot be applied is
/// a finding.
fn overrides(
    returns: &[&mut CheckedReturn],
    config: &ReviewConfig,
    findings: &mut Vec<Finding>,
) -> Overrides {
    let mut out = Overrides::default();
    let cfg = &config.returns;
    if cfg.supersedes.is_empty() && cfg.parts.is_empty() {
        return out;
    }
    let unused = |why: String| {
        Finding::new(
            Code::ReturnsOverrideUnused,
            crate::discover::CONFIG_FILE,
            format!(
                "{why}: the entry is not applied; name the files as the Returns sheet lists them"
            ),
        )
        .at("[returns]", "")
    };
    // Every file named must be a live return; all of one agency.
    let find = |what: &str, names: &[&String], findings: &mut Vec<Finding>| -> Option<Vec<usize>> {
        let mut idx = Vec::new();
        for n in names {
            let key = n.trim().to_lowercase();
            match returns
                .iter()
                .position(|r| r.summary.file.to_lowercase() == key)
            {
                Some(i) if is_live(returns[i]) => idx.push(i),
                Some(_) => {
                    findings.push(unused(format!(
                        "{what} names '{n}', which is not merged (rejected, ignored or already superseded)"
                    )));
                    return None;
                }
                None => {
                    findings.push(unused(format!(
                        "{what} names '{n}', which is not in the review folder"
                    )));
                    return None;
                }
            }
        }
        let agencies: HashSet<String> = idx
            .iter()
            .map(|&i| config.canonical_agency(&returns[i].agency))
            .collect();
        if agencies.len() > 1 {
            let mut a: Vec<String> = agencies.into_iter().collect();
            a.sort();
            findings.push(unused(format!(
                "{what} names returns of different agencies ({}); if they are one agency, add an alias under [[agencies]]",
                a.join(", ")
            )));
            return None;
        }
        Some(idx)
    };
    for (newer, olders) in &cfg.supersedes {
        for older in olders {
            let what = format!("supersedes \"{newer}\" = [\"{older}\"]");
            let Some(ix) = find(&what, &[newer, older], findings) else {
                continue;
            };
            let (n, o) = (ix[0], ix[1]);
            if n == o {
                findings.push(unused(format!("{what} names one file twice")));
                continue;
            }
            if let Some(&other) = out.supersedes.get(&o) {
                findings.push(unused(format!(
                    "{what}: '{older}' is already superseded by '{}'",
                    returns[other].summary.file
                )));
                continue;
            }
            // A loop (a replaces b, b replaces a) would merge neither.
            let mut at = n;
            let mut looped = false;
            for _ in 0..=returns.len() {
                match out.supersedes.get(&at) {
                    Some(&next) if next == o => {
                        looped = true;
                        break;
                    }
                    Some(&next) => at = next,
                    None => break,
                }
            }
            if looped {
                findings.push(unused(format!(
                    "{what}: '{newer}' is itself superseded by '{older}', so neither would be merged"
                )));
                continue;
            }
            out.supersedes.insert(o, n);
        }
    }
    for group in &cfg.parts {
        let what = format!(
            "parts = [{}]",
            group
                .iter()
                .map(|g| format!("\"{g}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let names: Vec<&String> = group.iter().collect();
        let Some(ix) = find(&what, &names, findings) else {
            continue;
        };
        for (k, &a) in ix.iter().enumerate() {
            for &b in &ix[k + 1..] {
                if a != b {
                    out.parts.insert(pair(a, b));
                }
            }
        }
    }
    out
}

/// What becomes of one return of an agency with several.
enum Decision {
    Superseded {
        older: usize,
        newer: usize,
        diff: EventDiff,
        why: String,
    },
    Part {
        part: usize,
        with: usize,
        diff: EventDiff,
        forced: bool,
    },
}

/// Decides, for the returns of one agency `group`, which are superseded
/// and which are parts.
fn decide(returns: &[&mut CheckedReturn], group: &[usize], ov: &Overrides) -> Vec<Decision> {
    // Newest first. An insertion sort on the pairwise test: the test is
    // not always transitive over three files (one lacks a Date
    // completed), and a sort that assumes it may panic.
    let mut order: Vec<usize> = Vec::with_capacity(group.len());
    for &i in group {
        let at = order
            .iter()
            .position(|&k| newness(returns[i], returns[k]).0 == Ordering::Greater)
            .unwrap_or(order.len());
        order.insert(at, i);
    }
    let mut out = Vec::new();
    let mut kept: Vec<usize> = Vec::new();
    for &i in &order {
        if let Some(&n) = ov.supersedes.get(&i) {
            out.push(Decision::Superseded {
                older: i,
                newer: n,
                diff: diff_events(&returns[i].events, &returns[n].events),
                why: "review.toml says so ([returns] supersedes)".into(),
            });
            continue;
        }
        let mut first: Option<(usize, EventDiff, bool)> = None;
        let mut superseded = false;
        for &k in &kept {
            let forced = ov.parts.contains(&pair(i, k));
            let diff = diff_events(&returns[i].events, &returns[k].events);
            first.get_or_insert((k, diff, forced));
            let n = returns[i].events.len();
            let (o, why) = newness(returns[k], returns[i]);
            if !forced
                && o == Ordering::Greater
                && n > 0
                && diff.paired() as f64 >= SUPERSEDE_SHARE * n as f64
            {
                out.push(Decision::Superseded {
                    older: i,
                    newer: k,
                    diff,
                    why,
                });
                superseded = true;
                break;
            }
        }
        if !superseded {
            if let Some((with, diff, forced)) = first {
                out.push(Decision::Part {
                    part: i,
                    with,
                    diff,
                    forced,
                });
            }
            kept.push(i);
        }
    }
    out
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A TOML string, quoted and escaped, for a line to paste into review.toml.
pub(super) fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Settles the returns of agencies with more than one (see the module
/// docs): superseded ones get the status `superseded`, their rows counted
/// as skipped, their events dropped and their findings replaced by one
/// `return-superseded` finding; parts get a `return-part` finding. Returns
/// the findings about `[returns]` entries that could not be applied.
pub fn settle(returns: &mut [&mut CheckedReturn], config: &ReviewConfig) -> Vec<Finding> {
    let mut config_findings = Vec::new();
    let ov = overrides(returns, config, &mut config_findings);
    let mut by_agency: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in returns.iter().enumerate() {
        if is_live(r) {
            by_agency
                .entry(config.canonical_agency(&r.agency))
                .or_default()
                .push(i);
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> =
        by_agency.into_iter().filter(|(_, g)| g.len() > 1).collect();
    groups.sort();
    for (agency, group) in groups {
        for d in decide(returns, &group, &ov) {
            match d {
                Decision::Superseded {
                    older,
                    newer,
                    diff,
                    why,
                } => supersede(returns, older, newer, diff, &why),
                Decision::Part {
                    part,
                    with,
                    diff,
                    forced,
                } => {
                    let with_file = returns[with].summary.file.clone();
                    let r = &mut returns[part];
                    let n = r.events.len();
                    let shared = if n == 0 {
                        "this return has no merged events to compare with it".to_string()
                    } else {
                        format!(
                            "{} of this return's {} are in it",
                            diff.paired(),
                            plural(n, "event", "events")
                        )
                    };
                    let why = if forced {
                        "review.toml lists them as parts ([returns] parts)".to_string()
                    } else {
                        format!("{shared}, fewer than half")
                    };
                    let msg = format!(
                        "this return and '{with_file}' both come from '{agency}' ({why}): both are merged, as parts of the agency's return; if '{with_file}' replaces this one, add to review.toml under [returns]: supersedes = {{ {} = [{}] }}",
                        toml_str(&with_file),
                        toml_str(&r.summary.file)
                    );
                    r.findings
                        .push(Finding::new(Code::ReturnPart, &r.summary.file, msg));
                }
            }
        }
    }
    config_findings
}

/// Marks `older` superseded by `newer`.
fn supersede(
    returns: &mut [&mut CheckedReturn],
    older: usize,
    newer: usize,
    diff: EventDiff,
    why: &str,
) {
    let newer_file = returns[newer].summary.file.clone();
    let r = &mut returns[older];
    let old_file = r.summary.file.clone();
    let events = r.events.len();
    let dropped = r.findings.len();
    let s = &mut r.summary;
    let read = s.rows_read;
    s.rows_skipped += s.rows_merged + s.rows_rejected;
    s.rows_merged = 0;
    s.rows_rejected = 0;
    s.status = ReturnStatus::Superseded;
    s.note = format!(
        "superseded by '{newer_file}' ({why}): against this return it has {} added, {} changed and {} removed; none of this return's {} is merged (counted as skipped) and its findings are not listed",
        plural(diff.added, "row", "rows"),
        diff.changed,
        diff.removed,
        plural(read, "row", "rows"),
    );
    r.findings = vec![Finding::new(
        Code::ReturnSuperseded,
        &old_file,
        format!(
            "this return is an older version of '{newer_file}' ({why}; {} of this return's {} are in it, {} of them changed): this file is not merged and its {} not listed; the newer return has {} added, {} changed and {} removed",
            diff.paired(),
            plural(events, "event", "events"),
            diff.changed,
            plural(dropped, "finding is", "findings are"),
            plural(diff.added, "row", "rows"),
            diff.changed,
            diff.removed,
        ),
    )];
    r.events = Vec::new();
    let n = &mut returns[newer].summary.note;
    let add = format!("replaces '{old_file}'");
    if n.is_empty() {
        *n = add;
    } else {
        n.push_str("; ");
        n.push_str(&add);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_as_people_number_them() {
        let mut v = vec![
            "Police - corrected v10",
            "police",
            "Police - corrected v2",
            "Police - corrected v02a",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "police",
                "Police - corrected v2",
                "Police - corrected v02a",
                "Police - corrected v10"
            ]
        );
    }

    #[test]
    fn example_diff_events() {
        use super::diff_events;
        use crate::dates::DateValue;
        use crate::model::{Event, Origin};
        use chrono::NaiveDate;
        let ev = |d: u32, text: &str| Event {
            origin: Origin::new("p.xlsx", "Chronology", d + 1),
            agency: 0,
            date: DateValue::day(NaiveDate::from_ymd_opt(2023, 1, d).unwrap()),
            time: None,
            sequence: None,
            source: "Police log".into(),
            role: "".into(),
            subject: "".into(),
            event_type: "".into(),
            event_type_known: None,
            details: text.into(),
            action: String::new(),
            analysis: String::new(),
            date_written: "".into(),
            key_line: "".into(),
            is_note: false,
            outside_period: false,
            seq_in_return: d,
            reference: Default::default(),
        };
        let old = [
            ev(1, "Call-out to the flat."),
            ev(2, "Mother called; no answer."),
            ev(3, "Visit."),
        ];
        let new = [
            ev(1, "call-out to the flat"),
            ev(2, "Mother called; no answer at the door."),
            ev(4, "Arrest."),
        ];
        let d = diff_events(&old, &new);
        assert_eq!((d.same, d.changed, d.added, d.removed), (1, 1, 1, 1));
    }
}
