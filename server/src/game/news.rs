//! Reading the game journal as news for the table: each fact that people should hear about becomes a
//! [`TableNews`] with the channels it may be told in. Chat turns the news into notices.

use super::facts::GameFact;
use super::Game;
use crate::store::OrInternal;
use app::domain::campaign::SessionStatus;
use app::domain::ids::{CampaignId, ChannelId};
use app::domain::notices::{Places, TableNews};
use app::domain::Problem;

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
     WHERE id > $1 AND kind NOT IN ('chat_message', 'roll') ORDER BY id LIMIT $2";

impl Game {
    /// Up to `limit` journal entries after `after`, read as news.
    pub(super) async fn read_news(&self, after: i64, limit: i64) -> Result<NewsPage, Problem> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(NEWS_QUERY)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .or_internal()?;
        let mut page = NewsPage {
            news: Vec::new(),
            read_to: rows.last().map(|row| row.0),
        };
        for (event_id, campaign, session, kind, payload) in rows {
            let Some(fact) = GameFact::from_row(&kind, &payload) else {
                continue;
            };
            let Some(news) = news_of(&fact) else {
                continue;
            };
            let campaign = CampaignId(campaign);
            let Some(general) = self.general_channel(&campaign).await? else {
                continue;
            };
            let session = match fact {
                GameFact::MemberLeft { session, .. } => session.map(|s| s.0),
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
            "SELECT id FROM channels WHERE context_type = 'campaign_table' AND context_id = $1 || ':general'",
        )
        .bind(campaign.as_str())
        .fetch_optional(&self.pool)
        .await
        .or_internal()?;
        Ok(id.map(ChannelId))
    }

    async fn session_channel(&self, session: &str) -> Result<Option<ChannelId>, Problem> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM channels WHERE context_type = 'session' AND context_id = $1")
                .bind(session)
                .fetch_optional(&self.pool)
                .await
                .or_internal()?;
        Ok(id.map(ChannelId))
    }
}

/// The news a journal fact tells, if any. Names come from the fact's own snapshot.
fn news_of(fact: &GameFact) -> Option<TableNews> {
    Some(match fact {
        GameFact::SessionActive(change) if change.from == SessionStatus::Paused => TableNews::SessionResumed {
            title: change.title.clone(),
        },
        GameFact::SessionActive(change) => TableNews::SessionStarted {
            title: change.title.clone(),
        },
        GameFact::SessionPaused(change) => TableNews::SessionPaused {
            title: change.title.clone(),
        },
        GameFact::SessionEnded(change) => TableNews::SessionEnded {
            title: change.title.clone(),
        },
        GameFact::MemberJoined { name, role, .. } => TableNews::MemberJoined {
            name: name.clone(),
            role: *role,
        },
        GameFact::MemberLeft { name, by_name, .. } => TableNews::MemberLeft {
            name: name.clone(),
            removed_by: by_name.clone(),
        },
        GameFact::CharacterCreated { name, by_name, .. } => TableNews::CharacterCreated {
            name: name.clone(),
            by: by_name.clone(),
        },
        GameFact::CharacterRenamed { from, to, by_name, .. } => TableNews::CharacterRenamed {
            from: from.clone(),
            to: to.clone(),
            by: by_name.clone(),
        },
        GameFact::CampaignCreated { .. }
        | GameFact::SessionCreated { .. }
        | GameFact::TableChannelCreated { .. }
        | GameFact::SettingChanged { .. }
        | GameFact::MessageRulesChanged { .. }
        | GameFact::CharacterShared { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(kind: &str, payload: serde_json::Value) -> Option<TableNews> {
        news_of(&GameFact::from_row(kind, &payload.to_string())?)
    }

    #[test]
    fn journal_entries_read_as_news() {
        let change = |from| json!({ "from": from, "to": "active", "by": "gm", "title": "Vault" });
        let resumed = read("session_active", change("paused"));
        assert_eq!(resumed, Some(TableNews::SessionResumed { title: "Vault".into() }));
        let started = read("session_active", change("scheduled"));
        assert_eq!(started, Some(TableNews::SessionStarted { title: "Vault".into() }));
        let left = read("member_left", json!({ "user": "u", "name": "bob", "by_name": null }));
        assert_eq!(
            left,
            Some(TableNews::MemberLeft {
                name: "bob".into(),
                removed_by: None
            })
        );
        assert_eq!(read("chat_message", json!({})), None);
        assert_eq!(read("session_created", json!({ "title": "Vault", "by": "gm" })), None);
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
                 VALUES ('c', NULL, $1, '{}', 0) RETURNING id",
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
