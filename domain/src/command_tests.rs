//! Every command, alias and error of the parser, and parse(render(x)) == x.

use super::*;
use crate::dice::{self as d};
use proptest::prelude::*;

fn command(body: &str) -> Command {
    match parse(body) {
        Ok(Parsed::Command(command)) => command,
        other => panic!("{body}: {other:?}"),
    }
}

fn code(body: &str) -> ErrorCode {
    parse(body).expect_err(body).code
}

#[test]
fn every_word_and_alias_reaches_its_command() {
    for spec in COMMANDS {
        for word in std::iter::once(&spec.word).chain(spec.aliases) {
            assert_eq!(CommandName::from_word(word), Some(spec.name), "/{word}");
            assert_eq!(
                CommandName::from_word(&word.to_uppercase()),
                Some(spec.name),
                "/{word} in capitals"
            );
        }
    }
    let arguments = |name: CommandName| match name {
        CommandName::Roll | CommandName::GmRoll | CommandName::BlindRoll | CommandName::SelfRoll => "1d20",
        CommandName::Whisper | CommandName::As => "bob hi",
        CommandName::Session => "start",
        CommandName::Help => "",
        _ => "hi",
    };
    for spec in COMMANDS {
        for word in std::iter::once(&spec.word).chain(spec.aliases) {
            let parsed = command(&format!("/{word} {}", arguments(spec.name)));
            assert_eq!(parsed.name(), spec.name, "/{word}");
        }
    }
}

#[test]
fn rolls_carry_their_visibility_and_dice() {
    for (body, visibility) in [
        ("/roll 1d20+5 Stealth", RollVisibility::Public),
        ("/r 1d20+5 Stealth", RollVisibility::Public),
        ("/gmroll 1d20+5 Stealth", RollVisibility::Gm),
        ("/gr 1d20+5 Stealth", RollVisibility::Gm),
        ("/blindroll 1d20+5 Stealth", RollVisibility::Blind),
        ("/br 1d20+5 Stealth", RollVisibility::Blind),
        ("/selfroll 1d20+5 Stealth", RollVisibility::SelfOnly),
        ("/sr 1d20+5 Stealth", RollVisibility::SelfOnly),
    ] {
        assert_eq!(
            command(body),
            Command::Roll {
                visibility,
                dice: d::parse("1d20+5 Stealth").unwrap()
            },
            "{body}"
        );
    }
    let problem = parse("/roll 1d1001").unwrap_err();
    assert_eq!(problem.code, ErrorCode::BadArguments);
    assert!(problem.hint.starts_with("Usage: /roll"), "{}", problem.hint);
    assert_eq!(code("/roll"), ErrorCode::BadArguments);
}

#[test]
fn whispers_take_words_quoted_names_and_lists() {
    let whisper = |targets: &[&str], text: &str| Command::Whisper {
        targets: targets.iter().map(|t| t.to_string()).collect(),
        text: text.into(),
    };
    assert_eq!(command("/w bob meet me"), whisper(&["bob"], "meet me"));
    assert_eq!(command("/whisper bob meet me"), whisper(&["bob"], "meet me"));
    assert_eq!(command("/msg bob meet me"), whisper(&["bob"], "meet me"));
    assert_eq!(
        command("/w \"Sir Brynn\" a secret"),
        whisper(&["Sir Brynn"], "a secret")
    );
    assert_eq!(
        command("/w alice,bob , \"The Twins\",gm  hi there"),
        whisper(&["alice", "bob", "The Twins", "gm"], "hi there")
    );
    assert_eq!(command("/w players run"), whisper(&["players"], "run"));
    for body in [
        "/w",
        "/w bob",
        "/w \"bob",
        "/w \"\" hi",
        "/w bob,",
        "/w , hi",
        "/w \"Sir\"x hi",
    ] {
        let problem = parse(body).expect_err(body);
        assert_eq!(problem.code, ErrorCode::BadArguments, "{body}");
        assert!(problem.hint.contains("/w"), "{body}: usage in the hint");
    }
}

#[test]
fn speech_commands_need_text() {
    assert_eq!(
        command("/gm The door creaks."),
        Command::Gm {
            text: "The door creaks.".into()
        }
    );
    assert_eq!(command("/me waves"), Command::Me { text: "waves".into() });
    assert_eq!(command("/em waves"), Command::Me { text: "waves".into() });
    assert_eq!(command("/emote  waves "), Command::Me { text: "waves".into() });
    assert_eq!(command("/ooc brb"), Command::Ooc { text: "brb".into() });
    assert_eq!(
        command("/desc Rain falls."),
        Command::Desc {
            text: "Rain falls.".into()
        }
    );
    assert_eq!(
        command("/narrate Rain falls."),
        Command::Desc {
            text: "Rain falls.".into()
        }
    );
    assert_eq!(
        command("/as \"Old Fisher\" Ahoy"),
        Command::As {
            name: "Old Fisher".into(),
            text: "Ahoy".into()
        }
    );
    assert_eq!(
        command("/npc Goblin Grr"),
        Command::As {
            name: "Goblin".into(),
            text: "Grr".into()
        }
    );
    for body in ["/gm", "/me ", "/ooc", "/desc", "/as", "/as Goblin", "/as a, b hi"] {
        assert_eq!(code(body), ErrorCode::BadArguments, "{body}");
    }
}

