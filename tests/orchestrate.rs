//! One publishing path, one rule for the engine's own files, settings
//! settled once: what `merge`, `watch`, `batch` and `check` now share.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use chronomerge::discover::{Own, OwnFiles};
use chronomerge::pipeline::{merge_dir, MergeOptions};
use chronomerge::publish::{publish, Chosen, Outputs, PublishError};
use chronomerge::write::{WriteError, WriteOptions};
use common::*;

/// A review folder with two clean returns (4 events).
fn review(root: &Path) -> PathBuf {
    small_review(root, "Jane Smith seen at the door.")
}

fn bin() -> Command {
    Command::cargo_bin("chronomerge").unwrap()
}

fn opts() -> MergeOptions {
    MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..MergeOptions::default()
    }
}

/// The `Returns` sheet's status and note of a file.
fn returns_line(workbook: &Path, file: &str) -> (String, String) {
    let rows = sheet(workbook, "Returns");
    let (f, s, n) = (col(&rows, "File"), col(&rows, "Status"), col(&rows, "Note"));
    let row = rows
        .iter()
        .find(|r| text(&r[f]) == file)
        .unwrap_or_else(|| panic!("{file} is not on the Returns sheet"));
    (text(&row[s]), text(&row[n]))
}

#[test]
fn watch_does_not_read_the_glossary_in_the_review_folder_as_merge_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let glossary = dir.join("glossary.csv");
    std::fs::write(&glossary, "Jane Smith,Mother\n").unwrap();
    let out = tmp.path().join("watched.xlsx");
    let o = bin()
        .arg("watch")
        .arg(&dir)
        .args(["-o", out.to_str().unwrap(), "--glossary"])
        .arg(&glossary)
        .args([
            "--today",
            "2026-11-26",
            "--max-merges",
            "1",
            "--exit-after",
            "60",
        ])
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // Two returns, no error: the glossary is not a rejected return.
    assert!(
        stdout.contains("merged 2 returns: 4 events, 0 errors"),
        "{stdout}"
    );
    let (status, note) = returns_line(&out, "glossary.csv");
    assert_eq!(status, "ignored");
    assert!(
        note.contains("settings file given on the command line"),
        "{note}"
    );
    // The same folder merged: the same line.
    let merged = tmp.path().join("merged.xlsx");
    bin()
        .arg("merge")
        .arg(&dir)
        .args(["-o", merged.to_str().unwrap(), "--glossary"])
        .arg(&glossary)
        .args(["--today", "2026-11-26"])
        .assert()
        .code(0);
    assert_eq!(returns_line(&merged, "glossary.csv"), (status, note));
}

#[test]
fn check_of_a_folder_leaves_the_engines_own_files_and_the_config_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    // What a batch written into its own archive leaves beside the returns,
    // and a configuration file given with --config.
    bin()
        .arg("batch")
        .arg(&dir)
        .arg("-o")
        .arg(&dir)
        .args(["--csv", "--today", "2026-11-26"])
        .assert()
        .code(0);
    assert!(dir.join("merged-chronology.csv").is_file());
    assert!(dir.join("batch-summary.csv").is_file());
    let config = dir.join("settings.toml");
    std::fs::write(&config, SMALL_REVIEW_TOML).unwrap();
    let o = bin()
        .arg("check")
        .arg(&dir)
        .arg("--config")
        .arg(&config)
        .args(["--today", "2026-11-26"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for own in [
        "merged-chronology.csv",
        "merged-chronology.xlsx",
        "batch-summary.csv",
        "settings.toml",
    ] {
        assert!(!err.contains(own), "{own} was checked: {err}");
    }
    assert!(err.contains("police.xlsx: merged"), "{err}");
    assert!(err.contains("gp.xlsx: merged"), "{err}");
}

#[test]
fn the_own_files_rule_names_outputs_settings_and_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let own = OwnFiles::new()
        .output(&dir.join("out.xlsx"))
        .output(&dir.join("out.json"))
        .setting(&dir.join("glossary.csv"));
    let of = |n: &str| own.of(&dir.join(n));
    assert_eq!(of("out.xlsx"), Some(Own::Output));
    assert_eq!(of("out.json"), Some(Own::Output));
    assert_eq!(of("out (updated 2026-11-26 1530).xlsx"), Some(Own::Output));
    assert_eq!(of("merged-chronology.xlsx"), Some(Own::Output));
    assert_eq!(
        of("merged-chronology (updated 2026-11-26 153005).xlsx"),
        Some(Own::Output)
    );
    assert_eq!(of("Batch-Summary.XLSX"), Some(Own::Output));
    assert_eq!(of(".chronomerge-a1b2.tmp"), Some(Own::Temporary));
    assert_eq!(of("glossary.csv"), Some(Own::Setting));
    assert_eq!(of("police.xlsx"), None);
    assert_eq!(of("out (draft).xlsx"), None);
    // A workbook kept beside another folder's output is not this one's.
    let elsewhere = tmp.path().join("other");
    std::fs::create_dir(&elsewhere).unwrap();
    assert_eq!(
        own.of(&elsewhere.join("out (updated 2026-11-26 1530).xlsx")),
        None
    );
}

