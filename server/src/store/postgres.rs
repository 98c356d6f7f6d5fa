//! Opening a shared Postgres database.

use super::Pool;
use sqlx::any::AnyPoolOptions;
use std::time::Duration;

/// Connections per instance: the chat writer keeps one, readers (history, pages, server functions) share the
/// rest. A Postgres primary serves a few hundred in all (`docs/deploy.md`'s arithmetic).
const MAX_CONNECTIONS: u32 = 16;

/// How long a query waits for a free connection, or a new one to open, before it fails: a database that is
/// gone is reported within this, as `unavailable`, instead of holding sends forever.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to the database at `url` (which must exist).
pub(super) async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect(url)
        .await
}
