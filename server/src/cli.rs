//! The command line: `tabletalk serve`, `tabletalk migrate`, `tabletalk seed --demo` (or `--bench-rooms` for
//! the load generator).

use crate::auth::sockets::SocketLimits;
use crate::store::{self, DEFAULT_DATABASE_URL};
use app::domain::events::BodyPolicy;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

/// Real-time chat for tabletop role-playing campaigns.
#[derive(Debug, Parser)]
#[command(name = "tabletalk", version, about)]
pub struct Cli {
    /// How log lines are written: `text` for people, `json` (one object a line) for a log collector.
    #[arg(long, global = true, env = "TABLETALK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do; `serve` when omitted (so `cargo leptos serve` and `watch` work as they are).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Text,
    /// One JSON object a line, with the current span's fields (`channel_id`, ...).
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit; with `--from` and `--to`, copy one install into another.
    Migrate(MigrateArgs),
    /// Fill the database with sample data.
    Seed(SeedArgs),
}

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database URL; SQLite by default, in ./data.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Options of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database to migrate (when not copying).
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Copy this install (for example `sqlite://data/tabletalk.db`)...
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// ...into this empty database (for example `postgres://tabletalk@db/tabletalk`); both are migrated first.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database location.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on (defaults to the site address in Cargo.toml's Leptos metadata: 127.0.0.1:3000).
    #[arg(long, env = "TABLETALK_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Mark cookies `Secure`; turn on when served over HTTPS.
    #[arg(long, env = "TABLETALK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Live sockets one user may hold at once (tabs and devices together).
    #[arg(long, env = "TABLETALK_MAX_SOCKETS_PER_USER", default_value_t = SocketLimits::default().per_user)]
    pub max_sockets_per_user: usize,
    /// Live sockets from one address at once; 0 for no cap (the load generator opens thousands from one).
    #[arg(long, env = "TABLETALK_MAX_SOCKETS_PER_IP", default_value_t = SocketLimits::default().per_ip)]
    pub max_sockets_per_ip: usize,
    /// Redis that connects this instance to the others over the same database (`redis://host:6379`); unset for
    /// one process.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// The prefix of this deployment's Redis channels, so several deployments can share one Redis.
    #[arg(long, env = "TABLETALK_REDIS_NAMESPACE", default_value = "tabletalk")]
    pub redis_namespace: String,
    /// NATS JetStream to publish every committed message to (`nats://host:4222`); unset for no event stream.
    #[arg(long, env = "TABLETALK_EVENTS_URL")]
    pub events_url: Option<String>,
    /// Names the stream (`<PREFIX>_EVENTS`) and its subjects (`<prefix>.events.<channel>`).
    #[arg(long, env = "TABLETALK_EVENTS_PREFIX", default_value = "tabletalk")]
    pub events_prefix: String,
    /// Lanes whose non-public messages carry their bodies on the stream: `in_game`, `off_game`, both
    /// (comma-separated) or `none`. Messages everyone may see always do.
    #[arg(long, env = "TABLETALK_EVENTS_BODIES", default_value = "none")]
    pub events_bodies: String,
}

/// Options of `seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Database location.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Create the demo campaign: a GM, three players with characters, and an active session.
    #[arg(long)]
    pub demo: bool,
    /// Create load-test rooms for the load generator (`bench/`): this many campaigns with active sessions.
    #[arg(long, requires = "bench_out")]
    pub bench_rooms: Option<usize>,
    /// Members per load-test room (the first is the GM).
    #[arg(long, default_value_t = 8)]
    pub bench_members: usize,
    /// Older messages to put in the first load-test room (for the history benchmark).
    #[arg(long, default_value_t = 0)]
    pub bench_history: usize,
    /// Older messages to put in every load-test room, so a durable run measures tables in the shape they have
    /// in use rather than freshly empty ones.
    #[arg(long, default_value_t = 0)]
    pub bench_backlog: usize,
    /// Where to write the load plan (rooms, channels, members' login tokens) as JSON.
    #[arg(long)]
    pub bench_out: Option<std::path::PathBuf>,
}

