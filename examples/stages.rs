//! Per-stage timings of `chronomerge merge` on one review folder, by calling
//! the library's stage functions one by one (issue 8, `docs/performance.md`).
//!
//! ```text
//! cargo run --release --example stages -- DIR [-o OUT.xlsx] [--today YYYY-MM-DD] [--runs N]
//! ```
//!
//! Stages: discover, configuration, ingest (`ingest::read_return`) and
//! check (`validate::check_return`) per file, timed sequentially so each
//! file's cost is its own, then the same read + check in parallel as
//! `pipeline::merge_dir` does it; `merge::merge`; `episodes::analyse`;
//! `write::build_workbook_in` (every sheet but the chronology's rows,
//! streamed, as `merge` writes them); `Built::save_atomically` (the
//! chronology's rows written into the file while it is compressed). With
//! `--runs N` each stage is run N times and the median printed, with the
//! CPU seconds of the process (all threads) in the stage. Peak RSS (VmHWM)
//! is printed at the end. It runs on mimalloc, as the binary does.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use chronomerge::model::{CheckedReturn, FileKind};
use chronomerge::pipeline::{settle_config, MergeOptions, MergedReview};
use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// CPU seconds (user + system, all threads) the process has used so far;
/// 0 where getrusage is not available to this example.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn cpu_secs() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn cpu_secs() -> f64 {
    0.0
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// A memory line of /proc/self/status in MB (0 where there is none).
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// A stage: its name, the seconds and CPU seconds of each run, and the
/// peak and current RSS at its end (first run).
type StageRow = (String, Vec<f64>, Vec<f64>, (f64, f64));

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid");
    let mut runs = 1usize;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-o" => {
                i += 1;
                out = args.get(i).map(PathBuf::from);
            }
            "--today" => {
                i += 1;
                match args.get(i).and_then(|v| v.parse().ok()) {
                    Some(d) => today = d,
                    None => return ExitCode::from(2),
                }
            }
            "--runs" => {
                i += 1;
                match args.get(i).and_then(|v| v.parse().ok()) {
                    Some(n) if n > 0 => runs = n,
                    _ => return ExitCode::from(2),
                }
            }
            a if a.starts_with('-') => {
                eprintln!("usage: stages DIR [-o OUT.xlsx] [--today YYYY-MM-DD] [--runs N]");
                return ExitCode::from(2);
            }
            a => dir = Some(PathBuf::from(a)),
        }
        i += 1;
    }
    let Some(dir) = dir else {
        eprintln!("usage: stages DIR [-o OUT.xlsx] [--today YYYY-MM-DD] [--runs N]");
        return ExitCode::from(2);
    };
    let out = out.unwrap_or_else(|| std::env::temp_dir().join("chronomerge-stages.xlsx"));
    let opts = MergeOptions {
        today: Some(today),
        ..MergeOptions::default()
    };

    // Per stage: the seconds of each run, and the peak and current RSS at
    // its end (first run).
    // CPU seconds of each run too (the process's, all threads, since the
    // previous record), to see how much of the second core a stage uses.
    let mut rows: Vec<StageRow> = Vec::new();
    let mut cpu_mark = cpu_secs();
    let mut record = |name: &str, secs: f64| {
        let now = cpu_secs();
        let cpu = now - cpu_mark;
        cpu_mark = now;
        match rows.iter_mut().find(|(n, _, _, _)| n == name) {
            Some((_, v, c, _)) => {
                v.push(secs);
                c.push(cpu);
            }
            None => rows.push((
                name.to_string(),
                vec![secs],
                vec![cpu],
                (peak_rss_mb(), rss_mb()),
            )),
        }
    };
    let mut events = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        let files = match chronomerge::discover::scan(&dir) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("stages: {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        };
        record("discover", t.elapsed().as_secs_f64());

        let t = Instant::now();
        let settings = match settle_config(Some(&dir), &opts) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("stages: {e}");
                return ExitCode::FAILURE;
            }
        };
        record("configuration", t.elapsed().as_secs_f64());
        let chronomerge::config::Settings {
            config,
            children,
            context,
            episodes: episode_cfg,
        } = settings;

        let to_read: Vec<_> = files
            .iter()
            .filter_map(|f| match &f.kind {
                FileKind::Return(fmt) => Some((f.clone(), *fmt)),
                FileKind::Ignored(_) | FileKind::NotRead(_) => None,
            })
            .collect();

        // Sequential, so each stage's cost is its own.
        let (mut ingest, mut check) = (0.0, 0.0);
        for (f, fmt) in &to_read {
            let t = Instant::now();
            let raw = match chronomerge::ingest::read_return(&f.path, &f.name, *fmt) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("stages: {}: {}", f.name, e.message);
                    return ExitCode::FAILURE;
                }
            };
            ingest += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let checked = chronomerge::validate::check_return(raw, &context);
            check += t.elapsed().as_secs_f64();
            drop(checked);
        }
        record("ingest (read_return, sequential)", ingest);
        record("check (check_return, sequential)", check);

        // As merge_dir does it: files in parallel.
        let t = Instant::now();
        let checked: Vec<CheckedReturn> = to_read
            .par_iter()
            .map(|(f, fmt)| chronomerge::pipeline::check_file(&f.path, &f.name, *fmt, &context))
            .collect();
        record(
            "read + check (parallel, as merge_dir)",
            t.elapsed().as_secs_f64(),
        );

        let t = Instant::now();
        let mut chronology = chronomerge::merge::merge(checked, vec![], &config);
        record("merge::merge", t.elapsed().as_secs_f64());
        events = chronology.events.len();

        // The Refs from a fresh ref store (a first merge: every event
        // new); the store is then written on a thread of its own while
        // the analysis runs, as `merge` does (and removed unpublished).
        let t = Instant::now();
        let mut store = chronomerge::refs::RefStore::default();
        chronomerge::refs::assign(&mut chronology, &config, &mut store);
        let store = chronomerge::refs::PendingStore::start(store, &dir);
        record("refs::assign", t.elapsed().as_secs_f64());

        let t = Instant::now();
        let analysis = chronomerge::episodes::analyse(&chronology, &episode_cfg);
        record("episodes::analyse", t.elapsed().as_secs_f64());

        let review = MergedReview {
            dir: dir.clone(),
            config,
            children,
            context,
            chronology,
            analysis,
            made_at: chrono::Local::now(),
            refs: Some(store),
        };
        let t = Instant::now();
        let out_dir = out.parent().unwrap_or(std::path::Path::new("."));
        let opts = chronomerge::write::WriteOptions::default();
        let mut built = match chronomerge::write::build_workbook_in(&review, &opts, out_dir) {
            Ok(wb) => wb,
            Err(e) => {
                eprintln!("stages: {e}");
                return ExitCode::FAILURE;
            }
        };
        record(
            "write::build_workbook_in (all but the chronology's rows)",
            t.elapsed().as_secs_f64(),
        );

        let t = Instant::now();
        if let Err(e) = built.save_atomically(&out) {
            eprintln!("stages: {e}");
            return ExitCode::FAILURE;
        }
        record(
            "save (chronology rows + zip + rename)",
            t.elapsed().as_secs_f64(),
        );
        let t = Instant::now();
        drop(built);
        drop(review);
        record("drop", t.elapsed().as_secs_f64());
    }

    let skip = [
        "ingest (read_return, sequential)",
        "check (check_return, sequential)",
    ];
    let total: f64 = rows
        .iter()
        .filter(|(n, _, _, _)| !skip.contains(&n.as_str()))
        .map(|(_, v, _, _)| median(v.clone()))
        .sum();
    println!(
        "{}: {events} events, {runs} run(s), medians; total excludes the sequential rows",
        dir.display()
    );
    println!("| stage | seconds | CPU seconds | share | peak RSS by its end | RSS at its end |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, v, c, (peak, rss)) in &rows {
        let m = median(v.clone());
        // The sequential rows are timed file by file: no CPU per row.
        let cpu = if skip.contains(&name.as_str()) {
            "–".to_string()
        } else {
            format!("{:.3}", median(c.clone()))
        };
        let share = if skip.contains(&name.as_str()) {
            "(seq.)".to_string()
        } else {
            format!("{:.1} %", 100.0 * m / total)
        };
        println!("| {name} | {m:.3} | {cpu} | {share} | {peak:.0} MB | {rss:.0} MB |");
    }
    println!("| total (parallel read) | {total:.3} | | 100 % | | |");
    println!("peak RSS {:.0} MB", peak_rss_mb());
    ExitCode::SUCCESS
}
