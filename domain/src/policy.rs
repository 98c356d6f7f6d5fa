//! Who speaks and who hears: turns a member's *hints* (the mode and audience the composer asked for) and the
//! game authority's *facts* (role, controlled characters, members, settings) into the effective [`Actor`] and
//! [`Audience`] stored on the message, or a typed refusal. The composer runs this to preview a send; the
//! server runs it to decide. Nothing a client sends can widen what this returns.
//!
//! Rules:
//! - `participant` (out of character): any member who may post here.
//! - `character`: only a character the sender controls, in this campaign; in-game lane only.
//! - `gm`: GMs only. `narrator` (a GM speaking as a named NPC): GMs only, in-game lane only.
//! - `system`: never from a client.
//! - Audience `all` reaches the channel; `gm_only` reaches the sender and GMs (anyone may write privately to the
//!   GMs); `targets` (a whisper) reaches the sender and the named members, and every member who controls a named
//!   character. GMs read whispers they are not part of only when the campaign's `gm_sees_whispers` is on *when
//!   the whisper is sent*; that answer is stored on the message so history never changes afterwards.
//! - Unknown or foreign characters and targets are refused the same way whether they do not exist or belong to
//!   another campaign.

use super::actor::{Actor, ActorKind};
use super::audience::{Audience, AudienceScope};
use super::campaign::Role;
use super::error::{ErrorCode, Problem};
use super::ids::{CharacterId, UserId};
use super::validate;
use serde::{Deserialize, Serialize};

/// Which lane a channel is in; modes that make no sense off-game are refused there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Session rooms: the game's own timeline.
    InGame,
    /// Table channels and direct messages.
    OffGame,
}

/// A member as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFact {
    /// Account id.
    pub user_id: UserId,
    /// Display name.
    pub name: String,
    /// Role in the campaign.
    pub role: Role,
}

/// A character as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharacterFact {
    /// Character id.
    pub id: CharacterId,
    /// Its name.
    pub name: String,
    /// Members who may speak as it (and who read whispers to it).
    pub controllers: Vec<UserId>,
}

/// What the game authority answers about a channel's campaign: the facts every decision needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TableFacts {
    /// Everyone in the campaign.
    pub members: Vec<MemberFact>,
    /// Every character in the campaign.
    pub characters: Vec<CharacterFact>,
    /// Whether GMs read whispers they are not part of.
    pub gm_sees_whispers: bool,
    /// How messages may change here (edit window, who pins).
    #[serde(default)]
    pub message_rules: crate::change::MessageRules,
}

impl TableFacts {
    /// The member with this id.
    pub fn member(&self, user: &UserId) -> Option<&MemberFact> {
        self.members.iter().find(|m| &m.user_id == user)
    }

    /// The character with this id.
    pub fn character(&self, id: &CharacterId) -> Option<&CharacterFact> {
        self.characters.iter().find(|c| &c.id == id)
    }

    /// Characters `user` controls, by name.
    pub fn controlled_by(&self, user: &UserId) -> Vec<&CharacterFact> {
        let mut owned: Vec<_> = self
            .characters
            .iter()
            .filter(|c| c.controllers.contains(user))
            .collect();
        owned.sort_by(|a, b| a.name.cmp(&b.name));
        owned
    }
}

/// The voice a sender asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModeHint {
    /// As themselves, out of character.
    Participant,
    /// As one of their characters.
    Character { character_id: CharacterId },
    /// As the GM.
    Gm,
    /// As a named NPC (GMs).
    Narrator { name: String },
}

/// Someone a whisper is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetHint {
    /// A member.
    User { id: UserId },
    /// A character: reaches everyone who controls it.
    Character { id: CharacterId },
}

/// The audience a sender asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum AudienceHint {
    /// Everyone in the channel.
    All,
    /// The GMs (and the sender).
    GmOnly,
    /// A whisper.
    Targets { targets: Vec<TargetHint> },
}

