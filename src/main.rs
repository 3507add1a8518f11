//! The `chronomerge` command: parses the arguments and calls the library.

use clap::Parser;

fn main() {
    let cli = chronomerge::cli::Cli::parse();
    std::process::exit(chronomerge::cli::run(cli));
}
