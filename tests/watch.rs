//! `chronomerge watch` end to end: the binary runs on a temporary folder
//! while returns are copied in (one slowly, in pieces), replaced and
//! removed; every merge prints one line, and the workbook is opened with
//! calamine after each. Every wait is bounded.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// A running `watch`, killed when dropped.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(dir: &Path, extra: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chronomerge"))
            .arg("watch")
            .arg(dir)
            .args(["--today", "2026-11-26", "--exit-after", "90"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chronomerge watch");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines: rx,
            seen: vec![],
        }
    }

    /// The next merge line, waiting at most `secs`.
    fn next(&mut self, secs: u64) -> String {
        match self.lines.recv_timeout(Duration::from_secs(secs)) {
            Ok(l) => {
                self.seen.push(l.clone());
                l
            }
            Err(_) => panic!(
                "no merge line within {secs} s; lines so far:\n{}",
                self.seen.join("\n")
            ),
        }
    }

    /// Asserts that no merge happens for `ms`.
    fn quiet_for(&mut self, ms: u64) {
        if let Ok(l) = self.lines.recv_timeout(Duration::from_millis(ms)) {
            panic!(
                "unexpected merge: {l}\nlines so far:\n{}",
                self.seen.join("\n")
            );
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TOML: &str = r#"review = "LCSPR-2024-03"
period_from = 2022-01-01
period_to = 2024-06-30

[[agencies]]
name = "West Yorkshire Police"

[[agencies]]
name = "GP practice"

[[agencies]]
name = "School"
"#;

fn police(n: usize) -> ReturnBuilder {
    let mut b = ReturnBuilder::new("West Yorkshire Police");
    for i in 0..n {
        b = b.event(
            V::D(2023, 1, 1 + i as u32),
            "Police incident log",
            "Incident or call-out",
            "Call-out to the family home.",
        );
    }
    b
}

fn gp() -> ReturnBuilder {
    ReturnBuilder::new("GP practice")
        .event(
            V::D(2023, 2, 1),
            "GP record",
            "Appointment attended",
            "Child A seen with a cough.",
        )
        .event(
            V::D(2023, 2, 9),
            "GP record",
            "Appointment missed or child not brought",
            "Child A not brought.",
        )
}

/// Events in the merged workbook.
fn events(out: &Path) -> usize {
    sheet(out, "Chronology").len() - 1
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Copies `from` to `to` in `pieces` writes with `pause` between them, as a
/// slow network copy does.
fn copy_slowly(from: &Path, to: &Path, pieces: usize, pause: Duration) {
    let bytes = std::fs::read(from).unwrap();
    let mut f = std::fs::File::create(to).unwrap();
    let step = bytes.len().div_ceil(pieces);
    for chunk in bytes.chunks(step) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        std::thread::sleep(pause);
    }
}

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("review");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("review.toml"), TOML).unwrap();
    let scratch = tmp.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    (tmp, dir, scratch)
}

