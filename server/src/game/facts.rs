//! The facts of the game journal, one typed shape per kind: the game authority writes them and reads them back
//! (as news for the table), so a kind or a field can be neither misspelt nor forgotten. Stored as a `kind`
//! column and a JSON `payload` (the variant's fields), the same rows as before the facts were typed.
//!
//! What members said and rolled in session rooms is journaled too ([`CHAT_MESSAGE`], [`ROLL`]), but by the chat
//! writer's batches, serialised straight from the message (`authority::InGameFact`) on the send path.

use app::domain::campaign::{Role, SessionStatus};
use app::domain::change::MessageRules;
use app::domain::ids::{ChannelId, CharacterId, SessionId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kind of a journaled chat message said in a session room.
pub const CHAT_MESSAGE: &str = "chat_message";
/// The kind of a journaled roll made in a session room.
pub const ROLL: &str = "roll";

/// A change of who is at the table, what exists, or where a session is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum GameFact {
    /// A GM created the campaign.
    CampaignCreated { name: String, by: UserId },
    /// A GM scheduled a session.
    SessionCreated { title: String, by: UserId },
    /// A session started or resumed.
    SessionActive(SessionChange),
    /// A session was paused.
    SessionPaused(SessionChange),
    /// A session ended.
    SessionEnded(SessionChange),
    /// Someone joined through an invite.
    MemberJoined { user: UserId, name: String, role: Role },
    /// A member left, or was removed by `by` (named `by_name` at the time); `session` is the session that was
    /// live then, whose room is told too.
    MemberLeft {
        user: UserId,
        name: String,
        #[serde(default)]
        by: Option<UserId>,
        #[serde(default)]
        by_name: Option<String>,
        #[serde(default)]
        session: Option<SessionId>,
    },
    /// A member created a character they control.
    CharacterCreated {
        character: CharacterId,
        name: String,
        by: UserId,
        by_name: String,
    },
    /// A character was renamed; history keeps the old name.
    CharacterRenamed {
        character: CharacterId,
        from: String,
        to: String,
        by: UserId,
        by_name: String,
    },
    /// A GM added a table channel.
    TableChannelCreated {
        channel: ChannelId,
        name: String,
        by: UserId,
    },
    /// A GM changed the campaign's `gm_sees_whispers`.
    SettingChanged { gm_sees_whispers: bool, by: UserId },
    /// A GM changed how messages may change (edit window, who pins).
    MessageRulesChanged { rules: MessageRules, by: UserId },
    /// A GM gave another member control of a character.
    CharacterShared {
        character: CharacterId,
        with: UserId,
        by: UserId,
    },
}

/// A session moving from one status to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionChange {
    /// Where it was.
    pub from: SessionStatus,
    /// Where it is now.
    pub to: SessionStatus,
    /// The GM who moved it.
    pub by: UserId,
    /// Its title then.
    pub title: String,
}

impl GameFact {
    /// The fact of a session's move, under the kind its new status names.
    pub fn session_changed(change: SessionChange) -> Self {
        match change.to {
            SessionStatus::Paused => Self::SessionPaused(change),
            SessionStatus::Ended => Self::SessionEnded(change),
            SessionStatus::Active | SessionStatus::Scheduled => Self::SessionActive(change),
        }
    }

    /// The fact as a journal row: its kind and its payload as JSON text.
    pub fn to_row(&self) -> (String, String) {
        let mut tagged = serde_json::to_value(self).unwrap_or(Value::Null);
        let kind = tagged["kind"].as_str().unwrap_or_default().to_owned();
        let payload = tagged.get_mut("payload").map(Value::take).unwrap_or(Value::Null);
        (kind, payload.to_string())
    }

    /// Reads a journal row back; `None` for the kinds that are not table facts (what was said and rolled) and
    /// for rows that do not parse.
    pub fn from_row(kind: &str, payload: &str) -> Option<Self> {
        let payload: Value = serde_json::from_str(payload).ok()?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload })).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_reads_back_from_its_row() {
        let facts = [
            GameFact::session_changed(SessionChange {
                from: SessionStatus::Paused,
                to: SessionStatus::Active,
                by: UserId::from("gm"),
                title: "Vault".into(),
            }),
            GameFact::MemberLeft {
                user: UserId::from("bob"),
                name: "bob".into(),
                by: None,
                by_name: None,
                session: Some(SessionId::from("s1")),
            },
            GameFact::SettingChanged {
                gm_sees_whispers: true,
                by: UserId::from("gm"),
            },
            GameFact::MessageRulesChanged {
                rules: MessageRules {
                    edit_window_minutes: Some(15),
                    players_may_pin: true,
                },
                by: UserId::from("gm"),
            },
        ];
        for fact in facts {
            let (kind, payload) = fact.to_row();
            assert_eq!(GameFact::from_row(&kind, &payload), Some(fact));
        }
    }

    /// Rows written before the facts were typed have the same kinds and payloads.
    #[test]
    fn rows_keep_their_earlier_shape() {
        let (kind, payload) = GameFact::session_changed(SessionChange {
            from: SessionStatus::Scheduled,
            to: SessionStatus::Active,
            by: UserId::from("gm"),
            title: "Night".into(),
        })
        .to_row();
        assert_eq!(kind, "session_active");
        let payload: Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(
            payload,
            serde_json::json!({"from": "scheduled", "to": "active", "by": "gm", "title": "Night"})
        );
        let old = r#"{"user":"u","name":"bob","by":null,"by_name":null,"session":null}"#;
        assert!(matches!(
            GameFact::from_row("member_left", old),
            Some(GameFact::MemberLeft { .. })
        ));
        assert_eq!(GameFact::from_row(CHAT_MESSAGE, "{}"), None);
    }
}
