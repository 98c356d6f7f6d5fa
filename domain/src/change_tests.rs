use super::*;
use crate::audience::{Audience, AudienceScope};
use crate::campaign::Role;
use crate::dice_roll::RollResult;
use crate::visibility::{can_see, Viewer};
use proptest::prelude::*;

fn said(id: &str, sequence_id: i64, sender: &str, body: &str) -> Message {
    crate::fixtures::said(id, sequence_id, sender, body, Audience::all())
}

fn change(of: &Message, sequence_id: i64, by: &str, kind: ChangeKind, body: &str) -> Message {
    Message {
        kind: MessageKind::Change,
        body: body.into(),
        change: Some(Change {
            kind,
            target: of.message_id.clone(),
            target_sender: of.sender_id.clone(),
        }),
        audience: of.audience.clone(),
        ..said(&format!("change{sequence_id}"), sequence_id, by, body)
    }
}

#[test]
fn an_edit_replaces_the_text_and_only_gms_keep_the_earlier_one() {
    let original = said("m1", 1, "alice", "helo");
    let edit = change(&original, 2, "alice", ChangeKind::Edit, "hello");
    let (member, member_state) = project(original.clone(), [&edit], Reader::Member);
    assert_eq!(member.body, "hello");
    assert_eq!(member_state.edited_at, Some(2000));
    assert!(member_state.versions.is_empty());
    let (gm, gm_state) = project(original, [&edit], Reader::Gm);
    assert_eq!(gm.body, "hello");
    assert_eq!(gm_state.versions.len(), 1);
    assert_eq!(gm_state.versions[0].body, "helo");
    assert_eq!(gm_state.versions[0].until, 2000);
}

#[test]
fn someone_elses_edit_and_an_edit_of_a_roll_change_nothing() {
    let original = said("m1", 1, "alice", "mine");
    let theirs = change(&original, 2, "bob", ChangeKind::Edit, "yours");
    assert_eq!(project(original, [&theirs], Reader::Gm).0.body, "mine");
    let mut roll = said("r1", 1, "alice", "/roll 1d20");
    roll.kind = MessageKind::Roll;
    roll.roll = Some(RollResult {
        notation: "1d20".into(),
        label: None,
        terms: Vec::new(),
        total: 7,
    });
    assert!(!editable(&roll));
    let edit = change(&roll, 2, "alice", ChangeKind::Edit, "/roll 1d20 (nat 20!)");
    let (after, state) = project(roll.clone(), [&edit], Reader::Gm);
    assert_eq!(after, roll);
    assert_eq!(state.edited_at, None);
}

#[test]
fn a_delete_empties_a_members_view_and_the_gm_keeps_everything() {
    let original = said("m1", 1, "alice", "the dragon is Bob's father");
    let react = change(&original, 2, "bob", ChangeKind::React, "😮");
    let delete = change(&original, 3, "gm", ChangeKind::Delete, "");
    let late_edit = change(&original, 4, "alice", ChangeKind::Edit, "back again");
    let (member, state) = project(original.clone(), [&react, &delete, &late_edit], Reader::Member);
    assert_eq!(member.body, "");
    assert!(state.reactions.is_empty());
    assert_eq!(state.deleted.as_ref().map(|d| d.by.as_str()), Some("gm"));
    assert_eq!(
        state.revision, 4,
        "a change that no longer applies still moves the revision"
    );
    let (gm, gm_state) = project(original, [&react, &delete, &late_edit], Reader::Gm);
    assert_eq!(gm.body, "the dragon is Bob's father");
    assert_eq!(gm_state.reactions.len(), 1);
    assert_eq!(gm_state.deleted.map(|d| d.at), Some(3000));
}

#[test]
fn reactions_are_sets_per_emoji_and_bounded_per_message() {
    let original = said("m1", 1, "alice", "nice");
    let mut changes = vec![
        change(&original, 2, "bob", ChangeKind::React, "👍"),
        change(&original, 3, "bob", ChangeKind::React, "👍"),
        change(&original, 4, "carol", ChangeKind::React, "👍"),
        change(&original, 5, "bob", ChangeKind::Unreact, "👍"),
        change(&original, 6, "carol", ChangeKind::React, "🎲"),
    ];
    let (_, state) = project(original.clone(), &changes, Reader::Member);
    assert_eq!(state.reactions.len(), 2);
    assert_eq!(state.reactions[0].users, vec![UserId::from("carol")]);
    assert_eq!(state.reactions[1].emoji, "🎲");
    let emoji: Vec<&str> = emojis::iter().map(|e| e.as_str()).take(REACTIONS_MAX + 3).collect();
    for (i, e) in emoji.iter().enumerate() {
        changes.push(change(&original, 10 + i as i64, "bob", ChangeKind::React, e));
    }
    let (_, state) = project(original, &changes, Reader::Member);
    assert_eq!(state.reactions.len(), REACTIONS_MAX);
}