#[test]
fn follows_returns_as_they_are_added_replaced_and_removed() {
    let (_tmp, dir, scratch) = setup();
    police(2).write_xlsx(&dir.join("police.xlsx"));
    // The workbook and a CSV export live in the review folder itself: they
    // must never be read as returns nor start a merge.
    let out = dir.join("merged-chronology.xlsx");
    let csv = dir.join("merged.csv");
    // Pieces come 150 ms apart; a settle time eight times that keeps the
    // test sure even on a loaded machine.
    let mut w = Watch::start(
        &dir,
        &["--csv", csv.to_str().unwrap(), "--settle-ms", "1200"],
    );

    let l = w.next(15);
    assert!(l.contains("merged 1 return: 2 events, 0 errors"), "{l}");
    assert!(l.contains("still missing: GP practice, School"), "{l}");
    assert_eq!(events(&out), 2);
    assert!(csv.is_file());
    // Writing the workbook and the CSV did not start another merge, and
    // neither do lock files, temporary files and other clutter.
    w.quiet_for(800);
    std::fs::write(dir.join("~$police.xlsx"), b"lock").unwrap();
    std::fs::write(dir.join("copy.tmp"), b"partial").unwrap();
    std::fs::write(dir.join(".hidden.xlsx"), b"x").unwrap();
    std::fs::write(dir.join("~$merged-chronology.xlsx"), b"lock").unwrap();
    w.quiet_for(2500);

    // A return copied in slowly, in pieces, is read once, when complete.
    let gp_src = gp().write_xlsx(&scratch.join("gp.xlsx"));
    let started = Instant::now();
    copy_slowly(&gp_src, &dir.join("gp.xlsx"), 5, Duration::from_millis(150));
    let l = w.next(15);
    assert!(l.contains("merged 2 returns: 4 events, 0 errors"), "{l}");
    assert!(l.contains("still missing: School"), "{l}");
    assert!(l.contains("[added gp.xlsx]"), "{l}");
    assert!(!l.contains("rejected"), "{l}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(events(&out), 4);

    // A replaced return is read again.
    let p = police(3).write_xlsx(&scratch.join("police.xlsx"));
    std::fs::copy(&p, dir.join("police.xlsx")).unwrap();
    let l = w.next(15);
    assert!(l.contains("merged 2 returns: 5 events"), "{l}");
    assert!(l.contains("[replaced police.xlsx]"), "{l}");
    assert_eq!(events(&out), 5);

    // A removed return leaves the chronology.
    std::fs::remove_file(dir.join("gp.xlsx")).unwrap();
    let l = w.next(15);
    assert!(l.contains("merged 1 return: 3 events"), "{l}");
    assert!(l.contains("still missing: GP practice, School"), "{l}");
    assert!(l.contains("[removed gp.xlsx]"), "{l}");
    assert_eq!(events(&out), 3);

    // No temporary file is left behind.
    assert!(
        !files(&dir).iter().any(|f| f.starts_with(".chronomerge-")),
        "{:?}",
        files(&dir)
    );
    // The Returns sheet lists the CSV export as ours, not as a return.
    let returns = sheet(&out, "Returns");
    let (file, status) = (col(&returns, "File"), col(&returns, "Status"));
    let st = returns
        .iter()
        .find(|r| text(&r[file]) == "merged.csv")
        .map(|r| text(&r[status]));
    assert_eq!(st.as_deref(), Some("ignored"));
}

#[test]
fn a_failed_merge_keeps_the_previous_workbook() {
    let (tmp, dir, _scratch) = setup();
    police(2).write_xlsx(&dir.join("police.xlsx"));
    let out = tmp.path().join("out").join("merged.xlsx");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    let mut w = Watch::start(&dir, &["-o", out.to_str().unwrap()]);
    let l = w.next(15);
    assert!(l.contains("2 events"), "{l}");
    let before = std::fs::read(&out).unwrap();

    // review.toml made invalid mid-watch: the merge fails, is logged, and
    // the workbook is untouched.
    std::fs::write(
        dir.join("review.toml"),
        "review = \"LCSPR-2024-03\"\nperiod_from = 2024-13-01\n",
    )
    .unwrap();
    let l = w.next(15);
    assert!(l.contains("merge failed"), "{l}");
    assert!(l.contains("the previous workbook is kept"), "{l}");
    assert!(l.contains("configuration changed"), "{l}");
    assert!(
        l.contains("invalid date"),
        "the TOML error, on one line: {l}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(events(&out), 2);
    // A new return while the configuration is broken: still failing, still kept.
    gp().write_xlsx(&dir.join("gp.xlsx"));
    let l = w.next(15);
    assert!(l.contains("merge failed"), "{l}");
    assert_eq!(std::fs::read(&out).unwrap(), before);

    // Fixed: merged again, with everything.
    std::fs::write(dir.join("review.toml"), TOML).unwrap();
    let l = w.next(15);
    assert!(l.contains("merged 2 returns: 4 events"), "{l}");
    assert_eq!(events(&out), 4);

    // The workbook deleted by hand comes back at the next look.
    std::fs::remove_file(&out).unwrap();
    let l = w.next(15);
    assert!(l.contains("the workbook had gone"), "{l}");
    assert_eq!(events(&out), 4);
}

#[test]
fn a_locked_workbook_gets_a_new_one_beside_it() {
    let (tmp, dir, _scratch) = setup();
    police(2).write_xlsx(&dir.join("police.xlsx"));
    // A merged chronology left in the review folder by an earlier merge is
    // not a return, though its headings look like one.
    police(2).write_xlsx(&dir.join("merged-chronology.xlsx"));
    let outdir = tmp.path().join("out");
    std::fs::create_dir(&outdir).unwrap();
    let out = outdir.join("merged-chronology.xlsx");
    let mut w = Watch::start(&dir, &["-o", out.to_str().unwrap()]);
    let l = w.next(15);
    assert!(l.contains("merged 1 return: 2 events"), "{l}");
    // Something that cannot be replaced stands where the workbook was (as
    // a workbook held open by Excel on Windows cannot be).
    std::fs::remove_file(&out).unwrap();
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), b"x").unwrap();

    gp().write_xlsx(&dir.join("gp.xlsx"));
    let l = w.next(15);
    assert!(l.contains("4 events"), "{l}");
    assert!(
        l.contains("written beside merged-chronology.xlsx, which is open in another program"),
        "{l}"
    );
    let beside: Vec<String> = files(&outdir)
        .into_iter()
        .filter(|f| f.starts_with("merged-chronology (updated ") && f.ends_with(").xlsx"))
        .collect();
    assert_eq!(beside.len(), 1, "{:?}", files(&outdir));
    assert!(l.contains(&beside[0]), "{l}");
    assert_eq!(events(&outdir.join(&beside[0])), 4);
    assert!(!files(&outdir)
        .iter()
        .any(|f| f.starts_with(".chronomerge-")));
}

