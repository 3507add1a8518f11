//! What belongs to the process, not to the library: the panic hook and
//! the allocator's settings. The library installs no hook and calls no
//! allocator function; the commands call these: the hook at their start
//! ([`super::run`]), the allocator's settings before they merge, and
//! `watch` [`release_freed_memory`] after each merge.
//!
//! The binary's allocator is mimalloc (`main.rs`); these settings are
//! harmless where it is not (the library's tests), since they only touch
//! mimalloc's own state.

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

/// Returns totalling more bytes than this (on disk, the review's own
/// outputs and ref store apart) make mimalloc hand freed memory back after
/// [`QUICK_PURGE_MS`] ([`set_up_allocator`]).
///
/// mimalloc keeps freed memory a second before handing it back. On M
/// (60,000 events in 2.8 MB of `.xlsx`) that is the whole of its lead,
/// the memory the reading frees being reused by the analysis without new
/// page faults: the merge ran in 0.86 s against 0.94 s on glibc's
/// allocator (the floor 0.92 s), and a 10 ms delay lost most of that
/// (docs/performance-history.md, "Tried in the eleventh session"). On a
/// large review it lets one stage's freed blocks add up with the next's:
/// on L (500,000 events in 26 MB) the merge's copy of every event held on
/// top of the returns' own, and the peak rose from about 600 to 670–710
/// MB, over the 700 MB limit; at 10 ms it is about 585 MB, in the same
/// time. Real reviews (a few thousand events) are far below this; the
/// analyst's archive-scale ones can be above it.
const QUICK_PURGE_ABOVE_BYTES: u64 = 8 * 1024 * 1024;

/// mimalloc's purge delay, in milliseconds, for a large review (mimalloc
/// 2's default).
const QUICK_PURGE_MS: std::ffi::c_long = 10;

/// mimalloc's option number for the purge delay (`mi_option_purge_delay`
/// in `mimalloc.h`, the same in mimalloc 2 and 3; the `-sys` crate names
/// no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc up for merging the review in `dir` with `opts`: when its
/// returns pass [`QUICK_PURGE_ABOVE_BYTES`], freed memory goes back to the
/// system after [`QUICK_PURGE_MS`]. `MIMALLOC_PURGE_DELAY` in the
/// environment still decides, for measuring.
pub(crate) fn set_up_allocator(dir: &std::path::Path, opts: &crate::config::MergeOptions) {
    purge_by_size(returns_bytes(dir, opts));
}

/// [`set_up_allocator`] for returns totalling `returns_bytes`.
fn purge_by_size(returns_bytes: u64) {
    if returns_bytes <= QUICK_PURGE_ABOVE_BYTES {
        return;
    }
    // SAFETY: sets one integer in mimalloc's option table, which it reads
    // as it runs (options are meant to be set at any time); no pointer is
    // passed. An option given in the environment is kept.
    unsafe {
        libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, QUICK_PURGE_MS);
    }
}

