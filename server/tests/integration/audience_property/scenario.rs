//! The random campaigns and sends the audience property test runs: roles, shared control, the whisper setting,
//! and sends with every mode and audience, including ones the policy must refuse, blind rolls and replies to
//! earlier sends (whether the sender sees them or not); then edits,
//! deletes, reactions and pins by anyone, to anything, allowed or not.

use app::domain::campaign::Role;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub enum Mode {
    Participant,
    Character(usize),
    Gm,
    Narrator,
}

#[derive(Debug, Clone)]
pub enum Target {
    Member(usize),
    Character(usize),
    Stranger,
}

#[derive(Debug, Clone)]
pub enum Hearing {
    All,
    GmOnly,
    Whisper(Vec<Target>),
}

#[derive(Debug, Clone)]
pub struct Send {
    pub sender: usize,
    pub mode: Mode,
    pub hearing: Hearing,
    /// A `/blindroll` (with the hints above, which must not widen it) instead of a line of text.
    pub blind: bool,
    /// A reply to an earlier acknowledged send (by index, modulo how many there are), seen or not by the sender.
    pub reply_to: Option<usize>,
}

/// A change to a member's message after the sends: who asks, which message (by index, or none that exists),
/// what, and with which emoji for reactions (the last one is no emoji at all).
#[derive(Debug, Clone)]
pub struct ChangeOp {
    pub actor: usize,
    /// Index into the channel's member messages; `None` for a message id that does not exist.
    pub target: Option<usize>,
    pub kind: usize,
    pub emoji: usize,
}

/// The emoji reactions use; the last is refused as unknown.
pub const EMOJI: [&str; 4] = ["👍", ":tada:", "🎲", "no-such-emoji"];

fn change_op() -> impl Strategy<Value = ChangeOp> {
    let target = prop_oneof![12 => (0..8usize).prop_map(Some), 1 => Just(None)];
    (0..6usize, target, 0..6usize, 0..EMOJI.len()).prop_map(|(actor, target, kind, emoji)| ChangeOp {
        actor,
        target,
        kind,
        emoji,
    })
}

#[derive(Debug, Clone)]
pub struct Scenario {
    /// Roles of the members after the creating GM.
    pub roles: Vec<Role>,
    /// Each character's controllers, as member indexes (shared control included).
    pub characters: Vec<Vec<usize>>,
    pub gm_sees_whispers: bool,
    /// The campaign's message rules: editing turned off, players may pin.
    pub rules: (bool, bool),
    pub sends: Vec<Send>,
    /// Edits, deletes, reactions and pins after the sends.
    pub changes: Vec<ChangeOp>,
    /// Where a reconnecting member's cursor stands, as an index into the channel's rows.
    pub resume_at: usize,
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Gm),
        Just(Role::Player),
        Just(Role::Player),
        Just(Role::Observer)
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        4 => (0..6usize).prop_map(Target::Member),
        3 => (0..4usize).prop_map(Target::Character),
        1 => Just(Target::Stranger),
    ]
}

fn send() -> impl Strategy<Value = Send> {
    let mode = prop_oneof![
        3 => Just(Mode::Participant),
        3 => (0..4usize).prop_map(Mode::Character),
        1 => Just(Mode::Gm),
        1 => Just(Mode::Narrator),
    ];
    let hearing = prop_oneof![
        2 => Just(Hearing::All),
        2 => Just(Hearing::GmOnly),
        4 => proptest::collection::vec(target(), 0..4).prop_map(Hearing::Whisper),
    ];
    let reply_to = prop_oneof![2 => Just(None), 1 => (0..8usize).prop_map(Some)];
    (0..6usize, mode, hearing, proptest::bool::weighted(0.2), reply_to).prop_map(
        |(sender, mode, hearing, blind, reply_to)| Send {
            sender,
            mode,
            hearing,
            blind,
            reply_to,
        },
    )
}

pub fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec(role(), 1..5),
        proptest::collection::vec(proptest::collection::vec(0..6usize, 1..3), 0..4),
        (any::<bool>(), (proptest::bool::weighted(0.25), any::<bool>())),
        proptest::collection::vec(send(), 1..7),
        proptest::collection::vec(change_op(), 0..7),
        0..16usize,
    )
        .prop_map(
            |(roles, characters, (gm_sees_whispers, rules), sends, changes, resume_at)| Scenario {
                roles,
                characters,
                gm_sees_whispers,
                rules,
                sends,
                changes,
                resume_at,
            },
        )
}
