//! Mentions: the query under the caret, suggestions by voice, and resolution at send time.

use super::*;
use crate::fixtures::table;
use crate::message::Message;

#[test]
fn the_query_is_what_follows_an_at_sign_up_to_the_caret() {
    assert_eq!(query_at("hi @al", 6), Some((3, "al")));
    assert_eq!(query_at("@", 1), Some((0, "")));
    assert_eq!(query_at("ask @The Tw", 11), Some((4, "The Tw")));
    assert_eq!(query_at("mail me@example.com", 19), None, "not after a letter");
    assert_eq!(query_at("hi @al and more words here", 26), None, "prose, not a name");
    assert_eq!(query_at("hi @ al", 7), None);
    assert_eq!(query_at("no at sign", 5), None);
    assert_eq!(query_at("héllo @a", 9), Some((7, "a")));
    assert_eq!(query_at("héllo", 2), None, "not a character boundary");
}

#[test]
fn suggestions_follow_the_voice_and_the_prefix() {
    let facts = table(false);
    let labels = |mode: &str, prefix: &str| -> Vec<String> {
        suggest(&facts, mode, prefix).into_iter().map(|s| s.label).collect()
    };
    assert_eq!(
        labels("participant", ""),
        [
            "alice",
            "bob",
            "carol",
            "gm",
            "olga",
            "Lyra",
            "Mayor Hollin",
            "The Twins"
        ]
    );
    assert_eq!(
        labels("character", ""),
        [
            "Lyra",
            "Mayor Hollin",
            "The Twins",
            "alice",
            "bob",
            "carol",
            "gm",
            "olga"
        ]
    );
    assert_eq!(labels("gm", "")[0], "Lyra");
    assert_eq!(labels("participant", "tw"), ["The Twins"], "any word of a name matches");
    assert_eq!(labels("participant", "The T"), ["The Twins"]);
    assert_eq!(labels("participant", "AL"), ["alice"]);
    assert!(labels("participant", "zz").is_empty());
}

#[test]
fn mentions_resolve_to_ids_with_a_label_snapshot() {
    let facts = table(false);
    let found = resolve("@alice, ask @The Twins and @\"Mayor Hollin\" (not me@x.com)", &facts).unwrap();
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|m| (m.kind.as_str(), m.id.as_str(), m.label.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("participant", "alice", "alice"),
            ("character", "twins", "The Twins"),
            ("character", "hollin", "Mayor Hollin")
        ]
    );
    assert_eq!(resolve("@ALICE @alice!", &facts).unwrap().len(), 1, "once per target");
    assert!(resolve("no mentions @ all, @@alice", &facts).unwrap().is_empty());
}

#[test]
fn an_unknown_mention_is_a_typed_error() {
    let facts = table(false);
    for body in ["hi @zed", "@alic", "@alicex", "@\"The\" hi"] {
        let problem = resolve(body, &facts).expect_err(body);
        assert_eq!(problem.code, ErrorCode::UnknownMention, "{body}");
    }
    assert!(resolve("hi @zed", &facts).unwrap_err().message.contains("@zed"));
}

#[test]
fn a_mention_of_a_character_highlights_its_controllers() {
    use crate::actor::Actor;
    use crate::audience::Audience;
    use crate::ids::{ChannelId, MessageId};
    use crate::message::MessageKind;
    let facts = table(false);
    let message = Message {
        message_id: MessageId::from("m"),
        channel_id: ChannelId::from("c"),
        sequence_id: 1,
        sent_at: 0,
        kind: MessageKind::Text,
        actor: Actor::participant("gm", "gm"),
        sender_id: Some(UserId::from("gm")),
        body: "@The Twins duck".into(),
        mentions: resolve("@The Twins duck", &facts).unwrap(),
        audience: Audience::all(),
        roll: None,
        client_message_id: None,
        change: None,
        inline_rolls: Vec::new(),
        reply: None,
    };
    assert!(mentions_user(&message.mentions, &UserId::from("bob"), Some(&facts)));
    assert!(mentions_user(&message.mentions, &UserId::from("carol"), Some(&facts)));
    assert!(!mentions_user(&message.mentions, &UserId::from("alice"), Some(&facts)));
}