/// Runs the parsed command.
pub async fn execute(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let command = match cli.command {
        Some(command) => command,
        // Parsing `serve` with no flags fills the defaults and environment variables exactly as typed.
        None => Cli::try_parse_from(["tabletalk", "serve"])?
            .command
            .ok_or("could not build the default serve command")?,
    };
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(MigrateArgs {
            from: Some(from),
            to: Some(to),
            ..
        }) => {
            let source = store::connect(&from).await?;
            store::migrate(&source).await?;
            let target = store::connect(&to).await?;
            store::migrate(&target).await?;
            let copied = store::copy::copy(&source, &target).await?;
            for (table, rows) in copied.0 {
                println!("{table}: {rows} row(s)");
            }
            println!("copied {} into {}", store::redacted(&from), store::redacted(&to));
            Ok(())
        }
        Command::Migrate(args) => {
            let url = args.database.database_url;
            let pool = store::connect(&url).await?;
            store::migrate(&pool).await?;
            println!("migrations applied to {}", store::redacted(&url));
            Ok(())
        }
        Command::Seed(args) => {
            if let (Some(rooms), Some(out)) = (args.bench_rooms, &args.bench_out) {
                let pool = store::connect_for_seeding(&args.database.database_url).await?;
                store::migrate(&pool).await?;
                let backlog = crate::seed_bench::Backlog {
                    first_room: args.bench_history,
                    every_room: args.bench_backlog,
                };
                let plan = crate::seed_bench::load_plan(&pool, rooms, args.bench_members, backlog).await?;
                std::fs::write(out, serde_json::to_vec(&plan)?)?;
                println!(
                    "Wrote a load plan of {rooms} rooms of {} members to {}",
                    args.bench_members,
                    out.display()
                );
                if !args.demo {
                    return Ok(());
                }
            }
            if !args.demo {
                return Err("nothing to seed: pass --demo or --bench-rooms with --bench-out".into());
            }
            let pool = store::connect(&args.database.database_url).await?;
            store::migrate(&pool).await?;
            let state = crate::build_state(
                pool,
                leptos::prelude::LeptosOptions::builder()
                    .output_name("tabletalk")
                    .build(),
                false,
            );
            crate::seed::demo(&state).await?;
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = leptos::prelude::get_configuration(None)?.leptos_options;
    if let Some(addr) = args.addr {
        options.site_addr = addr;
    }
    let pool = store::connect(&args.database.database_url).await?;
    store::migrate(&pool).await?;
    let addr = options.site_addr;
    let limits = SocketLimits {
        per_user: args.max_sockets_per_user,
        per_ip: args.max_sockets_per_ip,
        ..SocketLimits::default()
    };
    let bus = match &args.redis_url {
        Some(url) if !url.is_empty() => Some(crate::bus::RedisBus::connect(url, &args.redis_namespace).await?),
        _ => None,
    };
    let events = match &args.events_url {
        Some(url) if !url.is_empty() => Some(crate::events::EventStream {
            url: url.clone(),
            prefix: args.events_prefix.clone(),
            bodies: BodyPolicy::parse(&args.events_bodies)
                .map_err(|error| format!("TABLETALK_EVENTS_BODIES: {error}"))?,
        }),
        _ => None,
    };
    let state = crate::state::build_instance(pool, options, args.secure_cookies, limits, bus, events);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("Tabletalk listening on http://{}", listener.local_addr()?);
    println!("Tabletalk is running at http://{}", listener.local_addr()?);
    crate::run(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM. Open WebSockets would hold a graceful shutdown forever, so after the signal
/// the process gives connections two seconds and then exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
    tokio::spawn(async {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        std::process::exit(0);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The log format is read before or after the subcommand, is text by default, and a value it does not
    /// know is refused with the choices instead of being taken as text.
    #[test]
    fn the_log_format_is_a_global_choice() {
        let default = Cli::try_parse_from(["tabletalk", "migrate"]).unwrap();
        assert_eq!(default.log_format, LogFormat::Text);
        let before = Cli::try_parse_from(["tabletalk", "--log-format", "json", "migrate"]).unwrap();
        assert_eq!(before.log_format, LogFormat::Json);
        let after = Cli::try_parse_from(["tabletalk", "serve", "--log-format", "json"]).unwrap();
        assert_eq!(after.log_format, LogFormat::Json);
        let refused = Cli::try_parse_from(["tabletalk", "--log-format", "xml", "serve"]).unwrap_err();
        assert!(refused.to_string().contains("possible values: text, json"), "{refused}");
    }
}
