//! Reading the game journal as news for the table: each fact that people should hear about becomes a
//! [`TableNews`] with the channels it may be told in. Chat turns the news into notices.

use super::Game;
use crate::store::internal;
use app::domain::campaign::Role;
use app::domain::ids::{CampaignId, ChannelId};
use app::domain::notices::{Places, TableNews};
use app::domain::Problem;
use serde_json::Value;

/// One journal fact told as news.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameNews {
    /// The journal entry's id: notices use it as their idempotency key.
    pub event_id: i64,
    /// What happened.
    pub news: TableNews,
    /// Where it may be told.
    pub places: Places,
}

/// A page of the journal read as news.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewsPage {
    /// The news among the entries read, oldest first.
    pub news: Vec<GameNews>,
    /// The id of the last entry read, to continue after; `None` when there was nothing new. Entries that are
    /// never news (what was said and rolled in session rooms) are not read at all.
    pub read_to: Option<i64>,
}

/// The journal entries after a cursor that may be news. The `kind` condition is the partial index
/// `game_events_news`'s own (migration 0007), word for word, so the read walks that small index instead of every
/// chat fact said since the cursor.
pub(crate) const NEWS_QUERY: &str = "SELECT id, campaign_id, session_id, kind, payload FROM game_events \
     WHERE id > ? AND kind NOT IN ('chat_message', 'roll') ORDER BY id LIMIT ?";

impl Game {
    /// Up to `limit` journal entries after `after`, read as news.
    pub(super) async fn read_news(&self, after: i64, limit: i64) -> Result<NewsPage, Problem> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(NEWS_QUERY)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(internal)?;
        let mut page = NewsPage {
            news: Vec::new(),
            read_to: rows.last().map(|row| row.0),
        };
        for (event_id, campaign, session, kind, payload) in rows {
            let payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
            let Some(news) = news_of(&kind, &payload) else {
                continue;
            };
            let campaign = CampaignId(campaign);
            let Some(general) = self.general_channel(&campaign).await? else {
                continue;
            };
            let session = match &news {
                TableNews::MemberLeft { .. } => payload["session"].as_str().map(str::to_owned),
                _ => session,
            };
            let session = match session {
                Some(session) => self.session_channel(&session).await?,
                None => None,
            };
            page.news.push(GameNews {
                event_id,
                news,
                places: Places { general, session },
            });
        }
        Ok(page)
    }

    async fn general_channel(&self, campaign: &CampaignId) -> Result<Option<ChannelId>, Problem> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM channels WHERE context_type = 'campaign_table' AND context_id = ? || ':general'",
        )
        .bind(campaign.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?;
        Ok(id.map(ChannelId))
    }

    async fn session_channel(&self, session: &str) -> Result<Option<ChannelId>, Problem> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM channels WHERE context_type = 'session' AND context_id = ?")
                .bind(session)
                .fetch_optional(&self.pool)
                .await
                .map_err(internal)?;
        Ok(id.map(ChannelId))
    }
}

/// The news a journal entry tells, if any. Names come from the entry's own snapshot.
fn news_of(kind: &str, payload: &Value) -> Option<TableNews> {
    let text = |key: &str| payload[key].as_str().unwrap_or("someone").to_owned();
    let title = || text("title");
    Some(match kind {
        "session_active" if payload["from"] == "paused" => TableNews::SessionResumed { title: title() },
        "session_active" => TableNews::SessionStarted { title: title() },
        "session_paused" => TableNews::SessionPaused { title: title() },
        "session_ended" => TableNews::SessionEnded { title: title() },
        "member_joined" => TableNews::MemberJoined {
            name: text("name"),
            role: payload["role"].as_str().and_then(Role::parse).unwrap_or(Role::Player),
        },
        "member_left" => TableNews::MemberLeft {
            name: text("name"),
            removed_by: payload["by_name"].as_str().map(str::to_owned),
        },
        "character_created" => TableNews::CharacterCreated {
            name: text("name"),
            by: text("by_name"),
        },
        "character_renamed" => TableNews::CharacterRenamed {
            from: text("from"),
            to: text("to"),
            by: text("by_name"),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn journal_entries_read_as_news() {
        let resumed = news_of("session_active", &json!({ "from": "paused", "title": "Vault" }));
        assert_eq!(resumed, Some(TableNews::SessionResumed { title: "Vault".into() }));
        let started = news_of("session_active", &json!({ "from": "scheduled", "title": "Vault" }));
        assert_eq!(started, Some(TableNews::SessionStarted { title: "Vault".into() }));
        let left = news_of("member_left", &json!({ "name": "bob", "by_name": null }));
        assert_eq!(
            left,
            Some(TableNews::MemberLeft {
                name: "bob".into(),
                removed_by: None
            })
        );
        assert_eq!(news_of("chat_message", &json!({})), None);
        assert_eq!(news_of("session_created", &json!({})), None);
    }

    /// Reading news walks the partial index of news entries, never the chat facts (the whole journal).
    #[tokio::test]
    async fn news_is_read_through_the_index_that_leaves_chat_facts_out() {
        let pool = crate::store::connect_in_memory().await.unwrap();
        crate::store::migrate(&pool).await.unwrap();
        crate::store::plan_using_index(&pool, NEWS_QUERY, "game_events_news").await;
    }

    /// Chat facts are passed over: a page after them answers only the news, and pages of nothing but chat
    /// facts answer "nothing new", so the poster writes no cursor for them.
    #[tokio::test]
    async fn chat_facts_are_not_read_as_a_page() {
        let pool = crate::store::connect_in_memory().await.unwrap();
        crate::store::migrate(&pool).await.unwrap();
        let game = Game::new(pool.clone());
        let mut ids = Vec::new();
        for kind in ["chat_message", "roll", "session_created", "chat_message"] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) \
                 VALUES ('c', NULL, ?, '{}', 0) RETURNING id",
            )
            .bind(kind)
            .fetch_one(&pool)
            .await
            .unwrap();
            ids.push(id);
        }
        let page = game.read_news(0, 10).await.unwrap();
        assert_eq!(page.read_to, Some(ids[2]), "only the session entry is read");
        let after = game.read_news(ids[2], 10).await.unwrap();
        assert_eq!(after.read_to, None, "a chat fact alone is nothing new");
    }
}