#[test]
fn pins_come_and_go() {
    let original = said("m1", 1, "alice", "the map is under the altar");
    let pin = change(&original, 2, "gm", ChangeKind::Pin, "");
    let (_, state) = project(original.clone(), [&pin], Reader::Member);
    assert_eq!(state.pinned.map(|p| p.by), Some(UserId::from("gm")));
    let unpin = change(&original, 3, "gm", ChangeKind::Unpin, "");
    let (_, state) = project(original, [&pin, &unpin], Reader::Member);
    assert_eq!(state.pinned, None);
    assert!(!state.is_untouched());
}

#[test]
fn a_change_applied_twice_or_after_a_newer_state_does_nothing() {
    let original = said("m1", 1, "alice", "one");
    let first = change(&original, 2, "alice", ChangeKind::Edit, "two");
    let second = change(&original, 3, "alice", ChangeKind::Edit, "three");
    let (mut message, mut state) = project(original, [&first, &second], Reader::Gm);
    let before = (message.clone(), state.clone());
    apply(&mut message, &mut state, &first, Reader::Gm);
    apply(&mut message, &mut state, &second, Reader::Gm);
    assert_eq!((message, state), before);
}

#[test]
fn emoji_are_named_by_unicode_or_shortcode_and_nothing_else() {
    assert_eq!(emoji("👍").unwrap(), "👍");
    assert_eq!(emoji(":thumbsup:").unwrap(), "👍");
    assert_eq!(emoji(" 🎲 ").unwrap(), "🎲");
    for bad in ["", "thumbsup", ":nope_not_one:", "<img src=x>", "👍👍", "a"] {
        assert_eq!(emoji(bad).unwrap_err().code, ErrorCode::UnknownEmoji, "{bad:?}");
    }
}

fn audience() -> impl Strategy<Value = Audience> {
    let users = proptest::collection::vec(prop_oneof!["gm", "alice", "bob", "olga"], 0..3);
    (0..3u8, users, any::<bool>(), any::<bool>()).prop_map(|(scope, targets, gms, blind)| Audience {
        scope: [AudienceScope::All, AudienceScope::GmOnly, AudienceScope::Targets][scope as usize],
        targets: targets.into_iter().map(UserId::from).collect(),
        gms,
        blind,
    })
}

proptest! {
    /// Whoever makes a change, it is visible to exactly those who see the message it changes.
    #[test]
    fn a_change_is_seen_by_exactly_who_sees_its_message(
        audience in audience(),
        sender in prop_oneof!["gm", "alice", "bob"],
        changer in prop_oneof!["gm", "alice", "bob", "olga"],
        viewer in prop_oneof!["gm", "alice", "bob", "olga"],
        kind in 0..6usize,
    ) {
        let mut original = said("m1", 1, &sender, "x");
        original.audience = audience;
        let kinds = [ChangeKind::Edit, ChangeKind::Delete, ChangeKind::React, ChangeKind::Unreact,
            ChangeKind::Pin, ChangeKind::Unpin];
        let fact = change(&original, 2, &changer, kinds[kind], "👍");
        let role = match viewer.as_str() { "gm" => Role::Gm, "olga" => Role::Observer, _ => Role::Player };
        let viewer = Viewer { user_id: UserId::from(viewer.as_str()), role };
        prop_assert_eq!(can_see(&viewer, &fact), can_see(&viewer, &original));
    }
}

fn asker(user: &UserId, role: Role) -> Asker<'_> {
    Asker {
        user,
        role,
        rules: MessageRules::default(),
        now: 0,
    }
}

