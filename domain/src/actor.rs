//! Who a message speaks as. The server stores the *effective* actor with a label snapshot, so a renamed
//! character does not rewrite history.

use serde::{Deserialize, Serialize};

/// The voice a message is spoken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A member speaking as themselves, out of character.
    Participant,
    /// A member speaking as a character they control.
    Character,
    /// A GM speaking as the GM.
    Gm,
    /// A GM speaking as a named NPC.
    Narrator,
    /// The server (session notices, membership changes).
    System,
}

impl ActorKind {
    /// The kind as stored and used in the `data-actor` test hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Participant => "participant",
            Self::Character => "character",
            Self::Gm => "gm",
            Self::Narrator => "narrator",
            Self::System => "system",
        }
    }

    /// Parses a stored kind.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "participant" => Some(Self::Participant),
            "character" => Some(Self::Character),
            "gm" => Some(Self::Gm),
            "narrator" => Some(Self::Narrator),
            "system" => Some(Self::System),
            _ => None,
        }
    }
}

/// The effective speaker of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The voice.
    pub kind: ActorKind,
    /// The user id (participant, gm), character id (character) or `None` (narrator NPCs, system).
    pub id: Option<String>,
    /// The display name when the message was sent.
    pub label: String,
}

impl Actor {
    /// A member speaking as themselves.
    pub fn participant(user_id: &str, display_name: &str) -> Self {
        Self {
            kind: ActorKind::Participant,
            id: Some(user_id.to_owned()),
            label: display_name.to_owned(),
        }
    }
}