#[test]
fn session_and_help() {
    assert_eq!(
        command("/session start"),
        Command::Session {
            action: SessionAction::Start
        }
    );
    assert_eq!(
        command("/session resume"),
        Command::Session {
            action: SessionAction::Start
        }
    );
    assert_eq!(
        command("/session PAUSE"),
        Command::Session {
            action: SessionAction::Pause
        }
    );
    assert_eq!(
        command("/session end"),
        Command::Session {
            action: SessionAction::End
        }
    );
    assert_eq!(code("/session"), ErrorCode::BadArguments);
    assert_eq!(code("/session restart"), ErrorCode::BadArguments);
    assert_eq!(command("/help"), Command::Help { topic: None });
    assert_eq!(command("/?"), Command::Help { topic: None });
    assert_eq!(
        command("/h w"),
        Command::Help {
            topic: Some(CommandName::Whisper)
        }
    );
    assert_eq!(
        command("/help /br"),
        Command::Help {
            topic: Some(CommandName::BlindRoll)
        }
    );
    assert_eq!(code("/help frobnicate"), ErrorCode::UnknownCommand);
}

#[test]
fn unknown_commands_suggest_the_closest() {
    let problem = parse("/rol 1d20").unwrap_err();
    assert_eq!(problem.code, ErrorCode::UnknownCommand);
    assert!(problem.message.contains("/rol"));
    assert!(problem.hint.contains("/roll"), "{}", problem.hint);
    assert_eq!(suggest("whsiper"), vec!["w"], "a transposition is two edits");
    assert_eq!(suggest("sess")[0], "session", "a prefix match comes first");
    assert_eq!(suggest("blnd"), Vec::<&str>::new(), "too far from blindroll to guess");
    assert!(parse("/zzzzzz").unwrap_err().hint.contains("/help"));
}

#[test]
fn text_that_is_not_a_command() {
    for body in ["hello", "/ shrug", "1/2 of us", " /", "/5 coins", ""] {
        assert_eq!(parse(body).unwrap(), Parsed::Text(body.into()), "{body:?}");
    }
    assert_eq!(
        parse("//roll is a command").unwrap(),
        Parsed::Text("/roll is a command".into())
    );
}

fn name_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 '_-]{0,20}[A-Za-z0-9]".prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn text_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]([A-Za-z0-9@!?.,'\" -]{0,40}[A-Za-z0-9!?.])?"
}

fn dice_strategy() -> impl Strategy<Value = d::DiceExpr> {
    let group = (1u32..=10, 2u32..=100, 0u32..5, 1u32..=10).prop_map(|(count, sides, select, n)| {
        let n = n.min(count);
        let select = match select {
            1 => Some(d::Select::KeepHighest(n)),
            2 => Some(d::Select::KeepLowest(n)),
            3 if n < count => Some(d::Select::DropHighest(n)),
            4 if n < count => Some(d::Select::DropLowest(n)),
            _ => None,
        };
        d::TermKind::Dice(d::DiceGroup { count, sides, select })
    });
    let kind = prop_oneof![group, (0u32..=1000).prop_map(d::TermKind::Constant)];
    let term = (any::<bool>(), kind).prop_map(|(minus, kind)| d::Term {
        sign: if minus { d::Sign::Minus } else { d::Sign::Plus },
        kind,
    });
    let label = proptest::option::of("[A-Za-z][A-Za-z0-9 ]{0,20}[A-Za-z0-9]");
    (proptest::collection::vec(term, 1..6), label).prop_map(|(terms, label)| d::DiceExpr { terms, label })
}

fn command_strategy() -> impl Strategy<Value = Command> {
    let visibility = prop_oneof![
        Just(RollVisibility::Public),
        Just(RollVisibility::Gm),
        Just(RollVisibility::Blind),
        Just(RollVisibility::SelfOnly)
    ];
    prop_oneof![
        (visibility, dice_strategy()).prop_map(|(visibility, dice)| Command::Roll { visibility, dice }),
        (proptest::collection::vec(name_strategy(), 1..4), text_strategy())
            .prop_map(|(targets, text)| Command::Whisper { targets, text }),
        text_strategy().prop_map(|text| Command::Gm { text }),
        text_strategy().prop_map(|text| Command::Me { text }),
        text_strategy().prop_map(|text| Command::Ooc { text }),
        text_strategy().prop_map(|text| Command::Desc { text }),
        (name_strategy(), text_strategy()).prop_map(|(name, text)| Command::As { name, text }),
        prop_oneof![
            Just(SessionAction::Start),
            Just(SessionAction::Pause),
            Just(SessionAction::End)
        ]
        .prop_map(|action| Command::Session { action }),
        proptest::option::of(proptest::sample::select(
            COMMANDS.iter().map(|s| s.name).collect::<Vec<_>>()
        ))
        .prop_map(|topic| Command::Help { topic }),
    ]
}

proptest! {
    #[test]
    fn parse_reads_back_what_render_writes(command in command_strategy()) {
        let rendered = command.render();
        prop_assert_eq!(parse(&rendered), Ok(Parsed::Command(command)), "{}", rendered);
    }

    #[test]
    fn dice_parse_reads_back_what_render_writes(dice in dice_strategy()) {
        let rendered = dice.render();
        prop_assert_eq!(d::parse(&rendered), Ok(dice), "{}", rendered);
    }

    #[test]
    fn any_input_gives_an_answer_never_a_panic(body in "\\PC{0,80}") {
        let _ = parse(&body);
        let _ = d::parse(&body);
    }
}
