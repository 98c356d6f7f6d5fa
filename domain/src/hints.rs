//! The voice and audience a send asks for, in one typed shape from the composer to the server: the hints of
//! `chat.send` and `chat.command.preview`, read and written in exactly the wire form `docs/protocol.md`
//! documents (flat `mode`, `character_id`, `npc_name`; `audience` as `"all"`, `"gm_only"` or a targets object).
//! The server decides on them with [`crate::policy::decide`]; they never widen anything.

use super::error::Problem;
use super::ids::CharacterId;
use super::policy::{AudienceHint, ModeHint};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `mode` field's words. Any other word reads as [`ModeName::Unknown`], refused with `invalid_input` by
/// [`SendHints::mode`] (so the refusal names the send, instead of the whole frame being unreadable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModeName {
    /// As oneself (the default).
    Participant,
    /// As a character: needs `character_id`.
    Character,
    /// As the GM.
    Gm,
    /// As a named NPC: needs `npc_name`.
    Narrator,
    /// Reserved for the server; always refused.
    System,
    /// A word that is not a mode.
    #[serde(other)]
    Unknown,
}

/// The `audience` field as sent: a hint, or something that could not be read as one (refused with
/// `invalid_input` when the send is decided, like an unknown mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireAudience {
    /// A readable audience.
    Hint(AudienceHint),
    /// Neither `"all"`, `"gm_only"` nor a targets object.
    Unreadable,
}

/// The hints of one send, as the wire carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendHints {
    /// `participant` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ModeName>,
    /// For `character` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_id: Option<CharacterId>,
    /// For `narrator` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npc_name: Option<String>,
    /// Everyone in the channel when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<WireAudience>,
}

impl SendHints {
    /// The hints that ask for `mode` and `audience` (what the composer sends).
    pub fn new(mode: &ModeHint, audience: &AudienceHint) -> Self {
        let (mode, character_id, npc_name) = match mode {
            ModeHint::Participant => (None, None, None),
            ModeHint::Character { character_id } => (Some(ModeName::Character), Some(character_id.clone()), None),
            ModeHint::Gm => (Some(ModeName::Gm), None, None),
            ModeHint::Narrator { name } => (Some(ModeName::Narrator), None, Some(name.clone())),
        };
        Self {
            mode,
            character_id,
            npc_name,
            audience: Some(WireAudience::Hint(audience.clone())),
        }
    }

    /// The voice asked for, or why it cannot be read.
    pub fn mode(&self) -> Result<ModeHint, Problem> {
        let missing = |field: &str, mode: &str| {
            Problem::invalid(
                format!("Mode \"{mode}\" needs \"{field}\"."),
                "See docs/protocol.md, chat.send.",
            )
        };
        match self.mode.unwrap_or(ModeName::Participant) {
            ModeName::Participant => Ok(ModeHint::Participant),
            ModeName::Character => Ok(ModeHint::Character {
                character_id: self
                    .character_id
                    .clone()
                    .ok_or_else(|| missing("character_id", "character"))?,
            }),
            ModeName::Gm => Ok(ModeHint::Gm),
            ModeName::Narrator => Ok(ModeHint::Narrator {
                name: self.npc_name.clone().ok_or_else(|| missing("npc_name", "narrator"))?,
            }),
            ModeName::System => Err(Problem::new(
                super::ErrorCode::ModeNotAllowed,
                "Only the server speaks as the system.",
                "Use participant, character, gm or narrator.",
            )),
            ModeName::Unknown => Err(Problem::invalid(
                "Unknown mode.",
                "Use participant, character, gm or narrator.",
            )),
        }
    }

    /// The audience asked for, or why it cannot be read.
    pub fn audience(&self) -> Result<AudienceHint, Problem> {
        match &self.audience {
            None => Ok(AudienceHint::All),
            Some(WireAudience::Hint(hint)) => Ok(hint.clone()),
            Some(WireAudience::Unreadable) => Err(Problem::invalid(
                "The audience could not be read.",
                "Use \"all\", \"gm_only\" or {\"scope\": \"targets\", \"targets\": [{\"kind\": \"user\", \"id\": ...}]}.",
            )),
        }
    }
}

impl Serialize for WireAudience {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Hint(AudienceHint::All) => serializer.serialize_str("all"),
            Self::Hint(AudienceHint::GmOnly) => serializer.serialize_str("gm_only"),
            Self::Hint(hint) => hint.serialize(serializer),
            Self::Unreadable => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for WireAudience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AudienceVisitor)
    }
}

