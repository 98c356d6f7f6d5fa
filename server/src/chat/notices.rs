//! Posts system notices for the game's news: the game authority reads its journal as news, the shared domain
//! says where each piece is told and to whom, and this task stores them as ordinary messages through the
//! channel writer, so live delivery, history and `can_see` treat them like any other message.
//!
//! Exactly once: chat keeps a cursor over the journal in its own table. Each notice's idempotency key is its
//! journal entry and position, so a crash between posting and moving the cursor re-posts nothing.

use super::writer::WriterHandle;
use crate::game::GameAuthority;
use crate::store::{OrInternal, Pool};
use app::domain::ids::UserId;
use app::domain::message::NewMessage;
use app::domain::notices::{notices, system_actor};
use app::domain::Problem;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Journal entries read per round.
const PAGE: i64 = 200;
/// How long the poster sleeps when nothing woke it; a missed wake-up costs at most this much delay.
const IDLE: Duration = Duration::from_secs(5);

/// Starts the poster. `wake` is notified whenever the game announces a change.
pub fn spawn(pool: Pool, game: Arc<dyn GameAuthority>, writer: Arc<WriterHandle>, wake: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            match post_pending(&pool, game.as_ref(), &writer).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(problem) => tracing::warn!(%problem, "posting game notices failed; retrying"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(IDLE) => {}
            }
        }
    });
}

/// Posts the notices of one page of news and moves the cursor past it. Answers whether a page was read (there
/// may be more).
async fn post_pending(pool: &Pool, game: &dyn GameAuthority, writer: &WriterHandle) -> Result<bool, Problem> {
    let cursor: i64 = sqlx::query_scalar("SELECT last_event_id FROM chat_notice_cursor WHERE id = 1")
        .fetch_optional(pool)
        .await
        .or_internal()?
        .unwrap_or(0);
    let page = game.news_after(cursor, PAGE).await?;
    let Some(read_to) = page.read_to else {
        return Ok(false);
    };
    for item in &page.news {
        for (position, notice) in notices(&item.news, &item.places).into_iter().enumerate() {
            let message = NewMessage {
                channel_id: notice.channel_id,
                kind: notice.kind,
                actor: system_actor(),
                sender_id: None::<UserId>,
                body: notice.body,
                mentions: Vec::new(),
                audience: notice.audience,
                roll: None,
                client_message_id: Some(format!("game-event:{}:{position}", item.event_id)),
                change: None,
                inline_rolls: Vec::new(),
                reply: None,
            };
            writer.submit_notice(message).await?;
        }
    }
    // The migration created the one row.
    sqlx::query("UPDATE chat_notice_cursor SET last_event_id = $1 WHERE id = 1")
        .bind(read_to)
        .execute(pool)
        .await
        .or_internal()?;
    Ok(true)
}
