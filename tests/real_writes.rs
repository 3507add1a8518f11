//! Writing for real (issue 16, part 5): a write that fails says which file
//! could not be written and what to do, never a temporary file's name; a
//! `--json`/`--csv` that fails after the workbook was written says so and
//! exits 3 ("written in part"), in `merge`, `watch` and `batch`; the files
//! written get the user's umask, not 0600; and review.toml's tables are as
//! strict as its top level, with the example file showing the code's real
//! defaults.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chronomerge::config::ReviewConfig;
use chronomerge::episodes::EpisodeConfig;
use common::*;

/// A review folder with two clean returns (4 events).
fn review(root: &Path) -> PathBuf {
    small_review(root, "Second call-out.")
}

fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .args(args)
        .args(["--today", "2026-11-26"])
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// No message may name the temporary file the engine writes through.
fn no_temporary_name(text: &str) {
    assert!(
        !text.contains(".chronomerge-"),
        "a temporary file's name in: {text}"
    );
}

/// Files (not folders) left in `dir`, by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn merge_into_a_missing_folder_says_so_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("no-such-folder").join("merged.xlsx");
    let (code, _, err) = run(&[os("merge"), dir.as_os_str(), os("-o"), out.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-folder"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("-o"), "says what to do: {err}");
    no_temporary_name(&err);
    assert!(!out.exists());
}

#[test]
fn merge_into_a_folder_that_cannot_be_written_says_what_and_what_to_do() {
    // A parent that is a regular file cannot hold a file, for root too.
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let not_a_folder = tmp.path().join("notes.txt");
    std::fs::write(&not_a_folder, b"minutes").unwrap();
    let out = not_a_folder.join("merged.xlsx");
    let (code, _, err) = run(&[os("merge"), dir.as_os_str(), os("-o"), out.as_os_str()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("cannot write {}", out.display())),
        "names the workbook: {err}"
    );
    assert!(err.contains("is not a folder"), "{err}");
    assert!(err.contains("choose another output with -o"), "{err}");
    no_temporary_name(&err);
    assert_eq!(files_in(tmp.path()), ["notes.txt"]);
}

#[test]
fn the_engine_s_own_write_names_the_workbook_not_its_temporary_files() {
    // Past the command line's check: the library's write (which streams
    // sheets through temporary files in the output folder, then renames a
    // temporary workbook into place) into a folder that cannot be written.
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let opts = chronomerge::pipeline::MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        ..Default::default()
    };
    let merged = chronomerge::pipeline::merge_dir(&dir, &opts).unwrap();
    let not_a_folder = tmp.path().join("notes.txt");
    std::fs::write(&not_a_folder, b"minutes").unwrap();
    let out = not_a_folder.join("merged.xlsx");
    let e = chronomerge::write::write_workbook(&merged, &out).unwrap_err();
    assert!(
        matches!(e, chronomerge::write::WriteError::Folder(_)),
        "{e:?}"
    );
    let m = e.to_string();
    assert!(
        m.starts_with(&format!(
            "cannot write {}: {} is not a folder",
            out.display(),
            not_a_folder.display()
        )),
        "{m}"
    );
    assert!(m.ends_with("Choose another output with -o"), "{m}");
    no_temporary_name(&m);

    // The same for the exports.
    let json = not_a_folder.join("merged.json");
    let m = chronomerge::export::write_json(&merged, &json)
        .unwrap_err()
        .to_string();
    assert!(
        m.starts_with(&format!("cannot write {}: ", json.display())),
        "{m}"
    );
    no_temporary_name(&m);

    // A target that is a folder cannot be replaced: said, and the
    // temporary file is gone.
    let csv = tmp.path().join("merged.csv");
    std::fs::create_dir(&csv).unwrap();
    let m = chronomerge::export::write_csv(&merged, &csv)
        .unwrap_err()
        .to_string();
    assert_eq!(
        m,
        format!("cannot replace {0}: {0} is a folder", csv.display()),
        "{m}"
    );
    assert_eq!(files_in(tmp.path()), ["notes.txt"]);
}

#[test]
fn json_that_cannot_be_written_after_the_workbook_exits_3_and_says_the_workbook_was_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("merged.xlsx");
    let json = tmp.path().join("no-such-folder").join("merged.json");
    let csv = tmp.path().join("merged.csv");
    let (code, stdout, err) = run(&[
        os("merge"),
        dir.as_os_str(),
        os("-o"),
        out.as_os_str(),
        os("--json"),
        json.as_os_str(),
        os("--csv"),
        csv.as_os_str(),
    ]);
    assert_eq!(code, 3, "written in part\n{stdout}\n{err}");
    assert!(
        err.contains(&format!(
            "cannot write {}: the folder {} does not exist: choose another file with --json",
            json.display(),
            json.parent().unwrap().display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("the workbook {} was written", out.display())),
        "{err}"
    );
    no_temporary_name(&err);
    // The workbook is whole, and the CSV after the failed JSON is written
    // all the same.
    assert_eq!(sheet(&out, "Chronology").len() - 1, 4);
    assert!(csv.is_file());
    assert!(stdout.contains("Merged 4 event(s)"), "{stdout}");
    assert_eq!(files_in(tmp.path()), ["merged.csv", "merged.xlsx"]);
}

