use super::*;
use crate::compose::{prepare, Intent};
use crate::fixtures::table;
use crate::policy::Lane;

/// The decision a send of `body` with these hints would get from `sender`.
fn decided(sender: &str, mode: &ModeHint, audience: &AudienceHint, body: &str) -> Decision {
    match prepare(&UserId::from(sender), Lane::InGame, &table(true), mode, audience, body).unwrap() {
        Intent::Post(draft) => draft.decision,
        other => panic!("not a post: {other:?}"),
    }
}

#[test]
fn a_command_typed_in_the_text_narrows_the_typing_hints_as_the_send_would() {
    let whisper = decided("alice", &ModeHint::Participant, &AudienceHint::All, "/w bob the key");
    let hints = hints_of(&whisper);
    let again = decided("alice", &hints.mode().unwrap(), &hints.audience().unwrap(), "…");
    assert_eq!(again.audience, whisper.audience);
    assert_eq!(again.audience.targets, vec![UserId::from("bob")]);
}

#[test]
fn every_voice_and_audience_survives_the_round_trip_through_hints() {
    let cases = [
        (
            "alice",
            ModeHint::Character {
                character_id: CharacterId::from("lyra"),
            },
            AudienceHint::All,
        ),
        ("gm", ModeHint::Gm, AudienceHint::GmOnly),
        (
            "gm",
            ModeHint::Narrator {
                name: "Mayor Hollin".into(),
            },
            AudienceHint::All,
        ),
        (
            "bob",
            ModeHint::Participant,
            AudienceHint::Targets {
                targets: vec![TargetHint::Character {
                    id: CharacterId::from("lyra"),
                }],
            },
        ),
    ];
    for (sender, mode, audience) in cases {
        let first = decided(sender, &mode, &audience, "hello");
        let hints = hints_of(&first);
        let again = decided(sender, &hints.mode().unwrap(), &hints.audience().unwrap(), "…");
        assert_eq!(again, first, "{sender} {mode:?} {audience:?}");
    }
}

#[test]
fn the_typing_line_names_up_to_three_writers() {
    let names = |n: usize| {
        (0..n)
            .map(|i| ["Alice", "Lyra", "Bob", "Carol"][i].to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(typing_line(&names(0)), None);
    assert_eq!(typing_line(&names(1)).unwrap(), "Alice is typing…");
    assert_eq!(typing_line(&names(2)).unwrap(), "Alice and Lyra are typing…");
    assert_eq!(typing_line(&names(3)).unwrap(), "Alice, Lyra and Bob are typing…");
    assert_eq!(typing_line(&names(4)).unwrap(), "Several people are typing…");
}

#[test]
fn a_writer_is_renewed_in_place_and_dropped_when_its_time_is_up() {
    let typist = |user: &str, until_ms| Typist {
        user_id: UserId::from(user),
        label: user.to_owned(),
        until_ms,
    };
    let mut shown = Vec::new();
    renew(&mut shown, typist("alice", 6_000), 0);
    renew(&mut shown, typist("bob", 7_000), 1_000);
    renew(&mut shown, typist("alice", 9_000), 3_000);
    assert_eq!(shown, vec![typist("alice", 9_000), typist("bob", 7_000)]);
    renew(&mut shown, typist("carol", 15_000), 8_000);
    assert_eq!(shown, vec![typist("alice", 9_000), typist("carol", 15_000)]);
}

#[test]
fn a_composer_says_typing_every_few_seconds_and_soon_after_a_send_but_never_faster_than_the_server_takes() {
    assert!(due(None, 0));
    assert!(!due(Some(10_000), 12_999));
    assert!(due(Some(10_000), 13_000));
    // After a send, the next word says it again one server gap after the last frame, not before.
    let last = after_send(Some(10_000));
    assert!(!due(last, 10_000 + TYPING_GAP_MS as i64 - 1));
    assert!(due(last, 10_000 + TYPING_GAP_MS as i64));
    assert_eq!(after_send(None), None);
}
