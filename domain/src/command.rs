//! Slash commands: the parser and the canonical renderer. The registry (names, aliases, usage) is in
//! [`super::command_registry`].
//!
//! The parser is purely syntactic: it knows nothing about the campaign. Whether a member may use a command and
//! what it becomes (speaker, audience, kind) is decided by [`super::compose`] with the game authority's facts, so
//! the composer's preview and the server's decision run the same code.
//!
//! A body is a command when it starts with `/` followed by a letter; `//text` sends the literal `/text`.

use super::campaign::SessionAction;
pub use super::command_registry::{suggest, CommandName, CommandSpec, COMMANDS};
use super::dice::{self, DiceExpr};
use super::error::{ErrorCode, Problem};
use serde::{Deserialize, Serialize};

/// Who sees a roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollVisibility {
    /// Everyone.
    Public,
    /// The roller and the GMs.
    Gm,
    /// The GMs only; the roller gets a notice without the result.
    Blind,
    /// The roller only.
    SelfOnly,
}

/// A parsed command with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// One of the four rolls.
    Roll { visibility: RollVisibility, dice: DiceExpr },
    /// A whisper to names as typed (resolved against the campaign later).
    Whisper { targets: Vec<String>, text: String },
    /// Speak as the GM.
    Gm { text: String },
    /// An action.
    Me { text: String },
    /// Out of character.
    Ooc { text: String },
    /// A named NPC speaks.
    As { name: String, text: String },
    /// Narration.
    Desc { text: String },
    /// Change the session's state.
    Session { action: SessionAction },
    /// Help on all commands or one.
    Help { topic: Option<CommandName> },
}

/// What a body is: plain text or a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Not a command (a `//` prefix is already reduced to `/`).
    Text(String),
    /// A command.
    Command(Command),
}

impl Command {
    /// Its registry name.
    pub fn name(&self) -> CommandName {
        match self {
            Self::Roll { visibility, .. } => match visibility {
                RollVisibility::Public => CommandName::Roll,
                RollVisibility::Gm => CommandName::GmRoll,
                RollVisibility::Blind => CommandName::BlindRoll,
                RollVisibility::SelfOnly => CommandName::SelfRoll,
            },
            Self::Whisper { .. } => CommandName::Whisper,
            Self::Gm { .. } => CommandName::Gm,
            Self::Me { .. } => CommandName::Me,
            Self::Ooc { .. } => CommandName::Ooc,
            Self::As { .. } => CommandName::As,
            Self::Desc { .. } => CommandName::Desc,
            Self::Session { .. } => CommandName::Session,
            Self::Help { .. } => CommandName::Help,
        }
    }

    /// The canonical text of the command; [`parse`] reads it back to the same value.
    pub fn render(&self) -> String {
        let word = self.name().spec().word;
        match self {
            Self::Roll { dice, .. } => format!("/{word} {}", dice.render()),
            Self::Whisper { targets, text } => {
                let names: Vec<String> = targets.iter().map(|t| format!("\"{t}\"")).collect();
                format!("/{word} {} {text}", names.join(", "))
            }
            Self::Gm { text } | Self::Me { text } | Self::Ooc { text } | Self::Desc { text } => {
                format!("/{word} {text}")
            }
            Self::As { name, text } => format!("/{word} \"{name}\" {text}"),
            Self::Session { action } => format!(
                "/{word} {}",
                match action {
                    SessionAction::Start => "start",
                    SessionAction::Pause => "pause",
                    SessionAction::End => "end",
                }
            ),
            Self::Help { topic: None } => format!("/{word}"),
            Self::Help { topic: Some(topic) } => format!("/{word} {}", topic.spec().word),
        }
    }
}

/// Whether a body would be read as a command (`/` then a letter).
pub fn is_command(body: &str) -> bool {
    let mut chars = body.trim_start().chars();
    chars.next() == Some('/') && chars.next().is_some_and(|c| c.is_alphabetic() || c == '?')
}