/// The effective speaker and audience of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Who the message speaks as.
    pub actor: Actor,
    /// Who may read it.
    pub audience: Audience,
}

/// Decides the effective actor and audience of a send by `sender`, or refuses it.
pub fn decide(
    sender: &UserId,
    lane: Lane,
    facts: &TableFacts,
    mode: &ModeHint,
    audience: &AudienceHint,
) -> Result<Decision, Problem> {
    let member = facts.member(sender).ok_or_else(|| Problem::not_found("channel"))?;
    if member.role == Role::Observer && lane == Lane::InGame {
        return Err(Problem::forbidden(
            "Observers read session rooms but do not post in them.",
        ));
    }
    let actor = actor(member, lane, facts, mode)?;
    let audience = effective_audience(sender, facts, audience)?;
    Ok(Decision { actor, audience })
}

fn actor(member: &MemberFact, lane: Lane, facts: &TableFacts, mode: &ModeHint) -> Result<Actor, Problem> {
    let is_gm = member.role == Role::Gm;
    match mode {
        ModeHint::Participant => Ok(Actor {
            kind: ActorKind::Participant,
            id: Some(member.user_id.to_string()),
            label: member.name.clone(),
        }),
        ModeHint::Character { .. } | ModeHint::Narrator { .. } if lane == Lane::OffGame => Err(Problem::new(
            ErrorCode::ModeNotAllowed,
            "Characters and NPCs speak only in session rooms.",
            "Speak as yourself here, or post in the session.",
        )),
        ModeHint::Character { character_id } => {
            let character = facts
                .character(character_id)
                .filter(|c| c.controllers.contains(&member.user_id))
                .ok_or_else(|| {
                    Problem::new(
                        ErrorCode::CharacterNotControlled,
                        "You do not control that character.",
                        "Pick one of your own characters, or create one in the sidebar.",
                    )
                })?;
            Ok(Actor {
                kind: ActorKind::Character,
                id: Some(character.id.to_string()),
                label: character.name.clone(),
            })
        }
        ModeHint::Gm | ModeHint::Narrator { .. } if !is_gm => Err(Problem::new(
            ErrorCode::ModeNotAllowed,
            "Only a game master can speak as the GM or as an NPC.",
            "Speak as yourself or as one of your characters.",
        )),
        ModeHint::Gm => Ok(Actor {
            kind: ActorKind::Gm,
            id: Some(member.user_id.to_string()),
            label: "GM".to_owned(),
        }),
        ModeHint::Narrator { name } => Ok(Actor {
            kind: ActorKind::Narrator,
            id: None,
            label: validate::name("NPC", name)?,
        }),
    }
}

fn effective_audience(sender: &UserId, facts: &TableFacts, hint: &AudienceHint) -> Result<Audience, Problem> {
    match hint {
        AudienceHint::All => Ok(Audience::all()),
        AudienceHint::GmOnly => Ok(Audience::gm_only()),
        AudienceHint::Targets { targets } => {
            if targets.is_empty() {
                return Err(Problem::new(
                    ErrorCode::UnknownTarget,
                    "A whisper needs at least one person or character.",
                    "Choose who should hear it.",
                ));
            }
            let mut readers: Vec<UserId> = Vec::new();
            for target in targets {
                let users: Vec<UserId> = match target {
                    TargetHint::User { id } => facts.member(id).map(|m| vec![m.user_id.clone()]),
                    TargetHint::Character { id } => facts.character(id).map(|c| c.controllers.clone()),
                }
                .ok_or_else(|| {
                    Problem::new(
                        ErrorCode::UnknownTarget,
                        "Someone you whispered to is not in this campaign.",
                        "Pick members or characters of this campaign.",
                    )
                })?;
                for user in users {
                    if &user != sender && !readers.contains(&user) {
                        readers.push(user);
                    }
                }
            }
            readers.sort();
            Ok(Audience {
                scope: AudienceScope::Targets,
                targets: readers,
                gms: facts.gm_sees_whispers,
                blind: false,
            })
        }
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
