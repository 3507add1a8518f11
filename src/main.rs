//! The `chronomerge` command: parses the arguments and calls the library.

use clap::Parser;

/// mimalloc, the same allocator on every platform: the engine makes and
/// frees many small blocks (cells, words, rows), and with glibc's
/// allocator the merge stayed slower than the read+write floor
/// (docs/performance.md). `cli::run` sets its options (`cli::process`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = chronomerge::cli::Cli::parse();
    std::process::exit(chronomerge::cli::run(cli));
}
