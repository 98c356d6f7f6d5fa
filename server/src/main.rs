//! `tabletalk`: see [`server::cli`] for the commands.

use clap::Parser;

/// Small, short-lived allocations dominate the hot path (frames, rows, queue entries, SQLite's statement
/// memory); jemalloc serves them with fewer instructions than glibc's malloc at the same memory per connection.
/// It also replaces `malloc` itself (`unprefixed_malloc_on_supported_platforms`), so SQLite uses it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() {
    let cli = server::cli::Cli::parse();
    server::ops::logs::init(cli.log_format);
    if let Err(error) = server::cli::execute(cli).await {
        eprintln!("tabletalk: {error}");
        std::process::exit(1);
    }
}
