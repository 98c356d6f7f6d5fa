//! The one error type every surface speaks: server functions, the WebSocket feed and the REST API.
//!
//! A [`Problem`] has a stable machine-readable [`ErrorCode`], a sentence for people and a hint that says what to
//! do next. Internal causes (SQL errors, I/O) are logged on the server and never put in a `Problem`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable error codes. They are part of the public protocol: never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed a validation rule; the message names the field.
    InvalidInput,
    /// The username is taken.
    UsernameTaken,
    /// Username or password is wrong. One code for both, so accounts cannot be probed.
    InvalidCredentials,
    /// The request needs a logged-in user.
    NotAuthenticated,
    /// The thing does not exist, or the requester may not see it (the two look the same).
    NotFound,
    /// The requester may see the thing but not do this to it.
    Forbidden,
    /// The invite code is unknown or expired.
    InviteInvalid,
    /// Posting in a session room needs an active session.
    SessionNotActive,
    /// The requested session transition is not allowed from the current state.
    InvalidTransition,
    /// A frame was not valid JSON or not a known frame type.
    MalformedFrame,
    /// A frame was larger than the protocol allows.
    FrameTooLarge,
    /// A message body was empty or too long.
    InvalidBody,
    /// The requested speaking mode is not allowed for this member here.
    ModeNotAllowed,
    /// The sender does not control the character they asked to speak as.
    CharacterNotControlled,
    /// A whisper named someone who is not in the campaign.
    UnknownTarget,
    /// The connection sent too much too quickly.
    RateLimited,
    /// A slash command that does not exist; the message suggests the closest ones.
    UnknownCommand,
    /// A command's arguments could not be read; the hint shows its usage.
    BadArguments,
    /// The command exists but this member may not use it here (role, mode or channel).
    NotPermitted,
    /// An `@` mention names no one in the campaign.
    UnknownMention,
    /// Something failed on the server; it has been logged.
    Internal,
    /// The request did not reach the server or its answer was lost.
    Network,
    /// The user (or the address they connect from) has as many live connections as allowed.
    TooManyConnections,
    /// The server is busy and refused the request before doing anything; retry after `retry_after_ms`.
    Overloaded,
    /// Something the server depends on (its database, its bus) cannot be reached right now; nothing was done.
    Unavailable,
    /// The message cannot be edited: a roll's result and label are facts of the game, and notices are the
    /// server's.
    NotEditable,
    /// The campaign's edit window for this message has passed (or editing is off).
    EditWindowClosed,
    /// The message was deleted; nothing more can be done to it.
    MessageDeleted,
    /// A reaction that is not a known emoji (a Unicode emoji or its `:shortcode:`).
    UnknownEmoji,
    /// The message already carries as many different reactions as allowed.
    TooManyReactions,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::UsernameTaken => "username_taken",
            Self::InvalidCredentials => "invalid_credentials",
            Self::NotAuthenticated => "not_authenticated",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::InviteInvalid => "invite_invalid",
            Self::SessionNotActive => "session_not_active",
            Self::InvalidTransition => "invalid_transition",
            Self::MalformedFrame => "malformed_frame",
            Self::FrameTooLarge => "frame_too_large",
            Self::InvalidBody => "invalid_body",
            Self::ModeNotAllowed => "mode_not_allowed",
            Self::CharacterNotControlled => "character_not_controlled",
            Self::UnknownTarget => "unknown_target",
            Self::RateLimited => "rate_limited",
            Self::UnknownCommand => "unknown_command",
            Self::BadArguments => "bad_arguments",
            Self::NotPermitted => "not_permitted",
            Self::UnknownMention => "unknown_mention",
            Self::Internal => "internal",
            Self::Network => "network",
            Self::TooManyConnections => "too_many_connections",
            Self::Overloaded => "overloaded",
            Self::Unavailable => "unavailable",
            Self::NotEditable => "not_editable",
            Self::EditWindowClosed => "edit_window_closed",
            Self::MessageDeleted => "message_deleted",
            Self::UnknownEmoji => "unknown_emoji",
            Self::TooManyReactions => "too_many_reactions",
        }
    }

    /// The HTTP status that carries this code on every HTTP surface (server functions, the upgrade, exports):
    /// one table, so a client can branch on either and they always agree.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidInput
            | Self::MalformedFrame
            | Self::InvalidBody
            | Self::ModeNotAllowed
            | Self::CharacterNotControlled
            | Self::UnknownTarget
            | Self::UnknownCommand
            | Self::BadArguments
            | Self::UnknownMention
            | Self::UnknownEmoji => 400,
            Self::InvalidCredentials | Self::NotAuthenticated => 401,
            Self::Forbidden | Self::NotPermitted | Self::EditWindowClosed => 403,
            Self::NotFound | Self::InviteInvalid => 404,
            Self::UsernameTaken
            | Self::SessionNotActive
            | Self::InvalidTransition
            | Self::NotEditable
            | Self::MessageDeleted
            | Self::TooManyReactions => 409,
            Self::FrameTooLarge => 413,
            Self::RateLimited | Self::TooManyConnections => 429,
            Self::Internal => 500,
            Self::Network => 502,
            Self::Overloaded | Self::Unavailable => 503,
        }
    }
}

