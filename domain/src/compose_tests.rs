//! Scenarios of what a send becomes: the permission matrix over command x role x mode x lane, roll audiences,
//! whisper names and help.

use super::*;
use crate::actor::ActorKind;
use crate::fixtures::table;
use crate::ids::CharacterId;
use crate::visibility::{can_see, Viewer};

fn user(id: &str) -> UserId {
    UserId::from(id)
}

fn draft(intent: Result<Intent, Problem>) -> Draft {
    match intent {
        Ok(Intent::Post(draft)) => draft,
        other => panic!("expected a post, got {other:?}"),
    }
}

/// A sample body for each command.
fn sample(name: CommandName) -> &'static str {
    match name {
        CommandName::Roll => "/roll 1d20",
        CommandName::GmRoll => "/gmroll 1d20",
        CommandName::BlindRoll => "/blindroll 1d20",
        CommandName::SelfRoll => "/selfroll 1d20",
        CommandName::Whisper => "/w bob psst",
        CommandName::Gm => "/gm The bridge sways.",
        CommandName::Me => "/me waves",
        CommandName::Ooc => "/ooc brb",
        CommandName::As => "/as \"Old Fisher\" Ahoy",
        CommandName::Desc => "/desc Rain falls.",
        CommandName::Session => "/session pause",
        CommandName::Help => "/help",
    }
}

#[test]
fn the_matrix_over_command_role_mode_and_lane() {
    let facts = table(false);
    let senders = [("gm", Role::Gm), ("alice", Role::Player), ("olga", Role::Observer)];
    let modes = [
        ModeHint::Participant,
        ModeHint::Character {
            character_id: CharacterId::from("lyra"),
        },
        ModeHint::Gm,
        ModeHint::Narrator { name: "Goblin".into() },
    ];
    for spec in command::COMMANDS {
        for (sender, role) in senders {
            for mode in &modes {
                for lane in [Lane::InGame, Lane::OffGame] {
                    let got = prepare(&user(sender), lane, &facts, mode, &AudienceHint::All, sample(spec.name));
                    let case = format!("{} by {sender} in {mode:?} {lane:?}", spec.word);
                    let expected = expected(spec.name, role, mode, lane, sender);
                    match (&got, expected) {
                        (Ok(intent), Ok(voice)) => assert_eq!(voice_of(intent), voice, "{case}"),
                        (Err(problem), Err(code)) => assert_eq!(problem.code, code, "{case}: {problem}"),
                        _ => panic!("{case}: got {got:?}, expected {expected:?}"),
                    }
                }
            }
        }
    }
}

/// The voice a successful send speaks in (None for help and session changes).
fn voice_of(intent: &Intent) -> Option<ActorKind> {
    match intent {
        Intent::Post(draft) => Some(draft.decision.actor.kind),
        _ => None,
    }
}

/// The matrix written out independently of `permits` and `decide`.
fn expected(
    name: CommandName,
    role: Role,
    mode: &ModeHint,
    lane: Lane,
    sender: &str,
) -> Result<Option<ActorKind>, ErrorCode> {
    use CommandName::*;
    let gm = role == Role::Gm;
    let in_game = lane == Lane::InGame;
    if name == Help {
        return Ok(None);
    }
    let allowed = match role {
        Role::Observer => !in_game && matches!(name, Whisper | Me | Ooc),
        Role::Player => !matches!(name, Gm | As | Desc | Session),
        Role::Gm => in_game || !matches!(name, As | Desc | Session),
    };
    if !allowed {
        return Err(ErrorCode::NotPermitted);
    }
    if name == Session {
        return Ok(None);
    }
    // The voice: fixed by the command, or the current mode checked as for plain text.
    let voice = match name {
        Gm => ModeHint::Gm,
        Ooc => ModeHint::Participant,
        As | Desc => ModeHint::Narrator { name: "x".into() },
        _ => mode.clone(),
    };
    match voice {
        ModeHint::Participant => Ok(Some(ActorKind::Participant)),
        ModeHint::Character { .. } | ModeHint::Narrator { .. } if !in_game => Err(ErrorCode::ModeNotAllowed),
        ModeHint::Character { .. } if sender == "alice" => Ok(Some(ActorKind::Character)),
        ModeHint::Character { .. } => Err(ErrorCode::CharacterNotControlled),
        ModeHint::Gm if gm => Ok(Some(ActorKind::Gm)),
        ModeHint::Narrator { .. } if gm => Ok(Some(ActorKind::Narrator)),
        _ => Err(ErrorCode::ModeNotAllowed),
    }
}