#[test]
fn stops_by_itself_after_max_merges() {
    let (_tmp, dir, _scratch) = setup();
    police(1).write_xlsx(&dir.join("police.xlsx"));
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_chronomerge"))
        .arg("watch")
        .arg(&dir)
        .args([
            "--today",
            "2026-11-26",
            "--max-merges",
            "1",
            "--exit-after",
            "30",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(events(&dir.join("merged-chronology.xlsx")), 1);
}

#[test]
fn the_library_watch_stops_on_its_flag() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (tmp, dir, _scratch) = setup();
    police(2).write_xlsx(&dir.join("police.xlsx"));
    let out = tmp.path().join("lib.xlsx");
    let mut opts = chronomerge::watch::WatchOptions::new(out.clone());
    opts.merge.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26);
    opts.exit_after = Some(Duration::from_secs(30));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let handle = {
        let stop = stop.clone();
        let dir = dir.clone();
        std::thread::spawn(move || {
            chronomerge::watch::watch(&dir, &opts, &stop, &mut |ev| {
                let _ = tx.send(ev.to_string());
            })
        })
    };
    let l = rx
        .recv_timeout(Duration::from_secs(15))
        .expect("first merge");
    assert!(l.contains("2 events"), "{l}");
    let t = Instant::now();
    stop.store(true, Ordering::SeqCst);
    let summary = handle.join().unwrap().unwrap();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(summary.merges, 1);
    assert_eq!(events(&out), 2);
}

#[test]
fn only_changed_returns_are_read_again() {
    use chronomerge::watch::WatchEvent;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (tmp, dir, scratch) = setup();
    police(2).write_xlsx(&dir.join("police.xlsx"));
    ReturnBuilder::new("School")
        .event(
            V::D(2023, 3, 1),
            "School record",
            "Contact or visit",
            "Late to school.",
        )
        .write_xlsx(&dir.join("school.xlsx"));
    let mut opts = chronomerge::watch::WatchOptions::new(tmp.path().join("lib.xlsx"));
    opts.merge.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26);
    opts.exit_after = Some(Duration::from_secs(60));
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<WatchEvent>();
    let handle = {
        let (stop, dir) = (stop.clone(), dir.clone());
        std::thread::spawn(move || {
            chronomerge::watch::watch(&dir, &opts, &stop, &mut |ev| {
                let _ = tx.send(ev.clone());
            })
        })
    };
    let next = || match rx.recv_timeout(Duration::from_secs(15)) {
        Ok(WatchEvent::Merged(m)) => m,
        Ok(other) => panic!("{other}"),
        Err(_) => panic!("no merge within 15 s"),
    };
    let m = next();
    assert_eq!((m.reread, m.events), (2, 3));
    // A new return: only it is read.
    let g = gp().write_xlsx(&scratch.join("gp.xlsx"));
    std::fs::copy(&g, dir.join("gp.xlsx")).unwrap();
    let m = next();
    assert_eq!((m.reread, m.events), (1, 5));
    assert_eq!(m.changes.added, ["gp.xlsx"]);
    // A removed return: nothing is read.
    std::fs::remove_file(dir.join("school.xlsx")).unwrap();
    let m = next();
    assert_eq!((m.reread, m.events), (0, 4));
    assert_eq!(m.missing, ["School"]);
    // The configuration changed: every return is read again.
    std::fs::write(
        dir.join("review.toml"),
        TOML.replace("period_to = 2024-06-30", "period_to = 2024-05-31"),
    )
    .unwrap();
    let m = next();
    assert_eq!((m.reread, m.events), (2, 4));
    assert!(m.changes.config);
    stop.store(true, Ordering::SeqCst);
    handle.join().unwrap().unwrap();
}
