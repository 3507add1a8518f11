//! Merging every review of an archive, and what an incremental run
//! remembers.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::find::{find_reviews, modified, newest_input, rel_string};
use super::summary::write_summary;
use super::{BatchError, BatchOptions, BatchReport, ReviewRow, ReviewStatus, STATE_FILE};
use crate::discover::{same_file, DEFAULT_CSV, DEFAULT_HTML, DEFAULT_JSON, DEFAULT_OUTPUT};
use crate::model::ReturnStatus;
use crate::pipeline::merge_dir;
use crate::publish::{publish, Chosen, Outputs};

/// The settings an incremental run must have in common with the last
/// one for its rows to be carried over.
fn settings_key(opts: &BatchOptions) -> String {
    format!(
        "chronomerge {} | {:?} | json={} csv={}{}",
        env!("CARGO_PKG_VERSION"),
        opts.merge,
        opts.json,
        opts.csv,
        if opts.html { " html=true" } else { "" }
    )
}

/// What an incremental run keeps between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct BatchState {
    settings: String,
    reviews: BTreeMap<String, ReviewRow>,
}

/// What a batch writes for one review, in its output folder.
fn outputs<'a>(out_dir: &Path, opts: &'a BatchOptions) -> Outputs<'a> {
    Outputs {
        workbook: out_dir.join(DEFAULT_OUTPUT),
        json: opts.json.then(|| out_dir.join(DEFAULT_JSON)),
        csv: opts.csv.then(|| out_dir.join(DEFAULT_CSV)),
        html: opts.html.then(|| out_dir.join(DEFAULT_HTML)),
        write: &opts.write,
        beside_if_locked: false,
        chosen: Chosen::OutputFolder,
    }
}

/// Merges one review and writes its outputs.
fn merge_one(dir: &Path, out_dir: &Path, folder: String, opts: &BatchOptions) -> ReviewRow {
    let started = Instant::now();
    let workbook_rel = if folder == "." {
        DEFAULT_OUTPUT.to_string()
    } else {
        format!("{folder}/{DEFAULT_OUTPUT}")
    };
    let fail = |m: String| {
        // No workbook was written: the summary points at none.
        ReviewRow::failed(
            folder.clone(),
            String::new(),
            crate::watch::one_line(&m),
            started.elapsed().as_secs_f64(),
        )
    };
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        return fail(format!("cannot make {}: {e}", out_dir.display()));
    }
    let outputs = outputs(out_dir, opts);
    let mut mopts = opts.merge.clone();
    mopts.exclude.extend(outputs.files());
    // Archives are never written into: Refs in order, no ref store.
    mopts.refs_in_order = true;
    let review = match merge_dir(dir, &mopts) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    // A review folder with no return is a failed review, not an empty one.
    if let Some(msg) = review.no_returns() {
        return fail(msg);
    }
    let notes: Vec<String> = match publish(&review, &outputs) {
        Ok(p) => p.not_written.iter().map(|n| n.to_string()).collect(),
        Err(e) => return fail(e.to_string()),
    };
    let chron = &review.chronology;
    let count = |s: ReturnStatus| chron.returns.iter().filter(|r| r.status == s).count();
    let reference = review.config.review.clone().unwrap_or_else(|| {
        let mut refs: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &chron.returns {
            let t = r.review_reference.trim();
            if !t.is_empty() {
                *refs.entry(t).or_default() += 1;
            }
        }
        refs.into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(r, _)| r.to_string())
            .unwrap_or_default()
    });
    let errors = review.errors();
    let failed_exports = !notes.is_empty();
    ReviewRow {
        folder,
        reference,
        status: if failed_exports {
            ReviewStatus::WrittenInPart
        } else if errors > 0 {
            ReviewStatus::MergedWithErrors
        } else {
            ReviewStatus::Merged
        },
        returns: count(ReturnStatus::Merged) + count(ReturnStatus::MergedWithWarnings),
        returns_rejected: count(ReturnStatus::Rejected),
        agencies: chron.agencies.len(),
        events: chron.events.len(),
        rejected_rows: chron.returns.iter().map(|r| r.rows_rejected).sum(),
        errors,
        warnings: review.warnings(),
        period_from: review.config.period_from,
        period_to: review.config.period_to,
        first_event: chron.events.iter().map(|e| e.date.start).min(),
        last_event: chron.events.iter().map(|e| e.date.last_day()).max(),
        episodes: review.analysis.episodes.len(),
        missing_agencies: crate::export::missing_agencies(&review),
        seconds: started.elapsed().as_secs_f64(),
        workbook: workbook_rel,
        message: notes.join("; "),
    }
}

