use super::*;
use crate::audience::AudienceScope;
use crate::campaign::Role;
use crate::change::{Change, Mark};
use crate::message::MessageKind;

use crate::fixtures::said;

fn whisper_to(user: &str) -> Audience {
    Audience {
        scope: AudienceScope::Targets,
        targets: vec![UserId::from(user)],
        gms: true,
        blind: false,
    }
}

fn viewer(user: &str, role: Role) -> Viewer {
    Viewer {
        user_id: UserId::from(user),
        role,
    }
}

fn reply_to(original: &Message) -> Message {
    let mut reply = said("r1", 9, "bob", "indeed", Audience::all());
    reply.reply = Some(Reply::Quote(Box::new(Quote::of(
        original,
        &State::default(),
        Reader::Gm,
    ))));
    reply
}

#[test]
fn a_quote_of_a_whisper_reaches_only_the_whisper_s_audience() {
    let whisper = said("w1", 3, "alice", "the key is under the mat", whisper_to("bob"));
    let reply = reply_to(&whisper);
    for (who, role) in [("alice", Role::Player), ("bob", Role::Player), ("gm", Role::Gm)] {
        assert_eq!(reply.for_viewer(&viewer(who, role)).quote(), reply.quote(), "{who}");
    }
    let carol = reply.for_viewer(&viewer("carol", Role::Player));
    assert_eq!(carol.reply, Some(Reply::Hidden));
    let wire = serde_json::to_string(&*carol).unwrap();
    assert!(
        !wire.contains("w1") && !wire.contains("mat") && !wire.contains("alice"),
        "{wire}"
    );
    assert!(wire.contains(r#""reply":"hidden""#), "{wire}");
}

#[test]
fn a_quote_travels_between_instances_whole() {
    let reply = reply_to(&said("m1", 1, "alice", "hello", Audience::all()));
    let back: Message = serde_json::from_str(&serde_json::to_string(&reply).unwrap()).unwrap();
    assert_eq!(back, reply);
}

#[test]
fn an_excerpt_is_one_line_and_cut_with_an_ellipsis() {
    assert_eq!(excerpt("two\n  lines"), "two lines");
    let long = "é".repeat(EXCERPT_CHARS + 5);
    let cut = excerpt(&long);
    assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
    assert!(cut.ends_with('…'));
    assert_eq!(excerpt(&"a".repeat(EXCERPT_CHARS)).len(), EXCERPT_CHARS);
}

#[test]
fn a_quote_follows_edits_and_a_delete_withholds_its_text_from_members() {
    let original = said("m1", 1, "alice", "first", Audience::all());
    let change = |kind, body: &str, at| Message {
        kind: MessageKind::Change,
        change: Some(Change {
            kind,
            target: original.message_id.clone(),
            target_sender: original.sender_id.clone(),
        }),
        ..said(&format!("c{at}"), at, "alice", body, Audience::all())
    };
    let mut member = Quote::of(&original, &State::default(), Reader::Member);
    let mut gm = member.clone();
    for quote in [&mut member, &mut gm] {
        quote.follow(&change(ChangeKind::Edit, "second", 2), Reader::Member);
        assert_eq!(quote.excerpt, "second");
    }
    member.follow(&change(ChangeKind::Delete, "", 3), Reader::Member);
    gm.follow(&change(ChangeKind::Delete, "", 3), Reader::Gm);
    assert!(member.deleted && member.excerpt.is_empty());
    assert!(gm.deleted && gm.excerpt == "second");
    let deleted = State {
        deleted: Some(Mark {
            by: UserId::from("gm"),
            at: 3,
        }),
        ..State::default()
    };
    assert!(Quote::of(&original, &deleted, Reader::Member).excerpt.is_empty());
    assert_eq!(Quote::of(&original, &deleted, Reader::Gm).excerpt, "first");
}
