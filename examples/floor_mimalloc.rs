//! The read + write floor ([`floor`](floor.rs)) with mimalloc as its
//! allocator, as the `chronomerge` binary has: the floor's own best, so
//! that the engine's lead over the floor is not only the allocator's
//! (`benches/compare.sh`, `docs/performance.md`).
//!
//! ```text
//! cargo run --release --example floor_mimalloc -- DIR -o OUT.xlsx [floor's options]
//! ```

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "floor.rs"]
#[allow(dead_code)]
mod floor;

fn main() -> std::process::ExitCode {
    floor::main()
}
