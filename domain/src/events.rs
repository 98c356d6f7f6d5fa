//! The event stream other services read: one envelope per committed message (seed 003's
//! `chat.message.sent.v1`), written to the outbox in the message's own transaction and relayed to the broker.
//!
//! A whisper's body is a secret that the stream must not spread: by default only a message whose audience is
//! everyone carries its body (and its speaker, mentions and roll, which can say as much). Every other message
//! carries its ids, its place in the channel and its audience, so a consumer can count, order and route it
//! without reading it. The operator may let bodies through per lane ([`BodyPolicy`]).

use super::actor::Actor;
use super::audience::{Audience, AudienceScope};
use super::change::Change;
use super::dice::RollResult;
use super::ids::{ChannelId, MessageId, UserId};
use super::message::{Mention, Message, MessageKind};
use super::policy::Lane;
use serde::{Deserialize, Serialize};

/// The event type of a committed message.
pub const MESSAGE_SENT_V1: &str = "chat.message.sent.v1";
/// The event type of a committed change to an earlier message (an edit, delete, reaction or pin): the same
/// payload, with `change` naming the message and what happened to it.
pub const MESSAGE_CHANGED_V1: &str = "chat.message.changed.v1";

/// Which lanes' non-public messages carry their bodies on the stream (public ones always do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyPolicy {
    /// Session rooms.
    pub in_game: bool,
    /// Table channels and direct messages.
    pub off_game: bool,
}

impl BodyPolicy {
    /// Reads a comma-separated list of lanes (`in_game`, `off_game`; empty or `none` for neither), as the
    /// operator writes it in `TABLETALK_EVENTS_BODIES`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut policy = Self::default();
        for lane in raw.split(',').map(str::trim).filter(|l| !l.is_empty() && *l != "none") {
            match lane {
                "in_game" => policy.in_game = true,
                "off_game" => policy.off_game = true,
                other => return Err(format!("unknown lane '{other}' (expected in_game, off_game or none)")),
            }
        }
        Ok(policy)
    }

    /// Whether a message of `lane` with `audience` travels with its body.
    pub fn carries_body(self, lane: Lane, audience: &Audience) -> bool {
        let public = audience.scope == AudienceScope::All && !audience.blind;
        public
            || match lane {
                Lane::InGame => self.in_game,
                Lane::OffGame => self.off_game,
            }
    }
}

/// One event on the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// Unique per event: consumers and the broker drop a second copy by it (delivery is at least once).
    pub event_id: String,
    /// [`MESSAGE_SENT_V1`] or [`MESSAGE_CHANGED_V1`].
    pub event_type: String,
    /// The key the stream is partitioned by: the channel, so each channel's events keep their order.
    pub partition_key: ChannelId,
    /// What happened.
    pub payload: MessageSent,
}

/// The payload of [`MESSAGE_SENT_V1`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSent {
    /// The message.
    pub message_id: MessageId,
    /// Its channel (seed 003's room).
    pub room_id: ChannelId,
    /// Its place in the channel: gap-free among committed messages, so a consumer sees a missing event.
    pub sequence_id: i64,
    /// When it was committed, in milliseconds since the Unix epoch (UTC).
    pub sent_at: i64,
    /// Who sent it (`None` for Tabletalk's own notices).
    pub sender_id: Option<UserId>,
    /// `in_game` (a session room) or `off_game`.
    pub lane: String,
    /// Who may read it.
    pub audience: Audience,
    /// Whether the body and what could tell it (speaker, kind, mentions, roll) were left out.
    pub withheld: bool,
    /// What it is, when not withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MessageKind>,
    /// The speaker, when not withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    /// The body, when not withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Mentions, when not withheld.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
    /// The roll, when not withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roll: Option<RollResult>,
    /// Attachments (none yet; seed 003 names the field).
    pub attachments: Vec<String>,
    /// For a change: the message changed and how (an edit's new text is `content`, under the same rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

