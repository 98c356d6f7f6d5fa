//! Roles in a campaign and the session lifecycle.

use super::error::{ErrorCode, Problem};
use serde::{Deserialize, Serialize};

/// A member's role in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the game: manages sessions, invites and NPCs.
    Gm,
    /// Plays one or more characters.
    Player,
    /// Reads table channels; never posts in session rooms.
    Observer,
}

impl Role {
    /// The role as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gm => "gm",
            Self::Player => "player",
            Self::Observer => "observer",
        }
    }

    /// Parses a stored role.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "gm" => Some(Self::Gm),
            "player" => Some(Self::Player),
            "observer" => Some(Self::Observer),
            _ => None,
        }
    }
}

/// Where a session is in its life: `scheduled -> active -> (paused <-> active) -> ended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Created, not started: the room is readable, posting is closed.
    Scheduled,
    /// Being played: members may post.
    Active,
    /// A break: posting is closed until the GM resumes.
    Paused,
    /// Over for good: the log stays readable.
    Ended,
}

/// What a GM asks of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionAction {
    /// Start or resume.
    Start,
    /// Take a break.
    Pause,
    /// Close the session.
    End,
}

impl SessionStatus {
    /// The status as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Ended => "ended",
        }
    }

    /// Parses a stored status.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "scheduled" => Some(Self::Scheduled),
            "active" => Some(Self::Active),
            "paused" => Some(Self::Paused),
            "ended" => Some(Self::Ended),
            _ => None,
        }
    }

    /// Whether messages may be posted in the session's room.
    pub fn allows_posting(self) -> bool {
        self == Self::Active
    }

    /// The status after `action`, or `invalid_transition` when the lifecycle forbids it.
    pub fn apply(self, action: SessionAction) -> Result<Self, Problem> {
        use SessionAction::*;
        use SessionStatus::*;
        match (self, action) {
            (Scheduled | Paused, Start) => Ok(Active),
            (Active, Pause) => Ok(Paused),
            (Scheduled | Active | Paused, End) => Ok(Ended),
            (from, _) => Err(Problem::new(
                ErrorCode::InvalidTransition,
                format!("A {} session cannot be {}.", from.as_str(), action.past_tense()),
                match from {
                    Ended => "Ended sessions stay closed; create a new session.",
                    _ => "Refresh the page to see the session's current state.",
                },
            )),
        }
    }

    /// Why posting is closed, for the composer; `None` when posting is open.
    pub fn closed_reason(self) -> Option<&'static str> {
        match self {
            Self::Active => None,
            Self::Scheduled => Some("The session has not started yet; posting opens when the GM starts it."),
            Self::Paused => Some("The session is paused; posting reopens when the GM resumes it."),
            Self::Ended => Some("The session has ended; its log stays readable but no one can post."),
        }
    }
}

impl SessionAction {
    fn past_tense(self) -> &'static str {
        match self {
            Self::Start => "started",
            Self::Pause => "paused",
            Self::End => "ended",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SessionAction::*;
    use super::SessionStatus::*;
    use super::*;

    #[test]
    fn lifecycle_follows_the_state_machine() {
        assert_eq!(Scheduled.apply(Start).unwrap(), Active);
        assert_eq!(Active.apply(Pause).unwrap(), Paused);
        assert_eq!(Paused.apply(Start).unwrap(), Active);
        assert_eq!(Paused.apply(End).unwrap(), Ended);
        assert_eq!(Scheduled.apply(End).unwrap(), Ended);
        for (from, action) in [
            (Ended, Start),
            (Ended, End),
            (Scheduled, Pause),
            (Active, Start),
            (Paused, Pause),
        ] {
            assert_eq!(from.apply(action).unwrap_err().code, ErrorCode::InvalidTransition);
        }
    }

    #[test]
    fn only_active_sessions_allow_posting() {
        for status in [Scheduled, Paused, Ended] {
            assert!(!status.allows_posting());
            assert!(status.closed_reason().is_some());
        }
        assert!(Active.allows_posting());
        assert_eq!(Active.closed_reason(), None);
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for status in [Scheduled, Active, Paused, Ended] {
            assert_eq!(SessionStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(Role::parse("gm"), Some(Role::Gm));
        assert_eq!(Role::parse("admin"), None);
    }
}
