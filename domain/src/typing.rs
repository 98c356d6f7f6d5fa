//! "Alice is typing…": who is writing, told only to those who would see what they are writing.
//!
//! The composer says what it would send (the same hints as `chat.send`, worked out from its voice, audience and
//! any command typed, such as `/w`); the server decides the audience from them as it would for the message
//! and tells only the members who may see that audience (`visibility::sees`). Nobody else learns that a
//! whisper or a GM-only line is being written. Typing is never stored.

use crate::actor::ActorKind;
use crate::audience::AudienceScope;
use crate::hints::SendHints;
use crate::ids::{CharacterId, UserId};
use crate::policy::{AudienceHint, Decision, ModeHint, TargetHint};

/// How often a composer says that its writer is still typing, at most (milliseconds).
pub const TYPING_EVERY_MS: u64 = 3_000;
/// How long a reader shows a writer as typing after the last word of it (milliseconds); a message from the
/// writer clears it at once.
pub const TYPING_SHOWN_MS: u64 = 6_000;
/// The shortest gap the server accepts between two `chat.typing` frames of one socket (milliseconds): a
/// composer sends one every [`TYPING_EVERY_MS`], so anything faster is a flood and is refused.
pub const TYPING_GAP_MS: u64 = 1_000;

/// Whether a composer that last said "typing" at `last_ms` (if ever) says it again at `now_ms`: every
/// [`TYPING_EVERY_MS`] while its writer types, and sooner once they sent what they typed ([`after_send`]).
pub fn due(last_ms: Option<i64>, now_ms: i64) -> bool {
    last_ms.is_none_or(|last| now_ms - last >= TYPING_EVERY_MS as i64)
}

/// The "last said" time to keep after a send: the next word typed says "typing" again as soon as the server
/// takes it ([`TYPING_GAP_MS`] after the last one), not a whole [`TYPING_EVERY_MS`] later and never sooner,
/// which the server would refuse.
pub fn after_send(last_ms: Option<i64>) -> Option<i64> {
    last_ms.map(|last| last - (TYPING_EVERY_MS - TYPING_GAP_MS) as i64)
}

/// The hints that ask for exactly this decision's voice and audience: what `chat.typing` carries for a draft
/// the composer has worked out (a `/w @Bob` typed in the text narrows it as the send would).
pub fn hints_of(decision: &Decision) -> SendHints {
    let actor = &decision.actor;
    let mode = match actor.kind {
        ActorKind::Character => ModeHint::Character {
            character_id: CharacterId::from(actor.id.clone().unwrap_or_default().as_str()),
        },
        ActorKind::Gm => ModeHint::Gm,
        ActorKind::Narrator => ModeHint::Narrator {
            name: actor.label.clone(),
        },
        ActorKind::Participant | ActorKind::System => ModeHint::Participant,
    };
    let audience = match decision.audience.scope {
        AudienceScope::All => AudienceHint::All,
        AudienceScope::GmOnly => AudienceHint::GmOnly,
        AudienceScope::Targets => AudienceHint::Targets {
            targets: decision
                .audience
                .targets
                .iter()
                .map(|id| TargetHint::User { id: id.clone() })
                .collect(),
        },
    };
    SendHints::new(&mode, &audience)
}

/// The line under the timeline for the writers shown (their labels, in the order they started), or `None`
/// when nobody is typing.
pub fn typing_line(labels: &[String]) -> Option<String> {
    match labels {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [one, two] => Some(format!("{one} and {two} are typing…")),
        [one, two, three] => Some(format!("{one}, {two} and {three} are typing…")),
        _ => Some("Several people are typing…".to_owned()),
    }
}

/// A writer a reader is shown as typing, until `until_ms` (the reader's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typist {
    /// Who is writing.
    pub user_id: UserId,
    /// The voice's name (a character's when speaking as one).
    pub label: String,
    /// When to stop showing it.
    pub until_ms: i64,
}

/// Adds or renews a writer in `typists` (keeping its place), and drops those whose time is up at `now_ms`.
pub fn renew(typists: &mut Vec<Typist>, typist: Typist, now_ms: i64) {
    typists.retain(|t| t.until_ms > now_ms);
    match typists.iter_mut().find(|t| t.user_id == typist.user_id) {
        Some(known) => *known = typist,
        None => typists.push(typist),
    }
}

#[cfg(test)]
#[path = "typing_tests.rs"]
mod tests;
