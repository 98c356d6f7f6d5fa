//! A message's life after it is sent: edits, deletes, reactions and pins.
//!
//! Each change is a new fact in the channel's journal: a [`Message`] of kind [`MessageKind::Change`] with its
//! own sequence id, naming the message it concerns in [`Change`]. The message's row is never rewritten. What a
//! reader sees is the projection of the message and its changes in sequence order ([`project`], [`apply`]),
//! computed by this one function in the browser (live changes) and on the server (history, resume, exports),
//! so both always agree.
//!
//! A change carries its message's audience and sender, so `can_see` of a change is `can_see` of its message:
//! nobody outside the message's audience learns that it was edited, reacted to, pinned or deleted.

use super::campaign::Role;
use super::error::{ErrorCode, Problem};
use super::ids::{MessageId, UserId};
use super::message::{Mention, Message, MessageKind};
use serde::{Deserialize, Serialize};

/// The most distinct reactions one message carries: more would turn a line into a wall of emoji.
pub const REACTIONS_MAX: usize = 20;

/// What a change does to its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New text (the change's body); the sender's own messages only.
    Edit,
    /// Removed from view; the text stays stored and GMs can review it.
    Delete,
    /// A reaction added by the change's sender (the emoji is the change's body).
    React,
    /// A reaction taken back.
    Unreact,
    /// Pinned to the channel's pinned list.
    Pin,
    /// Taken off the pinned list.
    Unpin,
}

impl ChangeKind {
    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Delete => "delete",
            Self::React => "react",
            Self::Unreact => "unreact",
            Self::Pin => "pin",
            Self::Unpin => "unpin",
        }
    }
}

/// The message a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What the change does.
    pub kind: ChangeKind,
    /// The message changed (always an earlier one of the same channel, never a change).
    pub target: MessageId,
    /// The changed message's sender, so the change is visible to exactly those who see the message
    /// (`visibility::can_see`); `None` for a notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_sender: Option<UserId>,
}

/// Who did something and when (milliseconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The user who did it.
    pub by: UserId,
    /// When it was committed.
    pub at: i64,
}

/// An earlier text of an edited message, kept for GMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The text as it read.
    pub body: String,
    /// Its mentions.
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// When it was replaced.
    pub until: i64,
}

/// One emoji's reactions on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The emoji, as Unicode.
    pub emoji: String,
    /// Who reacted with it, in the order they did.
    pub users: Vec<UserId>,
}

/// What the changes so far made of a message. Empty (and absent from the wire) for a message never changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The sequence id of the newest change included: a change at or below it is already in this state, so
    /// applying it again does nothing. A client resumes from the highest of these and of sequence ids.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: i64,
    /// When the text was last edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<i64>,
    /// Earlier texts, oldest first: only in a GM's projection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<Version>,
    /// Who deleted it and when. A member's projection then carries no text, mentions, roll or reactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Mark>,
    /// Reactions, in the order each emoji was first used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    /// Who pinned it and when, while it is pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Mark>,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl State {
    /// Whether nothing has changed the message (so the state is left off the wire).
    pub fn is_untouched(&self) -> bool {
        *self == Self::default()
    }

    /// Whether `message` (projected with this state) was deleted and its text withheld from the reader: what
    /// every surface shows as "message deleted" instead of a body. A GM's projection keeps the text.
    pub fn withholds(&self, message: &Message) -> bool {
        self.deleted.is_some() && message.body.is_empty() && message.roll.is_none()
    }
}

/// Who reads a projection. GMs review what was said: they keep deleted text and every earlier version.
/// Everyone else sees the message as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A GM of the campaign.
    Gm,
    /// Anyone else.
    Member,
}

/// Whether a message's text may ever be edited: rolls (their result and label are facts of the game),
/// notices and changes may not.
pub fn editable(message: &Message) -> bool {
    matches!(
        message.kind,
        MessageKind::Text | MessageKind::Emote | MessageKind::Narration
    ) && message.roll.is_none()
        && message.sender_id.is_some()
}

