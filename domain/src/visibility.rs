//! Who may see a message: the one visibility rule, used by fan-out, replay, history and the UI alike.
//!
//! Its own module so that [`crate::audience`] (the stored shape) and [`crate::message`] (the fact that carries
//! it) do not import each other: the rule reads both.

use super::audience::{Audience, AudienceScope};
use super::campaign::Role;
use super::ids::UserId;
use super::message::Message;

/// What the visibility rule needs to know about the person looking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Who is looking.
    pub user_id: UserId,
    /// Their role in the channel's campaign.
    pub role: Role,
}

/// Whether `viewer` may see `message`: the one visibility rule.
///
/// - The sender sees their own message, except a blind roll, which only GMs see.
/// - `all` reaches every member of the channel (membership is checked before this is asked).
/// - `gm_only` reaches the GMs.
/// - `targets` reaches the listed users, and the GMs only when the message says GMs may read it.
/// - A change (edit, delete, reaction, pin) is seen by exactly those who see the message it changes: it carries
///   that message's audience and sender, and the sender rule reads the changed message's sender.
pub fn can_see(viewer: &Viewer, message: &Message) -> bool {
    let sender = match &message.change {
        Some(change) => change.target_sender.as_ref(),
        None => message.sender_id.as_ref(),
    };
    sees(viewer, sender, &message.audience)
}

/// The rule of [`can_see`] for a message known by its sender and audience alone (a reply's quote of it).
pub fn sees(viewer: &Viewer, sender: Option<&UserId>, audience: &Audience) -> bool {
    if sender == Some(&viewer.user_id) {
        return !audience.blind || viewer.role == Role::Gm;
    }
    let gm_reads = viewer.role == Role::Gm && audience.gms;
    match audience.scope {
        AudienceScope::All => true,
        AudienceScope::GmOnly => viewer.role == Role::Gm,
        AudienceScope::Targets => gm_reads || audience.targets.contains(&viewer.user_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::{Audience, AudienceScope};

    fn message_from(sender: &str, audience: Audience) -> Message {
        crate::fixtures::said("m1", 1, sender, "hi", audience)
    }

    fn viewer(id: &str, role: Role) -> Viewer {
        Viewer {
            user_id: UserId::from(id),
            role,
        }
    }

    #[test]
    fn everyone_sees_messages_for_all() {
        let message = message_from("alice", Audience::all());
        for role in [Role::Gm, Role::Player, Role::Observer] {
            assert!(can_see(&viewer("bob", role), &message));
        }
    }

    #[test]
    fn gm_only_reaches_gms_and_the_sender() {
        let message = message_from(
            "alice",
            Audience {
                scope: AudienceScope::GmOnly,
                targets: vec![],
                gms: true,
                blind: false,
            },
        );
        assert!(can_see(&viewer("gm", Role::Gm), &message));
        assert!(can_see(&viewer("alice", Role::Player), &message));
        assert!(!can_see(&viewer("bob", Role::Player), &message));
        assert!(!can_see(&viewer("olga", Role::Observer), &message));
    }

    #[test]
    fn targets_reach_only_listed_users_and_the_sender() {
        let message = message_from(
            "alice",
            Audience {
                scope: AudienceScope::Targets,
                targets: vec![UserId::from("bob")],
                gms: false,
                blind: false,
            },
        );
        assert!(can_see(&viewer("bob", Role::Player), &message));
        assert!(can_see(&viewer("alice", Role::Player), &message));
        assert!(!can_see(&viewer("carol", Role::Player), &message));
        assert!(!can_see(&viewer("gm", Role::Gm), &message));
    }

    #[test]
    fn gms_read_whispers_only_when_the_message_says_so() {
        let mut audience = Audience {
            scope: AudienceScope::Targets,
            targets: vec![UserId::from("bob")],
            gms: true,
            blind: false,
        };
        let message = message_from("alice", audience.clone());
        assert!(can_see(&viewer("gm", Role::Gm), &message));
        assert!(
            !can_see(&viewer("carol", Role::Player), &message),
            "the flag is for GMs only"
        );
        audience.gms = false;
        assert!(!can_see(&viewer("gm", Role::Gm), &message_from("alice", audience)));
    }

    #[test]
    fn a_blind_roll_hides_from_its_roller_unless_the_roller_is_a_gm() {
        let blind = Audience {
            blind: true,
            ..Audience::gm_only()
        };
        let from_player = message_from("alice", blind.clone());
        assert!(!can_see(&viewer("alice", Role::Player), &from_player));
        assert!(can_see(&viewer("gm", Role::Gm), &from_player));
        assert!(!can_see(&viewer("bob", Role::Player), &from_player));
        assert!(can_see(&viewer("gm", Role::Gm), &message_from("gm", blind)));
    }
}