#[test]
fn help_and_readme_document_exit_code_3() {
    let (code, out, _) = {
        let o = Command::cargo_bin("chronomerge")
            .unwrap()
            .args(["help", "merge"])
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            (),
        )
    };
    assert_eq!(code, 0);
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("3: the workbook was written but the --json or --csv file was not"),
        "{out}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let merge_row = readme
        .lines()
        .find(|l| l.starts_with("| `chronomerge merge"))
        .unwrap();
    assert!(merge_row.contains("3 written in part"), "{merge_row}");
    let batch_row = readme
        .lines()
        .find(|l| l.starts_with("| `chronomerge batch"))
        .unwrap();
    assert!(batch_row.contains("3 written in part"), "{batch_row}");
}

#[test]
fn watch_says_the_json_was_not_written_beside_the_workbook_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let out = tmp.path().join("merged.xlsx");
    // A folder where the JSON should go: it cannot be replaced.
    let json = tmp.path().join("merged.json");
    std::fs::create_dir(&json).unwrap();
    let o = Command::cargo_bin("chronomerge")
        .unwrap()
        .arg("watch")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .args([
            "--today",
            "2026-11-26",
            "--max-merges",
            "1",
            "--exit-after",
            "60",
        ])
        .timeout(std::time::Duration::from_secs(90))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout.lines().next().unwrap_or_default();
    assert!(line.contains("merged 2 returns: 4 events"), "{stdout}");
    assert!(line.contains("→ merged.xlsx"), "{line}");
    assert!(
        line.contains(&format!(
            "JSON not written: cannot replace {0}: {0} is a folder: choose another file with --json",
            json.display()
        )),
        "{line}"
    );
    no_temporary_name(line);
    assert_eq!(sheet(&out, "Chronology").len() - 1, 4);
    assert_eq!(files_in(tmp.path()), ["merged.xlsx"]);
}

#[test]
fn batch_marks_a_review_whose_json_was_not_written_as_written_in_part() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    review(&archive.join("2024"));
    let rel = Path::new("2024").join("review");
    let out = tmp.path().join("out");
    // The review's JSON place is taken by a folder.
    std::fs::create_dir_all(out.join(&rel).join("merged-chronology.json")).unwrap();
    let (code, stdout, err) = run(&[
        os("batch"),
        archive.as_os_str(),
        os("-o"),
        out.as_os_str(),
        os("--json"),
        os("--csv"),
    ]);
    assert_eq!(code, 3, "written in part\n{stdout}\n{err}");
    assert!(err.contains("2024/review: WRITTEN IN PART"), "{err}");
    assert!(
        err.contains("the workbook 2024/review/merged-chronology.xlsx was written"),
        "{err}"
    );
    assert!(err.contains("JSON not written: cannot replace"), "{err}");
    no_temporary_name(&err);
    assert!(stdout.contains("0 failed, 1 written in part"), "{stdout}");
    assert_eq!(
        sheet(&out.join(&rel).join("merged-chronology.xlsx"), "Chronology").len() - 1,
        4
    );
    assert!(out.join(&rel).join("merged-chronology.csv").is_file());
    let summary = std::fs::read_to_string(out.join("batch-summary.csv")).unwrap();
    assert!(summary.contains(",written in part,"), "{summary}");

    // The summary itself cannot be written: the workbooks were, so 3 again.
    std::fs::remove_dir(out.join(&rel).join("merged-chronology.json")).unwrap();
    std::fs::remove_file(out.join("batch-summary.csv")).unwrap();
    std::fs::create_dir(out.join("batch-summary.csv")).unwrap();
    let (code, stdout, err) = run(&[
        os("batch"),
        archive.as_os_str(),
        os("-o"),
        out.as_os_str(),
        os("--json"),
    ]);
    assert_eq!(code, 3, "{stdout}\n{err}");
    assert!(
        err.contains("the summary was not written: cannot replace"),
        "{err}"
    );
    no_temporary_name(&err);
    assert!(out.join(&rel).join("merged-chronology.json").is_file());
}

/// The mode bits of a file.
#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs the binary under `umask`, through the shell.
#[cfg(unix)]
fn under_umask(umask: &str, args: &[&Path]) -> std::process::Output {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_chronomerge"));
    for a in args {
        cmd.arg(a);
    }
    cmd.output().unwrap()
}