#[test]
fn the_campaign_s_rules_limit_edits_and_may_let_players_pin() {
    let alice = UserId::from("alice");
    let original = said("m1", 1, "alice", "hi");
    let fresh = State::default();
    let sent = original.sent_at;
    let with = |rules: MessageRules, role, now| Asker {
        user: &alice,
        role,
        rules,
        now,
    };
    let window = |minutes| MessageRules {
        edit_window_minutes: Some(minutes),
        players_may_pin: false,
    };
    let edit = |asker: Asker| permitted(ChangeKind::Edit, "", &asker, &original, &fresh).map_err(|p| p.code);
    assert_eq!(
        edit(with(MessageRules::default(), Role::Player, sent + 10_000_000_000)),
        Ok(())
    );
    assert_eq!(edit(with(window(5), Role::Player, sent + 5 * 60_000)), Ok(()));
    assert_eq!(
        edit(with(window(5), Role::Player, sent + 5 * 60_000 + 1)),
        Err(ErrorCode::EditWindowClosed)
    );
    assert_eq!(
        edit(with(window(0), Role::Player, sent)),
        Err(ErrorCode::EditWindowClosed)
    );
    assert!(MessageRules {
        edit_window_minutes: Some(EDIT_WINDOW_MAX_MINUTES + 1),
        players_may_pin: false
    }
    .validate()
    .is_err());

    let players_pin = MessageRules {
        edit_window_minutes: None,
        players_may_pin: true,
    };
    let pin = |asker: Asker| permitted(ChangeKind::Pin, "", &asker, &original, &fresh).map_err(|p| p.code);
    assert_eq!(pin(with(players_pin, Role::Player, sent)), Ok(()));
    assert_eq!(
        pin(with(players_pin, Role::Observer, sent)),
        Err(ErrorCode::NotPermitted)
    );
    assert_eq!(
        pin(with(MessageRules::default(), Role::Player, sent)),
        Err(ErrorCode::NotPermitted)
    );
}

#[test]
fn who_may_change_what() {
    let alice = UserId::from("alice");
    let gm = UserId::from("gm");
    let original = said("m1", 1, "alice", "hi");
    let fresh = State::default();
    let code = |kind, who: &UserId, role, target: &Message, state: &State| {
        permitted(kind, "👍", &asker(who, role), target, state)
            .err()
            .map(|p| p.code)
    };
    assert_eq!(code(ChangeKind::Edit, &alice, Role::Player, &original, &fresh), None);
    assert_eq!(
        code(ChangeKind::Edit, &gm, Role::Gm, &original, &fresh),
        Some(ErrorCode::NotPermitted)
    );
    assert_eq!(code(ChangeKind::Delete, &gm, Role::Gm, &original, &fresh), None);
    let bob = UserId::from("bob");
    assert_eq!(
        code(ChangeKind::Delete, &bob, Role::Player, &original, &fresh),
        Some(ErrorCode::NotPermitted)
    );
    assert_eq!(
        code(ChangeKind::Pin, &alice, Role::Player, &original, &fresh),
        Some(ErrorCode::NotPermitted)
    );
    assert_eq!(code(ChangeKind::Pin, &gm, Role::Gm, &original, &fresh), None);
    let mut roll = original.clone();
    roll.kind = MessageKind::Roll;
    assert_eq!(
        code(ChangeKind::Edit, &alice, Role::Player, &roll, &fresh),
        Some(ErrorCode::NotEditable)
    );
    assert_eq!(code(ChangeKind::Delete, &alice, Role::Player, &roll, &fresh), None);
    let deleted = State {
        deleted: Some(Mark {
            by: alice.clone(),
            at: 5,
        }),
        ..State::default()
    };
    for kind in [ChangeKind::Edit, ChangeKind::React, ChangeKind::Delete, ChangeKind::Pin] {
        assert_eq!(
            code(kind, &gm, Role::Gm, &original, &deleted),
            Some(ErrorCode::MessageDeleted)
        );
    }
    let full = State {
        reactions: emojis::iter()
            .take(REACTIONS_MAX)
            .map(|e| Reaction {
                emoji: e.as_str().to_owned(),
                users: vec![bob.clone()],
            })
            .collect(),
        ..State::default()
    };
    let first = full.reactions[0].emoji.clone();
    assert_eq!(
        permitted(ChangeKind::React, "🦄", &asker(&alice, Role::Player), &original, &full).map_err(|p| p.code),
        Err(ErrorCode::TooManyReactions)
    );
    assert!(permitted(
        ChangeKind::React,
        &first,
        &asker(&alice, Role::Player),
        &original,
        &full
    )
    .is_ok());
}
