//! Scenarios of the speaking and hearing rules: every mode x role x lane, every audience, and their product.

use super::*;

use crate::fixtures::table;

fn user(id: &str) -> UserId {
    UserId::from(id)
}

fn code(result: Result<Decision, Problem>) -> Result<Decision, ErrorCode> {
    result.map_err(|p| p.code)
}

fn modes() -> Vec<(&'static str, ModeHint)> {
    vec![
        ("participant", ModeHint::Participant),
        (
            "own character",
            ModeHint::Character {
                character_id: CharacterId::from("lyra"),
            },
        ),
        (
            "someone else's character",
            ModeHint::Character {
                character_id: CharacterId::from("twins"),
            },
        ),
        (
            "missing character",
            ModeHint::Character {
                character_id: CharacterId::from("nobody"),
            },
        ),
        ("gm", ModeHint::Gm),
        (
            "narrator",
            ModeHint::Narrator {
                name: "Old Fisher".into(),
            },
        ),
    ]
}

/// What each role may speak as, in each lane. `alice` plays the players' row (she controls Lyra); the GM
/// controls only Hollin, so "own character" (Lyra) is someone else's for the GM.
fn expected_mode(role: Role, mode: &str, lane: Lane) -> Result<ActorKind, ErrorCode> {
    use ErrorCode::*;
    match (role, mode, lane) {
        (Role::Observer, _, Lane::InGame) => Err(Forbidden),
        (_, "participant", _) => Ok(ActorKind::Participant),
        (_, "own character" | "someone else's character" | "missing character" | "narrator", Lane::OffGame) => {
            Err(ModeNotAllowed)
        }
        (Role::Player, "own character", Lane::InGame) => Ok(ActorKind::Character),
        (_, "own character" | "someone else's character" | "missing character", Lane::InGame) => {
            Err(CharacterNotControlled)
        }
        (Role::Gm, "gm" | "narrator", _) => Ok(if mode == "gm" {
            ActorKind::Gm
        } else {
            ActorKind::Narrator
        }),
        (_, "gm" | "narrator", _) => Err(ModeNotAllowed),
        other => unreachable!("no rule for {other:?}"),
    }
}

fn speaker(role: Role) -> UserId {
    match role {
        Role::Gm => user("gm"),
        Role::Player => user("alice"),
        Role::Observer => user("olga"),
    }
}

#[test]
fn every_mode_for_every_role_in_both_lanes() {
    let facts = table(false);
    for lane in [Lane::InGame, Lane::OffGame] {
        for role in [Role::Gm, Role::Player, Role::Observer] {
            for (name, mode) in modes() {
                let got = code(decide(&speaker(role), lane, &facts, &mode, &AudienceHint::All)).map(|d| d.actor.kind);
                assert_eq!(
                    got,
                    expected_mode(role, name, lane),
                    "{role:?} speaking as {name} in {lane:?}"
                );
            }
        }
    }
}

#[test]
fn actors_carry_the_right_labels() {
    let facts = table(false);
    let decide_as = |who: &str, mode: ModeHint| decide(&user(who), Lane::InGame, &facts, &mode, &AudienceHint::All);
    let lyra = decide_as(
        "alice",
        ModeHint::Character {
            character_id: CharacterId::from("lyra"),
        },
    )
    .unwrap();
    assert_eq!(
        (lyra.actor.label.as_str(), lyra.actor.id.as_deref()),
        ("Lyra", Some("lyra"))
    );
    let twins = decide_as(
        "carol",
        ModeHint::Character {
            character_id: CharacterId::from("twins"),
        },
    )
    .unwrap();
    assert_eq!(
        twins.actor.label, "The Twins",
        "shared control: either controller may speak"
    );
    assert_eq!(decide_as("gm", ModeHint::Gm).unwrap().actor.label, "GM");
    let npc = decide_as(
        "gm",
        ModeHint::Narrator {
            name: "  Old Fisher ".into(),
        },
    )
    .unwrap();
    assert_eq!((npc.actor.label.as_str(), npc.actor.id), ("Old Fisher", None));
    let blank = decide_as("gm", ModeHint::Narrator { name: "  ".into() }).unwrap_err();
    assert_eq!(blank.code, ErrorCode::InvalidInput);
    assert_eq!(decide_as("alice", ModeHint::Participant).unwrap().actor.label, "alice");
}

