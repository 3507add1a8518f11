//! One agency under two names: names close enough to be one agency, the
//! warning that suggests the alias, and how the episodes count them
//! meanwhile (see the [parent module](super)).

use crate::config::ReviewConfig;
use crate::findings::{Code, Finding};
use crate::model::normalise;
use crate::model::{CheckedReturn, ReturnStatus};

use super::resent::{is_live, toml_str};

/// Words that name no agency in particular: dropped before names are
/// compared.
pub const FILLER: &[&str] = &[
    "the",
    "of",
    "and",
    "for",
    "in",
    "at",
    "on",
    "to",
    "nhs",
    "trust",
    "foundation",
    "ft",
    "service",
    "services",
    "team",
    "teams",
    "unit",
    "department",
    "dept",
    "directorate",
    "division",
    "partnership",
    "group",
    "ltd",
    "limited",
    "cic",
    "plc",
    "city",
    "county",
    "borough",
    "metropolitan",
    "district",
    "mbc",
    "local",
    "area",
    "hq",
    "headquarters",
    "social",
    "care",
    "justice",
    "offending",
    "office",
    "organisation",
    "agency",
];

/// Words that say what kind of agency a name is, and the kind: two names
/// are close only when they name the same kinds.
pub const KINDS: &[(&str, &str)] = &[
    ("police", "police"),
    ("constabulary", "police"),
    ("policing", "police"),
    ("fire", "fire"),
    ("rescue", "fire"),
    ("ambulance", "ambulance"),
    ("hospital", "hospital"),
    ("hospitals", "hospital"),
    ("infirmary", "hospital"),
    ("health", "health"),
    ("healthcare", "health"),
    ("mental", "mental health"),
    ("camhs", "mental health"),
    ("gp", "gp"),
    ("surgery", "gp"),
    ("practice", "gp"),
    ("medical", "gp"),
    ("dental", "dental"),
    ("dentist", "dental"),
    ("pharmacy", "pharmacy"),
    ("midwifery", "maternity"),
    ("maternity", "maternity"),
    ("school", "school"),
    ("academy", "school"),
    ("nursery", "nursery"),
    ("college", "college"),
    ("university", "university"),
    ("education", "education"),
    ("council", "council"),
    ("authority", "council"),
    ("children", "children"),
    ("childrens", "children"),
    ("child", "children"),
    ("csc", "children"),
    ("adult", "adult"),
    ("adults", "adult"),
    ("probation", "probation"),
    ("prison", "prison"),
    ("hmp", "prison"),
    ("youth", "youth"),
    ("court", "court"),
    ("courts", "court"),
    ("cafcass", "court"),
    ("housing", "housing"),
    ("homes", "housing"),
    ("drug", "substance"),
    ("drugs", "substance"),
    ("alcohol", "substance"),
    ("substance", "substance"),
    ("domestic", "domestic abuse"),
    ("abuse", "domestic abuse"),
    ("idva", "domestic abuse"),
];

/// An agency name as compared: its kinds and its other words, sorted.
#[derive(Debug, PartialEq)]
struct NameKey {
    kinds: Vec<&'static str>,
    words: Vec<String>,
}

fn name_key(name: &str) -> NameKey {
    let mut kinds = Vec::new();
    let mut words = Vec::new();
    for w in normalise(name).split(' ') {
        // One letter (the `s` of `children's`) names nothing; a number
        // may (`Team 2`).
        let letter = w.chars().count() < 2 && !w.chars().all(|c| c.is_ascii_digit());
        if letter || FILLER.contains(&w) {
            continue;
        }
        match KINDS.iter().find(|(k, _)| *k == w) {
            Some((_, kind)) => kinds.push(*kind),
            None => words.push(w.to_string()),
        }
    }
    kinds.sort_unstable();
    kinds.dedup();
    words.sort_unstable();
    words.dedup();
    NameKey { kinds, words }
}