#[cfg(unix)]
#[test]
fn written_files_get_the_user_s_umask_not_0600() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    for (umask, want) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let out = tmp.path().join(format!("merged-{umask}.xlsx"));
        let json = tmp.path().join(format!("merged-{umask}.json"));
        let csv = tmp.path().join(format!("merged-{umask}.csv"));
        let o = under_umask(
            umask,
            &[
                Path::new("merge"),
                &dir,
                Path::new("-o"),
                &out,
                Path::new("--json"),
                &json,
                Path::new("--csv"),
                &csv,
                Path::new("--today"),
                Path::new("2026-11-26"),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        for p in [&out, &json, &csv] {
            assert_eq!(mode(p), want, "{} under umask {umask}", p.display());
        }
    }
    // Replacing a file gives the new one the umask's permissions too, and
    // the blank template is written the same way.
    let template = tmp.path().join("return.xlsx");
    let o = under_umask("022", &[Path::new("template"), Path::new("-o"), &template]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(mode(&template), 0o644);
    // batch: the workbooks, exports and summary.
    let out = tmp.path().join("batch-out");
    let o = under_umask(
        "022",
        &[
            Path::new("batch"),
            tmp.path().join("review").as_path(),
            Path::new("-o"),
            &out,
            Path::new("--json"),
            Path::new("--csv"),
            Path::new("--today"),
            Path::new("2026-11-26"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    for f in [
        "merged-chronology.xlsx",
        "merged-chronology.json",
        "merged-chronology.csv",
        "batch-summary.xlsx",
        "batch-summary.csv",
    ] {
        assert_eq!(mode(&out.join(f)), 0o644, "{f}");
    }
}

#[test]
fn an_unknown_key_in_episodes_is_an_error_naming_the_key_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let toml = dir.join("review.toml");
    for (table, key) in [
        (
            "[episodes]\nwindow_days = 21\nmin_agencis = 3\n",
            "min_agencis",
        ),
        ("[episodes.weights]\nseed_wieght = 2.0\n", "seed_wieght"),
    ] {
        std::fs::write(&toml, format!("{SMALL_REVIEW_TOML}\n{table}")).unwrap();
        let (code, _, err) = run(&[os("merge"), dir.as_os_str()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&toml.display().to_string()), "the file: {err}");
        assert!(err.contains("[episodes]"), "the table: {err}");
        assert!(
            err.contains(&format!("unknown key `{key}`")),
            "the key: {err}"
        );
        assert!(!dir.join("merged-chronology.xlsx").exists());
        // `check` reads the same file the same way.
        let (code, _, err) = run(&[os("check"), dir.join("police.xlsx").as_os_str()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(key), "{err}");
    }
    let e = ReviewConfig::load(&toml).unwrap_err().to_string();
    assert!(e.contains("[episodes] at `weights`"), "{e}");
}

#[test]
fn a_child_whose_value_is_not_a_date_is_an_error_naming_the_child_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = review(tmp.path());
    let toml = dir.join("review.toml");
    std::fs::write(
        &toml,
        format!(
            "{SMALL_REVIEW_TOML}\n[children]\n\"Child A\" = 2020-05-01\n\"Child B\" = \"soon\"\n"
        ),
    )
    .unwrap();
    let (code, stdout, err) = run(&[os("merge"), dir.as_os_str()]);
    assert_eq!(code, 2, "{stdout}\n{err}");
    assert!(
        err.contains(&format!(
            "{}: [children] \"Child B\" must be a date of birth such as 2020-05-01",
            toml.display()
        )),
        "{err}"
    );
    assert!(!dir.join("merged-chronology.xlsx").exists());
    // A table where a date belongs is no date either.
    std::fs::write(
        &toml,
        format!("{SMALL_REVIEW_TOML}\n[children.\"Child A\"]\nborn = 2020-05-01\n"),
    )
    .unwrap();
    let e = ReviewConfig::load(&toml).unwrap_err().to_string();
    assert!(e.contains("[children] \"Child A\""), "{e}");
}

#[test]
fn the_example_review_toml_shows_the_real_episode_defaults() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/review.example.toml"
    ));
    let cfg = ReviewConfig::load(path).unwrap();
    let shown = cfg.episodes.clone().expect("the example has [episodes]");
    let defaults = toml::Table::try_from(EpisodeConfig::default()).unwrap();
    // Every value shown is the code's default …
    fn same(shown: &toml::Table, defaults: &toml::Table, at: &str) {
        for (k, v) in shown {
            let d = defaults
                .get(k)
                .unwrap_or_else(|| panic!("{at}{k} is not a setting"));
            match (v, d) {
                (toml::Value::Table(s), toml::Value::Table(d)) => same(s, d, &format!("{at}{k}.")),
                _ => assert_eq!(
                    v, d,
                    "{at}{k}: the example shows {v}, the code's default is {d}"
                ),
            }
        }
    }
    same(&shown, &defaults, "[episodes] ");
    // … and every setting that is a single value is shown.
    fn all_shown(shown: &toml::Table, defaults: &toml::Table, at: &str) {
        for (k, d) in defaults {
            match d {
                toml::Value::Array(_) => {}
                toml::Value::Table(t) => {
                    let s = shown
                        .get(k)
                        .and_then(|v| v.as_table())
                        .unwrap_or_else(|| panic!("{at}{k} is not shown"));
                    all_shown(s, t, &format!("{at}{k}."));
                }
                _ => assert!(shown.contains_key(k), "{at}{k} is not shown in the example"),
            }
        }
    }
    all_shown(&shown, &defaults, "[episodes] ");
    // Read as the engine reads it, the example is the default.
    let read: EpisodeConfig = shown.try_into().unwrap();
    assert_eq!(read, EpisodeConfig::default());
}