/// Applies one change to a message and its state, as `reader` sees it. Changes apply in sequence order; one at
/// or below the state's revision is already included and does nothing. A change the journal holds but that no
/// longer applies (an edit or reaction that lost a race with a delete, a reaction beyond [`REACTIONS_MAX`])
/// only moves the revision, the same way on every side.
pub fn apply(message: &mut Message, state: &mut State, change: &Message, reader: Reader) {
    let Some(what) = change.change.as_ref().filter(|c| c.target == message.message_id) else {
        return;
    };
    if change.sequence_id <= state.revision {
        return;
    }
    state.revision = change.sequence_id;
    if state.deleted.is_some() {
        return;
    }
    let by = || change.sender_id.clone().unwrap_or_else(|| UserId::from(""));
    match what.kind {
        ChangeKind::Edit => {
            if !editable(message) || change.sender_id != message.sender_id {
                return;
            }
            if reader == Reader::Gm {
                state.versions.push(Version {
                    body: std::mem::take(&mut message.body),
                    mentions: std::mem::take(&mut message.mentions),
                    until: change.sent_at,
                });
            }
            message.body = change.body.clone();
            message.mentions = change.mentions.clone();
            state.edited_at = Some(change.sent_at);
        }
        ChangeKind::Delete => {
            state.deleted = Some(Mark {
                by: by(),
                at: change.sent_at,
            });
            if reader == Reader::Member {
                message.body.clear();
                message.mentions.clear();
                message.roll = None;
                message.inline_rolls.clear();
                state.versions.clear();
                state.reactions.clear();
                state.pinned = None;
            }
        }
        ChangeKind::React => {
            let user = by();
            let room = state.reactions.len() < REACTIONS_MAX;
            match state.reactions.iter_mut().find(|r| r.emoji == change.body) {
                Some(reaction) if !reaction.users.contains(&user) => reaction.users.push(user),
                Some(_) => {}
                None if room => state.reactions.push(Reaction {
                    emoji: change.body.clone(),
                    users: vec![user],
                }),
                None => {}
            }
        }
        ChangeKind::Unreact => {
            let user = by();
            if let Some(reaction) = state.reactions.iter_mut().find(|r| r.emoji == change.body) {
                reaction.users.retain(|u| *u != user);
            }
            state.reactions.retain(|r| !r.users.is_empty());
        }
        ChangeKind::Pin => {
            state.pinned = Some(Mark {
                by: by(),
                at: change.sent_at,
            })
        }
        ChangeKind::Unpin => state.pinned = None,
    }
}

/// A message as `reader` sees it after `changes` (any order; those concerning other messages are ignored).
pub fn project<'a>(
    mut message: Message,
    changes: impl IntoIterator<Item = &'a Message>,
    reader: Reader,
) -> (Message, State) {
    let mut ordered: Vec<&Message> = changes.into_iter().collect();
    ordered.sort_by_key(|change| change.sequence_id);
    let mut state = State::default();
    for change in ordered {
        apply(&mut message, &mut state, change, reader);
    }
    (message, state)
}

/// How a campaign lets its messages change: a GM's settings, part of the table's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageRules {
    /// Minutes after sending during which a message may be edited: `None` for no limit (the default), `Some(0)`
    /// turns editing off.
    #[serde(default)]
    pub edit_window_minutes: Option<u32>,
    /// Whether players may pin and unpin too (GMs always may; observers never).
    #[serde(default)]
    pub players_may_pin: bool,
}

/// The longest edit window a campaign can set: a year, in minutes.
pub const EDIT_WINDOW_MAX_MINUTES: u32 = 525_600;

impl MessageRules {
    /// Refuses an edit window beyond [`EDIT_WINDOW_MAX_MINUTES`].
    pub fn validate(&self) -> Result<(), Problem> {
        match self.edit_window_minutes {
            Some(minutes) if minutes > EDIT_WINDOW_MAX_MINUTES => Err(Problem::invalid(
                format!("The edit window can be at most {EDIT_WINDOW_MAX_MINUTES} minutes (a year)."),
                "Leave it empty for no limit, or 0 to turn editing off.",
            )),
            _ => Ok(()),
        }
    }
}

/// Who asks for a change, as [`permitted`] needs them: the user, their role, the campaign's rules and the time
/// of asking (milliseconds since the Unix epoch; the server's clock decides, the menu's is a hint).
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The user.
    pub user: &'a UserId,
    /// Their role in the campaign.
    pub role: Role,
    /// The campaign's rules for changing messages.
    pub rules: MessageRules,
    /// When they ask.
    pub now: i64,
}

