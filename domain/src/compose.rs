//! What a send becomes: the command permission matrix and [`prepare`], which turns a body plus the composer's
//! hints into an [`Intent`] (a message to post with its effective speaker, audience and mentions; a session
//! change; or help) or a typed refusal. The composer calls it for the live preview; the server calls it to
//! decide. Only the server rolls dice and only the game authority changes sessions.
//!
//! Permission matrix (command x role x lane; the voice column says how the current mode is used):
//!
//! | command                      | GM          | player      | observer      | voice                       |
//! |------------------------------|-------------|-------------|---------------|-----------------------------|
//! | roll, gmroll, blindroll, selfroll | yes    | yes         | no            | current mode                |
//! | w, me, ooc                   | yes         | yes         | off-game only | current (ooc: participant)  |
//! | gm                           | yes         | no          | no            | GM                          |
//! | as, desc                     | in-game     | no          | no            | narrator (NPC / narration)  |
//! | session                      | in-game     | no          | no            | none                        |
//! | help                         | yes         | yes         | yes           | none                        |
//!
//! Observers never post in session rooms, whatever the command. A voice the member may not use (a player in
//! GM mode) is refused by [`decide`] as it is for plain text.

use super::audience::{Audience, AudienceScope};
use super::campaign::{Role, SessionAction};
use super::command::{self, Command, CommandName, Parsed, RollVisibility};
use super::dice::DiceExpr;
use super::error::{ErrorCode, Problem};
use super::ids::UserId;
use super::mentions;
use super::message::{Mention, MessageKind};
use super::policy::{decide, AudienceHint, Decision, Lane, ModeHint, TableFacts, TargetHint};

/// The label narration (`/desc`) is stored under.
pub const NARRATION_LABEL: &str = "Narration";

/// A roll still to be thrown (by the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollPlan {
    /// Who sees it.
    pub visibility: RollVisibility,
    /// What to throw.
    pub dice: DiceExpr,
}

/// A message ready to be stored (after the server rolls, for rolls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// What it is.
    pub kind: MessageKind,
    /// Effective speaker and audience.
    pub decision: Decision,
    /// The text to store: the speech without its command, or the canonical roll.
    pub body: String,
    /// Resolved mentions.
    pub mentions: Vec<Mention>,
    /// For rolls.
    pub roll: Option<RollPlan>,
}

/// What a send will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Store and deliver a message.
    Post(Draft),
    /// Ask the game authority to change the session.
    Session(SessionAction),
    /// Answer with help, to the requester only.
    Help(Option<CommandName>),
}

/// Whether a member of `role` may use `command` in `lane`; `not_permitted` with the reason otherwise.
pub fn permits(command: CommandName, role: Role, lane: Lane) -> Result<(), Problem> {
    use CommandName::*;
    let refusal = |why: &str, hint: &str| {
        Err(Problem::new(
            ErrorCode::NotPermitted,
            format!("/{} {why}", command.spec().word),
            hint.to_owned(),
        ))
    };
    match (command, role, lane) {
        (Help, _, _) => Ok(()),
        (_, Role::Observer, Lane::InGame) => refusal(
            "is not for observers: observers read session rooms but do not post in them.",
            "Observers can talk out of character in #general and in direct messages.",
        ),
        (Whisper | Me | Ooc, Role::Observer, Lane::OffGame) => Ok(()),
        (_, Role::Observer, _) => refusal(
            "is for players and GMs.",
            "Observers can talk out of character in #general and in direct messages.",
        ),
        (Roll | GmRoll | BlindRoll | SelfRoll | Whisper | Me | Ooc, _, _) => Ok(()),
        (Gm | As | Desc | Session, Role::Player, _) => refusal(
            "is for game masters.",
            "Speak as yourself or your character, or whisper the GM.",
        ),
        (As | Desc | Session, Role::Gm, Lane::OffGame) => refusal(
            "works only in session rooms.",
            "Open the session's room to narrate or run the session.",
        ),
        (Gm | As | Desc | Session, Role::Gm, _) => Ok(()),
    }
}