/// A typed error for people and programs: what went wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable code for programs.
    pub code: ErrorCode,
    /// One sentence for people.
    pub message: String,
    /// What to do next.
    pub hint: String,
    /// For refusals that pass with time (`rate_limited`, `overloaded`): how long to wait before trying again.
    /// Absent otherwise, and then not on the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl Problem {
    /// A problem with the given code, message and hint.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            retry_after_ms: None,
        }
    }

    /// The same problem, saying when to try again.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after_ms = Some(wait.as_millis().clamp(1, u128::from(u64::MAX)) as u64);
        self
    }

    /// Too much too quickly from one user or address; `wait` says when the next try will be admitted.
    pub fn rate_limited(message: impl Into<String>, wait: std::time::Duration) -> Self {
        Self::new(
            ErrorCode::RateLimited,
            message,
            format!("Wait {} and try again.", describe_wait(wait)),
        )
        .retry_after(wait)
    }

    /// Input failed a rule; `message` names the field and the rule.
    pub fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message, hint)
    }

    /// The request needs a login.
    pub fn not_authenticated() -> Self {
        Self::new(
            ErrorCode::NotAuthenticated,
            "You are not logged in.",
            "Log in and try again.",
        )
    }

    /// Missing or not visible: deliberately the same answer.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            ErrorCode::NotFound,
            format!("No such {what}."),
            "Check the link, or ask the game master for an invite.",
        )
    }

    /// The requester may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message, "Ask a game master of this campaign.")
    }

    /// A dependency of the server (named in `what`, such as "the database") cannot be reached; nothing was
    /// done, and the same request may be sent again once it is back.
    pub fn unavailable(what: &str) -> Self {
        Self::new(
            ErrorCode::Unavailable,
            format!("The server cannot reach {what} right now; nothing was done."),
            "Try again in a moment.",
        )
    }

    /// Something broke on the server; details are in the server log only.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on the server.",
            "Try again in a moment; the error has been logged.",
        )
    }
}

/// A wait in words for a hint: "a second", "12 seconds", "3 minutes".
fn describe_wait(wait: std::time::Duration) -> String {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    match seconds {
        1 => "a second".to_owned(),
        2..=119 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_wire_names() {
        for code in [
            ErrorCode::SessionNotActive,
            ErrorCode::MalformedFrame,
            ErrorCode::InvalidCredentials,
            ErrorCode::UnknownCommand,
            ErrorCode::BadArguments,
            ErrorCode::NotPermitted,
            ErrorCode::UnknownMention,
            ErrorCode::TooManyConnections,
            ErrorCode::Overloaded,
            ErrorCode::Unavailable,
            ErrorCode::NotEditable,
            ErrorCode::EditWindowClosed,
            ErrorCode::MessageDeleted,
            ErrorCode::UnknownEmoji,
            ErrorCode::TooManyReactions,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn refusals_are_client_errors_and_failures_server_errors() {
        assert_eq!(ErrorCode::InvalidCredentials.http_status(), 401);
        assert_eq!(ErrorCode::NotFound.http_status(), 404);
        assert_eq!(ErrorCode::UsernameTaken.http_status(), 409);
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
        assert_eq!(ErrorCode::Overloaded.http_status(), 503);
        assert_eq!(ErrorCode::Unavailable.http_status(), 503);
        assert_eq!(ErrorCode::Internal.http_status(), 500);
    }

    #[test]
    fn retry_after_is_on_the_wire_only_when_set() {
        let plain = serde_json::to_value(Problem::internal()).unwrap();
        assert!(plain.get("retry_after_ms").is_none());
        let limited = Problem::rate_limited("Slow down.", std::time::Duration::from_millis(1500));
        assert_eq!(serde_json::to_value(&limited).unwrap()["retry_after_ms"], 1500);
        assert_eq!(limited.hint, "Wait 2 seconds and try again.");
    }
}