impl Envelope {
    /// The event for a committed message of `lane`, under `policy`; `event_id` must be new.
    pub fn message_sent(event_id: String, message: &Message, lane: Lane, policy: BodyPolicy) -> Self {
        let open = policy.carries_body(lane, &message.audience);
        Self {
            event_id,
            event_type: match message.is_change() {
                true => MESSAGE_CHANGED_V1,
                false => MESSAGE_SENT_V1,
            }
            .to_owned(),
            partition_key: message.channel_id.clone(),
            payload: MessageSent {
                message_id: message.message_id.clone(),
                room_id: message.channel_id.clone(),
                sequence_id: message.sequence_id,
                sent_at: message.sent_at,
                sender_id: message.sender_id.clone(),
                lane: match lane {
                    Lane::InGame => "in_game",
                    Lane::OffGame => "off_game",
                }
                .to_owned(),
                audience: message.audience.clone(),
                withheld: !open,
                kind: open.then_some(message.kind),
                actor: open.then(|| message.actor.clone()),
                content: open.then(|| message.body.clone()),
                mentions: if open { message.mentions.clone() } else { Vec::new() },
                roll: if open { message.roll.clone() } else { None },
                attachments: Vec::new(),
                change: message.change.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;

    fn message(audience: Audience) -> Message {
        Message {
            message_id: MessageId::from("m1"),
            channel_id: ChannelId::from("c1"),
            sequence_id: 7,
            sent_at: 42,
            kind: MessageKind::Text,
            actor: Actor::participant("u1", "Ann"),
            sender_id: Some(UserId::from("u1")),
            body: "the secret door is behind the tapestry".into(),
            mentions: Vec::new(),
            audience,
            roll: None,
            client_message_id: Some("k".into()),
            change: None,
            inline_rolls: Vec::new(),
            reply: None,
        }
    }

    fn whisper() -> Audience {
        Audience {
            scope: AudienceScope::Targets,
            targets: vec![UserId::from("u2")],
            ..Audience::all()
        }
    }

    #[test]
    fn only_public_messages_carry_their_body_by_default() {
        let public = Envelope::message_sent(
            "e1".into(),
            &message(Audience::all()),
            Lane::InGame,
            BodyPolicy::default(),
        );
        assert_eq!(
            public.payload.content.as_deref(),
            Some("the secret door is behind the tapestry")
        );
        assert!(!public.payload.withheld);
        for audience in [
            whisper(),
            Audience {
                scope: AudienceScope::GmOnly,
                gms: true,
                ..Audience::all()
            },
        ] {
            let event = Envelope::message_sent(
                "e2".into(),
                &message(audience.clone()),
                Lane::InGame,
                BodyPolicy::default(),
            );
            let json = serde_json::to_string(&event).unwrap();
            assert!(!json.contains("tapestry"), "{json}");
            assert!(
                !json.contains("Ann"),
                "the speaker can tell as much as the body: {json}"
            );
            assert!(event.payload.withheld);
            assert_eq!(event.payload.audience, audience);
            assert_eq!(event.payload.sequence_id, 7);
        }
    }

    #[test]
    fn the_operator_lets_bodies_through_per_lane() {
        let policy = BodyPolicy::parse("off_game").unwrap();
        let off = Envelope::message_sent("e".into(), &message(whisper()), Lane::OffGame, policy);
        let on = Envelope::message_sent("e".into(), &message(whisper()), Lane::InGame, policy);
        assert!(off.payload.content.is_some());
        assert!(on.payload.content.is_none());
        assert_eq!(
            BodyPolicy::parse(" in_game , off_game ").unwrap(),
            BodyPolicy {
                in_game: true,
                off_game: true
            }
        );
        assert_eq!(BodyPolicy::parse("none").unwrap(), BodyPolicy::default());
        assert!(BodyPolicy::parse("everything").unwrap_err().contains("everything"));
    }

    #[test]
    fn a_blind_roll_is_never_public() {
        let blind = Audience {
            scope: AudienceScope::All,
            blind: true,
            ..Audience::all()
        };
        assert!(!BodyPolicy::default().carries_body(Lane::InGame, &blind));
    }

    #[test]
    fn the_envelope_reads_as_seed_003_names_it() {
        let event = Envelope::message_sent(
            "e1".into(),
            &message(Audience::all()),
            Lane::OffGame,
            BodyPolicy::default(),
        );
        let json: serde_json::Value = serde_json::to_value(&event).unwrap();
        assert_eq!(json["eventType"], "chat.message.sent.v1");
        assert_eq!(json["payload"]["messageId"], "m1");
        assert_eq!(json["payload"]["roomId"], "c1");
        assert_eq!(json["payload"]["senderId"], "u1");
        assert_eq!(json["payload"]["content"], "the secret door is behind the tapestry");
        assert_eq!(json["payload"]["attachments"], serde_json::json!([]));
        let back: Envelope = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }
}
