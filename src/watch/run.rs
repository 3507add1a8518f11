//! The watch loop: file notifications, a quiet spell, a look at the
//! folder, a merge when something settled has changed.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::state::State;
use super::{WatchError, WatchEvent, WatchOptions, WatchSummary};
use crate::discover::same_file;

/// Watches `dir` and keeps the merged workbook current until `stop` is set
/// (or [`WatchOptions::max_merges`] / [`WatchOptions::exit_after`] is
/// reached). `on_event` is called once per merge.
///
/// # Errors
///
/// [`WatchError::NotAFolder`] when `dir` is not a folder; once watching,
/// every failure is a [`WatchEvent::Failed`] and the watch goes on.
pub fn watch(
    dir: &Path,
    opts: &WatchOptions,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(&WatchEvent),
) -> Result<WatchSummary, WatchError> {
    if !dir.is_dir() {
        return Err(WatchError::NotAFolder(dir.to_path_buf()));
    }
    let config_path = opts
        .merge
        .config_file
        .clone()
        .unwrap_or_else(|| dir.join(crate::discover::CONFIG_FILE));
    let mut state = State::new(dir, opts, config_path.clone());
    let started = Instant::now();
    let mut summary = WatchSummary::default();
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let watcher = {
        use notify::Watcher;
        let made = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        });
        match made {
            Ok(mut w) => {
                let mut ok = w.watch(dir, notify::RecursiveMode::NonRecursive).is_ok();
                if let Some(parent) = config_path.parent() {
                    if !same_file(parent, dir) && parent.is_dir() {
                        ok &= w.watch(parent, notify::RecursiveMode::NonRecursive).is_ok();
                    }
                }
                ok.then_some(w)
            }
            Err(_) => None,
        }
    };
    summary.polling_only = watcher.is_none();
    if summary.polling_only {
        on_event(&WatchEvent::Notice(format!(
            "file notifications are not available for {}: the folder is looked at every {} s instead",
            dir.display(),
            opts.rescan.as_secs_f64()
        )));
    }
    let tick = Duration::from_millis(50);
    let mut dirty_since: Option<Instant> = Some(started);
    let mut last_look = started;
    loop {
        if stop.load(Ordering::SeqCst)
            || opts.exit_after.is_some_and(|d| started.elapsed() >= d)
            || opts
                .max_merges
                .is_some_and(|n| summary.merges + summary.failures >= n)
        {
            break;
        }
        match rx.recv_timeout(tick) {
            Ok(Ok(ev)) => {
                let matters = ev.need_rescan()
                    || ev.paths.is_empty()
                    || ev.paths.iter().any(|p| state.relevant(p));
                if matters {
                    dirty_since = Some(Instant::now());
                }
                continue;
            }
            Ok(Err(_)) => {
                dirty_since = Some(Instant::now());
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        }
        let now = Instant::now();
        let due = dirty_since.is_some_and(|t| now.duration_since(t) >= opts.debounce)
            || (state.settling() && now.duration_since(last_look) >= tick)
            || now.duration_since(last_look) >= opts.rescan;
        if !due {
            continue;
        }
        dirty_since = None;
        last_look = now;
        if let Some(ev) = state.step(now) {
            match &ev {
                WatchEvent::Merged(_) => summary.merges += 1,
                WatchEvent::Failed(_) => summary.failures += 1,
                WatchEvent::Notice(_) => {}
            }
            on_event(&ev);
        }
    }
    drop(watcher);
    Ok(summary)
}
