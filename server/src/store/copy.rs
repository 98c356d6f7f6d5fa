//! `tabletalk migrate --from URL --to URL`: copies an install into an empty database, usually an embedded
//! SQLite file into the Postgres a growing group moves to. Both are migrated first, so the tables are the same;
//! rows are read and written in batches, parents before children, in one transaction on the target (a copy
//! that fails leaves the target as empty as it was).

use super::{Backend, Pool};
use sqlx::any::AnyRow;
use sqlx::Row;

/// How a column is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, possibly NULL.
    Text,
    /// An integer, possibly NULL.
    Integer,
}

/// One copied table: its name, its columns and the order rows are read in (the key, so a copy is
/// reproducible and a comparison can walk both sides in step).
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The table.
    pub name: &'static str,
    /// Its columns.
    pub columns: &'static [(&'static str, Kind)],
    /// What rows are read in order of.
    pub order_by: &'static str,
}

use Kind::{Integer, Text};

/// Every table Tabletalk keeps (but the migrations' own, and Postgres' sequence counters, which start from the
/// messages by themselves), parents first.
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Text),
            ("username", Text),
            ("password_hash", Text),
            ("created_at", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "login_sessions",
        columns: &[
            ("token_hash", Text),
            ("user_id", Text),
            ("created_at", Integer),
            ("expires_at", Integer),
        ],
        order_by: "token_hash",
    },
    Table {
        name: "campaigns",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("created_by", Text),
            ("gm_sees_whispers", Integer),
            ("created_at", Integer),
            ("edit_window_minutes", Integer),
            ("players_may_pin", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "campaign_members",
        columns: &[
            ("campaign_id", Text),
            ("user_id", Text),
            ("role", Text),
            ("joined_at", Integer),
        ],
        order_by: "campaign_id, user_id",
    },
    Table {
        name: "invites",
        columns: &[
            ("code", Text),
            ("campaign_id", Text),
            ("created_by", Text),
            ("created_at", Integer),
            ("expires_at", Integer),
        ],
        order_by: "code",
    },
    Table {
        name: "characters",
        columns: &[
            ("id", Text),
            ("campaign_id", Text),
            ("name", Text),
            ("created_by", Text),
            ("created_at", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "character_controllers",
        columns: &[("character_id", Text), ("user_id", Text)],
        order_by: "character_id, user_id",
    },
    Table {
        name: "sessions",
        columns: &[
            ("id", Text),
            ("campaign_id", Text),
            ("title", Text),
            ("status", Text),
            ("created_at", Integer),
            ("started_at", Integer),
            ("ended_at", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "channels",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("campaign_id", Text),
            ("context_type", Text),
            ("context_id", Text),
            ("name", Text),
            ("created_at", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "channel_members",
        columns: &[("channel_id", Text), ("user_id", Text)],
        order_by: "channel_id, user_id",
    },
    Table {
        name: "game_events",
        columns: &[
            ("id", Integer),
            ("campaign_id", Text),
            ("session_id", Text),
            ("kind", Text),
            ("payload", Text),
            ("recorded_at", Integer),
        ],
        order_by: "id",
    },
    Table {
        name: "event_outbox",
        columns: &[
            ("id", Integer),
            ("channel_id", Text),
            ("event_id", Text),
            ("envelope", Text),
        ],
        order_by: "id",
    },
    Table {
        name: "messages",
        columns: &[
            ("channel_id", Text),
            ("sequence_id", Integer),
            ("id", Text),
            ("sent_at", Integer),
            ("kind", Text),
            ("actor_kind", Text),
            ("actor_id", Text),
            ("actor_label", Text),
            ("sender_id", Text),
            ("body", Text),
            ("mentions", Text),
            ("audience_scope", Text),
            ("audience_targets", Text),
            ("client_message_id", Text),
            ("audience_gms", Integer),
            ("audience_blind", Integer),
            ("roll", Text),
            ("target_id", Text),
            ("change", Text),
            ("inline_rolls", Text),
            ("reply", Text),
            ("change_kind", Text),
        ],
        order_by: "channel_id, sequence_id",
    },
    Table {
        name: "chat_notice_cursor",
        columns: &[("id", Integer), ("last_event_id", Integer)],
        order_by: "id",
    },
];

/// Rows read and inserted at a time (17 columns of the widest table stay far below either engine's limit
/// on parameters).
const BATCH: i64 = 500;

/// One value of a copied row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// A text column.
    Text(Option<String>),
    /// An integer column.
    Integer(Option<i64>),
}

/// How many rows of each table were copied.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Copied(pub Vec<(&'static str, u64)>);

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target holds data already; copying would mix two installs.
    #[error("--to already holds {rows} row(s) in {table}: copy into an empty database (migrated or new)")]
    TargetNotEmpty { table: &'static str, rows: i64 },
    /// A database failed during the copy (the target's transaction is rolled back).
    #[error("copy failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Reads `table`'s rows `offset..offset + limit` in key order.
pub async fn read_rows(pool: &Pool, table: &Table, offset: i64, limit: i64) -> Result<Vec<Vec<Value>>, sqlx::Error> {
    let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
        names.join(", "),
        table.name,
        table.order_by
    );
    // Only the fixed names of `TABLES` are interpolated; the bounds are bound.
    let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            table
                .columns
                .iter()
                .enumerate()
                .map(|(index, (_, kind))| {
                    Ok(match kind {
                        Kind::Text => Value::Text(row.try_get(index)?),
                        Kind::Integer => Value::Integer(row.try_get(index)?),
                    })
                })
                .collect()
        })
        .collect()
}

/// Copies every table of `from` into `to`, which must hold no rows of them (but the notice cursor's one row,
/// which is overwritten). Both must be migrated.
pub async fn copy(from: &Pool, to: &Pool) -> Result<Copied, CopyError> {
    for table in TABLES.iter().filter(|table| table.name != "chat_notice_cursor") {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(to).await?;
        if rows > 0 {
            return Err(CopyError::TargetNotEmpty {
                table: table.name,
                rows,
            });
        }
    }
    let mut tx = to.begin().await?;
    sqlx::query("DELETE FROM chat_notice_cursor").execute(&mut *tx).await?;
    let mut copied = Copied::default();
    for table in TABLES {
        let mut offset = 0;
        loop {
            let rows = read_rows(from, table, offset, BATCH).await?;
            if rows.is_empty() {
                break;
            }
            let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                table.name,
                names.join(", "),
                super::row_placeholders(Backend::of(to), rows.len(), names.len())
            );
            // Only the fixed names of `TABLES` and placeholders are interpolated; every value is bound.
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
            for value in rows.iter().flatten() {
                insert = match value {
                    Value::Text(text) => insert.bind(text.clone()),
                    Value::Integer(number) => insert.bind(*number),
                };
            }
            insert.execute(&mut *tx).await?;
            offset += rows.len() as i64;
        }
        copied.0.push((table.name, offset as u64));
    }
    if Backend::of(to) == Backend::Postgres {
        // Explicit ids do not move an identity's sequence: the next journal entry (and the next event waiting
        // for the broker) must come after the copy.
        for table in ["game_events", "event_outbox"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(copied)
}
