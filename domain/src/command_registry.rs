//! The slash-command registry: every command's canonical name, the words that call it, its usage and summary,
//! and the "did you mean" suggestions for a word that calls none.

use serde::{Deserialize, Serialize};

/// Every command, by its canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandName {
    /// `/roll`: a public roll.
    Roll,
    /// `/gmroll`: the roller and the GMs see it.
    GmRoll,
    /// `/blindroll`: only the GMs see the result.
    BlindRoll,
    /// `/selfroll`: only the roller sees it.
    SelfRoll,
    /// `/w`: a whisper.
    Whisper,
    /// `/gm`: speak as the GM.
    Gm,
    /// `/me`: an action in the current voice.
    Me,
    /// `/ooc`: out of character.
    Ooc,
    /// `/as "Name"`: speak as a named NPC.
    As,
    /// `/desc`: narration without a speaker.
    Desc,
    /// `/session start|pause|end`.
    Session,
    /// `/help [command]`.
    Help,
}

/// A command's entry in the registry: what people type and what the help says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// Canonical name.
    pub name: CommandName,
    /// The word after `/` in the canonical form.
    pub word: &'static str,
    /// Other words that mean the same.
    pub aliases: &'static [&'static str],
    /// How to call it.
    pub usage: &'static str,
    /// What it does, in one line.
    pub summary: &'static str,
}

/// The registry, in the order `/` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    spec(
        CommandName::Roll,
        "roll",
        &["r"],
        "/roll 1d20+5 [label]",
        "Roll dice for everyone to see.",
    ),
    spec(
        CommandName::GmRoll,
        "gmroll",
        &["gr"],
        "/gmroll 1d20 [label]",
        "Roll for yourself and the GMs.",
    ),
    spec(
        CommandName::BlindRoll,
        "blindroll",
        &["br"],
        "/blindroll 1d20 [label]",
        "Roll for the GMs only; you learn that you rolled, not the result.",
    ),
    spec(
        CommandName::SelfRoll,
        "selfroll",
        &["sr"],
        "/selfroll 1d20 [label]",
        "Roll for your eyes only.",
    ),
    spec(
        CommandName::Whisper,
        "w",
        &["whisper", "msg"],
        "/w \"Name\", gm, players text",
        "Whisper to members or characters.",
    ),
    spec(CommandName::Gm, "gm", &[], "/gm text", "Speak as the GM."),
    spec(
        CommandName::Me,
        "me",
        &["em", "emote"],
        "/me text",
        "Describe what you do, in your current voice.",
    ),
    spec(
        CommandName::Ooc,
        "ooc",
        &[],
        "/ooc text",
        "Speak as yourself, out of character.",
    ),
    spec(
        CommandName::As,
        "as",
        &["npc"],
        "/as \"Name\" text",
        "Speak as a named NPC.",
    ),
    spec(
        CommandName::Desc,
        "desc",
        &["describe", "narrate"],
        "/desc text",
        "Narrate, without a speaker.",
    ),
    spec(
        CommandName::Session,
        "session",
        &[],
        "/session start|pause|end",
        "Start, pause or end this session.",
    ),
    spec(
        CommandName::Help,
        "help",
        &["h", "?"],
        "/help [command]",
        "List commands, or explain one. Only you see the answer.",
    ),
];

const fn spec(
    name: CommandName,
    word: &'static str,
    aliases: &'static [&'static str],
    usage: &'static str,
    summary: &'static str,
) -> CommandSpec {
    CommandSpec {
        name,
        word,
        aliases,
        usage,
        summary,
    }
}

impl CommandName {
    /// Its registry entry.
    pub fn spec(self) -> &'static CommandSpec {
        COMMANDS
            .iter()
            .find(|s| s.name == self)
            .unwrap_or(&COMMANDS[COMMANDS.len() - 1])
    }

    /// The command a typed word (without `/`, any case) names.
    pub fn from_word(word: &str) -> Option<Self> {
        let word = word.to_ascii_lowercase();
        COMMANDS
            .iter()
            .find(|s| s.word == word || s.aliases.contains(&word.as_str()))
            .map(|s| s.name)
    }
}

/// Up to three command words closest to `word`: prefix matches first, then by edit distance (at most 2).
pub fn suggest(word: &str) -> Vec<&'static str> {
    let word = word.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = COMMANDS
        .iter()
        .flat_map(|s| std::iter::once(s.word).chain(s.aliases.iter().copied()))
        .filter_map(|candidate| {
            let distance = if !word.is_empty() && candidate.starts_with(&word) {
                0
            } else {
                edit_distance(&word, candidate)
            };
            (distance <= 2).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    let mut words: Vec<&'static str> = Vec::new();
    for (_, candidate) in scored {
        let canonical = CommandName::from_word(candidate).map_or(candidate, |n| n.spec().word);
        if !words.contains(&canonical) {
            words.push(canonical);
        }
    }
    words.truncate(3);
    words
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}
