//! The effective audience of a message: how wide it is and whom it names. The rule that reads it is
//! [`crate::visibility::can_see`].
//!
//! The server turns a sender's hints into an *effective* [`Audience`] when the message is created and stores it
//! on the message, so replaying history never recomputes policy from settings that may have changed since.

use super::ids::UserId;
use serde::{Deserialize, Serialize};

/// How wide a message's audience is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceScope {
    /// Every member who can read the channel.
    All,
    /// The sender and the campaign's GMs.
    GmOnly,
    /// The sender and the listed users (a whisper).
    Targets,
}

impl AudienceScope {
    /// The scope as stored and used in the `data-audience` test hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::GmOnly => "gm_only",
            Self::Targets => "targets",
        }
    }

    /// Parses a stored scope.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "all" => Some(Self::All),
            "gm_only" => Some(Self::GmOnly),
            "targets" => Some(Self::Targets),
            _ => None,
        }
    }
}

/// The effective audience stored on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// How wide.
    pub scope: AudienceScope,
    /// For `targets`: every user who may read it besides the sender (controllers of whispered characters are
    /// expanded into users when the message is created). Empty for other scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<UserId>,
    /// Whether the campaign's GMs may read it although they are not targets: always for `gm_only`; for a
    /// whisper, the campaign's `gm_sees_whispers` setting *when it was sent*, so history never changes later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gms: bool,
    /// A blind roll: the sender does not see it unless they are a GM (they get a separate notice instead).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind: bool,
}

impl Audience {
    /// Everyone in the channel.
    pub fn all() -> Self {
        Self {
            scope: AudienceScope::All,
            targets: Vec::new(),
            gms: false,
            blind: false,
        }
    }

    /// The sender and the GMs.
    pub fn gm_only() -> Self {
        Self {
            scope: AudienceScope::GmOnly,
            targets: Vec::new(),
            gms: true,
            blind: false,
        }
    }
}
