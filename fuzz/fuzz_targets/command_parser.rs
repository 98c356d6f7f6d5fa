//! Any text typed into the composer: the command parser, the permission matrix and mention resolution answer
//! with a value or a typed error, never a panic; a parsed command renders to text that parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use domain::command::{parse, Parsed};
use domain::compose::prepare;
use domain::mentions;
use domain::policy::{AudienceHint, Lane, ModeHint, TableFacts};

fuzz_target!(|body: &str| {
    if let Ok(Parsed::Command(command)) = parse(body) {
        let rendered = command.render();
        assert_eq!(
            parse(&rendered),
            Ok(Parsed::Command(command)),
            "render of {body:?} reads back"
        );
    }
    let facts = TableFacts::default();
    let _ = prepare(
        &"u".into(),
        Lane::InGame,
        &facts,
        &ModeHint::Participant,
        &AudienceHint::All,
        body,
    );
    let _ = mentions::resolve(body, &facts);
    for caret in [0, body.len() / 2, body.len()] {
        let _ = mentions::query_at(body, caret);
    }
});
