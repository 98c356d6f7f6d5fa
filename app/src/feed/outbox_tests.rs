//! The outbox goes one message at a time: what the socket task is told to send as answers arrive.

use super::*;
use crate::domain::frames::ServerFrame;

fn key_of(frame: &ClientFrame) -> String {
    match frame {
        ClientFrame::Send { client_message_id, .. } => client_message_id.clone(),
        other => panic!("not a send: {other:?}"),
    }
}

fn ack(channel: &ChannelId, key: &str, sequence_id: i64) -> ServerFrame {
    ServerFrame::Ack {
        channel_id: channel.clone(),
        client_message_id: key.to_owned(),
        message_id: format!("m{sequence_id}"),
        sequence_id,
        duplicate: false,
    }
}

fn overloaded(channel: &ChannelId, key: &str) -> ServerFrame {
    let problem =
        Problem::new(ErrorCode::Overloaded, "busy", "wait").retry_after(std::time::Duration::from_millis(300));
    ServerFrame::error(problem, Some(key.to_owned()), Some(channel.clone()))
}

fn feed_with(sends: &[&str]) -> (ChatFeed, ChannelId, Vec<String>) {
    let feed = ChatFeed::new();
    let channel = ChannelId::from("channel-1".to_owned());
    feed.select(Some(channel.clone()));
    for body in sends {
        feed.send((*body).to_owned(), SendHints::default());
    }
    let keys = feed
        .pending
        .with_untracked(|p| p.iter().map(|s| s.client_message_id.clone()).collect());
    (feed, channel, keys)
}

/// Signals live in a reactive owner's arena.
fn in_owner(test: impl FnOnce()) {
    Owner::new().with(test);
}

fn on_wire(feed: &ChatFeed) -> Vec<bool> {
    feed.pending.with_untracked(|p| p.iter().map(|s| s.on_wire).collect())
}

#[test]
fn only_the_oldest_send_is_on_the_wire_and_each_ack_sends_the_next() {
    in_owner(|| {
        let (feed, channel, keys) = feed_with(&["one", "two", "three"]);
        assert_eq!(on_wire(&feed), [true, false, false]);
        let FollowUp::Send(next) = feed.apply(ack(&channel, &keys[0], 1)) else {
            panic!("the second send should go")
        };
        assert_eq!(key_of(&next), keys[1]);
        let FollowUp::Send(next) = feed.apply(ack(&channel, &keys[1], 2)) else {
            panic!("the third send should go")
        };
        assert_eq!(key_of(&next), keys[2]);
        assert_eq!(feed.apply(ack(&channel, &keys[2], 3)), FollowUp::Nothing);
        assert!(feed.pending.with_untracked(Vec::is_empty));
    });
}

#[test]
fn behind_a_refused_send_nothing_passes_until_it_is_taken() {
    in_owner(|| {
        let (feed, channel, keys) = feed_with(&["one", "two"]);
        let FollowUp::RetryLater(retry, Some(wait)) = feed.apply(overloaded(&channel, &keys[0])) else {
            panic!("a refused send should be retried")
        };
        assert_eq!(
            key_of(&retry),
            keys[0],
            "the refused send goes again, not the one behind it"
        );
        assert_eq!(wait, 300);
        // A message written meanwhile waits too.
        feed.send("three".to_owned(), SendHints::default());
        assert_eq!(on_wire(&feed), [true, false, false]);
        // Refused again: twice the wait, still first in line.
        let FollowUp::RetryLater(_, Some(wait)) = feed.apply(overloaded(&channel, &keys[0])) else {
            panic!()
        };
        assert_eq!(wait, 600);
        let FollowUp::Send(next) = feed.apply(ack(&channel, &keys[0], 1)) else {
            panic!("the second send should go")
        };
        assert_eq!(key_of(&next), keys[1]);
    });
}

#[test]
fn after_a_reconnect_the_outbox_starts_again_from_its_oldest_message() {
    in_owner(|| {
        let (feed, _channel, keys) = feed_with(&["one", "two"]);
        let first = feed.resend_outbox().expect("something to resend");
        assert_eq!(key_of(&first), keys[0]);
        assert_eq!(on_wire(&feed), [true, false]);
    });
}

#[test]
fn a_reply_carries_its_original_and_a_refused_one_is_a_reply_again() {
    in_owner(|| {
        let feed = ChatFeed::new();
        let channel = ChannelId::from("channel-1".to_owned());
        feed.select(Some(channel.clone()));
        let original = MessageId::from("m7");
        feed.replying.set(Some(original.clone()));
        feed.send("Agreed.".to_owned(), SendHints::default());
        assert_eq!(
            feed.replying.get_untracked(),
            None,
            "the composer is no longer replying"
        );
        let frame = feed.pending.with_untracked(|p| p[0].frame());
        let ClientFrame::Send {
            reply_to,
            client_message_id,
            ..
        } = frame
        else {
            panic!("not a send");
        };
        assert_eq!(reply_to, Some(original.clone()));
        let refusal = Problem::new(ErrorCode::MessageDeleted, "gone", "send it alone");
        feed.apply(ServerFrame::error(refusal, Some(client_message_id), Some(channel)));
        assert_eq!(feed.returned_draft.get_untracked().as_deref(), Some("Agreed."));
        assert_eq!(feed.replying.get_untracked(), Some(original));
    });
}

#[test]
fn a_typing_frame_refused_for_its_pace_shows_nothing_while_other_refusals_do() {
    in_owner(|| {
        let (feed, channel, _) = feed_with(&[]);
        let too_fast = Problem::rate_limited(
            "Typing is told at most once a second.",
            std::time::Duration::from_millis(400),
        );
        assert_eq!(
            feed.apply(ServerFrame::error(too_fast, None, Some(channel.clone()))),
            FollowUp::Nothing
        );
        assert_eq!(feed.error.get_untracked(), None);
        let closed = Problem::new(ErrorCode::SessionNotActive, "The session has ended.", "Wait.");
        feed.apply(ServerFrame::error(closed.clone(), None, Some(channel)));
        assert_eq!(feed.error.get_untracked(), Some(closed));
    });
}

#[test]
fn a_writer_is_shown_until_their_message_arrives() {
    in_owner(|| {
        let (feed, channel, _) = feed_with(&[]);
        let alice = crate::domain::ids::UserId::from("alice");
        feed.apply(ServerFrame::Typing {
            channel_id: channel.clone(),
            user_id: alice.clone(),
            label: "Lyra".into(),
            audience: crate::domain::audience::Audience::all(),
        });
        let labels = || {
            feed.typists
                .with_untracked(|t| t.iter().map(|t| t.label.clone()).collect::<Vec<_>>())
        };
        assert_eq!(labels(), ["Lyra"]);
        feed.stopped_typing(Some(&alice));
        assert!(labels().is_empty());
    });
}
