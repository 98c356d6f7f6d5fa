//! `tabletalk`: see [`server::cli`] for the commands.

use clap::Parser;

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