/// Turns a body and the composer's hints into what the send will do, or the reason it cannot.
pub fn prepare(
    sender: &UserId,
    lane: Lane,
    facts: &TableFacts,
    mode: &ModeHint,
    audience: &AudienceHint,
    body: &str,
) -> Result<Intent, Problem> {
    let member = facts.member(sender).ok_or_else(|| Problem::not_found("channel"))?;
    let command = match command::parse(body)? {
        Parsed::Text(text) => {
            let decision = decide(sender, lane, facts, mode, audience)?;
            return speech(MessageKind::Text, decision, text, facts);
        }
        Parsed::Command(command) => command,
    };
    permits(command.name(), member.role, lane)?;
    let say = |kind: MessageKind, mode: &ModeHint, hint: &AudienceHint, text: String| {
        speech(kind, decide(sender, lane, facts, mode, hint)?, text, facts)
    };
    match command {
        Command::Help { topic } => Ok(Intent::Help(topic)),
        Command::Session { action } => Ok(Intent::Session(action)),
        Command::Roll { visibility, dice } => {
            let hint = match visibility {
                RollVisibility::Public | RollVisibility::SelfOnly => AudienceHint::All,
                RollVisibility::Gm | RollVisibility::Blind => AudienceHint::GmOnly,
            };
            let mut decision = decide(sender, lane, facts, mode, &hint)?;
            match visibility {
                RollVisibility::SelfOnly => {
                    decision.audience = Audience {
                        scope: AudienceScope::Targets,
                        ..Audience::all()
                    }
                }
                RollVisibility::Blind => decision.audience.blind = true,
                RollVisibility::Public | RollVisibility::Gm => {}
            }
            Ok(Intent::Post(Draft {
                kind: MessageKind::Roll,
                decision,
                body: dice.render(),
                mentions: Vec::new(),
                roll: Some(RollPlan { visibility, dice }),
            }))
        }
        Command::Whisper { targets, text } => {
            let targets = whisper_targets(&targets, facts)?;
            say(MessageKind::Text, mode, &AudienceHint::Targets { targets }, text)
        }
        Command::Gm { text } => say(MessageKind::Text, &ModeHint::Gm, audience, text),
        Command::Me { text } => say(MessageKind::Emote, mode, audience, text),
        Command::Ooc { text } => say(MessageKind::Text, &ModeHint::Participant, audience, text),
        Command::As { name, text } => say(MessageKind::Text, &ModeHint::Narrator { name }, audience, text),
        Command::Desc { text } => {
            let narrator = ModeHint::Narrator {
                name: NARRATION_LABEL.to_owned(),
            };
            say(MessageKind::Narration, &narrator, audience, text)
        }
    }
}

fn speech(kind: MessageKind, decision: Decision, text: String, facts: &TableFacts) -> Result<Intent, Problem> {
    // A `[[...]]` that is no roll is refused here, so the composer's preview says so before the send.
    crate::markup::inline_dice(&text)?;
    let mentions = mentions::resolve(&text, facts)?;
    Ok(Intent::Post(Draft {
        kind,
        decision,
        body: text,
        mentions,
        roll: None,
    }))
}

/// Resolves whisper names: `gm` (every GM), `players` (every player), member names, then character names, all
/// case-insensitive. A name that matches no one is `unknown_target`.
pub fn whisper_targets(names: &[String], facts: &TableFacts) -> Result<Vec<TargetHint>, Problem> {
    let mut targets: Vec<TargetHint> = Vec::new();
    for name in names {
        let wanted = name.to_lowercase();
        let role_group = match wanted.as_str() {
            "gm" | "gms" => Some(Role::Gm),
            "players" => Some(Role::Player),
            _ => None,
        };
        let found: Vec<TargetHint> = if let Some(role) = role_group {
            facts
                .members
                .iter()
                .filter(|m| m.role == role)
                .map(|m| TargetHint::User { id: m.user_id.clone() })
                .collect()
        } else if let Some(member) = facts.members.iter().find(|m| m.name.to_lowercase() == wanted) {
            vec![TargetHint::User {
                id: member.user_id.clone(),
            }]
        } else if let Some(character) = facts.characters.iter().find(|c| c.name.to_lowercase() == wanted) {
            vec![TargetHint::Character {
                id: character.id.clone(),
            }]
        } else {
            Vec::new()
        };
        if found.is_empty() {
            let spaced = facts
                .characters
                .iter()
                .map(|c| &c.name)
                .chain(facts.members.iter().map(|m| &m.name))
                .find(|full| full.to_lowercase().starts_with(&format!("{wanted} ")));
            let hint = match spaced {
                Some(full) => format!("Names with spaces need quotes: /w \"{full}\" text"),
                None => "Whisper to members or characters of this campaign, gm or players.".to_owned(),
            };
            return Err(Problem::new(
                ErrorCode::UnknownTarget,
                format!("No one here is called \"{name}\"."),
                hint,
            ));
        }
        for target in found {
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    Ok(targets)
}

/// The help answer: every command this member may use here with its usage, or one command in detail.
pub fn help_lines(topic: Option<CommandName>, role: Role, lane: Lane) -> Vec<String> {
    match topic {
        Some(name) => {
            let spec = name.spec();
            let mut lines = vec![format!("{} — {}", spec.usage, spec.summary)];
            if !spec.aliases.is_empty() {
                let aliases: Vec<String> = spec.aliases.iter().map(|a| format!("/{a}")).collect();
                lines.push(format!("Also: {}", aliases.join(", ")));
            }
            if let Err(problem) = permits(name, role, lane) {
                lines.push(format!("Not for you here: {}", problem.message));
            }
            lines
        }
        None => available(role, lane)
            .into_iter()
            .map(|spec| format!("{} — {}", spec.usage, spec.summary))
            .collect(),
    }
}

/// The commands a member of `role` may use in `lane`, in registry order (the `/` menu).
pub fn available(role: Role, lane: Lane) -> Vec<&'static command::CommandSpec> {
    command::COMMANDS
        .iter()
        .filter(|spec| permits(spec.name, role, lane).is_ok())
        .collect()
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
