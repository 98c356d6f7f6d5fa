//! `@` mentions: the query under the caret (for the autocomplete), suggestions by the active voice, and the
//! resolution at send time into ids plus a label snapshot.
//!
//! A mention starts at an `@` that does not follow a letter or digit (so `me@example.com` is not one). Names
//! with spaces need no quotes: the longest member or character name that matches after the `@` wins, so
//! `@Sir Brynn hello` mentions Sir Brynn. `@"Name"` works too. Anything else after an `@` is `unknown_mention`,
//! except after a second `@`: `@@word` is left as typed.

use super::error::{ErrorCode, Problem};
use super::ids::UserId;
use super::message::Mention;
use super::policy::TableFacts;
use serde::{Deserialize, Serialize};

/// Most suggestions offered at once.
pub const SUGGESTIONS_MAX: usize = 8;

/// What a suggestion or mention points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// A member.
    Participant,
    /// A character (mentions reach everyone who controls it).
    Character,
}

impl MentionKind {
    /// As stored in [`Mention::kind`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Participant => "participant",
            Self::Character => "character",
        }
    }
}

/// One autocomplete entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Member or character.
    pub kind: MentionKind,
    /// User or character id.
    pub id: String,
    /// The name to insert.
    pub label: String,
}

/// Whether characters are listed before members: in character, GM and narrator voices people talk about
/// characters; out of character they talk to players.
pub fn characters_first(mode: &str) -> bool {
    matches!(mode, "character" | "gm" | "narrator")
}

/// The mention being typed when the caret is at byte `caret` of `text`: the byte index of its `@` and the
/// query typed after it so far. `None` when the caret is not in a mention.
pub fn query_at(text: &str, caret: usize) -> Option<(usize, &str)> {
    let caret = caret.min(text.len());
    if !text.is_char_boundary(caret) {
        return None;
    }
    let before = &text[..caret];
    let at = before.rfind('@')?;
    if before[..at].chars().next_back().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let query = &before[at + 1..];
    // Names have at most a few words; a long run after `@` is prose, not a name being typed.
    if query.split_whitespace().count() > 3 || query.starts_with(char::is_whitespace) || query.contains('\n') {
        return None;
    }
    Some((at, query))
}

/// Members and characters whose name starts with (or has a word starting with) `prefix`, ordered by the
/// voice: characters first in character/GM/narrator voices, members first otherwise; then by name.
pub fn suggest(facts: &TableFacts, mode: &str, prefix: &str) -> Vec<Suggestion> {
    let prefix = prefix.trim_start_matches('"').to_lowercase();
    let matches = |name: &str| {
        let name = name.to_lowercase();
        name.starts_with(&prefix) || name.split_whitespace().any(|word| word.starts_with(&prefix))
    };
    let members = facts.members.iter().filter(|m| matches(&m.name)).map(|m| Suggestion {
        kind: MentionKind::Participant,
        id: m.user_id.to_string(),
        label: m.name.clone(),
    });
    let characters = facts
        .characters
        .iter()
        .filter(|c| matches(&c.name))
        .map(|c| Suggestion {
            kind: MentionKind::Character,
            id: c.id.to_string(),
            label: c.name.clone(),
        });
    let first_kind = if characters_first(mode) {
        MentionKind::Character
    } else {
        MentionKind::Participant
    };
    let mut all: Vec<Suggestion> = members.chain(characters).collect();
    all.sort_by(|a, b| {
        (a.kind != first_kind, a.label.to_lowercase()).cmp(&(b.kind != first_kind, b.label.to_lowercase()))
    });
    all.truncate(SUGGESTIONS_MAX);
    all
}

/// Every mention in `body`, resolved against the campaign; `unknown_mention` names the first that matches no one.
pub fn resolve(body: &str, facts: &TableFacts) -> Result<Vec<Mention>, Problem> {
    let mut names: Vec<(String, MentionKind, String, String)> = facts
        .members
        .iter()
        .map(|m| {
            (
                m.name.to_lowercase(),
                MentionKind::Participant,
                m.user_id.to_string(),
                m.name.clone(),
            )
        })
        .chain(facts.characters.iter().map(|c| {
            (
                c.name.to_lowercase(),
                MentionKind::Character,
                c.id.to_string(),
                c.name.clone(),
            )
        }))
        .collect();
    // Longest first, so "Sir Brynn" wins over a member called "sir"; members before characters on a tie.
    names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then((a.1 as u8).cmp(&(b.1 as u8))));
    let mut found: Vec<Mention> = Vec::new();
    let mut previous: Option<char> = None;
    for (index, c) in body.char_indices() {
        let starts_mention = c == '@' && !previous.is_some_and(|p| p.is_alphanumeric() || p == '@');
        previous = Some(c);
        if !starts_mention {
            continue;
        }
        let after = &body[index + 1..];
        let (wanted, quoted) = match after.strip_prefix('"') {
            Some(quoted) => (quoted.split('"').next().unwrap_or("").to_lowercase(), true),
            None => (after.to_lowercase(), false),
        };
        if !quoted && !wanted.starts_with(char::is_alphanumeric) {
            continue;
        }
        let hit = names.iter().find(|(name, ..)| {
            if quoted {
                wanted == *name
            } else {
                wanted.starts_with(name.as_str())
                    && !wanted[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            }
        });
        let Some((_, kind, id, label)) = hit else {
            let word: String = after
                .trim_start_matches('"')
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            return Err(Problem::new(
                ErrorCode::UnknownMention,
                format!("No one in this campaign is called @{word}."),
                "Pick a name from the list that opens when you type @ (write @@ to keep a plain @).",
            ));
        };
        if !found.iter().any(|m| &m.id == id) {
            found.push(Mention {
                kind: kind.as_str().to_owned(),
                id: id.clone(),
                label: label.clone(),
            });
        }
    }
    Ok(found)
}

/// Whether a message's `mentions` name `user`, directly or through a character they control (for highlighting).
pub fn mentions_user(mentions: &[Mention], user: &UserId, facts: Option<&TableFacts>) -> bool {
    mentions.iter().any(|mention| match mention.kind.as_str() {
        "participant" => mention.id == user.as_str(),
        "character" => facts
            .and_then(|f| f.characters.iter().find(|c| c.id.as_str() == mention.id))
            .is_some_and(|c| c.controllers.contains(user)),
        _ => false,
    })
}

#[cfg(test)]
#[path = "mentions_tests.rs"]
mod tests;