#[test]
fn each_roll_reaches_exactly_its_audience() {
    let facts = table(false);
    let viewers = [
        ("gm", Role::Gm),
        ("alice", Role::Player),
        ("bob", Role::Player),
        ("olga", Role::Observer),
    ];
    for (body, sees) in [
        ("/roll 1d20", [true, true, true, true]),
        ("/gmroll 1d20", [true, true, false, false]),
        ("/blindroll 1d20", [true, false, false, false]),
        ("/selfroll 1d20", [false, true, false, false]),
    ] {
        let draft = draft(prepare(
            &user("alice"),
            Lane::InGame,
            &facts,
            &ModeHint::Participant,
            &AudienceHint::All,
            body,
        ));
        assert_eq!(draft.kind, MessageKind::Roll);
        let message = crate::message::Message {
            message_id: "m".into(),
            channel_id: "c".into(),
            sequence_id: 1,
            sent_at: 0,
            kind: draft.kind,
            actor: draft.decision.actor.clone(),
            sender_id: Some(user("alice")),
            body: draft.body.clone(),
            mentions: vec![],
            audience: draft.decision.audience.clone(),
            roll: None,
            client_message_id: None,
            change: None,
            inline_rolls: Vec::new(),
            reply: None,
        };
        for ((viewer, role), expected) in viewers.iter().zip(sees) {
            let viewer = Viewer {
                user_id: user(viewer),
                role: *role,
            };
            assert_eq!(can_see(&viewer, &message), expected, "{body} seen by {viewer:?}");
        }
    }
}

#[test]
fn whisper_names_resolve_to_members_characters_and_groups() {
    let facts = table(true);
    let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let users = |id: &str| TargetHint::User { id: user(id) };
    assert_eq!(whisper_targets(&names(&["BOB"]), &facts).unwrap(), [users("bob")]);
    assert_eq!(
        whisper_targets(&names(&["The Twins", "gm"]), &facts).unwrap(),
        [
            TargetHint::Character {
                id: CharacterId::from("twins")
            },
            users("gm")
        ]
    );
    assert_eq!(
        whisper_targets(&names(&["players", "bob"]), &facts).unwrap(),
        [users("alice"), users("bob"), users("carol")],
        "players means every player, once each"
    );
    let problem = whisper_targets(&names(&["The"]), &facts).unwrap_err();
    assert_eq!(problem.code, ErrorCode::UnknownTarget);
    assert!(
        problem.hint.contains("\"The Twins\""),
        "suggests quoting: {}",
        problem.hint
    );

    let whisper = draft(prepare(
        &user("alice"),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
        "/w \"The Twins\" @bob look",
    ));
    assert_eq!(whisper.decision.audience.targets, [user("bob"), user("carol")]);
    assert!(whisper.decision.audience.gms, "the campaign lets GMs read whispers");
    assert_eq!(whisper.body, "@bob look");
    assert_eq!(whisper.mentions.len(), 1);
}

#[test]
fn commands_shape_what_is_stored() {
    let facts = table(false);
    let gm = |body: &str| {
        draft(prepare(
            &user("gm"),
            Lane::InGame,
            &facts,
            &ModeHint::Participant,
            &AudienceHint::GmOnly,
            body,
        ))
    };
    let desc = gm("/desc Fog rolls in.");
    assert_eq!(
        (desc.kind, desc.decision.actor.kind),
        (MessageKind::Narration, ActorKind::Narrator)
    );
    assert_eq!(desc.decision.actor.label, NARRATION_LABEL);
    assert_eq!(
        desc.decision.audience,
        Audience::gm_only(),
        "speech keeps the composer's audience"
    );
    let npc = gm("/as \"Old Fisher\" Ahoy");
    assert_eq!(
        (npc.decision.actor.label.as_str(), npc.body.as_str()),
        ("Old Fisher", "Ahoy")
    );
    assert_eq!(gm("/me nods").kind, MessageKind::Emote);
    let roll = gm("/roll 2d6+1 Damage");
    assert_eq!(
        roll.decision.audience,
        Audience::all(),
        "a public roll ignores the composer's audience"
    );
    assert_eq!(roll.body, "2d6+1 Damage");
    assert!(gm("//roll").body == "/roll");
    let unknown = prepare(
        &user("gm"),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
        "hi @zed",
    );
    assert_eq!(unknown.unwrap_err().code, ErrorCode::UnknownMention);
    assert!(gm("/me swings [[1d20+5]]").body.contains("[[1d20+5]]"));
    let not_a_roll = prepare(
        &user("gm"),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
        "I cast [[fireball]]",
    );
    assert_eq!(
        not_a_roll.unwrap_err().code,
        ErrorCode::BadArguments,
        "refused before the send"
    );
    let stranger = prepare(
        &user("zed"),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
        "/help",
    );
    assert_eq!(stranger.unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn help_lists_only_what_the_member_may_use() {
    let player: Vec<String> = help_lines(None, Role::Player, Lane::InGame);
    assert!(player.iter().any(|l| l.starts_with("/roll")));
    assert!(!player
        .iter()
        .any(|l| l.starts_with("/desc") || l.starts_with("/session")));
    let gm = help_lines(None, Role::Gm, Lane::InGame);
    assert_eq!(gm.len(), command::COMMANDS.len());
    assert_eq!(available(Role::Gm, Lane::OffGame).len(), command::COMMANDS.len() - 3);
    let desc = help_lines(Some(CommandName::Desc), Role::Player, Lane::InGame);
    assert!(desc[0].starts_with("/desc text"));
    assert!(desc.iter().any(|l| l.starts_with("Also: /describe")));
    assert!(desc.iter().any(|l| l.contains("is for game masters")));
}
