//! Words for who spoke and who may read, shared by the timeline and the composer's preview so both describe a
//! message the same way.

use super::icon::IconKind;
use crate::domain::actor::{Actor, ActorKind};
use crate::domain::audience::{Audience, AudienceScope};
use crate::domain::ids::UserId;
use crate::domain::policy::TableFacts;

/// A member's name, or a neutral placeholder for someone who has left.
pub fn member_name(facts: Option<&TableFacts>, user: &UserId) -> String {
    facts
        .and_then(|f| f.member(user))
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "a former member".to_owned())
}

/// The speaker as shown: characters with their player, NPCs marked as such.
pub fn speaker(actor: &Actor, sender: Option<&UserId>, facts: Option<&TableFacts>) -> (String, Option<String>) {
    let player = || sender.map(|s| member_name(facts, s));
    match actor.kind {
        ActorKind::Participant => (actor.label.clone(), None),
        ActorKind::Character => (actor.label.clone(), player()),
        ActorKind::Gm => ("GM".to_owned(), player()),
        ActorKind::Narrator => (actor.label.clone(), Some("NPC".to_owned())),
        ActorKind::System => ("Tabletalk".to_owned(), Some("system".to_owned())),
    }
}

/// The icon and words of an audience: "Everyone", "GM only", "Whisper to Alice, Bob".
pub fn visibility(audience: &Audience, facts: Option<&TableFacts>) -> (IconKind, String) {
    match audience.scope {
        AudienceScope::All => (IconKind::Eye, "Everyone".to_owned()),
        AudienceScope::GmOnly => (IconKind::Lock, "GM only".to_owned()),
        AudienceScope::Targets => {
            let names: Vec<String> = audience.targets.iter().map(|t| member_name(facts, t)).collect();
            let mut words = if names.is_empty() {
                "Whisper to yourself".to_owned()
            } else {
                format!("Whisper to {}", names.join(", "))
            };
            if audience.gms {
                words.push_str(" (GM can read)");
            }
            (IconKind::Whisper, words)
        }
    }
}