/// The bytes on disk of the files in `dir` that a merge with `opts` would
/// read as returns (the review's own outputs and settings apart); 0 when
/// the folder cannot be listed (the merge then says why).
fn returns_bytes(dir: &std::path::Path, opts: &crate::config::MergeOptions) -> u64 {
    let own = opts.own_files([]);
    crate::discover::scan(dir)
        .map(|files| {
            files
                .iter()
                .filter(|f| own.of(&f.path).is_none())
                .filter(|f| matches!(f.kind, crate::model::FileKind::Return(_)))
                .filter_map(|f| std::fs::metadata(&f.path).ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Hands the memory freed so far back to the system now, not after the
/// purge delay: `watch` calls it after each merge, before it waits for the
/// next change (mimalloc purges as it works, so memory freed just before
/// the process goes quiet would stay with it). Not before the writing: the
/// writing reuses that memory, and on M handing it back after the analysis
/// made the merge 0.1 s slower (docs/performance-history.md, "Tried in the
/// eleventh session").
pub(crate) fn release_freed_memory() {
    // SAFETY: mi_collect only walks mimalloc's own free lists and arenas,
    // under its own locks; it takes no pointer and may be called from any
    // thread.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    /// mimalloc's options and the process's resident memory are the whole
    /// process's: a test of them runs itself again in a process of its own
    /// (one test, one thread), with `env` set (or, for `None`, unset).
    /// True in that process, where the test goes on; false in the first,
    /// once the run in its own process has passed.
    fn in_own_process(test: &str, env: &[(&str, Option<&str>)]) -> bool {
        const ALONE: &str = "CHRONOMERGE_TEST_ALONE";
        if std::env::var_os(ALONE).is_some() {
            return true;
        }
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", test, "--test-threads=1"])
            .env(ALONE, "1");
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(
            text.contains("1 passed"),
            "the test did not run alone: {text}"
        );
        false
    }

    /// The purge delay set is mimalloc's purge delay (the option named by
    /// its number), shortened only for a large review, and a delay given
    /// in the environment is kept.
    #[test]
    fn the_purge_delay_is_shortened_for_large_reviews_only() {
        fn delay() -> std::ffi::c_long {
            // SAFETY: reads one integer of mimalloc's option table.
            unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }
        }
        const TEST: &str =
            "cli::process::tests::the_purge_delay_is_shortened_for_large_reviews_only";
        const ENV: &str = "MIMALLOC_PURGE_DELAY";
        // Here, run with the variable unset and then set; in each run, on.
        if !in_own_process(TEST, &[(ENV, None)]) {
            in_own_process(TEST, &[(ENV, Some("123"))]);
            return;
        }
        let given = std::env::var(ENV).ok();
        let given: Option<std::ffi::c_long> = given.map(|v| v.parse().unwrap());
        // mimalloc 3's own delay, or the one given.
        let before = delay();
        assert_eq!(before, given.unwrap_or(1000));
        super::purge_by_size(super::QUICK_PURGE_ABOVE_BYTES);
        assert_eq!(
            delay(),
            before,
            "a review of the threshold's size keeps the delay"
        );
        super::purge_by_size(super::QUICK_PURGE_ABOVE_BYTES + 1);
        assert_eq!(delay(), given.unwrap_or(super::QUICK_PURGE_MS));
    }

    /// Only the files a merge would read as returns count towards the
    /// review's size: not its outputs, its ref store, or files that are
    /// not returns.
    #[test]
    fn the_review_is_sized_by_its_returns() {
        let dir = tempfile::tempdir().unwrap();
        let put = |name: &str, bytes: usize| {
            std::fs::write(dir.path().join(name), vec![b'x'; bytes]).unwrap()
        };
        put("Police return.xlsx", 1000);
        put("GP return.csv", 200);
        put("merged.xlsx", 50_000);
        put(crate::refs::REFS_FILE, 70_000);
        put("Terms of reference.pdf", 30_000);
        put("~$Police return.xlsx", 165);
        let opts = crate::config::MergeOptions {
            exclude: vec![dir.path().join("merged.xlsx")],
            ..Default::default()
        };
        assert_eq!(super::returns_bytes(dir.path(), &opts), 1200);
        assert_eq!(super::returns_bytes(&dir.path().join("missing"), &opts), 0);
    }

    /// Memory freed in small blocks goes back to the system when
    /// [`super::release_freed_memory`] collects it, not a purge delay later.
    ///
    /// The test binary's allocator is the system's, so the blocks are
    /// made by mimalloc directly, as the binary's are.
    #[cfg(target_os = "linux")]
    #[test]
    fn freed_memory_is_given_back() {
        use std::alloc::{GlobalAlloc, Layout};
        // mimalloc's default delay (a second), so that only the collect
        // can hand the memory back within the test.
        if !in_own_process(
            "cli::process::tests::freed_memory_is_given_back",
            &[("MIMALLOC_PURGE_DELAY", None)],
        ) {
            return;
        }
        // VmRSS is in kB whatever the page size.
        fn rss_mb() -> i64 {
            let s = std::fs::read_to_string("/proc/self/status").unwrap();
            let line = s.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
            let kb: i64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
            kb / 1024
        }
        let mi = mimalloc::MiMalloc;
        let layout = Layout::from_size_align(2048, 8).unwrap();
        // 256 MB in 2 KB blocks, one in 64 kept so that what is freed lies
        // between blocks still in use, as the analysis leaves it.
        let blocks: Vec<*mut u8> = (0..131_072)
            .map(|i| {
                // SAFETY: a non-zero size; the block is checked for null
                // and filled within its size.
                unsafe {
                    let p = mi.alloc(layout);
                    assert!(!p.is_null());
                    std::ptr::write_bytes(p, i as u8, layout.size());
                    p
                }
            })
            .collect();
        let mut kept = Vec::new();
        for (i, p) in blocks.into_iter().enumerate() {
            if i % 64 == 0 {
                kept.push(p);
            } else {
                // SAFETY: made above by the same allocator with this
                // layout, and freed once.
                unsafe { mi.dealloc(p, layout) };
            }
        }
        let before = rss_mb();
        super::release_freed_memory();
        let after = rss_mb();
        assert!(before - after > 64, "RSS {before} MB -> {after} MB");
        for p in kept {
            // SAFETY: as above.
            unsafe { mi.dealloc(p, layout) };
        }
    }
}