fn keys_close(a: &NameKey, b: &NameKey) -> bool {
    if a.kinds != b.kinds {
        return false;
    }
    let (small, large) = if a.words.len() <= b.words.len() {
        (&a.words, &b.words)
    } else {
        (&b.words, &a.words)
    };
    if small.is_empty() {
        // Nothing but kinds: close only to a name of nothing but the same
        // (non-empty) kinds.
        return large.is_empty() && !a.kinds.is_empty();
    }
    small.iter().all(|w| large.binary_search(w).is_ok())
}

/// True when two agency names are so close that they may be one agency
/// (see the module docs).
#[cfg(test)]
pub fn names_close(a: &str, b: &str) -> bool {
    keys_close(&name_key(a), &name_key(b))
}

/// The pairs `(i, j)`, `i < j`, of `names` that are close, leaving out
/// pairs whose names are both the `name` of an `[[agencies]]` entry (the
/// reviewer's two agencies).
pub fn close_pairs(names: &[String], config: &ReviewConfig) -> Vec<(usize, usize)> {
    let keys: Vec<NameKey> = names.iter().map(|n| name_key(n)).collect();
    let configured = |n: &str| config.agencies.iter().any(|a| a.name == n);
    let mut out = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            if names[i] != names[j]
                && keys_close(&keys[i], &keys[j])
                && !(configured(&names[i]) && configured(&names[j]))
            {
                out.push((i, j));
            }
        }
    }
    out
}

/// For each of `n` agencies, the one it is counted as: the smallest index
/// joined to it by a chain of close `pairs`.
pub fn counted_as(n: usize, pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut rep: Vec<usize> = (0..n).collect();
    fn root(rep: &mut [usize], mut i: usize) -> usize {
        while rep[i] != i {
            rep[i] = rep[rep[i]];
            i = rep[i];
        }
        i
    }
    for &(a, b) in pairs {
        if a >= n || b >= n {
            continue;
        }
        let (x, y) = (root(&mut rep, a), root(&mut rep, b));
        let (lo, hi) = (x.min(y), x.max(y));
        rep[hi] = lo;
    }
    (0..n).map(|i| root(&mut rep, i)).collect()
}

