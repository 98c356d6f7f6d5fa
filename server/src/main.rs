//! `tabletalk`: see [`server::cli`] for the commands.

use clap::Parser;

/// Small, short-lived allocations dominate the hot path (frames, rows, queue entries, SQLite's statement
/// memory); jemalloc serves them with fewer instructions than glibc's malloc at the same memory per connection.
/// It also replaces `malloc` itself (`unprefixed_malloc_on_supported_platforms`), so SQLite uses it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = server::cli::Cli::parse();
    if let Err(error) = server::cli::execute(cli).await {
        eprintln!("tabletalk: {error}");
        std::process::exit(1);
    }
}