/// Reads the audience without an intermediate JSON tree: a word, or the object of a hint.
struct AudienceVisitor;

impl<'de> Visitor<'de> for AudienceVisitor {
    type Value = WireAudience;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"all\", \"gm_only\" or an audience object")
    }

    fn visit_str<E: de::Error>(self, word: &str) -> Result<WireAudience, E> {
        Ok(match word {
            "all" => WireAudience::Hint(AudienceHint::All),
            "gm_only" => WireAudience::Hint(AudienceHint::GmOnly),
            _ => WireAudience::Unreadable,
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<WireAudience, E> {
        Ok(WireAudience::Hint(AudienceHint::All))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WireAudience, A::Error> {
        let hint = AudienceHint::deserialize(de::value::MapAccessDeserializer::new(map));
        Ok(hint.map_or(WireAudience::Unreadable, WireAudience::Hint))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireAudience, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(WireAudience::Unreadable)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<WireAudience, E> {
        Ok(WireAudience::Unreadable)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<WireAudience, E> {
        Ok(WireAudience::Unreadable)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<WireAudience, E> {
        Ok(WireAudience::Unreadable)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<WireAudience, E> {
        Ok(WireAudience::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::ClientFrame;
    use crate::ids::{ChannelId, UserId};
    use crate::policy::TargetHint;
    use serde_json::json;

    fn hints_of(extra: serde_json::Value) -> SendHints {
        let mut frame = json!({"type": "chat.send", "channel_id": "c", "client_message_id": "k", "body": "hi"});
        frame
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        match serde_json::from_value::<ClientFrame>(frame).unwrap() {
            ClientFrame::Send { hints, .. } => hints,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_documented_wire_form_reads() {
        assert_eq!(hints_of(json!({})).mode(), Ok(ModeHint::Participant));
        assert_eq!(hints_of(json!({})).audience(), Ok(AudienceHint::All));
        assert_eq!(
            hints_of(json!({"audience": "gm_only"})).audience(),
            Ok(AudienceHint::GmOnly)
        );
        assert_eq!(hints_of(json!({"audience": null})).audience(), Ok(AudienceHint::All));
        let whisper = hints_of(json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": "u1"}]}}));
        assert_eq!(
            whisper.audience(),
            Ok(AudienceHint::Targets {
                targets: vec![TargetHint::User { id: UserId::from("u1") }]
            })
        );
        let character = hints_of(json!({"mode": "character", "character_id": "ch1"}));
        assert_eq!(
            character.mode(),
            Ok(ModeHint::Character {
                character_id: CharacterId::from("ch1")
            })
        );
        let npc = hints_of(json!({"mode": "narrator", "npc_name": "Hollin"}));
        assert_eq!(npc.mode(), Ok(ModeHint::Narrator { name: "Hollin".into() }));
    }

    #[test]
    fn unreadable_hints_are_refusals_of_the_send_not_unreadable_frames() {
        for bad in [
            json!({"audience": "everyone"}),
            json!({"audience": 3}),
            json!({"audience": {"scope": "x"}}),
            json!({"audience": [1, 2]}),
        ] {
            assert_eq!(
                hints_of(bad).audience().unwrap_err().code,
                crate::ErrorCode::InvalidInput
            );
        }
        assert_eq!(
            hints_of(json!({"mode": "wizard"})).mode().unwrap_err().code,
            crate::ErrorCode::InvalidInput
        );
        assert_eq!(
            hints_of(json!({"mode": "system"})).mode().unwrap_err().code,
            crate::ErrorCode::ModeNotAllowed
        );
        assert!(
            hints_of(json!({"mode": "character"})).mode().is_err(),
            "character mode needs its id"
        );
    }

    #[test]
    fn the_composer_writes_the_flat_wire_form() {
        let hints = SendHints::new(
            &ModeHint::Character {
                character_id: CharacterId::from("ch1"),
            },
            &AudienceHint::GmOnly,
        );
        let frame = ClientFrame::Send {
            channel_id: ChannelId::from("c"),
            client_message_id: "k".into(),
            body: "hi".into(),
            hints,
            reply_to: None,
        };
        assert_eq!(
            serde_json::to_value(&frame).unwrap(),
            json!({"type": "chat.send", "channel_id": "c", "client_message_id": "k", "body": "hi",
                "mode": "character", "character_id": "ch1", "audience": "gm_only"})
        );
        let plain = serde_json::to_value(SendHints::new(&ModeHint::Participant, &AudienceHint::All)).unwrap();
        assert_eq!(plain, json!({"audience": "all"}));
    }
}