/// Warns about the agency names of `returns` that are close (rejected,
/// ignored and superseded returns aside): one `agency-names-close`
/// warning for each pair, on the first return (by file name) of the name
/// that sorts second, suggesting the alias line. Returns the close pairs
/// of canonical names.
pub fn flag_close_names(
    returns: &mut [&mut CheckedReturn],
    config: &ReviewConfig,
) -> Vec<(String, String)> {
    let canon: Vec<Option<String>> = returns
        .iter()
        .map(|r| is_live(r).then(|| config.canonical_agency(&r.agency)))
        .collect();
    let mut names: Vec<String> = canon.iter().flatten().cloned().collect();
    names.sort();
    names.dedup();
    let pairs = close_pairs(&names, config);
    // The first return (by file name) of each name.
    let first: Vec<Option<usize>> = names
        .iter()
        .map(|name| {
            (0..returns.len())
                .filter(|&k| canon[k].as_deref() == Some(name.as_str()))
                .min_by(|&x, &y| returns[x].summary.file.cmp(&returns[y].summary.file))
        })
        .collect();
    let mut out = Vec::new();
    for &(i, j) in &pairs {
        let (a, b) = (&names[i], &names[j]);
        out.push((a.clone(), b.clone()));
        let (Some(fa), Some(fb)) = (first[i], first[j]) else {
            continue;
        };
        // The name to keep: the configured one, else the one of fewer
        // words (the wider name), else the first.
        let entry = |n: &str| config.agencies.iter().find(|e| e.name == n);
        let (ka, kb) = (name_key(a), name_key(b));
        let keep_a = match (entry(a), entry(b)) {
            (Some(_), None) => true,
            (None, Some(_)) => false,
            _ => (ka.words.len(), a.len()) <= (kb.words.len(), b.len()),
        };
        let (keep, alias) = if keep_a { (a, b) } else { (b, a) };
        let how = match entry(keep) {
            Some(e) if !e.aliases.is_empty() => format!(
                "add {} to the aliases of the [[agencies]] entry name = {} in review.toml",
                toml_str(alias),
                toml_str(keep)
            ),
            Some(_) => format!(
                "add the line aliases = [{}] under the [[agencies]] entry name = {} in review.toml",
                toml_str(alias),
                toml_str(keep)
            ),
            None => format!(
                "add to review.toml an [[agencies]] entry name = {} with the line aliases = [{}]",
                toml_str(keep),
                toml_str(alias)
            ),
        };
        let other_file = returns[fa].summary.file.clone();
        let r = &mut returns[fb];
        let mut f = Finding::new(
            Code::AgencyNamesClose,
            &r.summary.file,
            format!(
                "the agency '{b}' of this return and '{a}' (in {other_file}) are so alike that they may be one agency, and are counted as one in the key practice episodes: ask whether they are one; if so, {how}; if they are two, give each its own [[agencies]] entry"
            ),
        );
        if let Some((sheet, cell)) = &r.agency_at {
            f = f.at(sheet.as_str(), cell.as_str());
        }
        r.findings.push(f);
        if r.summary.status == ReturnStatus::Merged {
            r.summary.status = ReturnStatus::MergedWithWarnings;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_need_the_same_kind_and_shared_places() {
        let close = [
            ("Kirklees Police", "West Yorkshire Police - Kirklees"),
            (
                "West Yorkshire Police",
                "West Yorkshire Police (Kirklees District)",
            ),
            (
                "Leeds Teaching Hospitals NHS Trust",
                "Leeds Teaching Hospitals",
            ),
            ("Leeds City Council", "Leeds Council"),
            ("Leeds Children's Social Care", "Leeds Children's Services"),
            ("Police", "The Police Service"),
        ];
        for (a, b) in close {
            assert!(names_close(a, b), "{a} / {b}");
            assert!(names_close(b, a), "{b} / {a}");
        }
        let apart = [
            ("West Yorkshire Police", "West Yorkshire Fire"),
            ("West Yorkshire Police", "North Yorkshire Police"),
            ("Kirklees Police", "Kirklees Council"),
            ("Leeds Children's Social Care", "Leeds Adult Social Care"),
            ("Riverside Primary School", "Riverside Nursery"),
            ("Police", "Kirklees Police"),
            ("Barnet Council", "Barnes Council"),
            ("NHS", "The Trust"),
            ("return 0", "return 1"),
        ];
        for (a, b) in apart {
            assert!(!names_close(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn two_configured_agencies_are_never_close() {
        let names = vec![
            "Kirklees Police".to_string(),
            "West Yorkshire Police - Kirklees".to_string(),
        ];
        assert_eq!(close_pairs(&names, &ReviewConfig::default()), vec![(0, 1)]);
        let cfg: ReviewConfig = toml::from_str(
            "[[agencies]]\nname = \"Kirklees Police\"\n[[agencies]]\nname = \"West Yorkshire Police - Kirklees\"\n",
        )
        .unwrap();
        assert!(close_pairs(&names, &cfg).is_empty());
    }

    #[test]
    fn example_names_close() {
        use super::names_close;
        assert!(names_close(
            "Kirklees Police",
            "West Yorkshire Police - Kirklees"
        ));
        assert!(names_close(
            "West Yorkshire Fire",
            "West Yorkshire Fire and Rescue Service"
        ));
        assert!(names_close(
            "Riverside Surgery",
            "Riverside Medical Practice"
        ));
        assert!(!names_close("West Yorkshire Police", "West Yorkshire Fire"));
        assert!(!names_close("Kirklees Police", "Calderdale Police"));
        assert!(!names_close(
            "Leeds Children's Social Care",
            "Leeds Community Healthcare"
        ));
        assert!(!names_close(
            "West Yorkshire Police - Kirklees",
            "West Yorkshire Police - Calderdale"
        ));
    }

    #[test]
    fn example_counted_as() {
        assert_eq!(super::counted_as(4, &[(1, 3), (0, 1)]), vec![0, 0, 2, 0]);
    }
}