#[test]
fn publish_writes_the_workbook_first_and_says_which_export_was_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let review = merge_dir(&dir, &opts()).unwrap();
    let write = WriteOptions::default();
    let missing = tmp.path().join("missing");
    let out = tmp.path().join("out.xlsx");
    let outputs = Outputs {
        workbook: out.clone(),
        json: Some(missing.join("x.json")),
        csv: Some(tmp.path().join("x.csv")),
        html: None,
        write: &write,
        beside_if_locked: false,
        chosen: Chosen::Flags,
    };
    let published = publish(&review, &outputs).unwrap();
    assert_eq!(published.workbook, out);
    assert_eq!(sheet(&out, "Chronology").len() - 1, 4);
    // The CSV is written whatever became of the JSON.
    assert!(tmp.path().join("x.csv").is_file());
    assert!(!published.complete());
    assert_eq!(published.not_written.len(), 1);
    let n = &published.not_written[0];
    assert_eq!(
        n.to_string(),
        format!(
            "JSON not written: cannot write {}: the folder {} does not exist: choose another file with --json",
            missing.join("x.json").display(),
            missing.display()
        )
    );
    // Chosen under an output folder, the advice is the folder's.
    let outputs = Outputs {
        chosen: Chosen::OutputFolder,
        ..outputs
    };
    let published = publish(&review, &outputs).unwrap();
    assert!(
        published.not_written[0]
            .reason()
            .ends_with("does not exist. Choose another output with -o"),
        "{}",
        published.not_written[0].reason()
    );

    // No workbook: nothing else is written.
    let outputs = Outputs {
        workbook: missing.join("out.xlsx"),
        json: None,
        csv: Some(tmp.path().join("y.csv")),
        html: None,
        write: &write,
        beside_if_locked: false,
        chosen: Chosen::Flags,
    };
    let e = publish(&review, &outputs).unwrap_err();
    assert!(matches!(e, PublishError::Workbook(WriteError::Folder(_))));
    assert!(
        e.to_string().ends_with("Choose another output with -o"),
        "{e}"
    );
    assert!(!tmp.path().join("y.csv").exists());
}

#[test]
fn a_locked_workbook_is_written_beside_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let review = merge_dir(&dir, &opts()).unwrap();
    let write = WriteOptions::default();
    // A folder where the workbook should be cannot be replaced, as a
    // workbook held open by Excel cannot be.
    let out = tmp.path().join("merged.xlsx");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), b"x").unwrap();
    let outputs = Outputs::workbook(out.clone(), &write);
    let e = publish(&review, &outputs).unwrap_err();
    assert!(
        matches!(e, PublishError::Workbook(WriteError::Replace(_))),
        "{e}"
    );
    let outputs = Outputs {
        beside_if_locked: true,
        ..outputs
    };
    let published = publish(&review, &outputs).unwrap();
    assert_eq!(published.locked.as_deref(), Some(out.as_path()));
    let name = published.workbook.file_name().unwrap().to_string_lossy();
    assert!(name.starts_with("merged (updated "), "{name}");
    assert_eq!(sheet(&published.workbook, "Chronology").len() - 1, 4);
}

#[test]
fn the_children_are_read_once_with_the_settings_and_the_workbook_takes_them_from_there() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    std::fs::write(
        dir.join("review.toml"),
        format!("{SMALL_REVIEW_TOML}\n[children]\n\"Child A\" = 2020-05-01\n"),
    )
    .unwrap();
    let settings = chronomerge::pipeline::settle_config(Some(&dir), &opts()).unwrap();
    assert_eq!(settings.children.len(), 1);
    assert_eq!(settings.children[0].label, "Child A");
    let mut review = merge_dir(&dir, &opts()).unwrap();
    assert_eq!(review.children, settings.children);
    let out = tmp.path().join("with.xlsx");
    chronomerge::write::write_workbook(&review, &out).unwrap();
    let rows = sheet(&out, "Chronology");
    let age = col(&rows, "Age at event");
    assert!(
        text(&rows[1][age]).contains("3 years"),
        "{:?}",
        rows[1][age]
    );
    // The workbook shows the children it is handed, not a second reading
    // of review.toml.
    review.children.clear();
    let out = tmp.path().join("without.xlsx");
    chronomerge::write::write_workbook(&review, &out).unwrap();
    let rows = sheet(&out, "Chronology");
    assert!(!rows[0].iter().any(|c| text(c) == "Age at event"));
}

#[test]
fn a_bad_date_of_birth_stops_merge_and_check_before_any_return_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let toml = dir.join("review.toml");
    std::fs::write(
        &toml,
        format!("{SMALL_REVIEW_TOML}\n[children]\n\"Child A\" = \"soon\"\n"),
    )
    .unwrap();
    let want = format!(
        "chronomerge: {}: [children] \"Child A\" must be a date of birth such as 2020-05-01, not \"soon\"\n",
        toml.display()
    );
    for args in [vec!["merge"], vec!["check"]] {
        let o = bin()
            .args(&args)
            .arg(if args[0] == "merge" {
                dir.clone()
            } else {
                dir.join("police.xlsx")
            })
            .args(["--today", "2026-11-26"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        // The one line, and nothing read before it.
        assert_eq!(String::from_utf8_lossy(&o.stderr), want);
        assert!(o.stdout.is_empty(), "{o:?}");
    }
    assert!(!dir.join("merged-chronology.xlsx").exists());
    let e = chronomerge::config::ReviewConfig::load(&toml).unwrap_err();
    assert!(matches!(
        e,
        chronomerge::config::ConfigError::Table {
            source: chronomerge::config::TableError::Children(_),
            ..
        }
    ));
}
