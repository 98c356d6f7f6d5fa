//! Bulk history for benchmarks: a channel with a million messages is seeded in seconds, not through a million
//! sends. Chat writes its own table here, as everywhere; the game journal is not told (these are not game
//! facts, only a long past to page through).

use super::journal;
use crate::store::{now_ms, Backend, OrInternal, Pool};
use app::domain::actor::Actor;
use app::domain::audience::Audience;
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::{Message, MessageKind};
use app::domain::views::UserSummary;
use app::domain::Problem;

/// Rows inserted per transaction.
const CHUNK: usize = 20_000;

/// Appends `count` messages by `sender` to `channel`, one in ten for the GMs only (so a player's page skips
/// some), after whatever the channel already holds.
pub async fn backfill(pool: &Pool, channel: &ChannelId, sender: &UserSummary, count: usize) -> Result<(), Problem> {
    let mut written = 0;
    while written < count {
        let mut tx = crate::store::begin_write(pool).await.or_internal()?;
        // On Postgres the writer's counter is the truth (and is locked here); SQLite has only the index.
        let postgres = Backend::of(pool) == Backend::Postgres;
        let next = if postgres {
            let mut known = std::collections::HashSet::new();
            super::counters::ensure(&mut tx, &mut known, &[channel])
                .await
                .or_internal()?;
            let locked = super::counters::lock(&mut tx, &[channel], true).await.or_internal()?;
            locked.get(channel).copied().unwrap_or(1)
        } else {
            journal::latest_sequence(&mut tx, channel).await.or_internal()? + 1
        };
        let sent_at = now_ms();
        let end = (written + CHUNK).min(count);
        let messages: Vec<Message> = (written..end)
            .map(|index| Message {
                message_id: MessageId::generate(),
                channel_id: channel.clone(),
                sequence_id: next + (index - written) as i64,
                sent_at,
                kind: MessageKind::Text,
                actor: Actor::participant(sender.id.as_str(), &sender.username),
                sender_id: Some(sender.id.clone()),
                body: format!("Backfilled line {index} of a long campaign."),
                mentions: Vec::new(),
                audience: if index % 10 == 9 {
                    Audience::gm_only()
                } else {
                    Audience::all()
                },
                roll: None,
                client_message_id: None,
                change: None,
                inline_rolls: Vec::new(),
                reply: None,
            })
            .collect();
        let rows: Vec<&Message> = messages.iter().collect();
        journal::insert_many(&mut tx, &rows).await.or_internal()?;
        if postgres {
            let after = std::collections::HashMap::from([(channel.clone(), next + rows.len() as i64)]);
            journal::advance_sequences(&mut tx, &after).await.or_internal()?;
        }
        written = end;
        tx.commit().await.or_internal()?;
    }
    Ok(())
}

/// Marks every game event so far as told: a load test's thousands of synthetic joins and session starts
/// would otherwise become notices posted while it measures.
pub async fn skip_pending_notices(pool: &Pool) -> Result<(), Problem> {
    sqlx::query("UPDATE chat_notice_cursor SET last_event_id = (SELECT COALESCE(MAX(id), 0) FROM game_events)")
        .execute(pool)
        .await
        .or_internal()?;
    Ok(())
}