/// Reads a body: plain text, or a command with its arguments checked for shape.
pub fn parse(body: &str) -> Result<Parsed, Problem> {
    let trimmed = body.trim_start();
    if let Some(literal) = trimmed.strip_prefix("//") {
        return Ok(Parsed::Text(format!("/{literal}")));
    }
    if !is_command(body) {
        return Ok(Parsed::Text(body.to_owned()));
    }
    let after_slash = &trimmed[1..];
    let word_len = after_slash.find(char::is_whitespace).unwrap_or(after_slash.len());
    let (word, rest) = after_slash.split_at(word_len);
    let rest = rest.trim();
    let name = CommandName::from_word(word).ok_or_else(|| unknown_command(word))?;
    let text = |rest: &str| {
        if rest.is_empty() {
            Err(bad_arguments(name, "Say something after the command."))
        } else {
            Ok(rest.to_owned())
        }
    };
    let roll = |visibility| {
        dice::parse(rest)
            .map(|dice| Command::Roll { visibility, dice })
            .map_err(|p| {
                Problem::new(
                    ErrorCode::BadArguments,
                    p.message,
                    format!("Usage: {}. {}", name.spec().usage, p.hint),
                )
            })
    };
    let command = match name {
        CommandName::Roll => roll(RollVisibility::Public)?,
        CommandName::GmRoll => roll(RollVisibility::Gm)?,
        CommandName::BlindRoll => roll(RollVisibility::Blind)?,
        CommandName::SelfRoll => roll(RollVisibility::SelfOnly)?,
        CommandName::Whisper => {
            let (targets, text) = names_then_text(rest, true).map_err(|why| bad_arguments(name, why))?;
            Command::Whisper { targets, text }
        }
        CommandName::Gm => Command::Gm { text: text(rest)? },
        CommandName::Me => Command::Me { text: text(rest)? },
        CommandName::Ooc => Command::Ooc { text: text(rest)? },
        CommandName::Desc => Command::Desc { text: text(rest)? },
        CommandName::As => {
            let (names, text) = names_then_text(rest, false).map_err(|why| bad_arguments(name, why))?;
            Command::As {
                name: names.into_iter().next().unwrap_or_default(),
                text,
            }
        }
        CommandName::Session => Command::Session {
            action: match rest.to_ascii_lowercase().as_str() {
                "start" | "resume" => SessionAction::Start,
                "pause" => SessionAction::Pause,
                "end" | "stop" => SessionAction::End,
                _ => return Err(bad_arguments(name, "Say start, pause or end.")),
            },
        },
        CommandName::Help => Command::Help {
            topic: match rest.trim_start_matches('/') {
                "" => None,
                topic => Some(CommandName::from_word(topic).ok_or_else(|| unknown_command(topic))?),
            },
        },
    };
    Ok(Parsed::Command(command))
}

/// Reads `name[, name...] text` (lists only when `list`): a name is `"quoted with spaces"` or one word.
fn names_then_text(rest: &str, list: bool) -> Result<(Vec<String>, String), String> {
    let mut names = Vec::new();
    let mut at = rest;
    loop {
        at = at.trim_start();
        let (name, after) = if let Some(quoted) = at.strip_prefix('"') {
            let end = quoted.find('"').ok_or("A quoted name needs its closing quote.")?;
            (quoted[..end].trim(), &quoted[end + 1..])
        } else {
            let end = at.find(|c: char| c.is_whitespace() || c == ',').unwrap_or(at.len());
            (&at[..end], &at[end..])
        };
        if name.is_empty() {
            return Err("Name who should hear it.".to_owned());
        }
        if name.contains('"') {
            return Err("A name cannot contain quotes; put quotes around the whole name.".to_owned());
        }
        names.push(name.to_owned());
        let after_spaces = after.trim_start();
        match after_spaces.strip_prefix(',') {
            Some(more) if list => at = more,
            Some(_) => return Err("Name one NPC.".to_owned()),
            None => {
                if !after.is_empty() && !after.starts_with(char::is_whitespace) {
                    return Err("Put a space between the name and the text.".to_owned());
                }
                at = after_spaces;
                break;
            }
        }
    }
    if at.is_empty() {
        return Err("Say something after the name.".to_owned());
    }
    Ok((names, at.to_owned()))
}

fn bad_arguments(name: CommandName, why: impl Into<String>) -> Problem {
    Problem::new(ErrorCode::BadArguments, why, format!("Usage: {}", name.spec().usage))
}

/// `unknown_command`, naming the closest commands.
fn unknown_command(word: &str) -> Problem {
    let suggestions = suggest(word);
    let hint = if suggestions.is_empty() {
        "Type /help to list the commands.".to_owned()
    } else {
        let listed: Vec<String> = suggestions.iter().map(|w| format!("/{w}")).collect();
        format!("Did you mean {}? Type /help to list the commands.", listed.join(" or "))
    };
    Problem::new(ErrorCode::UnknownCommand, format!("There is no command /{word}."), hint)
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
