//! A scenario's send as the gateway reads it off the wire, and who may read it, derived from the scenario itself
//! rather than from `can_see`.

use super::scenario::{Hearing, Mode, Send, Target};
use super::Table;
use app::domain::campaign::Role;
use app::domain::ids::{MessageId, UserId};
use serde_json::json;
use server::chat::SendRequest;
use std::collections::BTreeSet;

/// The `chat.send` a scenario's send becomes (a reply names one of the `earlier` acknowledged sends).
pub fn wire(table: &Table, send: &Send, stranger: &UserId, earlier: &[String]) -> SendRequest {
    let (mode, character_id, npc_name) = match &send.mode {
        Mode::Participant => (None, None, None),
        Mode::Character(n) => {
            let id = table
                .characters
                .get(*n)
                .map(|c| c.0.to_string())
                .unwrap_or_else(|| "01NOSUCHCHARACTER".into());
            (Some("character"), Some(id), None)
        }
        Mode::Gm => (Some("gm"), None, None),
        Mode::Narrator => (Some("narrator"), None, Some("Old Fisher".to_owned())),
    };
    let audience = match &send.hearing {
        Hearing::All => json!("all"),
        Hearing::GmOnly => json!("gm_only"),
        Hearing::Whisper(targets) => json!({"scope": "targets", "targets": targets.iter().map(|t| match t {
            Target::Member(n) => json!({"kind": "user", "id": table.members[n % table.members.len()].0.id}),
            Target::Character(n) => match table.characters.get(*n) {
                Some((id, _)) => json!({"kind": "character", "id": id}),
                None => json!({"kind": "character", "id": "01NOSUCHCHARACTER"}),
            },
            Target::Stranger => json!({"kind": "user", "id": stranger}),
        }).collect::<Vec<_>>()}),
    };
    // Read from the wire form, as the gateway reads a `chat.send`.
    let hints = json!({"mode": mode, "character_id": character_id, "npc_name": npc_name, "audience": audience});
    SendRequest {
        channel_id: table.channel.clone(),
        client_message_id: ulid::Ulid::generate().to_string(),
        body: if send.blind {
            "/blindroll 1d20 Stealth"
        } else {
            "a line"
        }
        .into(),
        hints: serde_json::from_value(hints).expect("hints in the wire form"),
        reply_to: send
            .reply_to
            .filter(|_| !earlier.is_empty())
            .map(|n| MessageId(earlier[n % earlier.len()].clone())),
    }
}

/// Who may read a send, derived from the scenario itself (not from `can_see`): `None` means everyone.
pub fn intended_readers(table: &Table, send: &Send, gm_sees_whispers: bool) -> Option<BTreeSet<UserId>> {
    let sender = table.members[send.sender % table.members.len()].0.id.clone();
    let gms = table
        .members
        .iter()
        .filter(|(_, r)| *r == Role::Gm)
        .map(|(u, _)| u.id.clone());
    match &send.hearing {
        Hearing::All => None,
        Hearing::GmOnly => Some(gms.chain([sender]).collect()),
        Hearing::Whisper(targets) => {
            let mut readers: BTreeSet<UserId> = [sender].into();
            for target in targets {
                match target {
                    Target::Member(n) => {
                        readers.insert(table.members[n % table.members.len()].0.id.clone());
                    }
                    Target::Character(n) => readers.extend(table.characters[*n].1.iter().cloned()),
                    Target::Stranger => unreachable!("a whisper to a stranger is refused"),
                }
            }
            if gm_sees_whispers {
                readers.extend(gms);
            }
            Some(readers)
        }
    }
}