/// Whether `asker` may make a change of `kind` (with `emoji` for a reaction, already read by [`emoji`]) to
/// `target` as it is now (`state`, a GM's projection): the one rule, so the server enforces what the message
/// menu offers. Seeing the message is checked before (`can_see`).
pub fn permitted(kind: ChangeKind, emoji: &str, asker: &Asker, target: &Message, state: &State) -> Result<(), Problem> {
    let (actor, role) = (asker.user, asker.role);
    if target.is_change() {
        return Err(Problem::not_found("message"));
    }
    if state.deleted.is_some() {
        return Err(Problem::new(
            ErrorCode::MessageDeleted,
            "That message was deleted.",
            "Nothing more can be done to a deleted message.",
        ));
    }
    let own = target.sender_id.as_ref() == Some(actor);
    match kind {
        ChangeKind::Edit if !editable(target) => Err(Problem::new(
            ErrorCode::NotEditable,
            match target.kind {
                MessageKind::Roll => "A roll cannot be edited: its result is a fact of the game.",
                _ => "Notices from Tabletalk cannot be edited.",
            },
            "Delete it and send a new one instead.",
        )),
        ChangeKind::Edit if !own => Err(Problem::new(
            ErrorCode::NotPermitted,
            "You can edit only your own messages.",
            "Reply to it instead.",
        )),
        ChangeKind::Edit if asker.rules.edit_window_minutes == Some(0) => Err(Problem::new(
            ErrorCode::EditWindowClosed,
            "Editing is turned off in this campaign.",
            "Send a correction as a new message; a GM can turn editing on in the campaign's settings.",
        )),
        ChangeKind::Edit
            if asker
                .rules
                .edit_window_minutes
                .is_some_and(|minutes| asker.now - target.sent_at > i64::from(minutes) * 60_000) =>
        {
            Err(Problem::new(
                ErrorCode::EditWindowClosed,
                format!(
                    "This message can no longer be edited: the campaign allows edits for {} minutes after sending.",
                    asker.rules.edit_window_minutes.unwrap_or_default()
                ),
                "Send a correction as a new message.",
            ))
        }
        ChangeKind::Delete if !own && role != Role::Gm => Err(Problem::new(
            ErrorCode::NotPermitted,
            "You can delete only your own messages.",
            "A GM of the campaign can remove anyone's message.",
        )),
        ChangeKind::Pin | ChangeKind::Unpin if !may_pin(role, &asker.rules) => Err(Problem::new(
            ErrorCode::NotPermitted,
            match asker.rules.players_may_pin {
                true => "Observers cannot pin messages.",
                false => "Only GMs pin messages in this campaign.",
            },
            "Ask a GM to pin it.",
        )),
        ChangeKind::React
            if state.reactions.len() >= REACTIONS_MAX && !state.reactions.iter().any(|r| r.emoji == emoji) =>
        {
            Err(Problem::new(
                ErrorCode::TooManyReactions,
                format!("A message carries at most {REACTIONS_MAX} different reactions."),
                "Add yours to one of the reactions already there.",
            ))
        }
        _ => Ok(()),
    }
}

/// Whether someone of `role` may pin and unpin under `rules`.
pub fn may_pin(role: Role, rules: &MessageRules) -> bool {
    role == Role::Gm || (role == Role::Player && rules.players_may_pin)
}

/// The emoji a reaction names: a Unicode emoji as typed, or its `:shortcode:` (`:thumbsup:`), answered as
/// Unicode so one emoji is counted once however it was typed.
pub fn emoji(raw: &str) -> Result<String, Problem> {
    let raw = raw.trim();
    let shortcode = raw.strip_prefix(':').and_then(|s| s.strip_suffix(':'));
    let found = match shortcode {
        Some(code) => emojis::get_by_shortcode(code),
        None => emojis::get(raw),
    };
    match found {
        Some(emoji) => Ok(emoji.as_str().to_owned()),
        None => Err(Problem::new(
            ErrorCode::UnknownEmoji,
            "That is not an emoji Tabletalk knows.",
            "Pick one from the reaction picker, or type its :shortcode: such as :thumbsup:.",
        )),
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
