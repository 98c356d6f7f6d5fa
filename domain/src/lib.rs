//! Pure shared logic of Tabletalk, compiled for the browser and the server alike.
//!
//! Nothing here imports leptos, axum, sqlx, tokio or web APIs, and the crate's manifest lists nothing that could:
//! the same rules must give the same answers in the composer (before a message is sent) and on the server (where
//! they are enforced). `app` re-exports it as `app::domain`.
//!
//! - [`ids`]: typed identifiers, so a channel id can never be passed where a user id is meant.
//! - [`error`]: the one transport-neutral error type ([`Problem`]) with a stable code, a message and a hint.
//! - [`validate`]: input rules (usernames, passwords, names, message bodies) and the limits they enforce.
//! - [`campaign`]: roles and the session lifecycle state machine.
//! - [`actor`], [`audience`], [`message`]: the message fact and its stored audience.
//! - [`change`]: edits, deletes, reactions and pins as facts about a message, and the projection that applies
//!   them.
//! - [`reply`]: a reply's quote of the message it answers, hidden from those who may not see that message.
//! - [`markup`]: what a body's Markdown means (spoilers, links, mentions, inline rolls), drawn by every side.
//! - [`visibility`]: who may see a message ([`visibility::can_see`]), the one rule.
//! - [`policy`]: who speaks and who hears: hints plus the game authority's facts become the effective actor
//!   and audience, or a typed refusal.
//! - [`dice`], [`dice_roll`]: the roll grammar, and throwing a roll (the server rolls; the composer previews).
//! - [`command`], [`command_registry`]: slash commands: the parser and renderer; names, aliases and usage.
//! - [`compose`]: the permission matrix and what a send will become ([`compose::prepare`]).
//! - [`mentions`]: `@` mentions: finding the query under the caret, suggestions, resolution at send time.
//! - [`notices`]: system notices for game news (sessions, members, characters): where and to whom.
//! - [`describe`]: the words for speakers, audiences and previews, shared by the timeline and the server.
//! - [`frames`]: the WebSocket wire protocol, documented in `docs/protocol.md`; [`hints`]: the voice and
//!   audience a send asks for, one typed shape from the composer to the server.
//! - [`views`]: the read models pages receive from server functions.
//! - [`backoff`]: the reconnect schedule of the client feed; [`calendar`]: days to dates.
//! - [`events`]: the envelope of the event stream other services read, and which bodies it may carry.

pub mod actor;
pub mod audience;
pub mod backoff;
pub mod calendar;
pub mod campaign;
pub mod change;
pub mod command;
pub mod command_registry;
pub mod compose;
pub mod describe;
pub mod dice;
pub mod dice_roll;
pub mod error;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod frames;
pub mod hints;
pub mod ids;
pub mod markup;
pub mod mentions;
pub mod message;
pub mod notices;
pub mod policy;
pub mod reply;
pub mod tag_first;
pub mod typing;
pub mod validate;
pub mod views;
pub mod visibility;

pub use error::{ErrorCode, Problem};