#[test]
fn strangers_get_the_same_answer_as_missing_channels() {
    let facts = table(false);
    let refused = decide(
        &user("mallory"),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
    );
    assert_eq!(refused.unwrap_err().code, ErrorCode::NotFound);
}

fn targets(hints: &[TargetHint]) -> AudienceHint {
    AudienceHint::Targets {
        targets: hints.to_vec(),
    }
}

fn to_user(id: &str) -> TargetHint {
    TargetHint::User { id: user(id) }
}

fn to_character(id: &str) -> TargetHint {
    TargetHint::Character {
        id: CharacterId::from(id),
    }
}

#[test]
fn audiences_become_stored_reader_lists() {
    for gm_sees_whispers in [false, true] {
        let facts = table(gm_sees_whispers);
        let from_alice = |hint: AudienceHint| {
            code(decide(
                &user("alice"),
                Lane::InGame,
                &facts,
                &ModeHint::Participant,
                &hint,
            ))
            .map(|d| d.audience)
        };
        assert_eq!(from_alice(AudienceHint::All).unwrap(), Audience::all());
        let gm_only = from_alice(AudienceHint::GmOnly).unwrap();
        assert_eq!(
            (gm_only.scope, gm_only.targets.len(), gm_only.gms),
            (AudienceScope::GmOnly, 0, true)
        );

        let whisper = from_alice(targets(&[to_user("bob")])).unwrap();
        assert_eq!(whisper.targets, [user("bob")]);
        assert_eq!(whisper.gms, gm_sees_whispers, "the setting at send time is stored");

        let to_twins = from_alice(targets(&[to_character("twins")])).unwrap();
        assert_eq!(
            to_twins.targets,
            [user("bob"), user("carol")],
            "every controller of a character hears it"
        );

        let mixed = from_alice(targets(&[to_user("carol"), to_character("twins"), to_user("alice")])).unwrap();
        assert_eq!(
            mixed.targets,
            [user("bob"), user("carol")],
            "no duplicates, sender not listed"
        );

        let to_npc = from_alice(targets(&[to_character("hollin")])).unwrap();
        assert_eq!(
            to_npc.targets,
            [user("gm")],
            "whispering to an NPC reaches the GM who plays it"
        );

        for unknown in [
            targets(&[to_user("mallory")]),
            targets(&[to_character("nobody")]),
            targets(&[]),
        ] {
            assert_eq!(from_alice(unknown).unwrap_err(), ErrorCode::UnknownTarget);
        }
    }
}

#[test]
fn every_mode_role_and_audience_combine_independently() {
    let audiences = [
        ("all", AudienceHint::All, Ok(AudienceScope::All)),
        ("gm only", AudienceHint::GmOnly, Ok(AudienceScope::GmOnly)),
        ("whisper", targets(&[to_user("bob")]), Ok(AudienceScope::Targets)),
        (
            "whisper to character",
            targets(&[to_character("twins")]),
            Ok(AudienceScope::Targets),
        ),
        (
            "whisper to stranger",
            targets(&[to_user("mallory")]),
            Err(ErrorCode::UnknownTarget),
        ),
    ];
    let facts = table(false);
    for lane in [Lane::InGame, Lane::OffGame] {
        for role in [Role::Gm, Role::Player, Role::Observer] {
            for (mode_name, mode) in modes() {
                for (audience_name, hint, audience_expected) in &audiences {
                    let got = code(decide(&speaker(role), lane, &facts, &mode, hint))
                        .map(|d| (d.actor.kind, d.audience.scope));
                    // A refused mode is reported before the audience is looked at.
                    let expected = expected_mode(role, mode_name, lane)
                        .and_then(|kind| (*audience_expected).map(|scope| (kind, scope)));
                    assert_eq!(got, expected, "{role:?} as {mode_name} to {audience_name} in {lane:?}");
                }
            }
        }
    }
}
