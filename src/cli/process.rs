//! What belongs to the process, not to the library: the panic hook and
//! handing freed memory back to the system. The library installs no hook
//! and calls no allocator function; the commands call these at the stage
//! boundaries the library offers (after [`crate::pipeline::merge_dir`]
//! returns, or through the `after_analysis` callbacks of
//! [`crate::watch::WatchOptions`] and `batch`).

use crate::review::MergedReview;

/// Installs the process's panic hook: a panic while a return is read is
/// kept for the finding about that file
/// ([`crate::pipeline::reader_panic`]) and not printed; any other panic
/// reaches the previous (default) hook.
pub(crate) fn install_panic_hook() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !crate::pipeline::reader_panic(info) {
                previous(info);
            }
        }));
    });
}

/// From this many events on, [`release_freed_memory`] hands the memory the
/// analysis freed back to the system; below, there is little to gain, and
/// a batch of small reviews on several threads would only pay for the
/// calls.
const RELEASE_ABOVE_EVENTS: usize = 20_000;

/// Gives the memory the analysis of `review` has freed back to the system
/// before its workbook is written (for a review of
/// [`RELEASE_ABOVE_EVENTS`] events or more).
///
/// The analysis builds a small block per event (its words, their places
/// and weights) on the worker threads and frees them when it ends; glibc's
/// allocator keeps such memory for reuse by those threads, but the writer
/// works on another and its large tables come from fresh pages, so the two
/// added up: on the L workload (500,000 events) the peak fell from 1,151
/// to 924 MB with this call when it was added, and building the workbook
/// got faster (8.4 to 7.1 s), fresh pages being what it costs on a VM
/// (docs/performance-history.md, run 9). A no-op where the allocator is
/// not glibc's (Windows, macOS, musl), which hand large freed blocks back
/// themselves.
pub(crate) fn release_freed_memory(review: &MergedReview) {
    if review.chronology.events.len() >= RELEASE_ABOVE_EVENTS {
        trim();
    }
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists, under
    // its locks; it takes no pointer and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    /// Memory freed in small blocks goes back to the system.
    ///
    /// The process's resident memory is only this test's to measure when
    /// no other test allocates beside it, so the test runs itself again in
    /// a process of its own (one test, one thread) and checks that run.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_memory_is_given_back() {
        const ALONE: &str = "CHRONOMERGE_TRIM_TEST_ALONE";
        if std::env::var_os(ALONE).is_none() {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "cli::process::tests::freed_memory_is_given_back",
                    "--test-threads=1",
                ])
                .env(ALONE, "1")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert!(
                text.contains("1 passed"),
                "the test did not run alone: {text}"
            );
            return;
        }
        // VmRSS is in kB whatever the page size.
        fn rss_mb() -> i64 {
            let s = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = s.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
            let kb: i64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
            kb / 1024
        }
        // 256 MB in 2 KB vectors, one in 64 kept so that what is freed
        // lies between blocks still in use, as the analysis leaves it.
        let mut blocks: Vec<Vec<u8>> = (0..131_072).map(|i| vec![i as u8; 2048]).collect();
        let _kept: Vec<Vec<u8>> = blocks.iter_mut().step_by(64).map(std::mem::take).collect();
        drop(blocks);
        let before = rss_mb();
        super::trim();
        let after = rss_mb();
        assert!(before - after > 64, "RSS {before} MB -> {after} MB");
    }
}
