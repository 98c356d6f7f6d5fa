//! Words for who spoke, who may read, and what a send will do. The timeline, the composer's preview and the
//! server's `chat.preview` all use these, so the browser and the server describe a send in the same words.

use super::actor::{Actor, ActorKind};
use super::audience::{Audience, AudienceScope};
use super::campaign::SessionAction;
use super::compose::Intent;
use super::ids::UserId;
use super::message::MessageKind;
use super::policy::TableFacts;

/// A member's name, or a neutral placeholder for someone who has left.
pub fn member_name(facts: Option<&TableFacts>, user: &UserId) -> String {
    facts
        .and_then(|f| f.member(user))
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "a former member".to_owned())
}

/// The speaker as shown, and a detail: a character's player, "NPC" for narrators, "system" for the server.
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

/// The speaker in one string: "Brynn (alice)".
pub fn speaker_line(actor: &Actor, sender: Option<&UserId>, facts: Option<&TableFacts>) -> String {
    let (name, detail) = speaker(actor, sender, facts);
    detail.map_or(name.clone(), |d| format!("{name} ({d})"))
}

/// Who may read: "Everyone", "GM only", "Whisper to Alice, Bob", "Only you".
pub fn audience(audience: &Audience, facts: Option<&TableFacts>) -> String {
    match audience.scope {
        AudienceScope::All => "Everyone".to_owned(),
        AudienceScope::GmOnly if audience.blind => "GM only (blind)".to_owned(),
        AudienceScope::GmOnly => "GM only".to_owned(),
        AudienceScope::Targets => {
            let names: Vec<String> = audience.targets.iter().map(|t| member_name(facts, t)).collect();
            let mut words = if names.is_empty() {
                "Only you".to_owned()
            } else {
                format!("Whisper to {}", names.join(", "))
            };
            if audience.gms {
                words.push_str(" (GM can read)");
            }
            words
        }
    }
}

/// What a send will do, in one line: "As Brynn (alice) → Everyone", "Brynn (alice) rolls 1d20+5 → GM only",
/// "Starts the session". The composer shows it while typing; `chat.preview` answers with the same words.
pub fn intent(intent: &Intent, sender: &UserId, facts: Option<&TableFacts>) -> String {
    match intent {
        Intent::Post(draft) => {
            let who = speaker_line(&draft.decision.actor, Some(sender), facts);
            let to = audience(&draft.decision.audience, facts);
            match (&draft.roll, draft.kind) {
                (Some(roll), _) if draft.decision.audience.blind => {
                    format!(
                        "{who} rolls {} blind → {to}; you will not see the result",
                        roll.dice.notation()
                    )
                }
                (Some(roll), _) => format!("{who} rolls {} → {to}", roll.dice.notation()),
                (None, MessageKind::Emote) => format!("{who} acts → {to}"),
                (None, MessageKind::Narration) => format!("Narration → {to}"),
                _ => format!("As {who} → {to}"),
            }
        }
        Intent::Session(action) => match action {
            SessionAction::Start => "Starts (or resumes) the session".to_owned(),
            SessionAction::Pause => "Pauses the session".to_owned(),
            SessionAction::End => "Ends the session".to_owned(),
        },
        Intent::Help(_) => "Shows help that only you can see".to_owned(),
    }
}