/// Merges every review under `archive` into `out`. `on_done` is called
/// (from worker threads) as each review finishes, with the number of
/// reviews found. A summary that cannot be written is in
/// [`BatchReport::summary_errors`].
///
/// # Errors
///
/// [`BatchError`] only when the archive cannot be read, the output folder
/// cannot be made or the worker threads cannot be started.
pub fn run_batch(
    archive: &Path,
    out: &Path,
    opts: &BatchOptions,
    on_start: &dyn Fn(usize),
    on_done: &(dyn Fn(&ReviewRow) + Sync),
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    if !archive.is_dir() {
        return Err(BatchError::NotAFolder(archive.to_path_buf()));
    }
    std::fs::create_dir_all(out).map_err(|source| BatchError::OutputFolder {
        path: out.to_path_buf(),
        source,
    })?;
    let skip = (!same_file(archive, out)).then_some(out);
    // The engine's own files (and the settings files given) in a folder
    // neither make it a review nor make its inputs newer.
    let own = opts.merge.own_files([]);
    let reviews = find_reviews(archive, skip, &own).map_err(|source| BatchError::Archive {
        path: archive.to_path_buf(),
        source,
    })?;
    on_start(reviews.len());
    let state_path = out.join(STATE_FILE);
    let settings = settings_key(opts);
    let old: BatchState = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|s: &BatchState| s.settings == settings)
        .unwrap_or_default();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.jobs {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build()?;
    let rows: Vec<ReviewRow> = pool.install(|| {
        reviews
            .par_iter()
            .map(|rel| {
                let folder = rel_string(rel);
                let dir = archive.join(rel);
                let out_dir = out.join(rel);
                if opts.incremental {
                    if let Some(prev) = old.reviews.get(&folder) {
                        let wb = out_dir.join(DEFAULT_OUTPUT);
                        let fresh = !matches!(
                            prev.status,
                            ReviewStatus::Failed | ReviewStatus::WrittenInPart
                        )
                            && match (modified(&wb), newest_input(&dir, &opts.merge, &own)) {
                                (Some(w), Some(i)) => w >= i,
                                _ => false,
                            }
                            && (!opts.json || out_dir.join(DEFAULT_JSON).is_file())
                            && (!opts.csv || out_dir.join(DEFAULT_CSV).is_file())
                            && (!opts.html || out_dir.join(DEFAULT_HTML).is_file());
                        if fresh {
                            let mut row = prev.clone();
                            row.status = ReviewStatus::Unchanged;
                            row.seconds = 0.0;
                            on_done(&row);
                            return row;
                        }
                    }
                }
                let row = catch_unwind(AssertUnwindSafe(|| {
                    merge_one(&dir, &out_dir, folder.clone(), opts)
                }))
                .unwrap_or_else(|_| {
                    ReviewRow::failed(
                        folder.clone(),
                        String::new(),
                        "the engine failed on this review (please report it to the chronomerge maintainers)"
                            .into(),
                        0.0,
                    )
                });
                on_done(&row);
                row
            })
            .collect()
    });
    // Remember what was merged, carrying the status of unchanged rows.
    let mut state = BatchState {
        settings,
        reviews: BTreeMap::new(),
    };
    for r in &rows {
        let mut keep = r.clone();
        if r.status == ReviewStatus::Unchanged {
            if let Some(prev) = old.reviews.get(&r.folder) {
                keep.status = prev.status;
                keep.seconds = prev.seconds;
            }
        }
        state.reviews.insert(r.folder.clone(), keep);
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&state) {
        // An incremental run that cannot remember simply merges again.
        let _ = crate::output::write_buffered(&state_path, |w| w.write_all(&bytes));
    }
    let (summary_xlsx, summary_errors) = write_summary(&rows, out, &opts.write);
    Ok(BatchReport {
        rows,
        summary_xlsx,
        seconds: started.elapsed().as_secs_f64(),
        summary_errors,
    })
}
